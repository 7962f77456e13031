//! The CLI's errors, their exit codes and how they are printed.

use gatehouse_errors::{CommandError, ErrorCode, Explain, Surface};
use gatehouse_graph::GraphError;
use gatehouse_secrets::SecretStoreError;

use crate::profiles::ProfileError;

/// Exit codes (documented in the crate README).
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Meta's Graph API (or the emulator) refused or failed, or the network did.
    pub const API: u8 = 1;
    /// The command line was wrong: unknown flag, invalid kind or task, missing value.
    pub const USAGE: u8 = 2;
    /// The keyring failed: no Secret Service, locked, timed out, denied, missing entry.
    pub const KEYRING: u8 = 3;
    /// A bulk command finished with some items failed and some done (see the per-item results).
    pub const PARTIAL: u8 = 4;
    /// Profile or configuration problem: unknown profile, none selected, id taken, unreadable
    /// or unwritable config directory.
    pub const PROFILE: u8 = 5;
    /// Reading the secrets from stdin or the terminal failed.
    pub const INPUT: u8 = 6;
    /// `token generate`: a blocking preflight check failed; nothing was changed.
    pub const PREFLIGHT: u8 = 7;
    /// The answer to a token generation was lost: a token may exist that nobody saw.
    pub const TOKEN_MAY_HAVE_BEEN_ISSUED: u8 = 8;
    /// `token refresh` of a token that never expires.
    pub const TOKEN_NEVER_EXPIRES: u8 = 9;
    /// The clipboard cannot be used (no X11 or Wayland session): nothing was generated.
    pub const CLIPBOARD: u8 = 10;
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Wrong command line, detected before anything was sent.
    #[error("{message}")]
    Usage { code: ErrorCode, message: String, fix: String },
    #[error(transparent)]
    Workflow(#[from] gatehouse_core::Error),
    #[error("{0}")]
    Keyring(#[from] SecretStoreError),
    /// A keyring entry a profile needs is not there.
    #[error("the keyring has no {what} for profile {profile:?}")]
    MissingSecret { profile: String, what: &'static str },
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// stdin or the terminal could not be read.
    #[error("{0}")]
    Input(String),
}

impl From<GraphError> for CliError {
    fn from(e: GraphError) -> Self {
        CliError::Workflow(e.into())
    }
}

impl CliError {
    pub fn usage(code: ErrorCode, message: impl Into<String>, fix: impl Into<String>) -> Self {
        CliError::Usage { code, message: message.into(), fix: fix.into() }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => exit::USAGE,
            CliError::Workflow(gatehouse_core::Error::Profile(e)) => profile_exit(e),
            CliError::Workflow(gatehouse_core::Error::Store(_)) => exit::PROFILE,
            CliError::Workflow(gatehouse_core::Error::Graph(GraphError::InvalidConfig {
                ..
            })) => exit::USAGE,
            CliError::Workflow(gatehouse_core::Error::TokenMayHaveBeenIssued { .. }) => {
                exit::TOKEN_MAY_HAVE_BEEN_ISSUED
            }
            CliError::Workflow(gatehouse_core::Error::NeverExpiringToken) => {
                exit::TOKEN_NEVER_EXPIRES
            }
            CliError::Workflow(gatehouse_core::Error::ClipboardUnavailable(_)) => exit::CLIPBOARD,
            CliError::Workflow(_) => exit::API,
            CliError::Keyring(_) | CliError::MissingSecret { .. } => exit::KEYRING,
            CliError::Profile(e) => profile_exit(e),
            CliError::Input(_) => exit::INPUT,
        }
    }

    /// The one error shape every surface sends, with the command line's fix.
    pub fn doc(&self) -> CommandError {
        CommandError::new(self, Surface::Cli)
    }

    /// Prints the error on stdout as one JSON document (`--json`) or on stderr in plain words.
    pub fn print(&self, json: bool) {
        let doc = self.doc();
        if json {
            let value = serde_json::json!({ "error": doc });
            println!("{value}");
        } else {
            eprintln!("error: {}", doc.message);
            if let Some(fix) = &doc.fix {
                eprintln!("  fix: {fix}");
            }
            match &doc.detail {
                Some(detail) => eprintln!("  code: {} ({detail})", doc.code),
                None => eprintln!("  code: {}", doc.code),
            }
        }
    }
}

impl Explain for CliError {
    fn code(&self) -> ErrorCode {
        match self {
            CliError::Usage { code, .. } => *code,
            CliError::Workflow(e) => e.code(),
            CliError::Keyring(e) => e.code(),
            CliError::MissingSecret { .. } => ErrorCode::KeyringEntryMissing,
            CliError::Profile(e) => e.code(),
            CliError::Input(_) => ErrorCode::InputFailed,
        }
    }

    fn explanation(&self) -> String {
        match self {
            CliError::Usage { message, .. } | CliError::Input(message) => message.clone(),
            CliError::Workflow(e) => e.explanation(),
            CliError::Keyring(e) => e.explanation(),
            CliError::MissingSecret { .. } => format!("{self}."),
            CliError::Profile(e) => e.explanation(),
        }
    }

    fn fix(&self, surface: Surface) -> Option<String> {
        match self {
            CliError::Usage { fix, .. } => Some(fix.clone()),
            CliError::Workflow(e) => e.fix(surface),
            CliError::Keyring(e) => e.fix(surface),
            CliError::MissingSecret { profile, .. } => Some(format!(
                "Add the profile again: `gatehouse profile remove {profile}` then `gatehouse \
                 profile add {profile} …`."
            )),
            CliError::Profile(e) => e.fix(surface),
            CliError::Input(_) => Some(
                "Give the admin token and the app secret on two lines of stdin, or run in a \
                 terminal to be asked for them."
                    .to_owned(),
            ),
        }
    }

    fn field(&self) -> Option<&str> {
        match self {
            CliError::Workflow(e) => e.field(),
            CliError::Profile(e) => e.field(),
            _ => None,
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            CliError::Workflow(e) => e.detail(),
            CliError::Keyring(e) => e.detail(),
            CliError::Profile(e) => e.detail(),
            _ => None,
        }
    }
}

/// A profile error's exit code: what was typed is a usage error, the keyring has its own code,
/// the rest (unknown profile, config files, a blocking connection problem) is a profile problem.
fn profile_exit(e: &ProfileError) -> u8 {
    match e {
        ProfileError::InvalidId { .. } | ProfileError::InvalidField { .. } => exit::USAGE,
        ProfileError::Keyring(_) | ProfileError::MissingSecret { .. } => exit::KEYRING,
        _ => exit::PROFILE,
    }
}

/// The error's one-item document for per-item results of bulk commands.
pub fn item_error(e: &GraphError) -> CommandError {
    CliError::from(e.clone()).doc()
}
