//! Gatehouse's way against the naive way, in one run, against the in-process emulator with
//! 50 ms of latency added to every request (a plausible round trip to graph.facebook.com):
//!
//! - (a) assigning 1,000 ad accounts to a system user: `Session::assign_many` (batches of 50,
//!   several in flight) against one `assign` request per asset in sequence;
//! - (b) listing 10,000 ad accounts: the edge's maximum page size (500) through the paging
//!   stream against 25 per page (Graph's default);
//! - (c) the same 10,000 at the maximum page size, chained paging (`PagingMode::chained`: 10
//!   pages per batch request) against plain paging (one request per page).
//!
//! ```sh
//! cargo run --release -p gatehouse-graph --example bench
//! ```
//!
//! Exits with 1 when a ratio misses its target (>= 20x, >= 8x, >= 5x). Results are in the
//! README.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use gatehouse_emulator::{Emulator, EmulatorConfig, FaultConfig, Fixture};
use gatehouse_graph::{
    AssetKind, Assignment, ClientConfig, Credentials, GraphClient, ListOptions, NewSystemUserRole,
    PagingMode, Relation, Secret, Session, TaskSet,
};

const LATENCY_MS: u64 = 50;
const ACCOUNTS: usize = 10_000;
const ASSIGNED: usize = 1_000;
const ASSIGN_TARGET: f64 = 20.0;
const LIST_TARGET: f64 = 8.0;
/// 2 round trips instead of 20 (at most 10x), less the cost of building and reading the pages.
const CHAINED_TARGET: f64 = 5.0;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let faults = FaultConfig { latency_ms: LATENCY_MS, ..FaultConfig::default() };
    let emulator =
        Emulator::start(EmulatorConfig::new(Fixture::scale(ACCOUNTS)?).faults(faults)).await?;
    let business = emulator
        .manifest()
        .businesses
        .iter()
        .find(|b| b.admin_token.is_some() && !b.apps.is_empty())
        .cloned()
        .ok_or("the fixture has no business with an admin token")?;
    // The client as Gatehouse ships it (retries, pacing, batch policy): only the URL differs.
    let client = GraphClient::new(ClientConfig::with_base_url(emulator.url()))?;
    let credentials = Credentials::with_app_secret(
        Secret::new(business.admin_token.clone().unwrap_or_default()),
        Secret::new(business.apps[0].secret.clone()),
    );
    let session: Session = client.session(credentials.clone());
    // The same, with chained paging switched on (as for a profile whose check confirmed it).
    let chained_client = GraphClient::new(ClientConfig {
        paging: PagingMode::chained(),
        ..ClientConfig::with_base_url(emulator.url())
    })?;
    let chained_session = chained_client.session(credentials);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Against the in-process emulator (scale:{ACCOUNTS}), {LATENCY_MS} ms added to every \
         request, {cores} cores, {} build.",
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );

    let list_all = ListOptions::default();
    let (accounts, _) = session
        .assets(&business.id, AssetKind::AdAccount, Relation::Owned, &list_all)
        .collect_all()
        .await?;
    let tasks = TaskSet::parse(AssetKind::AdAccount, &["ANALYZE"])?;
    let assignments = |user: &str| -> Vec<Assignment> {
        accounts
            .iter()
            .take(ASSIGNED)
            .map(|a| Assignment {
                asset_id: a.id.clone(),
                user_id: user.to_owned(),
                tasks: tasks.clone(),
            })
            .collect()
    };

    // (a) Two fresh system users, so both ways do the same real work.
    let fast_user = session
        .create_system_user(&business.id, "Bench batched", NewSystemUserRole::Employee)
        .await?;
    let slow_user = session
        .create_system_user(&business.id, "Bench one by one", NewSystemUserRole::Employee)
        .await?;
    let items = assignments(&fast_user);
    let start = Instant::now();
    let results = session.assign_many(&items).await;
    let batched = start.elapsed();
    let failed = results.iter().filter(|r| r.is_err()).count();
    if failed > 0 {
        return Err(format!("{failed} batched assignments failed").into());
    }
    let items = assignments(&slow_user);
    let start = Instant::now();
    for item in &items {
        session.assign(item).await?;
    }
    let sequential = start.elapsed();
    let assign_ratio = sequential.as_secs_f64() / batched.as_secs_f64();
    println!("\n(a) Assigning {ASSIGNED} ad accounts to a system user");
    row("Gatehouse: assign_many (batches of 50, several in flight)", batched);
    row("naive: one request per asset, in sequence", sequential);
    verdict(assign_ratio, ASSIGN_TARGET);

    // (b) Listing every ad account.
    let (max_time, max_pages, max_items) = list(&session, &business.id, None).await?;
    let (small_time, small_pages, small_items) = list(&session, &business.id, Some(25)).await?;
    if max_items != ACCOUNTS || small_items != ACCOUNTS {
        return Err(format!("listed {max_items} and {small_items} of {ACCOUNTS}").into());
    }
    let list_ratio = small_time.as_secs_f64() / max_time.as_secs_f64();
    println!("\n(b) Listing {ACCOUNTS} ad accounts");
    row(&format!("Gatehouse: the edge's maximum page, {max_pages} pages"), max_time);
    row(&format!("naive: 25 per page, {small_pages} pages"), small_time);
    verdict(list_ratio, LIST_TARGET);

    // (c) Listing every ad account, chained: the same pages, fewer round trips. Plain is timed
    // again next to it.
    let (plain_time, plain_pages, _) = list(&session, &business.id, None).await?;
    let (chained_time, chained_pages, chained_items) =
        list(&chained_session, &business.id, None).await?;
    if chained_items != ACCOUNTS {
        return Err(format!("listed {chained_items} of {ACCOUNTS} chained").into());
    }
    let chained_ratio = plain_time.as_secs_f64() / chained_time.as_secs_f64();
    println!("\n(c) Listing {ACCOUNTS} ad accounts at the maximum page");
    row(
        &format!(
            "chained: {chained_pages} pages, {} per batch request",
            PagingMode::DEFAULT_PAGES_PER_BATCH
        ),
        chained_time,
    );
    row(&format!("plain: {plain_pages} pages, one request each"), plain_time);
    verdict(chained_ratio, CHAINED_TARGET);

    emulator.shutdown().await;
    Ok(assign_ratio >= ASSIGN_TARGET
        && list_ratio >= LIST_TARGET
        && chained_ratio >= CHAINED_TARGET)
}

async fn list(
    session: &Session,
    business: &str,
    page_size: Option<u32>,
) -> Result<(Duration, usize, usize), Box<dyn std::error::Error>> {
    let options = ListOptions { page_size, ..ListOptions::default() };
    let start = Instant::now();
    let mut pages = session.assets(business, AssetKind::AdAccount, Relation::Owned, &options);
    let (mut n_pages, mut n_items) = (0, 0);
    while let Some(page) = pages.next().await {
        n_pages += 1;
        n_items += page?.items.len();
    }
    Ok((start.elapsed(), n_pages, n_items))
}

fn row(label: &str, time: Duration) {
    println!("    {label:<60} {:>8.2} s", time.as_secs_f64());
}

fn verdict(ratio: f64, target: f64) {
    let mark = if ratio >= target { "met" } else { "MISSED" };
    println!("    ratio {ratio:.1}x (target >= {target}x: {mark})");
}
