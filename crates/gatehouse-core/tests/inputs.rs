//! Property tests of what a person types or a file holds: profile ids, Meta ids, permission
//! names, base URLs, the saved profile list (any bytes, any JSON) and the system-user name.
//! No panic, no hang; every rejection is a worded error on the right field. 1,000 cases per
//! property; `PROPTEST_CASES` sets more on demand.

use gatehouse_core::connect::GraphDestination;
use gatehouse_core::profiles::{validate_id, validate_numeric_id, Profile, ProfileStore};
use gatehouse_core::{parse_scopes, NewRole, Portfolio, PortfolioKind};
use gatehouse_errors::{Explain, Surface};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

fn worded(e: &dyn Explain) -> Result<(), TestCaseError> {
    prop_assert!(!e.explanation().is_empty());
    prop_assert!(e.fix(Surface::Desktop).is_some_and(|f| !f.is_empty()));
    prop_assert!(e.fix(Surface::Cli).is_some_and(|f| !f.is_empty()));
    Ok(())
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn profile_ids_are_slugs_or_refused(id in ".{0,80}") {
        match validate_id(&id) {
            Ok(()) => prop_assert!(
                !id.is_empty() && id.len() <= 64
                    && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            ),
            Err(e) => worded(&e)?,
        }
    }

    #[test]
    fn meta_ids_are_digits_or_refused_on_their_field(id in prop_oneof![".{0,40}", "[0-9]{1,40}"]) {
        match validate_numeric_id("business id", &id) {
            Ok(()) => prop_assert!(!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())),
            Err(e) => {
                worded(&e)?;
                let e = gatehouse_core::Error::from(e);
                prop_assert_eq!(e.field(), Some("business_id"));
            }
        }
    }

    #[test]
    fn permission_names_are_known_or_refused_on_the_scope_field(names in prop::collection::vec(".{0,30}", 0..6)) {
        if let Err(e) = parse_scopes(&names) {
            worded(&e)?;
            prop_assert_eq!(e.field(), Some("scope"));
        }
    }

    #[test]
    fn any_base_url_is_classified_and_validated(url in prop_oneof![".{0,60}", "https?://[a-z0-9.:\\[\\]@-]{0,40}(/.{0,10})?"]) {
        let destination = GraphDestination::of(Some(&url));
        let _ = destination.note(Some(&url));
        let profile = Profile {
            id: "acme".into(),
            label: "Acme".into(),
            business_id: "1".into(),
            app_id: "2".into(),
            base_url: Some(url.clone()),
            api_version: "v26.0".into(),
        };
        if let Err(e) = profile.validate() {
            worded(&e)?;
        }
        if destination == GraphDestination::Meta {
            prop_assert!(url.to_ascii_lowercase().contains("graph.facebook.com"), "{url}");
        }
    }

    /// The saved list is a file a person (or another program) may have edited: any bytes are
    /// a list or a "not a valid profile list" error, never a panic.
    #[test]
    fn the_profile_list_of_any_content_is_read_or_refused(content in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        ".{0,200}".prop_map(String::into_bytes),
        (0u32..3, ".{0,20}", ".{0,20}", ".{0,20}").prop_map(|(v, id, biz, url)| serde_json::json!({
            "version": v, "profiles": [{"id": id, "label": "x", "business_id": biz, "app_id": "1", "base_url": url}],
            "last_opened": id,
        }).to_string().into_bytes()),
    ]) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        std::fs::write(store.path(), &content).unwrap();
        match store.list() {
            Ok(profiles) => {
                for p in profiles {
                    let _ = p.validate();
                }
            }
            Err(e) => worded(&e)?,
        }
        let _ = store.last_opened();
    }
}

/// A system user's name of any text: refused locally (with the field) when empty, otherwise
/// sent as typed (the emulator, standing in for Meta, has the final word).
#[tokio::test]
async fn system_user_names_of_any_text_are_refused_or_created() {
    let kit = gatehouse_testkit::TestEmulator::start(gatehouse_emulator::Fixture::demo()).await;
    let b = kit.agency();
    let portfolio = Portfolio::new(PortfolioKind::Demo, b.id.clone(), kit.admin_session());
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: 64, ..cases() });
    let names = prop_oneof![Just(String::new()), "[ \\t\\n]{1,5}", ".{1,60}", "\\PC{1,300}"];
    for _ in 0..64 {
        let name = names.new_tree(&mut runner).unwrap().current();
        match portfolio.create_system_user(&name, NewRole::Regular).await {
            Ok(created) => assert!(!created.id.is_empty() && !name.trim().is_empty(), "{name:?}"),
            Err(e) => {
                assert!(
                    !e.explanation().is_empty() && e.fix(Surface::Desktop).is_some(),
                    "{name:?}: {e:?}"
                );
                if name.trim().is_empty() {
                    assert_eq!(e.field(), Some("name"), "{name:?}");
                }
            }
        }
    }
}
