//! Gatehouse's one error contract, below every other crate so each can use it.
//!
//! - [`ErrorCode`]: every code the engine (and the CLI) can report. It crosses IPC as a
//!   TypeScript union generated from this enum, so the UI never guesses a string.
//! - [`Explain`]: what each error type implements, once: its code, what happened in plain words,
//!   and the fix for the surface showing it (the desktop never gets CLI advice, the CLI never
//!   gets desktop advice).
//! - [`CommandError`]: the one shape an error has when it leaves the engine: the desktop's IPC
//!   and the CLI's `--json` both send it.

use serde::{Deserialize, Serialize};

/// Every error code Gatehouse can report. Stable: the UI branches on them, scripts read them
/// from `--json`, and job items keep them in the local database.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // Meta's Graph API and the network (gatehouse-graph).
    TokenExpired,
    TokenInvalid,
    MissingPermission,
    AssetNotAssigned,
    SystemUserLimit,
    AppMissing,
    AppNotInstalled,
    TwoFactorRequired,
    BusinessNotVerified,
    AppSecretProofRejected,
    InvalidInput,
    ApiVersionDeprecated,
    AssetClaimRejected,
    RateLimited,
    Blocked,
    ServiceUnavailable,
    Network,
    Timeout,
    OutcomeUnknown,
    UnexpectedResponse,
    InvalidConfig,
    Unknown,
    // The OS keyring (gatehouse-secrets).
    KeyringNoSecretService,
    KeyringLocked,
    KeyringNoDefaultCollection,
    KeyringSecretTooLong,
    KeyringSecretEmpty,
    KeyringTimeout,
    KeyringAccessDenied,
    KeyringAmbiguous,
    KeyringPlatformError,
    KeyringEntryMissing,
    // Saved portfolios (profiles) and the local database (gatehouse-core).
    ConfigDirUnknown,
    ConfigReadFailed,
    ConfigWriteFailed,
    ConfigCorrupt,
    ProfileIdInvalid,
    ProfileFieldInvalid,
    ProfileNotFound,
    ProfileExists,
    /// A saved portfolio's Graph API URL is not Meta's and was not confirmed.
    GraphUrlUnconfirmed,
    DataDirUnknown,
    StoreUnavailable,
    StoreFailed,
    StoreTooNew,
    StoreCorrupt,
    JobNotFound,
    JobRunning,
    // Workflows (gatehouse-core).
    CreateAmbiguous,
    CreateNotConfirmed,
    /// A system user the call named does not exist (or cannot be seen).
    SystemUserNotFound,
    // Signing in with Meta (gatehouse-core::login).
    LoginCancelled,
    LoginRefused,
    /// The person signed in without granting a permission Gatehouse needs.
    LoginMissingPermission,
    LoginFailed,
    DemoUnavailable,
    TokenMayHaveBeenIssued,
    PermissionNotGrantable,
    AppNotClaimable,
    TokenNeverExpires,
    /// The connection check found a problem that blocks saving (the problem's code is in
    /// the detail).
    ConnectionBlocked,
    ClipboardUnavailable,
    // The desktop's commands (gatehouse-commands).
    TokenGone,
    /// A token was already shown once in this window: it is not handed out again.
    TokenAlreadyRevealed,
    KeychainOwnerUnknown,
    AppSecretMissing,
    PortfolioNotFound,
    /// A Sign in with Meta step with no sign-in under way.
    NoSignInUnderWay,
    /// An On Behalf Of step ran without the client admin's token in memory.
    NoClientAdminToken,
    /// Demo mode's "link with the demo client's admin" for a business the demo has none of.
    NoDemoClientAdmin,
    /// The inventory's token has no keychain copy to act with.
    NoKeptCopy,
    /// No token (or more than one) of the inventory has the fingerprint given.
    FingerprintUnknown,
    Internal,
    // The command line (gatehouse-cli).
    Usage,
    InvalidKind,
    InvalidTask,
    InvalidScope,
    JobOtherPortfolio,
    KeyringBackendUnknown,
    ProfileRequired,
    TokenPreflightFailed,
    TokenInputFailed,
    InputFailed,
}

impl ErrorCode {
    /// The snake_case name (`token_expired`), as it crosses IPC and `--json`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets tests and callers compare with the wire name: `assert_eq!(e.code(), "token_expired")`.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Which surface shows the error: its fix names that surface's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum Surface {
    Desktop,
    Cli,
}

impl Surface {
    /// How the person gives Gatehouse a new token or app secret for a saved portfolio.
    pub fn update_credentials(self) -> &'static str {
        match self {
            Surface::Desktop => {
                "connect the portfolio again with it (the portfolio menu › Connect your \
                 business portfolio)"
            }
            Surface::Cli => {
                "save it in the profile again (`gatehouse profile remove NAME`, then \
                 `gatehouse profile add NAME …`)"
            }
        }
    }
}

/// What every engine error implements, once: the wording of an error lives in its `impl`.
pub trait Explain {
    fn code(&self) -> ErrorCode;
    /// What happened, in plain words.
    fn explanation(&self) -> String;
    /// What the person can do about it on `surface`, when there is something to do.
    fn fix(&self, surface: Surface) -> Option<String>;
    /// The input field the error is about (`name`, `app_id`, …), so a form can mark it.
    fn field(&self) -> Option<&str> {
        None
    }
    /// Technical detail for a "Details" disclosure (Graph codes, trace ids). Never a secret.
    fn detail(&self) -> Option<String> {
        None
    }
}

/// An error as it leaves the engine: the desktop's IPC and the CLI's `--json` send this shape
/// (and a job keeps each failed item's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CommandError {
    pub code: ErrorCode,
    /// What happened, in plain words.
    pub message: String,
    /// What the user can do about it, when there is something to do.
    pub fix: Option<String>,
    /// Technical detail for a "Details" disclosure. Never a secret.
    pub detail: Option<String>,
    /// The input field the error is about, so the UI can mark it.
    pub field: Option<String>,
}

impl CommandError {
    /// The one conversion: any engine error, with the fix for `surface`.
    pub fn new(error: &(impl Explain + ?Sized), surface: Surface) -> Self {
        Self {
            code: error.code(),
            message: error.explanation(),
            fix: error.fix(surface),
            detail: error.detail(),
            field: error.field().map(str::to_owned),
        }
    }
}

/// `?` in the desktop's commands: any engine error, with the desktop's fix. (The CLI builds its
/// reports with `CommandError::new(error, Surface::Cli)`.)
impl<E: Explain> From<E> for CommandError {
    fn from(error: E) -> Self {
        Self::new(&error, Surface::Desktop)
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn codes_are_snake_case_on_every_path() {
        for code in ErrorCode::iter() {
            let name = code.as_str();
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{name}");
            let json = serde_json::to_string(&code).expect("serializes");
            assert_eq!(json, format!("\"{name}\""), "serde and strum agree");
            assert_eq!(name.parse::<ErrorCode>().expect("parses back"), code);
        }
    }
}
