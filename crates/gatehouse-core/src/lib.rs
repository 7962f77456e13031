//! Gatehouse workflows: the product's verbs (connect a portfolio, look at its system users, …)
//! over the typed Graph client, shared by the desktop app and the CLI. No Tauri here.
//!
//! - [`Portfolio`]: one connected business portfolio (a Graph session plus what we know of it).
//!
//! Demo mode (the emulator in-process) is the `gatehouse-demo` crate, so this one never links
//! the emulator except in its tests.

pub mod access;
pub mod audit;
mod business;
pub mod clipboard;
pub mod compat;
pub mod connect;
pub mod drift;
mod error;
pub mod inventory;
pub mod jobs;
pub mod least_privilege;
pub mod login;
pub mod matrix;
pub mod obo;
pub mod permissions;
mod portfolio;
pub mod profiles;
pub mod rescue;
pub mod store;
mod system_users;
mod tokens;

pub use access::{
    asset_kinds, kind_words, target_id, AccessCount, AccessLevel, AccessLoss, AppRef,
    AssetKindInfo, AssetRow, AssignedAsset, ChangeReview, KindSummary, SystemUserAccess, TaskInfo,
};
pub use business::{TwoFactor, Verification};
pub use clipboard::{ClearAfterSecs, CopyReceipt, SecretClipboard, CLEAR_AFTER};
pub use compat::{ChainedPaging, CompatReport, ProbeResult, ProbeStatus};
pub use error::{Error, Result};
pub use permissions::{scope_catalog, AppChoice, ScopeCatalog, ScopeGroup, ScopeInfo, ScopePreset};
pub use portfolio::{
    AccessTier, AppClaim, AppClaimStatus, Portfolio, PortfolioKind, PortfolioOverview, Quota, Role,
    SystemUserSummary,
};
pub use system_users::{role_choices, CreatedSystemUser, NewRole, RoleChoice};
pub use tokens::{
    parse_scopes, CheckId, ExpiryChoice, ExpiryState, GeneratedToken, Preflight, PreflightCheck,
    Revoked, ScopeTargets, StepInfo, TokenExpiry, TokenKind, TokenReport, TokenStep,
};
