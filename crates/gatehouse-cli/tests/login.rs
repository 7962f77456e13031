//! `gatehouse profile add --login` against the emulator: the app secret on stdin, the dialog's
//! address on stderr, the person signing in (a plain HTTP request stands in for the browser),
//! the address it ends on pasted back, and the profile saved with Gatehouse's own admin
//! system user's token. Neither the person's token nor the new one is printed.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use gatehouse_emulator::Fixture;
use gatehouse_testkit::BackgroundEmulator;

/// Presses "Continue as `person`" on the emulator's dialog at `dialog_url`; returns where the
/// browser is sent (the login redirect, with the token in its fragment).
fn continue_as(dialog_url: &str, person: &str) -> String {
    let url = url::Url::parse(dialog_url).unwrap();
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url.query_pairs() {
        if ["client_id", "redirect_uri", "state", "scope"].contains(&k.as_ref()) {
            form.append_pair(&k, &v);
        }
    }
    let body = form.append_pair("person", person).finish();
    let mut stream = TcpStream::connect(("127.0.0.1", url.port().unwrap())).unwrap();
    write!(
        stream,
        "POST /dialog/oauth/answer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: \
         application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let location = answer
        .lines()
        .find_map(|l| l.strip_prefix("location: ").or_else(|| l.strip_prefix("Location: ")))
        .unwrap_or_else(|| panic!("no redirect: {answer}"));
    location.trim().to_owned()
}

/// What `profile add harbor --login` (plus `extra`) did: the emulator, the business, the JSON
/// printed, everything on stderr and the address the person's window ended on.
struct LoginRun {
    emulator: BackgroundEmulator,
    harbor: gatehouse_emulator::ManifestBusiness,
    doc: serde_json::Value,
    stdout: String,
    stderr: String,
    landed: String,
    dir: tempfile::TempDir,
}

fn add_by_login(extra: &[&str]) -> LoginRun {
    let emulator = BackgroundEmulator::start(Fixture::demo());
    let manifest = emulator.manifest().clone();
    // A business whose person develops an app it has not added: no system user, no admin token.
    let harbor = manifest.businesses.iter().find(|b| !b.developer_apps.is_empty()).unwrap().clone();
    let app = harbor.developer_apps[0].clone();
    let dir = tempfile::tempdir().unwrap();

    let mut args = vec![
        "--base-url",
        emulator.url(),
        "--json",
        "profile",
        "add",
        "harbor",
        "--app",
        &app.id,
        "--login",
    ];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(&args)
        .env("GATEHOUSE_CONFIG_DIR", dir.path())
        .env("GATEHOUSE_DATA_DIR", dir.path().join("data"))
        .env("GATEHOUSE_KEYRING", "mock")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", app.secret).unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let dialog = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "no dialog address: {seen}");
        seen.push_str(&line);
        if let Some(url) = line.trim().strip_prefix(emulator.url()) {
            break format!("{}{url}", emulator.url());
        }
    };
    assert!(dialog.contains("/dialog/oauth?") && dialog.contains(&app.id), "{dialog}");
    let landed = continue_as(&dialog, harbor.user_id.as_deref().unwrap());
    writeln!(stdin, "{landed}").unwrap();
    drop(stdin);
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    seen.push_str(&rest);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {seen}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(seen.contains(&format!("does not own app {} yet", app.id)), "{seen}");
    let person_token = landed.split("access_token=").nth(1).unwrap().split('&').next().unwrap();
    assert!(
        !stdout.contains(person_token) && !seen.contains(person_token),
        "the person's token is never printed"
    );
    assert!(!stdout.contains("EAA") && !seen.contains("EAA"), "no token is printed");
    LoginRun { emulator, harbor, doc, stdout, stderr: seen, landed, dir }
}

#[test]
fn profile_add_with_login_sets_up_gatehouse_and_saves_the_profile() {
    let LoginRun { emulator, harbor, doc, stderr: seen, dir, .. } = add_by_login(&[]);
    let app = &harbor.developer_apps[0];
    assert_eq!(doc["profile"]["business_id"], harbor.id.as_str(), "the only business was chosen");
    assert_eq!(doc["connection"]["token_kind"], "system_user", "{doc}");
    assert!(seen.contains("added the admin system user “Gatehouse”"), "{seen}");
    let listed = support::gatehouse(dir.path(), &["profile", "list", "--json"], None, &[]);
    assert!(listed.ok().stdout.contains("\"harbor\""));
    // Gatehouse's admin system user is in the business, with the app installed.
    let snapshot = emulator.state_snapshot();
    let business = snapshot["businesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == harbor.id.as_str())
        .unwrap();
    let gatehouse = business["system_users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Gatehouse")
        .unwrap();
    assert_eq!(gatehouse["role"], "ADMIN");
    assert_eq!(gatehouse["installed_apps"][0], app.id.as_str());
}

#[test]
fn profile_add_with_login_can_keep_the_persons_own_sign_in() {
    let run = add_by_login(&["--keep-my-sign-in"]);
    assert_eq!(run.doc["connection"]["token_kind"], "user", "{}", run.doc);
    assert_eq!(run.doc["connection"]["token_owner_id"], run.harbor.user_id.as_deref().unwrap());
    assert!(run.stderr.contains("your own sign-in"), "{}", run.stderr);
    assert!(run.stderr.contains("warning:"), "the check's warning about a person's token");
    assert!(!run.stderr.contains("Setting up Gatehouse's admin system user"));
    assert!(!run.stdout.contains(run.landed.split("access_token=").nth(1).unwrap()));
    let snapshot = run.emulator.state_snapshot();
    let business = snapshot["businesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == run.harbor.id.as_str())
        .unwrap()
        .clone();
    let users = business["system_users"].as_array().cloned().unwrap_or_default();
    assert!(users.iter().all(|u| u["name"] != "Gatehouse"), "no system user added: {users:?}");
}

#[test]
fn a_cancelled_login_saves_nothing_and_says_why() {
    let emulator = BackgroundEmulator::start(Fixture::demo());
    let app = emulator.manifest().businesses[0].apps[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let cancelled = "https://www.facebook.com/connect/login_success.html?error=access_denied\
                     &error_reason=user_denied&error_description=Permissions+error.&state=x#_=_";
    let out = support::gatehouse(
        dir.path(),
        &["--base-url", emulator.url(), "profile", "add", "acme", "--app", &app.id, "--login"],
        Some(&format!("{}\n{cancelled}\n", app.secret)),
        &[],
    );
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("cancelled"), "{}", out.stderr);
    let listed = support::gatehouse(dir.path(), &["profile", "list", "--json"], None, &[]);
    assert!(!listed.ok().stdout.contains("acme"));
}
