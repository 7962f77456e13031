//! The desktop's errors: every engine error becomes the one `CommandError` of
//! `gatehouse-errors` with the desktop's fix; the few failures that exist only in the command
//! layer are [`CommandFailure`], explained the same way.

use gatehouse_errors::{ErrorCode, Explain, Surface};

pub use gatehouse_errors::CommandError;

/// Failures of the command layer itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandFailure {
    /// A token handle that no longer points at a token.
    TokenGone,
    /// The token was already shown once in the window.
    TokenAlreadyRevealed,
    /// A kept token whose system user is unknown, so it cannot be filed in the keychain.
    KeychainOwnerUnknown,
    /// Refresh or revoke on a portfolio saved without its app secret.
    AppSecretMissing,
    /// A demo portfolio id that does not exist.
    PortfolioNotFound { id: String },
    /// A job recorded for another portfolio than the open one: it is never run, changed or
    /// shown from here (its changes are for another business).
    JobOfAnotherPortfolio { job_id: String, portfolio_id: String },
    /// A step of Sign in with Meta asked for when no sign-in is under way (it was finished,
    /// cancelled, or Gatehouse restarted).
    NoSignInUnderWay,
    /// An On Behalf Of step needs the client admin's token, which Gatehouse keeps only while
    /// the client wizard is open (and for that client).
    NoClientAdminToken { client_business_id: String },
    /// "Link with the demo client's admin" for a business the demo has no admin of (another
    /// business's ID was typed, or a saved portfolio is open).
    NoDemoClientAdmin { client_business_id: String },
    /// Something inside Gatehouse failed (a task panicked, an answer did not serialize).
    Internal { detail: String },
}

impl Explain for CommandFailure {
    fn code(&self) -> ErrorCode {
        match self {
            Self::TokenGone => ErrorCode::TokenGone,
            Self::TokenAlreadyRevealed => ErrorCode::TokenAlreadyRevealed,
            Self::KeychainOwnerUnknown => ErrorCode::KeychainOwnerUnknown,
            Self::AppSecretMissing => ErrorCode::AppSecretMissing,
            Self::PortfolioNotFound { .. } => ErrorCode::PortfolioNotFound,
            Self::NoSignInUnderWay => ErrorCode::NoSignInUnderWay,
            Self::NoClientAdminToken { .. } => ErrorCode::NoClientAdminToken,
            Self::NoDemoClientAdmin { .. } => ErrorCode::NoDemoClientAdmin,
            Self::JobOfAnotherPortfolio { .. } => ErrorCode::JobOtherPortfolio,
            Self::Internal { .. } => ErrorCode::Internal,
        }
    }

    fn explanation(&self) -> String {
        match self {
            Self::TokenGone => format!(
                "This token is no longer in Gatehouse's memory: its window was closed or \
                 reloaded, Gatehouse was restarted, or it was kept for {} minutes (a generated \
                 token is kept only that long).",
                crate::state::KEEP_TOKENS_FOR.as_secs() / 60
            ),
            Self::TokenAlreadyRevealed => "This token was already shown once. Gatehouse hands a \
                token to the window one time only."
                .to_owned(),
            Self::KeychainOwnerUnknown => "Gatehouse does not know which system user this token \
                belongs to, so it cannot file it in the keychain."
                .to_owned(),
            Self::AppSecretMissing => "Refreshing and revoking need the app secret, and this \
                portfolio has none."
                .to_owned(),
            Self::PortfolioNotFound { id } => format!("There is no demo portfolio \"{id}\"."),
            Self::NoSignInUnderWay => "No sign-in with Meta is under way: it was finished or \
                cancelled, or Gatehouse was restarted."
                .to_owned(),
            Self::JobOfAnotherPortfolio { portfolio_id, .. } => format!(
                "This change belongs to another portfolio ({portfolio_id}), not to the open one."
            ),
            Self::NoDemoClientAdmin { client_business_id } => format!(
                "The demo has no admin of business {client_business_id} to link it with: only \
                 the demo's own client businesses have one, and only in a demo portfolio."
            ),
            Self::NoClientAdminToken { client_business_id } => format!(
                "Gatehouse no longer holds the admin token of client business \
                 {client_business_id}: it keeps it only while you work on that client, and never \
                 stores it."
            ),
            Self::Internal { .. } => "Something went wrong inside Gatehouse.".to_owned(),
        }
    }

    fn fix(&self, surface: Surface) -> Option<String> {
        Some(match self {
            Self::TokenGone => {
                "Generate a new token. If you kept a copy in the keychain, it is still there."
                    .to_owned()
            }
            Self::TokenAlreadyRevealed => {
                "Use Copy (it clears the clipboard afterwards), or generate a new token.".to_owned()
            }
            Self::KeychainOwnerUnknown => {
                "Copy the token instead and store it in your password manager.".to_owned()
            }
            Self::AppSecretMissing => {
                format!("Add the app secret: {}.", surface.update_credentials())
            }
            Self::PortfolioNotFound { .. } => "Choose a portfolio from the list.".to_owned(),
            Self::NoSignInUnderWay => "Sign in with Meta again.".to_owned(),
            Self::NoDemoClientAdmin { .. } => {
                "Choose one of the demo's clients, or paste the client admin's token.".to_owned()
            }
            Self::NoClientAdminToken { .. } => match surface {
                Surface::Desktop => "Paste the client admin's token again (step 2).".to_owned(),
                Surface::Cli => "Give the client admin's token again on stdin.".to_owned(),
            },
            Self::JobOfAnotherPortfolio { portfolio_id, .. } => match surface {
                Surface::Desktop => {
                    "Open that portfolio (the portfolio menu), then resume or discard it there."
                        .to_owned()
                }
                Surface::Cli => format!("Add `--profile {portfolio_id}`."),
            },
            Self::Internal { .. } => {
                "Try again. If it keeps happening, restart Gatehouse.".to_owned()
            }
        })
    }

    fn detail(&self) -> Option<String> {
        match self {
            Self::Internal { detail } => Some(detail.clone()),
            _ => None,
        }
    }
}

/// A failure inside Gatehouse, with what is known of it.
pub fn internal(detail: impl Into<String>) -> CommandError {
    CommandFailure::Internal { detail: detail.into() }.into()
}
