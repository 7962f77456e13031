//! A session: one fresh engine as the desktop app would have it on a first run (the demo
//! portfolio open, nothing saved), with its own folders, an in-memory keyring and clipboard.
//! Each UI test opens its own, so tests never see each other's writes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gatehouse_commands::{AppState, Clipboard, Environment, GraphTarget};
use gatehouse_core::profiles::ProfileStore;
use gatehouse_core::CopyReceipt;
use gatehouse_secrets::{Secret, SecretStore};

pub struct Session {
    pub state: AppState,
    /// The clipboard the session's commands copy to, for `GET /sessions/{id}/clipboard`.
    pub clipboard: Arc<MemoryClipboard>,
    /// The session's config and data folders, deleted with the session.
    _dir: tempfile::TempDir,
}

impl Session {
    pub fn new() -> std::io::Result<Self> {
        let dir = tempfile::Builder::new().prefix("gatehouse-devhost-").tempdir()?;
        let clipboard = Arc::new(MemoryClipboard::default());
        let environment = Environment {
            secrets: SecretStore::mock("gatehouse-devhost"),
            profiles: Ok(ProfileStore::at(dir.path().join("config"))),
            database: Some(dir.path().join("gatehouse.sqlite3")),
            clipboard: clipboard.clone(),
            // "Connecting" a portfolio talks to this session's demo emulator: a test never
            // reaches Meta, and the demo's businesses are real answers to connect to.
            graph: GraphTarget::Demo,
        };
        Ok(Self { state: AppState::new(environment), clipboard, _dir: dir })
    }
}

/// A clipboard in memory: a browser test must not write the desktop's clipboard. It is not
/// cleared by a timer (the receipt still says when the app would clear it).
#[derive(Default)]
pub struct MemoryClipboard {
    held: Mutex<Option<Secret>>,
}

impl MemoryClipboard {
    /// Whether a secret is on the clipboard now (never which one).
    pub fn holds_a_secret(&self) -> bool {
        self.held().is_some()
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clipboard for MemoryClipboard {
    fn copy(&self, secret: &Secret, clear_after: Duration) -> gatehouse_core::Result<CopyReceipt> {
        *self.held() = Some(secret.clone());
        Ok(CopyReceipt::clearing_after(clear_after))
    }

    fn holds(&self, secret: &Secret) -> gatehouse_core::Result<bool> {
        Ok(self.held().as_ref().is_some_and(|held| held.expose() == secret.expose()))
    }

    fn clear_now(&self) -> gatehouse_core::Result<bool> {
        Ok(self.held().take().is_some())
    }
}
