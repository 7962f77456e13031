//! Bulk assignment jobs against the emulator: 1,000 assignments under transient errors, a
//! throttling window and lost answers; cancel and resume; interruption and resume; retrying a
//! permanent failure; removal; and no secret in the database file.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use gatehouse_core::jobs::{
    AssetChange, CancellationToken, ChangeAction, ItemStatus, JobEvent, JobReport, JobRequest,
    JobStatus,
};
use gatehouse_core::store::Store;
use gatehouse_core::{NewRole, Portfolio, PortfolioKind};
use gatehouse_emulator::{FaultConfig, Fixture};
use gatehouse_errors::ErrorCode;
use gatehouse_graph::{AdAccountTask, AssetKind, ListOptions, Relation};
use gatehouse_testkit::TestEmulator;

struct Env {
    emu: TestEmulator,
    portfolio: Portfolio,
    token: String,
    app_secret: String,
}

/// The scale fixture (`accounts` ad accounts) and its agency, with quick retries and the
/// test kit's virtual clock (a throttling window is waited out at once).
async fn env(accounts: usize) -> Env {
    let kit = TestEmulator::start(Fixture::scale(accounts).unwrap()).await;
    let b = kit.agency();
    let token = b.admin_token.clone().unwrap();
    let app_secret = b.apps[0].secret.clone();
    let portfolio = Portfolio::new(PortfolioKind::Demo, b.id.clone(), kit.admin_session());
    Env { emu: kit, portfolio, token, app_secret }
}

impl Env {
    async fn system_user(&self, name: &str) -> String {
        self.portfolio.create_system_user(name, NewRole::Regular).await.expect("created").id
    }

    async fn ad_accounts(&self, n: usize) -> Vec<String> {
        let (accounts, _) = self
            .portfolio
            .session()
            .assets(
                self.portfolio.business_id(),
                AssetKind::AdAccount,
                Relation::Owned,
                &ListOptions::default(),
            )
            .collect_all()
            .await
            .expect("ad accounts");
        accounts.into_iter().take(n).map(|a| a.id).collect()
    }

    /// The ad accounts the system user holds, with their task counts.
    /// Runs the job and asks it to stop at its first progress event (after the first chunk).
    async fn run_cancelled_after_first_chunk(&self, store: &Store, job_id: &str) -> JobReport {
        let cancel = CancellationToken::new();
        let flag = cancel.clone();
        let on_event = move |e: JobEvent| {
            if matches!(e, JobEvent::Progress { .. }) {
                flag.cancel();
            }
        };
        self.portfolio.run_job(store, job_id, on_event, &cancel).await.expect("run")
    }

    async fn holdings(&self, system_user: &str) -> Vec<(String, usize)> {
        let (mine, _) = self
            .portfolio
            .session()
            .system_user_assets(system_user, AssetKind::AdAccount)
            .collect_all()
            .await
            .expect("assigned");
        mine.iter().map(|a| (a.id.clone(), a.tasks_as::<AdAccountTask>().known.len())).collect()
    }
}

fn assign_all(system_user: &str, ids: &[String], tasks: &[&str]) -> JobRequest {
    JobRequest {
        portfolio_id: "test".into(),
        system_user_id: system_user.to_owned(),
        system_user_name: "Bulk".into(),
        changes: ids
            .iter()
            .map(|id| AssetChange {
                kind: AssetKind::AdAccount,
                asset_id: id.clone(),
                asset_name: format!("Account {id}"),
                action: ChangeAction::Assign,
                tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
            })
            .collect(),
    }
}

fn recorder() -> (Arc<Mutex<Vec<JobEvent>>>, impl Fn(JobEvent) + Send + Sync) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    (events, move |e| sink.lock().unwrap().push(e))
}

fn ids_of(holdings: &[(String, usize)]) -> HashSet<String> {
    holdings.iter().map(|(id, _)| id.trim_start_matches("act_").to_owned()).collect()
}

fn plain(ids: &[String]) -> HashSet<String> {
    ids.iter().map(|id| id.trim_start_matches("act_").to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_assignments_under_faults_end_exact() {
    let env = env(1_000).await;
    let su = env.system_user("Bulk").await;
    let ids = env.ad_accounts(1_000).await;
    assert_eq!(ids.len(), 1_000);
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&assign_all(&su, &ids, &["ADVERTISE", "ANALYZE"])).unwrap();
    assert_eq!((job.total, job.pending, job.status), (1_000, 1_000, JobStatus::Pending));

    env.emu.emulator().set_faults(FaultConfig {
        transient_error_rate: 0.10,
        commit_then_drop_rate: 0.02,
        throttle_for_secs: 1,
        ..FaultConfig::default()
    });
    let (events, on_event) = recorder();
    let report = env
        .portfolio
        .run_job(&store, &job.id, on_event, &CancellationToken::new())
        .await
        .expect("run");
    env.emu.emulator().set_faults(FaultConfig::default());
    let faults = env.emu.emulator().request_log().iter().filter(|l| l.fault.is_some()).count();
    assert!(faults > 0, "faults were injected");

    assert_eq!(report.summary.status, JobStatus::Completed, "{:?}", report.summary);
    assert_eq!((report.summary.succeeded, report.summary.failed), (1_000, 0));
    assert!(report.items.iter().all(|i| i.status == ItemStatus::Succeeded && i.error.is_none()));
    let events = events.lock().unwrap().clone();
    let progress: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            JobEvent::Progress { done, .. } => Some(*done),
            _ => None,
        })
        .collect();
    // One progress event per chunk (more when a chunk was stopped by the rate limit and sent
    // again after the wait).
    assert!(progress.len() >= 5 && progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert_eq!(progress.last(), Some(&1_000));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, JobEvent::Waiting { until_unix, .. } if *until_unix > 0.0)),
        "the throttling window and retries are reported as waits"
    );
    assert!(
        matches!(events.last(), Some(JobEvent::Finished { summary }) if summary.status == JobStatus::Completed)
    );

    let held = env.holdings(&su).await;
    assert_eq!(held.len(), 1_000);
    assert_eq!(ids_of(&held), plain(&ids));
    assert!(held.iter().all(|(_, tasks)| *tasks == 2), "exactly the requested tasks");
    let (users, _) = env
        .portfolio
        .session()
        .system_users(env.portfolio.business_id())
        .collect_all()
        .await
        .unwrap();
    assert_eq!(users.iter().filter(|u| u.name == "Bulk").count(), 1, "no duplicate system user");
    assert!(store.unfinished_jobs("test").unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_after_the_first_chunk_then_resume() {
    let env = env(1_000).await;
    let su = env.system_user("Cancelled").await;
    let ids = env.ad_accounts(600).await;
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&assign_all(&su, &ids, &["ANALYZE"])).unwrap();
    let report = env.run_cancelled_after_first_chunk(&store, &job.id).await;
    assert_eq!(report.summary.status, JobStatus::Cancelled);
    assert_eq!((report.summary.succeeded, report.summary.pending), (200, 400));
    assert_eq!(env.holdings(&su).await.len(), 200);
    let unfinished = store.unfinished_jobs("test").unwrap();
    assert_eq!(unfinished.len(), 1, "a cancelled job with pending items can be resumed");

    let report = env
        .portfolio
        .run_job(&store, &job.id, |_| {}, &CancellationToken::new())
        .await
        .expect("resume");
    assert_eq!(report.summary.status, JobStatus::Completed);
    assert_eq!(report.summary.succeeded, 600);
    let held = env.holdings(&su).await;
    assert_eq!(ids_of(&held), plain(&ids));
    assert!(held.iter().all(|(_, tasks)| *tasks == 1));
}

/// Cancel is seen while the client waits inside a chunk (retrying a batch Meta did not finish),
/// not only between chunks: the run stops at once, the chunk stays pending, and resuming ends
/// exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_seen_while_the_client_waits_inside_a_chunk() {
    let env = env(1_000).await;
    let su = env.system_user("Cancelled While Waiting").await;
    let ids = env.ad_accounts(120).await;
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&assign_all(&su, &ids, &["ANALYZE"])).unwrap();
    // Every batch operation is lost: the client keeps retrying with waits in between.
    env.emu.emulator().set_faults(FaultConfig {
        transient_error_rate: 1.0,
        path_contains: Some("assigned_users".into()),
        ..FaultConfig::default()
    });
    let cancel = CancellationToken::new();
    let flag = cancel.clone();
    let on_event = move |e: JobEvent| {
        if matches!(e, JobEvent::Waiting { .. }) {
            flag.cancel();
        }
    };
    let report = env.portfolio.run_job(&store, &job.id, on_event, &cancel).await.expect("run");
    assert_eq!(report.summary.status, JobStatus::Cancelled, "{:?}", report.summary);
    assert_eq!((report.summary.succeeded, report.summary.pending), (0, 120));
    let batches =
        env.emu.emulator().request_log().iter().filter(|r| r.path.ends_with("/v26.0/")).count();
    assert!(batches <= 3, "stopped at the first wait, not after every retry ({batches} batches)");

    env.emu.emulator().set_faults(FaultConfig::default());
    let report = env
        .portfolio
        .run_job(&store, &job.id, |_| {}, &CancellationToken::new())
        .await
        .expect("resume");
    assert_eq!(report.summary.status, JobStatus::Completed);
    assert_eq!(ids_of(&env.holdings(&su).await), plain(&ids));
}

/// Discarding a cancelled job keeps what it did and its record, sends nothing more, and stops
/// offering it; a job that never ran becomes cancelled; an unknown job is an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discarded_job_is_kept_but_no_longer_offered() {
    let env = env(1_000).await;
    let su = env.system_user("Discarded").await;
    let ids = env.ad_accounts(300).await;
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&assign_all(&su, &ids, &["ANALYZE"])).unwrap();
    let report = env.run_cancelled_after_first_chunk(&store, &job.id).await;
    assert_eq!((report.summary.succeeded, report.summary.pending), (200, 100));
    assert_eq!(store.unfinished_jobs("test").unwrap().len(), 1);

    let discarded = store.discard_job(&job.id).unwrap();
    assert_eq!(discarded.status, JobStatus::Cancelled);
    assert_eq!((discarded.succeeded, discarded.pending), (200, 100), "the record is kept");
    assert!(store.unfinished_jobs("test").unwrap().is_empty(), "no longer offered");
    assert_eq!(store.jobs("test", 10).unwrap().len(), 1, "still listed");
    assert_eq!(env.holdings(&su).await.len(), 200, "what was done stays done");
    // A pending job that never ran becomes cancelled when discarded.
    let never_run = store.create_job(&assign_all(&su, &ids[..3], &["ANALYZE"])).unwrap();
    assert_eq!(store.discard_job(&never_run.id).unwrap().status, JobStatus::Cancelled);
    assert!(store.discard_job("job-unknown").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_run_is_reported_and_resumed() {
    let env = env(1_000).await;
    let su = env.system_user("Interrupted").await;
    let ids = env.ad_accounts(600).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.sqlite3");
    let store = Store::open(&path).unwrap();
    let job = store.create_job(&assign_all(&su, &ids, &["ADVERTISE", "ANALYZE"])).unwrap();

    // The run's task is dropped after its first chunk, as when the app quits mid-job.
    env.emu.emulator().set_faults(FaultConfig { latency_ms: 20, ..FaultConfig::default() });
    let first_chunk = Arc::new(tokio::sync::Notify::new());
    let notify = first_chunk.clone();
    let cancel = CancellationToken::new();
    let run = env.portfolio.run_job(
        &store,
        &job.id,
        move |e| {
            if matches!(e, JobEvent::Progress { .. }) {
                notify.notify_one();
            }
        },
        &cancel,
    );
    tokio::select! {
        r = run => panic!("the run should still be going: {r:?}"),
        () = first_chunk.notified() => {}
    }
    env.emu.emulator().set_faults(FaultConfig::default());
    drop(store);

    let store = Store::open(&path).unwrap();
    let summary = store.job(&job.id).unwrap().summary;
    assert_eq!(summary.status, JobStatus::Interrupted, "{summary:?}");
    assert!(summary.succeeded >= 200 && summary.pending > 0, "{summary:?}");
    assert_eq!(store.unfinished_jobs("test").unwrap()[0].id, job.id);

    // Another process running the job holds the OS lock on its run's lock file: the job stays
    // running for everyone else. When that process dies, the OS drops the lock (here: the file
    // is closed) and the job reads as interrupted.
    drop(store);
    let mark_running = |run: &str| {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE jobs SET status = 'running', runner_pid = 2147483646, runner_id = ?1",
            [run],
        )
        .unwrap();
    };
    let runs = path.parent().unwrap().join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    let held = std::fs::File::create(runs.join("run-elsewhere.lock")).unwrap();
    held.lock().unwrap();
    mark_running("run-elsewhere");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.job(&job.id).unwrap().summary.status, JobStatus::Running);
    drop(store);
    drop(held);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.job(&job.id).unwrap().summary.status, JobStatus::Interrupted);
    assert!(!runs.join("run-elsewhere.lock").exists(), "a dead run's lock file is removed");
    // A process that died before it made a lock file at all.
    drop(store);
    mark_running("gone");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.job(&job.id).unwrap().summary.status, JobStatus::Interrupted);

    let report = env
        .portfolio
        .run_job(&store, &job.id, |_| {}, &CancellationToken::new())
        .await
        .expect("resume");
    assert_eq!(report.summary.status, JobStatus::Completed);
    assert_eq!(report.summary.succeeded, 600);
    let held = env.holdings(&su).await;
    assert_eq!(ids_of(&held), plain(&ids));
    assert!(held.iter().all(|(_, tasks)| *tasks == 2));
}

#[tokio::test]
async fn retry_failed_keeps_the_typed_error_of_a_permanent_failure() {
    let env = env(50).await;
    let su = env.system_user("Retry").await;
    let mut ids = env.ad_accounts(2).await;
    ids.push("act_999".into());
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&assign_all(&su, &ids, &["ANALYZE"])).unwrap();
    let report =
        env.portfolio.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.summary.status, JobStatus::CompletedWithFailures);
    assert_eq!((report.summary.succeeded, report.summary.failed), (2, 1));
    let bad = &report.items[2];
    assert_eq!((bad.asset_id.as_str(), bad.status), ("act_999", ItemStatus::Failed));
    let error = bad.error.clone().expect("the item's error");
    assert!(error.code != ErrorCode::Unknown && !error.message.is_empty(), "{error:?}");
    assert!(error.fix.as_deref().is_some_and(|f| !f.is_empty()), "{error:?}");
    assert!(error.detail.as_deref().is_some_and(|d| d.contains("Graph code")), "{error:?}");

    let again = store.retry_failed(&job.id).unwrap();
    assert_eq!((again.status, again.pending, again.failed), (JobStatus::Pending, 1, 0));
    assert!(store.job(&job.id).unwrap().items[2].error.is_none());
    let report =
        env.portfolio.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.summary.status, JobStatus::CompletedWithFailures);
    assert_eq!(report.items[2].error.as_ref().map(|e| e.code), Some(error.code));
    let posts_for_good_ones = env
        .emu
        .emulator()
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.path.contains(ids[0].trim_start_matches("act_")))
        .count();
    assert_eq!(posts_for_good_ones, 0, "items go in batches, never one by one");
}

#[tokio::test]
async fn unassign_removes_and_is_idempotent() {
    let env = env(50).await;
    let su = env.system_user("Remove").await;
    let ids = env.ad_accounts(4).await;
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&assign_all(&su, &ids[..3], &["ANALYZE"])).unwrap();
    env.portfolio.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();
    assert_eq!(env.holdings(&su).await.len(), 3);

    // The fourth account was never assigned: removing it counts as done.
    let removal = JobRequest {
        changes: ids
            .iter()
            .map(|id| AssetChange {
                kind: AssetKind::AdAccount,
                asset_id: id.clone(),
                asset_name: String::new(),
                action: ChangeAction::Unassign,
                tasks: Vec::new(),
            })
            .collect(),
        ..assign_all(&su, &[], &[])
    };
    let job = store.create_job(&removal).unwrap();
    let report =
        env.portfolio.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.summary.status, JobStatus::Completed, "{report:?}");
    assert_eq!(report.summary.succeeded, 4);
    assert!(env.holdings(&su).await.is_empty());
}

#[tokio::test]
async fn the_database_file_never_holds_a_secret() {
    let env = env(50).await;
    let su = env.system_user("Secretless").await;
    let ids = env.ad_accounts(5).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.sqlite3");
    let store = Store::open(&path).unwrap();
    let mut request = assign_all(&su, &ids, &["ANALYZE"]);
    request.changes[0].asset_id = "act_999".into(); // a failure, so an error is stored too
    let job = store.create_job(&request).unwrap();
    let report =
        env.portfolio.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();
    assert!(report.items[0].error.is_some(), "an error is stored too");
    drop(store);
    // Every file Gatehouse wrote there, the runs' lock folder included.
    let mut bytes = Vec::new();
    let mut folders = vec![dir.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                bytes.extend(std::fs::read(path).unwrap());
            }
        }
    }
    assert!(bytes.len() > 4096, "the database was written");
    for secret in [&env.token, &env.app_secret] {
        let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
        assert!(!found, "a secret is in the database files");
    }
}

#[tokio::test]
async fn an_app_in_a_job_is_installed_alongside_the_assignments() {
    let env = env(20).await;
    let su = env.system_user("Installer").await;
    let ids = env.ad_accounts(2).await;
    let app_id = env
        .emu
        .emulator()
        .manifest()
        .businesses
        .iter()
        .find_map(|b| (b.id == env.portfolio.business_id()).then(|| b.apps[0].id.clone()));
    let app_id = app_id.expect("the agency's app");
    let mut request = assign_all(&su, &ids, &["ANALYZE"]);
    request.changes.push(AssetChange {
        kind: AssetKind::App,
        asset_id: app_id.clone(),
        asset_name: "The agency's app".into(),
        action: ChangeAction::Assign,
        tasks: Vec::new(),
    });
    let store = Store::in_memory().unwrap();
    let job = store.create_job(&request).unwrap();
    let report =
        env.portfolio.run_job(&store, &job.id, |_| {}, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.summary.status, JobStatus::Completed, "{report:?}");
    assert_eq!(report.summary.succeeded, 3);
    let access = env.portfolio.system_user_access(&su).await.unwrap();
    assert_eq!(access.apps.iter().map(|a| a.id.clone()).collect::<Vec<_>>(), vec![app_id]);
    assert_eq!(access.assets.len(), 2);
}
