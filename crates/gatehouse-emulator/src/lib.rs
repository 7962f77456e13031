//! A local emulator of Meta's Graph API for the system-user surface Gatehouse uses: system users,
//! app installs, tokens, asset listing and assignment, On Behalf Of, batch, paging, rate limits
//! and fault injection. The spec is `shared/reference/graph-api.md`; deviations are listed in the
//! crate README.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gatehouse_emulator::EmulatorError> {
//! use gatehouse_emulator::{Emulator, EmulatorConfig, Fixture};
//! let running = Emulator::start(EmulatorConfig::new(Fixture::demo())).await?;
//! println!("{} {}", running.url(), running.manifest().businesses[0].name);
//! running.shutdown().await;
//! # Ok(()) }
//! ```

mod auth;
mod batch;
mod control;
mod errors;
mod faults;
mod fields;
mod fixture;
mod limits;
mod login;
mod model;
mod paging;
mod params;
mod rng;
mod routes;
mod server;
mod state;
mod timefmt;

use std::sync::{Arc, Mutex};

use serde::Serialize;
use tokio::net::TcpListener;

pub use auth::hmac_hex as appsecret_proof_hex;
pub use errors::{EmulatorError, GraphError};
pub use faults::{ChainedCursors, FaultConfig};
pub use fixture::{
    AppSpec, AssetSpec, AssignmentSpec, BusinessSpec, Fixture, PersonSpec, Role, ShareSpec,
    SystemUserSpec, Tier,
};
pub use limits::LimitsConfig;
pub use login::LOGIN_SUCCESS;
pub use server::LogEntry;

use model::AssetKind;
use state::State;

/// The Graph API version the emulator reports (paths may use any `vNN.N`, or none).
pub const API_VERSION: &str = "v26.0";

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub fixture: Fixture,
    /// Seeds IDs, tokens, trace IDs and fault draws.
    pub seed: u64,
    /// 0 picks any free port. The emulator always binds 127.0.0.1.
    pub port: u16,
    /// Start-up faults; overrides the fixture's `faults`.
    pub faults: Option<FaultConfig>,
    /// Rate-limit budgets; overrides the fixture's `limits`.
    pub limits: Option<LimitsConfig>,
    /// Reject ad-account task combinations Meta does not support (100/1752129). Default true.
    pub strict_task_combinations: bool,
}

impl EmulatorConfig {
    pub fn new(fixture: Fixture) -> Self {
        Self {
            fixture,
            seed: 1,
            port: 0,
            faults: None,
            limits: None,
            strict_task_combinations: true,
        }
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.faults = Some(faults);
        self
    }

    pub fn limits(mut self, limits: LimitsConfig) -> Self {
        self.limits = Some(limits);
        self
    }
}

/// The ready line: what a test or tool needs to drive the emulator.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Manifest {
    pub url: String,
    pub api_version: &'static str,
    pub fixture: String,
    /// Base of the control endpoint (loopback only).
    pub control_url: String,
    /// This run's secret for the control endpoint: every control request must carry it in the
    /// `x-emulator-control` header. Random per start, so another local process (or a web page
    /// that reaches 127.0.0.1) cannot read the request log or change faults; a custom header
    /// also makes a browser ask first (CORS preflight), which the emulator never grants.
    pub control_secret: String,
    pub businesses: Vec<ManifestBusiness>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ManifestBusiness {
    pub id: String,
    pub name: String,
    /// A never-expiring token of an admin system user, for the first app in `apps` (null when
    /// the business has no admin system user or no app).
    pub admin_token: Option<String>,
    pub admin_system_user_id: Option<String>,
    /// A token of a human admin, for the first app in `apps` (or, for a business without an
    /// app, for the app of the partner that manages it).
    pub user_token: Option<String>,
    pub user_id: Option<String>,
    /// Businesses this one may act for (On Behalf Of).
    pub clients: Vec<String>,
    pub apps: Vec<ManifestApp>,
    /// Apps the business's admins develop that it has not claimed yet (`POST owned_apps`).
    pub developer_apps: Vec<ManifestApp>,
    /// `{"regular": n, "admin": n}` system users allowed, from the highest app tier.
    pub system_user_quota: Option<Quota>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ManifestApp {
    pub id: String,
    pub name: String,
    pub secret: String,
    pub tier: Tier,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Quota {
    pub regular: usize,
    pub admin: usize,
}

pub(crate) fn manifest(st: &State, url: &str, control_secret: &str) -> Manifest {
    let businesses = st
        .businesses
        .iter()
        .enumerate()
        .map(|(b, biz)| {
            let toks = st.manifest_tokens.get(b).cloned().unwrap_or_default();
            let id_of = |tok: &Option<String>| {
                tok.as_ref()
                    .and_then(|t| st.token_index.get(t))
                    .map(|&t| st.users[st.tokens[t].user].id.clone())
            };
            ManifestBusiness {
                id: biz.id.clone(),
                name: biz.name.clone(),
                admin_system_user_id: id_of(&toks.admin_token),
                user_id: id_of(&toks.user_token),
                admin_token: toks.admin_token,
                user_token: toks.user_token,
                clients: biz.clients.iter().map(|&c| st.businesses[c].id.clone()).collect(),
                apps: manifest_apps(st, &biz.owned[AssetKind::App.ix()]),
                developer_apps: manifest_apps(st, &biz.developer_apps),
                system_user_quota: st.business_tier(b).map(|t| {
                    let (regular, admin) = t.system_user_quota();
                    Quota { regular, admin }
                }),
            }
        })
        .collect();
    Manifest {
        url: url.to_string(),
        api_version: API_VERSION,
        fixture: st.fixture_name.clone(),
        control_url: format!("{url}/__emulator"),
        control_secret: control_secret.to_owned(),
        businesses,
    }
}

fn manifest_apps(st: &State, apps: &[usize]) -> Vec<ManifestApp> {
    apps.iter()
        .filter_map(|&a| {
            let asset = &st.assets[a];
            asset.app().map(|info| ManifestApp {
                id: asset.id.clone(),
                name: asset.name.clone(),
                secret: info.secret.clone(),
                tier: info.tier,
            })
        })
        .collect()
}

/// 128 random bits from the OS, in hex (not the fixture's seeded generator: the secret must
/// not be predictable from the seed).
fn control_secret() -> Result<String, EmulatorError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| EmulatorError::Config(format!("no randomness for the control secret: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Entry point of the library API.
pub struct Emulator;

impl Emulator {
    /// The businesses, apps and tokens `start` would serve for `config`, without serving
    /// anything (demo mode lists its portfolios before the demo is opened). `url` and the
    /// control fields are empty: nothing listens.
    pub fn plan(config: &EmulatorConfig) -> Result<Manifest, EmulatorError> {
        let st = State::build(&config.fixture, config.seed)?;
        Ok(manifest(&st, "", ""))
    }

    /// Builds the state from the fixture and serves it on 127.0.0.1 until `shutdown` (or drop).
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, EmulatorError> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(|source| EmulatorError::Bind { port: config.port, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind { port: config.port, source })?;
        let url = format!("http://127.0.0.1:{}", addr.port());
        let fixture = config.fixture;
        let seed = config.seed;
        // Building the 100k fixture takes a moment: keep it off the async workers.
        let (st, fixture) =
            tokio::task::spawn_blocking(move || State::build(&fixture, seed).map(|s| (s, fixture)))
                .await
                .map_err(|e| EmulatorError::Config(format!("fixture build panicked: {e}")))??;
        let mut st = st;
        let control_secret = control_secret()?;
        let manifest = manifest(&st, &url, &control_secret);
        let faults_cfg = config.faults.or(fixture.faults).unwrap_or_default();
        let limits_cfg = config.limits.or(fixture.limits).unwrap_or_default();
        let now = st.now();
        let fault_rng = st.rng.fork(0xFA17);
        let shared = Arc::new(server::Shared {
            inner: Mutex::new(server::Inner {
                st,
                limiter: limits::Limiter::new(limits_cfg),
                faults: faults::Faults::new(faults_cfg, fault_rng, now),
                log: Vec::new(),
                next_seq: 0,
                strict_task_combos: config.strict_task_combinations,
            }),
            base_url: url.clone(),
            control_secret,
            call_log: std::env::var_os("GATEHOUSE_EMULATOR_CALL_LOG")
                .filter(|p| !p.is_empty())
                .map(std::path::PathBuf::from),
        });
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), stop_rx));
        Ok(RunningEmulator { url, manifest, stop: stop_tx, task: Some(task), shared })
    }
}

/// A running emulator. Dropping it stops the server too.
pub struct RunningEmulator {
    url: String,
    manifest: Manifest,
    stop: tokio::sync::watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
    shared: Arc<server::Shared>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT`: pass it where the client would use `https://graph.facebook.com`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The manifest as it was at start (the ready line of the binary).
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Replaces the fault configuration (as `PUT /__emulator/faults` does).
    pub fn set_faults(&self, faults: FaultConfig) {
        let mut inner = self.shared.lock();
        let now = inner.st.now();
        inner.faults.set(faults, now);
    }

    /// Answers a control request as `{method} /__emulator{path}?{query}` would over HTTP
    /// (faults, limits, clock, token expiry…), for hosts that embed the emulator.
    pub fn control(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
    ) -> (u16, serde_json::Value) {
        control::handle(&self.shared, method, path, query, body)
    }

    /// Answers the login dialog at `dialog_url` as person `person_id` would by pressing
    /// "Continue as …" (`None`: Cancel), without a browser: where the window would be sent.
    /// For hosts that stand in for the login window (the dev/test host).
    pub fn answer_login(&self, dialog_url: &str, person_id: Option<&str>) -> Option<String> {
        let query = dialog_url.split_once('?').map_or("", |(_, q)| q);
        let mut form = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if ["client_id", "redirect_uri", "state", "scope", "config_id", "response_type"]
                .contains(&k.as_ref())
            {
                form.append_pair(&k, &v);
            }
        }
        match person_id {
            Some(p) => form.append_pair("person", p),
            None => form.append_pair("cancel", "1"),
        };
        let body = form.finish();
        let answer = login::handle(
            &mut self.shared.lock().st,
            "POST",
            "/dialog/oauth/answer",
            "",
            body.as_bytes(),
        );
        match answer {
            login::LoginAnswer::Redirect(to) => Some(to),
            login::LoginAnswer::Page { .. } => None,
        }
    }

    /// The request log so far.
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.shared.lock().log.clone()
    }

    /// A JSON snapshot of what was written (as `GET /__emulator/state`).
    pub fn state_snapshot(&self) -> serde_json::Value {
        control::snapshot(&self.shared.lock().st)
    }

    /// Stops accepting, closes open connections and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
