//! The demo portfolio end to end: the in-process emulator and the overview the app opens on.

use gatehouse_core::PortfolioKind;
use gatehouse_demo as demo;

#[tokio::test]
async fn demo_portfolio_overview_lists_its_system_users_and_quota() {
    let demo = demo::start().await.expect("demo starts");
    assert!(demo.url().starts_with("http://127.0.0.1:"), "loopback only: {}", demo.url());

    let overview = demo.portfolio().overview().await.expect("overview");
    assert_eq!(overview.kind, PortfolioKind::Demo);
    assert!(!overview.business_name.is_empty());
    assert!(!overview.business_name.starts_with("Business "), "a real-looking name");
    let admins =
        overview.system_users.iter().filter(|u| u.role == gatehouse_core::Role::Admin).count();
    assert!(admins >= 1, "the demo business has an admin system user: {overview:?}");
    let quota = overview.quota.expect("the demo knows its allowance");
    assert_eq!(quota.regular_allowed, 10, "the demo business owns a Full-tier app");
    assert_eq!(quota.admin_allowed, 1);
    assert_eq!(quota.admin_used as usize, admins);
    assert_eq!(
        quota.regular_used as usize,
        overview.system_users.iter().filter(|u| u.role == gatehouse_core::Role::Regular).count()
    );
}

#[tokio::test]
async fn every_demo_business_with_an_admin_opens_under_an_id_no_profile_can_take() {
    let demo = demo::start().await.expect("demo starts");
    let entries = demo.portfolios();
    assert_eq!(entries[0].id, "demo:agency");
    assert_eq!(entries[0].portfolio.business_id(), demo.portfolio().business_id());
    assert!(entries.len() >= 2, "the agency and at least one client");
    let client = entries[1].portfolio.overview().await.expect("client overview");
    assert_eq!(client.quota.map(|q| q.tier), Some(gatehouse_core::AccessTier::Limited));
    for e in entries {
        assert!(gatehouse_core::profiles::validate_id(&e.id).is_err(), "{}", e.id);
    }
}

#[tokio::test]
async fn access_counts_agree_with_each_system_users_access() {
    let demo = demo::start().await.expect("demo starts");
    let portfolio = demo.portfolio();
    let counts = portfolio.access_counts().await.expect("counts");
    let overview = portfolio.overview().await.expect("overview");
    assert_eq!(counts.len(), overview.system_users.len());
    let mut someone_holds_assets = false;
    for count in &counts {
        let access = portfolio.system_user_access(&count.system_user_id).await.expect("access");
        assert_eq!(access.system_user.id, count.system_user_id);
        assert_eq!(count.assets as usize, access.assets.len());
        assert_eq!(count.apps as usize, access.apps.len());
        someone_holds_assets |= count.assets > 0;
    }
    assert!(someone_holds_assets, "the demo's reporting system user holds assets");
}
