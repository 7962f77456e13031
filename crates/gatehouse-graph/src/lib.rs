//! Gatehouse's typed client for Meta's Graph API: business portfolios, their assets, system
//! users, asset assignments with typed tasks, app installs and tokens.
//!
//! - [`GraphClient`] holds one hardened HTTP client (timeouts, HTTPS only except loopback, no
//!   cross-host redirects), the retry and pacing policies and an event sink.
//! - [`Session`] adds [`Credentials`] (a [`Secret`] token and, when known, the app secret for
//!   `appsecret_proof`) and has one method per endpoint.
//! - Listings are [`Paged`] streams with [`Progress`]; many assignments go through batches
//!   ([`Session::assign_many`]).
//! - Every failure is one [`GraphError`] with a stable [`GraphError::code`], an explanation, a
//!   fix and the Graph details.
//!
//! ```no_run
//! # async fn demo() -> Result<(), gatehouse_graph::GraphError> {
//! use gatehouse_graph::{ClientConfig, Credentials, GraphClient, Secret};
//! let client = GraphClient::new(ClientConfig::with_base_url("http://127.0.0.1:8080"))?;
//! let session = client.session(Credentials::token(Secret::new("EAAB...".into())));
//! let me = session.me().await?;
//! println!("{}", me.id);
//! # Ok(()) }
//! ```

mod api;
mod auth;
mod batch;
mod clock;
mod config;
mod endpoints;
mod error;
mod events;
mod models;
mod paging;
mod scopes;
mod tasks;
mod transport;
mod usage;

#[cfg(test)]
mod properties;

pub use api::{
    Assignment, ChainedPagingProbe, CreateReconciliation, ListOptions, NewSystemUserRole, Session,
    TokenRequest, Unassignment,
};
pub use auth::{appsecret_proof, Credentials};
pub use batch::{BatchItemResult, MAX_BATCH};
pub use clock::{Clock, Sleep, SystemClock, VirtualClock};
pub use config::{
    is_loopback_base_url, is_meta_base_url, ApiVersion, BatchPolicy, ClientConfig, PacingPolicy,
    PagingMode, RetryPolicy, SecretParams,
};
pub use endpoints::{Endpoint, HttpMethod, NodeType, GENERIC_PARAMS};
pub use error::{
    system_user_quota, ErrorDetails, ErrorReport, GraphError, RateLimitScope, TokenProblem,
    UnsafeOperation,
};
pub use events::{EventSink, GraphEvent, WaitReason};
pub use gatehouse_secrets::Secret;
pub use models::{
    Asset, AssignedUser, Business, BusinessUser, ClaimStatus, DebugTokenError, Expiry,
    GranularScope, IssuedToken, ManagedBusiness, Me, NodeRef, PageAccount, SystemUser,
    SystemUserRole, TokenInfo, TokenType,
};
pub use paging::{Page, Paged, Progress};
pub use scopes::Scope;
pub use tasks::{
    AdAccountTask, AssetKind, CatalogTask, InstagramTask, PageTask, PixelTask, Relation, Task,
    TaskList, TaskSet, WhatsappTask,
};
pub use transport::GraphClient;
pub use usage::{BusinessUseCaseUsage, Usage};
