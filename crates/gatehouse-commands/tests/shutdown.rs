//! Quitting leaves no token behind: the clipboard is cleared if it still holds one copied here,
//! and the tokens kept for the window are gone.

use std::sync::Arc;

use gatehouse_commands::tokens::{self, TokenRequest};
use gatehouse_commands::{portfolio, AppState, Environment, GraphTarget, MemoryClipboard};
use gatehouse_core::profiles::ProfileStore;
use gatehouse_core::TokenExpiry;
use gatehouse_secrets::SecretStore;

#[tokio::test]
async fn quitting_clears_the_clipboard_and_drops_every_kept_token() {
    let dir = tempfile::tempdir().unwrap();
    let clipboard = Arc::new(MemoryClipboard::default());
    let state = AppState::new(Environment {
        secrets: SecretStore::mock("gatehouse-shutdown-test"),
        profiles: Ok(ProfileStore::at(dir.path().join("config"))),
        database: Some(dir.path().join("gatehouse.sqlite3")),
        exports: None,
        clipboard: clipboard.clone(),
        graph: GraphTarget::Demo,
    });
    let overview = portfolio::portfolio_overview(&state).await.expect("the demo opens");
    let owner = overview.system_users.iter().find(|u| u.name == "Reporting Server").unwrap();
    let request = TokenRequest {
        system_user_id: owner.id.clone(),
        app_id: overview.app_id.clone().expect("the demo's app"),
        scopes: vec!["ads_read".into()],
        expiry: TokenExpiry::SixtyDays,
    };
    let issued = tokens::generate_token(&state, request, |_| {}).await.expect("a token");
    tokens::copy_token(&state, issued.handle.clone(), None).await.expect("copied");
    assert!(clipboard.holds_a_secret());

    state.shutdown();
    assert!(!clipboard.holds_a_secret(), "the clipboard was cleared");
    let gone = tokens::reveal_token(&state, issued.handle).expect_err("the token is gone");
    assert_eq!(gone.code, "token_gone");
}

/// A generated token is kept for the dialog only so long, and a reloaded window finds none.
#[tokio::test]
async fn kept_tokens_are_dropped_after_their_time_and_when_the_window_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(Environment {
        secrets: SecretStore::mock("gatehouse-keep-limit-test"),
        profiles: Ok(ProfileStore::at(dir.path().join("config"))),
        database: Some(dir.path().join("gatehouse.sqlite3")),
        exports: None,
        clipboard: Arc::new(MemoryClipboard::default()),
        graph: GraphTarget::Demo,
    })
    .keeping_tokens_for(std::time::Duration::from_millis(300));
    let overview = portfolio::portfolio_overview(&state).await.expect("the demo opens");
    let owner = overview.system_users.iter().find(|u| u.name == "Reporting Server").unwrap();
    let request = || TokenRequest {
        system_user_id: owner.id.clone(),
        app_id: overview.app_id.clone().expect("the demo's app"),
        scopes: vec!["ads_read".into()],
        expiry: TokenExpiry::SixtyDays,
    };

    let issued = tokens::generate_token(&state, request(), |_| {}).await.expect("a token");
    let shown = tokens::reveal_token(&state, issued.handle.clone()).expect("shown once");
    assert!(shown.expose().ends_with(&issued.last_chars));
    assert_eq!(format!("{shown:?}"), "RevealedToken(<redacted>)");
    assert_eq!(
        serde_json::to_string(&shown).unwrap(),
        serde_json::to_string(shown.expose()).unwrap()
    );
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    state.drop_stale_tokens();
    let gone = tokens::copy_token(&state, issued.handle, None).await.expect_err("too old");
    assert_eq!(gone.code, "token_gone");
    assert!(gone.message.contains("15 minutes"), "{}", gone.message);

    let issued = tokens::generate_token(&state, request(), |_| {}).await.expect("a token");
    state.drop_all_tokens(); // what the window's reload does
    let gone =
        tokens::reveal_token(&state, issued.handle).expect_err("the page that asked is gone");
    assert_eq!(gone.code, "token_gone");
}
