//! The demo's emulator runs only while a demo portfolio is open: someone who works in a saved
//! portfolio gets it back at the next start, the portfolio menu lists the demo without starting
//! it, and switching from the demo to a saved portfolio stops it.

use std::sync::Arc;

use gatehouse_commands::portfolios::{self, ConnectForm};
use gatehouse_commands::{portfolio, AppState, Environment, GraphTarget, MemoryClipboard};
use gatehouse_core::profiles::ProfileStore;
use gatehouse_secrets::SecretStore;

fn state(dir: &std::path::Path, keyring: &SecretStore, graph: GraphTarget) -> AppState {
    AppState::new(Environment {
        secrets: Ok(keyring.clone()),
        profiles: Ok(ProfileStore::at(dir.join("config"))),
        database: Some(dir.join("gatehouse.sqlite3")),
        exports: None,
        clipboard: Arc::new(MemoryClipboard::default()),
        graph,
    })
}

#[tokio::test]
async fn the_demo_starts_only_when_a_demo_portfolio_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = SecretStore::mock("gatehouse-demo-on-demand").unwrap();

    // A first run opens the demo; from it, a portfolio is connected (the demo stands in for Meta).
    let first = state(dir.path(), &keyring, GraphTarget::Demo);
    assert!(!first.demo_started(), "nothing starts with the state");
    let menu = portfolios::list_portfolios(&first).await.unwrap();
    assert!(!first.demo_started(), "listing the demo does not start it");
    portfolio::portfolio_overview(&first).await.expect("the demo opens");
    assert!(first.demo_started());
    let running: Vec<String> =
        first.demo().await.unwrap().portfolios().iter().map(|e| e.id.clone()).collect();
    let listed: Vec<String> = menu.portfolios.iter().map(|e| e.id.clone()).collect();
    assert_eq!(listed, running, "the menu lists what the demo opens");

    let agency = first.demo().await.unwrap().emulator().manifest().businesses[0].clone();
    let form = ConnectForm {
        label: "Stand-in".into(),
        business_id: agency.id.clone(),
        app_id: agency.apps[0].id.clone(),
        admin_token: agency.admin_token.clone().unwrap(),
        app_secret: agency.apps[0].secret.clone(),
    };
    let saved = portfolios::save_portfolio(&first, form).await.expect("connected");
    assert_eq!(first.active_id(), saved.id);
    assert!(first.demo_started(), "where the demo stands in for Meta, the saved portfolio uses it");

    // The next start opens that portfolio, and the demo stays off until it is picked.
    let next = state(dir.path(), &keyring, GraphTarget::Meta);
    assert_eq!(next.active_id(), saved.id);
    let menu = portfolios::list_portfolios(&next).await.unwrap();
    assert_eq!(menu.active_id, saved.id);
    assert!(menu.portfolios.iter().any(|p| p.id == "demo:agency"), "the demo is still listed");
    let overview = portfolio::portfolio_overview(&next).await.expect("the saved one opens");
    assert_eq!(overview.business_id, agency.id);
    assert!(!next.demo_started(), "working in a saved portfolio never starts the demo");

    portfolios::switch_portfolio(&next, "demo:agency".into()).await.unwrap();
    assert!(next.demo_started(), "picking the demo starts it");
    let demo_url = next.demo().await.unwrap().url().to_owned();

    // Switching to the saved portfolio stops the demo's emulator: its port closes.
    portfolios::switch_portfolio(&next, saved.id.clone()).await.unwrap();
    assert!(!next.demo_started(), "switching away stops the demo");
    let address = demo_url.trim_start_matches("http://").to_owned();
    let mut closed = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(&address).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(closed, "the demo's emulator at {demo_url} still answers");

    // Picking it again starts it afresh, and it works.
    portfolios::switch_portfolio(&next, "demo:agency".into()).await.unwrap();
    let overview = portfolio::portfolio_overview(&next).await.expect("the demo opens again");
    assert_eq!(overview.business_id, agency.id);
    assert!(next.demo_started());

    // Not while a command or a change still holds one of its portfolios (its requests would be
    // cut off): it stops at the first command after that one let go.
    let in_flight = next.known("demo:agency").await.unwrap().expect("the demo agency");
    portfolios::switch_portfolio(&next, saved.id.clone()).await.unwrap();
    assert!(next.demo_started(), "a demo portfolio in use keeps the demo");
    in_flight.overview().await.expect("the demo still answers the command under way");
    drop(in_flight);
    portfolio::portfolio_overview(&next).await.expect("the saved one opens");
    assert!(!next.demo_started(), "the next command stops it");

    // And a removed portfolio is not opened again: the demo is.
    portfolios::switch_portfolio(&next, saved.id.clone()).await.unwrap();
    portfolios::remove_portfolio(&next, saved.id).await.unwrap();
    let after = state(dir.path(), &keyring, GraphTarget::Meta);
    assert_eq!(after.active_id(), "demo:agency");
}

/// A saved portfolio whose file sends its tokens to a host that is neither Meta nor this
/// computer (a hand-edited `profiles.json`) shows that URL on its card and opens only once the
/// person confirms that exact URL.
#[tokio::test]
async fn a_portfolio_that_sends_tokens_elsewhere_opens_only_once_confirmed() {
    use gatehouse_core::connect::GraphDestination;
    use gatehouse_core::profiles::{store_secrets, Profile, ProfileSecrets};
    use gatehouse_secrets::Secret;

    let dir = tempfile::tempdir().unwrap();
    let keyring = SecretStore::mock("gatehouse-graph-url-test").unwrap();
    let profiles = ProfileStore::at(dir.path().join("config"));
    let url = "https://graph.example.net";
    profiles
        .add(Profile {
            id: "edited".into(),
            label: "Edited".into(),
            business_id: "1234".into(),
            app_id: "5678".into(),
            base_url: Some(url.into()),
            api_version: "v26.0".into(),
        })
        .unwrap();
    let secrets = ProfileSecrets {
        admin_token: Secret::new("EAAB-edited".into()),
        app_secret: Secret::new("app-secret".into()),
    };
    store_secrets(&keyring, "edited", &secrets).await.unwrap();
    let app = state(dir.path(), &keyring, GraphTarget::Meta);

    let menu = portfolios::list_portfolios(&app).await.unwrap();
    let card = menu.portfolios.iter().find(|p| p.id == "edited").unwrap();
    assert_eq!(card.graph_destination, GraphDestination::Elsewhere);
    assert_eq!(card.graph_url.as_deref(), Some(url));
    assert_eq!(
        card.graph_note.as_deref(),
        Some("Sends its tokens to https://graph.example.net, not to Meta")
    );
    let demo = menu.portfolios.iter().find(|p| p.id == "demo:agency").unwrap();
    assert_eq!(demo.graph_note, None);

    let refused = portfolios::switch_portfolio(&app, "edited".into()).await.unwrap_err();
    assert_eq!(refused.code, "graph_url_unconfirmed");
    assert_eq!(app.active_id(), "demo:agency", "nothing opened");
    let wrong =
        portfolios::confirm_graph_url(&app, "edited".into(), "https://other.example".into())
            .await
            .unwrap_err();
    assert_eq!(wrong.code, "graph_url_unconfirmed", "only the URL the card shows can be confirmed");
    assert!(portfolios::switch_portfolio(&app, "edited".into()).await.is_err());

    portfolios::confirm_graph_url(&app, "edited".into(), url.into()).await.unwrap();
    portfolios::switch_portfolio(&app, "edited".into()).await.expect("confirmed, it opens");

    // The confirmation lasts for this session only.
    let next = state(dir.path(), &keyring, GraphTarget::Meta);
    let refused = portfolios::switch_portfolio(&next, "edited".into()).await.unwrap_err();
    assert_eq!(refused.code, "graph_url_unconfirmed");
}
