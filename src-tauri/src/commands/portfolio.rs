//! The open portfolio: its system users and what each can reach.

use gatehouse_core::{
    AccessCount, AppClaim, AssetKindInfo, AssetRow, CreatedSystemUser, NewRole, PortfolioOverview,
    SystemUserAccess,
};
use gatehouse_graph::AssetKind;
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

/// Adds an app its admin develops to the open portfolio's business, so it can have system users.
#[tauri::command]
#[specta::specta]
pub async fn claim_app(
    state: State<'_, AppState>,
    app_id: String,
) -> Result<AppClaim, CommandError> {
    Ok(state.portfolio().await?.claim_app(&app_id).await?)
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

/// How many assets and apps each system user has.
#[tauri::command]
#[specta::specta]
pub async fn access_counts(state: State<'_, AppState>) -> Result<Vec<AccessCount>, CommandError> {
    Ok(state.portfolio().await?.access_counts().await?)
}

/// One system user's assets with their tasks, and its installed apps.
#[tauri::command]
#[specta::specta]
pub async fn system_user_access(
    state: State<'_, AppState>,
    system_user_id: String,
) -> Result<SystemUserAccess, CommandError> {
    Ok(state.portfolio().await?.system_user_access(&system_user_id).await?)
}

/// The seven asset kinds with their tasks in plain words.
#[tauri::command]
#[specta::specta]
pub fn asset_kinds() -> Vec<AssetKindInfo> {
    gatehouse_core::asset_kinds()
}

/// Every asset of one kind the business owns or is shared.
#[tauri::command]
#[specta::specta]
pub async fn list_assets(
    state: State<'_, AppState>,
    kind: AssetKind,
) -> Result<Vec<AssetRow>, CommandError> {
    Ok(state.portfolio().await?.list_assets(kind).await?)
}
