//! The access matrix against the emulator's demo agency: every asset (owned and shared) against
//! every system user, cells with the tasks held, admins marked as reaching everything, the
//! assets nobody regular holds counted, progress to the end, and the CSV export.

use std::sync::atomic::{AtomicU32, Ordering};

use gatehouse_core::jobs::{AssetChange, CancellationToken, ChangeAction, JobRequest};
use gatehouse_core::matrix::matrix_csv;
use gatehouse_core::store::Store;
use gatehouse_core::{AccessLevel, NewRole, Portfolio, PortfolioKind};
use gatehouse_emulator::Fixture;
use gatehouse_graph::{AssetKind, ListOptions, Relation};
use gatehouse_testkit::TestEmulator;

#[tokio::test]
async fn every_asset_against_every_system_user_with_the_tasks_held() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency().clone();
    let p = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session());
    let su = p.create_system_user("Matrix Server", NewRole::Regular).await.unwrap().id;
    let (accounts, _) = p
        .session()
        .assets(&agency.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    let store = Store::in_memory().unwrap();
    let change = |id: &str, tasks: &[&str]| AssetChange {
        kind: AssetKind::AdAccount,
        asset_id: id.to_owned(),
        asset_name: id.to_owned(),
        action: ChangeAction::Assign,
        tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
    };
    let job = store
        .create_job(&JobRequest {
            portfolio_id: "demo".into(),
            system_user_id: su.clone(),
            system_user_name: "Matrix Server".into(),
            changes: vec![
                change(&accounts[0].id, &["ANALYZE"]),
                change(&accounts[1].id, &["ADVERTISE", "ANALYZE"]),
            ],
        })
        .unwrap();
    p.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();

    let (seen, last_total) = (AtomicU32::new(0), AtomicU32::new(0));
    let m = p
        .access_matrix(|done, total| {
            seen.fetch_max(done, Ordering::Relaxed);
            last_total.store(total, Ordering::Relaxed);
        })
        .await
        .unwrap();
    assert_eq!(
        seen.load(Ordering::Relaxed),
        last_total.load(Ordering::Relaxed),
        "progress to the end"
    );
    assert!(m.assets.len() > 2000, "owned and shared assets of every kind: {}", m.assets.len());
    assert!(m.assets.iter().any(|a| a.relation == Relation::Client), "shared ones too");
    // Shared assets name the client that shared them (Meta's `owner_business`), for grouping.
    let names: Vec<&str> = m.clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["Harbor & Vine Coffee Roasters", "Lucky Shrub Garden Supply", "Peak Trail Outfitters"]
    );
    for a in &m.assets {
        let client = a.client.map(|c| &m.clients[c as usize]);
        match (a.relation, a.kind) {
            (Relation::Owned, _) => assert!(client.is_none(), "{a:?}"),
            // Meta's InstagramBusinessAsset has no owner_business.
            (Relation::Client, AssetKind::Instagram) => assert!(client.is_none()),
            (Relation::Client, _) => {
                let c = client.unwrap_or_else(|| panic!("{a:?}"));
                assert_eq!(a.relation_label, format!("Shared by {}", c.name), "after the sort");
            }
        }
    }
    let shared_ad_accounts = m
        .assets
        .iter()
        .filter(|a| a.kind == AssetKind::AdAccount && a.relation == Relation::Client)
        .count() as u32;
    let by_client: u32 = m.clients.iter().map(|c| c.assets).sum();
    assert!(by_client >= shared_ad_accounts, "{by_client} {shared_ad_accounts}");
    let user = m.users.iter().position(|u| u.id == su).unwrap();
    assert!(!m.users[user].reaches_everything);
    assert!(m.users.iter().any(|u| u.reaches_everything), "the agency's admin system user");
    let mine: Vec<_> = m.cells.iter().filter(|c| c.user as usize == user).collect();
    assert_eq!(mine.len(), 2);
    let advertise = mine.iter().find(|c| c.tasks.contains(&"ADVERTISE".to_owned())).unwrap();
    assert_eq!(advertise.access, AccessLevel::Write);
    let asset = &m.assets[advertise.asset as usize];
    assert_eq!(asset.id, accounts[1].id);
    assert!(asset.holders >= 1 && asset.widest == Some(AccessLevel::Write));
    assert_eq!(m.unassigned as usize, m.assets.iter().filter(|a| a.holders == 0).count());
    assert!(m.summary.contains("held by no regular system user"), "{}", m.summary);
    assert!(
        m.admin_notes.iter().any(|n| n.contains("is an admin: it reaches all")),
        "{:?}",
        m.admin_notes
    );

    let csv = matrix_csv(&m);
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("kind,asset id,asset name,relation,client,")
            && header.contains("Matrix Server")
    );
    assert_eq!(csv.lines().count(), m.assets.len() + 1);
    let row = csv.lines().find(|l| l.contains(&accounts[1].id)).unwrap();
    assert!(row.contains("ADVERTISE+ANALYZE") && row.contains("admin"), "{row}");
    let shared = m.assets.iter().find(|a| a.client.is_some()).unwrap();
    let row = csv.lines().find(|l| l.contains(&shared.id)).unwrap();
    assert!(
        row.contains(",shared,") && row.contains(" Coffee Roasters (")
            || row.contains("Garden Supply (")
            || row.contains("Outfitters ("),
        "{row}"
    );
}
