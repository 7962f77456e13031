//! Business On Behalf Of against the emulator's demo: the agency links a client with the client
//! admin's token, gets a system user and token inside the client business, the client's assets
//! are given to it, the token reaches them; the link is listed from the agency's own record and
//! removed (its system user's token stops working). Each step is in the audit log.

use std::sync::Arc;

use gatehouse_core::audit::{Actor, AuditAction, AuditFilter, AuditOutcome, AuditTrail};
use gatehouse_core::obo::ClientAssignment;
use gatehouse_core::store::Store;
use gatehouse_core::{Portfolio, PortfolioKind};
use gatehouse_emulator::Fixture;
use gatehouse_graph::{AssetKind, Credentials, Scope, Secret};
use gatehouse_testkit::TestEmulator;

#[tokio::test]
async fn link_a_client_get_its_system_user_token_give_it_assets_then_remove_the_link() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let manifest = kit.emulator().manifest().clone();
    let agency = manifest.businesses[0].clone();
    // A client with no app of its own: its admin's token is for the agency's app.
    let client = manifest
        .businesses
        .iter()
        .find(|b| b.apps.is_empty() && b.developer_apps.is_empty())
        .unwrap()
        .clone();
    let client_admin = Secret::new(client.user_token.clone().unwrap());
    let store = Arc::new(Store::in_memory().unwrap());
    let p = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session())
        .with_app(agency.apps[0].id.clone());
    p.record_changes_to(AuditTrail::new(store.clone(), Actor::App, "demo-agency"));

    // The demo starts with the link in place: end it, then make it again as a client would.
    p.unlink_client(&client.id).await.unwrap();
    assert!(p.linked_clients().unwrap().is_empty());
    // Without a link, no token inside the client.
    assert!(p.client_token(&client.id, &[Scope::AdsRead], None).await.is_err());
    p.link_client(&client.id, &client_admin).await.unwrap();
    assert_eq!(p.linked_clients().unwrap(), vec![client.id.clone()]);
    // The partner's own admin cannot make the link (only the client's admin may).
    let refused =
        p.link_client(&client.id, &Secret::new(agency.admin_token.clone().unwrap())).await;
    assert!(refused.is_err());
    assert!(p.link_client("12x", &client_admin).await.is_err(), "a bad ID is refused here");
    assert!(p.link_client(&client.id, &Secret::new(" ".into())).await.is_err());

    let su = p.client_token(&client.id, &[Scope::AdsRead], Some("Agency Reporting")).await.unwrap();
    assert_eq!(su.name, "Agency Reporting");
    assert!(!format!("{su:?}").contains(su.token.expose()), "no token in Debug");

    let accounts = p.client_assets(&client.id, &client_admin, AssetKind::AdAccount).await.unwrap();
    assert!(!accounts.is_empty());
    let give = vec![
        ClientAssignment {
            kind: AssetKind::AdAccount,
            asset_id: accounts[0].id.clone(),
            asset_name: accounts[0].name.clone(),
            tasks: vec!["ANALYZE".into()],
        },
        ClientAssignment {
            kind: AssetKind::AdAccount,
            asset_id: "act_999999999".into(),
            asset_name: "Not the client's".into(),
            tasks: vec!["ANALYZE".into()],
        },
    ];
    let outcomes =
        p.assign_client_assets(&client.id, &client_admin, &su.system_user_id, &give).await.unwrap();
    assert!(outcomes[0].error.is_none(), "{outcomes:?}");
    assert!(outcomes[1].error.is_some(), "a refused asset is reported, not fatal");
    // The client system user's token reaches the account it was given.
    let own = kit.admin_session().client().session(Credentials::token(su.token.clone()));
    assert!(own.me().await.is_ok());

    p.unlink_client(&client.id).await.unwrap();
    assert!(p.linked_clients().unwrap().is_empty());
    assert!(own.me().await.is_err(), "removing the link stops the client system user's token");

    let log = store.audit_entries(&AuditFilter::default()).unwrap();
    let steps: Vec<(AuditAction, AuditOutcome)> =
        log.iter().rev().map(|e| (e.action, e.outcome)).collect();
    assert!(
        steps.starts_with(&[
            (AuditAction::ClientRemoved, AuditOutcome::Succeeded),
            (AuditAction::TokenGenerated, AuditOutcome::Failed),
            (AuditAction::ClientLinked, AuditOutcome::Succeeded),
            (AuditAction::ClientLinked, AuditOutcome::Failed),
        ]),
        "{steps:?}"
    );
    assert!(
        steps.ends_with(&[
            (AuditAction::TokenGenerated, AuditOutcome::Succeeded),
            (AuditAction::AssetAssigned, AuditOutcome::Succeeded),
            (AuditAction::AssetAssigned, AuditOutcome::Failed),
            (AuditAction::ClientRemoved, AuditOutcome::Succeeded),
        ]),
        "{steps:?}"
    );
    let inventory = store.token_inventory(None, 0.0, 7).unwrap();
    assert_eq!(inventory.len(), 1);
    assert_eq!(inventory[0].business_id, client.id, "filed under the client business");
}

#[tokio::test]
async fn the_client_relationships_meta_lists_are_named() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency().clone();
    let p = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session());
    let clients = p.business_clients().await.unwrap();
    let names: Vec<&str> = clients.iter().filter_map(|c| c.name.as_deref()).collect();
    // The three demo clients share assets with the agency: its clients, by Meta's name.
    assert_eq!(
        names,
        ["Lucky Shrub Garden Supply", "Harbor & Vine Coffee Roasters", "Peak Trail Outfitters"]
    );
    assert!(clients.iter().all(|c| c.id != agency.id));
    // A client lists no clients of its own.
    let lucky = kit.emulator().manifest().businesses[1].clone();
    let session = kit.client().session(Credentials::token(Secret::new(
        lucky.admin_token.clone().unwrap_or_else(|| lucky.user_token.clone().unwrap()),
    )));
    let own = Portfolio::new(PortfolioKind::Demo, lucky.id, session);
    assert!(own.business_clients().await.unwrap().is_empty());
}
