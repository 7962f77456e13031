//! Signing in with Meta, then Gatehouse setting itself up: no admin token to paste.
//!
//! Facebook Login's manual flow for desktop apps (../shared/reference/meta-login.md §1): a
//! window opens Meta's login dialog for the person's own app with `response_type=token` and the
//! redirect `https://www.facebook.com/connect/login_success.html`; the app watches the window's
//! navigation and reads the token from the redirect's fragment (errors come in the query).
//! Then: the short-lived token is exchanged for a 60-day one with the app secret (§3), the
//! person picks a business they administer (`/me/businesses`, §4.1), and Gatehouse creates (or
//! reuses) an admin system user named "Gatehouse", installs the app on it and generates its
//! never-expiring token with `business_management` (§4.2–4.4). That token is the portfolio's
//! admin token; the person's own token is dropped.
//!
//! UNCONFIRMED (tried against the emulator only): whether `config_id` (Facebook Login for
//! Business) works with the desktop redirect and `response_type=token`; which values
//! `permitted_roles` holds (not asked for: a non-admin finds out when the setup is refused, in
//! Meta's words); whether an embedded webview keeps working for every account (Meta may block
//! it per account; pasting a token stays the fallback).

use gatehouse_graph::{
    ApiVersion, AssetKind, Credentials, GraphClient, GraphError, ListOptions, Relation, Scope,
    Secret, Session,
};
use serde::{Deserialize, Serialize};

use crate::connect::{ConnectionProblem, ConnectionReport, ProblemCode};
use crate::system_users::NewRole;
use crate::{Error, Portfolio, PortfolioKind, Result};

/// The one redirect Meta allows a desktop app's login window (listed under the app's Valid
/// OAuth Redirect URIs).
pub const LOGIN_REDIRECT: &str = "https://www.facebook.com/connect/login_success.html";
/// Where Meta serves its login dialog.
const META_DIALOG_ORIGIN: &str = "https://www.facebook.com";
/// The admin system user Gatehouse creates (or finds again) for itself.
pub const GATEHOUSE_SYSTEM_USER: &str = "Gatehouse";

/// What the person is asked to grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoginAccess {
    /// Classic Facebook Login: the permission Gatehouse needs to set itself up.
    Permissions,
    /// Facebook Login for Business: a configuration made in the App Dashboard (Facebook Login
    /// for Business › Configurations), whose ID replaces the permissions.
    Configuration { config_id: String },
}

/// The dialog to open, and the value its answer must carry back.
#[derive(Debug, Clone)]
pub struct LoginDialog {
    pub url: String,
    /// Random, checked on the redirect (a redirect that was not for this sign-in is refused).
    pub state: String,
}

/// Where the dialog is served: Meta's www.facebook.com, or the emulator a profile's Graph API
/// override names (it serves the dialog on its own origin).
pub fn dialog_origin(base_url: Option<&str>) -> String {
    match base_url {
        Some(url) if !gatehouse_graph::is_meta_base_url(url) => {
            url.trim_end_matches('/').to_owned()
        }
        _ => META_DIALOG_ORIGIN.to_owned(),
    }
}

/// The login dialog for `app_id`.
pub fn login_dialog(
    base_url: Option<&str>,
    api_version: &str,
    app_id: &str,
    access: &LoginAccess,
) -> Result<LoginDialog> {
    crate::profiles::validate_numeric_id("app id", app_id)?;
    let version = ApiVersion::parse(api_version)?;
    let state = uuid::Uuid::new_v4().simple().to_string();
    let mut url =
        url::Url::parse(&format!("{}/{}/dialog/oauth", dialog_origin(base_url), version.as_str()))
            .map_err(|e| {
                GraphError::invalid_input("base_url", format!("no login dialog there: {e}"))
            })?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", app_id)
            .append_pair("redirect_uri", LOGIN_REDIRECT)
            .append_pair("state", &state)
            .append_pair("response_type", "token");
        match access {
            LoginAccess::Permissions => {
                q.append_pair("scope", Scope::BusinessManagement.as_str());
            }
            LoginAccess::Configuration { config_id } => {
                crate::profiles::validate_numeric_id("configuration id", config_id.trim())?;
                q.append_pair("config_id", config_id.trim())
                    .append_pair("override_default_response_type", "true");
            }
        }
    }
    Ok(LoginDialog { url: url.into(), state })
}

/// Whether the window has reached the login redirect (it stops there: the page itself is never
/// loaded).
pub fn is_login_redirect(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| {
        let redirect = url::Url::parse(LOGIN_REDIRECT).expect("a URL");
        u.scheme() == redirect.scheme()
            && u.host_str() == redirect.host_str()
            && u.port() == redirect.port()
            && u.path() == redirect.path()
    })
}

/// What the login dialog answered: the person's token (in the fragment, as asked), or a code
/// to exchange for it with the app secret. UNCONFIRMED which one a Facebook Login for Business
/// configuration gives on the desktop redirect (meta-login.md §2: community code asks for
/// `code`); both are taken.
pub enum LoginGrant {
    Token(Secret),
    Code(Secret),
}

impl std::fmt::Debug for LoginGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Token(_) => "LoginGrant::Token(..)",
            Self::Code(_) => "LoginGrant::Code(..)",
        })
    }
}

/// The person's token (or code) from the login redirect, or what went wrong, in Meta's terms.
pub fn read_redirect(raw: &str, state: &str) -> Result<LoginGrant> {
    let failed = |why: &str| Error::LoginFailed(why.to_owned());
    if !is_login_redirect(raw) {
        return Err(failed("the sign-in ended on another page"));
    }
    let url = url::Url::parse(raw).map_err(|_| failed("the sign-in's answer is not an address"))?;
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let fragment: Vec<(String, String)> =
        url::form_urlencoded::parse(url.fragment().unwrap_or("").as_bytes()).into_owned().collect();
    let in_query = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let in_fragment = |k: &str| fragment.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    // Errors come in the query even with response_type=token (meta-login.md §1.3).
    if let Some(error) = in_query("error") {
        let description = in_query("error_description").unwrap_or("").trim().to_owned();
        return Err(match (in_query("error_code"), in_query("error_reason")) {
            (Some("200"), _) => Error::LoginRefused { description },
            (_, Some("user_denied")) => Error::LoginCancelled,
            _ => Error::LoginFailed(format!("{error}: {description}")),
        });
    }
    let answered_state = in_fragment("state").or_else(|| in_query("state"));
    if answered_state != Some(state) {
        return Err(failed("the answer was not for this sign-in (its state differs)"));
    }
    match (in_fragment("access_token"), in_query("code")) {
        (Some(token), _) if !token.trim().is_empty() => {
            Ok(LoginGrant::Token(Secret::new(token.trim().to_owned())))
        }
        (_, Some(code)) if !code.trim().is_empty() => {
            Ok(LoginGrant::Code(Secret::new(code.trim().to_owned())))
        }
        _ => Err(failed("Meta's answer carried no token")),
    }
}

/// A business the signed-in person belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LoginBusiness {
    pub id: String,
    pub name: String,
}

/// The person, signed in: their 60-day token (with the app secret for proofs) and the
/// businesses they belong to. Dropping it drops the token.
pub struct SignedIn {
    session: Session,
    /// The person's 60-day token: the portfolio's admin token when they keep their own sign-in.
    token: Secret,
    pub person_id: String,
    pub person_name: Option<String>,
    pub businesses: Vec<LoginBusiness>,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("person_id", &self.person_id)
            .field("businesses", &self.businesses)
            .finish_non_exhaustive()
    }
}

/// Exchanges the dialog's short-lived token for a 60-day one, checks the person granted what
/// Gatehouse needs (`business_management`: they may untick it in Meta's dialog, or an app's
/// configuration may leave it out), and reads who signed in and their businesses.
pub async fn sign_in(
    client: &GraphClient,
    app_id: &str,
    app_secret: &Secret,
    grant: LoginGrant,
) -> Result<SignedIn> {
    let short_lived = match grant {
        LoginGrant::Token(token) => token,
        LoginGrant::Code(code) => {
            client
                .exchange_login_code(app_id, app_secret, LOGIN_REDIRECT, &code)
                .await?
                .access_token
        }
    };
    let first = client.session(Credentials::with_app_secret(short_lived, app_secret.clone()));
    let long = first.refresh_token(app_id, app_secret).await?.access_token;
    drop(first);
    let session = client.session(Credentials::with_app_secret(long.clone(), app_secret.clone()));
    // UNCONFIRMED that `debug_token` lists every granted permission of a Facebook Login for
    // Business token under `scopes` (it does for Facebook Login's); when it cannot be read the
    // setup goes on and Meta's own refusal, worded, is what the person sees.
    if let Ok(info) = session.debug_token(&long).await {
        let missing: Vec<String> = [Scope::BusinessManagement]
            .iter()
            .map(|s| s.as_str().to_owned())
            .filter(|s| !info.scopes.iter().any(|g| g == s))
            .collect();
        if !missing.is_empty() {
            return Err(Error::LoginMissingPermission { missing });
        }
    }
    let me = session.me().await?;
    let (found, _) = session.my_businesses().collect_all().await?;
    let businesses = found
        .into_iter()
        .map(|b| LoginBusiness {
            name: b.name.unwrap_or_else(|| format!("Business {}", b.id)),
            id: b.id,
        })
        .collect();
    Ok(SignedIn { session, token: long, person_id: me.id, person_name: me.name, businesses })
}

/// An admin system user of the business, one Gatehouse could use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdminSystemUser {
    pub id: String,
    pub name: String,
}

/// Which admin system user Gatehouse works as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdminChoice {
    /// Add one named "Gatehouse".
    Create,
    /// Use this one (a new token is generated for it; its other tokens keep working).
    Reuse { system_user_id: String },
    /// No system user: the person's own 60-day token is the portfolio's admin token (the
    /// connection check's "a person's token" warning applies).
    OwnSignIn,
}

impl AdminChoice {
    /// Gatehouse's own admin system user when it is there (set up before); else the one the
    /// business has, since Meta allows a business one admin system user (graph-api.md §7.1:
    /// another would be refused); else a new one.
    pub fn default_for(admins: &[AdminSystemUser]) -> Self {
        let gatehouse = admins.iter().find(|a| a.name.trim() == GATEHOUSE_SYSTEM_USER);
        match gatehouse.or(admins.first()) {
            Some(a) => Self::Reuse { system_user_id: a.id.clone() },
            None => Self::Create,
        }
    }
}

/// A business the person picked, checked before Gatehouse sets itself up there: the
/// connection check with the person's token, sorted into what the setup fixes by itself, what
/// stops it, and what is worth knowing; and the admin system users it could work as.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BusinessCheck {
    pub report: ConnectionReport,
    /// The app the setup adds to the business first (the check's "add the app" fix).
    pub adds_app_id: Option<String>,
    /// What stops the setup (the person is not an admin of the business, say).
    pub blocking: Vec<ConnectionProblem>,
    /// Worth knowing whatever the choice (verification, two-factor).
    pub warnings: Vec<ConnectionProblem>,
    /// Worth knowing before keeping one's own sign-in ([`AdminChoice::OwnSignIn`]): the
    /// check's "a person's token".
    pub own_sign_in_warning: Option<ConnectionProblem>,
    pub admins: Vec<AdminSystemUser>,
    pub suggested: AdminChoice,
}

/// Checks `business_id` with the person's token and `app_id` ([`crate::connect::check_with_session`])
/// and lists its admin system users.
pub async fn check_business(
    signed_in: &SignedIn,
    business_id: &str,
    app_id: &str,
    base_url: Option<&str>,
    api_version: &str,
) -> Result<BusinessCheck> {
    crate::profiles::validate_numeric_id("business id", business_id)?;
    let request = crate::connect::ConnectRequest {
        business_id: business_id.to_owned(),
        app_id: app_id.to_owned(),
        base_url: base_url.map(str::to_owned),
        api_version: api_version.to_owned(),
    };
    let (report, listed) =
        crate::connect::check_and_list(&signed_in.session, &request, &signed_in.token).await?;
    let (mut adds_app_id, mut blocking, mut warnings, mut own_sign_in_warning) =
        (None, Vec::new(), Vec::new(), None);
    for problem in &report.problems {
        match problem.code {
            // `set_up` claims the app before anything else.
            ProblemCode::BusinessOwnsNoApp | ProblemCode::AppNotOwned
                if problem.claim_app_id.is_some() =>
            {
                adds_app_id = problem.claim_app_id.clone();
            }
            ProblemCode::PersonalToken => own_sign_in_warning = Some(problem.clone()),
            _ if problem.blocking => blocking.push(problem.clone()),
            _ => warnings.push(problem.clone()),
        }
    }
    // A person who cannot read the business's system users cannot set one up either; the
    // check's own listing gives the admins (no second read).
    let admins = match listed {
        Some(users) if blocking.is_empty() => admins_of(users),
        _ => Vec::new(),
    };
    let suggested = AdminChoice::default_for(&admins);
    Ok(BusinessCheck {
        report,
        adds_app_id,
        blocking,
        warnings,
        own_sign_in_warning,
        admins,
        suggested,
    })
}

/// The business's admin system users (Meta limits how many a business may have, so using one
/// that is there may be the only way).
pub async fn admin_system_users(
    signed_in: &SignedIn,
    business_id: &str,
) -> Result<Vec<AdminSystemUser>> {
    crate::profiles::validate_numeric_id("business id", business_id)?;
    let (users, _) = signed_in.session.system_users(business_id).collect_all().await?;
    Ok(admins_of(users))
}

fn admins_of(users: Vec<gatehouse_graph::SystemUser>) -> Vec<AdminSystemUser> {
    users
        .into_iter()
        .filter(|u| matches!(u.role, Some(gatehouse_graph::SystemUserRole::Admin)))
        .map(|u| AdminSystemUser { name: u.name.clone(), id: u.id })
        .collect()
}

/// What the setup did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SetUp {
    /// The admin system user Gatehouse works as (none when the person keeps their own sign-in).
    pub system_user_id: Option<String>,
    /// An admin system user that was there already was used.
    pub reused: bool,
    /// In words, for the person.
    pub message: String,
}

/// Gatehouse sets itself up in `business_id` with the person's token: the admin system user
/// `choice` names (added when asked), the app installed on it, and a never-expiring token with
/// `business_management`, which becomes the portfolio's admin token. It keeps working when the
/// person's session ends. The changes go to `audit` when given.
pub async fn set_up(
    signed_in: &SignedIn,
    business_id: &str,
    app_id: &str,
    choice: &AdminChoice,
    audit: Option<crate::audit::AuditTrail>,
) -> Result<(Secret, SetUp)> {
    crate::profiles::validate_numeric_id("business id", business_id)?;
    let portfolio =
        Portfolio::new(PortfolioKind::Meta, business_id.to_owned(), signed_in.session.clone())
            .with_app(app_id.to_owned());
    // What the setup changes (the app added, the admin system user, its token) is recorded as
    // the new portfolio's.
    if let Some(trail) = audit {
        portfolio.record_changes_to(trail);
    }
    // Meta allows system users only in a business that owns an app: a business whose person
    // develops the app but never added it (the connection check's claim) gets it added first.
    let (owned, _) = signed_in
        .session
        .assets(business_id, AssetKind::App, Relation::Owned, &ListOptions::default())
        .collect_all()
        .await?;
    if !owned.iter().any(|a| a.id == app_id) {
        portfolio.claim_app(app_id).await?;
    }
    let (system_user_id, reused) = match choice {
        AdminChoice::OwnSignIn => {
            let done = SetUp {
                system_user_id: None,
                reused: false,
                message: "Gatehouse works with your own sign-in. It stops working when your \
                    session ends (in about 60 days, or sooner if you change your password or log \
                    out of Facebook everywhere); sign in again then, or set up an admin system \
                    user."
                    .to_owned(),
            };
            return Ok((signed_in.token.clone(), done));
        }
        AdminChoice::Reuse { system_user_id } => (system_user_id.clone(), true),
        AdminChoice::Create => {
            let created =
                portfolio.create_system_user(GATEHOUSE_SYSTEM_USER, NewRole::Admin).await?;
            (created.id, false)
        }
    };
    let generated = portfolio
        .generate_token(
            &system_user_id,
            app_id,
            &[Scope::BusinessManagement],
            crate::TokenExpiry::Never,
        )
        .await?;
    let message = if reused {
        "Gatehouse works as this admin system user, with a new token that never expires (its \
         other tokens keep working). Your own sign-in is not kept."
            .to_owned()
    } else {
        format!(
            "Gatehouse added the admin system user “{GATEHOUSE_SYSTEM_USER}” with the app \
             installed and a token that never expires, so it keeps working after your own \
             session ends. Your own sign-in is not kept."
        )
    };
    Ok((generated.token, SetUp { system_user_id: Some(system_user_id), reused, message }))
}
