//! The token lifecycle against the demo portfolio: preflight, install, generate with a
//! post-check, inspect, refresh, revoke, invalidate, and a lost answer that is never retried.

use gatehouse_core::{parse_scopes, CheckId, NewRole, TokenExpiry, TokenStep};
use gatehouse_demo as demo;
use gatehouse_emulator::FaultConfig;
use gatehouse_errors::{Explain, Surface};
use gatehouse_graph::{
    AdAccountTask, AssetKind, Assignment, ListOptions, Relation, Scope, Secret, TaskSet,
};

const SIXTY_DAYS: f64 = 60.0 * 86_400.0;

/// The demo, a new regular system user with one ad account (MANAGE, ADVERTISE, ANALYZE), and
/// the demo app's ID and secret.
struct Setup {
    demo: demo::DemoPortfolio,
    system_user: String,
    ad_account: String,
    app_id: String,
    app_secret: Secret,
}

async fn setup() -> Setup {
    let demo = demo::start().await.expect("demo");
    let app = demo.emulator().manifest().businesses[0].apps[0].clone();
    let portfolio = demo.portfolio();
    let system_user =
        portfolio.create_system_user("Token Server", NewRole::Regular).await.expect("created").id;
    let (accounts, _) = portfolio
        .session()
        .assets(
            portfolio.business_id(),
            AssetKind::AdAccount,
            Relation::Owned,
            &ListOptions { page_size: Some(25), ..ListOptions::default() },
        )
        .collect_all()
        .await
        .expect("ad accounts");
    let ad_account = accounts[0].id.clone();
    portfolio
        .session()
        .assign(&Assignment {
            asset_id: ad_account.clone(),
            user_id: system_user.clone(),
            tasks: TaskSet::of(vec![
                AdAccountTask::Manage,
                AdAccountTask::Advertise,
                AdAccountTask::Analyze,
            ]),
        })
        .await
        .expect("assigned");
    Setup { demo, system_user, ad_account, app_id: app.id, app_secret: Secret::new(app.secret) }
}

fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64()
}

fn posts_to_access_tokens(demo: &demo::DemoPortfolio) -> usize {
    demo.emulator()
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("access_tokens"))
        .count()
}

#[tokio::test]
async fn preflight_reports_the_missing_install_then_passes_after_installing() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    let preflight = portfolio
        .token_preflight(&s.system_user, &s.app_id, &[Scope::AdsManagement])
        .await
        .expect("preflight");
    let by_id = |p: &gatehouse_core::Preflight, id: CheckId| {
        p.checks.iter().find(|c| c.id == id).cloned().unwrap_or_else(|| panic!("no {id:?}: {p:?}"))
    };
    assert!(by_id(&preflight, CheckId::AppUsable).ok);
    let installed = by_id(&preflight, CheckId::AppInstalled);
    assert!(!installed.ok, "{installed:?}");
    assert!(installed.fix.as_deref().unwrap().contains("installs it as a step"));
    assert!(by_id(&preflight, CheckId::ScopesAllowed).ok);
    let ad_accounts = preflight
        .checks
        .iter()
        .find(|c| (c.id, c.asset_kind) == (CheckId::Assets, Some(AssetKind::AdAccount)))
        .expect("the ad-account check");
    assert!(ad_accounts.ok);
    assert!(ad_accounts.title.contains("1 ad account"));
    // The terms check ran over the assigned ad account (accepted or not: it is a warning).
    let terms = by_id(&preflight, CheckId::CustomAudienceTerms);
    assert!(!terms.blocking);
    assert_eq!(preflight.added_dependencies, vec!["pages_read_engagement", "pages_show_list"]);
    assert_eq!(
        preflight.scopes,
        vec!["ads_management", "pages_read_engagement", "pages_show_list"]
    );
    assert!(preflight.ready, "installing is a step, not a blocker: {preflight:?}");

    portfolio.install_app(&s.system_user, &s.app_id).await.expect("installed");
    portfolio.install_app(&s.system_user, &s.app_id).await.expect("installing twice is fine");
    let after = portfolio
        .token_preflight(&s.system_user, &s.app_id, &[Scope::AdsManagement])
        .await
        .expect("preflight");
    assert!(by_id(&after, CheckId::AppInstalled).ok);
    assert!(by_id(&after, CheckId::AppInstalled).fix.is_none());
}

#[tokio::test]
async fn preflight_blocks_on_missing_assets_and_unknown_apps() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    let preflight = portfolio
        .token_preflight(
            &s.system_user,
            &s.app_id,
            &[Scope::CatalogManagement, Scope::WhatsappBusinessMessaging],
        )
        .await
        .expect("preflight");
    assert!(!preflight.ready);
    for kind in [AssetKind::Catalog, AssetKind::WhatsappBusinessAccount] {
        let c = preflight.checks.iter().find(|c| c.asset_kind == Some(kind)).expect("asset check");
        assert!(!c.ok && c.blocking, "{c:?}");
        assert!(c.fix.as_deref().unwrap().starts_with("Assign at least one"), "{c:?}");
    }
    assert!(preflight.added_dependencies.contains(&"business_management".to_owned()));
    assert!(preflight.added_dependencies.contains(&"whatsapp_business_management".to_owned()));

    let other = portfolio
        .token_preflight(&s.system_user, "5550999999999", &[Scope::AdsRead])
        .await
        .expect("preflight");
    let app = other.checks.iter().find(|c| c.id == CheckId::AppUsable).unwrap();
    assert!(!app.ok && app.blocking && app.fix.is_some(), "{app:?}");
    assert!(!other.ready);
}

#[tokio::test]
async fn a_sixty_day_token_is_checked_after_generation() {
    let s = setup().await;
    let generated = s
        .demo
        .portfolio()
        .generate_token(&s.system_user, &s.app_id, &[Scope::AdsManagement], TokenExpiry::SixtyDays)
        .await
        .expect("generated");
    let report = &generated.post_check;
    assert_eq!(report.kind, gatehouse_core::TokenKind::SystemUser);
    assert_eq!(report.kind_label, "System user token");
    assert!(report.valid);
    assert_eq!(report.app_id.as_deref(), Some(s.app_id.as_str()));
    assert_eq!(report.user_id.as_deref(), Some(s.system_user.as_str()));
    assert!(report.scopes.contains(&"ads_management".to_owned()), "{report:?}");
    assert!(report.scopes.contains(&"pages_show_list".to_owned()), "dependencies are sent");
    let targets = report.scope_targets.iter().find(|t| t.scope == "ads_management").unwrap();
    let numeric = s.ad_account.trim_start_matches("act_");
    assert!(
        targets.target_ids.iter().any(|t| t.trim_start_matches("act_") == numeric),
        "{targets:?} should name {}",
        s.ad_account
    );
    assert!(!report.never_expires);
    let expires = report.expires_at_unix.expect("expires");
    assert!((expires - now() - SIXTY_DAYS).abs() < 3_600.0, "{expires}");
    assert!(matches!(report.expires_in_days, Some(d) if (59.0..=60.0).contains(&d)));
    // Generation installed the app on the way.
    let after = s
        .demo
        .portfolio()
        .token_preflight(&s.system_user, &s.app_id, &[Scope::AdsManagement])
        .await
        .unwrap();
    assert!(after.checks.iter().any(|c| c.id == CheckId::AppInstalled && c.ok));
}

#[tokio::test]
async fn a_never_expiring_token_says_so_and_cannot_be_refreshed() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    let generated = portfolio
        .generate_token(&s.system_user, &s.app_id, &[Scope::AdsRead], TokenExpiry::Never)
        .await
        .expect("generated");
    assert!(generated.post_check.never_expires);
    assert_eq!(generated.post_check.expires_at_unix, None);
    assert_eq!(generated.post_check.scopes, vec!["ads_read"]);
    let error = portfolio.refresh_token(&generated.token, &s.app_secret).await.unwrap_err();
    assert_eq!(error.code(), "token_never_expires");
    assert!(error.explanation().contains("never expires"), "{}", error.explanation());
}

#[tokio::test]
async fn scopes_that_are_not_allowed_are_refused_with_the_field() {
    let error = parse_scopes(&["ads_management", "publish_actions"]).unwrap_err();
    assert_eq!(error.code(), "invalid_input");
    assert_eq!(error.field(), Some("scope"));
    assert!(
        error.detail().unwrap_or_default().contains("publish_actions"),
        "{}",
        error.detail().unwrap_or_default()
    );

    let s = setup().await;
    let error = s
        .demo
        .portfolio()
        .generate_token(&s.system_user, &s.app_id, &[], TokenExpiry::SixtyDays)
        .await
        .unwrap_err();
    assert_eq!(error.field(), Some("scope"));
    assert_eq!(posts_to_access_tokens(&s.demo), 0);
}

#[tokio::test]
async fn inspect_refresh_revoke_and_invalidate() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    let first = portfolio
        .generate_token(&s.system_user, &s.app_id, &[Scope::AdsRead], TokenExpiry::SixtyDays)
        .await
        .expect("generated");

    let inspected = portfolio.inspect_token(&first.token).await.expect("inspected");
    assert_eq!(inspected, first.post_check);

    let refreshed = portfolio.refresh_token(&first.token, &s.app_secret).await.expect("refreshed");
    assert_ne!(refreshed.token, first.token);
    assert!(refreshed.post_check.valid);
    assert_eq!(refreshed.post_check.scopes, vec!["ads_read"]);
    assert!(refreshed.post_check.expires_at_unix.is_some());
    // The old token keeps working until its own expiry.
    assert!(portfolio.inspect_token(&first.token).await.is_ok());

    let revoked = portfolio.revoke_token(&first.token, &s.app_secret).await.expect("revoked");
    assert!(!revoked.already_invalid);
    let error = portfolio.inspect_token(&first.token).await.unwrap_err();
    assert_eq!(error.code(), "token_invalid");
    assert!(
        error.detail().unwrap_or_default().contains("190"),
        "{}",
        error.detail().unwrap_or_default()
    );
    let again = portfolio.revoke_token(&first.token, &s.app_secret).await.expect("no-op");
    assert!(again.already_invalid);
    // The refreshed token is another token: still valid.
    assert!(portfolio.inspect_token(&refreshed.token).await.is_ok());

    portfolio.invalidate_all_tokens(&s.system_user).await.expect("invalidated");
    assert_eq!(
        portfolio.inspect_token(&refreshed.token).await.unwrap_err().code(),
        "token_invalid"
    );
    // New tokens can be generated afterwards.
    let fresh = portfolio
        .generate_token(&s.system_user, &s.app_id, &[Scope::AdsRead], TokenExpiry::SixtyDays)
        .await
        .expect("generated after invalidation");
    assert!(fresh.post_check.valid);
}

#[tokio::test]
async fn a_lost_answer_is_reported_as_may_have_been_issued_and_never_retried() {
    // The answer lost, or answered with Meta's code 1 or 2 after the token was made (HTTP 500 and
    // the 2/1504044 HTTP 400 variant): the same "may have been issued", never a retry.
    let faults = [
        FaultConfig { commit_then_drop_next: 1, ..FaultConfig::default() },
        FaultConfig { commit_then_error_next: 1, ..FaultConfig::default() },
        FaultConfig {
            commit_then_error_next: 1,
            transient_status: Some(400),
            ..FaultConfig::default()
        },
        FaultConfig {
            commit_then_error_next: 1,
            commit_then_error_code: Some(1),
            ..FaultConfig::default()
        },
    ];
    for fault in faults {
        let s = setup().await;
        let portfolio = s.demo.portfolio();
        portfolio.install_app(&s.system_user, &s.app_id).await.expect("installed");
        s.demo.emulator().set_faults(FaultConfig {
            path_contains: Some("access_tokens".into()),
            ..fault.clone()
        });
        let error = portfolio
            .generate_token(&s.system_user, &s.app_id, &[Scope::AdsRead], TokenExpiry::SixtyDays)
            .await
            .unwrap_err();
        assert_eq!(error.code(), "token_may_have_been_issued", "{fault:?}");
        assert!(error.explanation().contains("never received"), "{}", error.explanation());
        let fix = error.fix(Surface::Desktop).unwrap_or_default();
        assert!(
            fix.contains("generate a new token") && fix.contains("invalidate all tokens"),
            "{fix}"
        );
        assert!(
            error.detail().unwrap_or_default().contains(&s.system_user),
            "{}",
            error.detail().unwrap_or_default()
        );
        assert_eq!(posts_to_access_tokens(&s.demo), 1, "generation is never sent twice");
        let snapshot = s.demo.emulator().state_snapshot();
        let issued = snapshot["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["user"] == s.system_user.as_str())
            .count();
        assert_eq!(issued, 1, "Meta made the token: {fault:?}");
    }
}

#[tokio::test]
async fn formatted_results_never_contain_the_token() {
    let s = setup().await;
    let generated = s
        .demo
        .portfolio()
        .generate_token(&s.system_user, &s.app_id, &[Scope::AdsRead], TokenExpiry::SixtyDays)
        .await
        .expect("generated");
    let token = generated.token.expose().to_owned();
    assert!(token.len() > 20);
    for text in
        [format!("{generated:?}"), format!("{generated:#?}"), format!("{:?}", generated.post_check)]
    {
        assert!(!text.contains(&token), "the token leaked: {text}");
    }
    let refreshed =
        s.demo.portfolio().refresh_token(&generated.token, &s.app_secret).await.expect("refreshed");
    assert!(!format!("{refreshed:?}").contains(refreshed.token.expose()));
}

#[tokio::test]
async fn generation_reports_its_steps() {
    let s = setup().await;
    let mut steps = Vec::new();
    let generated = s
        .demo
        .portfolio()
        .generate_token_with_progress(
            &s.system_user,
            &s.app_id,
            &[Scope::AdsRead],
            TokenExpiry::SixtyDays,
            |step| steps.push(step),
        )
        .await
        .expect("generated");
    assert!(generated.post_check.verified && generated.post_check_error.is_none());
    assert_eq!(
        steps,
        vec![TokenStep::InstallingApp, TokenStep::Generating, TokenStep::Checking, TokenStep::Done]
    );
}

#[tokio::test]
async fn a_failed_post_check_still_hands_over_the_token() {
    let s = setup().await;
    s.demo.emulator().set_faults(FaultConfig {
        transient_error_next: 1_000,
        path_contains: Some("debug_token".into()),
        ..FaultConfig::default()
    });
    let generated = s
        .demo
        .portfolio()
        .generate_token(&s.system_user, &s.app_id, &[Scope::AdsRead], TokenExpiry::Never)
        .await
        .expect("the token is not lost");
    assert!(!generated.post_check.verified);
    assert!(generated.post_check.never_expires);
    assert_eq!(generated.post_check.scopes, vec!["ads_read"]);
    let why = generated.post_check_error.expect("explained");
    assert!(why.contains("was issued"), "{why}");
    s.demo.emulator().set_faults(FaultConfig::default());
    let inspected = s.demo.portfolio().inspect_token(&generated.token).await.expect("valid");
    assert!(inspected.verified && inspected.never_expires);
}

#[tokio::test]
async fn custom_audience_terms_are_checked_on_the_assigned_ad_accounts() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    let (accounts, _) = portfolio
        .session()
        .assets(
            portfolio.business_id(),
            AssetKind::AdAccount,
            Relation::Owned,
            &ListOptions { with_terms: true, ..ListOptions::default() },
        )
        .collect_all()
        .await
        .expect("ad accounts");
    let accepted = |a: &gatehouse_graph::Asset| {
        a.extra
            .get("tos_accepted")
            .and_then(|v| v.as_object())
            .is_some_and(|m| m.contains_key("custom_audience_tos"))
    };
    let first_ok = accepted(accounts.iter().find(|a| a.id == s.ad_account).expect("listed"));
    let terms = |p: &gatehouse_core::Preflight| {
        p.checks
            .iter()
            .find(|c| c.id == CheckId::CustomAudienceTerms)
            .cloned()
            .expect("terms check")
    };
    let before = portfolio
        .token_preflight(&s.system_user, &s.app_id, &[Scope::AdsManagement])
        .await
        .unwrap();
    assert_eq!(terms(&before).ok, first_ok, "{:?}", terms(&before));

    // Assign an account whose terms are not accepted: the check fails, naming it, as a warning.
    let refused = accounts.iter().find(|a| !accepted(a)).expect("the demo has some");
    portfolio
        .session()
        .assign(&Assignment {
            asset_id: refused.id.clone(),
            user_id: s.system_user.clone(),
            tasks: TaskSet::of(vec![AdAccountTask::Advertise, AdAccountTask::Analyze]),
        })
        .await
        .expect("assigned");
    let after = portfolio
        .token_preflight(&s.system_user, &s.app_id, &[Scope::AdsManagement])
        .await
        .unwrap();
    let check = terms(&after);
    assert!(!check.ok && !check.blocking, "{check:?}");
    assert!(check.title.contains(&refused.id), "{check:?}");
    assert!(check.fix.as_deref().unwrap().contains("customaudiences/tos"), "{check:?}");
    assert!(after.ready, "the terms only matter for Custom Audiences");
    // ads_read alone does not ask for the terms.
    let read =
        portfolio.token_preflight(&s.system_user, &s.app_id, &[Scope::AdsRead]).await.unwrap();
    assert!(read.checks.iter().all(|c| c.id != CheckId::CustomAudienceTerms));
}

#[tokio::test]
async fn preflight_knows_admins_and_strangers() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    let admin = s.demo.emulator().manifest().businesses[0]
        .admin_system_user_id
        .clone()
        .expect("the demo has an admin system user");
    let preflight = portfolio
        .token_preflight(
            &admin,
            &s.app_id,
            &[Scope::WhatsappBusinessManagement, Scope::CatalogManagement],
        )
        .await
        .expect("preflight");
    let waba = preflight
        .checks
        .iter()
        .find(|c| c.asset_kind == Some(AssetKind::WhatsappBusinessAccount))
        .expect("waba check");
    assert!(waba.ok, "admins reach every WABA by default: {waba:?}");
    let catalog = preflight
        .checks
        .iter()
        .find(|c| c.asset_kind == Some(AssetKind::Catalog))
        .expect("catalog");
    assert!(catalog.ok || !catalog.blocking, "{catalog:?}");
    assert!(preflight.checks.iter().any(|c| c.id == CheckId::SystemUser && c.ok));

    let stranger =
        portfolio.token_preflight("61009999999999", &s.app_id, &[Scope::AdsRead]).await.unwrap();
    let who = stranger.checks.iter().find(|c| c.id == CheckId::SystemUser).unwrap();
    assert!(!who.ok && who.blocking, "{who:?}");
    assert!(!stranger.ready);
}

#[tokio::test]
async fn a_permission_outside_the_apps_use_cases_is_refused_in_plain_words() {
    let s = setup().await;
    let portfolio = s.demo.portfolio();
    // The demo app has no WhatsApp use case.
    let scopes = parse_scopes(&["whatsapp_business_management"]).unwrap();
    let err = portfolio
        .generate_token(&s.system_user, &s.app_id, &scopes, TokenExpiry::SixtyDays)
        .await
        .expect_err("refused");
    assert_eq!(err.code(), "permission_not_grantable");
    assert!(err.explanation().contains("whatsapp_business_management"), "{}", err.explanation());
    assert!(
        err.fix(Surface::Desktop).unwrap_or_default().contains("Use cases"),
        "{}",
        err.fix(Surface::Desktop).unwrap_or_default()
    );
    assert_eq!(err.field(), Some("scope"));
    assert!(
        err.detail().unwrap_or_default().contains("Graph code 200"),
        "{}",
        err.detail().unwrap_or_default()
    );
    // Nothing was issued, and the permissions it can grant still work.
    let ok = parse_scopes(&["ads_management"]).unwrap();
    let generated = portfolio
        .generate_token(&s.system_user, &s.app_id, &ok, TokenExpiry::SixtyDays)
        .await
        .expect("generated");
    assert!(generated.post_check.scopes.contains(&"ads_management".to_owned()));
}
