//! The demo portfolio: Meta's API emulated in-process on 127.0.0.1 with a sample agency
//! portfolio, so a new user can try every step without a Meta account. Nothing leaves the
//! computer.

use gatehouse_emulator::{Emulator, EmulatorConfig, Fixture, RunningEmulator};
use gatehouse_graph::{ClientConfig, Credentials, GraphClient, Secret};

use crate::{Error, Portfolio, PortfolioKind, Result};

/// The running emulator and the portfolio connected to it. Dropping it stops the emulator.
pub struct DemoPortfolio {
    emulator: RunningEmulator,
    portfolio: Portfolio,
}

impl std::fmt::Debug for DemoPortfolio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoPortfolio").field("url", &self.emulator.url()).finish_non_exhaustive()
    }
}

/// Starts the emulator with the demo fixture and connects to its main business as its admin
/// system user. Must run inside a tokio runtime.
pub async fn start() -> Result<DemoPortfolio> {
    let emulator = Emulator::start(EmulatorConfig::new(Fixture::demo()))
        .await
        .map_err(|e| Error::DemoUnavailable(e.to_string()))?;
    let manifest = emulator.manifest();
    let business = manifest
        .businesses
        .first()
        .ok_or_else(|| Error::DemoUnavailable("the demo fixture has no business".into()))?;
    let token = business.admin_token.clone().ok_or_else(|| {
        Error::DemoUnavailable("the demo business has no admin system user".into())
    })?;
    let credentials = match business.apps.first() {
        Some(app) => {
            Credentials::with_app_secret(Secret::new(token), Secret::new(app.secret.clone()))
        }
        None => Credentials::token(Secret::new(token)),
    };
    let client = GraphClient::new(ClientConfig::with_base_url(emulator.url()))?;
    let mut portfolio =
        Portfolio::new(PortfolioKind::Demo, business.id.clone(), client.session(credentials));
    if let Some(quota) = business.system_user_quota {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        portfolio = portfolio.with_allowance(clamp(quota.regular), clamp(quota.admin));
    }
    Ok(DemoPortfolio { emulator, portfolio })
}

impl DemoPortfolio {
    pub fn portfolio(&self) -> &Portfolio {
        &self.portfolio
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
