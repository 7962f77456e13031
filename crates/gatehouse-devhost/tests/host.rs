//! The dev/test host as the UI's tests use it: the real binary on 127.0.0.1, a per-run secret,
//! sessions that do not see each other, streamed progress, the emulator's fault controls, and
//! every command the bindings know.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

struct DevHost {
    child: Child,
    url: String,
    secret: String,
    http: reqwest::Client,
}

impl Drop for DevHost {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl DevHost {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse-devhost"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("devhost starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut ready = String::new();
        BufReader::new(stdout).read_line(&mut ready).expect("ready line");
        let ready: Value = serde_json::from_str(&ready).expect("ready line is JSON");
        let url = ready["url"].as_str().expect("url").to_owned();
        let secret = ready["secret"].as_str().expect("secret").to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "listens on loopback only: {url}");
        assert_eq!(secret.len(), 64, "a 32-byte secret");
        Self { child, url, secret, http: reqwest::Client::new() }
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.post(format!("{}{path}", self.url)).bearer_auth(&self.secret)
    }

    async fn session(&self) -> String {
        let response = self.post("/sessions").send().await.expect("session");
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("json");
        body["id"].as_str().expect("id").to_owned()
    }

    /// The answer's lines: progress messages first, the result last.
    async fn invoke_lines(&self, session: &str, command: &str, args: Value) -> Vec<Value> {
        let response = self
            .post(&format!("/sessions/{session}/invoke/{command}"))
            .json(&args)
            .send()
            .await
            .expect("invoke");
        assert_eq!(response.status(), 200, "{command}");
        let text = response.text().await.expect("body");
        text.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect()
    }

    /// The demo portfolio's regular system user, as the overview lists it.
    async fn regular_system_user(&self, session: &str) -> Value {
        let overview = self.invoke(session, "portfolio_overview", json!({})).await;
        overview["system_users"]
            .as_array()
            .and_then(|users| users.iter().find(|u| u["role"] == "regular"))
            .expect("a regular system user")
            .clone()
    }

    /// A command's data; panics with the error when it failed.
    /// Records a job giving the regular system user ANALYZE on the first `count` ad accounts:
    /// the changes and the job.
    async fn analyze_job(
        &self,
        session: &str,
        regular: &Value,
        count: usize,
    ) -> (Vec<Value>, Value) {
        let lines =
            self.invoke_lines(session, "stream_assets", json!({ "kind": "ad_account" })).await;
        let (pages, answer) = lines.split_at(lines.len() - 1);
        let rows: Vec<&Value> = pages
            .iter()
            .inspect(|p| assert_eq!(p["channel"], "onRows"))
            .flat_map(|p| p["message"].as_array().expect("a page of rows"))
            .collect();
        assert_eq!(answer[0]["data"], rows.len(), "the answer counts the rows sent");
        let changes: Vec<Value> = rows
            .into_iter()
            .take(count)
            .map(|a| {
                json!({ "kind": "ad_account", "asset_id": a["id"], "asset_name": a["name"],
                        "action": "assign", "tasks": ["ANALYZE"] })
            })
            .collect();
        let args = json!({ "systemUserId": regular["id"], "systemUserName": regular["name"],
                           "changes": changes });
        let job = self.invoke(session, "create_job", args).await;
        (changes, job)
    }

    async fn invoke(&self, session: &str, command: &str, args: Value) -> Value {
        let mut lines = self.invoke_lines(session, command, args).await;
        let last = lines.pop().expect("an answer");
        assert_eq!(last["status"], "ok", "{command}: {last}");
        last["data"].clone()
    }
}

#[tokio::test]
async fn every_request_needs_the_secret_the_right_host_and_a_loopback_origin() {
    let host = DevHost::start();
    let http = &host.http;
    let sessions = format!("{}/sessions", host.url);

    let missing = http.post(&sessions).send().await.expect("request");
    assert_eq!(missing.status(), 401);
    let wrong = http.post(&sessions).bearer_auth("0".repeat(64)).send().await.expect("request");
    assert_eq!(wrong.status(), 401);

    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host.
    let rebound = host.post("/sessions").header("Host", "attacker.example").send().await;
    assert_eq!(rebound.expect("request").status(), 403);
    let foreign = host.post("/sessions").header("Origin", "https://attacker.example").send().await;
    assert_eq!(foreign.expect("request").status(), 403);

    // The test browser's page (another loopback port) may call it, and is told so.
    let origin = "http://localhost:63315";
    let preflight = http
        .request(reqwest::Method::OPTIONS, &sessions)
        .header("Origin", origin)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], origin);
    let allowed = host.post("/sessions").header("Origin", origin).send().await.expect("request");
    assert_eq!(allowed.status(), 201);
    assert_eq!(allowed.headers()["access-control-allow-origin"], origin);
}

#[tokio::test]
async fn commands_answer_as_the_app_does_and_sessions_are_apart() {
    let host = DevHost::start();
    let (first, second) = (host.session().await, host.session().await);

    let overview = host.invoke(&first, "portfolio_overview", json!({})).await;
    assert_eq!(overview["kind"], "demo", "a session opens the demo, as a first run does");
    let before = overview["system_users"].as_array().expect("system users").len();

    let created = host
        .invoke(
            &first,
            "create_system_user",
            json!({ "name": "Devhost Reader", "role": "regular" }),
        )
        .await;
    assert_eq!(created["name"], "Devhost Reader", "{created}");

    let count = |o: &Value| o["system_users"].as_array().expect("system users").len();
    assert_eq!(count(&host.invoke(&first, "portfolio_overview", json!({})).await), before + 1);
    assert_eq!(
        count(&host.invoke(&second, "portfolio_overview", json!({})).await),
        before,
        "another session has its own demo world"
    );

    // The engine's own errors arrive as the bindings' error shape.
    let lines = host
        .invoke_lines(&first, "create_system_user", json!({ "name": " ", "role": "regular" }))
        .await;
    let last = lines.last().expect("answer");
    assert_eq!(last["status"], "error", "{last}");
    assert_eq!(last["error"]["field"], "name", "{last}");
    assert!(last["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));

    // A request the app could never send is refused as such, not as an engine error.
    let bad = host.invoke_lines(&first, "stream_assets", json!({ "kind": "AD_ACCOUNT" })).await;
    assert_eq!(bad.last().expect("answer")["status"], "bad_request");
    let unknown = host.invoke_lines(&first, "drop_tables", json!({})).await;
    let last = unknown.last().expect("answer");
    assert_eq!(last["status"], "bad_request", "{last}");
    assert!(last["reason"].as_str().is_some_and(|r| r.starts_with("no command named")));
}

#[tokio::test]
async fn progress_streams_before_the_answer_and_faults_reach_the_demo() {
    let host = DevHost::start();
    let session = host.session().await;
    let regular = host.regular_system_user(&session).await;
    let (changes, job) = host.analyze_job(&session, &regular, 3).await;
    let lines = host.invoke_lines(&session, "run_job", json!({ "jobId": job["id"] })).await;
    let (answer, progress) = lines.split_last().expect("lines");
    assert_eq!(answer["status"], "ok", "{answer}");
    assert!(!progress.is_empty(), "progress messages come first");
    assert!(progress.iter().all(|p| p["channel"] == "onEvent"));
    assert_eq!(answer["data"]["summary"]["succeeded"], 3, "{answer}");

    // Taking them off again: the review says what they lose, before anything is sent.
    let removals: Vec<Value> = changes
        .iter()
        .map(|c| {
            json!({ "kind": "ad_account", "asset_id": c["asset_id"], "asset_name": c["asset_name"],
                    "action": "unassign", "tasks": [] })
        })
        .collect();
    let review = host
        .invoke(
            &session,
            "review_changes",
            json!({ "systemUserId": regular["id"], "changes": removals }),
        )
        .await;
    assert_eq!(
        review["losses"][0]["sentence"], "3 ad accounts go from Read only to no access at all.",
        "{review}"
    );

    // The demo emulator's control endpoint, through the session: every token expires.
    let expired = host
        .post(&format!("/sessions/{session}/emulator/expire_tokens"))
        .json(&json!({ "all": true }))
        .send()
        .await
        .expect("expire");
    assert_eq!(expired.status(), 200, "{}", expired.text().await.unwrap_or_default());
    // The keyring's failures, as the OS keyring would report them.
    let locked = host
        .post(&format!("/sessions/{session}/keyring/fault"))
        .json(&json!({ "fault": "locked" }))
        .send()
        .await
        .expect("keyring fault");
    assert_eq!(locked.status(), 200);
    let keyring = host.invoke_lines(&session, "keyring_status", json!({})).await;
    let answer = keyring.last().expect("answer");
    assert_eq!(answer["error"]["code"], "keyring_locked", "{answer}");

    let failed = host.invoke_lines(&session, "access_counts", json!({})).await;
    let answer = failed.last().expect("answer");
    assert_eq!(answer["status"], "error", "Meta's refusal reaches the UI: {answer}");
    assert_eq!(answer["error"]["code"], "token_expired", "{answer}");
}

#[tokio::test]
async fn serves_every_command_of_the_bindings() {
    let bindings = include_str!("../../../ui/src/bindings.ts");
    let mut exported: Vec<&str> = bindings
        .split("__TAURI_INVOKE")
        .skip(2) // the text before the first, and the import
        .filter_map(|rest| rest.split_once("(\"")?.1.split('"').next())
        .collect();
    exported.sort_unstable();
    exported.dedup();
    assert!(exported.len() > 30, "the bindings were read: {exported:?}");
    let host = DevHost::start();
    let session = host.session().await;
    for command in exported {
        // No arguments: a command that takes some is refused for them, never as unknown.
        let lines = host.invoke_lines(&session, command, json!({})).await;
        let last = lines.last().expect("an answer");
        let reason = last["reason"].as_str().unwrap_or_default();
        assert!(!reason.starts_with("no command named"), "{command} is not served: {last}");
    }
}

/// A job belongs to the portfolio it was made in: from another one it is never run, changed or
/// shown (a job id must not act on another business).
#[tokio::test]
async fn a_job_of_another_portfolio_is_refused() {
    let host = DevHost::start();
    let session = host.session().await;
    let regular = host.regular_system_user(&session).await;
    let (_, job) = host.analyze_job(&session, &regular, 1).await;
    let list = host.invoke(&session, "list_portfolios", json!({})).await;
    let other = list["portfolios"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["id"] != list["active_id"]))
        .expect("another demo portfolio")["id"]
        .clone();
    host.invoke(&session, "switch_portfolio", json!({ "id": other })).await;
    for command in ["run_job", "retry_failed", "discard_job", "job_report"] {
        let lines = host.invoke_lines(&session, command, json!({ "jobId": job["id"] })).await;
        let last = lines.last().expect("an answer");
        assert_eq!(last["status"], "error", "{command}: {last}");
        assert_eq!(last["error"]["code"], "job_other_portfolio", "{command}: {last}");
    }
    // Nothing was sent for it: no batch (every assignment goes through one).
    let url = format!("{}/sessions/{session}/emulator/requests", host.url);
    let log: Value = host
        .http
        .get(url)
        .bearer_auth(&host.secret)
        .send()
        .await
        .expect("request log")
        .json()
        .await
        .expect("json");
    let batches = log["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .filter(|r| {
            r["params"].as_array().is_some_and(|params| params.iter().any(|p| p[0] == "batch"))
        })
        .count();
    assert_eq!(batches, 0, "no batch was sent");
}

/// A test runner's teardown sends SIGTERM and waits: the host must stop at once, though a
/// thread still waits on its standard input.
#[cfg(unix)]
#[test]
fn stops_promptly_on_sigterm() {
    let mut host = DevHost::start();
    let pid = host.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(sent.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        if let Some(status) = host.child.try_wait().expect("wait") {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still running 5 s after SIGTERM");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[tokio::test]
async fn a_generated_token_can_be_kept_in_the_demo_keychain() {
    let host = DevHost::start();
    let session = host.session().await;
    let regular = host.regular_system_user(&session).await["id"].clone();
    let apps = host.invoke(&session, "token_apps", json!({ "systemUserId": regular })).await;
    let app =
        apps.as_array().and_then(|a| a.iter().find(|a| a["installed"] == true)).expect("an app");
    let request = json!({ "system_user_id": regular, "app_id": app["id"],
                          "scopes": ["ads_read"], "expiry": "never" });
    let lines = host.invoke_lines(&session, "generate_token", json!({ "request": request })).await;
    let (answer, steps) = lines.split_last().expect("lines");
    assert_eq!(answer["status"], "ok", "{answer}");
    assert!(steps.iter().all(|s| s["channel"] == "onStep") && !steps.is_empty());
    let handle = answer["data"]["handle"].clone();
    let clipboard = |host: &DevHost| {
        let url = format!("{}/sessions/{session}/clipboard", host.url);
        let request = host.http.get(url).bearer_auth(&host.secret).send();
        async move { request.await.expect("clipboard").json::<Value>().await.expect("json") }
    };
    assert_eq!(clipboard(&host).await["holds_secret"], false);
    let copied = host
        .invoke(&session, "copy_token", json!({ "handle": handle, "clearAfterSecs": 30 }))
        .await;
    assert_eq!(copied["clear_after_secs"], 30);
    assert_eq!(clipboard(&host).await, json!({ "holds_secret": true }), "never the token itself");

    // The handle cannot be guessed, and the token's text crosses once: a script calling the
    // command again (or with a neighbouring handle) gets nothing.
    let handle_text = handle.as_str().expect("handle");
    assert!(handle_text.len() > 30 && !handle_text.ends_with("-1"), "{handle_text}");
    let first = host.invoke(&session, "reveal_token", json!({ "handle": handle })).await;
    assert!(first.as_str().is_some_and(|t| t.len() > 20), "the token, once");
    for attempt in [handle.clone(), json!("token-1"), json!("token-2")] {
        let again = host.invoke_lines(&session, "reveal_token", json!({ "handle": attempt })).await;
        let last = again.last().expect("answer");
        assert_eq!(last["status"], "error", "{last}");
        assert!(!last.to_string().contains(first.as_str().unwrap_or("-")), "no token: {last}");
    }

    // The demo portfolio's id (`demo:agency`) once made this fail as "owner unknown".
    let kept =
        host.invoke_lines(&session, "keep_token_in_keychain", json!({ "handle": handle })).await;
    assert_eq!(kept.last().expect("answer")["status"], "ok", "{kept:?}");

    // Forgetting the token clears the clipboard that still holds it.
    host.invoke(&session, "forget_token", json!({ "handle": handle })).await;
    assert_eq!(clipboard(&host).await["holds_secret"], false);
}
