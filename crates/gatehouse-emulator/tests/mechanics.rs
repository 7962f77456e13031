//! Batch, usage headers and throttling, fault injection and the control endpoint.

mod common;

use std::time::{Duration, Instant};

use common::{q, Env};
use gatehouse_emulator::{EmulatorConfig, FaultConfig, Fixture, LimitsConfig, API_VERSION};
use serde_json::{json, Value};

fn batch_body(ops: &Value) -> String {
    q(&ops.to_string())
}

#[tokio::test]
async fn batch_in_order_with_references_and_nulls() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let ops = json!([
        {"method": "POST", "relative_url": format!("v26.0/{}/system_users", a.id), "body": "name=Batch%20SU", "name": "create", "omit_response_on_success": false},
        {"method": "POST", "relative_url": "{result=create:$.id}/applications", "body": format!("business_app={}", a.apps[0].id), "depends_on": "create"},
        {"method": "GET", "relative_url": "v26.0/{result=create:$.id}?fields=id,name"},
        {"method": "GET", "relative_url": "v26.0/999999?fields=id"},
        {"method": "GET", "relative_url": "me", "name": "broken", "headers": [{"name": "Authorization", "value": "Bearer EAAbad"}]},
        {"method": "GET", "relative_url": "me", "depends_on": "broken"},
    ]);
    let r = env.post("/v26.0/", &[("access_token", &t), ("batch", &ops.to_string())]).await;
    let out = r.ok().as_array().unwrap().clone();
    assert_eq!(out.len(), 6);
    assert_eq!(out[0]["code"], 200);
    let created: Value = serde_json::from_str(out[0]["body"].as_str().unwrap()).unwrap();
    let body1: Value = serde_json::from_str(out[1]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body1, json!({"success": true}));
    let read: Value = serde_json::from_str(out[2]["body"].as_str().unwrap()).unwrap();
    assert_eq!(read, json!({"id": created["id"], "name": "Batch SU"}));
    assert_eq!(out[3]["code"], 400);
    let err: Value = serde_json::from_str(out[3]["body"].as_str().unwrap()).unwrap();
    assert_eq!(err["error"]["error_subcode"], 33);
    assert_eq!(out[4]["code"], 400);
    assert!(out[5].is_null(), "an operation whose dependency failed did not complete");
    assert!(out[0]["headers"].is_array(), "headers by default");
    // include_headers=false; unversioned root path; body form-encoded by hand.
    let body = format!(
        "access_token={t}&include_headers=false&batch={}",
        batch_body(&json!([{"method": "GET", "relative_url": "me"}]))
    );
    let r = env
        .send("POST", "/", Some("application/x-www-form-urlencoded"), body.into_bytes(), &[])
        .await
        .unwrap();
    assert!(r.ok()[0].get("headers").is_none());
    // More than 50: code 100.
    let many: Vec<Value> =
        (0..51).map(|_| json!({"method": "GET", "relative_url": "me"})).collect();
    env.post("/v26.0", &[("access_token", &t), ("batch", &Value::Array(many).to_string())])
        .await
        .err(100, None);
    // A transient fault on one operation makes it null; the others complete.
    env.control(
        "PUT",
        "/faults",
        json!({"transient_error_next": 1, "path_contains": "owned_pages"}),
    )
    .await;
    let ops = json!([
        {"method": "GET", "relative_url": "me"},
        {"method": "GET", "relative_url": format!("{}/owned_pages", a.id)},
        {"method": "GET", "relative_url": "me"},
    ]);
    let r = env.post("/v26.0", &[("access_token", &t), ("batch", &ops.to_string())]).await;
    let out = r.ok().as_array().unwrap();
    assert_eq!(out[0]["code"], 200);
    assert!(out[1].is_null());
    assert_eq!(out[2]["code"], 200);
}

/// Pages chained through `after={result=…:$.paging.cursors.after}`: the cursor (padded base64)
/// is substituted URL-encoded, a referenced page's body is left out unless asked for, the page
/// past the last one is empty without `paging`, so the next reference fails; and the fault
/// switch breaks the substitution both ways a client must survive.
#[tokio::test]
async fn chained_cursors_in_a_batch() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let page = |i: usize, keep: Option<bool>| {
        let mut url = format!("v26.0/{}/owned_pages?fields=id&limit=7", a.id);
        if i > 0 {
            url.push_str(&format!("&after={{result=p{}:$.paging.cursors.after}}", i - 1));
        }
        let mut op = json!({"method": "GET", "relative_url": url, "name": format!("p{i}")});
        if let Some(keep) = keep {
            op["omit_response_on_success"] = json!(!keep);
        }
        op
    };
    let chain = |keep: Option<bool>| Value::Array((0..5).map(|i| page(i, keep)).collect());
    let plain =
        env.get(&format!("/v26.0/{}/owned_pages?fields=id&limit=100&access_token={t}", a.id)).await;
    let all: Vec<Value> = plain.ok()["data"].as_array().unwrap().clone();
    assert_eq!(all.len(), 20, "the demo agency owns 20 Pages");
    let body = |e: &Value| -> Value { serde_json::from_str(e["body"].as_str().unwrap()).unwrap() };

    let run = |ops: Value| {
        let env = &env;
        let t = t.clone();
        async move {
            let r = env
                .post(
                    "/v26.0/",
                    &[
                        ("access_token", &t),
                        ("batch", &ops.to_string()),
                        ("include_headers", "false"),
                    ],
                )
                .await;
            r.ok().as_array().unwrap().clone()
        }
    };
    let out = run(chain(Some(true))).await;
    let cursor = body(&out[0])["paging"]["cursors"]["after"].as_str().unwrap().to_owned();
    assert!(cursor.ends_with('='), "cursors keep their padding: {cursor}");
    let mut chained = Vec::new();
    for e in &out[..3] {
        chained.extend(body(e)["data"].as_array().unwrap().clone());
    }
    assert_eq!(chained, all, "three chained pages of 7 list the 20 Pages in order");
    assert!(body(&out[2])["paging"].get("next").is_none(), "the last page has no next");
    assert_eq!(body(&out[3]), json!({"data": []}), "past the end: empty, without paging");
    assert_eq!(
        (out[4]["code"].as_u64(), body(&out[4])["error"]["code"].as_u64()),
        (Some(400), Some(100))
    );

    // Meta's default: a referenced operation's body is left out; the last one is not referenced.
    let out = run(chain(None)).await;
    for e in &out[..4] {
        assert_eq!(e, &json!({"code": 200}), "body left out");
    }
    assert_eq!(out[4]["code"], 400);

    // Refused: the second page's cursor is mangled and refused; ignored: the first page again.
    env.control("PUT", "/faults", json!({"chained_cursors": "refused"})).await;
    let out = run(chain(Some(true))).await;
    assert_eq!(out[0]["code"], 200);
    let err = body(&out[1]);
    assert_eq!((out[1]["code"].as_u64(), err["error"]["code"].as_u64()), (Some(400), Some(100)));
    assert!(err["error"]["message"].as_str().unwrap().contains("cursor"), "{err}");
    env.control("PUT", "/faults", json!({"chained_cursors": "ignored"})).await;
    let out = run(chain(Some(true))).await;
    assert_eq!(body(&out[1])["data"], body(&out[0])["data"], "the first page again");
}

#[tokio::test]
async fn usage_headers_count_and_throttle() {
    let limits = LimitsConfig {
        buc_calls_per_hour_full: 5,
        user_calls_per_hour: 3,
        ..LimitsConfig::default()
    };
    let env = Env::with(EmulatorConfig::new(Fixture::demo()).limits(limits)).await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let path = format!("/v26.0/{}/owned_ad_accounts?limit=1&access_token={t}", a.id);
    let mut last = 0;
    for i in 1..=5u64 {
        let r = env.get(&path).await;
        r.ok();
        let h: Value = serde_json::from_str(&r.headers["x-business-use-case-usage"]).unwrap();
        let entry = &h[&a.id][0];
        assert_eq!(entry["type"], "ads_management");
        assert_eq!(entry["call_count"], i * 100 / 5);
        assert_eq!(entry["ads_api_access_tier"], "standard_access");
        last = entry["call_count"].as_u64().unwrap();
    }
    assert_eq!(last, 100);
    let r = env.get(&path).await;
    r.err(80004, Some(2446079));
    assert!(r.json["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("(#80004) There have been too many calls"));
    assert!(r.json["error"]["error_data"]["estimated_time_to_regain_access"].as_u64().unwrap() > 0);
    let h: Value = serde_json::from_str(&r.headers["x-business-use-case-usage"]).unwrap();
    assert!(h[&a.id][0]["estimated_time_to_regain_access"].as_u64().unwrap() > 0);
    // Pages calls are a separate bucket (80001).
    env.get(&format!("/v26.0/{}/owned_pages?access_token={t}", a.id)).await.ok();
    // A human's user token: platform limits, X-App-Usage, code 17.
    let u = a.user_token.clone().unwrap();
    for _ in 0..3 {
        let r = env.get(&format!("/v26.0/me?access_token={u}")).await;
        r.ok();
        assert!(r.headers.contains_key("x-app-usage"));
    }
    env.get(&format!("/v26.0/me?access_token={u}")).await.err(17, None);
}

#[tokio::test]
async fn app_platform_limit_is_code_4() {
    let env = Env::with(
        EmulatorConfig::new(Fixture::demo())
            .limits(LimitsConfig { app_calls_per_hour: 2, ..LimitsConfig::default() }),
    )
    .await;
    let a = env.agency();
    let app = &a.apps[0];
    // App tokens and user tokens count against the app's platform budget.
    let app_token = format!("{}|{}", app.id, app.secret);
    let u = a.user_token.clone().unwrap();
    env.get(&format!("/v26.0/{}?access_token={app_token}", a.id)).await.ok();
    let r = env.get(&format!("/v26.0/me?access_token={u}")).await;
    r.ok();
    let usage: Value = serde_json::from_str(&r.headers["x-app-usage"]).unwrap();
    assert_eq!(usage["call_count"], 100);
    env.get(&format!("/v26.0/me?access_token={u}")).await.err(4, None);
}

#[tokio::test]
async fn throttle_window_and_613() {
    let env = Env::with(
        EmulatorConfig::new(Fixture::demo())
            .limits(LimitsConfig { ad_account_writes_per_minute: 2, ..LimitsConfig::default() }),
    )
    .await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let acct =
        env.get(&format!("/v26.0/{}/owned_ad_accounts?limit=1&access_token={t}", a.id)).await.ok()
            ["data"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    let su = a.admin_system_user_id.clone().unwrap();
    for _ in 0..2 {
        env.post(
            &format!("/v26.0/{acct}/assigned_users"),
            &[("user", &su), ("tasks", "ANALYZE"), ("access_token", &t)],
        )
        .await
        .ok();
    }
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &su), ("tasks", "ANALYZE"), ("access_token", &t)],
    )
    .await
    .err(613, Some(1487742));
    // A throttling window: every call fails with its bucket's code until it ends.
    env.control("PUT", "/faults", json!({"throttle_for_secs": 300})).await;
    let r = env.get(&format!("/v26.0/{}/owned_pages?access_token={t}", a.id)).await;
    r.err(80001, None);
    assert_eq!(r.json["error"]["error_data"]["estimated_time_to_regain_access"], 5);
    let u = a.user_token.clone().unwrap();
    env.get(&format!("/v26.0/me?access_token={u}")).await.err(17, None);
    env.control("DELETE", "/faults", json!({})).await;
    env.get(&format!("/v26.0/{}/owned_pages?access_token={t}", a.id)).await.ok();
}

#[tokio::test]
async fn transient_latency_and_slow_bodies() {
    let env = Env::demo().await;
    let t = env.agency().admin_token.clone().unwrap();
    env.control("PUT", "/faults", json!({"transient_error_next": 1, "transient_status": 503}))
        .await;
    let r = env.get(&format!("/v26.0/me?access_token={t}")).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json["error"]["code"], 2);
    assert_eq!(r.json["error"]["is_transient"], true);
    env.get(&format!("/v26.0/me?access_token={t}")).await.ok();
    env.control("PUT", "/faults", json!({"latency_ms": 150, "jitter_ms": 50})).await;
    let start = Instant::now();
    env.get(&format!("/v26.0/me?access_token={t}")).await.ok();
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(150) && took < Duration::from_secs(5), "{took:?}");
    env.control("PUT", "/faults", json!({"slow_body_delay_ms": 20, "slow_body_chunk_bytes": 16}))
        .await;
    let start = Instant::now();
    let r = env.get(&format!("/v26.0/me?access_token={t}")).await;
    r.ok();
    // {"id":"...","name":"Gatehouse Admin"} is over 48 bytes: at least 3 chunks, 2 delays.
    assert!(start.elapsed() >= Duration::from_millis(40));
}

#[tokio::test]
async fn resets_and_commit_then_drop() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    env.control("PUT", "/faults", json!({"reset_next": 1})).await;
    assert!(env
        .send("GET", &format!("/v26.0/me?access_token={t}"), None, Vec::new(), &[])
        .await
        .is_err());
    env.get(&format!("/v26.0/me?access_token={t}")).await.ok();
    // Commit-then-drop: the write lands, the answer is lost; a naive retry duplicates it.
    env.control(
        "PUT",
        "/faults",
        json!({"commit_then_drop_next": 1, "path_contains": "system_users"}),
    )
    .await;
    let lost = env
        .try_post(
            &format!("/v26.0/{}/system_users", a.id),
            &[("name", "Dropped SU"), ("access_token", &t)],
        )
        .await;
    assert!(lost.is_err(), "response must be lost");
    let snap = env.control("GET", "/state", json!(null)).await;
    let sus = snap["businesses"][0]["system_users"].as_array().unwrap();
    assert!(sus.iter().any(|s| s["name"] == "Dropped SU"), "the write was applied");
    env.post(
        &format!("/v26.0/{}/system_users", a.id),
        &[("name", "Dropped SU"), ("access_token", &t)],
    )
    .await
    .ok();
    let snap = env.control("GET", "/state", json!(null)).await;
    let n = snap["businesses"][0]["system_users"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["name"] == "Dropped SU")
        .count();
    assert_eq!(n, 2);
    // The request log shows both, the first marked.
    let log = env.control("GET", "/requests", json!(null)).await;
    let posts: Vec<&Value> =
        log["requests"].as_array().unwrap().iter().filter(|e| e["method"] == "POST").collect();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0]["fault"], "commit_then_drop");
    assert_eq!(posts[0]["write"], true);
    assert!(posts[0]["params"].to_string().contains("Dropped SU"));
    assert!(!posts[0]["params"].to_string().contains(&t), "tokens are shortened in the log");
    // A read is never dropped by commit-then-drop.
    env.control("PUT", "/faults", json!({"commit_then_drop_rate": 1.0})).await;
    env.get(&format!("/v26.0/me?access_token={t}")).await.ok();
}

#[tokio::test]
async fn seeded_fault_rates_replay() {
    let run = || async {
        let faults = FaultConfig { transient_error_rate: 0.5, ..FaultConfig::default() };
        let env = Env::with(EmulatorConfig::new(Fixture::demo()).seed(42).faults(faults)).await;
        let t = env.agency().admin_token.clone().unwrap();
        let mut pattern = Vec::new();
        for _ in 0..20 {
            pattern.push(env.get(&format!("/v26.0/me?access_token={t}")).await.status);
        }
        pattern
    };
    let (a, b) = (run().await, run().await);
    assert_eq!(a, b);
    assert!(a.contains(&200) && a.contains(&500));
}

#[tokio::test]
async fn the_control_endpoint_needs_this_runs_secret_and_a_loopback_host() {
    let env = Env::demo().await;
    let secret = env.m().control_secret.clone();
    assert_eq!(secret.len(), 32, "128 random bits in hex");
    let other = Env::demo().await;
    assert_ne!(secret, other.m().control_secret, "a new secret per run, whatever the seed");

    // Without the secret, or with another run's, nothing is read or changed.
    for headers in [vec![], vec![("x-emulator-control", other.m().control_secret.as_str())]] {
        let log = env.send("GET", "/__emulator/requests", None, Vec::new(), &headers).await;
        assert_eq!(log.unwrap().status, 403);
        let put = env
            .send(
                "PUT",
                "/__emulator/faults",
                Some("application/json"),
                br#"{"latency_ms": 5}"#.to_vec(),
                &headers,
            )
            .await
            .unwrap();
        assert_eq!(put.status, 403, "{}", put.json);
    }
    assert_eq!(env.control("GET", "/faults", json!(null)).await["latency_ms"], 0);

    // A rebinding page sends its own name as Host: refused everywhere, Graph paths too.
    let token = env.agency().admin_token.clone().unwrap();
    let me = format!("/{API_VERSION}/me?access_token={token}");
    for host in ["evil.example", "evil.example:80", "127.0.0.1.evil.example"] {
        let with_host = [("host", host), ("x-emulator-control", secret.as_str())];
        let r = env.send("GET", &me, None, Vec::new(), &with_host).await.unwrap();
        assert_eq!(r.status, 421, "Host {host}");
        let r = env.send("GET", "/__emulator/state", None, Vec::new(), &with_host).await.unwrap();
        assert_eq!(r.status, 421, "Host {host}");
    }
    let port = env.port.to_string();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}"), "127.0.0.1".into()] {
        let r = env.send("GET", &me, None, Vec::new(), &[("host", host.as_str())]).await.unwrap();
        assert_eq!(r.status, 200, "Host {host}: {}", r.json);
    }
}

#[tokio::test]
async fn control_endpoint_routes() {
    let env = Env::demo().await;
    let m = env.control("GET", "/manifest", json!(null)).await;
    assert_eq!(m["url"], env.emu.url());
    let f = env.control("GET", "/faults", json!(null)).await;
    assert_eq!(f["latency_ms"], 0);
    let l = env.control("PUT", "/limits", json!({"buc_calls_per_hour_full": 1})).await;
    assert_eq!(l["buc_calls_per_hour_full"], 1);
    let secret = env.m().control_secret.clone();
    let with_secret = [("x-emulator-control", secret.as_str())];
    let bad = env
        .send(
            "PUT",
            "/__emulator/faults",
            Some("application/json"),
            b"{\"nope\":1}".to_vec(),
            &with_secret,
        )
        .await
        .unwrap();
    assert_eq!(bad.status, 400);
    let missing =
        env.send("GET", "/__emulator/nothing", None, Vec::new(), &with_secret).await.unwrap();
    assert_eq!(missing.status, 404);
    // The library API exposes the same.
    assert!(env.emu.request_log().is_empty());
    env.emu.set_faults(FaultConfig { transient_error_next: 1, ..FaultConfig::default() });
    let t = env.agency().admin_token.clone().unwrap();
    assert_eq!(env.get(&format!("/v26.0/me?access_token={t}")).await.status, 500);
    assert_eq!(env.emu.request_log().len(), 1);
    assert!(env.emu.state_snapshot()["tokens"].as_array().unwrap().len() > 3);
}

#[tokio::test]
async fn node_sdk_style_json_bodies() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let body = json!({"name": "Json SU", "role": "EMPLOYEE", "access_token": t}).to_string();
    let r = env
        .send(
            "POST",
            &format!("/v26.0/{}/system_users", a.id),
            Some("application/json"),
            body.into_bytes(),
            &[],
        )
        .await
        .unwrap();
    r.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_and_port_in_use() {
    let env = std::sync::Arc::new(Env::demo().await);
    let a = env.agency().clone();
    let t = a.admin_token.clone().unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let env = env.clone();
        let (t, biz) = (t.clone(), a.id.clone());
        tasks.push(tokio::spawn(async move {
            if i % 4 == 0 {
                let name = format!("Parallel {i}");
                env.post(
                    &format!("/v26.0/{biz}/system_users"),
                    &[("name", &name), ("access_token", &t)],
                )
                .await
                .status
            } else {
                env.get(&format!("/v26.0/{biz}/owned_ad_accounts?limit=100&access_token={t}"))
                    .await
                    .status
            }
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    // 10 creations against a quota of 9 free regular seats: exactly one 400 (3949).
    assert_eq!(statuses.iter().filter(|s| **s == 400).count(), 1);
    assert_eq!(env.emu.request_log().len(), 40);
    let taken =
        gatehouse_emulator::Emulator::start(EmulatorConfig::new(Fixture::demo()).port(env.port))
            .await;
    assert!(matches!(taken, Err(gatehouse_emulator::EmulatorError::Bind { .. })));
}
