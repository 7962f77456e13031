//! Sign in with Meta through the command layer, against the state's own demo emulator (its
//! login dialog answered as the window's person would): the businesses listed, Gatehouse set
//! up in the one picked, the portfolio saved with the new token and opened, the person's token
//! gone; and the steps refused when no sign-in is under way.

use std::sync::Arc;

use gatehouse_commands::login::{self, SignInForm};
use gatehouse_commands::{portfolio, AppState, Environment, GraphTarget, MemoryClipboard};
use gatehouse_core::audit::{AuditAction, AuditFilter};
use gatehouse_core::login::AdminChoice;
use gatehouse_core::profiles::ProfileStore;
use gatehouse_secrets::SecretStore;

fn state(dir: &std::path::Path) -> AppState {
    AppState::new(Environment {
        secrets: SecretStore::mock("gatehouse-sign-in-test"),
        profiles: Ok(ProfileStore::at(dir.join("config"))),
        database: Some(dir.join("gatehouse.sqlite3")),
        exports: None,
        clipboard: Arc::new(MemoryClipboard::default()),
        graph: GraphTarget::Demo,
    })
}

#[tokio::test]
async fn sign_in_set_up_save_and_open() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    let demo = state.demo().await.unwrap();
    let manifest = demo.emulator().manifest().clone();
    let harbor = manifest.businesses.iter().find(|b| !b.developer_apps.is_empty()).unwrap();
    let app = &harbor.developer_apps[0];

    let form =
        SignInForm { app_id: app.id.clone(), app_secret: app.secret.clone(), config_id: None };
    let dialog = login::begin_sign_in(&state, form).await.unwrap();
    assert!(dialog.url.starts_with(demo.url()), "the demo serves the dialog: {}", dialog.url);
    assert!(login::is_sign_in_answer(&format!("{}#access_token=x", dialog.redirect)));
    let landed = demo.emulator().answer_login(&dialog.url, harbor.user_id.as_deref()).unwrap();

    let person = login::finish_sign_in(&state, landed.clone()).await.unwrap();
    assert_eq!(person.businesses.len(), 1);
    assert_eq!(person.businesses[0].id, harbor.id);
    let again = login::finish_sign_in(&state, landed).await.unwrap_err();
    assert_eq!(again.code, "no_sign_in_under_way", "an answer is read once");

    let choices = login::check_business(&state, harbor.id.clone()).await.unwrap();
    assert_eq!(choices.report.business_id, harbor.id, "the connection check, first");
    assert_eq!(choices.adds_app_id.as_deref(), Some(app.id.as_str()));
    assert!(choices.admins.is_empty());
    assert_eq!(choices.suggested, AdminChoice::Create);
    let done = login::set_up_gatehouse(&state, harbor.id.clone(), choices.suggested, String::new())
        .await
        .unwrap();
    assert_eq!(done.portfolio.business_id, harbor.id);
    assert!(done.message.contains("Gatehouse"), "{}", done.message);
    assert_eq!(state.active_id(), done.portfolio.id, "the new portfolio is open");
    let overview = portfolio::portfolio_overview(&state).await.unwrap();
    assert!(overview.system_users.iter().any(|u| u.name == "Gatehouse"), "works as its admin");
    // What the setup changed is in the audit log, as the new portfolio's.
    let filter =
        AuditFilter { portfolio_id: Some(done.portfolio.id.clone()), ..Default::default() };
    let logged: Vec<AuditAction> = state
        .store()
        .await
        .unwrap()
        .audit_entries(&filter)
        .unwrap()
        .iter()
        .rev()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        logged,
        vec![
            AuditAction::AppAddedToBusiness,
            AuditAction::SystemUserCreated,
            AuditAction::TokenGenerated
        ]
    );

    let after = login::check_business(&state, harbor.id.clone()).await.unwrap_err();
    assert_eq!(after.code, "no_sign_in_under_way", "the person's token is gone");
}

#[tokio::test]
async fn a_cancelled_sign_in_ends_it_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    let demo = state.demo().await.unwrap();
    let agency = demo.emulator().manifest().businesses[0].clone();
    let form = SignInForm {
        app_id: agency.apps[0].id.clone(),
        app_secret: agency.apps[0].secret.clone(),
        config_id: None,
    };
    let dialog = login::begin_sign_in(&state, form).await.unwrap();
    let landed = demo.emulator().answer_login(&dialog.url, None).unwrap();
    let cancelled = login::finish_sign_in(&state, landed).await.unwrap_err();
    assert_eq!(cancelled.code, "login_cancelled");
    let set_up =
        login::set_up_gatehouse(&state, agency.id, AdminChoice::Create, String::new()).await;
    assert_eq!(set_up.unwrap_err().code, "no_sign_in_under_way");
}

#[tokio::test]
async fn a_cancel_while_the_business_is_checked_is_not_undone_by_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path());
    let demo = state.demo().await.unwrap();
    let manifest = demo.emulator().manifest().clone();
    let harbor = manifest.businesses.iter().find(|b| !b.developer_apps.is_empty()).unwrap();
    let app = &harbor.developer_apps[0];
    let form =
        SignInForm { app_id: app.id.clone(), app_secret: app.secret.clone(), config_id: None };
    let dialog = login::begin_sign_in(&state, form).await.unwrap();
    let landed = demo.emulator().answer_login(&dialog.url, harbor.user_id.as_deref()).unwrap();
    login::finish_sign_in(&state, landed).await.unwrap();

    // The check takes the sign-in out and waits on Meta; the person cancels meanwhile.
    let check = login::check_business(&state, harbor.id.clone());
    let cancel = async {
        tokio::task::yield_now().await;
        login::cancel_sign_in(&state);
    };
    let (checked, ()) = tokio::join!(check, cancel);
    assert!(checked.is_ok(), "the check itself finishes");
    let after = login::check_business(&state, harbor.id.clone()).await.unwrap_err();
    assert_eq!(after.code, "no_sign_in_under_way", "the person's token is gone for good");
}
