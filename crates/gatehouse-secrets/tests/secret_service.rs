//! The real Secret Service, through the zbus store.
//!
//! - `real_*` tests need an unlocked Secret Service and are ignored by default. Run them inside
//!   a throwaway D-Bus session with gnome-keyring (this is what `scripts/test.sh` does):
//!
//!   ```sh
//!   tmp=$(mktemp -d); mkdir -p $tmp/data $tmp/run; chmod 700 $tmp/run
//!   XDG_DATA_HOME=$tmp/data XDG_RUNTIME_DIR=$tmp/run dbus-run-session -- bash -c \
//!     'echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
//!      cargo test -p gatehouse-secrets --test secret_service -- --ignored'
//!   ```
//!
//! - `no_session_bus_*` tests run everywhere: they start this test binary again in a child
//!   process whose environment points D-Bus at nowhere (so no test mutates its own process
//!   environment), and check the error is `NoSecretService`, not a panic and not a fallback.
#![cfg(target_os = "linux")]

use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gatehouse_errors::Explain;
use gatehouse_secrets::{Backend, Secret, SecretKey, SecretStore, StoreConfig};

fn unique_service() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!(
        "dev.gatehouse.test.{}.{nanos}.{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn real_store() -> SecretStore {
    SecretStore::new(
        StoreConfig::new(Backend::Native)
            .with_service(unique_service())
            .with_timeout(Duration::from_secs(20)),
    )
    .unwrap()
}

/// What `secret-tool` (libsecret, an independent client) sees for this entry, if installed.
fn secret_tool_lookup(service: &str, user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", user])
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
#[ignore = "needs a real Secret Service; scripts/test.sh runs it inside dbus-run-session"]
fn real_secret_service_round_trip() {
    let store = real_store();
    let service = store.config().service.clone();
    let status = store.probe_blocking();
    assert!(status.is_ready(), "probe: {status:?} ({})", status.explanation());

    let key = SecretKey::system_user_token("itest", "61000001").unwrap();
    let token = format!("EAAB-real-keyring-test-{}", unique_service());
    assert!(store.get_blocking(&key).unwrap().is_none());

    store.set_blocking(&key, &Secret::new(token.clone())).unwrap();
    assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), token);
    if let Some(seen) = secret_tool_lookup(&service, &key.user()) {
        assert_eq!(seen.trim_end(), token, "secret-tool sees the stored value");
    } else {
        eprintln!("secret-tool not installed: skipping the independent check");
    }

    store.set_blocking(&key, &Secret::new("overwritten".to_owned())).unwrap();
    assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), "overwritten");

    assert!(store.delete_blocking(&key).unwrap());
    assert!(store.get_blocking(&key).unwrap().is_none());
    assert!(!store.delete_blocking(&key).unwrap(), "delete is idempotent");
    if let Some(seen) = secret_tool_lookup(&service, &key.user()) {
        assert_eq!(seen, "", "the item is gone for other clients too");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service; scripts/test.sh runs it inside dbus-run-session"]
async fn real_secret_service_from_async_code() {
    let store = real_store();
    assert!(store.probe().await.is_ready());
    let keys = [SecretKey::admin_token("itest").unwrap(), SecretKey::app_secret("itest").unwrap()];
    // Concurrent callers: the worker serializes them.
    let results = futures_join(&store, &keys).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(store.get(key).await.unwrap().unwrap().expose(), format!("async-{i}"));
        assert!(store.delete(key).await.unwrap());
    }
}

async fn futures_join(
    store: &SecretStore,
    keys: &[SecretKey; 2],
) -> Vec<Result<(), gatehouse_secrets::SecretStoreError>> {
    let (first, second) = (Secret::new("async-0".to_owned()), Secret::new("async-1".to_owned()));
    let (a, b) = tokio::join!(store.set(&keys[0], &first), store.set(&keys[1], &second));
    vec![a, b]
}

/// Set in the child process started by the `no_session_bus_*` tests.
const CHILD_ENV: &str = "GATEHOUSE_SECRETS_NO_BUS_CHILD";

/// The child half, run only in the child process the `no_session_bus_*` tests start (so it is
/// ignored on its own, and fails if run without them).
#[test]
#[ignore = "the child half of the no_session_bus_* tests, which run it in a child process"]
fn no_session_bus_child() {
    assert!(
        std::env::var_os(CHILD_ENV).is_some(),
        "no_session_bus_child runs only from the no_session_bus_* tests (it needs {CHILD_ENV})"
    );
    let store = real_store();
    let status = store.probe_blocking();
    println!("probe: {} {status:?}", status.code());
    assert_eq!(status.code(), "keyring_no_secret_service", "{status:?}");

    let key = SecretKey::admin_token("nobus").unwrap();
    let err = store.get_blocking(&key).unwrap_err();
    println!("get: {} {err}", err.code());
    assert_eq!(err.code(), "keyring_no_secret_service", "{err:?}");
    let err = store.set_blocking(&key, &Secret::new("value".to_owned())).unwrap_err();
    assert_eq!(err.code(), "keyring_no_secret_service", "{err:?}");
    let err = store.delete_blocking(&key).unwrap_err();
    assert_eq!(err.code(), "keyring_no_secret_service", "{err:?}");
    println!("CHILD-OK");
}

fn run_child(configure: impl FnOnce(&mut Command)) -> String {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", "no_session_bus_child", "--nocapture", "--test-threads=1", "--ignored"]);
    cmd.env(CHILD_ENV, "1");
    configure(&mut cmd);
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("CHILD-OK"), "child did not run the checks:\n{stdout}\n{stderr}");
    stdout
}

#[test]
fn no_session_bus_socket_is_no_secret_service() {
    let dir = std::env::temp_dir().join(format!("gatehouse-nobus-{}", std::process::id()));
    let bus = dir.join("no-such-bus-socket");
    let out = run_child(|cmd| {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", bus.display()));
    });
    println!("{out}");
}

#[test]
fn no_session_bus_at_all_is_no_secret_service() {
    let dir = std::env::temp_dir().join(format!("gatehouse-nobus-rt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = run_child(|cmd| {
        cmd.env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env("XDG_RUNTIME_DIR", &dir);
    });
    let _ = std::fs::remove_dir_all(&dir);
    println!("{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a real Secret Service; scripts/test.sh runs it inside dbus-run-session"]
async fn real_secret_service_self_check() {
    let store = real_store();
    store.self_check().await.expect("self-check against the real Secret Service");
}
