//! `gatehouse doctor` against an emulator standing in for Meta through a saved profile: every
//! read answers as expected, the report is written where asked, and neither the report nor what
//! the command prints holds an ID, a name, a token or a secret of the portfolio.

mod support;

use serde_json::Value;
use support::Portfolio;

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.values().for_each(|c| strings(c, out)),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::String(s) if s.len() >= 6 && !s.starts_with("http") => out.push(s.clone()),
        _ => {}
    }
}

#[test]
fn doctor_reports_compatibility_without_identifying_anything() {
    let p = Portfolio::start();
    // Something on the system users' edges, so there are items whose shapes are compared.
    let su = p.create_system_user("Doctor Reporting");
    let accounts = p.assets("ad-accounts", 2);
    let mut args = vec!["assign", "ad-account", "--system-user", su.as_str(), "--tasks", "ANALYZE"];
    args.extend(accounts.iter().map(String::as_str));
    p.run(&args, None).ok();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let out = p.run(&["doctor", "--json", "--output", file.to_str().unwrap()], None);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["refused"], 0, "{report}");
    assert_eq!(report["differs"], 0, "{report}");
    assert!(report["probes"].as_array().unwrap().len() > 30);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved, report);

    let mut identifying = Vec::new();
    strings(&serde_json::to_value(p.emulator.manifest()).unwrap(), &mut identifying);
    strings(&p.emulator.state_snapshot(), &mut identifying);
    identifying.push(su);
    // Words of the report itself that are also fixture values (field names, statuses) are not
    // identifying: keep only values that look like IDs, names or tokens.
    identifying
        .retain(|s| s.chars().any(|c| c.is_ascii_digit() || c == ' ') || s.starts_with("EAA"));
    assert!(identifying.len() > 50, "the scan has something to look for");
    let printed = format!("{}{}", out.stdout, out.stderr);
    for s in &identifying {
        assert!(!printed.contains(s.as_str()), "{s:?} is in what doctor printed");
    }
}

/// The profile's listings chain their pages only after `doctor` saw the server accept it, and
/// page plainly again after a check that saw it refused.
#[test]
fn doctor_decides_whether_the_profile_chains_its_listings() {
    use gatehouse_emulator::{ChainedCursors, FaultConfig};
    let p = Portfolio::start();
    let batches_listing = |p: &Portfolio| {
        p.emulator.control("DELETE", "/requests", "", b"");
        p.run(&["assets", "list", "ad-accounts", "--json"], None).ok();
        p.emulator
            .request_log()
            .iter()
            .filter(|l| l.method == "POST" && l.path == "/v26.0/")
            .count()
    };
    assert_eq!(batches_listing(&p), 0, "plain paging before any check");

    let out = p.run(&["doctor"], None);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Chained paging: accepted."), "{}", out.stdout);
    assert!(batches_listing(&p) > 0, "chained once the check accepted it");

    p.emulator.set_faults(FaultConfig {
        chained_cursors: ChainedCursors::Refused,
        ..FaultConfig::default()
    });
    let out = p.run(&["doctor"], None);
    assert_eq!(out.code, 0, "informational: {}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("Chained paging: refused (the second page"), "{}", out.stdout);
    p.emulator.set_faults(FaultConfig::default());
    assert_eq!(batches_listing(&p), 0, "plain again after a refusing check");
}
