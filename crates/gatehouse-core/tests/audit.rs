//! The audit log against the emulator: every kind of change a portfolio makes is recorded with
//! its outcome (done, refused with Meta's code), a token only by its fingerprint; the log is
//! append-only, its hash chain finds an edited or a removed entry, filters and exports work,
//! and two writers at once (the app and the CLI) still make one chain.

use std::sync::Arc;

use gatehouse_core::audit::{
    export, Actor, AuditAction, AuditEvent, AuditFilter, AuditOutcome, AuditTrail, ExportFormat,
    Fingerprint,
};
use gatehouse_core::jobs::{AssetChange, CancellationToken, ChangeAction, JobRequest};
use gatehouse_core::store::Store;
use gatehouse_core::{NewRole, Portfolio, PortfolioKind, TokenExpiry};
use gatehouse_emulator::Fixture;
use gatehouse_graph::{AssetKind, ListOptions, Relation, Scope, Secret};
use gatehouse_testkit::TestEmulator;

struct Env {
    kit: TestEmulator,
    portfolio: Portfolio,
    store: Arc<Store>,
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

async fn env() -> Env {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency().clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.sqlite3");
    let store = Arc::new(Store::open(&path).unwrap());
    let portfolio = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session())
        .with_app(agency.apps[0].id.clone());
    portfolio.record_changes_to(AuditTrail::new(store.clone(), Actor::App, "demo-agency"));
    Env { kit, portfolio, store, _dir: dir, path }
}

fn all(store: &Store) -> Vec<gatehouse_core::audit::AuditEntry> {
    store.audit_entries(&AuditFilter::default()).unwrap()
}

#[tokio::test]
async fn every_change_is_recorded_with_its_outcome_and_a_token_only_by_fingerprint() {
    let env = env().await;
    let agency = env.kit.agency().clone();
    let app = agency.apps[0].clone();
    let p = &env.portfolio;

    let su = p.create_system_user("Audit Server", NewRole::Regular).await.unwrap();
    p.rename_system_user(&su.id, "Audit Server 2").await.unwrap();
    // An empty name never reaches Meta: no change, no entry.
    assert!(p.create_system_user("  ", NewRole::Regular).await.is_err());

    let (accounts, _) = p
        .session()
        .assets(p.business_id(), AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    let change = |id: &str, action, tasks: &[&str]| AssetChange {
        kind: AssetKind::AdAccount,
        asset_id: id.to_owned(),
        asset_name: format!("Account {id}"),
        action,
        tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
    };
    let job = env
        .store
        .create_job(&JobRequest {
            portfolio_id: "demo-agency".into(),
            system_user_id: su.id.clone(),
            system_user_name: "Audit Server 2".into(),
            changes: vec![
                change(&accounts[0].id, ChangeAction::Assign, &["ADVERTISE", "ANALYZE"]),
                change(&accounts[1].id, ChangeAction::Assign, &["ANALYZE"]),
                // Meta refuses an ad account that does not exist: a failed item.
                change("act_999999999", ChangeAction::Assign, &["ANALYZE"]),
            ],
        })
        .unwrap();
    p.run_job(&env.store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();

    let generated =
        p.generate_token(&su.id, &app.id, &[Scope::AdsRead], TokenExpiry::SixtyDays).await.unwrap();
    let app_secret = Secret::new(app.secret.clone());
    let refreshed = p.refresh_token(&generated.token, &app_secret).await.unwrap();
    p.revoke_token(&generated.token, &app_secret).await.unwrap();
    p.invalidate_all_tokens(&su.id).await.unwrap();

    let entries = all(&env.store);
    let actions: Vec<AuditAction> = entries.iter().rev().map(|e| e.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::SystemUserCreated,
            AuditAction::SystemUserRenamed,
            AuditAction::AssetAssigned,
            AuditAction::AssetAssigned,
            AuditAction::AssetAssigned,
            AuditAction::TokenGenerated,
            AuditAction::TokenRefreshed,
            AuditAction::TokenRevoked,
            AuditAction::TokensInvalidated,
        ],
        "{entries:#?}"
    );
    for e in &entries {
        assert_eq!((e.actor, e.portfolio_id.as_str()), (Actor::App, "demo-agency"));
        assert_eq!(e.business_id, agency.id);
        assert!(!e.summary.is_empty() && !e.action_label.is_empty());
    }
    // System users are named in the sentences (as created and renamed here), with their ID.
    let named = format!("“Audit Server 2” ({})", su.id);
    for action in [AuditAction::TokenGenerated, AuditAction::TokensInvalidated] {
        let e = entries.iter().find(|e| e.action == action).unwrap();
        assert!(e.summary.contains(&named), "{}", e.summary);
        assert_eq!(e.target_name.as_deref(), Some("Audit Server 2"));
    }
    let renamed = entries.iter().find(|e| e.action == AuditAction::SystemUserRenamed).unwrap();
    assert_eq!(renamed.summary, format!("Renamed “Audit Server” ({}) to “Audit Server 2”", su.id));
    let created = entries.iter().find(|e| e.action == AuditAction::SystemUserCreated).unwrap();
    assert_eq!(created.target_id.as_deref(), Some(su.id.as_str()));
    assert_eq!(created.details["role"], "regular");
    let assigned: Vec<_> =
        entries.iter().filter(|e| e.action == AuditAction::AssetAssigned).collect();
    let failed: Vec<_> = assigned.iter().filter(|e| e.outcome == AuditOutcome::Failed).collect();
    assert_eq!(failed.len(), 1, "{assigned:#?}");
    assert!(failed[0].error_code.is_some());
    assert!(assigned
        .iter()
        .any(|e| e.details.get("tasks").map(String::as_str) == Some("ADVERTISE,ANALYZE")
            && e.summary.contains("Audit Server 2")));

    // Tokens appear only as fingerprints, and the refresh links the old one to the new one.
    let old = Fingerprint::of(&generated.token);
    let new = Fingerprint::of(&refreshed.token);
    let gen = entries.iter().find(|e| e.action == AuditAction::TokenGenerated).unwrap();
    assert_eq!(gen.details["token_last"], old.last);
    assert_eq!(gen.details["token_hash"], old.hash);
    assert_eq!(gen.details["scopes"], "ads_read");
    let refresh = entries.iter().find(|e| e.action == AuditAction::TokenRefreshed).unwrap();
    assert_eq!(refresh.details["new_token_hash"], new.hash);
    drop(entries);
    let file = std::fs::read(&env.path).unwrap();
    let wal = std::fs::read(env.path.with_extension("sqlite3-wal")).unwrap_or_default();
    for secret in [generated.token.expose(), refreshed.token.expose(), app.secret.as_str()] {
        let needle = secret.as_bytes();
        for bytes in [&file, &wal] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "a secret in the database");
        }
    }
    assert!(env.store.verify_audit_log().unwrap().intact);
}

#[tokio::test]
async fn a_refusal_is_recorded_with_metas_code() {
    let env = env().await;
    // The agency has its one admin system user already: Meta refuses a second.
    let refused = env.portfolio.create_system_user("Second Admin", NewRole::Admin).await;
    assert!(refused.is_err());
    let entries = all(&env.store);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome, AuditOutcome::Failed);
    assert_eq!(entries[0].error_code.as_deref(), Some("system_user_limit"));
    assert!(entries[0].summary.contains("Second Admin"));
}

fn event(n: usize) -> AuditEvent {
    AuditEvent::new(AuditAction::SystemUserRenamed, format!("Renamed system user {n}"))
        .target(n.to_string(), Some(format!("User {n}")))
        .detail("n", n.to_string())
}

#[test]
fn the_log_is_append_only_and_the_chain_finds_an_edit_or_a_removal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.sqlite3");
    let store = Arc::new(Store::open(&path).unwrap());
    let trail = AuditTrail::new(store.clone(), Actor::Cli, "acme");
    for n in 1..=5 {
        trail.record("100", &[event(n)]).unwrap();
    }
    let check = store.verify_audit_log().unwrap();
    assert!(check.intact && check.entries == 5, "{check:?}");
    drop(store);

    // Gatehouse itself cannot change or remove an entry.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let update = conn.execute("UPDATE audit_log SET summary = 'x' WHERE seq = 2", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(conn.execute("DELETE FROM audit_log WHERE seq = 2", []).is_err());

    // Someone editing the file (triggers dropped first) is found.
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn.execute("UPDATE audit_log SET summary = 'Renamed nobody' WHERE seq = 3", []).unwrap();
    let store = Store::open(&path).unwrap();
    let check = store.verify_audit_log().unwrap();
    assert!(!check.intact);
    assert_eq!(check.broken_at, Some(3));
    assert!(check.message.contains("edited"), "{}", check.message);
    drop(store);

    conn.execute("UPDATE audit_log SET summary = 'Renamed system user 3' WHERE seq = 3", [])
        .unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq = 4", []).unwrap();
    let store = Store::open(&path).unwrap();
    let check = store.verify_audit_log().unwrap();
    assert_eq!((check.intact, check.broken_at), (false, Some(4)), "{check:?}");
    assert!(check.message.contains("missing"), "{}", check.message);
}

#[test]
fn two_writers_at_once_make_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.sqlite3");
    Store::open(&path).unwrap();
    let writers: Vec<_> = [Actor::App, Actor::Cli]
        .into_iter()
        .map(|actor| {
            let path = path.clone();
            std::thread::spawn(move || {
                // Each its own connection, as two processes have.
                let trail = AuditTrail::new(Arc::new(Store::open(&path).unwrap()), actor, "acme");
                for n in 0..100 {
                    trail.record("100", &[event(n), event(n + 1000)]).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let check = store.verify_audit_log().unwrap();
    assert!(check.intact && check.entries == 400, "{check:?}");
}

#[test]
fn filters_pages_and_exports() {
    let store = Arc::new(Store::in_memory().unwrap());
    let app = AuditTrail::new(store.clone(), Actor::App, "acme");
    let cli = AuditTrail::new(store.clone(), Actor::Cli, "globex");
    app.record("100", &[event(1), event(2)]).unwrap();
    let mut refused = AuditEvent::new(AuditAction::TokenRevoked, "Revoking token …abc123 (00)");
    refused.outcome = AuditOutcome::Failed;
    refused.error_code = Some("token_invalid".into());
    cli.record("200", &[refused, event(3)]).unwrap();

    let by = |f: AuditFilter| store.audit_entries(&f).unwrap();
    assert_eq!(by(AuditFilter::default()).len(), 4);
    assert_eq!(
        by(AuditFilter { portfolio_id: Some("globex".into()), ..Default::default() }).len(),
        2
    );
    assert_eq!(by(AuditFilter { actor: Some(Actor::App), ..Default::default() }).len(), 2);
    let failed = by(AuditFilter { outcome: Some(AuditOutcome::Failed), ..Default::default() });
    assert_eq!(failed[0].action, AuditAction::TokenRevoked);
    assert_eq!(
        by(AuditFilter { action: Some(AuditAction::TokenRevoked), ..Default::default() }).len(),
        1
    );
    // Words in the summary, the target or the details; `%` and `_` are plain characters.
    assert_eq!(by(AuditFilter { text: Some("user 2".into()), ..Default::default() }).len(), 1);
    assert_eq!(by(AuditFilter { text: Some("ABC123".into()), ..Default::default() }).len(), 1);
    assert_eq!(by(AuditFilter { text: Some("%".into()), ..Default::default() }).len(), 0);
    // Newest first, a page at a time.
    let first = by(AuditFilter { limit: Some(3), ..Default::default() });
    assert_eq!(first.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![4, 3, 2]);
    let next = by(AuditFilter { limit: Some(3), before_seq: Some(2), ..Default::default() });
    assert_eq!(next.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1]);

    let entries = by(AuditFilter::default());
    let csv = export(&entries, ExportFormat::Csv);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("seq,time (UTC),portfolio,business,surface,action"));
    assert_eq!(csv.lines().count(), 5);
    assert!(csv.contains("token_revoked") && csv.contains(",failed,token_invalid,"));
    assert!(csv.contains("n=1"));
    let json: serde_json::Value =
        serde_json::from_str(&export(&entries, ExportFormat::Json)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert_eq!(json[0]["actor"], "cli");

    // A name a spreadsheet would run as a formula stays text in the CSV.
    let hostile = AuditEvent::new(AuditAction::SystemUserRenamed, "Renamed a system user")
        .target("61", Some("=HYPERLINK(\"http://evil.example\")".to_owned()));
    cli.record("200", &[hostile]).unwrap();
    let csv = export(&by(AuditFilter::default()), ExportFormat::Csv);
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
}
