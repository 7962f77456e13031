//! Chained paging (`PagingMode::Chained`) against the emulator: the same items as plain paging
//! at every size around page and batch boundaries and at 10,000; the fallback to plain paging
//! when the emulator breaks the chained cursor (refused, or ignored so a page repeats), when a
//! batch fails as a whole (first or later), and the compatibility probe.

use std::collections::HashSet;

use futures_util::StreamExt;
use gatehouse_emulator::{ChainedCursors, FaultConfig, Fixture, LogEntry};
use gatehouse_graph::*;
use gatehouse_testkit::TestEmulator;

/// `scale` with the agency owning exactly `n` ad accounts (0 included).
fn agency_with(n: usize) -> Fixture {
    let mut f = Fixture::scale(100).unwrap();
    let agency = &mut f.businesses[0];
    agency.ad_accounts.truncate(n);
    let kept: HashSet<String> = agency.ad_accounts.iter().filter_map(|a| a.id.clone()).collect();
    let dropped = |asset: &str| asset.starts_with("act_") && !kept.contains(asset);
    agency.assignments.retain(|a| !dropped(&a.asset));
    agency.shares.retain(|s| !dropped(&s.asset));
    f
}

fn session(kit: &TestEmulator, paging: PagingMode) -> Session {
    let mut config = kit.client_config();
    config.paging = paging;
    let b = kit.agency();
    GraphClient::new(config).unwrap().session(Credentials::with_app_secret(
        Secret::new(b.admin_token.clone().unwrap()),
        Secret::new(b.apps[0].secret.clone()),
    ))
}

/// Every page of the agency's owned ad accounts: the IDs in order and the last progress.
async fn list(s: &Session, business: &str, page_size: Option<u32>) -> (Vec<String>, Progress) {
    let options = ListOptions { page_size, ..ListOptions::default() };
    let mut pages = s.assets(business, AssetKind::AdAccount, Relation::Owned, &options);
    let (mut ids, mut progress) = (Vec::new(), Progress::default());
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.progress.fetched as usize, ids.len() + page.items.len());
        ids.extend(page.items.into_iter().map(|a| a.id));
        progress = page.progress;
    }
    (ids, progress)
}

fn batches(log: &[LogEntry]) -> usize {
    log.iter()
        .filter(|l| l.method == "POST" && l.path.trim_end_matches('/').ends_with("v26.0"))
        .count()
}

fn plain_gets(log: &[LogEntry]) -> usize {
    log.iter().filter(|l| l.method == "GET" && l.path.ends_with("/owned_ad_accounts")).count()
}

const THREE: PagingMode = PagingMode::Chained { pages_per_batch: 3 };

#[tokio::test]
async fn chained_lists_exactly_what_plain_lists_at_every_boundary() {
    // Pages of 10, batches of 3 pages: empty, one item, exactly one page, a page boundary ±1
    // and a batch boundary ±1.
    for n in [0, 1, 10, 19, 20, 21, 29, 30, 31] {
        let kit = TestEmulator::start(agency_with(n)).await;
        let business = kit.agency().id;
        let (plain, plain_progress) =
            list(&session(&kit, PagingMode::Plain), &business, Some(10)).await;
        assert_eq!(plain.len(), n);
        assert_eq!(batches(&kit.emulator().request_log()), 0, "plain is plain");
        kit.emulator().control("DELETE", "/requests", "", b"");
        let (chained, progress) = list(&session(&kit, THREE), &business, Some(10)).await;
        assert_eq!(chained, plain, "{n} items");
        assert_eq!(progress, plain_progress, "{n} items");
        let log = kit.emulator().request_log();
        assert_eq!(plain_gets(&log), 0, "{n} items: no fallback");
        // 3 pages a batch, the last batch only as many as total_count says are left.
        assert_eq!(batches(&log), n.div_ceil(10).max(1).div_ceil(3), "{n} items");
        assert_eq!(log.len(), batches(&log), "{n} items");
    }
}

#[tokio::test]
async fn ten_thousand_ad_accounts_in_two_round_trips() {
    let kit = TestEmulator::start(Fixture::scale(10_000).unwrap()).await;
    let business = kit.agency().id;
    let (plain, plain_progress) = list(&session(&kit, PagingMode::Plain), &business, None).await;
    kit.emulator().control("DELETE", "/requests", "", b"");
    let (chained, progress) = list(&session(&kit, PagingMode::chained()), &business, None).await;
    assert_eq!(chained.len(), 10_000);
    assert_eq!(chained, plain);
    assert_eq!(progress, plain_progress);
    assert_eq!((progress.pages, progress.total), (20, Some(10_000)));
    let log = kit.emulator().request_log();
    assert_eq!((batches(&log), plain_gets(&log), log.len()), (2, 0, 2), "10 pages a batch");
}

#[tokio::test]
async fn plain_paging_is_the_default() {
    let kit = TestEmulator::start(agency_with(30)).await;
    assert_eq!(ClientConfig::default().paging, PagingMode::Plain);
    let s = kit.admin_session();
    let (ids, _) = list(&s, &kit.agency().id, Some(10)).await;
    assert_eq!(ids.len(), 30);
    let log = kit.emulator().request_log();
    assert_eq!((batches(&log), plain_gets(&log)), (0, 3));
}

/// The emulator refuses the chained cursor (the second page fails) or ignores it (the second
/// page repeats the first): the listing keeps the first page and goes on plainly from its
/// `next`, every item once, in order.
#[tokio::test]
async fn a_refused_or_ignored_chained_cursor_falls_back_to_plain_paging() {
    for mode in [ChainedCursors::Refused, ChainedCursors::Ignored] {
        let kit = TestEmulator::start(agency_with(35)).await;
        let business = kit.agency().id;
        let (plain, plain_progress) =
            list(&session(&kit, PagingMode::Plain), &business, Some(10)).await;
        kit.emulator().set_faults(FaultConfig { chained_cursors: mode, ..FaultConfig::default() });
        kit.emulator().control("DELETE", "/requests", "", b"");
        let (chained, progress) = list(&session(&kit, THREE), &business, Some(10)).await;
        assert_eq!(chained, plain, "{mode:?}");
        assert_eq!(progress, plain_progress, "{mode:?}");
        let log = kit.emulator().request_log();
        // One batch (its first page kept), then pages 2 to 4 plainly; no second batch.
        assert_eq!((batches(&log), plain_gets(&log)), (1, 3), "{mode:?}");
    }
}

/// A batch that fails as a whole: the first (plain paging from the start) or a later one
/// (plain paging from the last page's `next`, nothing lost or repeated).
#[tokio::test]
async fn a_failed_batch_falls_back_to_plain_paging_where_it_stood() {
    let kit = TestEmulator::start(agency_with(75)).await;
    let business = kit.agency().id;
    let (plain, _) = list(&session(&kit, PagingMode::Plain), &business, Some(10)).await;
    let chained = session(&kit, THREE);

    // The first request (the batch) fails; it is not retried as a batch.
    kit.emulator().control("DELETE", "/requests", "", b"");
    kit.emulator().set_faults(FaultConfig { transient_error_next: 1, ..FaultConfig::default() });
    let (ids, progress) = list(&chained, &business, Some(10)).await;
    assert_eq!(ids.len(), 75);
    assert_eq!(ids, plain);
    assert_eq!(progress.pages, 8);
    let log = kit.emulator().request_log();
    assert_eq!((batches(&log), plain_gets(&log)), (1, 8));
    assert_eq!(log[0].fault, Some("transient"));

    // The second batch fails: the three pages of the first stay, the rest come plainly.
    kit.emulator().set_faults(FaultConfig::default());
    kit.emulator().control("DELETE", "/requests", "", b"");
    let options = ListOptions { page_size: Some(10), ..ListOptions::default() };
    let mut pages = chained.assets(&business, AssetKind::AdAccount, Relation::Owned, &options);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.extend(pages.next().await.unwrap().unwrap().items.into_iter().map(|a| a.id));
    }
    kit.emulator().set_faults(FaultConfig { reset_next: 1, ..FaultConfig::default() });
    while let Some(page) = pages.next().await {
        ids.extend(page.unwrap().items.into_iter().map(|a| a.id));
    }
    assert_eq!(ids, plain);
    let log = kit.emulator().request_log();
    assert_eq!((batches(&log), plain_gets(&log)), (2, 5), "pages 4 to 8 plainly");
    assert_eq!(log[1].fault, Some("reset"));
}

#[tokio::test]
async fn the_probe_says_accepted_refused_or_nothing_to_compare() {
    let kit = TestEmulator::start(agency_with(3)).await;
    let business = kit.agency().id;
    let s = kit.admin_session();
    let edge = Endpoint::assets(AssetKind::AdAccount, Relation::Owned);
    let probe = |limit| s.probe_chained_paging(&edge, &business, &[], limit);
    assert!(matches!(probe(1).await.unwrap(), ChainedPagingProbe::Accepted));
    assert!(matches!(probe(5).await.unwrap(), ChainedPagingProbe::NotEnoughItems));

    kit.emulator().set_faults(FaultConfig {
        chained_cursors: ChainedCursors::Refused,
        ..FaultConfig::default()
    });
    match probe(1).await.unwrap() {
        ChainedPagingProbe::Refused { reason, error: Some(e) } => {
            assert_eq!(reason, "the second page was refused");
            assert_eq!(e.graph_code(), Some(100));
        }
        other => panic!("{other:?}"),
    }
    kit.emulator().set_faults(FaultConfig {
        chained_cursors: ChainedCursors::Ignored,
        ..FaultConfig::default()
    });
    match probe(1).await.unwrap() {
        ChainedPagingProbe::Refused { reason, error: None } => {
            assert!(reason.contains("repeats the first"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}
