//! The error contract across IPC: a small typed `{code, message, fix, detail}` the UI can branch
//! on and show as plain language. Engine errors are mapped here, never passed through raw.

use serde::Serialize;
use specta::Type;

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, Type, thiserror::Error)]
#[error("{code}: {message}")]
pub struct CommandError {
    /// A stable snake_case code from the engine (`keyring_locked`, `token_expired`, …).
    pub code: String,
    /// What happened, in plain words.
    pub message: String,
    /// What the user can do about it, when there is something to do.
    pub fix: Option<String>,
    /// Technical detail for a "Details" disclosure (error codes, trace ids). Never a secret.
    pub detail: Option<String>,
    /// The input field the error is about (`name`, `tasks`, …), so the UI can mark it.
    pub field: Option<String>,
}

impl CommandError {
    pub fn internal(detail: impl Into<String>) -> Self {
        Self {
            code: "internal".into(),
            message: "Something went wrong inside Gatehouse.".into(),
            fix: Some("Try again. If it keeps happening, restart Gatehouse.".into()),
            detail: Some(detail.into()),
            field: None,
        }
    }
}

impl From<gatehouse_secrets::SecretStoreError> for CommandError {
    fn from(error: gatehouse_secrets::SecretStoreError) -> Self {
        Self::from(&error)
    }
}

impl From<&gatehouse_secrets::SecretStoreError> for CommandError {
    fn from(error: &gatehouse_secrets::SecretStoreError) -> Self {
        Self {
            code: error.code().into(),
            message: error.message().into(),
            fix: Some(error.fix().into()),
            detail: Some(error.to_string()),
            field: None,
        }
    }
}

impl From<gatehouse_core::Error> for CommandError {
    fn from(error: gatehouse_core::Error) -> Self {
        Self {
            code: error.code().into(),
            message: error.explanation(),
            fix: Some(error.fix()),
            detail: Some(error.detail()),
            field: error.field().map(str::to_owned),
        }
    }
}
