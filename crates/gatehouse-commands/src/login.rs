//! Sign in with Meta on the Connect screen, step by step (the engine's `gatehouse_core::login`):
//! [`begin_sign_in`] gives the dialog's address (the desktop shell opens it in a window of its
//! own, without access to these commands, and hands back the address the window ends on);
//! [`finish_sign_in`] reads that address and lists the person's businesses; [`check_business`]
//! and [`set_up_gatehouse`] set Gatehouse up in the business picked and save the portfolio. The
//! person's token lives in memory between the steps only, and is dropped at the end or on
//! [`cancel_sign_in`].

use gatehouse_core::login::{
    self, AdminChoice, BusinessCheck, LoginAccess, LoginBusiness, SignedIn,
};
use gatehouse_core::profiles::{self, Profile, ProfileSecrets, DEFAULT_API_VERSION};
use gatehouse_graph::{ClientConfig, GraphClient, Secret};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::CommandFailure;
use crate::portfolios::PortfolioEntry;
use crate::state::lock;
use crate::{AppState, CommandError};

/// What the person types before signing in: their app's ID and secret (they identify the app;
/// the secret becomes a [`Secret`] at once) and, for Facebook Login for Business, the
/// configuration's ID.
#[derive(Deserialize, Type)]
pub struct SignInForm {
    pub app_id: String,
    pub app_secret: String,
    pub config_id: Option<String>,
}

impl std::fmt::Debug for SignInForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInForm").field("app_id", &self.app_id).finish_non_exhaustive()
    }
}

/// Where a sign-in stands.
pub(crate) enum SignIn {
    /// The dialog is open; its answer must carry `state`.
    Open { state: String, app_id: String, app_secret: Secret, base_url: Option<String> },
    /// The person is signed in (their 60-day token inside).
    SignedIn { signed: Box<SignedIn>, app_id: String, app_secret: Secret, base_url: Option<String> },
}

/// The dialog to open.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SignInDialog {
    pub url: String,
    /// The address the window stops at (its answer), for the shell's navigation check.
    pub redirect: String,
}

/// Who signed in, and where they can set Gatehouse up.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SignedInPerson {
    pub person_name: Option<String>,
    pub businesses: Vec<LoginBusiness>,
}

/// The portfolio saved and opened, and what the setup did, in words.
#[derive(Debug, Clone, Serialize, Type)]
pub struct GatehouseSetUp {
    pub portfolio: PortfolioEntry,
    pub message: String,
}

/// Starts a sign-in: the dialog's address for the form's app (any earlier sign-in is dropped).
pub async fn begin_sign_in(
    state: &AppState,
    form: SignInForm,
) -> Result<SignInDialog, CommandError> {
    let SignInForm { app_id, app_secret, config_id } = form;
    let app_secret = {
        let typed = zeroize::Zeroizing::new(app_secret);
        Secret::new(typed.trim().to_owned())
    };
    let app_id = app_id.trim().to_owned();
    let access = match config_id.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()) {
        Some(config_id) => LoginAccess::Configuration { config_id },
        None => LoginAccess::Permissions,
    };
    let base_url = state.graph_url().await?;
    let dialog = login::login_dialog(base_url.as_deref(), DEFAULT_API_VERSION, &app_id, &access)?;
    state.sign_in_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    *lock(&state.sign_in) =
        Some(SignIn::Open { state: dialog.state, app_id, app_secret, base_url });
    Ok(SignInDialog { url: dialog.url, redirect: login::LOGIN_REDIRECT.to_owned() })
}

/// Reads the address the login window ended on: the person's token, exchanged for a 60-day
/// one, and their businesses. An error (cancelled, refused) ends the sign-in.
pub async fn finish_sign_in(
    state: &AppState,
    landed: String,
) -> Result<SignedInPerson, CommandError> {
    let landed = zeroize::Zeroizing::new(landed);
    let under_way = lock(&state.sign_in).take();
    let (expected, app_id, app_secret, base_url) = match under_way {
        Some(SignIn::Open { state, app_id, app_secret, base_url }) => {
            (state, app_id, app_secret, base_url)
        }
        // Nothing open: a sign-in finished already stays as it is.
        other => {
            *lock(&state.sign_in) = other;
            return Err(CommandFailure::NoSignInUnderWay.into());
        }
    };
    let grant = login::read_redirect(&landed, &expected)?;
    let client = client_for(base_url.as_deref())?;
    let signed = login::sign_in(&client, &app_id, &app_secret, grant).await?;
    let person = SignedInPerson {
        person_name: signed.person_name.clone(),
        businesses: signed.businesses.clone(),
    };
    *lock(&state.sign_in) =
        Some(SignIn::SignedIn { signed: Box::new(signed), app_id, app_secret, base_url });
    Ok(person)
}

/// The business the person picked, checked with their token, and the admin system users
/// Gatehouse could work as there.
pub async fn check_business(
    state: &AppState,
    business_id: String,
) -> Result<BusinessCheck, CommandError> {
    let held = signed_in(state)?;
    let checked = login::check_business(
        &held.0,
        business_id.trim(),
        &held.1,
        held.3.as_deref(),
        DEFAULT_API_VERSION,
    )
    .await;
    restore(state, held);
    Ok(checked?)
}

/// Sets Gatehouse up in `business_id` as `choice` says, saves the portfolio (its new admin
/// token in the keychain) and opens it. The person's token is dropped once this succeeds.
pub async fn set_up_gatehouse(
    state: &AppState,
    business_id: String,
    choice: AdminChoice,
    label: String,
) -> Result<GatehouseSetUp, CommandError> {
    let signed = signed_in(state)?;
    let result = set_up_with(state, &signed, business_id, &choice, label).await;
    if result.is_err() {
        // Kept for another try (another business, another choice).
        restore(state, signed);
    }
    result
}

async fn set_up_with(
    state: &AppState,
    (signed, app_id, app_secret, base_url, _): &Held,
    business_id: String,
    choice: &AdminChoice,
    label: String,
) -> Result<GatehouseSetUp, CommandError> {
    let id = format!("business-{}", business_id.trim());
    let trail = state.store().await.ok().map(|store| {
        gatehouse_core::audit::AuditTrail::new(
            store.clone(),
            gatehouse_core::audit::Actor::App,
            id.clone(),
        )
    });
    let (token, done) = login::set_up(signed, &business_id, app_id, choice, trail).await?;
    let profile = Profile {
        id,
        label: label.trim().to_owned(),
        business_id: business_id.trim().to_owned(),
        app_id: app_id.clone(),
        base_url: base_url.clone(),
        api_version: DEFAULT_API_VERSION.to_owned(),
    };
    let secrets = ProfileSecrets { admin_token: token, app_secret: app_secret.clone() };
    let added =
        profiles::add_profile(state.profiles()?, state.secrets()?, profile, &secrets).await?;
    let entry = PortfolioEntry::saved(&added.profile);
    crate::portfolios::open(state, &entry.id).await?;
    state.set_active(&entry.id);
    Ok(GatehouseSetUp { portfolio: entry, message: done.message })
}

/// Drops a sign-in under way (the person's token with it).
pub fn cancel_sign_in(state: &AppState) {
    // A step still on its way (a business check) must not put the sign-in back afterwards.
    state.sign_in_generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    lock(&state.sign_in).take();
}

/// Whether the login window has reached its answer (the shell's navigation check).
pub fn is_sign_in_answer(url: &str) -> bool {
    login::is_login_redirect(url)
}

/// The signed-in person while a step works with it, and the sign-in generation it was taken
/// in (a cancel or a new sign-in since means it is not put back).
type Held = (Box<SignedIn>, String, Secret, Option<String>, u64);

fn signed_in(state: &AppState) -> Result<Held, CommandError> {
    let generation = state.sign_in_generation.load(std::sync::atomic::Ordering::SeqCst);
    // Taken out first: the guard must not live through the match (the arm locks again).
    let under_way = lock(&state.sign_in).take();
    match under_way {
        Some(SignIn::SignedIn { signed, app_id, app_secret, base_url }) => {
            Ok((signed, app_id, app_secret, base_url, generation))
        }
        other => {
            *lock(&state.sign_in) = other;
            Err(CommandFailure::NoSignInUnderWay.into())
        }
    }
}

fn restore(state: &AppState, (signed, app_id, app_secret, base_url, generation): Held) {
    let mut slot = lock(&state.sign_in);
    if state.sign_in_generation.load(std::sync::atomic::Ordering::SeqCst) == generation {
        *slot = Some(SignIn::SignedIn { signed, app_id, app_secret, base_url });
    }
}

fn client_for(base_url: Option<&str>) -> Result<GraphClient, CommandError> {
    let config = match base_url {
        Some(url) => ClientConfig::with_base_url(url),
        None => ClientConfig::default(),
    };
    Ok(GraphClient::new(config).map_err(gatehouse_core::Error::from)?)
}
