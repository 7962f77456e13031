use gatehouse_errors::{ErrorCode, Explain, Surface};
use gatehouse_graph::GraphError;

/// Why a workflow failed. Graph failures keep the client's typed error, with its plain-language
/// explanation and fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A portfolio profile (its file, its keyring entries, or its connection check).
    #[error(transparent)]
    Profile(#[from] crate::profiles::ProfileError),
    /// The local database (jobs) failed, or a job is unknown.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// Meta's answer to a create was lost and more than one new system user has that name.
    #[error("{count} new system users are named {name:?}")]
    AmbiguousCreate { name: String, count: usize },
    /// Meta's answers to a create were lost twice and listing shows it was not created.
    #[error("the create of {name:?} was not confirmed")]
    CreateNotConfirmed { name: String },
    /// The demo portfolio could not be started (the emulator failed to bind or build).
    #[error("the demo portfolio could not start: {0}")]
    DemoUnavailable(String),
    /// Meta's answer to a token generation was lost: a token may exist that nobody saw.
    #[error("a token may have been issued for system user {system_user_id} (app {app_id})")]
    TokenMayHaveBeenIssued { system_user_id: String, app_id: String, cause: String },
    /// The app cannot give a token this permission: it is outside the app's use cases.
    #[error("app {app_id} cannot grant {permission}")]
    PermissionNotGrantable { permission: String, app_id: String, cause: Box<GraphError> },
    /// Meta refused to let the business claim an app: the caller is not an admin of the app, or
    /// another business owns it, or the ID is not an app's.
    #[error("app {app_id} cannot be added to the business")]
    AppNotClaimable { app_id: String, cause: Box<GraphError> },
    /// Only 60-day tokens can be refreshed.
    #[error("a token that never expires cannot be refreshed")]
    NeverExpiringToken,
    /// A pasted token (Inspect, refresh) that Meta no longer accepts. Not the portfolio's own
    /// token: the fix is a new token for its system user, not connecting again.
    #[error("the pasted token no longer works: {0}")]
    PastedTokenUnusable(Box<GraphError>),
    /// The system clipboard cannot be used (no X11 or Wayland session, or it refused).
    #[error("the clipboard is unavailable: {0}")]
    ClipboardUnavailable(String),
    /// The person cancelled Meta's sign-in (Sign in with Meta).
    #[error("the sign-in was cancelled")]
    LoginCancelled,
    /// Meta refused the sign-in for this app (`error_code=200`, "Permissions error"): the app is
    /// in Development mode and the person has no role on it, or it lacks Facebook Login.
    #[error("Meta refused the sign-in: {description}")]
    LoginRefused { description: String },
    /// The person signed in but did not grant `missing` (unticked under "Edit access", or the
    /// app's Facebook Login for Business configuration leaves it out).
    #[error("the sign-in did not grant {}", missing.join(", "))]
    LoginMissingPermission { missing: Vec<String> },
    /// The sign-in gave no usable token (an unexpected answer, another page, a foreign state).
    #[error("the sign-in failed: {0}")]
    LoginFailed(String),
    /// A call addressed to a system user found no such object: it was deleted in Business
    /// Suite, belongs to another business, or the ID is wrong. (Not an asset's access.)
    #[error("system user {id} does not exist or cannot be seen")]
    SystemUserNotFound { id: String, cause: Box<GraphError> },
    /// The inventory's token has no keychain copy to refresh or revoke it with (it was not kept,
    /// or a newer token of the same system user replaced the copy).
    #[error("no keychain copy of the token")]
    NoKeptCopy,
    /// No token of the inventory (or more than one) has the fingerprint a person gave.
    #[error("{0}")]
    FingerprintUnknown(String),
    /// `cause`, about what was typed in a form's `field` (Meta refused the admin token typed
    /// in Connect, say), so the UI marks that field. Worded as `cause`.
    #[error("{cause}")]
    OnField { field: &'static str, cause: Box<Error> },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A Graph error of a call addressed to system user `id` (`/{id}/…`): "object `id` does
    /// not exist" is about the system user, not about an asset's access.
    ///
    /// UNCONFIRMED: Meta's code 100/33 message quotes the object's ID ("Object with ID '…' does
    /// not exist, cannot be loaded due to missing permissions…", as the emulator says); when it
    /// does not, the error stays the generic one, which is still true.
    pub fn for_system_user(e: GraphError, id: &str) -> Self {
        match &e {
            GraphError::AssetNotAssigned { details } if details.message.contains(id) => {
                Self::SystemUserNotFound { id: id.to_owned(), cause: Box::new(e) }
            }
            _ => e.into(),
        }
    }
}

impl Explain for Error {
    /// A stable snake_case code for the UI and `--json`.
    fn code(&self) -> ErrorCode {
        match self {
            Self::Graph(e) => e.code(),
            Self::Profile(e) => e.code(),
            Self::Store(e) => e.code(),
            Self::AmbiguousCreate { .. } => ErrorCode::CreateAmbiguous,
            Self::CreateNotConfirmed { .. } => ErrorCode::CreateNotConfirmed,
            Self::DemoUnavailable(_) => ErrorCode::DemoUnavailable,
            Self::TokenMayHaveBeenIssued { .. } => ErrorCode::TokenMayHaveBeenIssued,
            Self::PermissionNotGrantable { .. } => ErrorCode::PermissionNotGrantable,
            Self::AppNotClaimable { .. } => ErrorCode::AppNotClaimable,
            Self::NeverExpiringToken => ErrorCode::TokenNeverExpires,
            Self::PastedTokenUnusable(e) => e.code(),
            Self::ClipboardUnavailable(_) => ErrorCode::ClipboardUnavailable,
            Self::OnField { cause, .. } => cause.code(),
            Self::SystemUserNotFound { .. } => ErrorCode::SystemUserNotFound,
            Self::LoginCancelled => ErrorCode::LoginCancelled,
            Self::LoginRefused { .. } => ErrorCode::LoginRefused,
            Self::LoginMissingPermission { .. } => ErrorCode::LoginMissingPermission,
            Self::LoginFailed(_) => ErrorCode::LoginFailed,
            Self::NoKeptCopy => ErrorCode::NoKeptCopy,
            Self::FingerprintUnknown(_) => ErrorCode::FingerprintUnknown,
        }
    }

    /// What happened, in plain words.
    fn explanation(&self) -> String {
        match self {
            Self::OnField { cause, .. } => cause.explanation(),
            Self::LoginCancelled => {
                "The sign-in with Meta was cancelled, so Gatehouse got no access.".to_owned()
            }
            Self::LoginRefused { .. } => "Meta refused the sign-in for this app (“Permissions \
                error”). It does this when the app is in Development mode and you have no role \
                on it, or when the app has no Facebook Login product set up for this window."
                .to_owned(),
            Self::LoginMissingPermission { missing } => format!(
                "You signed in, but without allowing {}: Gatehouse needs it to manage system \
                 users and their assets in your business portfolio.",
                missing.join(", ")
            ),
            Self::LoginFailed(why) => format!("The sign-in with Meta did not work: {why}."),
            Self::SystemUserNotFound { id, .. } => format!(
                "System user {id} does not exist in this business portfolio, or this portfolio's \
                 admin token cannot see it. It may have been deleted in Business Suite."
            ),
            Self::Graph(e) => e.explanation(),
            Self::PastedTokenUnusable(e) => e.explanation(),
            Self::Profile(e) => e.explanation(),
            Self::Store(e) => e.explanation(),
            Self::AmbiguousCreate { name, count } => format!(
                "Meta's answer was lost on the way, and {count} new system users named \"{name}\" \
                 now exist, so Gatehouse cannot tell which one is yours."
            ),
            Self::CreateNotConfirmed { name } => format!(
                "Meta's answer was lost twice while adding \"{name}\", and the list shows it was \
                 not added."
            ),
            Self::DemoUnavailable(_) => {
                "The demo portfolio could not start on this computer.".to_owned()
            }
            Self::TokenMayHaveBeenIssued { .. } => "Gatehouse asked Meta for a new token, but the \
                answer was lost or was an error Meta also sends after making a token. Meta may \
                have issued one that Gatehouse never received: it cannot be shown or listed, and \
                it stays valid until it is revoked or all tokens of this system user are \
                invalidated."
                .to_owned(),
            Self::PermissionNotGrantable { permission, .. } => format!(
                "The app cannot give a token the {permission} permission: an app can only grant \
                 the permissions of its use cases, and this one has none that includes it. No \
                 token was generated."
            ),
            Self::AppNotClaimable { app_id, .. } => format!(
                "Meta did not let this business add app {app_id}. Only an admin of the app can \
                 add it to a business, an app that already belongs to another business portfolio \
                 cannot be added, and the ID must be an app's ID."
            ),
            Self::NeverExpiringToken => "This token never expires, so there is nothing to \
                refresh: only 60-day tokens can be refreshed."
                .to_owned(),
            Self::NoKeptCopy => "Gatehouse has no copy of this token in the keychain (it was not \
                kept, or a newer token of the same system user replaced the copy), and Meta acts \
                on a token only when given the token itself."
                .to_owned(),
            Self::FingerprintUnknown(why) => format!("Gatehouse cannot tell which token: {why}."),
            Self::ClipboardUnavailable(_) => "Gatehouse could not use the clipboard: there is \
                no graphical session (X11 or Wayland) here, or it refused the copy. Nothing was \
                copied."
                .to_owned(),
        }
    }

    /// What to do about it.
    fn fix(&self, surface: Surface) -> Option<String> {
        Some(self.fix_text(surface))
    }

    /// The input field the error is about, when it is about one (so the UI can mark it).
    fn field(&self) -> Option<&str> {
        match self {
            Self::OnField { field, .. } => Some(field),
            Self::Graph(GraphError::InvalidInput { field, .. }) => field.as_deref(),
            Self::PermissionNotGrantable { .. } => Some("scope"),
            Self::AppNotClaimable { .. } => Some("app_id"),
            Self::PastedTokenUnusable(_) => Some("token"),
            // The form's field names, for the app to mark the field.
            Self::Profile(crate::profiles::ProfileError::InvalidField { field, .. }) => {
                Some(match *field {
                    "business id" => "business_id",
                    "app id" => "app_id",
                    other => other,
                })
            }
            _ => None,
        }
    }

    /// Technical detail for a "Details" disclosure: Graph code, subcode and trace id. Never a
    /// secret.
    fn detail(&self) -> Option<String> {
        Some(self.detail_text())
    }
}

impl Error {
    fn detail_text(&self) -> String {
        match self {
            Self::Profile(e) => e.detail().unwrap_or_else(|| e.code().to_string()),
            Self::Store(e) => e.to_string(),
            Self::Graph(e) => {
                let report = e.report();
                match report.details {
                    // A locally detected error carries its own message (what exactly was wrong).
                    Some(d) if d.graph_code.is_none() && d.http_status.is_none() => {
                        format!("{}: {}", report.message, d.message)
                    }
                    Some(d) => format!(
                        "{} (Graph code {}, subcode {}, trace {})",
                        report.message,
                        d.graph_code.map_or("-".into(), |c| c.to_string()),
                        d.graph_subcode.map_or("-".into(), |c| c.to_string()),
                        d.fbtrace_id.as_deref().unwrap_or("-"),
                    ),
                    None => report.message,
                }
            }
            Self::AmbiguousCreate { name, count } => format!("{count} candidates named {name:?}"),
            Self::CreateNotConfirmed { name } => format!("two lost answers for {name:?}"),
            Self::DemoUnavailable(detail) => detail.clone(),
            Self::TokenMayHaveBeenIssued { system_user_id, app_id, cause } => {
                format!("POST /{system_user_id}/access_tokens for app {app_id}: {cause}")
            }
            Self::PermissionNotGrantable { cause, .. }
            | Self::AppNotClaimable { cause, .. }
            | Self::PastedTokenUnusable(cause) => Self::Graph((**cause).clone()).detail_text(),
            Self::NeverExpiringToken => "debug_token reports expires_at = 0".to_owned(),
            Self::ClipboardUnavailable(detail) => detail.clone(),
            Self::OnField { cause, .. } => cause.detail_text(),
            Self::SystemUserNotFound { cause, .. } => Self::Graph((**cause).clone()).detail_text(),
            Self::LoginCancelled => "error=access_denied, error_reason=user_denied".to_owned(),
            Self::LoginRefused { description } => {
                format!("error=access_denied, error_code=200: {description}")
            }
            Self::LoginMissingPermission { missing } => {
                format!("debug_token scopes lack {}", missing.join(", "))
            }
            Self::LoginFailed(why) => why.clone(),
            Self::NoKeptCopy => "no keychain entry holds a token with this fingerprint".to_owned(),
            Self::FingerprintUnknown(why) => why.clone(),
        }
    }
}

impl Error {
    /// The fix in words for `surface`.
    #[allow(unused_variables)]
    fn fix_text(&self, surface: Surface) -> String {
        match self {
            Self::OnField { cause, .. } => cause.fix(surface).unwrap_or_default(),
            Self::NoKeptCopy => match surface {
                Surface::Desktop => "Paste the token in Inspect token to refresh or revoke it, or \
                    invalidate every token of its system user."
                    .to_owned(),
                Surface::Cli => "Give the token on stdin to `gatehouse token refresh` or `token \
                    revoke` (without --kept), or see `gatehouse token rescue` for invalidating \
                    every token of its system user."
                    .to_owned(),
            },
            Self::FingerprintUnknown(_) => match surface {
                Surface::Desktop => "Choose the token from the Tokens list.".to_owned(),
                Surface::Cli => "`gatehouse token list` shows each token's last characters and \
                    hash."
                    .to_owned(),
            },
            Self::LoginCancelled => {
                // Meta shows some refusals as a page in its window, which the person closes:
                // a Business-type app asked without a configuration ("It looks like this app
                // isn't available"), a missing redirect ("URL Blocked") (meta-login.md §2, §5.2).
                let setup = "If Meta's window showed an error instead (“It looks like this app \
                    isn't available”, “Feature unavailable” or “URL Blocked”), your app needs \
                    Facebook Login for Business: in the App Dashboard (developers.facebook.com › \
                    My Apps › your app) add it under Add product, create a configuration under \
                    Facebook Login for Business › Configurations with business_management and \
                    give its ID here";
                match surface {
                    Surface::Desktop => format!(
                        "Sign in again and choose Continue, or connect with an admin token \
                         instead. {setup}."
                    ),
                    Surface::Cli => format!(
                        "Run the command again and sign in, or add the profile with an admin \
                         token instead (without --login). {setup} (--config-id)."
                    ),
                }
            }
            Self::LoginMissingPermission { missing } => {
                let missing = missing.join(", ");
                let again = match surface {
                    Surface::Desktop => "Sign in again",
                    Surface::Cli => "Run the command again",
                };
                format!(
                    "{again} and leave {missing} ticked under “Edit access” in Meta's window. \
                     If you use a configuration, add {missing} to it in the App Dashboard \
                     (Facebook Login for Business › Configurations)."
                )
            }
            Self::LoginRefused { .. } => format!(
                "In the App Dashboard (developers.facebook.com › My Apps › your app): add \
                 yourself under App roles › Roles, or switch the app to Live; and under Facebook \
                 Login (or Facebook Login for Business) › Settings, turn on Client OAuth Login \
                 and Embedded Browser OAuth Login and add {} to Valid OAuth Redirect URIs. Then \
                 sign in again.",
                crate::login::LOGIN_REDIRECT
            ),
            Self::LoginFailed(_) => match surface {
                Surface::Desktop => "Sign in again. If it keeps failing, connect with an admin \
                    token instead."
                    .to_owned(),
                Surface::Cli => "Run the command again. If it keeps failing, add the profile \
                    with an admin token instead (without --login)."
                    .to_owned(),
            },
            Self::SystemUserNotFound { .. } => match surface {
                Surface::Desktop => "Go back to System users: the list is read again from Meta. \
                    Pick the system user there, or add a new one."
                    .to_owned(),
                Surface::Cli => "List the system users (`gatehouse system-users list`) and use \
                    one of their IDs."
                    .to_owned(),
            },
            Self::Graph(e) => e.fix(surface).unwrap_or_default(),
            Self::Profile(e) => e.fix(surface).unwrap_or_default(),
            Self::Store(e) => e.fix(surface).unwrap_or_default(),
            Self::AmbiguousCreate { .. } => "Look at the list of system users, keep the one you \
                                              want and rename the others; Meta does not let apps \
                                              delete system users."
                .to_owned(),
            Self::CreateNotConfirmed { .. } => {
                "Check your internet connection, then add it again.".to_owned()
            }
            Self::DemoUnavailable(_) => {
                "Restart Gatehouse. If it keeps happening, another program may be blocking local \
                 network ports (127.0.0.1)."
                    .to_owned()
            }
            Self::TokenMayHaveBeenIssued { .. } => "Choose one: generate a new token now (the \
                unseen token, if any, stays valid until revoked), or first invalidate all tokens \
                of this system user (this also stops the tokens your integrations use) and then \
                generate a new one. Gatehouse never generates again on its own."
                .to_owned(),
            Self::PermissionNotGrantable { permission, app_id, .. } => format!(
                "Untick {permission} and generate again, or have an admin of app {app_id} add a \
                 use case that includes it (developers.facebook.com › My Apps › the app › Use \
                 cases › Add use case). For businesses the app's owner does not manage, the \
                 permission also needs Advanced Access (App Review)."
            ),
            Self::AppNotClaimable { .. } => "Check the app ID (developers.facebook.com › My Apps \
                shows it under the app's name). If another business owns the app, ask its admins \
                to share it, or create an app for this business (My Apps › Create app, and choose \
                this business portfolio). If you are not an admin of the app, ask one to add you \
                (the app › App roles) or to add it for you."
                .to_owned(),
            Self::PastedTokenUnusable(_) => "Generate a new token for its system user (System \
                users › the system user › Generate token) and put it where this one was used. \
                Gatehouse's own connection to the portfolio is not affected."
                .to_owned(),
            Self::NeverExpiringToken => "Keep using it, or generate a 60-day token instead and \
                revoke this one."
                .to_owned(),
            Self::ClipboardUnavailable(_) => match surface {
                Surface::Desktop => "Show the token instead (Reveal) and copy it from there, or \
                    run Gatehouse in a desktop session."
                    .to_owned(),
                Surface::Cli => "Show the token instead (`--show`, or pipe the output to the \
                    program that needs it), or run Gatehouse in a desktop session."
                    .to_owned(),
            },
        }
    }
}
