//! Adding system users against the demo portfolio: success, input errors, limits, lost answers.

use gatehouse_core::{demo, NewRole};
use gatehouse_emulator::FaultConfig;

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
    assert_eq!(created.role, "regular");
    assert!(!created.recovered_after_lost_answer);
    let overview = portfolio.overview().await.expect("overview");
    let found = overview.system_users.iter().find(|u| u.id == created.id).expect("listed");
    assert_eq!(found.name, "CAPI Server");
    assert_eq!(found.role, "regular");
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
    assert!(error.detail().contains("3949"), "{}", error.detail());

    let admin = portfolio.create_system_user("Second admin", NewRole::Admin).await.unwrap_err();
    assert_eq!(admin.code(), "system_user_limit");
    assert!(admin.detail().contains("3965"), "{}", admin.detail());
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
