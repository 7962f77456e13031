//! What the commands share: the engine's long-lived services, created once at start.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use gatehouse_core::profiles::{ProfileError, ProfileStore};
use gatehouse_core::store::Store;
use gatehouse_core::{Portfolio, SecretClipboard};
use gatehouse_demo::{DemoListing, DemoPortfolio};
use gatehouse_secrets::{Secret, SecretStore};
use tokio::sync::OnceCell;

use crate::error::CommandFailure;
use crate::{Clipboard, CommandError};

/// Where the commands keep and send things. The desktop app uses the OS's; the dev/test host
/// gives each session its own folders, an in-memory keyring and clipboard, and its demo.
pub struct Environment {
    /// The keyring. Created without touching it, so a missing one only shows up where a secret
    /// is needed (and in Settings → Keychain), never as a failed start.
    pub secrets: Result<SecretStore, gatehouse_secrets::SecretStoreError>,
    /// Where saved portfolios are listed.
    pub profiles: Result<ProfileStore, ProfileError>,
    /// The database file; `None`: the OS data directory (or `$GATEHOUSE_DATA_DIR`).
    pub database: Option<PathBuf>,
    /// Where exports (the audit log) are written; `None`: the Downloads folder (or
    /// `$GATEHOUSE_EXPORT_DIR`).
    pub exports: Option<PathBuf>,
    pub clipboard: Arc<dyn Clipboard>,
    /// Where a newly connected portfolio's Graph API calls go.
    pub graph: GraphTarget,
}

/// The Graph API a newly connected portfolio talks to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphTarget {
    /// `https://graph.facebook.com`.
    Meta,
    /// Another base URL (the end-to-end tests' emulator; the client refuses plain HTTP
    /// anywhere but loopback).
    Url(String),
    /// This state's own demo emulator (the dev/test host: "connecting" stays on this computer).
    Demo,
}

impl GraphTarget {
    /// Meta, unless `url` is an emulator on this computer. Anything else is ignored (and said
    /// on stderr): an environment variable must not send a portfolio's tokens to another host
    /// without the person seeing it.
    pub fn from_override(url: Option<String>) -> Self {
        match url {
            Some(url) if url.trim().is_empty() => GraphTarget::Meta,
            Some(url) if gatehouse_graph::is_loopback_base_url(&url) => GraphTarget::Url(url),
            Some(url) => {
                eprintln!(
                    "gatehouse: GATEHOUSE_GRAPH_URL={url:?} ignored: only an emulator on this \
                     computer (127.0.0.1, ::1 or localhost) may stand in for Meta"
                );
                GraphTarget::Meta
            }
            None => GraphTarget::Meta,
        }
    }
}

impl Environment {
    /// The desktop app's: the OS keyring, config and data folders, and clipboard.
    /// `GATEHOUSE_GRAPH_URL` points new portfolios at an emulator on this computer (end-to-end
    /// tests); see [`GraphTarget::from_override`].
    pub fn desktop() -> Self {
        let graph = GraphTarget::from_override(std::env::var("GATEHOUSE_GRAPH_URL").ok());
        Self {
            secrets: SecretStore::native(),
            profiles: ProfileStore::from_env(),
            database: None,
            exports: None,
            clipboard: Arc::new(SecretClipboard::new()),
            graph,
        }
    }
}

pub struct AppState {
    secrets: Result<SecretStore, gatehouse_secrets::SecretStoreError>,
    profiles: Result<ProfileStore, CommandError>,
    database: Option<PathBuf>,
    exports: Option<PathBuf>,
    graph: GraphTarget,
    /// The demo portfolios, started when one is opened, on Tauri's async runtime, and stopped
    /// when the person switches to a portfolio that does not need them ([`AppState::set_active`]).
    demo: tokio::sync::Mutex<Option<Arc<DemoPortfolio>>>,
    /// The demo's businesses for the portfolio menu, worked out without starting it.
    demo_listings: OnceCell<Vec<DemoListing>>,
    /// Which portfolio the window works in: a demo id or a saved profile's id.
    active: Mutex<String>,
    /// Saved portfolios opened this session (their secrets read from the keyring once).
    opened: Mutex<HashMap<String, Arc<Portfolio>>>,
    /// Saved portfolios whose non-Meta Graph API URL the person confirmed this session, by id.
    confirmed_graph_urls: Mutex<HashMap<String, String>>,
    /// Cancel flags of the jobs running now, by job id.
    pub jobs: Mutex<HashMap<String, gatehouse_core::jobs::CancellationToken>>,
    /// Tokens generated this session and not yet dismissed, by handle. Only `reveal_token`
    /// sends one to the webview; dropping the entry zeroizes it.
    tokens: Mutex<TokenVault>,
    /// [`KEEP_TOKENS_FOR`], shorter in tests.
    keep_tokens_for: std::time::Duration,
    /// The local database, opened on first use.
    store: OnceCell<Arc<Store>>,
    /// A Sign in with Meta under way (the person's token, between its steps).
    pub(crate) sign_in: Mutex<Option<crate::login::SignIn>>,
    /// Bumped by each new sign-in and each cancel, so a step that took the sign-in out does not
    /// put it back after either.
    pub(crate) sign_in_generation: std::sync::atomic::AtomicU64,
    /// The client wizard's client admin token (On Behalf Of), for that client only.
    pub(crate) client_admin: Mutex<Option<(String, Secret)>>,
    /// The access matrix last read, with its portfolio's id (for the export).
    pub(crate) last_matrix: Mutex<Option<(String, Arc<gatehouse_core::matrix::AccessMatrix>)>>,
    /// The system clipboard, written from Rust only.
    clipboard: Arc<dyn Clipboard>,
}

#[derive(Default)]
struct TokenVault {
    /// Each token (by a random handle) with the system user it belongs to, when known.
    tokens: HashMap<String, KeptToken>,
}

struct KeptToken {
    token: Secret,
    /// When it was generated: it is dropped [`KEEP_TOKENS_FOR`] later, used or not.
    kept_at: std::time::Instant,
    system_user_id: Option<String>,
    /// It was handed to the window once (Reveal); it is not handed out again.
    revealed: bool,
}

/// Locks a mutex, recovering the data when a panicking holder poisoned it (the maps stay valid).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The portfolio the app had open last, if it still exists (a removed profile opens the demo).
fn remembered(profiles: &ProfileStore) -> Option<String> {
    let id = profiles.last_opened().ok()??;
    (id.starts_with(DEMO_PREFIX) || profiles.get(&id).is_ok()).then_some(id)
}

/// How long a generated token stays in memory for the dialog that shows it (Copy, Reveal, keep
/// in the keychain). Long enough to paste it somewhere; short enough that a forgotten window
/// does not hold a live credential for hours.
pub const KEEP_TOKENS_FOR: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The id of the demo agency portfolio, the one a first run opens.
pub const DEMO_ID: &str = "demo:agency";
/// What every demo portfolio's id starts with (a colon: no saved profile's id can).
pub const DEMO_PREFIX: &str = "demo:";

impl AppState {
    pub fn new(environment: Environment) -> Self {
        let Environment { secrets, profiles, database, exports, clipboard, graph } = environment;
        let active = profiles.as_ref().ok().and_then(remembered).unwrap_or_else(|| DEMO_ID.into());
        Self {
            secrets,
            profiles: profiles.map_err(CommandError::from),
            database,
            exports,
            graph,
            demo: tokio::sync::Mutex::new(None),
            demo_listings: OnceCell::new(),
            active: Mutex::new(active),
            keep_tokens_for: KEEP_TOKENS_FOR,
            sign_in: Mutex::new(None),
            sign_in_generation: std::sync::atomic::AtomicU64::new(0),
            client_admin: Mutex::new(None),
            last_matrix: Mutex::new(None),
            opened: Mutex::new(HashMap::new()),
            confirmed_graph_urls: Mutex::new(HashMap::new()),
            jobs: Mutex::new(HashMap::new()),
            tokens: Mutex::new(TokenVault::default()),
            store: OnceCell::new(),
            clipboard,
        }
    }

    pub fn secrets(&self) -> Result<&SecretStore, CommandError> {
        self.secrets.as_ref().map_err(|e| CommandError::from(e.clone()))
    }

    pub fn profiles(&self) -> Result<&ProfileStore, CommandError> {
        self.profiles.as_ref().map_err(Clone::clone)
    }

    /// The base URL a newly connected portfolio is saved with (`None`: Meta's).
    pub async fn graph_url(&self) -> Result<Option<String>, CommandError> {
        Ok(match &self.graph {
            GraphTarget::Meta => None,
            GraphTarget::Url(url) => Some(url.clone()),
            GraphTarget::Demo => Some(self.demo().await?.url().to_owned()),
        })
    }

    /// The demo, started now if it is not running (only when a demo portfolio is opened).
    pub async fn demo(&self) -> Result<Arc<DemoPortfolio>, CommandError> {
        let mut demo = self.demo.lock().await;
        if let Some(running) = demo.as_ref() {
            return Ok(running.clone());
        }
        let started = Arc::new(gatehouse_demo::start().await?);
        *demo = Some(started.clone());
        Ok(started)
    }

    /// Whether the demo's emulator runs (it costs memory and a port; only a demo opened starts
    /// it, and switching away stops it). Being started or read counts as running.
    pub fn demo_started(&self) -> bool {
        self.demo.try_lock().map_or(true, |demo| demo.is_some())
    }

    /// Stops the demo's emulator when a saved portfolio is open and nothing uses the demo: never
    /// where the demo stands in for Meta ([`GraphTarget::Demo`], where saved portfolios talk to
    /// it), and not while a command or a change still holds one of its portfolios (dropping the
    /// emulator would cut their requests off mid-way): then it stops at a later command. Opening
    /// a demo portfolio again starts it afresh, as a new start of the app does.
    fn stop_demo_if_unneeded(&self) {
        if self.graph == GraphTarget::Demo || self.active_id().starts_with(DEMO_PREFIX) {
            return;
        }
        // Being started or read right now: a later command stops it.
        let Ok(mut demo) = self.demo.try_lock() else { return };
        let unused = demo.as_ref().is_some_and(|running| {
            Arc::strong_count(running) == 1
                && running.portfolios().iter().all(|e| Arc::strong_count(&e.portfolio) == 1)
        });
        if unused {
            demo.take();
        }
    }

    /// The demo's businesses, for the portfolio menu, without starting the demo.
    pub async fn demo_listings(&self) -> Result<&[DemoListing], CommandError> {
        let listings =
            self.demo_listings.get_or_try_init(|| async { gatehouse_demo::listings() }).await?;
        Ok(listings)
    }

    pub fn active_id(&self) -> String {
        lock(&self.active).clone()
    }

    /// Opens `id` in the window, and remembers it for the next start (a failure to remember is
    /// said on stderr: the next start opens the demo, nothing is lost).
    pub fn set_active(&self, id: &str) {
        *lock(&self.active) = id.to_owned();
        self.stop_demo_if_unneeded();
        if let Ok(profiles) = &self.profiles {
            if let Err(e) = profiles.set_last_opened(id) {
                eprintln!("gatehouse: could not remember the open portfolio: {e}");
            }
        }
    }

    /// Remembers a saved portfolio opened with its secrets, so later calls skip the keyring.
    pub fn remember(&self, id: &str, portfolio: Arc<Portfolio>) {
        lock(&self.opened).insert(id.to_owned(), portfolio);
    }

    /// Drops the opened portfolio `id` (not its confirmed URL): the next command opens it
    /// again, with what changed in its profile.
    pub fn reopen(&self, id: &str) {
        lock(&self.opened).remove(id);
    }

    pub fn forget(&self, id: &str) {
        lock(&self.opened).remove(id);
        lock(&self.confirmed_graph_urls).remove(id);
    }

    /// The Graph API URL the person confirmed for saved portfolio `id` this session.
    pub fn confirmed_graph_url(&self, id: &str) -> Option<String> {
        lock(&self.confirmed_graph_urls).get(id).cloned()
    }

    pub fn confirm_graph_url(&self, id: &str, url: String) {
        lock(&self.confirmed_graph_urls).insert(id.to_owned(), url);
    }

    /// A demo portfolio by id, or one opened this session.
    pub async fn known(&self, id: &str) -> Result<Option<Arc<Portfolio>>, CommandError> {
        if id.starts_with(DEMO_PREFIX) {
            let demo = self.demo().await?;
            return Ok(demo.portfolios().iter().find(|e| e.id == id).map(|e| e.portfolio.clone()));
        }
        Ok(lock(&self.opened).get(id).cloned())
    }

    /// The portfolio the user works in now (the demo agency on a first run), recording its
    /// changes in the audit log as the app's.
    pub async fn portfolio(&self) -> Result<Arc<Portfolio>, CommandError> {
        // A demo still in use when the person switched away stops at the first command after.
        self.stop_demo_if_unneeded();
        let id = self.active_id();
        let portfolio = crate::portfolios::open(self, &id).await?;
        if portfolio.audit_trail().is_none() {
            // A database that cannot be opened does not stop the work (it is said).
            match self.store().await {
                Ok(store) => portfolio.record_changes_to(gatehouse_core::audit::AuditTrail::new(
                    store.clone(),
                    gatehouse_core::audit::Actor::App,
                    id,
                )),
                Err(e) => eprintln!("gatehouse: changes are not recorded in the audit log: {e:?}"),
            }
        }
        Ok(portfolio)
    }

    /// Keeps generated tokens for `limit` instead of [`KEEP_TOKENS_FOR`] (tests).
    pub fn keeping_tokens_for(mut self, limit: std::time::Duration) -> Self {
        self.keep_tokens_for = limit;
        self
    }

    /// The token vault, without the tokens kept past their time.
    fn vault(&self) -> MutexGuard<'_, TokenVault> {
        let mut vault = lock(&self.tokens);
        let limit = self.keep_tokens_for;
        vault.tokens.retain(|_, kept| kept.kept_at.elapsed() < limit);
        vault
    }

    /// Drops the tokens kept past [`KEEP_TOKENS_FOR`] (the app sweeps now and then, so a token
    /// nobody asks for again does not wait in memory for the next command).
    pub fn drop_stale_tokens(&self) {
        drop(self.vault());
    }

    /// Drops every kept token: the page they were generated for is gone (the window reloaded),
    /// so no dialog can ask for them any more.
    pub fn drop_all_tokens(&self) {
        lock(&self.tokens).tokens.clear();
        lock(&self.client_admin).take();
    }

    /// Keeps a token in memory and returns its handle.
    pub fn keep_token(&self, token: Secret, system_user_id: Option<String>) -> String {
        // Random, so a script cannot guess another token's handle.
        let handle = format!("token-{}", uuid::Uuid::new_v4().simple());
        let kept = KeptToken {
            token,
            system_user_id,
            revealed: false,
            kept_at: std::time::Instant::now(),
        };
        self.vault().tokens.insert(handle.clone(), kept);
        handle
    }

    /// Runs `f` on a kept token.
    pub fn with_token<T>(
        &self,
        handle: &str,
        f: impl FnOnce(&Secret, Option<&str>) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        let vault = self.vault();
        let kept = vault.tokens.get(handle).ok_or(CommandFailure::TokenGone)?;
        let (token, owner) = (&kept.token, &kept.system_user_id);
        f(token, owner.as_deref())
    }

    /// The token's text, for the one time the window shows it; refused after that (a script in
    /// the page cannot take it out again).
    pub fn reveal_once(&self, handle: &str) -> Result<zeroize::Zeroizing<String>, CommandError> {
        let mut vault = self.vault();
        let kept = vault.tokens.get_mut(handle).ok_or(CommandFailure::TokenGone)?;
        if kept.revealed {
            return Err(CommandFailure::TokenAlreadyRevealed.into());
        }
        kept.revealed = true;
        Ok(zeroize::Zeroizing::new(kept.token.expose().to_owned()))
    }

    /// What the app does as it quits (the window closed, SIGTERM, SIGHUP): the clipboard is
    /// cleared if it still holds a token copied here, and every kept token is dropped
    /// (zeroized). The process exits without running destructors, so this is called first.
    pub fn shutdown(&self) {
        if let Err(e) = self.clipboard.clear_now() {
            eprintln!("gatehouse: the clipboard could not be cleared on exit: {e}");
        }
        self.drop_all_tokens();
        lock(&self.sign_in).take();
    }

    /// Drops a kept token (zeroized on drop). Returns it, for a last use such as clearing the
    /// clipboard when it still holds it.
    pub fn take_token(&self, handle: &str) -> Option<Secret> {
        lock(&self.tokens).tokens.remove(handle).map(|kept| kept.token)
    }

    /// The local database (jobs and the audit log).
    pub async fn store(&self) -> Result<&Arc<Store>, CommandError> {
        Ok(self
            .store
            .get_or_try_init(|| async {
                match &self.database {
                    Some(path) => Store::open(path),
                    None => Store::open_default(),
                }
                .map(Arc::new)
                .map_err(gatehouse_core::Error::from)
            })
            .await?)
    }

    /// Where exports go, when this state was given a folder.
    pub fn exports(&self) -> Option<&std::path::Path> {
        self.exports.as_deref()
    }

    pub fn clipboard(&self) -> Arc<dyn Clipboard> {
        self.clipboard.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::GraphTarget;

    #[test]
    fn only_an_emulator_on_this_computer_may_stand_in_for_meta() {
        let target = |url: &str| GraphTarget::from_override(Some(url.to_owned()));
        assert_eq!(
            target("http://127.0.0.1:8080"),
            GraphTarget::Url("http://127.0.0.1:8080".into())
        );
        assert_eq!(target("http://localhost:9"), GraphTarget::Url("http://localhost:9".into()));
        assert_eq!(target("https://evil.example"), GraphTarget::Meta);
        assert_eq!(target("http://10.0.0.5:8080"), GraphTarget::Meta);
        assert_eq!(target("https://127.0.0.1.evil.example"), GraphTarget::Meta);
        assert_eq!(target(""), GraphTarget::Meta);
        assert_eq!(GraphTarget::from_override(None), GraphTarget::Meta);
    }
}
