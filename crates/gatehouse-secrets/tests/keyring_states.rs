//! How a real gnome-keyring in an unusable state is reported. Each test starts its own private
//! D-Bus sessions (`dbus-run-session`) and gnome-keyring with throwaway `XDG_DATA_HOME` and
//! `XDG_RUNTIME_DIR`, and runs this test binary inside as a child, with no `DISPLAY`, so no
//! unlock dialog can appear. Ignored by default: they need `dbus-run-session` and
//! `gnome-keyring-daemon` (`cargo test -p gatehouse-secrets -- --ignored` runs them).
//!
//! Observed with gnome-keyring 42.1 (Debian 12):
//! - daemon started without `--unlock` and no keyring file: no default collection; writes fail
//!   with `keyring_no_default_collection`, reads of missing entries return `None`;
//! - login keyring on disk but locked: `probe` says `Locked` without prompting; every read or
//!   write of an existing entry asks for the unlock prompt, which fails at once without a
//!   display (gcr-prompter cannot open it), and the call fails with `keyring_locked`. With a
//!   display the dialog stays open and the call fails with `keyring_timeout`.
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use gatehouse_errors::Explain;
use gatehouse_secrets::{Backend, Secret, SecretKey, SecretStore, StoreConfig, StoreStatus};

const CHILD_ENV: &str = "GATEHOUSE_SECRETS_STATE_CHILD";
const SERVICE: &str = "dev.gatehouse.test.states";

fn store() -> SecretStore {
    SecretStore::new(
        StoreConfig::new(Backend::Native)
            .with_service(SERVICE)
            .with_timeout(Duration::from_secs(10)),
    )
    .unwrap()
}

fn key() -> SecretKey {
    SecretKey::admin_token("states").unwrap()
}

/// The child half, run only inside the sessions the tests below start (so it is ignored on its
/// own, and fails if run without them).
#[test]
#[ignore = "the child half of the keyring state tests, which run it in their own D-Bus session"]
fn state_child() {
    let Some(mode) = std::env::var_os(CHILD_ENV) else {
        panic!("state_child runs only from the keyring state tests (it needs {CHILD_ENV})")
    };
    let store = store();
    let status = store.probe_blocking();
    println!("probe: {} {status:?}", status.code());
    match mode.to_str() {
        Some("seed") => {
            assert!(status.is_ready(), "{status:?}");
            store.set_blocking(&key(), &Secret::new("seeded".to_owned())).unwrap();
        }
        Some("locked") => {
            assert!(matches!(status, StoreStatus::Locked), "{status:?}");
            let err = store.get_blocking(&key()).unwrap_err();
            println!("get: {} {err}", err.code());
            assert_eq!(err.code(), "keyring_locked", "{err:?}");
            let err = store.set_blocking(&key(), &Secret::new("x".to_owned())).unwrap_err();
            println!("set: {} {err}", err.code());
            assert_eq!(err.code(), "keyring_locked", "{err:?}");
        }
        Some("no-collection") => {
            assert_eq!(status.code(), "keyring_no_default_collection", "{status:?}");
            let err = store.set_blocking(&key(), &Secret::new("x".to_owned())).unwrap_err();
            println!("set: {} {err}", err.code());
            assert_eq!(err.code(), "keyring_no_default_collection", "{err:?}");
            assert!(store.get_blocking(&key()).unwrap().is_none());
        }
        other => panic!("unknown child mode {other:?}"),
    }
    println!("CHILD-OK");
}

struct Dirs(PathBuf);

impl Dirs {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!("gatehouse-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("data")).unwrap();
        std::fs::create_dir_all(root.join("run")).unwrap();
        std::fs::set_permissions(root.join("run"), std::fs::Permissions::from_mode(0o700)).unwrap();
        Self(root)
    }
}

impl Drop for Dirs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `setup` and then the child in mode `mode`, in a new D-Bus session over `dirs`.
fn run_in_session(dirs: &Path, setup: &str, mode: &str) -> String {
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "{setup} && exec \"$0\" --exact state_child --nocapture --test-threads=1 --include-ignored"
    );
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &script])
        .arg(exe)
        .env(CHILD_ENV, mode)
        .env("XDG_DATA_HOME", dirs.join("data"))
        .env("XDG_RUNTIME_DIR", dirs.join("run"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("CHILD-OK"),
        "child ({mode}) failed:\n{stdout}\n{stderr}"
    );
    stdout
}

const START_LOCKED: &str = "gnome-keyring-daemon --start --components=secrets >/dev/null";
const START_UNLOCKED: &str =
    "printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null";

#[test]
#[ignore = "needs dbus-run-session and gnome-keyring; scripts/test.sh runs it"]
fn locked_login_keyring_is_reported_as_locked() {
    let dirs = Dirs::new("locked");
    // Session 1 creates the login keyring with a password and stores an entry.
    run_in_session(&dirs.0, START_UNLOCKED, "seed");
    // Session 2 starts the daemon without unlocking it.
    let out = run_in_session(&dirs.0, START_LOCKED, "locked");
    println!("{out}");
}

#[test]
#[ignore = "needs dbus-run-session and gnome-keyring; scripts/test.sh runs it"]
fn keyring_without_a_login_collection_is_reported() {
    let dirs = Dirs::new("nocollection");
    let out = run_in_session(&dirs.0, START_LOCKED, "no-collection");
    println!("{out}");
}
