//! The portfolio the user works in and its system users.

use gatehouse_core::PortfolioOverview;
use tauri::State;

use crate::{state::AppState, CommandError};

/// The business, its system users and the system-user quota.
#[tauri::command]
#[specta::specta]
pub async fn portfolio_overview(
    state: State<'_, AppState>,
) -> Result<PortfolioOverview, CommandError> {
    Ok(state.portfolio().await?.overview().await?)
}
