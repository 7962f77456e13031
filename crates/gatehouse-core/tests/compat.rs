//! The compatibility check (`gatehouse doctor`) against an emulator standing in for Meta: every
//! probe answers, only the batch form of debug_token is refused (the emulator follows Meta's
//! documentation), and the report names nothing of the portfolio: no ID, name, token or secret.

use gatehouse_core::compat::ProbeStatus;
use serde_json::Value;

/// Every string under an identifying key (ids, names, tokens, secrets) in `v`.
fn identifying(v: &Value, key: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                identifying(child, k, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| identifying(i, key, out)),
        Value::String(s) => {
            let k = key.to_ascii_lowercase();
            let named = ["id", "name", "token", "secret", "username"].iter().any(|w| k.contains(w));
            if named && s.len() >= 5 {
                out.push(s.clone());
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn doctor_against_an_emulator_reports_shapes_and_nothing_that_identifies() {
    let stand_in = gatehouse_demo::start().await.expect("emulator standing in for Meta");
    let portfolio = stand_in.portfolio();
    let report = gatehouse_demo::compatibility_check(portfolio).await.expect("the check runs");

    let by_probe = |id: &str| report.probes.iter().find(|p| p.probe == id).unwrap();
    for id in ["me", "business", "system_users", "system_user", "debug_token"] {
        assert_eq!(by_probe(id).status, ProbeStatus::Ok, "{:?}", by_probe(id));
    }
    for edge in [
        "assigned_pages",
        "assigned_ad_accounts",
        "assigned_product_catalogs",
        "assigned_ads_pixels",
        "assigned_instagram_accounts",
        "assigned_whatsapp_business_accounts",
        "assigned_apps",
        "assigned_applications",
    ] {
        let p = by_probe(&format!("system_user.{edge}"));
        assert_eq!(p.status, ProbeStatus::Ok, "{p:?}");
    }
    for p in report.probes.iter().filter(|p| p.probe.starts_with("assigned_users.")) {
        assert_eq!(p.status, ProbeStatus::Ok, "{p:?}");
    }
    // The emulator refuses what Meta does not document: debug_token inside a batch.
    let batched = by_probe("debug_token.batched");
    assert_eq!((batched.status, batched.graph_code), (ProbeStatus::Refused, Some(100)));
    assert!(!batched.required);
    assert!(report.compatible(), "{}", report.to_text());
    assert_eq!(report.skipped, 0, "{}", report.to_text());
    assert!(report.probes.iter().any(|p| !p.usage_headers.is_empty()), "usage headers reported");

    // Nothing in the report identifies the portfolio.
    let mut secrets = Vec::new();
    let manifest = serde_json::to_value(stand_in.emulator().manifest()).unwrap();
    identifying(&manifest, "", &mut secrets);
    identifying(&stand_in.emulator().state_snapshot(), "", &mut secrets);
    assert!(secrets.len() > 50, "the scan has something to look for");
    let text = report.to_text();
    let json = serde_json::to_string(&report).unwrap();
    for s in &secrets {
        assert!(!text.contains(s.as_str()) && !json.contains(s.as_str()), "{s} is in the report");
    }
}
