//! What the commands share: the engine's long-lived services, created once at start.

use gatehouse_core::{demo::DemoPortfolio, Portfolio};
use gatehouse_secrets::SecretStore;
use tokio::sync::OnceCell;

use crate::CommandError;

pub struct AppState {
    /// The OS keyring. Created without touching the keyring, so a missing one only shows up
    /// where a secret is needed (and in Settings → Keychain), never as a failed start.
    secrets: Result<SecretStore, gatehouse_secrets::SecretStoreError>,
    /// The demo portfolio, started on first use on Tauri's async runtime.
    demo: OnceCell<DemoPortfolio>,
}

impl AppState {
    pub fn new() -> Self {
        Self { secrets: SecretStore::secret_service(), demo: OnceCell::new() }
    }

    pub fn secrets(&self) -> Result<&SecretStore, CommandError> {
        self.secrets.as_ref().map_err(CommandError::from)
    }

    /// The portfolio the user is working in. Until profiles for real portfolios exist this is
    /// the demo portfolio, which is also what a first run opens.
    pub async fn portfolio(&self) -> Result<&Portfolio, CommandError> {
        let demo = self.demo.get_or_try_init(gatehouse_core::demo::start).await?;
        Ok(demo.portfolio())
    }
}
