//! The agency console: every portfolio Gatehouse knows with its tokens' state (from the
//! inventory, no call to Meta), and each one's drift checked on demand (its access matrix read
//! fresh, `gatehouse_core::drift`), without switching the open portfolio.

use gatehouse_core::drift::{drift, DriftFinding};
use gatehouse_core::inventory::{InventoryToken, TokenState, DEFAULT_WARN_DAYS};
use serde::Serialize;
use specta::Type;

use crate::clients::ClientBusiness;
use crate::matrix::MatrixProgress;
use crate::portfolios::PortfolioEntry;
use crate::{AppState, CommandError};

/// One portfolio of the console.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ConsoleRow {
    pub portfolio: PortfolioEntry,
    /// Tokens Gatehouse knows of that still work.
    pub tokens_working: u32,
    pub tokens_expiring_soon: u32,
    pub tokens_expired: u32,
    /// Client businesses it linked through Gatehouse (On Behalf Of), named when Gatehouse knows
    /// them.
    pub clients: Vec<ClientBusiness>,
}

/// What a drift check found in one portfolio.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DriftReport {
    pub portfolio_id: String,
    pub findings: Vec<DriftFinding>,
    /// The matrix's summary ("2,455 assets, 2 system users (1 admin). …").
    pub summary: String,
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Every portfolio (saved and demo) with its tokens' state; local only.
pub async fn agency_console(state: &AppState) -> Result<Vec<ConsoleRow>, CommandError> {
    let list = crate::portfolios::list_portfolios(state).await?;
    let store = state.store().await?;
    let tokens = store
        .token_inventory(None, now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    let mut clients = Vec::with_capacity(list.portfolios.len());
    for p in &list.portfolios {
        let ids = gatehouse_core::obo::linked_clients(store, &p.id)
            .map_err(gatehouse_core::Error::from)?;
        clients.push(crate::clients::named_clients(&ids, &list.portfolios));
    }
    Ok(list
        .portfolios
        .clone()
        .into_iter()
        .zip(clients)
        .map(|(portfolio, clients)| {
            let mine = tokens.iter().filter(|t| t.portfolio_id == portfolio.id);
            let count = |f: &dyn Fn(TokenState) -> bool| {
                u32::try_from(mine.clone().filter(|t| f(t.state)).count()).unwrap_or(u32::MAX)
            };
            ConsoleRow {
                tokens_working: count(&|s| !s.is_dead()),
                tokens_expiring_soon: count(&|s| s == TokenState::ExpiresSoon),
                tokens_expired: count(&|s| s == TokenState::Expired),
                portfolio,
                clients,
            }
        })
        .collect())
}

/// Reads portfolio `id`'s access matrix (with progress) and its inventory, and says what drifted.
/// The open portfolio stays open.
pub async fn check_drift(
    state: &AppState,
    id: String,
    on_progress: impl Fn(MatrixProgress) + Send + Sync,
) -> Result<DriftReport, CommandError> {
    let portfolio = crate::portfolios::open(state, &id).await?;
    let matrix =
        portfolio.access_matrix(|done, total| on_progress(MatrixProgress { done, total })).await?;
    let tokens = daily_tokens(state, &id).await?;
    Ok(DriftReport { findings: drift(&matrix, &tokens), summary: matrix.summary, portfolio_id: id })
}

/// Portfolio `id`'s inventory without the token Gatehouse itself works with there: the
/// portfolio's own admin token (Gatehouse set it up, say) is not an admin used for daily work.
pub(crate) async fn daily_tokens(
    state: &AppState,
    id: &str,
) -> Result<Vec<InventoryToken>, CommandError> {
    let mut tokens = state
        .store()
        .await?
        .token_inventory(Some(id), now(), DEFAULT_WARN_DAYS)
        .map_err(gatehouse_core::Error::from)?;
    if !id.starts_with(crate::state::DEMO_PREFIX) {
        if let Ok(secrets) = gatehouse_core::profiles::load_secrets(state.secrets()?, id).await {
            let own = gatehouse_core::audit::Fingerprint::of(&secrets.admin_token);
            tokens.retain(|t| t.fingerprint != own);
        }
    }
    Ok(tokens)
}
