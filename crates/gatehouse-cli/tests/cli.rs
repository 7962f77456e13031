//! The built `gatehouse` binary against the demo portfolio and an in-process emulator, each run
//! with its own config directory. `GATEHOUSE_KEYRING=mock` keeps secrets in the process's memory
//! only, so flows that span processes feed the secrets on stdin (`--secrets-stdin`); the real
//! keyring path is the `#[ignore]`d test at the end (see the README for how to run it).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use gatehouse_cli::commands::{add_profile, remove_profile};
use gatehouse_cli::keyring::ProfileSecrets;
use gatehouse_cli::profiles::{Profile, ProfileStore};
use gatehouse_emulator::Fixture;
use gatehouse_secrets::{Secret, SecretKey, SecretStore};
use gatehouse_testkit::BackgroundEmulator;
use serde_json::Value;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }
}

fn gatehouse(config: &Path, args: &[&str], stdin: Option<&str>, mock_keyring: bool) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.args(args)
        .env("GATEHOUSE_CONFIG_DIR", config)
        // Bulk jobs are saved next to the profiles, never in the real data directory.
        .env("GATEHOUSE_DATA_DIR", config)
        .env_remove("GATEHOUSE_KEYRING")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if mock_keyring {
        cmd.env("GATEHOUSE_KEYRING", "mock");
    }
    let mut child = cmd.spawn().expect("spawn gatehouse");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A command that refuses before reading its input has already closed it: that is its
        // answer to check, not a failure of the test.
        match pipe.write_all(text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.expect("write stdin"),
        }
    }
    let out = child.wait_with_output().expect("wait gatehouse");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn demo(config: &Path, args: &[&str]) -> Out {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    gatehouse(config, &all, None, false)
}

fn ok(out: &Out) {
    assert_eq!(out.code, 0, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
}

/// The emulator with the demo fixture, served by a runtime kept alive for the test.
struct Emu {
    emulator: BackgroundEmulator,
}

impl Emu {
    fn start() -> Self {
        Emu { emulator: BackgroundEmulator::start(Fixture::demo()) }
    }

    /// (business id, app id, admin token, app secret)
    fn credentials(&self) -> (String, String, String, String) {
        let b = &self.emulator.manifest().businesses[0];
        let app = &b.apps[0];
        (b.id.clone(), app.id.clone(), b.admin_token.clone().expect("token"), app.secret.clone())
    }
}

#[test]
fn demo_system_users_list_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(dir.path(), &["system-users", "list", "--json"]);
    ok(&out);
    let doc = out.json();
    let users = doc["system_users"].as_array().expect("system_users");
    assert!(!users.is_empty());
    assert!(users.iter().any(|u| u["role"] == "admin"), "{users:?}");
    assert!(doc["business_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(out.stderr.contains("demo"), "progress goes to stderr: {}", out.stderr);
}

#[test]
fn demo_system_users_create_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(dir.path(), &["system-users", "create", "CLI Robot", "--json"]);
    ok(&out);
    let doc = out.json();
    assert_eq!(doc["name"], "CLI Robot");
    assert_eq!(doc["role"], "regular");
    assert_eq!(doc["recovered_after_lost_answer"], false);
}

#[test]
fn demo_assets_search_json() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        demo(dir.path(), &["assets", "list", "ad-accounts", "--search", "Retargeting", "--json"]);
    ok(&out);
    let doc = out.json();
    let assets = doc["assets"].as_array().expect("assets");
    assert!(!assets.is_empty());
    assert_eq!(doc["count"].as_u64(), Some(assets.len() as u64));
    for a in assets {
        assert!(a["name"].as_str().unwrap().contains("Retargeting"), "{a}");
        assert!(a["id"].as_str().unwrap().starts_with("act_"), "{a}");
    }
    // Other kinds are filtered locally.
    let out =
        demo(dir.path(), &["assets", "list", "pages", "--client", "--search", "harbor", "--json"]);
    ok(&out);
    let pages = out.json()["assets"].as_array().unwrap().clone();
    assert!(!pages.is_empty());
    assert!(pages.iter().all(|p| p["name"].as_str().unwrap().to_lowercase().contains("harbor")));
}

fn regular_user_and_accounts(dir: &Path) -> (String, Vec<String>) {
    let users = demo(dir, &["system-users", "list", "--json"]);
    ok(&users);
    let user = users.json()["system_users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["role"] == "regular")
        .expect("a regular system user")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let accounts =
        demo(dir, &["assets", "list", "ad-accounts", "--search", "Retargeting", "--json"]);
    ok(&accounts);
    let ids = accounts.json()["assets"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    (user, ids)
}

#[test]
fn demo_assign_and_unassign() {
    let dir = tempfile::tempdir().unwrap();
    let (user, ids) = regular_user_and_accounts(dir.path());
    let mut args = vec!["assign", "ad-accounts"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--system-user", &user, "--tasks", "ANALYZE", "--json"]);
    let out = demo(dir.path(), &args);
    ok(&out);
    let doc = out.json();
    assert_eq!(doc["succeeded"], 3);
    assert_eq!(doc["failed"], 0);
    assert_eq!(doc["tasks"], serde_json::json!(["ANALYZE"]));
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r["ok"] == true));

    // Plain output: one line per item.
    let out = demo(
        dir.path(),
        &["assign", "ad-accounts", &ids[0], "--system-user", &user, "--tasks", "analyze,advertise"],
    );
    ok(&out);
    assert_eq!(out.stdout.trim(), format!("ok\t{}", ids[0]));

    // One unknown account among good ones: per-item results, exit 4.
    let out = demo(
        dir.path(),
        &[
            "assign",
            "ad-accounts",
            &ids[0],
            "act_999",
            "--system-user",
            &user,
            "--tasks",
            "ANALYZE",
            "--json",
        ],
    );
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let doc = out.json();
    assert_eq!(doc["succeeded"], 1);
    assert_eq!(doc["failed"], 1);
    let bad = &doc["results"][1];
    assert_eq!(bad["asset_id"], "act_999");
    assert_eq!(bad["ok"], false);
    assert!(bad["error"]["code"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(bad["error"]["fix"].as_str().is_some_and(|c| !c.is_empty()));

    // Everything failing is an API error, exit 1.
    let out = demo(
        dir.path(),
        &["assign", "ad-accounts", "act_999", "--system-user", &user, "--tasks", "ANALYZE"],
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.starts_with("failed\tact_999\t"), "{}", out.stdout);

    let out = demo(
        dir.path(),
        &["unassign", "ad-accounts", &ids[0], &ids[1], "--system-user", &user, "--json"],
    );
    ok(&out);
    assert_eq!(out.json()["succeeded"], 2);
}

#[test]
fn invalid_task_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(
        dir.path(),
        &["assign", "ad-accounts", "act_1", "--system-user", "1", "--tasks", "ANALYZE,FLY"],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("\"FLY\" is not a ad_account task"), "{}", out.stderr);
    assert!(out.stderr.contains("ANALYZE"), "the valid tasks are listed: {}", out.stderr);
    assert!(out.stdout.is_empty());
    // A Page task on a catalog is just as invalid.
    let out = demo(
        dir.path(),
        &["assign", "catalogs", "1", "--system-user", "1", "--tasks", "CREATE_CONTENT", "--json"],
    );
    assert_eq!(out.code, 2);
    let doc = out.json();
    assert_eq!(doc["error"]["code"], "invalid_task");
    assert!(doc["error"]["message"].as_str().unwrap().contains("CREATE_CONTENT"));
    // Apps have no tasks.
    let out = demo(dir.path(), &["assign", "apps", "1", "--system-user", "1", "--tasks", "X"]);
    assert_eq!(out.code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = gatehouse(dir.path(), &["assign", "ad-accounts", "--tasks", "ANALYZE"], None, false);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("required"), "{}", out.stderr);
    let out = gatehouse(dir.path(), &["frobnicate", "--json"], None, false);
    assert_eq!(out.code, 2);
    assert_eq!(out.json()["error"]["code"], "usage");
    let out = gatehouse(
        dir.path(),
        &["assign", "pages", "1", "--tasks", "MANAGE", "--json"],
        None,
        false,
    );
    assert_eq!(out.code, 2);
    let message = out.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("--system-user"), "{message}");
    let out = gatehouse(dir.path(), &["assets", "list", "spaceships"], None, false);
    assert_eq!(out.code, 2);
    let out =
        gatehouse(dir.path(), &["--demo", "--profile", "x", "system-users", "list"], None, false);
    assert_eq!(out.code, 2);
    // No profile and no --demo: says what to do.
    let out = gatehouse(dir.path(), &["system-users", "list", "--json"], None, false);
    assert_eq!(out.code, 2);
    let doc = out.json();
    assert_eq!(doc["error"]["code"], "profile_required");
    assert!(doc["error"]["fix"].as_str().unwrap().contains("profile add"));
    let out = gatehouse(dir.path(), &["--help"], None, false);
    ok(&out);
    assert!(out.stdout.contains("system-users"));
}

/// A business that owns no app: `profile add` refuses and says why; with `--claim-app` it adds
/// the app to the business first, then the profile can create system users.
#[test]
fn profile_add_claims_the_app_when_asked() {
    let emu = Emu::start();
    let harbor = emu
        .emulator
        .manifest()
        .businesses
        .iter()
        .find(|b| !b.developer_apps.is_empty())
        .cloned()
        .expect("a business whose admin develops an unclaimed app");
    let app = &harbor.developer_apps[0];
    let url = emu.emulator.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let secrets = format!("{}\n{}\n", harbor.user_token.clone().unwrap(), app.secret);
    let add = |extra: &[&str]| {
        let mut args = vec![
            "--base-url",
            &url,
            "profile",
            "add",
            "harbor",
            "--business",
            &harbor.id,
            "--app",
            &app.id,
            "--json",
        ];
        args.extend_from_slice(extra);
        gatehouse(dir.path(), &args, Some(&secrets), true)
    };
    let refused = add(&[]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    let doc = refused.json();
    assert!(doc["error"]["message"].as_str().unwrap().contains("owns no app"), "{doc}");

    let out = add(&["--claim-app"]);
    ok(&out);
    assert!(out.stderr.contains("now belongs to the business"), "{}", out.stderr);
    assert_eq!(out.json()["profile"]["id"], "harbor");
    let created = gatehouse(
        dir.path(),
        &["--profile", "harbor", "--secrets-stdin", "system-users", "create", "Orders", "--json"],
        Some(&secrets),
        true,
    );
    ok(&created);
}

#[test]
fn profile_add_list_use_remove() {
    let emu = Emu::start();
    let (business, app, token, secret) = emu.credentials();
    let url = emu.emulator.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path();
    let secrets = format!("{token}\n{secret}\n");

    let out = gatehouse(
        cfg,
        &[
            "--base-url",
            &url,
            "profile",
            "add",
            "acme",
            "--business",
            &business,
            "--app",
            &app,
            "--json",
        ],
        Some(&secrets),
        true,
    );
    ok(&out);
    assert!(out.stderr.contains("GATEHOUSE_KEYRING=mock"), "mock warning: {}", out.stderr);
    let added = out.json();
    assert_eq!(added["profile"]["id"], "acme");
    assert_eq!(added["profile"]["business_id"], business.as_str());
    assert!(added["profile"]["label"].as_str().is_some_and(|l| !l.is_empty()));
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(&token) && !text.contains(&secret));
    }

    let file = std::fs::read_to_string(cfg.join("profiles.json")).unwrap();
    assert!(file.contains("acme") && file.contains(&business));
    assert!(!file.contains(&token), "profiles.json holds the token");
    assert!(!file.contains(&secret), "profiles.json holds the app secret");

    let out = gatehouse(cfg, &["profile", "list", "--json"], None, false);
    ok(&out);
    let list = out.json();
    assert_eq!(list["profiles"][0]["id"], "acme");
    assert_eq!(list["profiles"][0]["base_url"], url.as_str());
    let out = gatehouse(cfg, &["profile", "list"], None, false);
    ok(&out);
    assert!(out.stdout.starts_with("acme\t"));

    // The same id again: refused before any secret is read.
    let out = gatehouse(
        cfg,
        &["--base-url", &url, "profile", "add", "acme", "--business", &business, "--app", &app],
        Some(&secrets),
        true,
    );
    assert_eq!(out.code, 5, "{}", out.stderr);

    // The mock keyring forgot the secrets when `profile add` ended: a keyring error, exit 3.
    let out = gatehouse(cfg, &["--profile", "acme", "system-users", "list", "--json"], None, true);
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.json()["error"]["code"], "keyring_entry_missing");

    // With the secrets on stdin, the profile works across processes: create, then list shows it.
    let out = gatehouse(
        cfg,
        &[
            "--profile",
            "acme",
            "--secrets-stdin",
            "system-users",
            "create",
            "Nightly Export",
            "--json",
        ],
        Some(&secrets),
        false,
    );
    ok(&out);
    let created = out.json()["id"].as_str().unwrap().to_owned();
    let out = gatehouse(
        cfg,
        &["--secrets-stdin", "system-users", "list", "--json"],
        Some(&secrets),
        false,
    );
    ok(&out);
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(&token) && !text.contains(&secret), "a secret was printed");
    }
    let users = out.json()["system_users"].as_array().unwrap().clone();
    assert!(
        users.iter().any(|u| u["id"] == created.as_str() && u["name"] == "Nightly Export"),
        "{users:?}"
    );

    let out = gatehouse(cfg, &["profile", "remove", "acme", "--json"], None, true);
    ok(&out);
    assert_eq!(out.json()["removed"], "acme");
    let out = gatehouse(cfg, &["profile", "list", "--json"], None, false);
    assert_eq!(out.json()["profiles"], serde_json::json!([]));
    let out = gatehouse(cfg, &["profile", "remove", "acme"], None, true);
    assert_eq!(out.code, 5);
}

#[test]
fn profile_add_rejects_bad_secrets_and_saves_nothing() {
    let emu = Emu::start();
    let (business, app, token, _secret) = emu.credentials();
    let url = emu.emulator.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path();
    // A wrong app secret: the appsecret_proof fails, nothing is saved.
    let out = gatehouse(
        cfg,
        &[
            "--base-url",
            &url,
            "profile",
            "add",
            "acme",
            "--business",
            &business,
            "--app",
            &app,
            "--json",
        ],
        Some(&format!("{token}\nnot-the-secret\n")),
        true,
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    let err = &out.json()["error"];
    for field in ["code", "message", "fix"] {
        assert!(err[field].as_str().is_some_and(|s| !s.is_empty()), "{err}");
    }
    assert!(!cfg.join("profiles.json").exists());
    // A missing second line.
    let out = gatehouse(
        cfg,
        &["--base-url", &url, "profile", "add", "acme", "--business", &business, "--app", &app],
        Some(&format!("{token}\n")),
        true,
    );
    assert_eq!(out.code, 6, "{}", out.stderr);
    // Plain HTTP to anything but loopback is refused before secrets are read.
    let out = gatehouse(
        cfg,
        &[
            "--base-url",
            "http://example.com",
            "profile",
            "add",
            "acme",
            "--business",
            &business,
            "--app",
            &app,
            "--json",
        ],
        None,
        true,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.json()["error"]["code"], "invalid_config");
    // A bad profile id is a usage error.
    let out = gatehouse(
        cfg,
        &["profile", "add", "Not A Slug", "--business", &business, "--app", &app],
        Some("a\nb\n"),
        true,
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// `add_profile` and `remove_profile` in one process, so the mock keyring is shared: the
/// secrets are in the keyring after add and gone after remove.
#[test]
fn remove_deletes_keyring_entries() {
    let emu = Emu::start();
    let (business, app, token, secret) = emu.credentials();
    let dir = tempfile::tempdir().unwrap();
    let profiles = ProfileStore::at(dir.path());
    let store = SecretStore::mock("dev.gatehouse.cli-test").unwrap();
    let profile = Profile {
        id: "acme".into(),
        label: String::new(),
        business_id: business,
        app_id: app,
        base_url: Some(emu.emulator.url().to_owned()),
        api_version: "v26.0".into(),
    };
    let secrets = ProfileSecrets {
        admin_token: Secret::new(token.clone()),
        app_secret: Secret::new(secret.clone()),
    };
    assert!(!format!("{secrets:?}").contains(&token));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let token_key = SecretKey::admin_token("acme").unwrap();
    let secret_key = SecretKey::app_secret("acme").unwrap();
    rt.block_on(async {
        add_profile(&profiles, &store, profile, &secrets).await.expect("add");
        assert_eq!(store.get(&token_key).await.unwrap().unwrap().expose(), token);
        assert_eq!(store.get(&secret_key).await.unwrap().unwrap().expose(), secret);
        let (removed, deleted) = remove_profile(&profiles, &store, "acme").await.expect("remove");
        assert_eq!(removed.id, "acme");
        assert_eq!(deleted, 2);
        assert!(store.get(&token_key).await.unwrap().is_none());
        assert!(store.get(&secret_key).await.unwrap().is_none());
    });
    assert!(profiles.list().unwrap().is_empty());
}

#[test]
fn demo_command_prints_its_url_and_businesses() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("demo")
        .env("GATEHOUSE_CONFIG_DIR", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let doc: Value = serde_json::from_str(&line).expect("one JSON line");
    let url = doc["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let business = doc["businesses"][0]["id"].as_str().unwrap().to_owned();
    assert!(!line.contains("admin_token") && !line.contains("secret"), "no secrets: {line}");

    // It really serves: a profile pointed at it with --base-url validates against it (the
    // demo's tokens are known only to the emulator, so a wrong token is refused with exit 1).
    let out = gatehouse(
        dir.path(),
        &[
            "--base-url",
            &url,
            "profile",
            "add",
            "x",
            "--business",
            &business,
            "--app",
            "1",
            "--json",
        ],
        Some("bogus-token\nbogus-secret\n"),
        true,
    );
    assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
    assert!(out.json()["error"]["code"].as_str().unwrap().starts_with("token"), "{}", out.stdout);
    child.kill().unwrap();
    let _ = child.wait();
}

/// The real keyring (Secret Service): run inside a throwaway session, see the README.
#[test]
#[ignore = "needs a Secret Service (dbus-run-session + gnome-keyring)"]
fn real_keyring_profile_round_trip() {
    let emu = Emu::start();
    let (business, app, token, secret) = emu.credentials();
    let url = emu.emulator.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path();
    let id = "gatehouse-cli-test";
    let out = gatehouse(
        cfg,
        &["--base-url", &url, "profile", "add", id, "--business", &business, "--app", &app],
        Some(&format!("{token}\n{secret}\n")),
        false,
    );
    ok(&out);
    let out = gatehouse(cfg, &["--profile", id, "system-users", "list", "--json"], None, false);
    ok(&out);
    assert!(!out.json()["system_users"].as_array().unwrap().is_empty());
    let store = SecretStore::native().unwrap();
    let key = SecretKey::admin_token(id).unwrap();
    assert!(store.get_blocking(&key).unwrap().is_some());
    let out = gatehouse(cfg, &["profile", "remove", id, "--json"], None, false);
    ok(&out);
    assert_eq!(out.json()["keyring_entries_deleted"], 2);
    assert!(store.get_blocking(&key).unwrap().is_none());
    assert!(store.get_blocking(&SecretKey::app_secret(id).unwrap()).unwrap().is_none());
}

/// A token kept in the real keyring (as the app's copy-once dialog keeps it) is refreshed and
/// revoked by its fingerprint, and the lost-token guide offers exactly that.
#[test]
#[ignore = "needs a Secret Service (dbus-run-session + gnome-keyring)"]
fn real_keyring_kept_token_refreshed_and_revoked_by_fingerprint() {
    use gatehouse_core::audit::Fingerprint;
    use gatehouse_core::inventory::kept_token_key;
    let emu = Emu::start();
    let (business, app, token, secret) = emu.credentials();
    let url = emu.emulator.url().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path();
    let id = "gatehouse-cli-kept-test";
    let add = ["--base-url", &url, "profile", "add", id, "--business", &business, "--app", &app];
    ok(&gatehouse(cfg, &add, Some(&format!("{token}\n{secret}\n")), false));
    let run = |args: &[&str]| {
        let mut all = vec!["--profile", id];
        all.extend_from_slice(args);
        gatehouse(cfg, &all, None, false)
    };
    // The demo agency's Reporting Server holds ad accounts, which ads_read needs.
    let listed = run(&["system-users", "list", "--json"]);
    ok(&listed);
    let su = listed.json()["system_users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Reporting Server")
        .expect("Reporting Server")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let generate = [
        "token",
        "generate",
        "--system-user",
        &su,
        "--scopes",
        "ads_read",
        "--expires",
        "60d",
        "--show",
    ];
    let first = run(&generate);
    ok(&first);
    let first = Secret::new(first.stdout.trim().to_owned());
    let store = SecretStore::native().unwrap();
    let key = kept_token_key(id, &su).unwrap();
    store.set_blocking(&key, &first).unwrap();
    let last = Fingerprint::of(&first).last;

    let guide = run(&["token", "rescue", "lost", &last]);
    ok(&guide);
    assert!(guide.stdout.contains("Revoke the old one"), "{}", guide.stdout);
    assert!(
        guide.stdout.contains(&format!("gatehouse --profile {id} token revoke --kept")),
        "{}",
        guide.stdout
    );

    let refreshed = run(&["token", "refresh", "--kept", &last, "--show"]);
    ok(&refreshed);
    let second = Secret::new(refreshed.stdout.trim().to_owned());
    assert_ne!(second.expose(), first.expose());
    let copy = store.get_blocking(&key).unwrap().expect("the new copy");
    assert_eq!(copy.expose(), second.expose(), "the keychain keeps the newest");

    let revoked = run(&["token", "revoke", "--kept", &Fingerprint::of(&second).hash]);
    ok(&revoked);
    assert!(revoked.stdout.contains("Revoked"), "{}", revoked.stdout);
    assert!(store.get_blocking(&key).unwrap().is_none(), "the copy is deleted with it");
    ok(&gatehouse(cfg, &["profile", "remove", id], None, false));
}

/// With no session bus, the Secret Service is unavailable: a keyring error (exit 3) that says
/// so, never a silent fallback to another store.
#[test]
fn no_secret_service_is_a_keyring_error() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = ProfileStore::at(dir.path());
    profiles
        .add(Profile {
            id: "acme".into(),
            label: "Acme".into(),
            business_id: "1".into(),
            app_id: "2".into(),
            base_url: Some("http://127.0.0.1:9".into()),
            api_version: "v26.0".into(),
        })
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["system-users", "list", "--json"])
        .env("GATEHOUSE_CONFIG_DIR", dir.path())
        .env_remove("GATEHOUSE_KEYRING")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/gatehouse-test-bus")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "keyring_no_secret_service");
    assert!(doc["error"]["fix"].as_str().unwrap().contains("dbus-run-session"));
    // A backend name that is not known is refused too.
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["system-users", "list"])
        .env("GATEHOUSE_CONFIG_DIR", dir.path())
        .env("GATEHOUSE_KEYRING", "plaintext")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// `gatehouse demo --save-profile` with the real keyring: the profile works from other
/// processes while the demo serves.
#[test]
#[ignore = "needs a Secret Service (dbus-run-session + gnome-keyring)"]
fn real_keyring_demo_save_profile() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path();
    let id = "gatehouse-cli-demo-test";
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(["demo", "--save-profile", id])
        .env("GATEHOUSE_CONFIG_DIR", cfg)
        .env_remove("GATEHOUSE_KEYRING")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let doc: Value = serde_json::from_str(&line).expect("one JSON line");
    assert_eq!(doc["profile"], id);
    let out = gatehouse(
        cfg,
        &["--profile", id, "system-users", "create", "From Demo", "--json"],
        None,
        false,
    );
    let out2 = gatehouse(cfg, &["--profile", id, "system-users", "list", "--json"], None, false);
    child.kill().unwrap();
    let _ = child.wait();
    ok(&out);
    ok(&out2);
    assert!(out2.stdout.contains("From Demo"));
    let file = std::fs::read_to_string(cfg.join("profiles.json")).unwrap();
    let store = SecretStore::native().unwrap();
    for key in [SecretKey::admin_token(id).unwrap(), SecretKey::app_secret(id).unwrap()] {
        let secret = store.get_blocking(&key).unwrap().expect("saved in the keyring");
        assert!(!file.contains(secret.expose()), "profiles.json holds a secret");
    }
    ok(&gatehouse(cfg, &["profile", "remove", id], None, false));
}
