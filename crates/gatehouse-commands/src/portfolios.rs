//! The portfolios Gatehouse can open: the demo ones and those the user connected, one active.

use std::sync::Arc;

use gatehouse_core::connect::{ConnectRequest, ConnectionReport, GraphDestination};
use gatehouse_core::profiles::{self, Profile, ProfileError, ProfileSecrets, DEFAULT_API_VERSION};
use gatehouse_core::{AppClaim, Portfolio, PortfolioKind};
use gatehouse_secrets::Secret;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::CommandFailure;
use crate::state::{DEMO_ID, DEMO_PREFIX};
use crate::{AppState, CommandError};

/// One portfolio the switcher lists. Demo portfolios are always there and cannot be removed.
#[derive(Debug, Clone, Serialize, Type)]
pub struct PortfolioEntry {
    /// `demo:agency`, `demo:client-N`, or a saved profile's id.
    pub id: String,
    pub label: String,
    pub business_id: String,
    pub kind: PortfolioKind,
    /// [`PortfolioKind::note`]: the line under its name.
    pub note: String,
    /// Where its requests go (a demo: this computer).
    pub graph_destination: GraphDestination,
    /// A saved portfolio's Graph API URL when it is not Meta's, for its card.
    pub graph_url: Option<String>,
    /// [`GraphDestination::note`] for a saved portfolio that does not talk to Meta.
    pub graph_note: Option<String>,
}

impl PortfolioEntry {
    fn demo(listing: &gatehouse_demo::DemoListing) -> Self {
        let kind = PortfolioKind::Demo;
        Self {
            id: listing.id.clone(),
            label: listing.label.clone(),
            note: kind.note(&listing.business_id),
            business_id: listing.business_id.clone(),
            kind,
            graph_destination: GraphDestination::ThisComputer,
            graph_url: None,
            graph_note: None,
        }
    }

    pub(crate) fn saved(profile: &Profile) -> Self {
        let kind = PortfolioKind::Meta;
        let destination = profile.graph_destination();
        Self {
            id: profile.id.clone(),
            label: profile.label.clone(),
            business_id: profile.business_id.clone(),
            note: kind.note(&profile.business_id),
            kind,
            graph_destination: destination,
            graph_url: profile.base_url.clone().filter(|_| destination != GraphDestination::Meta),
            graph_note: destination.note(profile.base_url.as_deref()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Type)]
pub struct PortfolioList {
    pub active_id: String,
    pub portfolios: Vec<PortfolioEntry>,
}

/// What the user typed in "Connect your business portfolio". The two secrets become
/// [`Secret`]s at once and never travel back.
#[derive(Deserialize, Type)]
pub struct ConnectForm {
    pub label: String,
    pub business_id: String,
    pub app_id: String,
    pub admin_token: String,
    pub app_secret: String,
}

impl std::fmt::Debug for ConnectForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectForm")
            .field("business_id", &self.business_id)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl ConnectForm {
    /// Splits the form into what may be stored in a file and the secrets. `base_url`: the
    /// Graph API the portfolio talks to (`None`: Meta's).
    fn into_parts(self, base_url: Option<String>) -> (Profile, ProfileSecrets) {
        let business_id = self.business_id.trim().to_owned();
        let profile = Profile {
            id: format!("business-{business_id}"),
            label: self.label.trim().to_owned(),
            business_id,
            app_id: self.app_id.trim().to_owned(),
            base_url,
            api_version: DEFAULT_API_VERSION.to_owned(),
        };
        let secrets = ProfileSecrets {
            admin_token: Secret::new(self.admin_token.trim().to_owned()),
            app_secret: Secret::new(self.app_secret.trim().to_owned()),
        };
        // The originals are dropped here; the trimmed copies live in zeroized secrets.
        drop(zeroize::Zeroizing::new(self.admin_token));
        drop(zeroize::Zeroizing::new(self.app_secret));
        (profile, secrets)
    }

    /// What to check or claim against, once the typed fields are valid, and the secrets.
    async fn into_request(
        self,
        state: &AppState,
    ) -> Result<(ConnectRequest, ProfileSecrets), CommandError> {
        let (profile, secrets) = self.into_parts(state.graph_url().await?);
        profile.validate().map_err(gatehouse_core::Error::from)?;
        Ok((profile.connect_request(), secrets))
    }
}

/// The demo portfolios and the saved ones, and which one is open.
pub async fn list_portfolios(state: &AppState) -> Result<PortfolioList, CommandError> {
    let mut portfolios: Vec<PortfolioEntry> =
        state.demo_listings().await?.iter().map(PortfolioEntry::demo).collect();
    let saved = state.profiles()?.list().map_err(gatehouse_core::Error::from)?;
    portfolios.extend(saved.iter().map(PortfolioEntry::saved));
    Ok(PortfolioList { active_id: state.active_id(), portfolios })
}

/// Opens another portfolio; the screens reload from it.
pub async fn switch_portfolio(state: &AppState, id: String) -> Result<(), CommandError> {
    open(state, &id).await?;
    state.set_active(&id);
    Ok(())
}

/// A portfolio by id: a demo one, one opened before, or a saved one opened now with its
/// secrets from the keyring.
pub async fn open(state: &AppState, id: &str) -> Result<Arc<Portfolio>, CommandError> {
    if let Some(portfolio) = state.known(id).await? {
        return Ok(portfolio);
    }
    if id.starts_with(DEMO_PREFIX) {
        return Err(CommandFailure::PortfolioNotFound { id: id.to_owned() }.into());
    }
    let profile = state.profiles()?.get(id).map_err(gatehouse_core::Error::from)?;
    let secrets =
        profiles::load_secrets(state.secrets()?, id).await.map_err(gatehouse_core::Error::from)?;
    let confirmed =
        state.confirmed_graph_url(id).filter(|url| profile.base_url.as_ref() == Some(url));
    let portfolio = Arc::new(state.profiles()?.open(&profile, &secrets, confirmed.as_deref())?);
    state.remember(id, portfolio.clone());
    Ok(portfolio)
}

/// Checks typed credentials against Meta without saving anything.
pub async fn check_connection(
    state: &AppState,
    form: ConnectForm,
) -> Result<ConnectionReport, CommandError> {
    let (request, secrets) = form.into_request(state).await?;
    Ok(gatehouse_core::connect::check_connection(&request, &secrets).await?)
}

/// Adds the form's app to the form's business (the fix the check offers when the business does
/// not own it), without saving anything.
pub async fn claim_app_for_connection(
    state: &AppState,
    form: ConnectForm,
) -> Result<AppClaim, CommandError> {
    let (request, secrets) = form.into_request(state).await?;
    Ok(gatehouse_core::connect::claim_app(&request, &secrets).await?)
}

/// Checks again, then saves: metadata in the config directory, secrets in the OS keyring. The
/// new portfolio becomes the open one.
pub async fn save_portfolio(
    state: &AppState,
    form: ConnectForm,
) -> Result<PortfolioEntry, CommandError> {
    let (profile, secrets) = form.into_parts(state.graph_url().await?);
    let added =
        profiles::add_profile(state.profiles()?, state.secrets()?, profile, &secrets).await?;
    let entry = PortfolioEntry::saved(&added.profile);
    open(state, &entry.id).await?;
    state.set_active(&entry.id);
    Ok(entry)
}

/// The person confirmed, after reading it, that saved portfolio `id` may send its tokens to
/// `url` (not Meta's) for this session: `url` must be the one the profile holds, so a changed
/// file asks again.
pub async fn confirm_graph_url(
    state: &AppState,
    id: String,
    url: String,
) -> Result<PortfolioEntry, CommandError> {
    let profile = state.profiles()?.get(&id).map_err(gatehouse_core::Error::from)?;
    if profile.base_url.as_deref() != Some(url.as_str()) {
        return Err(gatehouse_core::Error::from(ProfileError::GraphUrlUnconfirmed {
            profile: id,
            url: profile.base_url.unwrap_or_default(),
        })
        .into());
    }
    state.confirm_graph_url(&id, url);
    Ok(PortfolioEntry::saved(&profile))
}

/// Removes a saved portfolio and its keyring entries. The demo opens when it was the open one.
pub async fn remove_portfolio(state: &AppState, id: String) -> Result<(), CommandError> {
    profiles::remove_profile(state.profiles()?, state.secrets()?, &id)
        .await
        .map_err(gatehouse_core::Error::from)?;
    state.forget(&id);
    if state.active_id() == id {
        state.set_active(DEMO_ID);
    }
    Ok(())
}
