//! The audit log screen: the entries (newest first, filtered), the chain's check, and an
//! export to a file in the Downloads folder (`gatehouse_core::audit`).

use std::path::PathBuf;

use gatehouse_core::audit::{
    self, Actor, AuditAction, AuditCheck, AuditEntry, AuditFilter, AuditOutcome, ExportFormat,
};
use serde::Serialize;
use specta::Type;

use crate::{AppState, CommandError};

/// Environment variable naming the folder exports go to (tests, portable setups).
pub const EXPORT_DIR_ENV: &str = "GATEHOUSE_EXPORT_DIR";

/// One value of a filter, with its words.
#[derive(Debug, Clone, Serialize, Type)]
pub struct Choice<T> {
    pub value: T,
    pub label: String,
}

/// A page of the log.
#[derive(Debug, Clone, Serialize, Type)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// Older entries match too (ask again with `before_seq` = the last one's `seq`).
    pub more: bool,
    pub actions: Vec<Choice<AuditAction>>,
    pub actors: Vec<Choice<Actor>>,
    pub outcomes: Vec<Choice<AuditOutcome>>,
}

/// Entries matching `filter`, newest first, a page at a time.
pub async fn audit_log(state: &AppState, filter: AuditFilter) -> Result<AuditPage, CommandError> {
    let limit = filter.limit.unwrap_or(AuditFilter::DEFAULT_LIMIT);
    // One more than asked says whether there are more.
    let asked = AuditFilter { limit: Some(limit.saturating_add(1)), ..filter };
    let mut entries =
        state.store().await?.audit_entries(&asked).map_err(gatehouse_core::Error::from)?;
    let more = entries.len() > limit as usize;
    entries.truncate(limit as usize);
    Ok(AuditPage {
        entries,
        more,
        actions: AuditAction::ALL
            .into_iter()
            .map(|a| Choice { value: a, label: a.label().to_owned() })
            .collect(),
        actors: [Actor::App, Actor::Cli]
            .into_iter()
            .map(|a| Choice { value: a, label: a.label().to_owned() })
            .collect(),
        outcomes: [AuditOutcome::Succeeded, AuditOutcome::Failed, AuditOutcome::Unknown]
            .into_iter()
            .map(|o| Choice { value: o, label: o.label().to_owned() })
            .collect(),
    })
}

/// Walks the whole chain: whether any entry was changed or removed outside Gatehouse.
pub async fn verify_audit_log(state: &AppState) -> Result<AuditCheck, CommandError> {
    Ok(state.store().await?.verify_audit_log().map_err(gatehouse_core::Error::from)?)
}

/// Where an export went.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ExportedFile {
    pub path: String,
    pub entries: u32,
}

/// Every entry matching `filter` (no page limit) written as `format` to the state's exports
/// folder, else [`EXPORT_DIR_ENV`], else the Downloads folder, under a name that replaces no
/// file.
pub async fn export_audit_log(
    state: &AppState,
    filter: AuditFilter,
    format: ExportFormat,
) -> Result<ExportedFile, CommandError> {
    let all = AuditFilter { limit: Some(u32::MAX), before_seq: None, ..filter };
    let entries = state.store().await?.audit_entries(&all).map_err(gatehouse_core::Error::from)?;
    let dir = exports_dir(state);
    let path = audit::write_export(&entries, format, &dir).map_err(|e| {
        crate::internal(format!("cannot write the export in {}: {e}", dir.display()))
    })?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        entries: u32::try_from(entries.len()).unwrap_or(u32::MAX),
    })
}

/// Where `state`'s exports go.
pub(crate) fn exports_dir(state: &AppState) -> PathBuf {
    state.exports().map_or_else(export_dir, std::path::Path::to_path_buf)
}

fn export_dir() -> PathBuf {
    match std::env::var_os(EXPORT_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::download_dir()
            .or_else(|| dirs::home_dir().map(|h| h.join("Downloads")).filter(|d| d.is_dir()))
            .or_else(dirs::home_dir)
            .unwrap_or_else(std::env::temp_dir),
    }
}
