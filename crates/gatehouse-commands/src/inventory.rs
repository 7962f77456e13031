//! The Tokens screen: the token inventory (`gatehouse_core::inventory`) of the open portfolio
//! or of all, and its expiry dates as a calendar file.

use gatehouse_core::inventory::{self, InventoryToken, TokenState, DEFAULT_WARN_DAYS};
use serde::Serialize;
use specta::Type;

use crate::audit::ExportedFile;
use crate::{AppState, CommandError};

/// The inventory, the soonest expiry first.
#[derive(Debug, Clone, Serialize, Type)]
pub struct TokenInventory {
    pub tokens: Vec<InventoryToken>,
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
    Ok(TokenInventory {
        tokens,
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
