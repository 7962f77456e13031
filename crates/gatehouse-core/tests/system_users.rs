//! Adding system users against the demo portfolio: success, input errors, limits, lost answers
//! (reconciled, sent once more, or not confirmed).

use gatehouse_core::{Error, NewRole, Portfolio, PortfolioKind};
use gatehouse_demo as demo;
use gatehouse_emulator::FaultConfig;
use gatehouse_errors::{Explain, Surface};
use gatehouse_graph::{ClientConfig, Credentials, GraphClient, Secret};

fn posts_to_system_users(demo: &demo::DemoPortfolio) -> usize {
    demo.emulator()
        .request_log()
        .iter()
        .filter(|entry| entry.method == "POST" && entry.path.ends_with("system_users"))
        .count()
}

#[tokio::test]
async fn creates_a_regular_system_user_that_then_appears_in_the_overview() {
    let demo = demo::start().await.expect("demo");
    let portfolio = demo.portfolio();
    let created =
        portfolio.create_system_user("  CAPI Server  ", NewRole::Regular).await.expect("created");
    assert_eq!(created.name, "CAPI Server", "names are trimmed");
    assert_eq!(created.role, NewRole::Regular);
    assert!(!created.recovered_after_lost_answer);
    let overview = portfolio.overview().await.expect("overview");
    let found = overview.system_users.iter().find(|u| u.id == created.id).expect("listed");
    assert_eq!(found.name, "CAPI Server");
    assert_eq!(found.role, gatehouse_core::Role::Regular);
    assert_eq!(found.role_label, "Regular");
    assert_eq!(overview.quota.expect("quota").regular_used, 2);
}

#[tokio::test]
async fn an_empty_name_is_refused_before_any_request() {
    let demo = demo::start().await.expect("demo");
    let error = demo.portfolio().create_system_user("   ", NewRole::Regular).await.unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert_eq!(error.field(), Some("name"));
    assert_eq!(posts_to_system_users(&demo), 0);
}

#[tokio::test]
async fn the_limit_error_names_the_tier_and_the_numbers() {
    let demo = demo::start().await.expect("demo");
    let portfolio = demo.portfolio();
    // The demo business has 1 regular system user of 10 on the Full tier.
    for n in 2..=10 {
        portfolio.create_system_user(&format!("Integration {n}"), NewRole::Regular).await.unwrap();
    }
    let error = portfolio.create_system_user("One too many", NewRole::Regular).await.unwrap_err();
    assert_eq!(error.code(), "system_user_limit");
    let explanation = error.explanation();
    assert!(explanation.contains("10"), "{explanation}");
    assert!(explanation.contains("Full"), "{explanation}");
    assert!(
        error.detail().unwrap_or_default().contains("3949"),
        "{}",
        error.detail().unwrap_or_default()
    );

    let admin = portfolio.create_system_user("Second admin", NewRole::Admin).await.unwrap_err();
    assert_eq!(admin.code(), "system_user_limit");
    assert!(
        admin.detail().unwrap_or_default().contains("3965"),
        "{}",
        admin.detail().unwrap_or_default()
    );
}

#[tokio::test]
async fn a_lost_answer_is_reconciled_never_duplicated() {
    let demo = demo::start().await.expect("demo");
    demo.emulator().set_faults(FaultConfig {
        commit_then_drop_next: 1,
        path_contains: Some("system_users".into()),
        ..FaultConfig::default()
    });
    let created = demo
        .portfolio()
        .create_system_user("Dropped Answer", NewRole::Regular)
        .await
        .expect("found by listing");
    assert!(created.recovered_after_lost_answer);
    assert_eq!(posts_to_system_users(&demo), 1, "the create was not sent again");
    let overview = demo.portfolio().overview().await.expect("overview");
    let named = overview.system_users.iter().filter(|u| u.name == "Dropped Answer").count();
    assert_eq!(named, 1);
}

#[tokio::test]
async fn an_error_after_the_create_was_made_is_reconciled_never_duplicated() {
    // Meta answered code 2 (HTTP 500, or 2/1504044 with HTTP 400) or code 1 after making it.
    for (i, (code, status)) in [(2, 500), (2, 400), (1, 500)].into_iter().enumerate() {
        let demo = demo::start().await.expect("demo");
        demo.emulator().set_faults(FaultConfig {
            commit_then_error_next: 1,
            commit_then_error_code: Some(code),
            transient_status: Some(status),
            path_contains: Some("system_users".into()),
            ..FaultConfig::default()
        });
        let name = format!("Answered With Error {i}");
        let created = demo
            .portfolio()
            .create_system_user(&name, NewRole::Regular)
            .await
            .expect("found by listing");
        assert!(created.recovered_after_lost_answer, "{code}/{status}");
        assert_eq!(posts_to_system_users(&demo), 1, "the create was not sent again");
        let overview = demo.portfolio().overview().await.expect("overview");
        assert_eq!(overview.system_users.iter().filter(|u| u.name == name).count(), 1);
    }
}

#[tokio::test]
async fn a_create_that_never_arrived_is_sent_once_more() {
    let demo = demo::start().await.expect("demo");
    demo.emulator().set_faults(FaultConfig {
        reset_next: 1,
        path_contains: Some("system_users".into()),
        ..FaultConfig::default()
    });
    // The first POST is reset before it is handled: a reset can mean "lost answer", so the
    // client reports an unknown outcome and the workflow lists before creating again.
    let created = demo
        .portfolio()
        .create_system_user("Reset Once", NewRole::Regular)
        .await
        .expect("created on the second try");
    let overview = demo.portfolio().overview().await.expect("overview");
    assert_eq!(overview.system_users.iter().filter(|u| u.name == "Reset Once").count(), 1);
    assert!(overview.system_users.iter().any(|u| u.id == created.id));
}

/// A loopback proxy in front of the emulator that loses every create of a system user: it reads
/// the request and closes the connection without forwarding it or answering. Everything else
/// is forwarded, one request per connection.
async fn proxy_losing_creates(upstream: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_owned();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match client.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let length = head
                    .lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + length {
                    match client.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let mut words = head.split_whitespace();
                let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
                let path = target.split('?').next().unwrap_or("");
                if method == "POST" && path.ends_with("/system_users") {
                    return; // lost: the connection closes with no answer
                }
                // One request per upstream connection, so the answer ends when it closes.
                let mut lines: Vec<&str> = head
                    .trim_end()
                    .lines()
                    .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                    .collect();
                lines.push("Connection: close");
                let mut request = format!("{}\r\n\r\n", lines.join("\r\n")).into_bytes();
                request.extend_from_slice(&buf[head_end..head_end + length]);
                let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                    return;
                };
                if server.write_all(&request).await.is_ok() {
                    let _ = tokio::io::copy(&mut server, &mut client).await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn create_not_confirmed() {
    let demo = demo::start().await.expect("demo");
    let b = demo.emulator().manifest().businesses[0].clone();
    let proxy = proxy_losing_creates(demo.url()).await;
    let client = GraphClient::new(ClientConfig::with_base_url(proxy)).unwrap();
    let session = client.session(Credentials::with_app_secret(
        Secret::new(b.admin_token.clone().unwrap()),
        Secret::new(b.apps[0].secret.clone()),
    ));
    let portfolio = Portfolio::new(PortfolioKind::Demo, b.id.clone(), session);
    let error =
        portfolio.create_system_user("Never Confirmed", NewRole::Regular).await.unwrap_err();
    assert!(matches!(&error, Error::CreateNotConfirmed { name } if name == "Never Confirmed"));
    assert_eq!(error.code(), "create_not_confirmed");
    assert!(!error.fix(Surface::Desktop).unwrap_or_default().is_empty());
    let overview = demo.portfolio().overview().await.expect("overview");
    let named = overview.system_users.iter().filter(|u| u.name == "Never Confirmed").count();
    assert_eq!(named, 0, "listing shows it was not created, and it was not created twice");
    assert_eq!(posts_to_system_users(&demo), 0, "both creates were lost on the way");
}

/// A connected portfolio is told no allowance: its quota follows the access tier Meta reports in
/// the usage headers (`ads_api_access_tier`; the emulator sends them on every answer, Meta on
/// ads_management calls), and stays unknown until then.
#[tokio::test]
async fn the_quota_follows_the_access_tier_meta_reports() {
    let demo = demo::start().await.expect("demo");
    let b = demo.emulator().manifest().businesses[0].clone();
    let client = GraphClient::new(ClientConfig::with_base_url(demo.url())).unwrap();
    let session = client.session(Credentials::with_app_secret(
        Secret::new(b.admin_token.clone().unwrap()),
        Secret::new(b.apps[0].secret.clone()),
    ));
    let portfolio = Portfolio::new(PortfolioKind::Meta, b.id.clone(), session);
    assert_eq!(portfolio.access_tier(), None, "nothing reported before the first call");
    portfolio.list_assets(gatehouse_graph::AssetKind::AdAccount).await.expect("ad accounts");
    let quota = portfolio.overview().await.expect("overview").quota.expect("known now");
    assert_eq!((quota.tier.as_str(), quota.regular_allowed, quota.admin_allowed), ("Full", 10, 1));
}

/// A system user that is not there (deleted in Business Suite, a wrong ID) is said as such,
/// whatever was asked of it: its access, installing an app, a token.
#[tokio::test]
async fn a_missing_system_user_is_said_as_such() {
    let demo = demo::start().await.expect("demo");
    let portfolio = demo.portfolio();
    let app = demo.emulator().manifest().businesses[0].apps[0].id.clone();
    let missing = "610999999999999";
    let scopes = gatehouse_core::parse_scopes(&["ads_read"]).unwrap();
    let errors = [
        portfolio.system_user_access(missing).await.map(|_| ()).unwrap_err(),
        portfolio.install_app(missing, &app).await.unwrap_err(),
        portfolio
            .generate_token(missing, &app, &scopes, gatehouse_core::TokenExpiry::Never)
            .await
            .map(|_| ())
            .unwrap_err(),
    ];
    for e in errors {
        assert_eq!(e.code(), "system_user_not_found", "{e:?}");
        assert!(e.explanation().contains(missing));
        assert!(e.fix(Surface::Desktop).unwrap().contains("System users"));
    }
}
