//! The client against the in-process Graph API emulator: every endpoint family, error classes,
//! and faults (transient errors, commit-then-drop, throttling windows, latency).

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use gatehouse_emulator::{EmulatorConfig, FaultConfig, Fixture, ManifestBusiness, RunningEmulator};
use gatehouse_errors::ErrorCode;
use gatehouse_errors::Explain;
use gatehouse_errors::Surface;
use gatehouse_graph::*;
use gatehouse_testkit::TestEmulator;

/// The test kit's config (virtual clock the emulator follows, pacing off) with quicker
/// backoff and an earlier give-up on throttles, as these tests want.
fn fast_config(kit: &TestEmulator) -> ClientConfig {
    let mut c = kit.client_config();
    c.retry.max_delay = Duration::from_millis(20);
    c.retry.budget = Duration::from_secs(20);
    c.retry.max_throttle_wait = Duration::from_secs(1);
    c.batch.max_rounds = 10;
    c
}

struct Env {
    kit: TestEmulator,
    client: GraphClient,
}

impl Env {
    async fn start(fixture: Fixture) -> Self {
        Self::with(EmulatorConfig::new(fixture)).await
    }

    async fn with(config: EmulatorConfig) -> Self {
        let kit = TestEmulator::with(config).await;
        let client = GraphClient::new(fast_config(&kit)).unwrap();
        Self { kit, client }
    }

    fn emu(&self) -> &RunningEmulator {
        self.kit.emulator()
    }

    /// The first business with an admin system-user token and an app.
    fn agency(&self) -> ManifestBusiness {
        self.kit.agency()
    }

    fn admin(&self) -> Session {
        let b = self.agency();
        self.client.session(Credentials::with_app_secret(
            Secret::new(b.admin_token.clone().unwrap()),
            Secret::new(b.apps[0].secret.clone()),
        ))
    }

    fn app_session(&self) -> Session {
        let b = self.agency();
        self.client
            .session(Credentials::app_token(&b.apps[0].id, &Secret::new(b.apps[0].secret.clone())))
    }

    fn with_token(&self, token: &Secret) -> Session {
        let b = self.agency();
        self.client.session(Credentials::with_app_secret(
            token.clone(),
            Secret::new(b.apps[0].secret.clone()),
        ))
    }
}

async fn new_system_user(s: &Session, business: &str, name: &str) -> String {
    s.create_system_user(business, name, NewSystemUserRole::Employee)
        .await
        .expect("create system user")
}

#[tokio::test]
async fn connect_me_business_and_debug_token() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let me = admin.me().await.unwrap();
    assert_eq!(Some(me.id.clone()), b.admin_system_user_id);
    let biz = admin.business(&b.id).await.unwrap();
    assert_eq!(biz.id, b.id);
    assert_eq!(biz.name.as_deref(), Some(b.name.as_str()));
    let info =
        env.app_session().debug_token(&Secret::new(b.admin_token.clone().unwrap())).await.unwrap();
    assert!(info.is_valid);
    assert_eq!(info.token_type, Some(TokenType::SystemUser));
    assert_eq!(info.user_id.as_deref(), Some(me.id.as_str()));
    assert_eq!(info.app_id.as_deref(), Some(b.apps[0].id.as_str()));
    assert_eq!(info.expiry(), Expiry::Never);
    assert!(info.has_scope(Scope::BusinessManagement));
    // The same inside a batch (the emulator refuses it, as Meta documents no batch form).
    let mut cfg = fast_config(&env.kit);
    cfg.secret_params = SecretParams::Batch;
    let b0 = &b.apps[0];
    let app = GraphClient::new(cfg)
        .unwrap()
        .session(Credentials::app_token(&b0.id, &Secret::new(b0.secret.clone())));
    let refused = app.debug_token(&Secret::new(b.admin_token.clone().unwrap())).await.unwrap_err();
    assert_eq!(refused.graph_code(), Some(100), "{refused:?}");
    // No token or secret ever reached a URL.
    for entry in env.emu().request_log() {
        assert!(!entry.path.contains("EAA"), "{}", entry.path);
    }
}

#[tokio::test]
async fn lists_all_seven_asset_kinds_with_progress() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let mut total_assets = 0;
    for kind in AssetKind::ALL {
        let mut pages = 0;
        let mut ids = HashSet::new();
        let mut last = Progress::default();
        let mut stream = admin.assets(&b.id, kind, Relation::Owned, &ListOptions::default());
        while let Some(page) = stream.next().await {
            let page = page.unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            pages += 1;
            for a in page.items {
                assert!(ids.insert(a.id.clone()), "{kind}: duplicate {}", a.id);
                if kind == AssetKind::AdAccount {
                    assert!(a.id.starts_with("act_") && a.account_id.is_some());
                }
            }
            last = page.progress;
        }
        assert!(!ids.is_empty(), "{kind}: no assets in the demo");
        assert_eq!(last.fetched as usize, ids.len());
        assert_eq!(last.total, Some(ids.len() as u64), "{kind}: total_count");
        assert_eq!(last.pages, pages);
        let count = admin.asset_count(&b.id, kind, Relation::Owned).await.unwrap();
        assert_eq!(count, Some(ids.len() as u64));
        total_assets += ids.len();
        if kind == AssetKind::App {
            assert!(ids.contains(&b.apps[0].id));
        }
    }
    assert!(total_assets > 10);
    // Client assets of a managing business.
    let client_pages = admin
        .assets(&b.id, AssetKind::Page, Relation::Client, &ListOptions::default())
        .collect_all()
        .await;
    assert!(client_pages.is_ok(), "{client_pages:?}");
    // Search on ad accounts.
    let (all, _) = admin
        .assets(&b.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    let name = all[0].name.clone().unwrap();
    let opts = ListOptions { search: Some(name.clone()), ..ListOptions::default() };
    let (hits, _) = admin
        .assets(&b.id, AssetKind::AdAccount, Relation::Owned, &opts)
        .collect_all()
        .await
        .unwrap();
    assert!(!hits.is_empty() && hits.len() < all.len());
    assert!(hits.iter().any(|h| h.name.as_deref() == Some(name.as_str())));
}

#[tokio::test]
async fn system_user_create_read_rename_and_limit() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let (before, progress) = admin.system_users(&b.id).collect_all().await.unwrap();
    assert_eq!(progress.total, Some(before.len() as u64));
    assert!(before.iter().any(|u| u.role == Some(SystemUserRole::Admin)));
    let id = new_system_user(&admin, &b.id, "Gatehouse Test").await;
    let su = admin.system_user(&id).await.unwrap();
    assert_eq!(su.name, "Gatehouse Test");
    admin.rename_system_user(&b.id, &id, "Gatehouse Renamed").await.unwrap();
    assert_eq!(admin.system_user(&id).await.unwrap().name, "Gatehouse Renamed");
    let (after, _) = admin.system_users(&b.id).collect_all().await.unwrap();
    assert_eq!(after.len(), before.len() + 1);
    let mine = after.iter().find(|u| u.id == id).unwrap();
    assert_eq!(mine.role, Some(SystemUserRole::Employee));
    // Create until the business's limit: the error is typed, with the tier's numbers when given.
    let mut limit_err = None;
    for i in 0..15 {
        match admin
            .create_system_user(&b.id, &format!("Filler {i}"), NewSystemUserRole::Employee)
            .await
        {
            Ok(_) => {}
            Err(e) => {
                limit_err = Some(e);
                break;
            }
        }
    }
    let e = limit_err.expect("a system-user limit");
    assert_eq!(e.code(), "system_user_limit", "{e:?}");
    assert_eq!(e.graph_code(), Some(3949));
    assert!(e.fbtrace_id().is_some());
    assert!(e.explanation().contains("limit of system users"));
    // An unknown ID is "not assigned or wrong ID".
    let e = admin.system_user("999999999999").await.unwrap_err();
    assert_eq!(e.code(), "asset_not_assigned", "{e:?}");
}

#[tokio::test]
async fn assign_list_and_unassign_with_typed_tasks() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let su = new_system_user(&admin, &b.id, "Assignee").await;
    let (accounts, _) = admin
        .assets(&b.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    let (pages, _) = admin
        .assets(&b.id, AssetKind::Page, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    let (catalogs, _) = admin
        .assets(&b.id, AssetKind::Catalog, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    let acct = &accounts[0];
    admin
        .assign(&Assignment {
            asset_id: acct.account_id.clone().unwrap(), // without act_: the client adds it
            user_id: su.clone(),
            tasks: TaskSet::of(vec![AdAccountTask::Advertise, AdAccountTask::Analyze]),
        })
        .await
        .unwrap();
    admin
        .assign(&Assignment {
            asset_id: pages[0].id.clone(),
            user_id: su.clone(),
            tasks: TaskSet::of(vec![PageTask::Analyze, PageTask::Advertise]),
        })
        .await
        .unwrap();
    admin
        .assign(&Assignment {
            asset_id: catalogs[0].id.clone(),
            user_id: su.clone(),
            tasks: TaskSet::of(vec![CatalogTask::Advertise]),
        })
        .await
        .unwrap();
    // Listing on the asset.
    let (users, _) =
        admin.assigned_users(AssetKind::AdAccount, &acct.id, &b.id).collect_all().await.unwrap();
    let me = users.iter().find(|u| u.id == su).expect("assigned");
    let tasks = me.tasks_as::<AdAccountTask>();
    assert!(tasks.contains(AdAccountTask::Advertise) && tasks.contains(AdAccountTask::Analyze));
    assert!(!tasks.contains(AdAccountTask::Manage));
    // Listing on the system user.
    let (mine, _) =
        admin.system_user_assets(&su, AssetKind::AdAccount).collect_all().await.unwrap();
    assert_eq!(mine.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), vec![acct.id.as_str()]);
    let (mine_pages, _) =
        admin.system_user_assets(&su, AssetKind::Page).collect_all().await.unwrap();
    assert_eq!(mine_pages.len(), 1);
    assert!(mine_pages[0].tasks_as::<PageTask>().contains(PageTask::Analyze));
    // Re-assigning is idempotent and updates the tasks.
    admin
        .assign(&Assignment {
            asset_id: acct.id.clone(),
            user_id: su.clone(),
            tasks: TaskSet::of(vec![AdAccountTask::Analyze]),
        })
        .await
        .unwrap();
    let (mine, _) =
        admin.system_user_assets(&su, AssetKind::AdAccount).collect_all().await.unwrap();
    assert_eq!(mine[0].tasks_as::<AdAccountTask>().known, vec![AdAccountTask::Analyze]);
    // An unsupported combination is a typed error naming the field.
    let e = admin
        .assign(&Assignment {
            asset_id: acct.id.clone(),
            user_id: su.clone(),
            tasks: TaskSet::of(vec![AdAccountTask::Manage]),
        })
        .await
        .unwrap_err();
    assert!(matches!(&e, GraphError::InvalidInput { field: Some(f), .. } if f == "tasks"), "{e:?}");
    assert_eq!(e.graph_subcode(), Some(1752129));
    // Ad-account calls report the app's access tier in their usage header.
    let tier = env.client.observed_access_tier().expect("ads_api_access_tier seen");
    assert_eq!(tier, format!("{:?}", b.apps[0].tier));
    // Unassign.
    admin
        .unassign(&Unassignment {
            kind: AssetKind::AdAccount,
            asset_id: acct.id.clone(),
            user_id: su.clone(),
        })
        .await
        .unwrap();
    let (mine, _) =
        admin.system_user_assets(&su, AssetKind::AdAccount).collect_all().await.unwrap();
    assert!(mine.is_empty());
    let results = admin
        .unassign_many(&[
            Unassignment {
                kind: AssetKind::Page,
                asset_id: pages[0].id.clone(),
                user_id: su.clone(),
            },
            Unassignment {
                kind: AssetKind::Catalog,
                asset_id: catalogs[0].id.clone(),
                user_id: su.clone(),
            },
        ])
        .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let (mine_pages, _) =
        admin.system_user_assets(&su, AssetKind::Page).collect_all().await.unwrap();
    assert!(mine_pages.is_empty());
}

#[tokio::test]
async fn install_generate_inspect_refresh_revoke_invalidate() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let app = b.apps[0].clone();
    let su = new_system_user(&admin, &b.id, "Token Holder").await;
    let (scopes, added) = Scope::with_dependencies(&[Scope::AdsRead, Scope::BusinessManagement]);
    assert_eq!(added, vec![Scope::PagesReadEngagement, Scope::PagesShowList]);
    let request =
        TokenRequest { app_id: app.id.clone(), scopes: scopes.clone(), expires_in_60_days: true };
    // Before the install: a typed error.
    let e = admin.generate_token(&su, &request).await.unwrap_err();
    assert_eq!(e.code(), "app_not_installed", "{e:?}");
    admin.install_app(&su, &app.id).await.unwrap();
    admin.install_app(&su, &app.id).await.unwrap(); // idempotent
    let token = admin.generate_token(&su, &request).await.unwrap();
    // What the token really has.
    let info = env.app_session().debug_token(&token).await.unwrap();
    assert!(info.is_valid);
    assert_eq!(info.token_type, Some(TokenType::SystemUser));
    assert_eq!(info.user_id.as_deref(), Some(su.as_str()));
    for s in &scopes {
        assert!(info.has_scope(*s), "{s}");
    }
    assert!(matches!(info.expiry(), Expiry::At(_)), "{:?}", info.expiry());
    let holder = env.with_token(&token);
    assert_eq!(holder.me().await.unwrap().id, su);
    // Refresh: a new token; the old one still works.
    let refreshed = holder.refresh_token(&app.id, &Secret::new(app.secret.clone())).await.unwrap();
    assert_ne!(refreshed.access_token.expose(), token.expose());
    assert!(refreshed.expires_in.is_some());
    let fresh = env.with_token(&refreshed.access_token);
    assert_eq!(fresh.me().await.unwrap().id, su);
    assert_eq!(holder.me().await.unwrap().id, su);
    // Revoke the refreshed one: it stops at once.
    admin
        .revoke_token(&app.id, &Secret::new(app.secret.clone()), &refreshed.access_token)
        .await
        .unwrap();
    let e = fresh.me().await.unwrap_err();
    assert!(matches!(e.code(), ErrorCode::TokenInvalid | ErrorCode::TokenExpired), "{e:?}");
    // Invalidate all: the first one stops too.
    admin.invalidate_all_tokens(&su).await.unwrap();
    let e = holder.me().await.unwrap_err();
    assert_eq!(e.code(), "token_invalid", "{e:?}");
    assert!(!e.fix(Surface::Desktop).unwrap_or_default().is_empty());
    // A wrong app secret: the proof is rejected.
    let wrong = env.client.session(Credentials::with_app_secret(
        Secret::new(b.admin_token.clone().unwrap()),
        Secret::new("not-the-secret".into()),
    ));
    let e = wrong.generate_token(&su, &request).await.unwrap_err();
    assert_eq!(e.code(), "app_secret_proof_rejected", "{e:?}");
}

#[tokio::test]
async fn page_tokens_from_me_accounts() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let app = b.apps[0].clone();
    let su = new_system_user(&admin, &b.id, "Page Reader").await;
    let (pages, _) = admin
        .assets(&b.id, AssetKind::Page, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    admin
        .assign(&Assignment {
            asset_id: pages[0].id.clone(),
            user_id: su.clone(),
            tasks: TaskSet::of(vec![PageTask::Analyze]),
        })
        .await
        .unwrap();
    admin.install_app(&su, &app.id).await.unwrap();
    let (scopes, _) = Scope::with_dependencies(&[Scope::PagesReadEngagement]);
    let token = admin
        .generate_token(
            &su,
            &TokenRequest { app_id: app.id.clone(), scopes, expires_in_60_days: false },
        )
        .await
        .unwrap();
    let (accounts, _) = env.with_token(&token).my_pages().collect_all().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].id, pages[0].id);
    assert!(accounts[0].access_token.as_ref().is_some_and(|t| !t.is_empty()));
    assert!(!format!("{:?}", accounts[0]).contains("EAA"));
}

#[tokio::test]
async fn bulk_assignment_of_1000_under_transient_faults_ends_exact() {
    let env = Env::start(Fixture::scale(1_000).unwrap()).await;
    let b = env.agency();
    let admin = env.admin();
    let su = new_system_user(&admin, &b.id, "Bulk").await;
    let (accounts, p) = admin
        .assets(&b.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1_000);
    assert_eq!(p.pages, 2, "500 per page");
    env.emu().set_faults(FaultConfig {
        transient_error_rate: 0.08,
        reset_rate: 0.02,
        ..FaultConfig::default()
    });
    let (sink, mut rx) = EventSink::channel();
    let items: Vec<Assignment> = accounts
        .iter()
        .map(|a| Assignment {
            asset_id: a.id.clone(),
            user_id: su.clone(),
            tasks: TaskSet::of(vec![AdAccountTask::Advertise, AdAccountTask::Analyze]),
        })
        .collect();
    let results = admin.with_events(sink).assign_many(&items).await;
    let failed: Vec<_> = results.iter().enumerate().filter(|(_, r)| r.is_err()).collect();
    assert!(failed.is_empty(), "{} failed, first: {:?}", failed.len(), failed.first());
    let mut retries = 0;
    while let Ok(GraphEvent::WaitingUntil { reason, .. }) = rx.try_recv() {
        if matches!(reason, WaitReason::BatchRetry { .. } | WaitReason::Retrying { .. }) {
            retries += 1;
        }
    }
    assert!(retries > 0, "faults were injected, so something was retried");
    env.emu().set_faults(FaultConfig::default());
    let (mine, p) =
        admin.system_user_assets(&su, AssetKind::AdAccount).collect_all().await.unwrap();
    let ids: HashSet<&str> = mine.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), 1_000);
    assert_eq!(p.total, Some(1_000));
    assert!(mine.iter().all(|a| a.tasks_as::<AdAccountTask>().known.len() == 2));
    // Batches, not one request per asset.
    let batches = env
        .emu()
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.path.trim_end_matches('/').ends_with("v26.0"))
        .count();
    assert!((20..100).contains(&batches), "{batches} batch requests");
}

#[tokio::test]
async fn commit_then_drop_on_create_is_reconciled_without_duplicates() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let (before, _) = admin.system_users(&b.id).collect_all().await.unwrap();
    let known: Vec<String> = before.iter().map(|u| u.id.clone()).collect();
    env.emu().set_faults(FaultConfig {
        commit_then_drop_next: 1,
        path_contains: Some("system_users".into()),
        ..FaultConfig::default()
    });
    let e = admin
        .create_system_user(&b.id, "Dropped Create", NewSystemUserRole::Employee)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            GraphError::OutcomeUnknown { operation: UnsafeOperation::CreateSystemUser { .. }, .. }
        ),
        "{e:?}"
    );
    let posts = env
        .emu()
        .request_log()
        .iter()
        .filter(|l| l.method == "POST" && l.path.ends_with("system_users"))
        .count();
    assert_eq!(posts, 1, "never re-sent");
    match admin.reconcile_system_user_create(&b.id, "Dropped Create", &known).await.unwrap() {
        CreateReconciliation::Created(u) => assert_eq!(u.name, "Dropped Create"),
        other => panic!("{other:?}"),
    }
    let (after, _) = admin.system_users(&b.id).collect_all().await.unwrap();
    assert_eq!(after.iter().filter(|u| u.name == "Dropped Create").count(), 1);
    assert_eq!(
        admin.reconcile_system_user_create(&b.id, "Never Sent", &known).await.unwrap(),
        CreateReconciliation::NotCreated
    );
}

#[tokio::test]
async fn a_slow_create_times_out_as_unknown_and_reconciles() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let mut cfg = fast_config(&env.kit);
    cfg.request_timeout = Duration::from_millis(300);
    let admin = GraphClient::new(cfg).unwrap().session(env.admin().credentials().clone());
    env.emu().set_faults(FaultConfig {
        latency_ms: 600,
        path_contains: Some("system_users".into()),
        ..FaultConfig::default()
    });
    let e = admin
        .create_system_user(&b.id, "Slow Create", NewSystemUserRole::Employee)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "outcome_unknown", "{e:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    env.emu().set_faults(FaultConfig::default());
    let r = env.admin().reconcile_system_user_create(&b.id, "Slow Create", &[]).await.unwrap();
    assert!(
        matches!(r, CreateReconciliation::Created(_) | CreateReconciliation::NotCreated),
        "{r:?}"
    );
}

#[tokio::test]
async fn throttling_window_is_a_typed_rate_limit_with_a_time() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    env.emu().set_faults(FaultConfig { throttle_for_secs: 120, ..FaultConfig::default() });
    let e = admin
        .assets(&b.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .unwrap_err();
    assert_eq!(e.code(), "rate_limited", "{e:?}");
    assert!(e.rate_limited_until().is_some(), "the emulator says when access comes back");
    assert!(e.is_transient());
    env.emu().set_faults(FaultConfig::default());
    assert!(admin
        .assets(&b.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .is_ok());
}

#[tokio::test]
async fn transient_faults_on_reads_are_absorbed() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    env.emu().set_faults(FaultConfig {
        transient_error_next: 2,
        reset_next: 1,
        ..FaultConfig::default()
    });
    let (users, _) = admin.system_users(&b.id).collect_all().await.unwrap();
    assert!(!users.is_empty());
    let faults = env.emu().request_log().iter().filter(|l| l.fault.is_some()).count();
    assert_eq!(faults, 3);
}

#[tokio::test]
async fn listing_10000_ad_accounts_pages_at_the_maximum() {
    let env = Env::start(Fixture::scale(10_000).unwrap()).await;
    let b = env.agency();
    let admin = env.admin();
    let mut stream =
        admin.assets(&b.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default());
    let mut labels = Vec::new();
    let mut n = 0;
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        n += page.items.len();
        labels.push(page.progress.to_string());
    }
    assert_eq!(n, 10_000);
    assert_eq!(labels.len(), 20);
    assert_eq!(labels[0], "500 of 10000");
    assert_eq!(labels[19], "10000 of 10000");
}

#[tokio::test]
async fn on_behalf_of_client_token() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let client_id = b.clients.first().cloned().expect("the agency manages clients");
    let admin = env.admin();
    let token = admin
        .client_access_token(
            &client_id,
            &b.apps[0].id,
            &[Scope::AdsManagement, Scope::PagesReadEngagement],
            Some("Gatehouse OBO"),
        )
        .await
        .unwrap();
    let obo = env.with_token(&token);
    let me = obo.me().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Gatehouse OBO"));
    let info = env.app_session().debug_token(&token).await.unwrap();
    assert_eq!(info.token_type, Some(TokenType::SystemUser));
    assert_eq!(info.user_id.as_deref(), Some(me.id.as_str()));
    // Without the app secret the client refuses before sending.
    let no_secret =
        env.client.session(Credentials::token(Secret::new(b.admin_token.clone().unwrap())));
    let e = no_secret
        .client_access_token(&client_id, &b.apps[0].id, &[Scope::AdsRead], None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}

#[tokio::test]
async fn missing_permission_and_wrong_ids_are_typed() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    // A fresh system user token with only ads_read cannot create system users.
    let su = new_system_user(&admin, &b.id, "Weak").await;
    admin.install_app(&su, &b.apps[0].id).await.unwrap();
    let token = admin
        .generate_token(
            &su,
            &TokenRequest {
                app_id: b.apps[0].id.clone(),
                scopes: vec![Scope::AdsRead],
                expires_in_60_days: false,
            },
        )
        .await
        .unwrap();
    let weak = env.with_token(&token);
    let e = weak.create_system_user(&b.id, "Nope", NewSystemUserRole::Employee).await.unwrap_err();
    assert!(
        matches!(e.code(), ErrorCode::MissingPermission | ErrorCode::AssetNotAssigned),
        "{e:?}"
    );
    assert!(!e.explanation().is_empty() && !e.fix(Surface::Desktop).unwrap_or_default().is_empty());
    // Path injection is refused before any request.
    let before = env.emu().request_log().len();
    let e = admin.system_user("1/../me").await.unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert_eq!(env.emu().request_log().len(), before);
}

#[tokio::test]
async fn managed_business_link_and_unlink() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let client = env
        .emu()
        .manifest()
        .businesses
        .iter()
        // A client without an app of its own: its admin's token is for the partner's app.
        .find(|c| {
            b.clients.contains(&c.id)
                && c.user_token.is_some()
                && c.apps.is_empty()
                && c.developer_apps.is_empty()
        })
        .cloned()
        .expect("a client business with an admin person's token");
    let user =
        env.client.session(Credentials::token(Secret::new(client.user_token.clone().unwrap())));
    let linked = user.add_managed_business(&b.id, &client.id).await;
    assert!(
        linked.is_ok() || linked.as_ref().is_err_and(|e| e.code() != "outcome_unknown"),
        "{linked:?}"
    );
    user.remove_managed_business(&b.id, &client.id).await.unwrap();
    // Unlinked: the partner cannot get a token in the client business any more.
    let e = env
        .admin()
        .client_access_token(&client.id, &b.apps[0].id, &[Scope::AdsRead], None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "missing_permission", "{e:?}");
    user.add_managed_business(&b.id, &client.id).await.unwrap();
    assert!(env
        .admin()
        .client_access_token(&client.id, &b.apps[0].id, &[Scope::AdsRead], None)
        .await
        .is_ok());
}

#[tokio::test]
async fn people_single_assets_and_managed_businesses() {
    let env = Env::start(Fixture::demo()).await;
    let b = env.agency();
    let admin = env.admin();
    let (people, p) = admin.business_users(&b.id).collect_all().await.unwrap();
    assert!(!people.is_empty());
    assert_eq!(p.total, Some(people.len() as u64));
    assert!(people.iter().any(|u| u.role == Some(SystemUserRole::Admin)));
    for kind in [AssetKind::AdAccount, AssetKind::Page, AssetKind::Instagram] {
        let first = admin
            .assets(&b.id, kind, Relation::Owned, &ListOptions::default())
            .find(|_| true)
            .await
            .unwrap()
            .unwrap();
        let one = admin.asset(kind, &first.id).await.unwrap();
        assert_eq!(one.id, first.id, "{kind}");
        assert_eq!(one.label(), first.label(), "{kind}");
    }
    let e = admin.asset(AssetKind::Page, "1234567").await.unwrap_err();
    assert_eq!(e.code(), "asset_not_assigned");
}
