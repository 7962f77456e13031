//! Transport behaviour against a scripted local server: auth, proof, retries, unsafe writes,
//! throttling, pacing, paging, batches, redirects, timeouts.

mod support;

use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use gatehouse_errors::ErrorCode;
use gatehouse_errors::Explain;
use gatehouse_errors::Surface;
use gatehouse_graph::*;
use serde_json::{json, Value};
use support::{Reply, TestServer};

const TOKEN: &str = "EAAB-test-token-value";
const APP_SECRET: &str = "app-secret-value";

fn config(base: &str) -> ClientConfig {
    let mut c = ClientConfig::with_base_url(base);
    c.retry = RetryPolicy {
        retry_rejected_writes: false,
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        budget: Duration::from_secs(5),
        max_throttle_wait: Duration::from_secs(300),
    };
    c.pacing = PacingPolicy::off();
    c.request_timeout = Duration::from_secs(5);
    c.read_timeout = Duration::from_secs(5);
    c
}

fn session_with(cfg: ClientConfig, secret: bool) -> Session {
    let client = GraphClient::new(cfg).unwrap();
    let creds = if secret {
        Credentials::with_app_secret(Secret::new(TOKEN.into()), Secret::new(APP_SECRET.into()))
    } else {
        Credentials::token(Secret::new(TOKEN.into()))
    };
    client.session(creds)
}

fn session(server: &TestServer) -> Session {
    session_with(config(&server.url()), true)
}

fn graph_error(code: i64, message: &str) -> Value {
    json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "TRACE"}})
}

fn proof() -> String {
    appsecret_proof(&Secret::new(TOKEN.into()), &Secret::new(APP_SECRET.into()))
}

#[tokio::test]
async fn token_goes_in_a_bearer_header_and_proof_is_sent() {
    let server =
        TestServer::start(|_, _| Reply::Json(200, json!({"id": "42", "name": "Ad Server"}))).await;
    let me = session(&server).me().await.unwrap();
    assert_eq!(me.id, "42");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path(), "/v26.0/me");
    assert_eq!(r.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert!(!r.target.contains(TOKEN), "token in URL: {}", r.target);
    assert!(!r.target.contains("access_token"));
    assert_eq!(r.param("appsecret_proof"), Some(proof()));
}

#[tokio::test]
async fn post_carries_proof_in_the_body_and_version_is_configurable() {
    let server = TestServer::start(|_, _| Reply::Json(200, json!({"id": "777"}))).await;
    let mut cfg = config(&server.url());
    cfg.api_version = ApiVersion::parse("v25.0").unwrap();
    let s = session_with(cfg, true);
    let id = s.create_system_user("123", "Ad Server", NewSystemUserRole::Employee).await.unwrap();
    assert_eq!(id, "777");
    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path(), "/v25.0/123/system_users");
    let form = r.form();
    assert!(form.contains(&("name".into(), "Ad Server".into())));
    assert!(form.contains(&("role".into(), "EMPLOYEE".into())));
    assert!(form.contains(&("appsecret_proof".into(), proof())));
    assert!(!r.body.contains(TOKEN));
}

#[tokio::test]
async fn no_proof_without_app_secret() {
    let server = TestServer::start(|_, _| Reply::Json(200, json!({"id": "1"}))).await;
    session_with(config(&server.url()), false).me().await.unwrap();
    assert_eq!(server.requests()[0].param("appsecret_proof"), None);
}

#[tokio::test]
async fn transient_errors_on_reads_are_retried_with_events() {
    let server = TestServer::start(|_, n| {
        if n < 2 {
            Reply::Json(500, json!({"error": {"message": "(#2) Service temporarily unavailable", "code": 2, "is_transient": true}}))
        } else {
            Reply::Json(200, json!({"id": "1", "name": "B"}))
        }
    })
    .await;
    let (sink, mut rx) = EventSink::channel();
    let s = session(&server).with_events(sink);
    let b = s.business("1").await.unwrap();
    assert_eq!(b.name.as_deref(), Some("B"));
    assert_eq!(server.count(), 3);
    let mut retries = 0;
    while let Ok(ev) = rx.try_recv() {
        let GraphEvent::WaitingUntil { reason, next_attempt, .. } = ev;
        assert!(matches!(
            reason,
            WaitReason::Retrying { error_code: ErrorCode::ServiceUnavailable, graph_code: Some(2) }
        ));
        retries += 1;
        assert_eq!(next_attempt, retries + 1);
    }
    assert_eq!(retries, 2);
}

#[tokio::test]
async fn retries_stop_at_the_attempt_budget() {
    let server = TestServer::start(|_, _| Reply::Raw(503, "<html>bad gateway</html>".into())).await;
    let err = session(&server).me().await.unwrap_err();
    assert_eq!(err.code(), "service_unavailable");
    assert_eq!(err.details().unwrap().http_status, Some(503));
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn permanent_errors_are_not_retried() {
    let server = TestServer::start(|_, _| {
        Reply::Json(400, graph_error(100, "(#100) The parameter name is required"))
    })
    .await;
    let err = session(&server).me().await.unwrap_err();
    assert!(matches!(&err, GraphError::InvalidInput { field: Some(f), .. } if f == "name"));
    assert_eq!(err.fbtrace_id(), Some("TRACE"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_dropped_create_is_never_resent_and_reports_unknown_outcome() {
    let server = TestServer::start(|_, _| Reply::Drop).await;
    let err = session(&server)
        .create_system_user("123", "Ad Server", NewSystemUserRole::Admin)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "outcome_unknown");
    match &err {
        GraphError::OutcomeUnknown {
            operation: UnsafeOperation::CreateSystemUser { business_id, name },
            ..
        } => {
            assert_eq!((business_id.as_str(), name.as_str()), ("123", "Ad Server"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1, "a non-idempotent write must not be retried");
}

#[tokio::test]
async fn a_timed_out_token_generation_may_have_been_issued() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let mut cfg = config(&server.url());
    cfg.request_timeout = Duration::from_millis(300);
    let s = session_with(cfg, true);
    let req = TokenRequest {
        app_id: "555".into(),
        scopes: vec![Scope::AdsRead],
        expires_in_60_days: true,
    };
    let err = s.generate_token("100", &req).await.unwrap_err();
    assert!(
        matches!(
            err,
            GraphError::OutcomeUnknown { operation: UnsafeOperation::GenerateToken { .. }, .. }
        ),
        "{err:?}"
    );
    assert!(err.explanation().contains("may have been issued"));
    assert_eq!(server.count(), 1);
}

fn throttle_then_ok() -> impl Fn(&support::Req, usize) -> Reply + Send + Sync + 'static {
    |_, n| {
        if n == 0 {
            Reply::Json(400, graph_error(4, "(#4) Application request limit reached"))
        } else {
            Reply::Json(200, json!({"id": "9"}))
        }
    }
}

#[tokio::test]
async fn a_throttled_create_is_not_retried_by_default() {
    let server = TestServer::start(throttle_then_ok()).await;
    let err = session(&server)
        .create_system_user("1", "X", NewSystemUserRole::Employee)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_throttled_create_is_resent_when_rejected_writes_may_be_retried() {
    let server = TestServer::start(throttle_then_ok()).await;
    let mut cfg = config(&server.url());
    cfg.retry.retry_rejected_writes = true;
    let id = session_with(cfg, true)
        .create_system_user("1", "X", NewSystemUserRole::Employee)
        .await
        .unwrap();
    assert_eq!(id, "9");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured_on_503() {
    let server = TestServer::start(|_, n| {
        if n == 0 {
            Reply::JsonWithHeaders(
                503,
                json!({"error": {"code": 2, "message": "busy"}}),
                vec![("Retry-After".into(), "1".into())],
            )
        } else {
            Reply::Json(200, json!({"id": "1"}))
        }
    })
    .await;
    let (sink, mut rx) = EventSink::channel();
    let t = std::time::Instant::now();
    session(&server).with_events(sink).me().await.unwrap();
    assert!(t.elapsed() >= Duration::from_secs(1));
    let GraphEvent::WaitingUntil { wait, .. } = rx.try_recv().unwrap();
    assert_eq!(wait, Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 6)]
async fn batches_run_with_bounded_concurrency() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (f, p) = (in_flight.clone(), peak.clone());
    let server = TestServer::start(move |req, _| {
        let now = f.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(now, Ordering::SeqCst);
        let ops: Vec<Value> = serde_json::from_str(&req.param("batch").unwrap()).unwrap();
        let out: Vec<Value> =
            ops.iter().map(|_| json!({"code": 200, "body": "{\"success\":true}"})).collect();
        // Handlers run synchronously: block a little so batches overlap, then release.
        std::thread::sleep(Duration::from_millis(150));
        f.fetch_sub(1, Ordering::SeqCst);
        Reply::Json(200, Value::Array(out))
    })
    .await;
    let mut cfg = config(&server.url());
    cfg.batch.concurrency = 3;
    let s = session_with(cfg, true);
    let items: Vec<Unassignment> = (0..500)
        .map(|i| Unassignment {
            kind: AssetKind::Page,
            asset_id: format!("{}", 100 + i),
            user_id: "7".into(),
        })
        .collect();
    let results = s.unassign_many(&items).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.count(), 10, "500 operations in batches of 50");
    let peak = peak.load(Ordering::SeqCst);
    assert!(peak <= 3, "at most 3 batches in flight, saw {peak}");
    assert!(peak >= 2, "batches ran concurrently, saw {peak}");
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_creates() {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let s = session_with(config(&format!("http://{addr}")), true);
    let err = s.create_system_user("1", "X", NewSystemUserRole::Employee).await.unwrap_err();
    assert_eq!(err.code(), "network", "{err:?}");
}

#[tokio::test]
async fn reads_time_out_and_are_retried() {
    let server = TestServer::start(|_, _| Reply::Hang).await;
    let mut cfg = config(&server.url());
    cfg.read_timeout = Duration::from_millis(150);
    cfg.retry.max_attempts = 2;
    let err = session_with(cfg, false).me().await.unwrap_err();
    assert_eq!(err.code(), "timeout", "{err:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn long_throttles_return_rate_limited_until() {
    let server = TestServer::start(|_, _| {
        Reply::JsonWithHeaders(
            400,
            json!({"error": {"message": "(#80004) There have been too many calls to this ad-account.", "type": "OAuthException",
                              "code": 80004, "error_subcode": 2446079, "fbtrace_id": "F"}}),
            vec![(
                "X-Business-Use-Case-Usage".into(),
                r#"{"66782684":[{"type":"ads_management","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":19}]}"#.into(),
            )],
        )
    })
    .await;
    let mut cfg = config(&server.url());
    cfg.retry.max_throttle_wait = Duration::from_secs(60);
    let before = SystemTime::now();
    let err = session_with(cfg, false).me().await.unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    let until = err.rate_limited_until().expect("until");
    let wait = until.duration_since(before).unwrap();
    assert!(
        wait >= Duration::from_secs(19 * 60) && wait < Duration::from_secs(19 * 60 + 30),
        "{wait:?}"
    );
    assert_eq!(server.count(), 1, "a wait beyond the cap is reported, not slept");
    assert!(
        err.fix(Surface::Desktop).unwrap_or_default().contains("19 minutes"),
        "{}",
        err.fix(Surface::Desktop).unwrap_or_default()
    );
}

#[tokio::test]
async fn throttle_waits_are_reported_before_sleeping() {
    let server = TestServer::start(|_, n| {
        if n == 0 {
            Reply::Json(
                400,
                json!({"error": {"code": 80004, "message": "(#80004) too many calls",
                "error_data": {"estimated_time_to_regain_access": 1}}}),
            )
        } else {
            Reply::Json(200, json!({"id": "1"}))
        }
    })
    .await;
    let (sink, mut rx) = EventSink::channel();
    let mut cfg = config(&server.url());
    cfg.retry.budget = Duration::from_secs(600);
    let s = session_with(cfg, true).with_events(sink);
    let task = tokio::spawn(async move { s.me().await });
    let ev = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
    let GraphEvent::WaitingUntil { until, wait, reason, next_attempt } = ev;
    assert_eq!(wait, Duration::from_secs(60));
    assert_eq!(next_attempt, 2);
    assert!(until > SystemTime::now() + Duration::from_secs(50));
    assert_eq!(
        reason,
        WaitReason::RateLimited {
            error_code: ErrorCode::RateLimited,
            graph_code: Some(80004),
            estimated: true
        }
    );
    assert!(!task.is_finished(), "the client is waiting, as announced");
    task.abort();
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn high_usage_slows_requests_down() {
    let server = TestServer::start(|_, _| {
        Reply::JsonWithHeaders(
            200,
            json!({"id": "1"}),
            vec![(
                "X-App-Usage".into(),
                r#"{"call_count": 95, "total_time": 10, "total_cputime": 10}"#.into(),
            )],
        )
    })
    .await;
    let mut cfg = config(&server.url());
    cfg.pacing = PacingPolicy {
        start_percent: 50.0,
        max_delay: Duration::from_millis(400),
        memory: Duration::from_secs(60),
    };
    let (sink, mut rx) = EventSink::channel();
    let s = session_with(cfg, false).with_events(sink);
    s.me().await.unwrap();
    assert!(rx.try_recv().is_err(), "no pacing before usage is known");
    let t = std::time::Instant::now();
    s.me().await.unwrap();
    let elapsed = t.elapsed();
    let GraphEvent::WaitingUntil { wait, reason, .. } = rx.try_recv().unwrap();
    assert!(matches!(reason, WaitReason::Pacing { usage_percent } if usage_percent == 95.0));
    // (95-50)/50 = 0.9, squared 0.81 → 324 ms.
    assert!(wait >= Duration::from_millis(320) && wait <= Duration::from_millis(330), "{wait:?}");
    assert!(elapsed >= Duration::from_millis(320));
}

#[tokio::test]
async fn pacing_applies_to_the_busy_object_only() {
    let server = TestServer::start(|req, _| {
        let mut headers = Vec::new();
        if req.path().contains("act_222") {
            headers.push((
                "X-Business-Use-Case-Usage".to_string(),
                r#"{"222":[{"type":"ads_management","call_count":96,"total_cputime":5,"total_time":5,"estimated_time_to_regain_access":0}]}"#.to_string(),
            ));
        }
        Reply::JsonWithHeaders(200, json!({"data": []}), headers)
    })
    .await;
    let mut cfg = config(&server.url());
    cfg.pacing = PacingPolicy {
        start_percent: 60.0,
        max_delay: Duration::from_millis(500),
        memory: Duration::from_secs(60),
    };
    let (sink, mut rx) = EventSink::channel();
    let s = session_with(cfg, false).with_events(sink);
    s.assigned_users(AssetKind::AdAccount, "222", "1").collect_all().await.unwrap();
    s.assigned_users(AssetKind::AdAccount, "333", "1").collect_all().await.unwrap();
    assert!(rx.try_recv().is_err(), "another ad account is not slowed down");
    s.assigned_users(AssetKind::AdAccount, "act_222", "1").collect_all().await.unwrap();
    let GraphEvent::WaitingUntil { reason, wait, .. } = rx.try_recv().unwrap();
    assert!(matches!(reason, WaitReason::Pacing { usage_percent } if usage_percent == 96.0));
    assert!(wait > Duration::from_millis(300), "{wait:?}");
}

fn page_reply(base: &str, req: &support::Req, total: usize, next_host: Option<&str>) -> Reply {
    let after: usize = req.param("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let limit: usize = req.param("limit").and_then(|l| l.parse().ok()).unwrap_or(25);
    let end = (after + limit).min(total);
    let data: Vec<Value> = (after..end)
        .map(|i| json!({"id": format!("{}", 1000 + i), "name": format!("Page {i}")}))
        .collect();
    let mut body = json!({"data": data, "paging": {"cursors": {"before": "b", "after": end.to_string()}}, "summary": {"total_count": total}});
    if end < total {
        let host = next_host.unwrap_or(base);
        body["paging"]["next"] = json!(format!(
            "{host}/v26.0/1/owned_pages?access_token=LEAKED&fields=id%2Cname&limit={limit}&after={end}"
        ));
    }
    Reply::Json(200, body)
}

#[tokio::test]
async fn paging_streams_pages_with_progress_and_strips_tokens_from_next() {
    let base = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let b2 = base.clone();
    let server =
        TestServer::start(move |req, _| page_reply(&b2.lock().unwrap(), req, 250, None)).await;
    *base.lock().unwrap() = server.url();
    let s = session(&server);
    let mut stream = s.assets("1", AssetKind::Page, Relation::Owned, &ListOptions::default());
    let mut seen = Vec::new();
    let mut labels = Vec::new();
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        labels.push(page.progress.to_string());
        seen.extend(page.items.into_iter().map(|a| a.id));
    }
    assert_eq!(labels, vec!["100 of 250", "200 of 250", "250 of 250"]);
    assert_eq!(seen.len(), 250);
    assert_eq!(seen[0], "1000");
    assert_eq!(seen[249], "1249");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].param("limit").as_deref(), Some("100"), "the edge's maximum page size");
    assert_eq!(reqs[0].param("summary").as_deref(), Some("total_count"));
    for r in &reqs {
        assert!(!r.target.contains("LEAKED"), "token from next kept: {}", r.target);
        assert_eq!(r.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(r.param("appsecret_proof"), Some(proof()));
    }
    assert_eq!(reqs[1].param("after").as_deref(), Some("100"));
}

/// A batch answered with `elements`; GETs answered by `page_reply`.
fn chained_server_reply(req: &support::Req, total: usize, elements: &[Value]) -> Reply {
    if req.method == "POST" {
        return Reply::Json(200, Value::Array(elements.to_vec()));
    }
    page_reply("", req, total, None)
}

/// A page of 10 from `after` as a batch element, `next` (relative) while more are left.
fn chained_element(after: usize, total: usize) -> Value {
    let end = (after + 10).min(total);
    let data: Vec<Value> = (after..end).map(|i| json!({"id": format!("{}", 1000 + i)})).collect();
    let mut body = json!({"data": data, "paging": {"cursors": {"after": end.to_string()}}, "summary": {"total_count": total}});
    if end < total {
        body["paging"]["next"] = json!(format!("/v26.0/1/owned_pages?limit=10&after={end}"));
    }
    json!({"code": 200, "body": body.to_string()})
}

/// What the scripted server cannot get wrong in the emulator: a `null` or a body left out after
/// a page with `next` falls back to plain paging from that page's `next`; a `null` after the
/// last page is the end. The batch itself: named operations, bodies asked for, the cursor a raw
/// reference, the proof in each.
#[tokio::test]
async fn chained_batches_fall_back_on_null_or_omitted_pages() {
    let chained = PagingMode::Chained { pages_per_batch: 3 };
    let opts = ListOptions { page_size: Some(10), ..ListOptions::default() };
    let ids = |items: Vec<Asset>| items.into_iter().map(|a| a.id).collect::<Vec<_>>();
    let expected = |n: usize| (0..n).map(|i| format!("{}", 1000 + i)).collect::<Vec<_>>();

    for second in [Value::Null, json!({"code": 200})] {
        let elements = vec![chained_element(0, 30), second.clone(), chained_element(20, 30)];
        let server =
            TestServer::start(move |req, _| chained_server_reply(req, 30, &elements)).await;
        let mut c = config(&server.url());
        c.paging = chained;
        let s = session_with(c, true);
        let (items, progress) =
            s.assets("1", AssetKind::Page, Relation::Owned, &opts).collect_all().await.unwrap();
        assert_eq!(ids(items), expected(30), "{second}");
        assert_eq!(progress.pages, 3);
        let reqs = server.requests();
        assert_eq!(reqs.len(), 3, "{second}: the batch, then pages 2 and 3 plainly");
        assert_eq!(reqs[1].param("after").as_deref(), Some("10"), "from the first page's next");
        assert_eq!(reqs[0].param("include_headers").as_deref(), Some("false"));
        let ops: Value = serde_json::from_str(&reqs[0].param("batch").unwrap()).unwrap();
        for (i, op) in ops.as_array().unwrap().iter().enumerate() {
            assert_eq!(op["name"], format!("p{i}"));
            assert_eq!(op["omit_response_on_success"], false);
            let url = op["relative_url"].as_str().unwrap();
            assert!(url.starts_with("v26.0/1/owned_pages?"), "{url}");
            assert!(url.contains(&format!("appsecret_proof={}", proof())), "{url}");
            if i > 0 {
                let reference = format!("&after={{result=p{}:$.paging.cursors.after}}", i - 1);
                assert!(url.ends_with(&reference), "{url}");
            }
        }
    }

    // 12 items: the second page is the last; the third operation's null is the end.
    let elements = vec![chained_element(0, 12), chained_element(10, 12), Value::Null];
    let server = TestServer::start(move |req, _| chained_server_reply(req, 12, &elements)).await;
    let mut c = config(&server.url());
    c.paging = chained;
    let (items, _) = session_with(c, true)
        .assets("1", AssetKind::Page, Relation::Owned, &opts)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(ids(items), expected(12));
    assert_eq!(server.count(), 1, "one batch, nothing after");
}

#[tokio::test]
async fn a_foreign_next_is_not_followed_the_cursor_is() {
    let server =
        TestServer::start(|req, _| page_reply("", req, 30, Some("http://evil.example:1"))).await;
    let s = session(&server);
    let opts = ListOptions { page_size: Some(10), ..ListOptions::default() };
    let (items, progress) =
        s.assets("1", AssetKind::Page, Relation::Owned, &opts).collect_all().await.unwrap();
    assert_eq!(items.len(), 30);
    assert_eq!(progress.total, Some(30));
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[1].path(), "/v26.0/1/owned_pages");
    assert_eq!(reqs[1].param("after").as_deref(), Some("10"));
}

#[tokio::test]
async fn a_foreign_next_without_cursor_is_an_error() {
    let server = TestServer::start(|_, _| {
        Reply::Json(200, json!({"data": [{"id": "1", "name": "x"}], "paging": {"next": "https://evil.example/v26.0/1/owned_pages?after=x"}}))
    })
    .await;
    let err = session(&server).system_users("1").collect_all().await.unwrap_err();
    assert_eq!(err.code(), "unexpected_response");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_page_size_shrinks_when_a_server_rejects_it() {
    let server = TestServer::start(|req, _| {
        let limit: u32 = req.param("limit").unwrap().parse().unwrap();
        if limit > 200 {
            Reply::Json(400, graph_error(100, "(#100) The limit parameter exceeds the maximum for this edge"))
        } else {
            Reply::Json(200, json!({"data": [{"id": "act_1", "account_id": "1"}], "summary": {"total_count": 1}}))
        }
    })
    .await;
    let (items, p) = session(&server)
        .assets("1", AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!((items.len(), p.to_string()), (1, "1 of 1".to_string()));
    let limits: Vec<String> = server.requests().iter().map(|r| r.param("limit").unwrap()).collect();
    assert_eq!(limits, vec!["500", "250", "125"]);
}

#[tokio::test]
async fn batches_chunk_by_50_and_retry_only_failed_or_null_items() {
    // Item user=5 is null in the first round, user=7 fails transiently once, user=9 always fails.
    let server = TestServer::start(|req, _| {
        assert_eq!(req.path(), "/v26.0/");
        assert_eq!(req.param("include_headers").as_deref(), Some("false"));
        let ops: Vec<Value> = serde_json::from_str(&req.param("batch").unwrap()).unwrap();
        assert!(ops.len() <= 50);
        let first_round = ops.len() > 2;
        let out: Vec<Value> = ops
            .iter()
            .map(|op| {
                let body = op["body"].as_str().unwrap();
                let user = url::form_urlencoded::parse(body.as_bytes()).find(|(k, _)| k == "user").unwrap().1.to_string();
                match user.as_str() {
                    "5" if first_round => Value::Null,
                    "7" if first_round => json!({"code": 500, "body": "{\"error\":{\"code\":2,\"message\":\"temporarily unavailable\",\"is_transient\":true}}"}),
                    "9" => json!({"code": 400, "body": "{\"error\":{\"code\":100,\"error_subcode\":1752129,\"message\":\"(#100) This Task Combination Is Not Supported\",\"fbtrace_id\":\"T9\"}}"}),
                    _ => json!({"code": 200, "body": "{\"success\":true}"}),
                }
            })
            .collect();
        Reply::Json(200, Value::Array(out))
    })
    .await;
    let (sink, mut rx) = EventSink::channel();
    let s = session(&server).with_events(sink);
    let items: Vec<Assignment> = (0..120)
        .map(|i| Assignment {
            asset_id: format!("{}", 5000 + i),
            user_id: i.to_string(),
            tasks: TaskSet::of(vec![AdAccountTask::Analyze]),
        })
        .collect();
    let results = s.assign_many(&items).await;
    assert_eq!(results.len(), 120);
    for (i, r) in results.iter().enumerate() {
        if i == 9 {
            let e = r.as_ref().unwrap_err();
            assert!(matches!(e, GraphError::InvalidInput { field: Some(f), .. } if f == "tasks"));
            assert_eq!(e.fbtrace_id(), Some("T9"));
        } else {
            assert!(r.is_ok(), "{i}: {r:?}");
        }
    }
    let reqs = server.requests();
    let sizes: Vec<usize> = reqs
        .iter()
        .map(|r| serde_json::from_str::<Vec<Value>>(&r.param("batch").unwrap()).unwrap().len())
        .collect();
    let mut sorted = sizes.clone();
    sorted.sort();
    assert_eq!(sorted, vec![2, 20, 50, 50], "three chunks, then one retry of the two failed items");
    let retry = reqs
        .iter()
        .find(|r| r.param("batch").unwrap().matches("relative_url").count() == 2)
        .unwrap();
    let ops: Vec<Value> = serde_json::from_str(&retry.param("batch").unwrap()).unwrap();
    assert_eq!(ops[0]["relative_url"], "v26.0/act_5005/assigned_users");
    assert_eq!(ops[1]["relative_url"], "v26.0/act_5007/assigned_users");
    assert_eq!(ops[0]["method"], "POST");
    let GraphEvent::WaitingUntil { reason, .. } = rx.try_recv().unwrap();
    assert_eq!(reason, WaitReason::BatchRetry { items: 2 });
}

#[tokio::test]
async fn batch_nulls_for_unsafe_items_are_unknown_not_retried() {
    // Through the secret-parameter path in its batch form: a refresh is not idempotent.
    let server = TestServer::start(|_, _| Reply::Json(200, json!([null]))).await;
    let mut cfg = config(&server.url());
    cfg.secret_params = SecretParams::Batch;
    let s = session_with(cfg, true);
    let err = s.refresh_token("555", &Secret::new(APP_SECRET.into())).await.unwrap_err();
    assert!(
        matches!(
            err,
            GraphError::OutcomeUnknown { operation: UnsafeOperation::RefreshToken { .. }, .. }
        ),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn debug_token_is_a_plain_get_with_the_token_in_the_query() {
    let inspected = "EAAB-inspected-token";
    let server = TestServer::start(|req, _| {
        assert_eq!(req.method, "GET");
        assert_eq!(req.path(), "/v26.0/debug_token");
        assert_eq!(req.param("input_token").as_deref(), Some("EAAB-inspected-token"));
        let body = json!({"data": {"app_id": "555", "type": "SYSTEM_USER", "is_valid": true, "expires_at": 0, "scopes": ["ads_read"], "user_id": "100"}});
        Reply::Json(200, body)
    })
    .await;
    let info = session(&server).debug_token(&Secret::new(inspected.into())).await.unwrap();
    assert_eq!(info.token_type, Some(TokenType::SystemUser));
    assert_eq!(info.expiry(), Expiry::Never);
    assert!(info.has_scope(Scope::AdsRead));
}

#[tokio::test]
async fn debug_token_is_a_documented_get_or_a_batch_when_chosen() {
    let server = TestServer::start(|req, _| {
        if req.method == "GET" {
            assert_eq!(req.path(), "/v26.0/debug_token");
            Reply::Json(
                200,
                json!({"data": {"type": "USER", "is_valid": false, "expires_at": 1800000000}}),
            )
        } else {
            assert_eq!(req.method, "POST");
            let batch = &req.form().iter().find(|(k, _)| k == "batch").unwrap().1.clone();
            assert!(batch.contains("debug_token?input_token=EAAB-x"), "{batch}");
            let body = json!({"data": {"type": "USER", "is_valid": true}}).to_string();
            Reply::Json(200, json!([{"code": 200, "body": body}]))
        }
    })
    .await;
    let session = session_with(config(&server.url()), false);
    let info = session.debug_token(&Secret::new("EAAB-x".into())).await.unwrap();
    assert!(!info.is_valid);
    assert!(matches!(info.expiry(), Expiry::At(_)));
    assert_eq!(server.requests()[0].method, "GET");
    let mut cfg = config(&server.url());
    cfg.secret_params = SecretParams::Batch;
    let info = session_with(cfg, false).debug_token(&Secret::new("EAAB-x".into())).await.unwrap();
    assert!(info.is_valid);
    assert!(!server.requests()[1].target.contains("EAAB-x"));
}

#[tokio::test]
async fn redirects_to_another_host_are_refused_and_the_token_stays_home() {
    let other = TestServer::start(|_, _| Reply::Json(200, json!({"id": "stolen"}))).await;
    let target = format!("{}/v26.0/me", other.url());
    let server = TestServer::start(move |_, _| Reply::Redirect(target.clone())).await;
    let err = session(&server).me().await.unwrap_err();
    assert_eq!(err.code(), "unexpected_response", "{err:?}");
    assert_eq!(other.count(), 0, "the other host got a request");
}

#[tokio::test]
async fn plain_http_is_refused_except_loopback() {
    let err =
        GraphClient::new(ClientConfig::with_base_url("http://graph.facebook.com")).unwrap_err();
    assert_eq!(err.code(), "invalid_config");
    assert!(GraphClient::new(ClientConfig::with_base_url("http://localhost:1")).is_ok());
    assert!(GraphClient::new(ClientConfig::default()).is_ok());
}

#[tokio::test]
async fn write_bodies_of_every_documented_shape_are_accepted() {
    let server = TestServer::start(|req, _| match req.path() {
        "/v26.0/100/applications" => Reply::Raw(200, "true".into()),
        "/v26.0/100/access_tokens" => Reply::Json(200, json!({"success": true})),
        "/v26.0/1/system_users" => Reply::Json(200, json!({"id": "100"})),
        // D-TOK's revoke sample is literally `{"success":"true"}`.
        "/v26.0/oauth/revoke" => Reply::Json(200, json!({"success": "true"})),
        _ => Reply::Json(400, graph_error(100, "unexpected path")),
    })
    .await;
    let s = session(&server);
    s.install_app("100", "555").await.unwrap();
    s.invalidate_all_tokens("100").await.unwrap();
    s.rename_system_user("1", "100", "New name").await.unwrap();
    s.revoke_token("555", &Secret::new(APP_SECRET.into()), &Secret::new("EAAB-old".into()))
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].form().iter().find(|(k, _)| k == "business_app").unwrap().1, "555");
    assert_eq!(reqs[1].method, "DELETE");
    assert!(reqs[2].form().contains(&("system_user_id".into(), "100".into())));
    assert_eq!(reqs[3].method, "GET");
}

#[tokio::test]
async fn token_generation_sends_scopes_and_needs_the_app_secret() {
    let server =
        TestServer::start(|_, _| Reply::Json(200, json!({"access_token": "EAAB-new-token"}))).await;
    let req = TokenRequest {
        app_id: "555".into(),
        scopes: vec![Scope::AdsManagement, Scope::PagesShowList],
        expires_in_60_days: true,
    };
    let err =
        session_with(config(&server.url()), false).generate_token("100", &req).await.unwrap_err();
    assert!(matches!(&err, GraphError::InvalidInput { field: Some(f), .. } if f == "app_secret"));
    assert_eq!(server.count(), 0);
    let token = session(&server).generate_token("100", &req).await.unwrap();
    assert_eq!(token.expose(), "EAAB-new-token");
    assert!(!format!("{token:?}").contains("EAAB-new-token"));
    let form = server.requests()[0].form();
    assert!(form.contains(&("scope".into(), "ads_management,pages_show_list".into())));
    assert!(form.contains(&("set_token_expires_in_60_days".into(), "true".into())));
    assert!(form.contains(&("business_app".into(), "555".into())));
    assert!(form.contains(&("appsecret_proof".into(), proof())));
}

#[tokio::test]
async fn reconciliation_finds_the_new_system_user() {
    let server = TestServer::start(|_, _| {
        Reply::Json(
            200,
            json!({"data": [
            {"id": "1", "name": "Old", "role": "ADMIN"},
            {"id": "2", "name": "Ad Server", "role": "EMPLOYEE"},
            {"id": "3", "name": "Ad Server", "role": "EMPLOYEE"}]}),
        )
    })
    .await;
    let s = session(&server);
    let r =
        s.reconcile_system_user_create("9", "Ad Server", &["1".into(), "2".into()]).await.unwrap();
    assert!(matches!(r, CreateReconciliation::Created(ref u) if u.id == "3"));
    let r = s.reconcile_system_user_create("9", "Ad Server", &[]).await.unwrap();
    assert!(matches!(r, CreateReconciliation::Ambiguous(ref v) if v.len() == 2));
    let r = s.reconcile_system_user_create("9", "Nobody", &[]).await.unwrap();
    assert_eq!(r, CreateReconciliation::NotCreated);
}

#[tokio::test]
async fn futures_and_streams_can_be_spawned() {
    fn is_send<T: Send>(_: &T) {}
    let s = session_with(config("http://127.0.0.1:9"), true);
    is_send(&s.me());
    is_send(&s.assign_many(&[]));
    is_send(&s.system_users("1"));
    is_send(&s.system_users("1").collect_all());
    is_send(&s.debug_token(&Secret::new("x".into())));
    is_send(&s.create_system_user("1", "x", NewSystemUserRole::Admin));
    let handle = tokio::spawn({
        let s = s.clone();
        async move {
            s.assets("1", AssetKind::Page, Relation::Owned, &ListOptions::default())
                .collect_all()
                .await
        }
    });
    // Nothing listens on port 9: a typed network error, not a panic.
    let err = handle.await.unwrap().unwrap_err();
    assert!(matches!(err.code(), ErrorCode::Network | ErrorCode::Timeout), "{err:?}");
}

#[tokio::test]
async fn formatted_sessions_errors_and_tokens_never_show_secrets() {
    let server = TestServer::start(|req, _| match req.path() {
        "/v26.0/100/access_tokens" => {
            Reply::Json(200, json!({"access_token": "EAAB-issued-secret"}))
        }
        _ => {
            Reply::Json(400, graph_error(190, "Error validating access token: Session has expired"))
        }
    })
    .await;
    let s = session(&server);
    let req = TokenRequest {
        app_id: "555".into(),
        scopes: vec![Scope::AdsRead],
        expires_in_60_days: false,
    };
    let issued = s.generate_token("100", &req).await.unwrap();
    let err = s.me().await.unwrap_err();
    let texts = [
        format!("{s:?}"),
        format!("{:?}", s.credentials()),
        format!("{issued:?}"),
        format!("{err:?}"),
        err.to_string(),
        serde_json::to_string(&err.report()).unwrap(),
        format!("{:?}", s.client()),
    ];
    for t in &texts {
        for secret in [TOKEN, APP_SECRET, "EAAB-issued-secret"] {
            assert!(!t.contains(secret), "{secret} in {t}");
        }
    }
    assert_eq!(err.code(), "token_expired");
}

/// `debug_token`, refresh and revoke are GETs with secrets in the query (as Meta documents
/// them). Network, TLS and timeout failures must not carry the URL, or any secret in it, into
/// anything a person or a log sees: the error's text, debug form, explanation, fix and report.
#[tokio::test]
async fn secret_urls_never_reach_an_error() {
    use tokio::io::AsyncWriteExt;
    const INPUT: &str = "EAAB-inspected-token-value";
    // A port with nothing listening: connection refused.
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        format!("http://127.0.0.1:{port}")
    };
    // A plain TCP server spoken to over https: the TLS handshake fails.
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls = format!("https://127.0.0.1:{}", plain.local_addr().unwrap().port());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = plain.accept().await {
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\nnot tls").await;
        }
    });
    // A server that accepts and never answers: a timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow = format!("http://127.0.0.1:{}", silent.local_addr().unwrap().port());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            held.push(s);
        }
    });
    let proof = appsecret_proof(&Secret::new(TOKEN.into()), &Secret::new(APP_SECRET.into()));
    let secrets = [TOKEN, APP_SECRET, INPUT, proof.as_str()];
    let mut seen = Vec::new();
    for (base, expect) in [(refused, "network"), (tls, "network"), (slow, "timeout")] {
        let mut cfg = config(&base);
        cfg.retry.max_attempts = 1;
        cfg.connect_timeout = Duration::from_millis(500);
        cfg.read_timeout = Duration::from_millis(300);
        cfg.request_timeout = Duration::from_millis(600);
        let s = session_with(cfg, true);
        let input = Secret::new(INPUT.into());
        let secret = Secret::new(APP_SECRET.into());
        let errors = [
            s.debug_token(&input).await.unwrap_err(),
            s.refresh_token("1", &secret).await.unwrap_err(),
            s.revoke_token("1", &secret, &input).await.unwrap_err(),
        ];
        for e in errors {
            // A refresh is a write: a lost answer leaves its outcome unknown.
            assert!(
                e.code() == expect || e.code() == "outcome_unknown" || e.code() == "timeout",
                "{base}: {e:?}"
            );
            let shown = format!(
                "{e}\n{e:?}\n{}\n{}\n{}",
                e.explanation(),
                e.fix(Surface::Desktop).unwrap_or_default(),
                serde_json::to_string(&e.report()).unwrap()
            );
            for secret in secrets {
                assert!(!shown.contains(secret), "{base}: a secret reached the error: {shown}");
            }
            assert!(!shown.contains("debug_token?") && !shown.contains("oauth/"), "{shown}");
            seen.push(e.code());
        }
    }
    assert!(seen.contains(&ErrorCode::Timeout) && seen.contains(&ErrorCode::Network), "{seen:?}");
}

/// Meta has answered a create with code 2 after making it: the outcome is unknown, never a clean
/// failure the user would retry (and so duplicate).
#[tokio::test]
async fn code_1_or_2_after_an_unsafe_write_is_outcome_unknown() {
    for (status, body) in [
        (
            500,
            json!({"error": {"code": 2, "is_transient": true, "message": "An unexpected error has occurred. Please retry your request later.", "type": "OAuthException"}}),
        ),
        (
            400,
            json!({"error": {"code": 2, "error_subcode": 1504044, "is_transient": false, "message": "Service temporarily unavailable", "type": "OAuthException"}}),
        ),
        (
            500,
            json!({"error": {"code": 1, "error_subcode": 99, "message": "An unknown error occurred", "type": "OAuthException"}}),
        ),
    ] {
        let server = TestServer::start(move |_, _| Reply::Json(status, body.clone())).await;
        let s = session(&server);
        let e = s.create_system_user("1", "Reporting", NewSystemUserRole::Employee).await;
        assert_eq!(e.unwrap_err().code(), "outcome_unknown", "{status}");
        assert_eq!(server.count(), 1, "a create is never sent twice");
        let request = TokenRequest {
            app_id: "7".into(),
            scopes: vec![Scope::AdsRead],
            expires_in_60_days: true,
        };
        let e = s.generate_token("5", &request).await.unwrap_err();
        assert_eq!(e.code(), "outcome_unknown");
        assert_eq!(server.count(), 2);
    }
}

/// Hostile or broken answers: HTML instead of JSON, wrong types, missing fields, a huge page.
/// Each is a clear error (or a clean result), never a panic, and the token is in no message.
#[tokio::test]
async fn hostile_answers_are_clear_errors_and_never_show_the_token() {
    let cases: Vec<(&str, Reply)> = vec![
        ("an HTML page", Reply::Raw(200, "<!doctype html><html><body>Login</body></html>".into())),
        ("an HTML error page", Reply::Raw(502, "<html><h1>502 Bad Gateway</h1></html>".into())),
        ("data of the wrong type", Reply::Json(200, json!({"data": "nope"}))),
        ("items of the wrong type", Reply::Json(200, json!({"data": [1, true, null]}))),
        ("ids of the wrong type", Reply::Json(200, json!({"data": [{"id": {"x": 1}}]}))),
        ("a page without data", Reply::Json(200, json!({"paging": {}}))),
        ("a bare array", Reply::Json(200, json!([{"id": "1"}]))),
        ("an error of the wrong shape", Reply::Json(400, json!({"error": "broken"}))),
        (
            "an error with a huge code",
            Reply::Json(400, json!({"error": {"code": 1e300, "message": [1]}})),
        ),
        ("empty", Reply::Raw(200, String::new())),
    ];
    for (what, reply) in cases {
        let reply = std::sync::Mutex::new(Some(reply));
        let server = TestServer::start(move |_, _| {
            reply.lock().unwrap().take().unwrap_or(Reply::Json(500, json!({})))
        })
        .await;
        let mut cfg = config(&server.url());
        cfg.retry.max_attempts = 1;
        let result = session_with(cfg, true).system_users("1").collect_all().await;
        let err = match result {
            Ok((users, _)) => panic!("{what}: answered {} users, expected an error", users.len()),
            Err(e) => e,
        };
        let shown = format!("{err} {err:?} {} {:?}", err.explanation(), err.report());
        assert!(!shown.contains(TOKEN) && !shown.contains(APP_SECRET), "{what}: {shown}");
        assert!(
            !err.explanation().is_empty() && err.fix(gatehouse_errors::Surface::Cli).is_some(),
            "{what}: {err:?}"
        );
        assert!(
            matches!(
                err.code().to_string().as_str(),
                "unexpected_response" | "unknown" | "service_unavailable"
            ),
            "{what}: {}",
            err.code()
        );
    }
}

/// A page of 50,000 items in one answer (a server ignoring `limit`) is read whole.
#[tokio::test]
async fn a_huge_page_is_read() {
    let data: Vec<Value> =
        (0..50_000).map(|i| json!({"id": i.to_string(), "name": format!("User {i}")})).collect();
    let body = json!({"data": data});
    let server = TestServer::start(move |_, _| Reply::Json(200, body.clone())).await;
    let (users, _) = session(&server).system_users("1").collect_all().await.unwrap();
    assert_eq!(users.len(), 50_000);
}
