//! The access matrix screen (`gatehouse_core::matrix`): read with progress, and exported as
//! CSV or JSON for a client's access review.

use std::sync::Arc;

use gatehouse_core::audit::ExportFormat;
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

/// The matrix last read for the open portfolio (read now if none) as CSV or JSON in the exports
/// folder.
pub async fn export_access_matrix(
    state: &AppState,
    format: ExportFormat,
) -> Result<ExportedFile, CommandError> {
    let id = state.active_id();
    let cached =
        lock(&state.last_matrix).as_ref().filter(|(p, _)| *p == id).map(|(_, m)| m.clone());
    let matrix = match cached {
        Some(m) => m,
        None => Arc::new(access_matrix(state, |_| {}).await?),
    };
    let contents = match format {
        ExportFormat::Csv => matrix_csv(&matrix),
        ExportFormat::Json => {
            serde_json::to_string_pretty(&*matrix).unwrap_or_else(|_| "{}".into())
        }
    };
    let dir = crate::audit::exports_dir(state);
    let path =
        gatehouse_core::audit::write_file(&dir, "gatehouse-access", format.extension(), &contents)
            .map_err(|e| {
                crate::internal(format!("cannot write the export in {}: {e}", dir.display()))
            })?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        entries: u32::try_from(matrix.assets.len()).unwrap_or(u32::MAX),
    })
}
