//! The portfolio the user works in and its system users.

use gatehouse_core::{CreatedSystemUser, NewRole, PortfolioOverview};
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

/// Adds a system user to the portfolio. A lost answer is reconciled, never retried blindly.
#[tauri::command]
#[specta::specta]
pub async fn create_system_user(
    state: State<'_, AppState>,
    name: String,
    role: NewRole,
) -> Result<CreatedSystemUser, CommandError> {
    Ok(state.portfolio().await?.create_system_user(&name, role).await?)
}

/// Gives a system user a new name. Renaming is idempotent, so the client may retry it.
#[tauri::command]
#[specta::specta]
pub async fn rename_system_user(
    state: State<'_, AppState>,
    system_user_id: String,
    name: String,
) -> Result<(), CommandError> {
    let portfolio = state.portfolio().await?;
    portfolio
        .session()
        .rename_system_user(portfolio.business_id(), &system_user_id, &name)
        .await
        .map_err(|e| gatehouse_core::Error::from(e).into())
}
