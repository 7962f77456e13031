//! The Tokens screen: the token inventory (`gatehouse_core::inventory`) of the open portfolio
//! or of all, and its expiry dates as a calendar file.

use gatehouse_core::inventory::{self, InventoryToken, TokenState, DEFAULT_WARN_DAYS};
use gatehouse_core::rescue::{rescue_guide, RescueCase, RescueFacts, RescueGuide};
use gatehouse_core::Revoked;
use gatehouse_secrets::{Secret, SecretKey};
use serde::Serialize;
use specta::Type;

use crate::audit::ExportedFile;
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

/// Which of `tokens` (the open portfolio's) have their copy in the keychain: one keychain read
/// per system user (it keeps one copy each), compared with each of its tokens.
async fn kept_copies(state: &AppState, tokens: &[InventoryToken]) -> Vec<String> {
    let (active, Ok(secrets)) = (state.active_id(), state.secrets()) else { return Vec::new() };
    let mut users: Vec<&str> = tokens
        .iter()
        .filter(|t| t.portfolio_id == active && !t.state.is_dead())
        .filter_map(|t| t.user_id.as_deref())
        .collect();
    users.sort_unstable();
    users.dedup();
    let mut kept = Vec::new();
    for user in users {
        let Ok(key) = inventory::kept_token_key(&active, user) else { continue };
        let Ok(Some(copy)) = secrets.get(&key).await else { continue };
        let hash = gatehouse_core::audit::Fingerprint::of(&copy).hash;
        if tokens.iter().any(|t| t.portfolio_id == active && t.fingerprint.hash == hash) {
            kept.push(hash);
        }
    }
    kept
}

/// The keychain copy of the open portfolio's inventory token `hash`, and its entry, when the
/// copy kept is that token.
async fn copy_of(state: &AppState, hash: &str) -> Result<(Secret, SecretKey), CommandError> {
    let tokens = state
        .store()
        .await?
        .token_inventory(Some(&state.active_id()), now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    let token = tokens
        .iter()
        .find(|t| t.fingerprint.hash == hash)
        .ok_or(gatehouse_core::Error::NoKeptCopy)?;
    Ok(inventory::kept_copy(state.secrets()?, token)
        .await?
        .ok_or(gatehouse_core::Error::NoKeptCopy)?)
}

/// Refreshes a 60-day token of the inventory with its keychain copy; the new token goes through
/// the copy-once dialog and replaces the copy in the keychain.
pub async fn refresh_kept_token(
    state: &AppState,
    hash: String,
) -> Result<IssuedToken, CommandError> {
    let (copy, key) = copy_of(state, &hash).await?;
    let portfolio = state.portfolio().await?;
    let refreshed = portfolio.refresh_token(&copy, crate::tokens::app_secret(&portfolio)?).await?;
    let new_copy = refreshed.token.clone();
    // Handed to the window first: a keychain that fails now must not lose the new token (the
    // old copy stays, and works until it expires).
    let issued = crate::tokens::issue(state, refreshed);
    if let Err(e) = state.secrets()?.set(&key, &new_copy).await {
        eprintln!("gatehouse: the keychain's copy was not replaced: {e}");
    }
    Ok(issued)
}

/// Revokes a token of the inventory with its keychain copy, and deletes the copy.
pub async fn revoke_kept_token(state: &AppState, hash: String) -> Result<Revoked, CommandError> {
    let (copy, key) = copy_of(state, &hash).await?;
    let portfolio = state.portfolio().await?;
    let revoked = portfolio.revoke_token(&copy, crate::tokens::app_secret(&portfolio)?).await?;
    state.secrets()?.delete(&key).await?;
    Ok(revoked)
}

/// "I lost it" or "I leaked it" for the inventory's token `hash`: the engine's steps in their
/// safe order, given what Gatehouse holds (its keychain copy, the open portfolio) and the other
/// working tokens of the same system user. `owner_name` is the system user's name as the screen
/// shows it (the inventory keeps only its ID).
pub async fn token_rescue_guide(
    state: &AppState,
    portfolio_id: String,
    hash: String,
    rescue_case: RescueCase,
    owner_name: Option<String>,
) -> Result<RescueGuide, CommandError> {
    let all = state
        .store()
        .await?
        .token_inventory(None, now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    let token = all
        .iter()
        .find(|t| t.fingerprint.hash == hash && t.portfolio_id == portfolio_id)
        .ok_or_else(|| {
        gatehouse_core::Error::FingerprintUnknown(format!(
            "no token with hash {hash} in portfolio {portfolio_id}"
        ))
    })?;
    let active = state.active_id();
    // Gatehouse acts with a copy only in the open portfolio.
    let kept = if token.portfolio_id == active {
        match state.secrets() {
            Ok(secrets) => inventory::kept_copy(secrets, token).await.ok().map(|c| c.is_some()),
            Err(_) => None,
        }
    } else {
        Some(false)
    };
    let facts = RescueFacts::for_token(&all, token, &active, kept, owner_name);
    Ok(rescue_guide(rescue_case, token, &facts))
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
