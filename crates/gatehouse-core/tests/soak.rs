//! The fault soak: a seeded run of at least 2,000 workflow operations (system-user creates,
//! bulk assignments and removals, token generations, refreshes and revokes) against the
//! emulator while it adds latency, transient errors, connection resets, answers lost after
//! the write (commit-then-drop), errors sent after the write (commit-then-error) and
//! throttling windows. Afterwards the emulator's state must equal the state the successful
//! operations intended, exactly: no duplicate system user, no missing or extra assignment, no
//! task more or less, every token where it should be, and every failure reported with its
//! reason.
//!
//! `GATEHOUSE_SOAK_OPS` (default 2,000) and `GATEHOUSE_SOAK_SEED` (default 1) make longer or
//! other runs on demand; the figures are printed (`cargo nextest run --no-capture -E
//! 'test(soak)'`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use gatehouse_core::jobs::{
    AssetChange, CancellationToken, ChangeAction, ItemStatus, JobRequest, JobStatus,
};
use gatehouse_core::store::Store;
use gatehouse_core::{Error, NewRole, Portfolio, PortfolioKind, TokenExpiry};
use gatehouse_emulator::{FaultConfig, Fixture};
use gatehouse_errors::{Explain, Surface};
use gatehouse_graph::{AssetKind, ListOptions, Relation, Scope, Secret};
use gatehouse_testkit::TestEmulator;
use serde_json::Value;

/// SplitMix64: a seeded sequence for choosing operations. Written here (eight lines) because
/// the test only needs reproducible draws, not a random-number library.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn plain(id: &str) -> String {
    id.trim_start_matches("act_").to_owned()
}

/// What the successful operations intended.
#[derive(Default)]
struct Intended {
    /// Soak system users by id, with their names.
    users: BTreeMap<String, String>,
    /// (system user, ad account) → tasks.
    holdings: BTreeMap<(String, String), BTreeSet<String>>,
    /// Tokens seen, by their first 12 characters: (system user, still valid, the token).
    tokens: BTreeMap<String, (String, bool, Secret)>,
    /// Generations whose answer was lost (reported as such): a token nobody saw may exist.
    unseen_allowed: HashMap<String, usize>,
}

/// What happened, for the figures.
#[derive(Default)]
struct Tally {
    operations: usize,
    by_kind: BTreeMap<&'static str, usize>,
    failures: BTreeMap<String, usize>,
}

impl Tally {
    fn count(&mut self, kind: &'static str, n: usize) {
        self.operations += n;
        *self.by_kind.entry(kind).or_default() += n;
    }

    /// A failure must say what happened and what to do.
    fn failed(&mut self, error: &Error) {
        assert!(!error.explanation().is_empty(), "a failure without a message: {error:?}");
        assert!(error.fix(Surface::Desktop).is_some_and(|f| !f.is_empty()), "no fix: {error:?}");
        *self.failures.entry(error.code().to_string()).or_default() += 1;
    }
}

const TASK_SETS: [&[&str]; 3] =
    [&["ANALYZE"], &["ADVERTISE", "ANALYZE"], &["MANAGE", "ADVERTISE", "ANALYZE"]];

fn faults(seed: u64) -> FaultConfig {
    let _ = seed; // the emulator's own draws follow its seed
    FaultConfig {
        latency_ms: 1,
        jitter_ms: 2,
        transient_error_rate: 0.05,
        reset_rate: 0.01,
        commit_then_drop_rate: 0.02,
        commit_then_error_rate: 0.02,
        ..FaultConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_under_faults_ends_exactly_as_intended() {
    let target = env_number("GATEHOUSE_SOAK_OPS", 2_000) as usize;
    let seed = env_number("GATEHOUSE_SOAK_SEED", 1);
    let started = std::time::Instant::now();
    let kit = TestEmulator::start(Fixture::scale(2_000).unwrap()).await;
    let agency = kit.agency();
    let app_id = agency.apps[0].id.clone();
    let app_secret = Secret::new(agency.apps[0].secret.clone());
    let portfolio = Portfolio::new(PortfolioKind::Demo, agency.id.clone(), kit.admin_session());
    let (accounts, _) = portfolio
        .session()
        .assets(&agency.id, AssetKind::AdAccount, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
        .expect("ad accounts");
    let accounts: Vec<String> = accounts.into_iter().map(|a| a.id).collect();
    let store = Store::in_memory().unwrap();
    let scopes = [Scope::parse("ads_read").expect("a scope")];

    let mut draw = Draw(seed);
    let mut intended = Intended::default();
    let mut tally = Tally::default();
    kit.emulator().set_faults(faults(seed));
    let mut next_throttle = 250;
    let mut names_used = 0;

    while tally.operations < target {
        if tally.operations >= next_throttle {
            // A throttling window (waited out on the virtual clock), on top of the others.
            kit.emulator().set_faults(FaultConfig { throttle_for_secs: 30, ..faults(seed) });
            next_throttle += 250;
        }
        let users: Vec<String> = intended.users.keys().cloned().collect();
        let pick = if users.len() < 3 { 0 } else { draw.below(100) };
        match pick {
            // Create a system user.
            0..=7 if names_used < 12 => {
                names_used += 1;
                let name = format!("Soak {names_used}");
                tally.count("create", 1);
                match portfolio.create_system_user(&name, NewRole::Regular).await {
                    Ok(created) => {
                        intended.users.insert(created.id, name);
                    }
                    Err(e) => {
                        assert!(
                            matches!(e, Error::CreateNotConfirmed { .. } | Error::Graph(_)),
                            "{e:?}"
                        );
                        tally.failed(&e);
                    }
                }
            }
            // Assign ad accounts (a bulk job).
            0..=19 => {
                let user = users[draw.below(users.len())].clone();
                let tasks = TASK_SETS[draw.below(TASK_SETS.len())];
                let n = 10 + draw.below(50);
                let mut chosen = BTreeSet::new();
                while chosen.len() < n {
                    chosen.insert(accounts[draw.below(accounts.len())].clone());
                }
                let changes = chosen
                    .iter()
                    .map(|id| change(id, ChangeAction::Assign, tasks))
                    .collect::<Vec<_>>();
                tally.count("assign", changes.len());
                run(&portfolio, &store, &user, changes, &mut intended, &mut tally).await;
            }
            // Remove some of what a system user holds.
            20..=27 => {
                let user = users[draw.below(users.len())].clone();
                let held: Vec<String> = intended
                    .holdings
                    .keys()
                    .filter(|(u, _)| *u == user)
                    .map(|(_, a)| a.clone())
                    .collect();
                if held.is_empty() {
                    continue;
                }
                let n = 1 + draw.below(held.len().min(30));
                let changes = held
                    .iter()
                    .take(n)
                    .map(|id| change(&format!("act_{id}"), ChangeAction::Unassign, &[]))
                    .collect::<Vec<_>>();
                tally.count("remove", changes.len());
                run(&portfolio, &store, &user, changes, &mut intended, &mut tally).await;
            }
            // Generate a token.
            28..=63 => {
                let user = users[draw.below(users.len())].clone();
                let expiry =
                    if draw.below(2) == 0 { TokenExpiry::SixtyDays } else { TokenExpiry::Never };
                tally.count("generate", 1);
                match portfolio.generate_token(&user, &app_id, &scopes, expiry).await {
                    Ok(generated) => {
                        let token = generated.token;
                        intended.tokens.insert(prefix(&token), (user, true, token));
                    }
                    Err(e) => {
                        if matches!(e, Error::TokenMayHaveBeenIssued { .. }) {
                            *intended.unseen_allowed.entry(user).or_default() += 1;
                        }
                        tally.failed(&e);
                    }
                }
            }
            // Refresh a token (a 60-day one; a never-expiring one is refused, by design).
            64..=81 => {
                let Some((user, token)) = pick_token(&intended, &mut draw) else { continue };
                tally.count("refresh", 1);
                match portfolio.refresh_token(&token, &app_secret).await {
                    Ok(refreshed) => {
                        let token = refreshed.token;
                        intended.tokens.insert(prefix(&token), (user, true, token));
                    }
                    Err(e) => {
                        if matches!(
                            e,
                            Error::Graph(gatehouse_graph::GraphError::OutcomeUnknown { .. })
                        ) {
                            *intended.unseen_allowed.entry(user).or_default() += 1;
                        }
                        tally.failed(&e);
                    }
                }
            }
            // Revoke a token.
            _ => {
                let Some((_, token)) = pick_token(&intended, &mut draw) else { continue };
                tally.count("revoke", 1);
                match portfolio.revoke_token(&token, &app_secret).await {
                    Ok(_) => {
                        intended.tokens.get_mut(&prefix(&token)).expect("known").1 = false;
                    }
                    Err(e) => tally.failed(&e),
                }
            }
        }
    }
    kit.emulator().set_faults(FaultConfig::default());

    let injected = kit.emulator().request_log().iter().filter(|l| l.fault.is_some()).count();
    let requests = kit.emulator().request_log().len();
    assert!(injected > 10, "faults were injected ({injected})");
    check_state(&kit.emulator().state_snapshot(), &agency.id, &intended);
    eprintln!(
        "soak: {} operations ({:?}) in {:.1} s; {requests} requests, {injected} faults \
         injected; failures reported: {:?}; {} system users, {} assignments, {} tokens",
        tally.operations,
        tally.by_kind,
        started.elapsed().as_secs_f64(),
        tally.failures,
        intended.users.len(),
        intended.holdings.len(),
        intended.tokens.len(),
    );
}

fn change(asset_id: &str, action: ChangeAction, tasks: &[&str]) -> AssetChange {
    AssetChange {
        kind: AssetKind::AdAccount,
        asset_id: asset_id.to_owned(),
        asset_name: String::new(),
        action,
        tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn prefix(token: &Secret) -> String {
    token.expose().chars().take(12).collect()
}

/// A valid 60-day token.
fn pick_token(intended: &Intended, draw: &mut Draw) -> Option<(String, Secret)> {
    let live: Vec<_> = intended.tokens.values().filter(|(_, valid, _)| *valid).collect();
    if live.is_empty() {
        return None;
    }
    let (user, _, token) = live[draw.below(live.len())];
    Some((user.clone(), token.clone()))
}

/// Runs one bulk job to its end and applies what succeeded to the intended state. Every failed
/// item carries its error.
async fn run(
    portfolio: &Portfolio,
    store: &Store,
    user: &str,
    changes: Vec<AssetChange>,
    intended: &mut Intended,
    tally: &mut Tally,
) {
    let request = JobRequest {
        portfolio_id: "soak".into(),
        system_user_id: user.to_owned(),
        system_user_name: "Soak".into(),
        changes,
    };
    let job = store.create_job(&request).unwrap();
    // A run that stops (the connection failed, Meta was unavailable or busy for too long)
    // leaves the job interrupted with the rest pending: resumed, as the app offers.
    let mut report = None;
    for _ in 0..5 {
        match portfolio.run_job(store, &job.id, |_| {}, &CancellationToken::new()).await {
            Ok(r) => {
                report = Some(r);
                break;
            }
            Err(e) => {
                let summary = store.job(&job.id).unwrap().summary;
                assert_eq!(summary.status, JobStatus::Interrupted, "{e:?}");
                tally.failed(&e);
                *tally.failures.entry("job_interrupted_then_resumed".into()).or_default() += 1;
            }
        }
    }
    let report = report.expect("the job finishes within five runs");
    assert!(
        matches!(report.summary.status, JobStatus::Completed | JobStatus::CompletedWithFailures),
        "{:?}",
        report.summary
    );
    for item in &report.items {
        let key = (user.to_owned(), plain(&item.asset_id));
        match item.status {
            ItemStatus::Succeeded => match item.action {
                ChangeAction::Assign => {
                    intended.holdings.insert(key, item.tasks.iter().cloned().collect());
                }
                ChangeAction::Unassign => {
                    intended.holdings.remove(&key);
                }
            },
            ItemStatus::Failed => {
                let error = item.error.as_ref().expect("a failed item says why");
                assert!(!error.message.is_empty() && error.fix.is_some(), "{error:?}");
                *tally.failures.entry(format!("item:{}", error.code)).or_default() += 1;
            }
            other => panic!("an item left {other:?} after the run: {item:?}"),
        }
    }
}

/// The emulator's state against the intended one.
fn check_state(snapshot: &Value, business_id: &str, intended: &Intended) {
    let business = snapshot["businesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == business_id)
        .expect("the agency");
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for su in business["system_users"].as_array().unwrap() {
        let name = su["name"].as_str().unwrap();
        if name.starts_with("Soak ") {
            names.entry(name.to_owned()).or_default().push(su["id"].as_str().unwrap().to_owned());
        }
    }
    for (name, ids) in &names {
        assert_eq!(ids.len(), 1, "system user {name:?} exists {} times", ids.len());
    }
    let existing: BTreeMap<String, String> =
        names.into_iter().map(|(name, ids)| (ids[0].clone(), name)).collect();
    assert_eq!(existing, intended.users, "the soak's system users, exactly");

    let mut holdings: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for a in snapshot["assignments"].as_array().unwrap() {
        let user = a["user"].as_str().unwrap();
        if !intended.users.contains_key(user) {
            continue;
        }
        let tasks = a["tasks"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned());
        holdings.insert((user.to_owned(), plain(a["asset"].as_str().unwrap())), tasks.collect());
    }
    let missing: Vec<_> = intended.holdings.keys().filter(|k| !holdings.contains_key(*k)).collect();
    let extra: Vec<_> = holdings.keys().filter(|k| !intended.holdings.contains_key(*k)).collect();
    let wrong: Vec<_> = intended
        .holdings
        .iter()
        .filter(|(k, tasks)| holdings.get(*k).is_some_and(|held| held != *tasks))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && wrong.is_empty(),
        "assignments differ: {} missing {missing:?}, {} extra {extra:?}, {} with other tasks \
         {wrong:?}",
        missing.len(),
        extra.len(),
        wrong.len()
    );

    let mut unseen: HashMap<String, usize> = HashMap::new();
    for t in snapshot["tokens"].as_array().unwrap() {
        let user = t["user"].as_str().unwrap();
        if !intended.users.contains_key(user) {
            continue;
        }
        let prefix = t["token_prefix"].as_str().unwrap();
        let valid = t["status"] == "valid";
        match intended.tokens.get(prefix) {
            Some((owner, want_valid, _)) => {
                assert_eq!(owner, user, "token {prefix}… belongs to its system user");
                assert_eq!(valid, *want_valid, "token {prefix}…: {t}");
            }
            None => *unseen.entry(user.to_owned()).or_default() += 1,
        }
    }
    for (prefix, (_, _, _)) in &intended.tokens {
        let found =
            snapshot["tokens"].as_array().unwrap().iter().any(|t| t["token_prefix"] == *prefix);
        assert!(found, "token {prefix}… is missing");
    }
    for (user, n) in unseen {
        let allowed = intended.unseen_allowed.get(&user).copied().unwrap_or(0);
        assert!(
            n <= allowed,
            "{n} tokens of {user} nobody saw, but only {allowed} answers were reported lost"
        );
    }
}
