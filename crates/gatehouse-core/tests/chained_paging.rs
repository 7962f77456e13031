//! Chained paging is a product decision made per profile: the compatibility check probes it
//! (accepted against the emulator, refused when the emulator breaks chained cursors), the
//! profile store remembers the verdict for the URL and API version checked, and a saved
//! portfolio chains its listings only when that verdict confirms it.

use gatehouse_core::compat::{ChainedPaging, ProbeStatus, CHAINED_PAGING_PROBE};
use gatehouse_core::profiles::{Profile, ProfileSecrets, ProfileStore, PROFILES_FILE};
use gatehouse_core::CompatReport;
use gatehouse_demo as demo;
use gatehouse_emulator::{ChainedCursors, FaultConfig};
use gatehouse_graph::{AssetKind, ListOptions, Relation, Secret};

fn profile(demo: &demo::DemoPortfolio) -> Profile {
    let b = &demo.emulator().manifest().businesses[0];
    Profile {
        id: "acme".to_owned(),
        label: "Acme".to_owned(),
        business_id: b.id.clone(),
        app_id: b.apps[0].id.clone(),
        base_url: Some(demo.url().to_owned()),
        api_version: "v26.0".to_owned(),
    }
}

fn secrets(demo: &demo::DemoPortfolio) -> ProfileSecrets {
    let b = &demo.emulator().manifest().businesses[0];
    ProfileSecrets {
        admin_token: Secret::new(b.admin_token.clone().unwrap()),
        app_secret: Secret::new(b.apps[0].secret.clone()),
    }
}

fn chained_probe(report: &CompatReport) -> &gatehouse_core::ProbeResult {
    report.probes.iter().find(|p| p.probe == CHAINED_PAGING_PROBE).expect("the probe ran")
}

/// Batch requests in the emulator's log since it was last cleared.
fn batches(demo: &demo::DemoPortfolio) -> usize {
    demo.emulator()
        .request_log()
        .iter()
        .filter(|l| l.method == "POST" && l.path == "/v26.0/")
        .count()
}

#[tokio::test]
async fn an_accepting_check_turns_chained_paging_on_for_that_profile_only() {
    let stand_in = demo::start().await.expect("an emulator standing in for Meta");
    let dir = tempfile::tempdir().unwrap();
    let profiles = ProfileStore::at(dir.path());
    let profile = profile(&stand_in);
    let secrets = secrets(&stand_in);
    profiles.add(profile.clone()).unwrap();

    // Before any check: plain paging.
    let portfolio = profiles.open(&profile, &secrets, None).unwrap();
    assert!(!portfolio.chains_pages());
    assert_eq!(profiles.chained_paging("acme").unwrap(), None);

    let report = demo::compatibility_check(&portfolio).await.unwrap();
    let probe = chained_probe(&report);
    assert_eq!(probe.status, ProbeStatus::Ok, "{}", report.to_text());
    assert!(!probe.required, "informational");
    assert_eq!(report.chained_paging(), ChainedPaging::Accepted);
    assert!(report.to_text().contains("Chained paging: accepted."), "{}", report.to_text());
    assert!(report.compatible());

    assert!(profiles.remember_check(&profile, None, &report).unwrap());
    let portfolio = profiles.open(&profile, &secrets, None).unwrap();
    assert!(portfolio.chains_pages());
    stand_in.emulator().control("DELETE", "/requests", "", b"");
    let business = portfolio.business_id().to_owned();
    let (accounts, _) = portfolio
        .session()
        .assets(&business, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 2_000);
    assert_eq!(batches(&stand_in), 1, "2,000 ad accounts: 4 pages in one batch");
    assert_eq!(stand_in.emulator().request_log().len(), 1);

    // Only where it was checked: not through another URL, not with another API version, not
    // through the plain `Profile::open`.
    assert!(!profiles.open(&profile, &secrets, Some("http://127.0.0.1:9")).unwrap().chains_pages());
    let other_version = Profile { api_version: "v25.0".to_owned(), ..profile.clone() };
    assert!(!profiles.open(&other_version, &secrets, None).unwrap().chains_pages());
    assert!(!profile.open(&secrets, None).unwrap().chains_pages());

    // Remembered in the profile file, without a secret; gone with the profile.
    let file = std::fs::read_to_string(dir.path().join(PROFILES_FILE)).unwrap();
    assert!(file.contains("\"chained_paging\""), "{file}");
    assert!(
        !file.contains(secrets.admin_token.expose()) && !file.contains(secrets.app_secret.expose())
    );
    profiles.remove("acme").unwrap();
    assert_eq!(profiles.chained_paging("acme").unwrap(), None);
    let file = std::fs::read_to_string(dir.path().join(PROFILES_FILE)).unwrap();
    assert!(!file.contains("chained_paging"), "{file}");
}

#[tokio::test]
async fn a_refusing_check_keeps_or_turns_plain_paging_on() {
    let stand_in = demo::start().await.expect("an emulator standing in for Meta");
    let dir = tempfile::tempdir().unwrap();
    let profiles = ProfileStore::at(dir.path());
    let profile = profile(&stand_in);
    let secrets = secrets(&stand_in);
    profiles.add(profile.clone()).unwrap();
    let portfolio = profiles.open(&profile, &secrets, None).unwrap();
    let accepted = demo::compatibility_check(&portfolio).await.unwrap();
    assert!(profiles.remember_check(&profile, None, &accepted).unwrap());

    for (mode, why) in [
        (ChainedCursors::Refused, "the second page was refused, Meta code 100"),
        (ChainedCursors::Ignored, "the second page repeats the first"),
    ] {
        stand_in
            .emulator()
            .set_faults(FaultConfig { chained_cursors: mode, ..FaultConfig::default() });
        let report = demo::compatibility_check(&portfolio).await.unwrap();
        let probe = chained_probe(&report);
        assert_eq!(probe.status, ProbeStatus::Refused, "{mode:?}: {}", report.to_text());
        let ChainedPaging::Refused(reason) = report.chained_paging() else {
            panic!("{mode:?}: {:?}", report.chained_paging())
        };
        assert!(reason.starts_with(why), "{mode:?}: {reason}");
        let text = report.to_text();
        assert!(text.contains(&format!("Chained paging: refused ({why}")), "{text}");
        assert!(report.compatible(), "informational: {text}");

        assert!(!profiles.remember_check(&profile, None, &report).unwrap());
        assert!(!profiles.open(&profile, &secrets, None).unwrap().chains_pages(), "{mode:?}");
        assert!(!profiles.chained_paging("acme").unwrap().unwrap().accepted);
    }
}
