//! Facts about the running app and its environment that the shell shows.

use serde::Serialize;
use specta::Type;

use crate::{AppState, CommandError};

/// What the shell shows in its header and About section.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// The OS family, so the UI can name the right keychain ("Keychain", "Credential Manager", …).
    pub os: String,
    /// How long a copied token stays on the clipboard: the default and the bounds.
    pub clipboard_clear: gatehouse_core::ClearAfterSecs,
    /// How many days ahead the token expiry reminder looks: the default and the bounds.
    pub expiry_reminder: gatehouse_core::inventory::ReminderDays,
}

pub async fn app_info() -> AppInfo {
    AppInfo {
        name: "Gatehouse".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        os: std::env::consts::OS.into(),
        clipboard_clear: gatehouse_core::CLEAR_AFTER,
        expiry_reminder: gatehouse_core::inventory::REMINDER_DAYS,
    }
}

/// The compatibility check of the open portfolio, and the same as text to paste into a bug
/// report (neither holds an ID, a name or a token).
#[derive(Debug, Clone, Serialize, Type)]
pub struct CompatibilityCheck {
    pub report: gatehouse_core::CompatReport,
    pub text: String,
}

/// Read-only probes of every read Gatehouse relies on, compared with the emulator's answers.
pub async fn check_compatibility(state: &AppState) -> Result<CompatibilityCheck, CommandError> {
    let id = state.active_id();
    let portfolio = state.portfolio().await?;
    let report = gatehouse_demo::compatibility_check(&portfolio).await?;
    if !id.starts_with(crate::state::DEMO_PREFIX) {
        remember_check(state, &id, portfolio.chains_pages(), &report);
    }
    Ok(CompatibilityCheck { text: report.to_text(), report })
}

/// Remembers for saved portfolio `id` what the check found about chained paging; when that
/// changes how its listings page, the portfolio is opened again for the next command. A
/// failure is said on stderr: the listings keep paging as they did.
fn remember_check(
    state: &AppState,
    id: &str,
    chained_now: bool,
    report: &gatehouse_core::CompatReport,
) {
    let remembered = state.profiles().ok().map(|profiles| {
        let profile = profiles.get(id)?;
        // The URL the portfolio was opened with (see `portfolios::open`).
        let confirmed =
            state.confirmed_graph_url(id).filter(|url| profile.base_url.as_ref() == Some(url));
        profiles.remember_check(&profile, confirmed.as_deref(), report)
    });
    match remembered {
        Some(Ok(chained)) if chained != chained_now => state.reopen(id),
        Some(Err(e)) => eprintln!("gatehouse: could not remember the chained paging check: {e}"),
        _ => {}
    }
}

/// The result of a keychain round trip.
#[derive(Debug, Clone, Serialize, Type)]
pub struct KeyringReport {
    /// Which keychain answered, in words a user recognises.
    pub store: String,
    /// How long storing, reading back and deleting a test entry took.
    pub round_trip_ms: u32,
}

/// Stores, reads back and deletes a test entry in the OS keyring.
pub async fn keyring_status(state: &AppState) -> Result<KeyringReport, CommandError> {
    let store = state.secrets()?;
    let elapsed = store.self_check().await?;
    let name = match store.backend() {
        gatehouse_secrets::Backend::Native => "Secret Service",
        gatehouse_secrets::Backend::Mock => "In-memory test store",
    };
    Ok(KeyringReport {
        store: name.into(),
        round_trip_ms: u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX),
    })
}
