//! Demo mode: Meta's API emulated in-process on 127.0.0.1 with a sample agency portfolio, so a
//! new user can try every step without a Meta account. Nothing leaves the computer.
//!
//! Also the compatibility check's reference: the same probes answered by a throwaway emulator.

use std::sync::Arc;

use gatehouse_emulator::{
    Emulator, EmulatorConfig, Fixture, Manifest, ManifestApp, ManifestBusiness, RunningEmulator,
};
use gatehouse_graph::{ClientConfig, Credentials, GraphClient, Secret};

use gatehouse_core::{CompatReport, Error, Portfolio, PortfolioKind, Result};

/// The running emulator and the portfolios connected to it. Dropping it stops the emulator.
pub struct DemoPortfolio {
    emulator: RunningEmulator,
    /// The agency first, then each client business that has an admin system user or an app to
    /// claim.
    portfolios: Vec<DemoEntry>,
}

/// One demo business the app can open.
#[derive(Debug, Clone)]
pub struct DemoEntry {
    /// As in [`DemoListing::id`].
    pub id: String,
    pub label: String,
    pub portfolio: Arc<Portfolio>,
}

impl std::fmt::Debug for DemoPortfolio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoPortfolio").field("url", &self.emulator.url()).finish_non_exhaustive()
    }
}

/// A demo business as listed before the demo is opened (nothing is started for a list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoListing {
    /// `demo:agency` for the agency, `demo:client-N` for its clients. The colon keeps them apart
    /// from saved profiles, whose ids are slugs.
    pub id: String,
    pub label: String,
    pub business_id: String,
}

/// What the demo opens for one business of the fixture: as whom, with which app.
struct Planned<'m> {
    listing: DemoListing,
    token: String,
    app: Option<&'m ManifestApp>,
    business: &'m ManifestBusiness,
}

fn config() -> EmulatorConfig {
    EmulatorConfig::new(Fixture::demo())
}

/// Each business that has an admin system user is opened as that admin: the agency first (with
/// its own app), then its clients (one of them on the Limited tier, so the system-user limit can
/// be tried). A client that owns no app but whose admin develops one is opened as that person
/// with the unclaimed app, so claiming an app can be tried too.
fn plan(manifest: &Manifest) -> Vec<Planned<'_>> {
    let mut planned = Vec::new();
    for (i, business) in manifest.businesses.iter().enumerate() {
        let (token, app) = match (&business.admin_token, &business.user_token) {
            (Some(admin), _) => (admin.clone(), business.apps.first()),
            (None, Some(person)) if business.apps.is_empty() => {
                let Some(app) = business.developer_apps.first() else { continue };
                (person.clone(), Some(app))
            }
            _ => continue,
        };
        let id =
            if planned.is_empty() { "demo:agency".to_owned() } else { format!("demo:client-{i}") };
        let listing =
            DemoListing { id, label: business.name.clone(), business_id: business.id.clone() };
        planned.push(Planned { listing, token, app, business });
    }
    planned
}

/// The demo businesses, worked out from the fixture without starting the emulator (so a person
/// who works in a real portfolio never pays for the demo's server).
pub fn listings() -> Result<Vec<DemoListing>> {
    let manifest = Emulator::plan(&config()).map_err(|e| Error::DemoUnavailable(e.to_string()))?;
    Ok(plan(&manifest).into_iter().map(|p| p.listing).collect())
}

/// Starts the emulator with the demo fixture and connects to each business [`plan`] opens.
/// Must run inside a tokio runtime.
pub async fn start() -> Result<DemoPortfolio> {
    let emulator =
        Emulator::start(config()).await.map_err(|e| Error::DemoUnavailable(e.to_string()))?;
    let client = GraphClient::new(ClientConfig::with_base_url(emulator.url()))?;
    let mut portfolios = Vec::new();
    for Planned { listing, token, app, business } in plan(emulator.manifest()) {
        let credentials = match app {
            Some(app) => {
                Credentials::with_app_secret(Secret::new(token), Secret::new(app.secret.clone()))
            }
            None => Credentials::token(Secret::new(token)),
        };
        let mut portfolio = Portfolio::new(
            PortfolioKind::Demo,
            listing.business_id.clone(),
            client.session(credentials),
        );
        if let Some(app) = app {
            portfolio = portfolio.with_app(app.id.clone());
        }
        if let Some(quota) = business.system_user_quota {
            let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            portfolio = portfolio.with_allowance(clamp(quota.regular), clamp(quota.admin));
        }
        portfolios.push(DemoEntry {
            id: listing.id,
            label: listing.label,
            portfolio: Arc::new(portfolio),
        });
    }
    if portfolios.is_empty() {
        return Err(Error::DemoUnavailable("the demo business has no admin system user".into()));
    }
    Ok(DemoPortfolio { emulator, portfolios })
}

impl DemoPortfolio {
    /// The agency's portfolio, the one a first run opens.
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolios[0].portfolio
    }

    /// Every demo business that can be opened, the agency first.
    pub fn portfolios(&self) -> &[DemoEntry] {
        &self.portfolios
    }

    /// The emulator itself: tests inject faults and read its request log through it.
    pub fn emulator(&self) -> &RunningEmulator {
        &self.emulator
    }

    /// The emulator's base URL (loopback).
    pub fn url(&self) -> &str {
        self.emulator.url()
    }
}

/// The compatibility check (`gatehouse doctor`, Settings → Check compatibility): `portfolio`'s
/// answers compared with a throwaway demo's, started for the check and stopped after it.
pub async fn compatibility_check(portfolio: &Portfolio) -> Result<CompatReport> {
    let reference = start().await?;
    gatehouse_core::compat::check(portfolio, reference.portfolio()).await
}
