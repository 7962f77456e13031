//! Connecting a portfolio: checks an admin token and app secret against a business before
//! anything is saved, and says in plain words what stands in the way (spec §1, §2.2, §4, §7.1).
//!
//! Usable before a profile exists: the desktop app shows the [`ConnectionReport`] in its "add
//! portfolio" dialog, and [`crate::profiles::add_profile`] refuses on a blocking problem.

use gatehouse_graph::{
    ApiVersion, AssetKind, ClientConfig, Credentials, GraphClient, GraphError, ListOptions,
    PagingMode, Relation, Secret, Session, SystemUserRole,
};
use serde::{Deserialize, Serialize};

use crate::profiles::ProfileSecrets;
use crate::tokens::TokenKind;
use crate::{Result, TwoFactor, Verification};

/// What to connect to. The secrets travel separately, as [`ProfileSecrets`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectRequest {
    pub business_id: String,
    pub app_id: String,
    /// `None` means Meta (`https://graph.facebook.com`); otherwise an emulator or proxy.
    pub base_url: Option<String>,
    /// `v26.0`, …
    pub api_version: String,
}

/// Where a portfolio's Graph API calls, and so its admin token and app secret proofs, go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GraphDestination {
    /// `https://graph.facebook.com`.
    Meta,
    /// An emulator on this computer (127.0.0.1, ::1, localhost): the demo, or tests.
    ThisComputer,
    /// Another HTTPS host (a proxy, or a hand-edited profile): used only once the person
    /// confirms it.
    Elsewhere,
}

impl GraphDestination {
    /// Where `base_url` (`None`: Meta) sends requests.
    pub fn of(base_url: Option<&str>) -> Self {
        match base_url {
            None => Self::Meta,
            Some(url) if gatehouse_graph::is_meta_base_url(url) => Self::Meta,
            Some(url) if gatehouse_graph::is_loopback_base_url(url) => Self::ThisComputer,
            Some(_) => Self::Elsewhere,
        }
    }

    /// What to show beside a portfolio whose requests do not go to Meta (its card, the
    /// connection check); `None` for Meta.
    pub fn note(self, base_url: Option<&str>) -> Option<String> {
        let url = base_url.unwrap_or_default();
        match self {
            Self::Meta => None,
            Self::ThisComputer => {
                Some(format!("Talks to an emulator on this computer ({url}), not to Meta"))
            }
            Self::Elsewhere => Some(format!("Sends its tokens to {url}, not to Meta")),
        }
    }

    /// A profile's saved URL of this kind is used only when the person confirms it (passes it
    /// again): a file edited behind their back must not send tokens elsewhere.
    pub fn needs_confirmation(self) -> bool {
        self == Self::Elsewhere
    }
}

/// An app the business owns (`owned_apps`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BusinessApp {
    pub id: String,
    pub name: String,
    /// It is the app the profile signs its requests with.
    pub is_profile_app: bool,
}

impl BusinessApp {
    pub(crate) fn from_asset(app: gatehouse_graph::Asset, profile_app: Option<&str>) -> Self {
        BusinessApp {
            is_profile_app: profile_app == Some(app.id.as_str()),
            name: app.name.unwrap_or_else(|| format!("App {}", app.id)),
            id: app.id,
        }
    }
}

/// A token that may not read an edge is not an admin's: for the checks, a finding rather than a
/// failure.
pub(crate) fn is_refusal(e: &GraphError) -> bool {
    matches!(e, GraphError::MissingPermission { .. } | GraphError::AssetNotAssigned { .. })
}

/// Something the check found: a plain sentence and where to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionProblem {
    pub code: ProblemCode,
    pub message: String,
    pub fix: Option<String>,
    /// Gatehouse cannot work with this portfolio until it is fixed; otherwise a warning.
    pub blocking: bool,
    /// The app Gatehouse can claim into the business to fix this ([`claim_app`]).
    pub claim_app_id: Option<String>,
}

/// What Meta says about a business, a token and an app, checked together.
///
/// Meta does not report an app's Marketing API access tier (Limited or Full) through the API
/// (graph-api.md §7.1), so the report has none: the system-user allowance that follows from it
/// is learnt from the user or from a limit error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConnectionReport {
    pub business_id: String,
    pub business_name: String,
    pub verification: crate::Verification,
    /// In words: "Verified", "Verification pending", or Meta's word for one Gatehouse does not
    /// know.
    pub verification_label: String,
    pub two_factor: crate::TwoFactor,
    /// In words: "Required for admins", "Not required", …
    pub two_factor_label: String,
    /// From `debug_token`.
    pub token_kind: TokenKind,
    /// [`TokenKind::label`].
    pub token_kind_label: String,
    /// Who the token belongs to (`/me`).
    pub token_owner_id: String,
    pub token_owner_name: Option<String>,
    /// The app the token was issued for (`debug_token`), when Meta says.
    pub token_app_id: Option<String>,
    /// The apps the business owns.
    pub apps: Vec<BusinessApp>,
    pub regular_system_users: u32,
    pub admin_system_users: u32,
    pub problems: Vec<ConnectionProblem>,
    /// Where the check's requests went.
    pub graph_destination: GraphDestination,
    /// [`GraphDestination::note`]: shown when it is not Meta.
    pub graph_note: Option<String>,
}

impl ConnectionReport {
    /// No blocking problem.
    pub fn is_usable(&self) -> bool {
        !self.problems.iter().any(|p| p.blocking)
    }
}

/// What a connection check can find ([`ConnectionProblem::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The token was issued for another app than the profile's (blocking).
    TokenOtherApp,
    /// The business owns no app (blocking: no system users without one, error 104001).
    BusinessOwnsNoApp,
    /// The profile's app is not one the business owns (blocking).
    AppNotOwned,
    /// The token is a Page or app token (blocking).
    TokenWrongKind,
    /// The token is a regular system user's, or cannot read the business's apps or system users
    /// (blocking: creating system users and assigning assets need an admin).
    TokenNotAdmin,
    /// `debug_token` did not answer: the token's app is unconfirmed (warning).
    TokenAppUnknown,
    /// The business is not verified (warning).
    BusinessNotVerified,
    /// Two-factor authentication is not required (warning).
    TwoFactorNotRequired,
    /// The token is a person's: it ends with their session (warning).
    PersonalToken,
}

impl ProblemCode {
    /// The wire name (the same as serde's), also the code of the error a blocked save gives.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::TokenOtherApp => "token_other_app",
            ProblemCode::BusinessOwnsNoApp => "business_owns_no_app",
            ProblemCode::AppNotOwned => "app_not_owned",
            ProblemCode::TokenWrongKind => "token_wrong_kind",
            ProblemCode::TokenNotAdmin => "token_not_admin",
            ProblemCode::TokenAppUnknown => "token_app_unknown",
            ProblemCode::BusinessNotVerified => "business_not_verified",
            ProblemCode::TwoFactorNotRequired => "two_factor_not_required",
            ProblemCode::PersonalToken => "personal_token",
        }
    }
}

/// A Graph session with the given secrets. The secrets are copied into the credentials as new
/// zeroized [`Secret`]s.
pub fn session_for(
    base_url: Option<&str>,
    api_version: &str,
    secrets: &ProfileSecrets,
) -> Result<Session> {
    session_with_paging(base_url, api_version, secrets, PagingMode::Plain)
}

/// [`session_for`] with listings paged as `paging` says.
pub(crate) fn session_with_paging(
    base_url: Option<&str>,
    api_version: &str,
    secrets: &ProfileSecrets,
    paging: PagingMode,
) -> Result<Session> {
    let mut config = match base_url {
        Some(url) => ClientConfig::with_base_url(url),
        None => ClientConfig::default(),
    };
    config.api_version = ApiVersion::parse(api_version)?;
    config.paging = paging;
    let client = GraphClient::new(config)?;
    let credentials = Credentials::with_app_secret(
        Secret::new(secrets.admin_token.expose().to_owned()),
        Secret::new(secrets.app_secret.expose().to_owned()),
    );
    Ok(client.session(credentials))
}

/// Claims the request's app into its business before a profile exists (the "add portfolio"
/// dialog's fix for [`ProblemCode::BusinessOwnsNoApp`] and [`ProblemCode::AppNotOwned`]); check again afterwards.
pub async fn claim_app(req: &ConnectRequest, secrets: &ProfileSecrets) -> Result<crate::AppClaim> {
    let session = session_for(req.base_url.as_deref(), &req.api_version, secrets)?;
    crate::portfolio::claim_app(&session, &req.business_id, &req.app_id)
        .await
        .map_err(on_form_field)
}

/// Meta refusing a credential typed in the Connect form is about that field: the admin token
/// (invalid or expired) or the app secret (the proof made with it is wrong).
fn on_form_field(e: crate::Error) -> crate::Error {
    let field = match &e {
        crate::Error::Graph(GraphError::TokenInvalid { .. } | GraphError::TokenExpired { .. }) => {
            "admin_token"
        }
        crate::Error::Graph(GraphError::AppSecretProofRejected { .. }) => "app_secret",
        _ => return e,
    };
    crate::Error::OnField { field, cause: Box::new(e) }
}

/// Checks the secrets against the business: who the token is (`/me`, `debug_token`), the
/// business (verification, two-factor), the apps it owns and its system users. Failures of
/// Graph itself (expired token, wrong app secret, network) are `Err`; what makes the portfolio
/// unusable or risky is a [`ConnectionProblem`] in the report.
pub async fn check_connection(
    req: &ConnectRequest,
    secrets: &ProfileSecrets,
) -> Result<ConnectionReport> {
    let session = session_for(req.base_url.as_deref(), &req.api_version, secrets)?;
    check_with_session(&session, req, &secrets.admin_token).await.map_err(on_form_field)
}

/// [`check_connection`] over an existing session (its credentials are `token`'s).
pub async fn check_with_session(
    session: &Session,
    req: &ConnectRequest,
    token: &Secret,
) -> Result<ConnectionReport> {
    Ok(check_and_list(session, req, token).await?.0)
}

/// [`check_with_session`], with the business's system users it listed (none when the token may
/// not list them), so a caller that needs them does not read them twice.
pub(crate) async fn check_and_list(
    session: &Session,
    req: &ConnectRequest,
    token: &Secret,
) -> Result<(ConnectionReport, Option<Vec<gatehouse_graph::SystemUser>>)> {
    let me = session.me().await?;
    let business = session.business(&req.business_id).await?;
    let debug = session.debug_token(token).await;

    let mut facts = Facts {
        app_id: req.app_id.clone(),
        token_app_id: None,
        token_kind: TokenKind::Unknown,
        debug_failed: debug.is_err(),
        verification: Verification::from_meta(business.verification_status.as_deref()).0,
        two_factor: TwoFactor::from_meta(business.two_factor_type.as_deref()).0,
        apps: None,
        token_owner_role: None,
        listing_refused: false,
    };
    if let Ok(info) = &debug {
        facts.token_app_id = info.app_id.clone();
        facts.token_kind = TokenKind::from_type(info.token_type.as_ref());
    }

    let refused = is_refusal;
    let mut apps = Vec::new();
    match session
        .assets(&req.business_id, AssetKind::App, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await
    {
        Ok((owned, _)) => {
            apps =
                owned.into_iter().map(|a| BusinessApp::from_asset(a, Some(&req.app_id))).collect();
            facts.apps = Some(apps.iter().map(|a| a.id.clone()).collect());
        }
        Err(e) if refused(&e) => facts.listing_refused = true,
        Err(e) => return Err(e.into()),
    }
    let (mut regular, mut admin) = (0u32, 0u32);
    let mut listed = None;
    match session.system_users(&req.business_id).collect_all().await {
        Ok((users, _)) => {
            for user in &users {
                let is_admin = matches!(user.role, Some(SystemUserRole::Admin));
                if is_admin {
                    admin = admin.saturating_add(1);
                } else {
                    regular = regular.saturating_add(1);
                }
                if user.id == me.id {
                    facts.token_owner_role = Some(is_admin);
                }
            }
            listed = Some(users);
        }
        Err(e) if refused(&e) => facts.listing_refused = true,
        Err(e) => return Err(e.into()),
    }

    let problems = facts.problems();
    let report = ConnectionReport {
        business_name: business.name.unwrap_or_else(|| format!("Business {}", business.id)),
        business_id: business.id,
        verification: facts.verification,
        verification_label: Verification::from_meta(business.verification_status.as_deref()).1,
        two_factor: facts.two_factor,
        two_factor_label: TwoFactor::from_meta(business.two_factor_type.as_deref()).1,
        token_kind: facts.token_kind,
        token_kind_label: facts.token_kind.label().to_owned(),
        token_owner_id: me.id,
        token_owner_name: me.name,
        token_app_id: facts.token_app_id,
        apps,
        regular_system_users: regular,
        admin_system_users: admin,
        problems,
        graph_destination: GraphDestination::of(req.base_url.as_deref()),
        graph_note: GraphDestination::of(req.base_url.as_deref()).note(req.base_url.as_deref()),
    };
    Ok((report, listed))
}

/// What the checks found, before it is put into words.
#[derive(Debug, Clone, Default)]
struct Facts {
    app_id: String,
    token_app_id: Option<String>,
    token_kind: TokenKind,
    debug_failed: bool,
    verification: Verification,
    two_factor: TwoFactor,
    /// The ids of the apps the business owns; `None` when they could not be listed.
    apps: Option<Vec<String>>,
    /// Whether the token's owner is an admin system user of this business, when it is one.
    token_owner_role: Option<bool>,
    /// The token may not list the business's apps or system users.
    listing_refused: bool,
}

const APPS_PATH: &str = "Business settings › Accounts › Apps";

/// The business owns no app, or not `app_id` (both blocking: Meta allows system users only in a
/// business that owns an app, and tokens are issued through one). `apps`: the ids of the apps
/// it owns, `None` when they could not be listed (then nothing is claimed to be missing).
/// `app_id`: the app Gatehouse signs in with, when known.
pub(crate) fn app_problem(
    apps: Option<&[String]>,
    app_id: Option<&str>,
) -> Option<ConnectionProblem> {
    let app =
        app_id.map_or_else(|| "an app you are an admin of".to_owned(), |id| format!("app {id}"));
    let (code, message, fix) = match (apps?, app_id) {
        ([], _) => (
            ProblemCode::BusinessOwnsNoApp,
            "The business owns no app, and Meta allows system users only in a business that \
             owns one."
                .to_owned(),
            format!(
                "Add {app} to the business (you must be an admin of the app, see \
                 developers.facebook.com › My Apps): Gatehouse can do it for you, or do it in \
                 {APPS_PATH} › Add › Connect an app ID."
            ),
        ),
        (apps, Some(app_id)) if !apps.iter().any(|a| a == app_id) => (
            ProblemCode::AppNotOwned,
            format!("App {app_id} is not one of the apps this business owns."),
            format!(
                "Add app {app_id} to the business (you must be an admin of the app): Gatehouse \
                 can do it for you, or do it in {APPS_PATH} › Add › Connect an app ID. Or use \
                 one of the business's own apps."
            ),
        ),
        _ => return None,
    };
    Some(ConnectionProblem {
        code,
        message,
        fix: Some(fix),
        blocking: true,
        claim_app_id: app_id.map(str::to_owned),
    })
}

impl Facts {
    fn problems(&self) -> Vec<ConnectionProblem> {
        let mut out = Vec::new();
        let problem = |code: ProblemCode, blocking: bool, message: String, fix: String| {
            ConnectionProblem { code, message, fix: Some(fix), blocking, claim_app_id: None }
        };
        let app = &self.app_id;
        if let Some(other) = self.token_app_id.as_deref().filter(|t| *t != app) {
            out.push(problem(
                ProblemCode::TokenOtherApp,
                true,
                format!("The admin token was generated for app {other}, not for app {app}."),
                format!(
                    "Use app {other} for this portfolio, or generate the admin system user's \
                     token for app {app} in Business settings › Users › System users › Generate \
                     new token."
                ),
            ));
        }
        if matches!(self.token_kind, TokenKind::Page | TokenKind::App) {
            out.push(problem(
                ProblemCode::TokenWrongKind,
                true,
                format!(
                    "This is a{} {} token; Gatehouse needs the token of an admin system user \
                     (or of an admin of the business).",
                    if self.token_kind == TokenKind::App { "n" } else { "" },
                    if self.token_kind == TokenKind::App { "app" } else { "Page" },
                ),
                "Generate a token for the admin system user in Business settings › Users › \
                 System users › Generate new token."
                    .to_owned(),
            ));
        }
        out.extend(app_problem(self.apps.as_deref(), Some(app)));
        // Creating system users and assigning assets need an admin (spec §2.2, §5.1).
        if self.token_owner_role == Some(false) || self.listing_refused {
            out.push(problem(
                ProblemCode::TokenNotAdmin,
                true,
                "The token does not belong to an admin of this business, and only admins may \
                 add system users and assign assets."
                    .to_owned(),
                "Use the token of an admin system user of this business (Business settings › \
                 Users › System users: its role is Admin), or make this system user an admin \
                 there."
                    .to_owned(),
            ));
        }
        if self.token_kind == TokenKind::User {
            out.push(problem(
                ProblemCode::PersonalToken,
                false,
                "This is a person's token: it stops working when it expires, or when they log \
                 out, change their password or leave the business."
                    .to_owned(),
                "It is fine for setting up. Afterwards, create an admin system user, generate its \
                 token (Business settings › Users › System users › Generate new token) and \
                 connect again with it."
                    .to_owned(),
            ));
        }
        if self.debug_failed {
            out.push(problem(
                ProblemCode::TokenAppUnknown,
                false,
                "Meta did not say which app the token belongs to (debug_token did not answer), \
                 so that part was not checked."
                    .to_owned(),
                format!(
                    "Check in Business settings › Users › System users that the token was \
                     generated for app {app}."
                ),
            ));
        }
        // Not reported (a token that may not read it) is not a problem to report.
        if !matches!(self.verification, Verification::Verified | Verification::Unknown) {
            out.push(problem(
                ProblemCode::BusinessNotVerified,
                false,
                "The business is not verified. System users work, but apps of unverified \
                 businesses cannot get some permissions through App Review."
                    .to_owned(),
                "Verify the business in Business settings › Business info › Business \
                 verification."
                    .to_owned(),
            ));
        }
        if self.two_factor == TwoFactor::NotRequired {
            out.push(problem(
                ProblemCode::TwoFactorNotRequired,
                false,
                "The business does not require two-factor authentication, so a stolen \
                 password is enough to reach its admin tools."
                    .to_owned(),
                "Require it for admins (or everyone) in Business settings › Security centre › \
                 Two-factor authentication."
                    .to_owned(),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_a_base_url_sends_tokens() {
        use GraphDestination::*;
        for (url, want) in [
            (None, Meta),
            (Some("https://graph.facebook.com"), Meta),
            (Some("https://GRAPH.facebook.com/"), Meta),
            (Some("https://graph.facebook.com:8443"), Elsewhere),
            (Some("https://graph.facebook.com.evil.example"), Elsewhere),
            (Some("http://127.0.0.1:4000"), ThisComputer),
            (Some("http://localhost:4000"), ThisComputer),
            (Some("http://[::1]:4000"), ThisComputer),
            (Some("https://proxy.example.net"), Elsewhere),
        ] {
            assert_eq!(GraphDestination::of(url), want, "{url:?}");
        }
        assert_eq!(Meta.note(None), None);
        assert!(Elsewhere.needs_confirmation());
        assert!(!ThisComputer.needs_confirmation() && !Meta.needs_confirmation());
    }

    fn fine() -> Facts {
        Facts {
            app_id: "10".into(),
            token_app_id: Some("10".into()),
            token_kind: TokenKind::SystemUser,
            verification: Verification::Verified,
            two_factor: TwoFactor::AdminRequired,
            apps: Some(vec!["10".into()]),
            token_owner_role: Some(true),
            ..Facts::default()
        }
    }

    fn codes(f: &Facts) -> Vec<(ProblemCode, bool)> {
        f.problems().into_iter().map(|p| (p.code, p.blocking)).collect()
    }

    #[test]
    fn a_good_portfolio_has_no_problems() {
        assert!(fine().problems().is_empty());
    }

    #[test]
    fn warnings_do_not_block() {
        let f = Facts {
            verification: Verification::NotVerified,
            two_factor: TwoFactor::NotRequired,
            debug_failed: true,
            token_kind: TokenKind::User,
            ..fine()
        };
        assert_eq!(
            codes(&f),
            [
                (ProblemCode::PersonalToken, false),
                (ProblemCode::TokenAppUnknown, false),
                (ProblemCode::BusinessNotVerified, false),
                (ProblemCode::TwoFactorNotRequired, false),
            ]
        );
        for p in f.problems() {
            assert!(p.fix.as_deref().is_some_and(|x| x.contains("Business settings")), "{p:?}");
        }
    }

    #[test]
    fn blocking_problems() {
        let f = Facts { token_app_id: Some("99".into()), apps: Some(vec![]), ..fine() };
        assert_eq!(
            codes(&f),
            [(ProblemCode::TokenOtherApp, true), (ProblemCode::BusinessOwnsNoApp, true)]
        );
        let f = Facts { apps: Some(vec!["7".into()]), token_owner_role: Some(false), ..fine() };
        assert_eq!(
            codes(&f),
            [(ProblemCode::AppNotOwned, true), (ProblemCode::TokenNotAdmin, true)]
        );
        let f = Facts { token_kind: TokenKind::Page, ..fine() };
        assert_eq!(codes(&f), [(ProblemCode::TokenWrongKind, true)]);
        assert!(f.problems()[0].message.contains("a Page token"), "{:?}", f.problems());
        assert_eq!(ProblemCode::BusinessOwnsNoApp.as_str(), "business_owns_no_app");
        let wire = serde_json::to_value(ProblemCode::TwoFactorNotRequired).unwrap();
        assert_eq!(wire, ProblemCode::TwoFactorNotRequired.as_str());
    }
}
