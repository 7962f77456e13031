//! The OS keyring store: every call goes through one serialized worker thread, with a timeout.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use keyring_core::{mock, CredentialStore, Entry};
use tokio::sync::oneshot;
use zeroize::Zeroize;

use crate::error::SecretStoreError;
use crate::key::SecretKey;

/// The profile id of the throwaway entry [`SecretStore::self_check`] writes. The underscore
/// makes it one no saved profile can have (profile ids are lowercase letters, digits and `-`;
/// demo ids use `.`), so the check can never overwrite or delete a real profile's secret.
pub const SELF_CHECK_PROFILE: &str = "gatehouse_self-check";
use crate::map::{map_connect_error, map_keyring_error};
use crate::secret::Secret;

/// The keyring service name Gatehouse stores its secrets under.
pub const DEFAULT_SERVICE: &str = "dev.gatehouse.app";

/// How long one keyring call may take before it fails with [`SecretStoreError::Timeout`].
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Longest secret accepted, in bytes: 1280 fits every platform keyring (Windows' Credential
/// Manager stores at most 2560 bytes of UTF-16), so profiles behave the same everywhere. Meta
/// tokens are a few hundred bytes.
pub const MAX_SECRET_BYTES: usize = 1280;

/// Where secrets are kept. Chosen explicitly: there is never a silent fallback from one to the
/// other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// The desktop's own keyring ([`crate::native`]): the freedesktop Secret Service over D-Bus
    /// on Linux (GNOME Keyring, KWallet, KeePassXC), the login keychain on macOS, the Credential
    /// Manager on Windows.
    Native,
    /// `keyring_core::mock::Store`: in memory, per [`SecretStore`], lost when the store is
    /// dropped. For tests and demos only.
    Mock,
}

/// How a [`SecretStore`] is set up. Build with [`StoreConfig::new`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// Which keyring to use.
    pub backend: Backend,
    /// The keyring "service" attribute of every entry (default [`DEFAULT_SERVICE`]).
    pub service: String,
    /// Time limit per keyring call (default [`DEFAULT_TIMEOUT`]).
    pub timeout: Duration,
    /// Longest secret accepted, in bytes (default [`MAX_SECRET_BYTES`]).
    pub max_secret_bytes: usize,
}

impl StoreConfig {
    /// The defaults for `backend`.
    pub fn new(backend: Backend) -> Self {
        Self {
            backend,
            service: DEFAULT_SERVICE.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            max_secret_bytes: MAX_SECRET_BYTES,
        }
    }

    /// Another keyring service name (tests use a unique one per run).
    pub fn with_service(mut self, service: impl Into<String>) -> Self {
        self.service = service.into();
        self
    }

    /// Another time limit per call.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// What [`SecretStore::probe`] found, for the UI to show at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreStatus {
    /// The keyring answers and its default collection is unlocked.
    Ready,
    /// The keyring answers but its default collection is locked: the next read or write will
    /// make the system ask the user to unlock it.
    Locked,
    /// The keyring cannot be used; the error says why.
    Unavailable(SecretStoreError),
}

impl StoreStatus {
    /// Whether secrets can be read and written without a prompt.
    pub fn is_ready(&self) -> bool {
        matches!(self, Self::Ready)
    }

    /// A stable code: `"keyring_ready"`, `"keyring_locked"` or the error's
    /// [`code`](SecretStoreError::code).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Ready => "keyring_ready",
            Self::Locked => "keyring_locked",
            Self::Unavailable(err) => gatehouse_errors::Explain::code(err).as_str(),
        }
    }

    /// A plain-language sentence for the UI.
    pub fn explanation(&self) -> String {
        match self {
            Self::Ready => "Your system keyring is available; tokens are stored there.".to_owned(),
            Self::Locked => "Your system keyring is locked. Gatehouse will ask your system to \
                 unlock it when it needs a token."
                .to_owned(),
            Self::Unavailable(err) => err.explanation(),
        }
    }
}

/// A failure to make the next call of a [`Backend::Mock`] store fail or stall, so tests (and the
/// UI's tests) can reach every error state. The errors are injected as the keyring layer would
/// report them, so they go through the same mapping as real ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MockFault {
    /// As if no Secret Service were running.
    NoSecretService,
    /// As if the collection were locked.
    Locked,
    /// As if the unlock prompt had been dismissed.
    PromptDismissed,
    /// As if the keyring had no default collection.
    NoDefaultCollection,
    /// As if D-Bus had refused access.
    AccessDenied,
    /// Another keyring failure with this message.
    Platform(String),
    /// The next call blocks the worker this long (then runs normally): a locked keyring whose
    /// unlock dialog nobody answers.
    Stall(Duration),
}

/// The OS keyring, for Gatehouse's secrets.
///
/// All calls go, in order, through one worker thread that owns the keyring connection
/// (concurrent Secret Service sessions have crashed gnome-keyring, and a locked keyring can
/// block a call until someone answers a dialog). Each call waits at most
/// [`StoreConfig::timeout`] and then fails with [`SecretStoreError::Timeout`]; a call stuck in
/// the worker keeps later calls waiting, so they time out too until it returns.
///
/// Cheap to clone: clones share the worker, which stops when the last clone is dropped.
///
/// Use the `async` methods from async code (Tauri commands; their futures are `Send` and need a
/// tokio runtime with the time driver, as Tauri's has) and the `*_blocking` ones from plain
/// threads (the CLI); never a `*_blocking` method on an async runtime thread. The keyring itself
/// never runs on the caller's thread or runtime: zbus drives D-Bus on its own executor thread.
///
/// The keyring connection is opened on the first call (or [`probe`](Self::probe)), not
/// when the store is created, and opened again after a connection failure, so a keyring
/// started later is picked up.
#[derive(Clone)]
pub struct SecretStore {
    inner: Arc<Inner>,
}

struct Inner {
    config: StoreConfig,
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretStore").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl SecretStore {
    /// Starts the worker thread for `config`. Does not touch the keyring yet.
    pub fn new(config: StoreConfig) -> Result<Self, SecretStoreError> {
        if config.service.is_empty() {
            return Err(SecretStoreError::Platform("the keyring service name is empty".into()));
        }
        let (jobs, rx) = mpsc::channel();
        let worker = Worker::new(&config)?;
        thread::Builder::new()
            .name("gatehouse-keyring".into())
            .spawn(move || worker.run(rx))
            .map_err(|e| {
                SecretStoreError::Platform(format!("could not start the keyring worker: {e}"))
            })?;
        Ok(Self { inner: Arc::new(Inner { config, jobs }) })
    }

    /// The desktop's own keyring with the default service name and timeout.
    pub fn native() -> Result<Self, SecretStoreError> {
        Self::new(StoreConfig::new(Backend::Native))
    }

    /// An in-memory mock store under `service` (tests, demos).
    pub fn mock(service: impl Into<String>) -> Result<Self, SecretStoreError> {
        Self::new(StoreConfig::new(Backend::Mock).with_service(service))
    }

    /// The configuration this store was created with.
    pub fn config(&self) -> &StoreConfig {
        &self.inner.config
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.inner.config.backend
    }

    /// Stores (or replaces) the secret for `key`.
    pub async fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretStoreError> {
        let op = self.set_op(key, secret)?;
        self.call_async(op).await.map(|_| ())
    }

    /// Reads the secret for `key`; `None` if there is none.
    pub async fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretStoreError> {
        self.call_async(Op::Get { user: key.user() }).await.map(Outcome::into_secret)
    }

    /// Deletes the secret for `key`. Idempotent: `Ok(false)` if there was none.
    pub async fn delete(&self, key: &SecretKey) -> Result<bool, SecretStoreError> {
        self.call_async(Op::Delete { user: key.user() }).await.map(Outcome::into_deleted)
    }

    /// Checks whether the keyring can be used, without prompting the user.
    pub async fn probe(&self) -> StoreStatus {
        match self.call_async(Op::Probe).await {
            Ok(outcome) => outcome.into_status(),
            Err(err) => StoreStatus::Unavailable(err),
        }
    }

    /// Stores, reads back and deletes a throwaway entry: proof that secrets can really be kept,
    /// which [`probe`](Self::probe) alone cannot give (it never writes). May prompt to unlock.
    /// Returns how long the round trip took.
    pub async fn self_check(&self) -> Result<Duration, SecretStoreError> {
        let started = Instant::now();
        let key = SecretKey::new(SELF_CHECK_PROFILE, crate::SecretKind::AppSecret)
            .map_err(|e| SecretStoreError::Platform(format!("self-check key: {e}")))?;
        // Not a real secret, but unique per run so a stale entry cannot pass for a fresh write.
        let nonce = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let probe = Secret::new(format!("gatehouse-self-check-{nonce:x}-{}", std::process::id()));
        self.set(&key, &probe).await?;
        let read = self.get(&key).await;
        let deleted = self.delete(&key).await;
        match read? {
            Some(value) if value == probe => {}
            Some(_) => {
                return Err(SecretStoreError::Platform(
                    "the keyring returned a different value than was stored".into(),
                ))
            }
            None => {
                return Err(SecretStoreError::Platform(
                    "the keyring did not keep the test entry".into(),
                ))
            }
        }
        deleted?;
        Ok(started.elapsed())
    }

    /// [`set`](Self::set) for non-async callers: blocks this thread up to the timeout.
    pub fn set_blocking(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretStoreError> {
        let op = self.set_op(key, secret)?;
        self.call_blocking(op).map(|_| ())
    }

    /// [`get`](Self::get) for non-async callers: blocks this thread up to the timeout.
    pub fn get_blocking(&self, key: &SecretKey) -> Result<Option<Secret>, SecretStoreError> {
        self.call_blocking(Op::Get { user: key.user() }).map(Outcome::into_secret)
    }

    /// [`delete`](Self::delete) for non-async callers: blocks this thread up to the timeout.
    pub fn delete_blocking(&self, key: &SecretKey) -> Result<bool, SecretStoreError> {
        self.call_blocking(Op::Delete { user: key.user() }).map(Outcome::into_deleted)
    }

    /// [`probe`](Self::probe) for non-async callers: blocks this thread up to the timeout.
    pub fn probe_blocking(&self) -> StoreStatus {
        match self.call_blocking(Op::Probe) {
            Ok(outcome) => outcome.into_status(),
            Err(err) => StoreStatus::Unavailable(err),
        }
    }

    /// Makes the next call on this [`Backend::Mock`] store fail or stall as `fault` says.
    /// Faults are queued in order with the calls. Does not wait.
    ///
    /// Fails with [`SecretStoreError::Platform`] on any other backend.
    pub fn inject_mock_fault(&self, fault: MockFault) -> Result<(), SecretStoreError> {
        if self.backend() != Backend::Mock {
            return Err(SecretStoreError::Platform(
                "faults can only be injected into the mock keyring".into(),
            ));
        }
        self.inner
            .jobs
            .send(Job { op: Op::Fault(fault), deadline: None, reply: Reply::None })
            .map_err(|_| worker_gone())
    }

    fn set_op(&self, key: &SecretKey, secret: &Secret) -> Result<Op, SecretStoreError> {
        if secret.is_empty() {
            return Err(SecretStoreError::EmptySecret);
        }
        let max = self.inner.config.max_secret_bytes;
        if secret.len() > max {
            return Err(SecretStoreError::TooLong { len: secret.len(), max });
        }
        Ok(Op::Set { user: key.user(), label: key.label(), secret: secret.clone() })
    }

    fn deadline(&self) -> Option<Instant> {
        Instant::now().checked_add(self.inner.config.timeout)
    }

    fn call_blocking(&self, op: Op) -> Result<Outcome, SecretStoreError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job = Job { op, deadline: self.deadline(), reply: Reply::Blocking(tx) };
        self.inner.jobs.send(job).map_err(|_| worker_gone())?;
        match rx.recv_timeout(self.inner.config.timeout) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                Err(SecretStoreError::Timeout { timeout: self.inner.config.timeout })
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(worker_gone()),
        }
    }

    async fn call_async(&self, op: Op) -> Result<Outcome, SecretStoreError> {
        let (tx, rx) = oneshot::channel();
        let job = Job { op, deadline: self.deadline(), reply: Reply::Async(tx) };
        self.inner.jobs.send(job).map_err(|_| worker_gone())?;
        match tokio::time::timeout(self.inner.config.timeout, rx).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(worker_gone()),
            Err(_) => Err(SecretStoreError::Timeout { timeout: self.inner.config.timeout }),
        }
    }
}

fn worker_gone() -> SecretStoreError {
    SecretStoreError::Platform("the keyring worker thread stopped".into())
}

struct Job {
    op: Op,
    /// After this, nobody waits for the answer any more: the job is skipped.
    deadline: Option<Instant>,
    reply: Reply,
}

enum Op {
    Set { user: String, label: String, secret: Secret },
    Get { user: String },
    Delete { user: String },
    Probe,
    Fault(MockFault),
}

enum Outcome {
    Done,
    Secret(Option<Secret>),
    Deleted(bool),
    Status(StoreStatus),
}

impl Outcome {
    fn into_secret(self) -> Option<Secret> {
        match self {
            Self::Secret(secret) => secret,
            _ => None,
        }
    }

    fn into_deleted(self) -> bool {
        matches!(self, Self::Deleted(true))
    }

    fn into_status(self) -> StoreStatus {
        match self {
            Self::Status(status) => status,
            _ => StoreStatus::Ready,
        }
    }
}

type JobResult = Result<Outcome, SecretStoreError>;

enum Reply {
    None,
    Blocking(mpsc::SyncSender<JobResult>),
    Async(oneshot::Sender<JobResult>),
}

impl Reply {
    fn send(self, result: JobResult) {
        // The caller may have timed out and gone: nothing to do then.
        match self {
            Self::None => {}
            Self::Blocking(tx) => {
                let _ = tx.try_send(result);
            }
            Self::Async(tx) => {
                let _ = tx.send(result);
            }
        }
    }
}

enum Connection {
    /// Opened lazily; dropped after a connection-level failure so the next call reconnects.
    Native(Option<Arc<CredentialStore>>),
    Mock(Arc<mock::Store>),
}

struct Worker {
    service: String,
    connection: Connection,
    faults: Vec<MockFault>,
}

impl Worker {
    fn new(config: &StoreConfig) -> Result<Self, SecretStoreError> {
        let connection = match config.backend {
            Backend::Native => Connection::Native(None),
            Backend::Mock => {
                Connection::Mock(mock::Store::new().map_err(|e| map_keyring_error(e, ""))?)
            }
        };
        Ok(Self { service: config.service.clone(), connection, faults: Vec::new() })
    }

    fn run(mut self, jobs: mpsc::Receiver<Job>) {
        while let Ok(job) = jobs.recv() {
            if let Op::Fault(fault) = job.op {
                self.faults.push(fault);
                continue;
            }
            if job.deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                // The caller has already been told `Timeout`; do not run a stale write late.
                continue;
            }
            let result =
                catch_unwind(AssertUnwindSafe(|| self.execute(job.op))).unwrap_or_else(|_| {
                    Err(SecretStoreError::Platform("the keyring library panicked".into()))
                });
            if let (Err(err), Connection::Native(store)) = (&result, &mut self.connection) {
                if matches!(
                    err,
                    SecretStoreError::NoSecretService { .. } | SecretStoreError::Platform(_)
                ) {
                    *store = None;
                }
            }
            job.reply.send(result);
        }
    }

    fn execute(&mut self, op: Op) -> JobResult {
        let fault = if self.faults.is_empty() { None } else { Some(self.faults.remove(0)) };
        if let Some(MockFault::Stall(duration)) = fault {
            thread::sleep(duration);
            return self.execute_now(op, None);
        }
        self.execute_now(op, fault)
    }

    fn execute_now(&mut self, op: Op, fault: Option<MockFault>) -> JobResult {
        match op {
            Op::Probe => self.probe(fault),
            Op::Set { user, label, secret } => {
                let entry = self.entry(&user, &label, fault)?;
                entry.set_secret(secret.expose().as_bytes()).map(|()| Outcome::Done).map_err(|e| {
                    match map_keyring_error(e, &user) {
                        SecretStoreError::TooLong { max, .. } => {
                            SecretStoreError::TooLong { len: secret.len(), max }
                        }
                        other => other,
                    }
                })
            }
            Op::Get { user } => {
                let entry = self.entry(&user, "", fault)?;
                match entry.get_secret() {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(value) => Ok(Outcome::Secret(Some(Secret::new(value)))),
                        Err(err) => {
                            err.into_bytes().zeroize();
                            Err(SecretStoreError::Platform(
                                "the stored value is not valid UTF-8".into(),
                            ))
                        }
                    },
                    Err(keyring_core::Error::NoEntry) => Ok(Outcome::Secret(None)),
                    Err(e) => Err(map_keyring_error(e, &user)),
                }
            }
            Op::Delete { user } => {
                let entry = self.entry(&user, "", fault)?;
                match entry.delete_credential() {
                    Ok(()) => Ok(Outcome::Deleted(true)),
                    Err(keyring_core::Error::NoEntry) => Ok(Outcome::Deleted(false)),
                    Err(e) => Err(map_keyring_error(e, &user)),
                }
            }
            Op::Fault(_) => Ok(Outcome::Done),
        }
    }

    /// The store, connecting first if needed.
    fn store(&mut self) -> Result<Arc<CredentialStore>, SecretStoreError> {
        match &mut self.connection {
            Connection::Mock(store) => {
                let store: Arc<CredentialStore> = store.clone();
                Ok(store)
            }
            Connection::Native(Some(store)) => Ok(store.clone()),
            Connection::Native(slot) => {
                let store = crate::native::open().map_err(map_connect_error)?;
                *slot = Some(store.clone());
                Ok(store)
            }
        }
    }

    /// The keyring entry for `user`; a mock fault is applied to it.
    fn entry(
        &mut self,
        user: &str,
        label: &str,
        fault: Option<MockFault>,
    ) -> Result<Entry, SecretStoreError> {
        if let Some(MockFault::NoSecretService) = fault {
            return Err(map_connect_error(crate::native::imitate(&MockFault::NoSecretService)));
        }
        let store = self.store()?;
        let modifiers = match self.connection {
            Connection::Native(_) => crate::native::modifiers(label),
            Connection::Mock(_) => HashMap::new(),
        };
        let entry = store
            .build(&self.service, user, Some(&modifiers))
            .map_err(|e| map_keyring_error(e, user))?;
        if let Some(fault) = fault {
            if let Some(cred) = entry.as_any().downcast_ref::<mock::Cred>() {
                cred.set_error(crate::native::imitate(&fault));
            }
        }
        Ok(entry)
    }

    fn probe(&mut self, fault: Option<MockFault>) -> JobResult {
        if let Some(fault) = fault {
            return Ok(Outcome::Status(match fault {
                MockFault::Locked => StoreStatus::Locked,
                MockFault::NoSecretService => {
                    StoreStatus::Unavailable(map_connect_error(crate::native::imitate(&fault)))
                }
                other => {
                    StoreStatus::Unavailable(map_keyring_error(crate::native::imitate(&other), ""))
                }
            }));
        }
        if let Connection::Mock(_) = self.connection {
            return Ok(Outcome::Status(StoreStatus::Ready));
        }
        if let Err(err) = self.store() {
            return Ok(Outcome::Status(StoreStatus::Unavailable(err)));
        }
        Ok(Outcome::Status(crate::native::probe()))
    }
}
