//! Checking a portfolio's connection against the emulator, before anything is saved: a clean
//! admin token, another app's token, a business without an app, a regular system user's token,
//! an unverified business and a token Meta refuses.

use gatehouse_core::connect::{
    self, check_connection, ConnectRequest, ConnectionReport, ProblemCode,
};
use gatehouse_core::profiles::ProfileSecrets;
use gatehouse_core::{NewRole, TokenExpiry};
use gatehouse_demo as demo;
use gatehouse_emulator::{Fixture, ManifestBusiness};
use gatehouse_errors::{Explain, Surface};
use gatehouse_graph::{Scope, Secret};

fn request(url: &str, business: &str, app: &str) -> ConnectRequest {
    ConnectRequest {
        business_id: business.to_owned(),
        app_id: app.to_owned(),
        base_url: Some(url.to_owned()),
        api_version: "v26.0".to_owned(),
    }
}

fn secrets(token: &str, app_secret: &str) -> ProfileSecrets {
    ProfileSecrets {
        admin_token: Secret::new(token.to_owned()),
        app_secret: Secret::new(app_secret.to_owned()),
    }
}

fn codes(report: &ConnectionReport) -> Vec<(ProblemCode, bool)> {
    report.problems.iter().map(|p| (p.code, p.blocking)).collect()
}

fn agency(demo: &demo::DemoPortfolio) -> ManifestBusiness {
    demo.emulator().manifest().businesses[0].clone()
}

#[tokio::test]
async fn an_admin_token_of_the_business_connects_without_blocking_problems() {
    let demo = demo::start().await.expect("demo");
    let b = agency(&demo);
    let app = &b.apps[0];
    let report = check_connection(
        &request(demo.url(), &b.id, &app.id),
        &secrets(b.admin_token.as_deref().unwrap(), &app.secret),
    )
    .await
    .expect("checked");
    assert!(report.is_usable(), "{:?}", report.problems);
    assert_eq!(report.business_id, b.id);
    assert_eq!(report.business_name, b.name);
    assert_eq!(report.token_kind, gatehouse_core::TokenKind::SystemUser);
    assert_eq!(report.token_owner_id, b.admin_system_user_id.clone().unwrap());
    assert_eq!(report.token_app_id.as_deref(), Some(app.id.as_str()));
    let mine = report.apps.iter().find(|a| a.id == app.id).expect("the app is listed");
    assert!(mine.is_profile_app);
    assert_eq!(mine.name, app.name);
    assert!(report.admin_system_users >= 1);
    assert!(report.regular_system_users >= 1);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(b.admin_token.as_deref().unwrap()), "no token in the report");
    assert!(!json.contains(&app.secret));
}

#[tokio::test]
async fn another_apps_token_is_blocking() {
    let demo = demo::start().await.expect("demo");
    let b = agency(&demo);
    let other_app = demo
        .emulator()
        .manifest()
        .businesses
        .iter()
        .flat_map(|x| x.apps.iter())
        .find(|a| a.id != b.apps[0].id)
        .cloned()
        .expect("a client business's own app");
    let report = check_connection(
        &request(demo.url(), &b.id, &other_app.id),
        &secrets(b.admin_token.as_deref().unwrap(), &b.apps[0].secret),
    )
    .await
    .expect("checked");
    assert!(!report.is_usable());
    let blocking: Vec<_> = codes(&report).into_iter().filter(|(_, b)| *b).collect();
    assert_eq!(
        blocking,
        [(ProblemCode::TokenOtherApp, true), (ProblemCode::AppNotOwned, true)],
        "{:?}",
        report.problems
    );
    let claim = report.problems[1].fix.as_deref().unwrap();
    assert!(claim.contains("Business settings") && claim.contains(&other_app.id), "{claim}");
    assert!(report.apps.iter().all(|a| !a.is_profile_app));
}

#[tokio::test]
async fn a_business_without_an_app_is_blocking() {
    let demo = demo::start().await.expect("demo");
    let partner_app = agency(&demo).apps[0].clone();
    let bare = demo
        .emulator()
        .manifest()
        .businesses
        .iter()
        .find(|b| b.apps.is_empty() && b.developer_apps.is_empty() && b.user_token.is_some())
        .cloned()
        .expect("a client business that owns no app");
    let report = check_connection(
        &request(demo.url(), &bare.id, &partner_app.id),
        &secrets(bare.user_token.as_deref().unwrap(), &partner_app.secret),
    )
    .await
    .expect("checked");
    assert!(report.apps.is_empty());
    assert_eq!(report.token_kind, gatehouse_core::TokenKind::User);
    let no_app =
        report.problems.iter().find(|p| p.code == ProblemCode::BusinessOwnsNoApp).expect("no app");
    assert!(no_app.blocking);
    assert!(no_app.fix.as_deref().unwrap().contains("Connect an app ID"), "{no_app:?}");
    assert_eq!(no_app.claim_app_id.as_deref(), Some(partner_app.id.as_str()));
    let personal =
        report.problems.iter().find(|p| p.code == ProblemCode::PersonalToken).expect("a warning");
    assert!(!personal.blocking && personal.fix.as_deref().unwrap().contains("system user"));
}

/// The fix Gatehouse offers: claim the app the admin develops, then the check passes. Claiming
/// again changes nothing; another business's app is refused in plain words.
#[tokio::test]
async fn claiming_the_app_clears_the_no_app_problem() {
    let demo = demo::start().await.expect("demo");
    let harbor = demo
        .emulator()
        .manifest()
        .businesses
        .iter()
        .find(|b| !b.developer_apps.is_empty())
        .cloned()
        .expect("a business whose admin develops an unclaimed app");
    let app = harbor.developer_apps[0].clone();
    let req = request(demo.url(), &harbor.id, &app.id);
    let creds = secrets(harbor.user_token.as_deref().unwrap(), &app.secret);
    let before = check_connection(&req, &creds).await.expect("checked");
    let no_app =
        before.problems.iter().find(|p| p.code == ProblemCode::BusinessOwnsNoApp).expect("no app");
    assert_eq!(no_app.claim_app_id.as_deref(), Some(app.id.as_str()));

    let claim = connect::claim_app(&req, &creds).await.expect("claimed");
    assert_eq!(claim.status, gatehouse_core::AppClaimStatus::Confirmed);
    assert!(claim.message.contains(&app.id), "{}", claim.message);
    let after = check_connection(&req, &creds).await.expect("checked");
    assert!(after.is_usable(), "{:?}", after.problems);
    assert!(after.apps.iter().any(|a| a.id == app.id && a.is_profile_app));
    assert_eq!(
        connect::claim_app(&req, &creds).await.unwrap().status,
        gatehouse_core::AppClaimStatus::AlreadyOwned
    );

    let agency_app = agency(&demo).apps[0].id.clone();
    let refused = connect::claim_app(&request(demo.url(), &harbor.id, &agency_app), &creds)
        .await
        .expect_err("another business's app");
    assert_eq!(refused.code(), "app_not_claimable");
    assert_eq!(refused.field(), Some("app_id"));
    assert!(refused.explanation().contains(&agency_app));
    assert!(
        refused.detail().unwrap_or_default().contains("Graph code 200"),
        "{}",
        refused.detail().unwrap_or_default()
    );
}

/// In demo mode the business without an app opens as its admin with the app to claim: the
/// overview says it owns none, and after the claim it can have system users.
#[tokio::test]
async fn the_demo_business_without_an_app_can_claim_one_and_add_system_users() {
    let demo = demo::start().await.expect("demo");
    let entry = demo
        .portfolios()
        .iter()
        .find(|e| e.label.starts_with("Harbor"))
        .expect("the Harbor & Vine demo portfolio");
    let portfolio = &entry.portfolio;
    let overview = portfolio.overview().await.expect("overview");
    assert_eq!(overview.apps.as_deref(), Some(&[][..]));
    let app_id = overview.app_id.clone().expect("the app it signs in with");
    let refused = portfolio.create_system_user("Too early", NewRole::Regular).await.unwrap_err();
    assert_eq!(refused.code(), "app_missing");

    portfolio.claim_app(&app_id).await.expect("claimed");
    let overview = portfolio.overview().await.expect("overview");
    let apps = overview.apps.expect("listed");
    assert_eq!(apps.len(), 1);
    assert!(apps[0].is_profile_app);
    let created =
        portfolio.create_system_user("Orders Server", NewRole::Regular).await.expect("created");
    let counts = portfolio.access_counts().await.expect("counts");
    let row = counts.iter().find(|c| c.system_user_id == created.id).expect("counted");
    assert_eq!((row.assets, row.apps), (0, 0));
}

#[tokio::test]
async fn a_regular_system_users_token_is_not_an_admins() {
    let demo = demo::start().await.expect("demo");
    let b = agency(&demo);
    let app = &b.apps[0];
    let portfolio = demo.portfolio();
    let su = portfolio.create_system_user("Reporting", NewRole::Regular).await.unwrap().id;
    let generated = portfolio
        .generate_token(&su, &app.id, &[Scope::BusinessManagement], TokenExpiry::Never)
        .await
        .expect("token");
    let report = check_connection(
        &request(demo.url(), &b.id, &app.id),
        &secrets(generated.token.expose(), &app.secret),
    )
    .await
    .expect("checked");
    assert_eq!(report.token_owner_id, su);
    let not_admin =
        report.problems.iter().find(|p| p.code == ProblemCode::TokenNotAdmin).expect("not admin");
    assert!(not_admin.blocking, "{not_admin:?}");
}

#[tokio::test]
async fn an_unverified_business_is_a_warning_only() {
    let fixture = Fixture::from_json(
        r#"{"name": "unverified", "businesses": [{
            "name": "Unverified Bakery", "verification_status": "not_verified",
            "apps": [{"name": "Bakery Sync", "tier": "LIMITED"}],
            "system_users": [{"name": "Admin", "role": "ADMIN"}]
        }]}"#,
    )
    .unwrap();
    let emu = gatehouse_testkit::TestEmulator::start(fixture).await;
    let b = emu.emulator().manifest().businesses[0].clone();
    let report = check_connection(
        &request(emu.url(), &b.id, &b.apps[0].id),
        &secrets(b.admin_token.as_deref().unwrap(), &b.apps[0].secret),
    )
    .await
    .expect("checked");
    assert!(report.is_usable(), "warnings only: {:?}", report.problems);
    let unverified = report
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::BusinessNotVerified)
        .expect("reported");
    assert!(!unverified.blocking);
    assert!(unverified
        .fix
        .as_deref()
        .unwrap()
        .contains("Business settings › Business info › Business verification"));
    // The emulator reports two-factor as not required: also a warning, never blocking.
    if report.two_factor == gatehouse_core::TwoFactor::NotRequired {
        assert!(report
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::TwoFactorNotRequired && !p.blocking));
    }
}

#[tokio::test]
async fn a_token_meta_refuses_is_an_error() {
    let demo = demo::start().await.expect("demo");
    let b = agency(&demo);
    let error = check_connection(
        &request(demo.url(), &b.id, &b.apps[0].id),
        &secrets("EAAnot-a-real-token", &b.apps[0].secret),
    )
    .await
    .unwrap_err();
    assert!(error.code().as_str().starts_with("token_"), "{error:?}");
    assert!(!error.fix(Surface::Desktop).unwrap_or_default().is_empty());
    assert_eq!(error.field(), Some("admin_token"), "the form marks the token it refused");
    let wrong_secret = check_connection(
        &request(demo.url(), &b.id, &b.apps[0].id),
        &secrets(b.admin_token.as_deref().unwrap(), "0123456789abcdef0123456789abcdef"),
    )
    .await
    .unwrap_err();
    assert_eq!(wrong_secret.code(), "app_secret_proof_rejected", "{wrong_secret:?}");
    assert_eq!(wrong_secret.field(), Some("app_secret"));
}
