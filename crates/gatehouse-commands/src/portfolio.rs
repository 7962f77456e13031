//! The open portfolio: its system users and what each can reach.

use gatehouse_core::{
    AccessCount, AppClaim, AssetKindInfo, AssetRow, CreatedSystemUser, NewRole, PortfolioOverview,
    SystemUserAccess,
};
use gatehouse_graph::AssetKind;

use crate::{AppState, CommandError};

/// The business, its system users and the system-user quota.
pub async fn portfolio_overview(state: &AppState) -> Result<PortfolioOverview, CommandError> {
    Ok(state.portfolio().await?.overview().await?)
}

/// Adds an app its admin develops to the open portfolio's business, so it can have system users.
pub async fn claim_app(state: &AppState, app_id: String) -> Result<AppClaim, CommandError> {
    Ok(state.portfolio().await?.claim_app(&app_id).await?)
}

/// Adds a system user to the portfolio. A lost answer is reconciled, never retried blindly.
pub async fn create_system_user(
    state: &AppState,
    name: String,
    role: NewRole,
) -> Result<CreatedSystemUser, CommandError> {
    Ok(state.portfolio().await?.create_system_user(&name, role).await?)
}

/// Gives a system user a new name. Renaming is idempotent, so the client may retry it.
pub async fn rename_system_user(
    state: &AppState,
    system_user_id: String,
    name: String,
) -> Result<(), CommandError> {
    Ok(state.portfolio().await?.rename_system_user(&system_user_id, &name).await?)
}

/// How many assets and apps each system user has.
pub async fn access_counts(state: &AppState) -> Result<Vec<AccessCount>, CommandError> {
    Ok(state.portfolio().await?.access_counts().await?)
}

/// One system user's assets with their tasks, and its installed apps.
pub async fn system_user_access(
    state: &AppState,
    system_user_id: String,
) -> Result<SystemUserAccess, CommandError> {
    Ok(state.portfolio().await?.system_user_access(&system_user_id).await?)
}

/// The seven asset kinds with their tasks in plain words.
pub fn asset_kinds() -> Vec<AssetKindInfo> {
    gatehouse_core::asset_kinds()
}

/// Every asset of one kind the business owns or is shared, page by page to `on_rows` as it
/// arrives; answers how many rows were sent.
pub async fn stream_assets(
    state: &AppState,
    kind: AssetKind,
    on_rows: impl Fn(Vec<AssetRow>) + Send + Sync,
) -> Result<u32, CommandError> {
    Ok(state.portfolio().await?.stream_assets(kind, on_rows).await?)
}
