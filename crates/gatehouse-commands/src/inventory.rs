//! The Tokens screen: the token inventory (`gatehouse_core::inventory`) of the open portfolio
//! or of all, and its expiry dates as a calendar file.

use gatehouse_core::audit::Fingerprint;
use gatehouse_core::inventory::{self, InventoryToken, TokenState, DEFAULT_WARN_DAYS};
use gatehouse_core::Revoked;
use gatehouse_secrets::{Secret, SecretKey, SecretKind};
use serde::Serialize;
use specta::Type;

use crate::audit::ExportedFile;
use crate::error::CommandFailure;
use crate::tokens::IssuedToken;
use crate::{AppState, CommandError};

/// The inventory, the soonest expiry first.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TokenInventory {
    pub tokens: Vec<InventoryToken>,
    /// Fingerprint hashes of the tokens whose copy is in the keychain (Gatehouse can refresh or
    /// revoke those itself).
    pub kept: Vec<String>,
    /// Days before expiry a token counts as expiring soon.
    pub warn_days: u32,
    /// How many still-working tokens expire within `warn_days`.
    pub expiring_soon: u32,
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The open portfolio's tokens, or every portfolio's with `all`.
pub async fn token_inventory(state: &AppState, all: bool) -> Result<TokenInventory, CommandError> {
    let portfolio = (!all).then(|| state.active_id());
    let tokens = state
        .store()
        .await?
        .token_inventory(portfolio.as_deref(), now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    let expiring_soon = tokens.iter().filter(|t| t.state == TokenState::ExpiresSoon).count();
    let kept = kept_copies(state, &tokens).await;
    Ok(TokenInventory {
        tokens,
        kept,
        warn_days: DEFAULT_WARN_DAYS,
        expiring_soon: u32::try_from(expiring_soon).unwrap_or(u32::MAX),
    })
}

/// The expiry dates of the tokens that still work (the open portfolio's, or all) as an `.ics`
/// file in the exports folder, for a calendar's reminders.
pub async fn export_token_calendar(
    state: &AppState,
    all: bool,
) -> Result<ExportedFile, CommandError> {
    let listed = token_inventory(state, all).await?;
    let ics = inventory::calendar(&listed.tokens, now());
    let events = u32::try_from(ics.matches("BEGIN:VEVENT").count()).unwrap_or(u32::MAX);
    let dir = crate::audit::exports_dir(state);
    let path = gatehouse_core::audit::write_file(&dir, "gatehouse-token-expiry", "ics", &ics)
        .map_err(|e| {
            crate::internal(format!("cannot write the calendar in {}: {e}", dir.display()))
        })?;
    Ok(ExportedFile { path: path.display().to_string(), entries: events })
}

/// The keychain copy of a system user's token in the open portfolio (one per system user).
async fn kept_copy(state: &AppState, system_user_id: &str) -> Option<Secret> {
    let key = SecretKey::new(
        crate::tokens::keyring_portfolio_id(&state.active_id()),
        SecretKind::SystemUserToken { system_user_id: system_user_id.to_owned() },
    )
    .ok()?;
    state.secrets().ok()?.get(&key).await.ok().flatten()
}

/// Which of `tokens` (the open portfolio's) have their copy in the keychain.
async fn kept_copies(state: &AppState, tokens: &[InventoryToken]) -> Vec<String> {
    let active = state.active_id();
    let mut users: Vec<&str> = tokens
        .iter()
        .filter(|t| t.portfolio_id == active && !t.state.is_dead())
        .filter_map(|t| t.user_id.as_deref())
        .collect();
    users.sort_unstable();
    users.dedup();
    let mut kept = Vec::new();
    for user in users {
        if let Some(copy) = kept_copy(state, user).await {
            kept.push(Fingerprint::of(&copy).hash);
        }
    }
    kept
}

/// The keychain copy of the inventory's token `hash`, when it is the one kept.
async fn copy_of(state: &AppState, hash: &str) -> Result<(Secret, String), CommandError> {
    let tokens = state
        .store()
        .await?
        .token_inventory(Some(&state.active_id()), now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    let user = tokens
        .iter()
        .find(|t| t.fingerprint.hash == hash)
        .and_then(|t| t.user_id.clone())
        .ok_or(CommandFailure::NoKeptCopy)?;
    match kept_copy(state, &user).await {
        Some(copy) if Fingerprint::of(&copy).hash == hash => Ok((copy, user)),
        _ => Err(CommandFailure::NoKeptCopy.into()),
    }
}

/// Refreshes a 60-day token of the inventory with its keychain copy; the new token goes through
/// the copy-once dialog and replaces the copy in the keychain.
pub async fn refresh_kept_token(
    state: &AppState,
    hash: String,
) -> Result<IssuedToken, CommandError> {
    let (copy, user) = copy_of(state, &hash).await?;
    let portfolio = state.portfolio().await?;
    let refreshed = portfolio.refresh_token(&copy, crate::tokens::app_secret(&portfolio)?).await?;
    let key = SecretKey::new(
        crate::tokens::keyring_portfolio_id(&state.active_id()),
        SecretKind::SystemUserToken { system_user_id: user },
    )
    .map_err(|e| crate::internal(e.to_string()))?;
    state.secrets()?.set(&key, &refreshed.token).await?;
    Ok(crate::tokens::issue(state, refreshed))
}

/// Revokes a token of the inventory with its keychain copy, and deletes the copy.
pub async fn revoke_kept_token(state: &AppState, hash: String) -> Result<Revoked, CommandError> {
    let (copy, user) = copy_of(state, &hash).await?;
    let portfolio = state.portfolio().await?;
    let revoked = portfolio.revoke_token(&copy, crate::tokens::app_secret(&portfolio)?).await?;
    let key = SecretKey::new(
        crate::tokens::keyring_portfolio_id(&state.active_id()),
        SecretKind::SystemUserToken { system_user_id: user },
    )
    .map_err(|e| crate::internal(e.to_string()))?;
    state.secrets()?.delete(&key).await?;
    Ok(revoked)
}

/// Invalidates every token of `system_user_id` (the way to stop a token Gatehouse has no copy
/// of); new ones can be generated afterwards.
pub async fn invalidate_system_user_tokens(
    state: &AppState,
    system_user_id: String,
) -> Result<(), CommandError> {
    Ok(state.portfolio().await?.invalidate_all_tokens(&system_user_id).await?)
}

/// The reminder of tokens (of every portfolio) that expire within `within_days`, if any; the
/// desktop shell shows it as a notification.
pub async fn token_expiry_notice(
    state: &AppState,
    within_days: u32,
) -> Result<Option<inventory::ExpiryNotice>, CommandError> {
    let tokens = state
        .store()
        .await?
        .token_inventory(None, now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    let range = inventory::REMINDER_DAYS;
    Ok(inventory::expiry_notice(&tokens, now(), within_days.clamp(range.min, range.max)))
}
