//! Profiles end to end with the in-memory keyring and the emulator: add (checked, then saved),
//! refused on a blocking problem with nothing saved, secrets loaded and removed.

use gatehouse_core::profiles::{
    add_profile, load_secrets, remove_profile, Profile, ProfileSecrets, ProfileStore, PROFILES_FILE,
};
use gatehouse_demo as demo;
use gatehouse_errors::{Explain, Surface};
use gatehouse_secrets::{Secret, SecretKey, SecretStore};

fn profile(id: &str, demo: &demo::DemoPortfolio, app_id: &str) -> Profile {
    Profile {
        id: id.to_owned(),
        label: String::new(),
        business_id: demo.emulator().manifest().businesses[0].id.clone(),
        app_id: app_id.to_owned(),
        base_url: Some(demo.url().to_owned()),
        api_version: "v26.0".to_owned(),
    }
}

#[tokio::test]
async fn add_checks_then_saves_and_remove_deletes_everything() {
    let demo = demo::start().await.expect("demo");
    let b = demo.emulator().manifest().businesses[0].clone();
    let token = b.admin_token.clone().unwrap();
    let app = b.apps[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let profiles = ProfileStore::at(dir.path());
    let store = SecretStore::mock("dev.gatehouse.core-test").unwrap();
    let secrets = ProfileSecrets {
        admin_token: Secret::new(token.clone()),
        app_secret: Secret::new(app.secret.clone()),
    };

    let added =
        add_profile(&profiles, &store, profile("acme", &demo, &app.id), &secrets).await.unwrap();
    assert_eq!(added.profile.label, b.name, "an empty label becomes the business's name");
    assert!(added.connection.is_usable());
    assert_eq!(profiles.list().unwrap(), std::slice::from_ref(&added.profile));
    let file = std::fs::read_to_string(dir.path().join(PROFILES_FILE)).unwrap();
    assert!(!file.contains(&token) && !file.contains(&app.secret), "no secret in the file");
    let json = serde_json::to_string(&added).unwrap();
    assert!(!json.contains(&token) && !json.contains(&app.secret), "no secret in the answer");
    let loaded = load_secrets(&store, "acme").await.unwrap();
    assert_eq!(loaded.admin_token.expose(), token);
    assert_eq!(loaded.app_secret.expose(), app.secret);
    assert!(!format!("{loaded:?}").contains(&token));

    let again = add_profile(&profiles, &store, profile("acme", &demo, &app.id), &secrets)
        .await
        .unwrap_err();
    assert_eq!(again.code(), "profile_exists");

    let (removed, deleted) = remove_profile(&profiles, &store, "acme").await.unwrap();
    assert_eq!((removed.id.as_str(), deleted), ("acme", 2));
    assert!(profiles.list().unwrap().is_empty());
    let missing = load_secrets(&store, "acme").await.unwrap_err();
    assert_eq!(missing.code(), "keyring_entry_missing");
    assert!(!missing.fix(Surface::Desktop).unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_blocking_problem_saves_nothing() {
    let demo = demo::start().await.expect("demo");
    let b = demo.emulator().manifest().businesses[0].clone();
    let other_app = demo
        .emulator()
        .manifest()
        .businesses
        .iter()
        .flat_map(|x| x.apps.iter())
        .find(|a| a.id != b.apps[0].id)
        .cloned()
        .expect("another app");
    let dir = tempfile::tempdir().unwrap();
    let profiles = ProfileStore::at(dir.path());
    let store = SecretStore::mock("dev.gatehouse.core-test-blocked").unwrap();
    let secrets = ProfileSecrets {
        admin_token: Secret::new(b.admin_token.clone().unwrap()),
        app_secret: Secret::new(b.apps[0].secret.clone()),
    };
    let error = add_profile(&profiles, &store, profile("acme", &demo, &other_app.id), &secrets)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "connection_blocked", "{error:?}");
    assert_eq!(error.detail().as_deref(), Some("token_other_app"), "which problem blocked it");
    assert!(error.explanation().contains(&other_app.id), "{}", error.explanation());
    assert!(
        error.fix(Surface::Desktop).unwrap_or_default().contains("Business settings"),
        "{}",
        error.fix(Surface::Desktop).unwrap_or_default()
    );
    assert!(!dir.path().join(PROFILES_FILE).exists());
    let key = SecretKey::admin_token("acme").unwrap();
    assert!(store.get(&key).await.unwrap().is_none(), "nothing in the keyring");
}
