//! The token inventory against the emulator: tokens generated, refreshed and inspected are
//! listed by fingerprint with their system user, app, permissions and expiry, sorted by expiry;
//! revoked and invalidated ones say so; "expires soon" follows the clock; the calendar export
//! has one event per token that still works and expires; no token is ever stored.

use std::sync::Arc;

use gatehouse_core::audit::{Actor, AuditTrail, Fingerprint};
use gatehouse_core::inventory::{
    calendar, expiry_notice, TokenSource, TokenState, DEFAULT_WARN_DAYS,
};
use gatehouse_core::store::Store;
use gatehouse_core::{NewRole, Portfolio, PortfolioKind, TokenExpiry, TokenKind};
use gatehouse_emulator::Fixture;
use gatehouse_graph::{Scope, Secret};
use gatehouse_testkit::TestEmulator;

#[tokio::test]
async fn tokens_are_listed_by_fingerprint_sorted_by_expiry_and_followed_to_their_end() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency().clone();
    let app = agency.apps[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.sqlite3");
    let store = Arc::new(Store::open(&path).unwrap());
    let p = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session())
        .with_app(app.id.clone());
    p.record_changes_to(AuditTrail::new(store.clone(), Actor::App, "demo-agency"));
    let su = p.create_system_user("Inventory Server", NewRole::Regular).await.unwrap().id;
    let secret = Secret::new(app.secret.clone());

    let sixty =
        p.generate_token(&su, &app.id, &[Scope::AdsRead], TokenExpiry::SixtyDays).await.unwrap();
    let never =
        p.generate_token(&su, &app.id, &[Scope::AdsRead], TokenExpiry::Never).await.unwrap();
    let refreshed = p.refresh_token(&sixty.token, &secret).await.unwrap();
    // A token pasted into Inspect: the portfolio's own admin token.
    let admin = Secret::new(agency.admin_token.clone().unwrap());
    p.inspect_token(&admin).await.unwrap();

    let now = kit.admin_session().clock().unix_now();
    let list = store.token_inventory(Some("demo-agency"), now, DEFAULT_WARN_DAYS).unwrap();
    assert_eq!(list.len(), 4, "{list:#?}");
    let find = |t: &Secret| list.iter().find(|i| i.fingerprint == Fingerprint::of(t)).unwrap();
    let first = find(&sixty.token);
    assert_eq!((first.source, first.state), (TokenSource::Generated, TokenState::Active));
    assert_eq!(first.kind, TokenKind::SystemUser);
    assert_eq!(first.user_id.as_deref(), Some(su.as_str()));
    assert_eq!(first.app_id.as_deref(), Some(app.id.as_str()));
    assert_eq!(first.scopes, vec!["ads_read".to_owned()]);
    assert!(first.state_label.starts_with("Expires in 6"), "{}", first.state_label);
    let renewed = find(&refreshed.token);
    assert_eq!(renewed.source, TokenSource::Refreshed);
    assert_eq!(renewed.replaces.as_deref(), Some(first.fingerprint.hash.as_str()));
    let forever = find(&never.token);
    assert!(forever.never_expires && forever.state_label == "Never expires");
    assert_eq!(find(&admin).source, TokenSource::Inspected);
    // The soonest expiry first, those that never expire after.
    assert!(list[0].expires_at_unix.is_some() && !list[0].never_expires);
    assert!(list[3].never_expires, "{:?}", list.iter().map(|t| &t.state_label).collect::<Vec<_>>());

    // The clock moves on: within the warning period, then past expiry.
    let later = store.token_inventory(None, now + 55.0 * 86_400.0, DEFAULT_WARN_DAYS).unwrap();
    let soon = later.iter().find(|t| t.fingerprint == first.fingerprint).unwrap();
    assert_eq!(soon.state, TokenState::ExpiresSoon);
    assert!(soon.state_label.starts_with("Expires in 5 days"), "{}", soon.state_label);
    let past = store.token_inventory(None, now + 61.0 * 86_400.0, DEFAULT_WARN_DAYS).unwrap();
    let gone = past.iter().find(|t| t.fingerprint == first.fingerprint).unwrap();
    assert_eq!(gone.state, TokenState::Expired);
    assert!(
        gone.state_label.starts_with("Expired ") && gone.state_label.ends_with(" ago"),
        "{}",
        gone.state_label
    );

    // A desktop reminder: nothing within a week now; both 60-day tokens 55 days on.
    assert_eq!(expiry_notice(&list, now, 7), None);
    let notice = expiry_notice(&list, now + 55.0 * 86_400.0, 7).expect("a notice");
    assert_eq!(notice.count, 2);
    assert_eq!(notice.title, "2 tokens expire within 7 days");
    assert!(notice.body.contains(&format!("…{}", first.fingerprint.last)), "{}", notice.body);
    assert!(!notice.body.contains(sixty.token.expose()));

    // The calendar: the two 60-day tokens that still work, a reminder a week before.
    let ics = calendar(&list, now);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "{ics}");
    assert!(
        ics.contains("TRIGGER:-P7D") && ics.contains(&format!("Token …{}", first.fingerprint.last))
    );
    assert!(ics.lines().all(|l| l.len() <= 75), "folded lines");

    // Revoked, then every token of the system user invalidated.
    p.revoke_token(&sixty.token, &secret).await.unwrap();
    let list = store.token_inventory(None, now, DEFAULT_WARN_DAYS).unwrap();
    let revoked = list.iter().find(|t| t.fingerprint == Fingerprint::of(&sixty.token)).unwrap();
    assert_eq!((revoked.state, revoked.state_label.as_str()), (TokenState::Revoked, "Revoked"));
    assert_eq!(list.last().unwrap().fingerprint, revoked.fingerprint, "the dead sort last");
    p.invalidate_all_tokens(&su).await.unwrap();
    let list = store.token_inventory(None, now, DEFAULT_WARN_DAYS).unwrap();
    for t in [&refreshed.token, &never.token] {
        let entry = list.iter().find(|i| i.fingerprint == Fingerprint::of(t)).unwrap();
        assert_eq!(entry.state, TokenState::Invalidated);
    }
    assert_eq!(find(&admin).state, TokenState::Active, "another system user's token is untouched");
    assert!(calendar(&list, now).matches("BEGIN:VEVENT").count() == 0);

    // Inspecting a dead token says so in the inventory too.
    assert!(p.inspect_token(&never.token).await.is_err());
    let list = store.token_inventory(None, now, DEFAULT_WARN_DAYS).unwrap();
    let dead = list.iter().find(|i| i.fingerprint == Fingerprint::of(&never.token)).unwrap();
    assert_eq!(dead.state, TokenState::Invalid);

    drop(store);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("sqlite3-wal")).unwrap_or_default());
    for t in [&sixty.token, &never.token, &refreshed.token, &admin] {
        let needle = t.expose().as_bytes();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "a token in the database");
    }
}
