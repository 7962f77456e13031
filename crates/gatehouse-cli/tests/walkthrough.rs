//! The whole job in the command line, against the demo portfolio served by an emulator: create
//! a regular system user, give it ad accounts, a Page and a catalog, install the app, generate
//! a 60-day token with ads_management (stdout is a pipe, so the token arrives on stdout),
//! then inspect it (token on stdin) and check what Meta says it has.
//!
//! `gatehouse --demo` starts a fresh demo per command, so the steps run against one emulator in
//! this process through a profile instead (see `support`).

mod support;

use std::collections::BTreeSet;

use support::Portfolio;

#[test]
fn walkthrough_create_assign_install_generate_inspect() {
    let p = Portfolio::start();
    let su = p.create_system_user("Walkthrough Reporting");

    let accounts = p.assets("ad-accounts", 3);
    assert_eq!(accounts.len(), 3);
    let mut args = vec!["assign", "ad-accounts"];
    args.extend(accounts.iter().map(String::as_str));
    args.extend(["--system-user", &su, "--tasks", "ANALYZE,ADVERTISE", "--json"]);
    assert_eq!(p.run(&args, None).ok().json()["succeeded"], 3);
    let page = p.assets("pages", 1).remove(0);
    let out = p.run(
        &["assign", "pages", &page, "--system-user", &su, "--tasks", "ANALYZE", "--json"],
        None,
    );
    assert_eq!(out.ok().json()["succeeded"], 1);
    let catalog = p.assets("catalogs", 1).remove(0);
    let out = p.run(
        &["assign", "catalogs", &catalog, "--system-user", &su, "--tasks", "ADVERTISE", "--json"],
        None,
    );
    assert_eq!(out.ok().json()["succeeded"], 1);

    let out = p.run(&["app", "install", "--system-user", &su, "--app", &p.app_id, "--json"], None);
    let installed = out.ok().json();
    assert_eq!(installed["installed"], true);
    assert_eq!(installed["app_id"], p.app_id.as_str());

    let (doc, token) = p.generate(&su, "ads_management", "60d");
    assert!(token.len() > 20, "a real token");
    assert_eq!(doc["delivery"], "stdout");
    assert_eq!(doc["preflight"]["ready"], true);
    let checks = doc["preflight"]["checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["id"] == "assets" && c["asset_kind"] == "ad_account"),
        "{checks:?}"
    );
    assert_eq!(doc["token"]["verified"], true, "the post-check ran: {doc}");
    assert_eq!(doc["post_check_error"], serde_json::Value::Null);

    // Inspect, the token on stdin.
    let out = p.run(&["token", "inspect", "--json"], Some(&token));
    let report = out.ok().json();
    assert!(!out.stdout.contains(&token) && !out.stderr.contains(&token));
    assert_eq!(report["kind"], "system_user");
    assert_eq!(report["user_id"], su.as_str());
    assert_eq!(report["app_id"], p.app_id.as_str());
    assert_eq!(report["valid"], true);
    assert_eq!(report["never_expires"], false);
    let scopes: BTreeSet<&str> =
        report["scopes"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert!(scopes.contains("ads_management"), "{scopes:?}");
    let days = report["expires_in_days"].as_f64().expect("expires_in_days");
    assert!((59.0..=60.0).contains(&days), "expires in {days} days");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let expires_at = report["expires_at_unix"].as_f64().unwrap();
    assert!((expires_at - now.as_secs_f64() - 60.0 * 86_400.0).abs() < 3_600.0);

    // The assets the token reaches, per permission (granular_scopes).
    let targets = |scope: &str| -> BTreeSet<String> {
        report["scope_targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["scope"] == scope)
            .unwrap_or_else(|| panic!("no targets for {scope}: {report}"))["target_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().trim_start_matches("act_").to_owned())
            .collect()
    };
    let wanted: BTreeSet<String> =
        accounts.iter().map(|a| a.trim_start_matches("act_").to_owned()).collect();
    assert_eq!(targets("ads_management"), wanted);
    // ads_management brings pages_show_list and pages_read_engagement, limited to the Page.
    assert_eq!(targets("pages_show_list"), BTreeSet::from([page.clone()]));

    // Plain inspect: readable lines on stdout.
    let out = p.run(&["token", "inspect"], Some(&token));
    out.ok();
    assert!(out.stdout.contains("System user token") && out.stdout.contains("ads_management"));
    assert!(out.stdout.contains("days)"), "{}", out.stdout);
}
