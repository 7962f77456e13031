//! The access matrix screen (`gatehouse_core::matrix`): read with progress, and exported as
//! CSV or JSON for a client's access review.

use std::sync::Arc;

use gatehouse_core::audit::ExportFormat;
use gatehouse_core::least_privilege::{least_privilege, least_privilege_csv};
use gatehouse_core::matrix::{matrix_csv, AccessMatrix};
use serde::Serialize;
use specta::Type;

use crate::audit::ExportedFile;
use crate::state::lock;
use crate::{AppState, CommandError};

/// How far the reading has come.
#[derive(Debug, Clone, Copy, Serialize, Type)]
pub struct MatrixProgress {
    pub done: u32,
    pub total: u32,
}

/// The open portfolio's matrix, read fresh; `on_progress` gets each finished read.
pub async fn access_matrix(
    state: &AppState,
    on_progress: impl Fn(MatrixProgress) + Send + Sync,
) -> Result<AccessMatrix, CommandError> {
    let id = state.active_id();
    let matrix = state
        .portfolio()
        .await?
        .access_matrix(|done, total| on_progress(MatrixProgress { done, total }))
        .await?;
    // Kept for the export of what the screen shows (this portfolio's only).
    *lock(&state.last_matrix) = Some((id, Arc::new(matrix.clone())));
    Ok(matrix)
}

/// The matrix last read for the open portfolio, or read now.
async fn last_matrix(state: &AppState) -> Result<Arc<AccessMatrix>, CommandError> {
    let id = state.active_id();
    let cached =
        lock(&state.last_matrix).as_ref().filter(|(p, _)| *p == id).map(|(_, m)| m.clone());
    Ok(match cached {
        Some(m) => m,
        None => Arc::new(access_matrix(state, |_| {}).await?),
    })
}

fn write_export(
    state: &AppState,
    stem: &str,
    format: ExportFormat,
    contents: &str,
    entries: usize,
) -> Result<ExportedFile, CommandError> {
    let dir = crate::audit::exports_dir(state);
    let path = gatehouse_core::audit::write_file(&dir, stem, format.extension(), contents)
        .map_err(|e| {
            crate::internal(format!("cannot write the export in {}: {e}", dir.display()))
        })?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        entries: u32::try_from(entries).unwrap_or(u32::MAX),
    })
}

/// The least-privilege report of the open portfolio (its matrix and its tokens): what each
/// admin system user reaches, and the regular system user with exact tasks that would do its
/// job, as CSV or JSON in the exports folder.
pub async fn export_least_privilege(
    state: &AppState,
    format: ExportFormat,
) -> Result<ExportedFile, CommandError> {
    let matrix = last_matrix(state).await?;
    let tokens = crate::console::daily_tokens(state, &state.active_id()).await?;
    let report = least_privilege(&matrix, &tokens);
    let contents = match format {
        ExportFormat::Csv => least_privilege_csv(&report),
        ExportFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".into()),
    };
    write_export(state, "gatehouse-least-privilege", format, &contents, report.admins.len())
}

/// The matrix last read for the open portfolio (read now if none) as CSV or JSON in the exports
/// folder.
pub async fn export_access_matrix(
    state: &AppState,
    format: ExportFormat,
) -> Result<ExportedFile, CommandError> {
    let matrix = last_matrix(state).await?;
    let contents = match format {
        ExportFormat::Csv => matrix_csv(&matrix),
        ExportFormat::Json => {
            serde_json::to_string_pretty(&*matrix).unwrap_or_else(|_| "{}".into())
        }
    };
    write_export(state, "gatehouse-access", format, &contents, matrix.assets.len())
}
