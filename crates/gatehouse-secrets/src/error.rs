//! Errors of the keyring store, with stable codes and plain-language explanations.

use std::time::Duration;

use gatehouse_errors::{ErrorCode, Explain, Surface};

/// Why a keyring operation failed. Never carries secret material.
///
/// [`code`](Self::code) is a stable machine-readable string for the UI and the CLI's `--json`;
/// [`explanation`](Self::explanation) says in plain words what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretStoreError {
    /// No D-Bus session bus, or no Secret Service provider (gnome-keyring, KWallet, KeePassXC)
    /// on it.
    #[error("no Secret Service is available: {detail}")]
    NoSecretService {
        /// What the D-Bus layer reported.
        detail: String,
    },
    /// The keyring is locked and was not unlocked: the unlock prompt was dismissed or could not
    /// be shown, or the collection refused access while locked.
    #[error("the keyring is locked: {detail}")]
    Locked {
        /// What the Secret Service reported.
        detail: String,
    },
    /// The keyring has no default collection (the "login" keyring) to store secrets in.
    #[error("the keyring has no default collection: {detail}")]
    NoDefaultCollection {
        /// What the Secret Service reported.
        detail: String,
    },
    /// The secret is longer than the limit Gatehouse keeps to on every platform.
    #[error("the secret is {len} bytes long; the keyring limit is {max} bytes")]
    TooLong {
        /// Length of the secret in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// An empty secret was given to store.
    #[error("the secret is empty")]
    EmptySecret,
    /// The keyring did not answer in time (for example, an unlock dialog is waiting).
    #[error("the keyring did not answer within {} s", .timeout.as_secs_f32())]
    Timeout {
        /// The time limit that passed.
        timeout: Duration,
    },
    /// The keyring refused access.
    #[error("access to the keyring was denied: {detail}")]
    AccessDenied {
        /// What the keyring reported.
        detail: String,
    },
    /// More than one keyring item matches the entry (for example, one written by another tool).
    #[error("{count} keyring items match {user}")]
    Ambiguous {
        /// The keyring "user" attribute (never secret).
        user: String,
        /// How many items match.
        count: usize,
    },
    /// Any other failure of the keyring or of the worker thread, with its message (never the
    /// secret).
    #[error("keyring failure: {0}")]
    Platform(String),
}

impl Explain for SecretStoreError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NoSecretService { .. } => ErrorCode::KeyringNoSecretService,
            Self::Locked { .. } => ErrorCode::KeyringLocked,
            Self::NoDefaultCollection { .. } => ErrorCode::KeyringNoDefaultCollection,
            Self::TooLong { .. } => ErrorCode::KeyringSecretTooLong,
            Self::EmptySecret => ErrorCode::KeyringSecretEmpty,
            Self::Timeout { .. } => ErrorCode::KeyringTimeout,
            Self::AccessDenied { .. } => ErrorCode::KeyringAccessDenied,
            Self::Ambiguous { .. } => ErrorCode::KeyringAmbiguous,
            Self::Platform(_) => ErrorCode::KeyringPlatformError,
        }
    }

    fn explanation(&self) -> String {
        self.message().to_owned()
    }

    /// The keyring's fixes name the keyring's own tools, the same on every surface.
    fn fix(&self, _surface: Surface) -> Option<String> {
        Some(self.keyring_fix().to_owned())
    }

    fn detail(&self) -> Option<String> {
        Some(self.to_string())
    }
}

impl SecretStoreError {
    /// What happened, in plain words.
    pub fn message(&self) -> &'static str {
        match self {
            Self::NoSecretService { .. } => {
                "Gatehouse keeps tokens in your system keyring, but no keyring service is \
                 running in this session."
            }
            Self::Locked { .. } => "Your keyring is locked.",
            Self::NoDefaultCollection { .. } => {
                "Your keyring has no default (\"login\") keyring to store tokens in."
            }
            Self::TooLong { .. } => {
                "This secret is longer than what every system keyring can store."
            }
            Self::EmptySecret => "The secret is empty.",
            Self::Timeout { .. } => {
                "Your keyring did not answer in time. It may be waiting for you to unlock it in a \
                 dialog (possibly behind other windows). A save that timed out may still complete \
                 once the keyring is unlocked."
            }
            Self::AccessDenied { .. } => "Your keyring refused Gatehouse access to this secret.",
            Self::Ambiguous { .. } => {
                "More than one entry in your keyring matches this secret, perhaps from an older \
                 installation or another tool."
            }
            Self::Platform(_) => "Your system keyring reported an unexpected error.",
        }
    }

    /// What to do about it.
    fn keyring_fix(&self) -> &'static str {
        match self {
            Self::NoSecretService { .. } => {
                "Start GNOME Keyring, KWallet or KeePassXC (with its Secret Service integration \
                 on), or log in to a desktop session, then try again. Over SSH or in a container \
                 there is usually no session bus: run Gatehouse inside `dbus-run-session` with a \
                 keyring daemon started."
            }
            Self::Locked { .. } => {
                "Unlock it when your system asks (or in your keyring manager, such as Seahorse), \
                 then try again."
            }
            Self::NoDefaultCollection { .. } => {
                "Create one in your keyring manager, such as Seahorse, and set it as default, \
                 then try again."
            }
            Self::TooLong { .. } => "Check that you pasted only the token, without extra text.",
            Self::EmptySecret => "Paste the token or app secret again.",
            Self::Timeout { .. } => "Unlock your keyring and try again.",
            Self::AccessDenied { .. } => {
                "Allow access when your keyring asks, or check its settings, then try again."
            }
            Self::Ambiguous { .. } => {
                "Remove the extra \"Gatehouse\" entries in your keyring manager, then try again."
            }
            Self::Platform(_) => {
                "Try again; if it persists, restart your keyring service or your session."
            }
        }
    }

    /// [`message`](Self::message) and [`fix`](Self::fix) in one paragraph, for surfaces that
    /// show one sentence.
    pub fn explanation(&self) -> String {
        format!("{} {}", self.message(), self.keyring_fix())
    }

    /// Whether the error means the keyring as a whole is unusable right now (as opposed to a
    /// problem with one secret).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            Self::NoSecretService { .. }
                | Self::Locked { .. }
                | Self::NoDefaultCollection { .. }
                | Self::Timeout { .. }
                | Self::AccessDenied { .. }
        )
    }
}
