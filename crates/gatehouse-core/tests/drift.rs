//! Drift in the demo agency: a regular system user with no asset, an admin with a working token
//! Gatehouse generated, the assets only admins reach, and tokens close to their end, each found
//! and worded with its fix.

use std::sync::Arc;

use gatehouse_core::audit::{Actor, AuditTrail};
use gatehouse_core::drift::{drift, DriftCode};
use gatehouse_core::inventory::DEFAULT_WARN_DAYS;
use gatehouse_core::store::Store;
use gatehouse_core::{NewRole, Portfolio, PortfolioKind, TokenExpiry};
use gatehouse_emulator::Fixture;
use gatehouse_graph::Scope;
use gatehouse_testkit::TestEmulator;

#[tokio::test]
async fn what_drifted_is_found_and_worded() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency().clone();
    let store = Arc::new(Store::in_memory().unwrap());
    let p = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session())
        .with_app(agency.apps[0].id.clone());
    p.record_changes_to(AuditTrail::new(store.clone(), Actor::App, "demo:agency"));
    p.create_system_user("Idle Server", NewRole::Regular).await.unwrap();
    let admin = agency.admin_system_user_id.clone().unwrap();
    p.generate_token(&admin, &agency.apps[0].id, &[Scope::AdsRead], TokenExpiry::SixtyDays)
        .await
        .unwrap();

    let matrix = p.access_matrix(|_, _| {}).await.unwrap();
    let now = kit.admin_session().clock().unix_now();
    let tokens = store.token_inventory(Some("demo:agency"), now, DEFAULT_WARN_DAYS).unwrap();
    let findings = drift(&matrix, &tokens);
    let codes: Vec<DriftCode> = findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&DriftCode::AssetsHeldByNoOne), "{findings:#?}");
    // Shared assets nobody holds, by client (most first), so an agency knows whose to sort out.
    let shared =
        findings.iter().find(|f| f.code == DriftCode::SharedAssetsGrantedToNobody).unwrap();
    for client in
        ["Lucky Shrub Garden Supply ", "Harbor & Vine Coffee Roasters ", "Peak Trail Outfitters "]
    {
        assert!(shared.message.contains(client), "{}", shared.message);
    }
    let idle = findings.iter().find(|f| f.code == DriftCode::SystemUserWithoutAssets).unwrap();
    assert!(idle.message.contains("“Idle Server”"), "{}", idle.message);
    let admin_use = findings.iter().find(|f| f.code == DriftCode::AdminForDailyWork).unwrap();
    assert!(
        admin_use.urgent && admin_use.message.contains("1 working token"),
        "{}",
        admin_use.message
    );
    assert!(!codes.contains(&DriftCode::TokensExpiringSoon));

    // Later: the 60-day token is about to end, then past it.
    let later = store
        .token_inventory(Some("demo:agency"), now + 56.0 * 86_400.0, DEFAULT_WARN_DAYS)
        .unwrap();
    assert!(drift(&matrix, &later).iter().any(|f| f.code == DriftCode::TokensExpiringSoon));
    let past = store
        .token_inventory(Some("demo:agency"), now + 62.0 * 86_400.0, DEFAULT_WARN_DAYS)
        .unwrap();
    let expired = drift(&matrix, &past);
    assert!(expired.iter().any(|f| f.code == DriftCode::TokensExpired));
    assert!(
        expired.iter().all(|f| f.code != DriftCode::AdminForDailyWork),
        "an expired token is not working"
    );
    for f in &findings {
        assert!(!f.message.is_empty() && !f.fix.is_empty());
    }
}
