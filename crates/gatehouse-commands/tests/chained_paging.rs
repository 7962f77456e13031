//! Settings › Check compatibility decides whether a saved portfolio's listings chain their
//! pages: off until a check accepts it, on at once after that (the portfolio is opened again),
//! off again after a check that sees it refused. The demo stands in for Meta.

use std::sync::Arc;

use gatehouse_commands::portfolios::{self, ConnectForm};
use gatehouse_commands::{app, AppState, Environment, GraphTarget, MemoryClipboard};
use gatehouse_core::profiles::ProfileStore;
use gatehouse_secrets::SecretStore;

#[tokio::test]
async fn the_compatibility_check_turns_chained_paging_on_and_off() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = SecretStore::mock("gatehouse-chained-paging").unwrap();
    let state = AppState::new(Environment {
        secrets: Ok(keyring.clone()),
        profiles: Ok(ProfileStore::at(dir.path().join("config"))),
        database: Some(dir.path().join("gatehouse.sqlite3")),
        exports: None,
        clipboard: Arc::new(MemoryClipboard::default()),
        graph: GraphTarget::Demo,
    });
    let stand_in = state.demo().await.unwrap();
    let agency = stand_in.emulator().manifest().businesses[0].clone();
    let form = ConnectForm {
        label: "Stand-in".into(),
        business_id: agency.id.clone(),
        app_id: agency.apps[0].id.clone(),
        admin_token: agency.admin_token.clone().unwrap(),
        app_secret: agency.apps[0].secret.clone(),
    };
    let saved = portfolios::save_portfolio(&state, form).await.expect("connected");
    assert_eq!(state.active_id(), saved.id);
    assert!(!state.portfolio().await.unwrap().chains_pages(), "plain before any check");

    let check = app::check_compatibility(&state).await.unwrap();
    assert!(check.text.contains("Chained paging: accepted."), "{}", check.text);
    assert!(state.portfolio().await.unwrap().chains_pages(), "on at once");

    let (status, _) =
        stand_in.emulator().control("PUT", "/faults", "", br#"{"chained_cursors": "refused"}"#);
    assert_eq!(status, 200);
    let check = app::check_compatibility(&state).await.unwrap();
    assert!(check.text.contains("Chained paging: refused ("), "{}", check.text);
    assert!(!state.portfolio().await.unwrap().chains_pages(), "off again");
}
