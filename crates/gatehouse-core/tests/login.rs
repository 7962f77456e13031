//! Sign in with Meta, then Gatehouse sets itself up, against the emulator's login dialog: the
//! dialog's address, a person signing in (the browser's part played by a plain HTTP client),
//! the redirect read, the token exchanged, the businesses listed, the admin system user
//! created (then reused), and its token working as the portfolio's admin token. Also every way
//! the sign-in can fail.

use gatehouse_core::connect::ProblemCode;
use gatehouse_core::connect::{check_connection, ConnectRequest};
use gatehouse_core::login::{
    admin_system_users, check_business, is_login_redirect, login_dialog, read_redirect, set_up,
    sign_in, AdminChoice, LoginAccess, LoginGrant, LOGIN_REDIRECT,
};
use gatehouse_core::profiles::ProfileSecrets;
use gatehouse_core::{Error, TokenKind};
use gatehouse_emulator::Fixture;
use gatehouse_errors::{Explain, Surface};
use gatehouse_graph::Secret;
use gatehouse_testkit::TestEmulator;

/// Plays the person in the login window: opens the dialog, then presses "Continue as …" for
/// `person` (or Cancel), and returns where the window is sent.
async fn sign_in_as(dialog_url: &str, person: Option<&str>) -> String {
    answer_dialog(dialog_url, person, None).await
}

/// [`sign_in_as`], leaving only `ticked` of the permissions ticked under "Edit access" (None:
/// the person does not open it).
async fn answer_dialog(dialog_url: &str, person: Option<&str>, ticked: Option<&[&str]>) -> String {
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http.get(dialog_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Continue as"), "{page}");
    let url = url::Url::parse(dialog_url).unwrap();
    let mut form: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| {
            ["client_id", "redirect_uri", "state", "scope", "response_type"].contains(&k.as_str())
        })
        .collect();
    match person {
        Some(p) => form.push(("person".into(), p.into())),
        None => form.push(("cancel".into(), "1".into())),
    }
    if let Some(ticked) = ticked {
        form.push(("edit_access".into(), "1".into()));
        form.extend(ticked.iter().map(|s| ("grant".to_owned(), (*s).to_owned())));
    }
    let answer_url = format!("{}://{}/dialog/oauth/answer", url.scheme(), url.host_str().unwrap())
        .replace("://127.0.0.1/", &format!("://127.0.0.1:{}/", url.port().unwrap()));
    let answer = http.post(answer_url).form(&form).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 302);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn sign_in_then_gatehouse_sets_itself_up() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency();
    let app = agency.apps[0].clone();
    let app_secret = Secret::new(app.secret.clone());

    let dialog =
        login_dialog(Some(kit.url()), "v26.0", &app.id, &LoginAccess::Permissions).unwrap();
    assert!(
        dialog.url.starts_with(&format!("{}/v26.0/dialog/oauth?", kit.url())),
        "{}",
        dialog.url
    );
    for part in [
        "response_type=token",
        "scope=business_management",
        "redirect_uri=https%3A%2F%2Fwww.facebook.com%2Fconnect%2Flogin_success.html",
    ] {
        assert!(dialog.url.contains(part), "{part} in {}", dialog.url);
    }
    let meta = login_dialog(None, "v26.0", &app.id, &LoginAccess::Permissions).unwrap();
    assert!(meta.url.starts_with("https://www.facebook.com/v26.0/dialog/oauth?"));
    assert_ne!(meta.state, dialog.state, "a new state each time");

    let landed = sign_in_as(&dialog.url, agency.user_id.as_deref()).await;
    assert!(is_login_redirect(&landed), "{landed}");
    let short = read_redirect(&landed, &dialog.state).expect("a token");
    let signed = sign_in(&kit.client(), &app.id, &app_secret, short).await.expect("signed in");
    assert_eq!(Some(signed.person_id.as_str()), agency.user_id.as_deref());
    assert!(signed.businesses.iter().any(|b| b.id == agency.id), "{:?}", signed.businesses);
    assert!(!format!("{signed:?}").contains("EAA"), "no token in Debug");

    // The business has its admin system user already, and Meta allows it no second one: a new
    // "Gatehouse" is refused with the limit in Meta's words, and the one there is used.
    let admins = admin_system_users(&signed, &agency.id).await.unwrap();
    assert_eq!(admins.len(), 1, "{admins:?}");
    let reuse = AdminChoice::Reuse { system_user_id: admins[0].id.clone() };
    assert_eq!(AdminChoice::default_for(&admins), reuse, "the one there is suggested");
    let refused =
        set_up(&signed, &agency.id, &app.id, &AdminChoice::Create, None).await.unwrap_err();
    assert_eq!(refused.code(), "system_user_limit", "{refused:?}");
    let (token, done) = set_up(&signed, &agency.id, &app.id, &reuse, None).await.expect("set up");
    assert!(done.reused && done.system_user_id.as_ref() == Some(&admins[0].id), "{done:?}");
    let secrets = ProfileSecrets { admin_token: token, app_secret: app_secret.clone() };
    let request = ConnectRequest {
        business_id: agency.id.clone(),
        app_id: app.id.clone(),
        base_url: Some(kit.url().to_owned()),
        api_version: "v26.0".into(),
    };
    let report = check_connection(&request, &secrets).await.expect("the new token works");
    assert_eq!(report.token_kind, TokenKind::SystemUser);
    assert_eq!(Some(report.token_owner_id), done.system_user_id);
    assert!(report.problems.iter().all(|p| !p.blocking), "{:?}", report.problems);
}

/// A business whose person develops the app but has no system users yet (no app of its own):
/// Gatehouse adds the app to the business, adds its own admin system user, and the next
/// sign-in finds that one again instead of adding a second.
#[tokio::test]
async fn gatehouse_adds_the_app_and_its_admin_system_user_once() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let manifest = kit.emulator().manifest().clone();
    let harbor = manifest.businesses.iter().find(|b| !b.developer_apps.is_empty()).unwrap();
    let app = harbor.developer_apps[0].clone();
    let app_secret = Secret::new(app.secret.clone());
    let mut created = None;
    for _ in 0..2 {
        let dialog =
            login_dialog(Some(kit.url()), "v26.0", &app.id, &LoginAccess::Permissions).unwrap();
        let landed = sign_in_as(&dialog.url, harbor.user_id.as_deref()).await;
        let short = read_redirect(&landed, &dialog.state).unwrap();
        let signed = sign_in(&kit.client(), &app.id, &app_secret, short).await.unwrap();
        let admins = admin_system_users(&signed, &harbor.id).await.unwrap();
        let choice = AdminChoice::default_for(&admins);
        let (_, done) = set_up(&signed, &harbor.id, &app.id, &choice, None).await.expect("set up");
        match &created {
            None => {
                assert_eq!(choice, AdminChoice::Create);
                assert!(!done.reused && done.message.contains("“Gatehouse”"), "{done:?}");
                created = Some(done.system_user_id);
            }
            Some(id) => assert!(done.reused && &done.system_user_id == id, "{done:?}"),
        }
    }
}

#[tokio::test]
async fn every_way_the_sign_in_fails_is_worded() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency();
    let app = agency.apps[0].clone();
    let dialog =
        login_dialog(Some(kit.url()), "v26.0", &app.id, &LoginAccess::Permissions).unwrap();

    let cancelled = read_redirect(&sign_in_as(&dialog.url, None).await, &dialog.state).unwrap_err();
    assert!(matches!(cancelled, Error::LoginCancelled), "{cancelled:?}");

    let outsider = kit
        .emulator()
        .manifest()
        .businesses
        .iter()
        .find(|b| b.id != agency.id && b.user_id.is_some())
        .unwrap()
        .clone();
    let refused =
        read_redirect(&sign_in_as(&dialog.url, outsider.user_id.as_deref()).await, &dialog.state)
            .unwrap_err();
    assert!(matches!(refused, Error::LoginRefused { .. }), "{refused:?}");
    assert!(refused.fix(Surface::Desktop).unwrap().contains("App roles"));

    let landed = sign_in_as(&dialog.url, agency.user_id.as_deref()).await;
    let foreign = read_redirect(&landed, "another-state").unwrap_err();
    assert!(matches!(foreign, Error::LoginFailed(_)), "{foreign:?}");
    for bad in [
        "https://evil.example/connect/login_success.html#access_token=x",
        "not a url",
        LOGIN_REDIRECT,
    ] {
        let e = read_redirect(bad, &dialog.state).unwrap_err();
        assert_eq!(e.code(), "login_failed", "{bad}");
        assert!(!e.explanation().is_empty() && e.fix(Surface::Cli).is_some());
    }
    assert!(!is_login_redirect(
        "https://www.facebook.com/connect/login_success.html.evil.example/"
    ));
    assert!(!is_login_redirect("http://www.facebook.com/connect/login_success.html"));

    let config = LoginAccess::Configuration { config_id: "123456".into() };
    let with_config = login_dialog(None, "v26.0", &app.id, &config).unwrap();
    assert!(with_config.url.contains("config_id=123456") && !with_config.url.contains("scope="));
    let bad = login_dialog(
        None,
        "v26.0",
        &app.id,
        &LoginAccess::Configuration { config_id: "x&scope=a".into() },
    );
    assert!(bad.is_err());
}

/// The business picked is checked with the person's token before anything is set up: what the
/// setup fixes itself (adding the app), what is worth knowing before keeping one's own
/// sign-in; and keeping it saves the person's own 60-day token as the admin token.
#[tokio::test]
async fn the_business_is_checked_first_and_the_person_may_keep_their_own_sign_in() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let manifest = kit.emulator().manifest().clone();
    let harbor = manifest.businesses.iter().find(|b| !b.developer_apps.is_empty()).unwrap();
    let app = harbor.developer_apps[0].clone();
    let app_secret = Secret::new(app.secret.clone());
    let dialog =
        login_dialog(Some(kit.url()), "v26.0", &app.id, &LoginAccess::Permissions).unwrap();
    let landed = sign_in_as(&dialog.url, harbor.user_id.as_deref()).await;
    let short = read_redirect(&landed, &dialog.state).unwrap();
    let signed = sign_in(&kit.client(), &app.id, &app_secret, short).await.unwrap();

    let checked = check_business(&signed, &harbor.id, &app.id, Some(kit.url()), "v26.0")
        .await
        .expect("checked");
    assert_eq!(checked.report.business_id, harbor.id);
    assert_eq!(checked.adds_app_id.as_deref(), Some(app.id.as_str()), "the setup adds the app");
    assert!(checked.blocking.is_empty(), "{:?}", checked.blocking);
    let warning = checked.own_sign_in_warning.as_ref().expect("a person's token");
    assert_eq!(warning.code, ProblemCode::PersonalToken);
    assert!(checked.warnings.iter().all(|p| p.code != ProblemCode::PersonalToken));
    assert_eq!(checked.suggested, AdminChoice::Create);

    let (token, done) =
        set_up(&signed, &harbor.id, &app.id, &AdminChoice::OwnSignIn, None).await.expect("kept");
    assert_eq!(done.system_user_id, None);
    assert!(done.message.contains("your own sign-in"), "{}", done.message);
    let secrets = ProfileSecrets { admin_token: token, app_secret };
    let request = ConnectRequest {
        business_id: harbor.id.clone(),
        app_id: app.id.clone(),
        base_url: Some(kit.url().to_owned()),
        api_version: "v26.0".into(),
    };
    let report = check_connection(&request, &secrets).await.expect("the person's token works");
    assert_eq!(report.token_owner_id, signed.person_id);
    assert!(report.is_usable(), "the app was added: {:?}", report.problems);
    assert!(report.problems.iter().any(|p| p.code == ProblemCode::PersonalToken));

    let typo = check_business(&signed, "12ab", &app.id, Some(kit.url()), "v26.0").await;
    assert_eq!(typo.unwrap_err().code(), "profile_field_invalid");
}

/// A person who unticks business_management in Meta's dialog is told what is missing and how
/// to sign in again; nothing is set up.
#[tokio::test]
async fn a_sign_in_without_business_management_is_refused_with_the_fix() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency();
    let app = agency.apps[0].clone();
    let dialog =
        login_dialog(Some(kit.url()), "v26.0", &app.id, &LoginAccess::Permissions).unwrap();
    let landed = answer_dialog(&dialog.url, agency.user_id.as_deref(), Some(&[])).await;
    let short = read_redirect(&landed, &dialog.state).expect("Meta still answers with a token");
    let refused =
        sign_in(&kit.client(), &app.id, &Secret::new(app.secret.clone()), short).await.unwrap_err();
    assert_eq!(refused.code(), "login_missing_permission", "{refused:?}");
    assert!(refused.explanation().contains("business_management"));
    assert!(refused.fix(Surface::Desktop).unwrap().contains("Edit access"));
}

/// Meta may answer with a code to exchange rather than a token (a Facebook Login for Business
/// configuration, say): the sign-in takes it, exchanges it once with the app secret, and goes on.
#[tokio::test]
async fn a_code_in_the_answer_is_exchanged_once() {
    let kit = TestEmulator::start(Fixture::demo()).await;
    let agency = kit.agency();
    let app = agency.apps[0].clone();
    let app_secret = Secret::new(app.secret.clone());
    let dialog =
        login_dialog(Some(kit.url()), "v26.0", &app.id, &LoginAccess::Permissions).unwrap();
    let asked_for_code = dialog.url.replace("response_type=token", "response_type=code");
    let landed = sign_in_as(&asked_for_code, agency.user_id.as_deref()).await;
    assert!(landed.contains("?code=") && !landed.contains("access_token"), "{landed}");
    let grant = read_redirect(&landed, &dialog.state).expect("a code");
    assert!(matches!(grant, LoginGrant::Code(_)) && format!("{grant:?}") == "LoginGrant::Code(..)");
    let signed = sign_in(&kit.client(), &app.id, &app_secret, grant).await.expect("signed in");
    assert_eq!(Some(signed.person_id.as_str()), agency.user_id.as_deref());

    // A code works once.
    let again = read_redirect(&landed, &dialog.state).unwrap();
    let used = sign_in(&kit.client(), &app.id, &app_secret, again).await.unwrap_err();
    assert!(format!("{used:?}").contains("has been used"), "{used:?}");
    let log = kit.emulator().request_log();
    let code = landed.split("code=").nth(1).unwrap().split('&').next().unwrap();
    assert!(!format!("{log:?}").contains(code), "the code is not in the emulator's log");
}
