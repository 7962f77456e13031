//! Benchmark: list every ad account of a `scale:N` fixture (default 100,000) through
//! `owned_ad_accounts` in pages of the maximum size, and report the emulator's own handling time
//! (from its request log), the wall time, and the process RSS.
//!
//! `cargo run --release -p gatehouse-emulator --example bench_list [-- N]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use gatehouse_emulator::{EmulatorConfig, Fixture};

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rss_before = rss_mib();
    let t0 = Instant::now();
    let fixture = Fixture::scale(n).expect("fixture");
    let env = common::Env::with(EmulatorConfig::new(fixture)).await;
    let startup = t0.elapsed();
    let rss_loaded = rss_mib();
    let a = env.agency();
    let token = a.admin_token.clone().expect("admin token");
    let prefix = format!("http://127.0.0.1:{}", env.port);
    let mut next = Some(format!(
        "/v26.0/{}/owned_ad_accounts?limit=500&fields=id,account_id,name,currency,account_status&access_token={token}",
        a.id
    ));
    let (mut items, mut pages) = (0usize, 0usize);
    let wall = Instant::now();
    while let Some(path) = next {
        let r = env.get(&path).await;
        let data = r.json["data"].as_array().expect("data");
        items += data.len();
        pages += 1;
        next = r.json["paging"]["next"].as_str().map(|u| u.trim_start_matches(&prefix).to_string());
    }
    let wall = wall.elapsed();
    assert_eq!(items, n, "every ad account exactly once");
    let log = env.emu.request_log();
    let handled_us: u64 = log.iter().map(|e| e.duration_us).sum();
    let worst = log.iter().map(|e| e.duration_us).max().unwrap_or(0);
    println!("fixture scale:{n}: built and serving in {:.0} ms", startup.as_secs_f64() * 1e3);
    println!(
        "listed {items} ad accounts in {pages} pages of 500: emulator time {:.1} ms total \
         (worst page {:.2} ms), wall {:.0} ms",
        handled_us as f64 / 1e3,
        worst as f64 / 1e3,
        wall.as_secs_f64() * 1e3
    );
    println!(
        "RSS: {rss_before:.1} MiB before, {rss_loaded:.1} MiB with the fixture loaded, {:.1} MiB after listing",
        rss_mib()
    );
    env.emu.shutdown().await;
}
