//! Gatehouse workflows: the product's verbs (connect a portfolio, look at its system users, …)
//! over the typed Graph client, shared by the desktop app and the CLI. No Tauri here.
//!
//! - [`Portfolio`]: one connected business portfolio (a Graph session plus what we know of it).
//! - [`demo`]: the sample portfolio served by the in-process emulator, for first runs and tries.

pub mod connect;
pub mod demo;
mod error;
mod portfolio;
pub mod profiles;
mod system_users;
mod tokens;

pub use error::{Error, Result};
pub use portfolio::{Portfolio, PortfolioKind, PortfolioOverview, Quota, SystemUserSummary};
pub use system_users::{CreatedSystemUser, NewRole};
pub use tokens::{
    parse_scopes, GeneratedToken, Preflight, PreflightCheck, Revoked, ScopeTargets, TokenExpiry,
    TokenReport, TokenStep,
};
