//! A session: one fresh engine as the desktop app would have it on a first run (the demo
//! portfolio open, nothing saved), with its own folders, an in-memory keyring and clipboard.
//! Each UI test opens its own, so tests never see each other's writes.

use std::sync::Arc;

use gatehouse_commands::{AppState, Environment, GraphTarget, MemoryClipboard};
use gatehouse_core::profiles::ProfileStore;
use gatehouse_secrets::{Backend, SecretStore, StoreConfig};

/// How long a session's keyring call may take.
pub const KEYRING_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

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
            // A short time limit, so the UI's test of a keyring that does not answer (the
            // `timeout` fault) waits two seconds, not the desktop's twenty.
            secrets: SecretStore::new(
                StoreConfig::new(Backend::Mock)
                    .with_service("gatehouse-devhost")
                    .with_timeout(KEYRING_TIME_LIMIT),
            ),
            profiles: Ok(ProfileStore::at(dir.path().join("config"))),
            database: Some(dir.path().join("gatehouse.sqlite3")),
            exports: Some(dir.path().join("exports")),
            clipboard: clipboard.clone(),
            graph: graph_target(std::env::var("GATEHOUSE_GRAPH_URL").ok()),
        };
        Ok(Self { state: AppState::new(environment), clipboard, _dir: dir })
    }
}

/// "Connecting" a portfolio talks to this session's demo emulator, so a test never reaches Meta
/// and the demo's businesses are real answers to connect to; or, when `GATEHOUSE_GRAPH_URL`
/// names an emulator on this computer, to that one (the benchmark's browser baseline connects to
/// the same large fixture the app does). Never to Meta.
fn graph_target(url: Option<String>) -> GraphTarget {
    match GraphTarget::from_override(url) {
        GraphTarget::Url(url) => GraphTarget::Url(url),
        GraphTarget::Meta | GraphTarget::Demo => GraphTarget::Demo,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connects_to_a_local_emulator_or_the_demo_never_to_meta() {
        let local = "http://127.0.0.1:4000".to_owned();
        assert!(matches!(graph_target(Some(local.clone())), GraphTarget::Url(u) if u == local));
        assert!(matches!(graph_target(None), GraphTarget::Demo));
        assert!(matches!(graph_target(Some(String::new())), GraphTarget::Demo));
        assert!(matches!(
            graph_target(Some("https://graph.facebook.com".into())),
            GraphTarget::Demo
        ));
    }
}
