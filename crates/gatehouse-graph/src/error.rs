//! One error type for everything the client can fail with, shaped for the UI and the CLI: a
//! stable [`GraphError::code`], a plain-language [`GraphError::explanation`], what to do next
//! ([`GraphError::fix`]) and the raw Graph details ([`ErrorDetails`]) for a "details" disclosure.
//!
//! [`GraphError::from_api`] maps every code of the spec's §8.2 table to a variant.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;

use crate::scopes::Scope;

use gatehouse_errors::{ErrorCode, Explain, Surface};

/// The raw facts of a Graph error, kept for support and for a "details" disclosure.
///
/// Never contains a token: Graph error messages do not echo tokens, and the client never puts a
/// token in a URL that could be echoed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErrorDetails {
    /// HTTP status of the response (or of the batch item).
    pub http_status: Option<u16>,
    /// Graph `code`.
    pub graph_code: Option<i64>,
    /// Graph `error_subcode`.
    pub graph_subcode: Option<i64>,
    /// Graph `type`, such as `OAuthException`.
    pub error_type: Option<String>,
    /// Graph `message` (English, for developers; never branch on it where a code exists).
    pub message: String,
    /// `error_user_title`: localized, meant for the user.
    pub user_title: Option<String>,
    /// `error_user_msg`: localized, meant for the user.
    pub user_message: Option<String>,
    /// Support ID; expires soon after the error.
    pub fbtrace_id: Option<String>,
    /// Graph `is_transient`.
    pub is_transient: bool,
}

impl ErrorDetails {
    /// Details of an error that did not come from Graph (network, configuration).
    pub fn local(message: impl Into<String>) -> Self {
        Self { message: message.into(), ..Self::default() }
    }

    /// Parses the `{"error": {...}}` envelope (spec §8.1). `None` when `body` has none.
    pub fn from_envelope(http_status: Option<u16>, body: &Value) -> Option<Self> {
        let err = body.get("error")?;
        // A bare string error (`{"error": "..."}`) is seen on some OAuth endpoints.
        if let Some(message) = err.as_str() {
            return Some(Self { http_status, message: message.to_owned(), ..Self::default() });
        }
        let obj = err.as_object()?;
        let int = |key: &str| obj.get(key).and_then(as_i64);
        let string = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(Self {
            http_status,
            graph_code: int("code"),
            graph_subcode: int("error_subcode"),
            error_type: string("type"),
            message: string("message").unwrap_or_default(),
            user_title: string("error_user_title"),
            user_message: string("error_user_msg"),
            fbtrace_id: string("fbtrace_id"),
            is_transient: obj.get("is_transient").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

/// Numbers that arrive as JSON numbers or numeric strings.
pub(crate) fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// Why a token is no longer usable (code 190 and friends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenProblem {
    /// 190/460: the password of the person who created the token changed.
    PasswordChanged,
    /// 190/459: the account is checkpointed; a person must log in to facebook.com.
    Checkpointed,
    /// 190/464: the account is unconfirmed.
    Unconfirmed,
    /// 190/467 or 190 without subcode: invalid, revoked, invalidated or malformed.
    Invalid,
    /// 102 or 452: the API session is invalid.
    SessionInvalid,
    /// 104 "An access token is required to request this resource.": none reached Meta.
    Missing,
}

/// Which limit a throttle came from (spec §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "graph_code")]
pub enum RateLimitScope {
    /// 4 or 341: the app's platform limit.
    App,
    /// 17: the user's limit.
    User,
    /// 32: a Page's limit.
    Page,
    /// 613: custom limit, such as too many calls from one ad account.
    Custom,
    /// 80000-80014: a Business Use Case limit (the code names the use case).
    BusinessUseCase(i64),
    /// HTTP 429 without a Graph code.
    Http,
}

impl RateLimitScope {
    /// The Business Use Case named by a throttle code (spec §9.3).
    // UNCONFIRMED: the codes above 80005 (spec §12 item 13).
    pub fn use_case(self) -> Option<&'static str> {
        match self {
            RateLimitScope::BusinessUseCase(code) => Some(match code {
                80000 => "ads_insights",
                80001 => "pages",
                80002 => "instagram",
                80003 => "custom_audience",
                80004 => "ads_management",
                80005 => "leadgen",
                80006 => "messenger",
                80008 => "whatsapp_business_management",
                80009 | 80014 => "catalog_management",
                _ => "business_use_case",
            }),
            _ => None,
        }
    }
}

/// A write whose outcome is unknown: the request may or may not have taken effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum UnsafeOperation {
    /// `POST /{business}/system_users`. Reconcile with
    /// [`crate::Session::reconcile_system_user_create`].
    CreateSystemUser { business_id: String, name: String },
    /// `POST /{system-user}/access_tokens`: a token may have been issued and will never be shown.
    GenerateToken { system_user_id: String, app_id: String },
    /// `oauth/access_token` refresh: a new token may have been issued; the old one still works.
    RefreshToken { app_id: String },
    /// OBO `POST /{client-business}/access_token`: a client system user and token may exist.
    ClientAccessToken { client_business_id: String, app_id: String },
    /// OBO `POST /{partner}/managed_businesses`.
    CreateManagedBusiness { partner_business_id: String },
    /// Any other non-idempotent call.
    Other { description: String },
}

/// Everything that can go wrong talking to the Graph API.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GraphError {
    /// 190/463: the token expired.
    #[error("the access token has expired")]
    TokenExpired { details: Box<ErrorDetails> },
    /// 190 (other subcodes), 102, 452: the token cannot be used any more.
    #[error("the access token is not valid ({problem:?})")]
    TokenInvalid { problem: TokenProblem, details: Box<ErrorDetails> },
    /// 3, 10, 200-299: the token or its owner lacks a permission.
    #[error("missing permission{}", permission.as_deref().map(|p| format!(" {p}")).unwrap_or_default())]
    MissingPermission { permission: Option<String>, details: Box<ErrorDetails> },
    /// 100/33, 190/492: the object does not exist or is not assigned to the caller.
    #[error("the object does not exist or is not assigned to this user")]
    AssetNotAssigned { details: Box<ErrorDetails> },
    /// 3949 / 3965: the business reached its (admin) system-user limit.
    #[error("the business has reached its {}system-user limit", if *admin { "admin " } else { "" })]
    SystemUserLimit {
        /// `true` for the admin-system-user limit (3965).
        admin: bool,
        /// The app's Marketing API access tier (`Limited`/`Full`) when known.
        tier: Option<String>,
        /// How many system users of this kind the business may have, when known.
        limit: Option<u32>,
        /// How many it has, when known.
        current: Option<u32>,
        details: Box<ErrorDetails>,
    },
    /// 104001: the business owns no app, so it cannot have system users.
    #[error("the business has no app")]
    AppMissing { details: Box<ErrorDetails> },
    /// 190/458 (or a message saying so): the app is not installed for this (system) user.
    #[error("the app is not installed for this user")]
    AppNotInstalled { details: Box<ErrorDetails> },
    /// 415: two-factor authentication is required.
    #[error("two-factor authentication is required")]
    TwoFactorRequired { details: Box<ErrorDetails> },
    /// The business must be verified first (detected from the message; no code of its own).
    #[error("business verification is required")]
    BusinessNotVerified { details: Box<ErrorDetails> },
    /// 104, or 100 about `appsecret_proof`: the app secret does not match the app.
    #[error("the app secret proof was rejected")]
    AppSecretProofRejected { details: Box<ErrorDetails> },
    /// 100, 110, 413, 506, 2500, 2620, 3962, 100/1752129: the request is invalid.
    #[error("invalid input{}", field.as_deref().map(|f| format!(" ({f})")).unwrap_or_default())]
    InvalidInput { field: Option<String>, details: Box<ErrorDetails> },
    /// 2635: the API version is deprecated.
    #[error("the API version is deprecated")]
    ApiVersionDeprecated { details: Box<ErrorDetails> },
    /// 3936, 3944, 3977, 3979, 3980, 3982, 3994, 42001: claiming or sharing an asset failed.
    #[error("the asset claim was rejected")]
    AssetClaimRejected { details: Box<ErrorDetails> },
    /// 4, 17, 32, 341, 613, 80000-80014, HTTP 429: throttled.
    #[error("rate limited{}", until.map(|t| format!(" until {}", unix_secs(t))).unwrap_or_default())]
    RateLimited { scope: RateLimitScope, until: Option<SystemTime>, details: Box<ErrorDetails> },
    /// 368: temporarily blocked for policy reasons ("going too fast").
    #[error("temporarily blocked by Meta")]
    Blocked { details: Box<ErrorDetails> },
    /// 1, 2, 3919, HTTP 5xx: Meta's side failed; retried where safe, then given up.
    #[error("the Graph API is temporarily unavailable")]
    ServiceUnavailable { details: Box<ErrorDetails> },
    /// Connection refused, reset, DNS, TLS.
    #[error("network error: {message}")]
    Network { message: String },
    /// A safe (read) request timed out, retries included.
    #[error("the request timed out: {message}")]
    Timeout { message: String },
    /// A non-idempotent write failed in a way that leaves its outcome unknown (timeout or
    /// connection lost after sending). Never retried blindly.
    #[error("the outcome of {operation:?} is unknown: {cause}")]
    OutcomeUnknown { operation: UnsafeOperation, cause: String },
    /// The server answered something the client cannot use (not JSON, a foreign `paging.next`,
    /// a redirect, a missing field).
    #[error("unexpected response: {message}")]
    UnexpectedResponse { status: Option<u16>, message: String },
    /// The client configuration or a caller-supplied value is unusable (before any request).
    #[error("invalid configuration: {message}")]
    InvalidConfig { message: String },
    /// Any other Graph error.
    #[error("Graph API error {}", details.graph_code.map(|c| c.to_string()).unwrap_or_else(|| "?".into()))]
    Unknown { details: Box<ErrorDetails> },
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl GraphError {
    pub(crate) fn invalid_config(message: impl Into<String>) -> Self {
        GraphError::InvalidConfig { message: message.into() }
    }

    pub(crate) fn unexpected(status: Option<u16>, message: impl Into<String>) -> Self {
        GraphError::UnexpectedResponse { status, message: message.into() }
    }

    /// A locally detected invalid input, before any request is sent.
    pub fn invalid_input(field: &str, message: impl Into<String>) -> Self {
        GraphError::InvalidInput {
            field: Some(field.to_owned()),
            details: Box::new(ErrorDetails::local(message)),
        }
    }

    /// Maps an error response (HTTP status + JSON body) to a variant. Covers every code in the
    /// spec's §8.2 table; anything else is [`GraphError::Unknown`] (or
    /// [`GraphError::ServiceUnavailable`] for HTTP 5xx).
    pub fn from_api(http_status: u16, body: &Value) -> GraphError {
        let Some(details) = ErrorDetails::from_envelope(Some(http_status), body) else {
            let message = match body {
                Value::Null => format!("HTTP {http_status} without a body"),
                other => truncate(&other.to_string(), 300),
            };
            let details = Box::new(ErrorDetails {
                http_status: Some(http_status),
                message,
                ..ErrorDetails::default()
            });
            return match http_status {
                429 => {
                    GraphError::RateLimited { scope: RateLimitScope::Http, until: None, details }
                }
                500..=599 => GraphError::ServiceUnavailable { details },
                401 => GraphError::TokenInvalid { problem: TokenProblem::Invalid, details },
                403 => GraphError::MissingPermission { permission: None, details },
                _ => GraphError::Unknown { details },
            };
        };
        Self::from_details(details, body)
    }

    /// Maps parsed details (and the original body, for `error_data`).
    pub fn from_details(details: ErrorDetails, body: &Value) -> GraphError {
        let error_data = body.get("error").and_then(|e| e.get("error_data"));
        let lower = details.message.to_ascii_lowercase();
        let code = details.graph_code.unwrap_or(-1);
        let sub = details.graph_subcode;
        let details = Box::new(details);
        match code {
            // Transient: unknown error / service temporarily unavailable.
            1 | 2 => GraphError::ServiceUnavailable { details },
            3 | 10 => {
                if mentions_verification(&lower) {
                    GraphError::BusinessNotVerified { details }
                } else if code == 10 && sub == Some(1341012) {
                    // SEC troubleshooting notes: a Page that was not assigned.
                    GraphError::AssetNotAssigned { details }
                } else {
                    let permission = permission_in(&details.message);
                    GraphError::MissingPermission { permission, details }
                }
            }
            4 | 341 => GraphError::RateLimited { scope: RateLimitScope::App, until: None, details },
            17 => GraphError::RateLimited { scope: RateLimitScope::User, until: None, details },
            32 => GraphError::RateLimited { scope: RateLimitScope::Page, until: None, details },
            613 => GraphError::RateLimited { scope: RateLimitScope::Custom, until: None, details },
            80000..=80014 => GraphError::RateLimited {
                scope: RateLimitScope::BusinessUseCase(code),
                until: None,
                details,
            },
            100 => {
                if sub == Some(33) {
                    GraphError::AssetNotAssigned { details }
                } else if lower.contains("appsecret_proof") {
                    GraphError::AppSecretProofRejected { details }
                } else if sub == Some(1752129) {
                    GraphError::InvalidInput { field: Some("tasks".into()), details }
                } else if lower.contains("not installed") || lower.contains("has not installed") {
                    // UNCONFIRMED (spec §12 item 2): the code for "app not installed before token
                    // generation"; recognised by its message.
                    GraphError::AppNotInstalled { details }
                } else {
                    let field = field_in(&details.message, error_data);
                    GraphError::InvalidInput { field, details }
                }
            }
            102 | 452 => {
                GraphError::TokenInvalid { problem: TokenProblem::SessionInvalid, details }
            }
            // 104 is "An access token is required…" (several live captures); REF-BSU also lists
            // 104 "Incorrect signature", which is about the proof.
            104 if lower.contains("signature") || lower.contains("appsecret") => {
                GraphError::AppSecretProofRejected { details }
            }
            104 => GraphError::TokenInvalid { problem: TokenProblem::Missing, details },
            110 => GraphError::InvalidInput { field: Some("user".into()), details },
            190 => match sub {
                Some(463) => GraphError::TokenExpired { details },
                Some(458) => GraphError::AppNotInstalled { details },
                Some(459) => {
                    GraphError::TokenInvalid { problem: TokenProblem::Checkpointed, details }
                }
                Some(460) => {
                    GraphError::TokenInvalid { problem: TokenProblem::PasswordChanged, details }
                }
                Some(464) => {
                    GraphError::TokenInvalid { problem: TokenProblem::Unconfirmed, details }
                }
                Some(492) => GraphError::AssetNotAssigned { details },
                _ if lower.contains("session has expired") || lower.contains("has expired") => {
                    GraphError::TokenExpired { details }
                }
                _ => GraphError::TokenInvalid { problem: TokenProblem::Invalid, details },
            },
            294 => GraphError::MissingPermission {
                permission: Some(
                    permission_in(&details.message).unwrap_or("ads_management".into()),
                ),
                details,
            },
            200..=299 => {
                if mentions_verification(&lower) {
                    GraphError::BusinessNotVerified { details }
                } else {
                    let permission = permission_in(&details.message);
                    GraphError::MissingPermission { permission, details }
                }
            }
            368 => GraphError::Blocked { details },
            413 => GraphError::InvalidInput { field: Some("password".into()), details },
            415 => GraphError::TwoFactorRequired { details },
            506 => GraphError::InvalidInput { field: None, details },
            2500 => GraphError::InvalidInput { field: Some("fields".into()), details },
            2620 => GraphError::InvalidInput { field: Some("tasks".into()), details },
            2635 => GraphError::ApiVersionDeprecated { details },
            3919 => GraphError::ServiceUnavailable { details },
            3936 | 3944 | 3977 | 3979 | 3980 | 3982 | 3994 | 42001 => {
                GraphError::AssetClaimRejected { details }
            }
            3949 | 3965 => {
                let (limit, current) = limit_numbers(&details.message, error_data);
                let tier = error_data
                    .and_then(|d| d.get("tier").or_else(|| d.get("access_tier")))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| tier_in(&lower));
                GraphError::SystemUserLimit { admin: code == 3965, tier, limit, current, details }
            }
            3962 => GraphError::InvalidInput { field: Some("scope".into()), details },
            104001 => GraphError::AppMissing { details },
            _ => match details.http_status {
                Some(429) => {
                    GraphError::RateLimited { scope: RateLimitScope::Http, until: None, details }
                }
                Some(500..=599) => GraphError::ServiceUnavailable { details },
                _ => GraphError::Unknown { details },
            },
        }
    }

    /// The Graph details, when the error came from Graph.
    pub fn details(&self) -> Option<&ErrorDetails> {
        match self {
            GraphError::TokenExpired { details }
            | GraphError::TokenInvalid { details, .. }
            | GraphError::MissingPermission { details, .. }
            | GraphError::AssetNotAssigned { details }
            | GraphError::SystemUserLimit { details, .. }
            | GraphError::AppMissing { details }
            | GraphError::AppNotInstalled { details }
            | GraphError::TwoFactorRequired { details }
            | GraphError::BusinessNotVerified { details }
            | GraphError::AppSecretProofRejected { details }
            | GraphError::InvalidInput { details, .. }
            | GraphError::ApiVersionDeprecated { details }
            | GraphError::AssetClaimRejected { details }
            | GraphError::RateLimited { details, .. }
            | GraphError::Blocked { details }
            | GraphError::ServiceUnavailable { details }
            | GraphError::Unknown { details } => Some(&**details),
            GraphError::Network { .. }
            | GraphError::Timeout { .. }
            | GraphError::OutcomeUnknown { .. }
            | GraphError::UnexpectedResponse { .. }
            | GraphError::InvalidConfig { .. } => None,
        }
    }

    /// `fbtrace_id`, for support.
    pub fn fbtrace_id(&self) -> Option<&str> {
        self.details().and_then(|d| d.fbtrace_id.as_deref())
    }

    /// Graph `code`, when the error came from Graph.
    pub fn graph_code(&self) -> Option<i64> {
        self.details().and_then(|d| d.graph_code)
    }

    /// Graph `error_subcode`.
    pub fn graph_subcode(&self) -> Option<i64> {
        self.details().and_then(|d| d.graph_subcode)
    }

    /// Whether trying the same request again later may succeed (throttling, Meta-side failures,
    /// network trouble). [`GraphError::OutcomeUnknown`] is not: it must be reconciled first.
    pub fn is_transient(&self) -> bool {
        match self {
            GraphError::RateLimited { .. }
            | GraphError::ServiceUnavailable { .. }
            | GraphError::Network { .. }
            | GraphError::Timeout { .. } => true,
            GraphError::Unknown { details } => details.is_transient,
            _ => false,
        }
    }

    /// Whether this is a throttling rejection: the request was refused before it was executed,
    /// so even a non-idempotent request may be sent again.
    pub fn is_throttle(&self) -> bool {
        matches!(self, GraphError::RateLimited { .. })
    }

    /// When access comes back, for [`GraphError::RateLimited`].
    pub fn rate_limited_until(&self) -> Option<SystemTime> {
        match self {
            GraphError::RateLimited { until, .. } => *until,
            _ => None,
        }
    }

    /// Fills what Meta's 3949/3965 message leaves out, from what the caller knows: the app's
    /// access tier (`Limited`/`Full`, see [`system_user_quota`]) and how many system users of
    /// that kind the business has. Values already known are kept. Other errors are unchanged.
    pub fn with_limit_context(mut self, access_tier: Option<&str>, existing: Option<u32>) -> Self {
        if let GraphError::SystemUserLimit { admin, tier, limit, current, .. } = &mut self {
            if tier.is_none() {
                *tier = access_tier.map(|t| normalize_tier(t).unwrap_or(t).to_owned());
            }
            if limit.is_none() {
                *limit = tier.as_deref().and_then(system_user_quota).map(|(regular, admins)| {
                    if *admin {
                        admins
                    } else {
                        regular
                    }
                });
            }
            if current.is_none() {
                *current = existing;
            }
        }
        self
    }

    pub(crate) fn with_until(mut self, at: SystemTime) -> Self {
        if let GraphError::RateLimited { until, .. } = &mut self {
            *until = Some(at);
        }
        self
    }

    /// A serializable summary for the UI and `--json` output.
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code(),
            message: self.to_string(),
            explanation: self.explanation(),
            transient: self.is_transient(),
            rate_limited_until_unix: self.rate_limited_until().map(unix_secs),
            details: self.details().cloned(),
        }
    }
}

/// `Limited` or `Full` for the tier names in use: the 2026 names, the old feature's names
/// (`standard`/`advanced`) and the `ads_api_access_tier` header values.
// UNCONFIRMED: the header still uses `development_access`/`standard_access` (spec §9.2); they are
// read as Limited/Full.
pub(crate) fn normalize_tier(t: &str) -> Option<&'static str> {
    match t.trim().to_ascii_lowercase().as_str() {
        "limited" | "limited access" | "standard" | "standard access" | "development_access" => {
            Some("Limited")
        }
        "full" | "full access" | "advanced" | "advanced access" | "standard_access" => Some("Full"),
        _ => None,
    }
}

/// System users a business may have for an app's Marketing API access tier (spec §7.1):
/// `(regular, admin)`: Limited 1 + 1, Full 10 + 1.
pub fn system_user_quota(tier: &str) -> Option<(u32, u32)> {
    match normalize_tier(tier)? {
        "Limited" => Some((1, 1)),
        _ => Some((10, 1)),
    }
}

/// [`GraphError::report`]: what the UI and the CLI show.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorReport {
    pub code: ErrorCode,
    pub message: String,
    pub explanation: String,
    pub transient: bool,
    pub rate_limited_until_unix: Option<u64>,
    pub details: Option<ErrorDetails>,
}

impl fmt::Display for ErrorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation)
    }
}

fn minutes_from_now(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO).as_secs().div_ceil(60)
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn mentions_verification(lower: &str) -> bool {
    lower.contains("business verification")
        || lower.contains("verify your business")
        || lower.contains("business must be verified")
        || lower.contains("business is not verified")
}

/// The permission a message names: a known scope (`ads_management`), a quoted word, a
/// "Requires X permission" phrase, or a business task ("requires that you can MANAGE_PERMISSIONS").
pub(crate) fn permission_in(message: &str) -> Option<String> {
    let words: Vec<&str> = message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(w) = words.iter().find(|w| Scope::parse(w).is_some()) {
        return Some((*w).to_owned());
    }
    for (i, w) in words.iter().enumerate() {
        let lw = w.to_ascii_lowercase();
        if (lw == "requires" || lw == "require") && i + 2 < words.len() {
            // "Requires X permission" / "requires that you can X".
            let next = words[i + 1];
            if words[i + 2].eq_ignore_ascii_case("permission")
                || words[i + 2].eq_ignore_ascii_case("permissions")
            {
                return Some(next.to_owned());
            }
            if next.eq_ignore_ascii_case("that")
                && i + 4 < words.len()
                && words[i + 2].eq_ignore_ascii_case("you")
                && words[i + 3].eq_ignore_ascii_case("can")
            {
                return Some(words[i + 4].to_owned());
            }
        }
    }
    None
}

/// The field an invalid-input message names.
pub(crate) fn field_in(message: &str, error_data: Option<&Value>) -> Option<String> {
    // error_data.blame_field_specs: [["field"]] or ["field"] (read by SDK-PY).
    if let Some(specs) = error_data.and_then(|d| d.get("blame_field_specs")) {
        let first = specs.get(0).map(|s| if s.is_array() { s.get(0) } else { Some(s) });
        if let Some(Some(Value::String(f))) = first {
            return Some(f.clone());
        }
    }
    let lower = message.to_ascii_lowercase();
    if lower.contains("nonexisting field") || lower.contains("error parsing graph query") {
        return Some("fields".into());
    }
    if lower.contains("cursor") {
        return Some("after".into());
    }
    let words: Vec<&str> = message
        .split(|c: char| c.is_whitespace() || c == ',' || c == ':' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let lw = w.to_ascii_lowercase();
        if (lw == "parameter" || lw == "param" || lw == "argument") && i + 1 < words.len() {
            let cand =
                words[i + 1].trim_matches(|c: char| c == '\'' || c == '"' || c == '`' || c == '.');
            let cand_l = cand.to_ascii_lowercase();
            if !cand.is_empty()
                && !["is", "was", "must", "value", "for", "of", "the"].contains(&cand_l.as_str())
                && cand
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '[' || c == ']')
            {
                return Some(cand.to_owned());
            }
        }
    }
    None
}

/// `(limit, current)` for a system-user-limit error, from `error_data` or the message.
// UNCONFIRMED: Meta's message carries no numbers ("has reached maximum number of system user
// limit"); an emulator or a future message may. Numbers are read from `error_data` (`limit`,
// `current`/`count`) or from "N of M" / "limit of M" in the message.
fn limit_numbers(message: &str, error_data: Option<&Value>) -> (Option<u32>, Option<u32>) {
    let num = |k: &str| {
        error_data.and_then(|d| d.get(k)).and_then(as_i64).and_then(|n| u32::try_from(n).ok())
    };
    let limit = num("limit").or_else(|| num("max"));
    let current = num("current").or_else(|| num("count"));
    if limit.is_some() {
        return (limit, current);
    }
    let stripped = message.trim_start_matches(|c: char| c != ')' && message.starts_with("(#"));
    let stripped = stripped.strip_prefix(')').unwrap_or(stripped);
    let words: Vec<&str> = stripped.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if w.eq_ignore_ascii_case("of") && i > 0 && i + 1 < words.len() {
            let a = words[i - 1].trim_matches(|c: char| !c.is_ascii_digit()).parse::<u32>().ok();
            let b = words[i + 1].trim_matches(|c: char| !c.is_ascii_digit()).parse::<u32>().ok();
            match (a, b) {
                (Some(c), Some(l)) => return (Some(l), Some(c)),
                (None, Some(l)) => return (Some(l), None),
                _ => {}
            }
        }
    }
    (None, None)
}

fn tier_in(lower: &str) -> Option<String> {
    if lower.contains("full access") || lower.contains("advanced access") {
        Some("Full".into())
    } else if lower.contains("limited access") || lower.contains("standard access") {
        Some("Limited".into())
    } else {
        None
    }
}

impl Explain for GraphError {
    /// A stable snake_case identifier for the UI, the CLI's `--json` output and tests.
    fn code(&self) -> ErrorCode {
        match self {
            GraphError::TokenExpired { .. } => ErrorCode::TokenExpired,
            GraphError::TokenInvalid { .. } => ErrorCode::TokenInvalid,
            GraphError::MissingPermission { .. } => ErrorCode::MissingPermission,
            GraphError::AssetNotAssigned { .. } => ErrorCode::AssetNotAssigned,
            GraphError::SystemUserLimit { .. } => ErrorCode::SystemUserLimit,
            GraphError::AppMissing { .. } => ErrorCode::AppMissing,
            GraphError::AppNotInstalled { .. } => ErrorCode::AppNotInstalled,
            GraphError::TwoFactorRequired { .. } => ErrorCode::TwoFactorRequired,
            GraphError::BusinessNotVerified { .. } => ErrorCode::BusinessNotVerified,
            GraphError::AppSecretProofRejected { .. } => ErrorCode::AppSecretProofRejected,
            GraphError::InvalidInput { .. } => ErrorCode::InvalidInput,
            GraphError::ApiVersionDeprecated { .. } => ErrorCode::ApiVersionDeprecated,
            GraphError::AssetClaimRejected { .. } => ErrorCode::AssetClaimRejected,
            GraphError::RateLimited { .. } => ErrorCode::RateLimited,
            GraphError::Blocked { .. } => ErrorCode::Blocked,
            GraphError::ServiceUnavailable { .. } => ErrorCode::ServiceUnavailable,
            GraphError::Network { .. } => ErrorCode::Network,
            GraphError::Timeout { .. } => ErrorCode::Timeout,
            GraphError::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            GraphError::UnexpectedResponse { .. } => ErrorCode::UnexpectedResponse,
            GraphError::InvalidConfig { .. } => ErrorCode::InvalidConfig,
            GraphError::Unknown { .. } => ErrorCode::Unknown,
        }
    }

    /// A plain-language explanation of what happened.
    fn explanation(&self) -> String {
        match self {
            GraphError::TokenExpired { .. } => {
                "The access token has expired. Meta no longer accepts it.".into()
            }
            GraphError::TokenInvalid { problem, .. } => match problem {
                TokenProblem::PasswordChanged => "The access token stopped working because the \
                    password of the person who created it changed."
                    .into(),
                TokenProblem::Checkpointed => "Meta has locked the account behind this token \
                    until someone logs in to facebook.com and completes a security check."
                    .into(),
                TokenProblem::Unconfirmed => {
                    "The account behind this token has not been confirmed yet.".into()
                }
                TokenProblem::Invalid => "Meta does not accept this access token: it is \
                    malformed, was revoked, or all tokens of its system user were invalidated."
                    .into(),
                TokenProblem::SessionInvalid => {
                    "The session of this access token is no longer valid.".into()
                }
                TokenProblem::Missing => {
                    "Meta received the request without an access token.".into()
                }
            },
            GraphError::MissingPermission { permission: Some(p), .. } => {
                format!("The token (or the person or system user it belongs to) lacks the {p} permission needed for this action.")
            }
            GraphError::MissingPermission { permission: None, .. } => "The token (or the person \
                or system user it belongs to) lacks a permission needed for this action."
                .into(),
            GraphError::AssetNotAssigned { .. } => "The object does not exist, or the system user \
                or token has not been given access to it. Meta does not say which, on purpose."
                .into(),
            GraphError::SystemUserLimit { admin, tier, limit, current, .. } => {
                let kind = if *admin { "admin system users" } else { "system users" };
                let mut s = format!("This business portfolio has reached its limit of {kind}");
                match (current, limit) {
                    (Some(c), Some(l)) => s.push_str(&format!(" ({c} of {l})")),
                    (None, Some(l)) => s.push_str(&format!(" ({l})")),
                    _ => {}
                }
                if let Some(t) = tier {
                    s.push_str(&format!(" for an app with {t} Marketing API access"));
                }
                s.push_str(". Limited access allows 1 system user and 1 admin system user; Full access allows 10 and 1.");
                s
            }
            GraphError::AppMissing { .. } => "The business portfolio does not own a Meta app. A \
                business needs an app of its own before it can have system users."
                .into(),
            GraphError::AppNotInstalled { .. } => {
                "The app is not installed for this system user, so it cannot get a token for it."
                    .into()
            }
            GraphError::TwoFactorRequired { .. } => {
                "This business requires two-factor authentication for this action.".into()
            }
            GraphError::BusinessNotVerified { .. } => {
                "Meta requires the business to be verified before this action.".into()
            }
            GraphError::AppSecretProofRejected { .. } => "Meta rejected the proof computed from \
                the app secret: the app secret does not belong to the app the token was made for, \
                or the app requires a proof and none was sent."
                .into(),
            // Found wrong before anything was sent: the check's own words.
            GraphError::InvalidInput { details, .. }
                if details.graph_code.is_none()
                    && details.http_status.is_none()
                    && !details.message.is_empty() =>
            {
                sentence(&details.message)
            }
            GraphError::InvalidInput { field: Some(f), details } if f == "tasks" && details.graph_subcode == Some(1752129) => {
                "Meta does not accept this combination of tasks for this asset.".into()
            }
            GraphError::InvalidInput { field: Some(f), .. } if f == "scope" => {
                "One of the permissions (scopes) asked for is not a valid permission name.".into()
            }
            GraphError::InvalidInput { field: Some(f), .. } => {
                format!("Meta rejected the value of \"{f}\".")
            }
            GraphError::InvalidInput { field: None, .. } => {
                "Meta rejected a value in the request.".into()
            }
            GraphError::ApiVersionDeprecated { .. } => {
                "The Graph API version in use is no longer supported for this call.".into()
            }
            GraphError::AssetClaimRejected { .. } => {
                "Meta refused to add or share the asset with this business.".into()
            }
            GraphError::RateLimited { scope, until, .. } => {
                let what = match scope {
                    RateLimitScope::App => "the app's request limit".to_owned(),
                    RateLimitScope::User => "the user's request limit".to_owned(),
                    RateLimitScope::Page => "the Page's request limit".to_owned(),
                    RateLimitScope::Custom => "a request limit for this object".to_owned(),
                    RateLimitScope::BusinessUseCase(_) => format!(
                        "the {} request limit",
                        scope.use_case().unwrap_or("business use case").replace('_', " ")
                    ),
                    RateLimitScope::Http => "a request limit".to_owned(),
                };
                match until {
                    Some(t) => format!(
                        "Meta is throttling requests: {what} was reached. Access is expected back in about {} minutes.",
                        minutes_from_now(*t)
                    ),
                    None => format!("Meta is throttling requests: {what} was reached."),
                }
            }
            GraphError::Blocked { .. } => "Meta has temporarily blocked these requests, usually \
                for going too fast or for a policy reason. Blocks last hours."
                .into(),
            GraphError::ServiceUnavailable { .. } => {
                "Meta's servers failed to handle the request, even after retrying.".into()
            }
            GraphError::Network { .. } => "Could not reach the Graph API (no connection, the \
                connection was reset, or a name or certificate problem)."
                .into(),
            GraphError::Timeout { .. } => {
                "The Graph API did not answer in time, even after retrying.".into()
            }
            GraphError::OutcomeUnknown { operation, .. } => match operation {
                UnsafeOperation::CreateSystemUser { name, .. } => format!(
                    "The connection was lost while creating the system user \"{name}\". It may or may not have been created."
                ),
                UnsafeOperation::GenerateToken { .. } => "The connection was lost while \
                    generating a token. A token may have been issued; if so it can never be \
                    shown again."
                    .into(),
                UnsafeOperation::RefreshToken { .. } => "The connection was lost while refreshing \
                    the token. A new token may have been issued; the current one keeps working \
                    until it expires."
                    .into(),
                UnsafeOperation::ClientAccessToken { .. } => "The connection was lost while \
                    getting a token in the client's business. A system user and token may have \
                    been created there."
                    .into(),
                UnsafeOperation::CreateManagedBusiness { .. } => "The connection was lost while \
                    linking the client business. The link may or may not exist."
                    .into(),
                UnsafeOperation::Other { description } => {
                    format!("The connection was lost during \"{description}\"; it may or may not have taken effect.")
                }
            },
            GraphError::UnexpectedResponse { .. } => {
                "The server sent a response Gatehouse does not understand.".into()
            }
            GraphError::InvalidConfig { message } => format!("The settings are not usable: {message}."),
            GraphError::Unknown { details } => {
                if details.message.is_empty() {
                    "The Graph API returned an error Gatehouse does not know.".into()
                } else {
                    format!("The Graph API returned an error Gatehouse does not know: {}", details.message)
                }
            }
        }
    }

    /// What the user can do next.
    fn fix(&self, surface: Surface) -> Option<String> {
        Some(self.fix_text(surface))
    }
}

impl GraphError {
    /// The fix in words for `surface` (most are about Meta's side, the same everywhere).
    fn fix_text(&self, surface: Surface) -> String {
        match self {
            GraphError::TokenExpired { .. } => format!(
                "Generate a new token for the system user (an expired token cannot be \
                 refreshed), then {}.",
                surface.update_credentials()
            ),
            GraphError::TokenInvalid { problem: TokenProblem::Checkpointed, .. } => {
                "Log in to facebook.com with the affected account, complete the check, then try again.".into()
            }
            GraphError::TokenInvalid { problem: TokenProblem::Unconfirmed, .. } => {
                "Confirm the account on facebook.com, then try again.".into()
            }
            GraphError::TokenInvalid { .. } => format!(
                "Generate a new token (or log in again for a personal token), then {}.",
                surface.update_credentials()
            ),
            GraphError::MissingPermission { permission: Some(p), .. } if p.chars().all(|c| c.is_ascii_uppercase() || c == '_') => format!(
                "Ask a business admin to give this person or system user the {p} task, or use an admin's token."
            ),
            GraphError::MissingPermission { permission: Some(p), .. } => format!(
                "Generate a token that includes the {p} permission; for businesses you do not own, the app also needs Advanced Access to it (App Review)."
            ),
            GraphError::MissingPermission { permission: None, .. } => "Use a token of a business \
                admin (or admin system user) with business_management, and check the app's \
                permissions in the App Dashboard."
                .into(),
            GraphError::AssetNotAssigned { .. } => "Check the ID, then assign the asset to the \
                system user (with the tasks it needs) and generate a new token if the old one \
                predates the assignment."
                .into(),
            GraphError::SystemUserLimit { .. } => "Reuse an existing system user, or get Full \
                Marketing API access for the app (App Review) to allow more."
                .into(),
            GraphError::AppMissing { .. } => "Create an app in the App Dashboard owned by this \
                business portfolio (or claim an existing one in Business Settings › Apps), then \
                try again."
                .into(),
            GraphError::AppNotInstalled { .. } => {
                "Install the app for the system user first, then generate the token again.".into()
            }
            GraphError::TwoFactorRequired { .. } => "Turn on two-factor authentication for the \
                admin's Facebook account (Business Settings › Security Center), then try again."
                .into(),
            GraphError::BusinessNotVerified { .. } => "Complete business verification in Business \
                Settings › Security Center, then try again."
                .into(),
            GraphError::AppSecretProofRejected { .. } => format!(
                "Check the app ID and app secret (the secret must be the current one of the app \
                 the token was generated for), then {}.",
                surface.update_credentials()
            ),
            GraphError::InvalidInput { field: Some(f), .. } if f == "tasks" => {
                "Pick one of the supported task sets (for ad accounts: Manage + Advertise + Analyze, Advertise + Analyze, or Analyze).".into()
            }
            GraphError::InvalidInput { field: Some(f), .. } if f == "scope" => {
                "Check the spelling of each permission against Meta's list.".into()
            }
            GraphError::InvalidInput { field: Some(f), .. } if f == "user" => "Use the system \
                user ID returned by the API (it is app-scoped and differs from the ID shown in \
                Business Settings)."
                .into(),
            GraphError::InvalidInput { field: Some(f), .. } => format!("Correct \"{f}\" and try again."),
            GraphError::InvalidInput { field: None, .. } => {
                "Check the values entered and try again; the details show Meta's message.".into()
            }
            GraphError::ApiVersionDeprecated { .. } => {
                "Set a newer Graph API version in the settings (v26.0 is current).".into()
            }
            GraphError::AssetClaimRejected { .. } => "Read Meta's message in the details: usually \
                the business already has access, a request is pending, or you must be an admin \
                of the asset first."
                .into(),
            GraphError::RateLimited { until: Some(t), .. } => format!(
                "Wait about {} minutes, then try again; Gatehouse slows down on its own as usage rises.",
                minutes_from_now(*t).max(1)
            ),
            GraphError::RateLimited { until: None, .. } => {
                "Wait a few minutes, then try again with fewer items at once.".into()
            }
            GraphError::Blocked { .. } => "Stop for a few hours before trying again; if it \
                persists, check the app's and business's status in Meta's Business Support Home."
                .into(),
            GraphError::ServiceUnavailable { .. } => {
                "Try again in a few minutes; check metastatus.com if it persists.".into()
            }
            GraphError::Network { .. } => "Check the internet connection, proxy and firewall, \
                then try again."
                .into(),
            GraphError::Timeout { .. } => "Try again; if it keeps happening, check the connection \
                or try fewer items at once."
                .into(),
            GraphError::OutcomeUnknown { operation, .. } => match operation {
                UnsafeOperation::CreateSystemUser { .. } => "Gatehouse lists the system users to \
                    find out: if one with this name exists it is used, otherwise creating it again \
                    is safe."
                    .into(),
                UnsafeOperation::GenerateToken { .. } => "Choose: generate again and leave the \
                    possible unseen token in place (it cannot be listed or shown), or invalidate \
                    all tokens of this system user first (this also stops its other tokens) and \
                    then generate again."
                    .into(),
                UnsafeOperation::RefreshToken { .. } => "Refresh again: the current token still \
                    works, and an unseen new token simply expires."
                    .into(),
                UnsafeOperation::ClientAccessToken { .. } => "Check the client business's system \
                    users before trying again, so no duplicate is created."
                    .into(),
                UnsafeOperation::CreateManagedBusiness { .. } => "Check the partner's list of \
                    client businesses before trying again."
                    .into(),
                UnsafeOperation::Other { .. } => {
                    "Check the current state before trying again.".into()
                }
            },
            GraphError::UnexpectedResponse { .. } => "Check the base URL in the settings (it must \
                be the Graph API or a Gatehouse emulator); report the details if it is."
                .into(),
            GraphError::InvalidConfig { .. } => "Correct the setting and try again.".into(),
            GraphError::Unknown { .. } => "Try again; if it persists, search Meta's error \
                reference for the code in the details."
                .into(),
        }
    }
}

/// `the system user needs a name` as "The system user needs a name."
fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String =
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Surface;
    use serde_json::json;

    fn err(code: i64, sub: Option<i64>, message: &str) -> GraphError {
        let mut e = json!({"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "TRACE1"});
        if let Some(s) = sub {
            e["error_subcode"] = json!(s);
        }
        GraphError::from_api(400, &json!({ "error": e }))
    }

    /// Every code of the spec's §8.2 table, with the variant it maps to.
    #[test]
    fn every_spec_code_maps_to_its_variant() {
        let cases: &[(i64, Option<i64>, &str, &str)] = &[
            (1, None, "An unknown error occurred", "service_unavailable"),
            (1, Some(99), "An unknown error occurred", "service_unavailable"),
            (2, None, "Service temporarily unavailable", "service_unavailable"),
            (
                3,
                None,
                "Application does not have the capability to make this API call.",
                "missing_permission",
            ),
            (4, None, "Application request limit reached", "rate_limited"),
            (4, Some(1504022), "Application request limit reached", "rate_limited"),
            (
                10,
                None,
                "(#10) You do not have permission to perform this action.",
                "missing_permission",
            ),
            (17, None, "User request limit reached", "rate_limited"),
            (17, Some(2446079), "User request limit reached", "rate_limited"),
            (32, None, "Page request limit reached", "rate_limited"),
            (100, None, "(#100) Invalid parameter", "invalid_input"),
            (
                100,
                Some(33),
                "Unsupported get request. Object with ID '1' does not exist",
                "asset_not_assigned",
            ),
            (100, Some(1752129), "(#100) This Task Combination Is Not Supported", "invalid_input"),
            (102, None, "Session key invalid or no longer valid", "token_invalid"),
            (104, None, "Incorrect signature", "app_secret_proof_rejected"),
            (110, None, "Invalid user id", "invalid_input"),
            (190, None, "Invalid OAuth access token - Cannot parse access token", "token_invalid"),
            (
                190,
                None,
                "Error validating access token: Session has expired on Friday",
                "token_expired",
            ),
            (
                190,
                Some(458),
                "Error validating access token: The user has not authorized application",
                "app_not_installed",
            ),
            (190, Some(459), "Error validating access token: checkpointed", "token_invalid"),
            (190, Some(460), "Error validating access token: password changed", "token_invalid"),
            (190, Some(463), "Error validating access token: Session has expired", "token_expired"),
            (190, Some(464), "Error validating access token: unconfirmed user", "token_invalid"),
            (190, Some(467), "Error validating access token: invalid", "token_invalid"),
            (
                190,
                Some(492),
                "Error validating access token: invalid session",
                "asset_not_assigned",
            ),
            (
                200,
                None,
                "(#200) Requires business_management permission to manage the object",
                "missing_permission",
            ),
            (250, None, "(#250) Requires pages_read_engagement permission", "missing_permission"),
            (299, None, "(#299) Permission denied", "missing_permission"),
            (
                294,
                None,
                "(#294) Managing advertisements requires an access token",
                "missing_permission",
            ),
            (341, None, "(#341) Application limit reached", "rate_limited"),
            (368, None, "(#368) The action attempted has been deemed abusive", "blocked"),
            (368, Some(1390008), "(#368) You're going too fast", "blocked"),
            (413, None, "(#413) Invalid password", "invalid_input"),
            (415, None, "(#415) Two factor authentication required", "two_factor_required"),
            (452, None, "(#452) Session key invalid", "token_invalid"),
            (506, None, "(#506) Duplicate status message", "invalid_input"),
            (613, None, "(#613) Calls to this api have exceeded the rate limit.", "rate_limited"),
            (
                613,
                Some(1487742),
                "(#613) There have been too many calls from this ad-account.",
                "rate_limited",
            ),
            (613, Some(1996), "(#613) inconsistent request volume", "rate_limited"),
            (2500, None, "(#2500) Error parsing graph query", "invalid_input"),
            (2620, None, "(#2620) Invalid call to update account permissions", "invalid_input"),
            (
                2635,
                None,
                "(#2635) You are calling a deprecated version of the Ads API.",
                "api_version_deprecated",
            ),
            (3919, None, "(#3919) There was an unexpected technical issue.", "service_unavailable"),
            (3936, None, "(#3936) claim already requested", "asset_claim_rejected"),
            (
                3944,
                None,
                "(#3944) Your Business Manager already has access to this object.",
                "asset_claim_rejected",
            ),
            (3977, None, "(#3977) must be admin", "asset_claim_rejected"),
            (3979, None, "(#3979) ad account limit", "asset_claim_rejected"),
            (3980, None, "(#3980) bad standing", "asset_claim_rejected"),
            (3982, None, "(#3982) insufficient permissions to import", "asset_claim_rejected"),
            (3994, None, "(#3994) cannot claim", "asset_claim_rejected"),
            (
                42001,
                None,
                "(#42001) Page linked to an Instagram business profile",
                "asset_claim_rejected",
            ),
            (
                3949,
                None,
                "This Business Manager has reached maximum number of system user limit.",
                "system_user_limit",
            ),
            (
                3965,
                None,
                "This Business Manager has reached maximum number of admin system user limit.",
                "system_user_limit",
            ),
            (3962, None, "(#3962) Provided permission is not valid.", "invalid_input"),
            (
                104001,
                None,
                "In order to create a system user, an app must be part of this business",
                "app_missing",
            ),
        ];
        for (code, sub, message, want) in cases {
            let e = err(*code, *sub, message);
            assert_eq!(e.code(), *want, "code {code} subcode {sub:?}");
            assert_eq!(e.graph_code(), Some(*code));
            assert_eq!(e.graph_subcode(), *sub);
            assert_eq!(e.fbtrace_id(), Some("TRACE1"));
            assert_eq!(e.details().unwrap().message, *message);
            assert!(
                !e.explanation().is_empty()
                    && !e.fix(Surface::Desktop).unwrap_or_default().is_empty()
            );
        }
        for code in 80000..=80014 {
            let e = err(code, Some(2446079), "(#80004) There have been too many calls");
            assert_eq!(e.code(), "rate_limited");
            assert!(
                matches!(e, GraphError::RateLimited { scope: RateLimitScope::BusinessUseCase(c), .. } if c == code)
            );
            assert!(e.is_transient() && e.is_throttle());
        }
    }

    #[test]
    fn transient_classes() {
        for (code, transient) in [
            (1, true),
            (2, true),
            (4, true),
            (17, true),
            (32, true),
            (341, true),
            (613, true),
            (80004, true),
            (3919, true),
            (100, false),
            (190, false),
            (10, false),
            (368, false),
        ] {
            assert_eq!(err(code, None, "x").is_transient(), transient, "{code}");
        }
    }

    #[test]
    fn details_are_kept() {
        let body = json!({"error": {"message": "(#2) Service temporarily unavailable", "type": "OAuthException",
            "code": 2, "is_transient": true, "error_user_title": "T", "error_user_msg": "M", "fbtrace_id": "AbC"}});
        let e = GraphError::from_api(500, &body);
        let d = e.details().unwrap();
        assert_eq!(d.http_status, Some(500));
        assert_eq!(d.error_type.as_deref(), Some("OAuthException"));
        assert_eq!(d.user_title.as_deref(), Some("T"));
        assert_eq!(d.user_message.as_deref(), Some("M"));
        assert!(d.is_transient);
        let report = e.report();
        assert_eq!(report.code, "service_unavailable");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["details"]["fbtrace_id"], "AbC");
        assert_eq!(json["details"]["graph_code"], 2);
    }

    #[test]
    fn non_envelope_statuses() {
        assert_eq!(GraphError::from_api(502, &Value::Null).code(), "service_unavailable");
        assert_eq!(GraphError::from_api(429, &json!("slow down")).code(), "rate_limited");
        assert_eq!(GraphError::from_api(401, &Value::Null).code(), "token_invalid");
        assert_eq!(GraphError::from_api(404, &json!({"x": 1})).code(), "unknown");
        // Unknown code on a 5xx is still a server failure.
        assert_eq!(err(999_999, None, "x").code(), "unknown");
        let e = GraphError::from_api(503, &json!({"error": {"code": 999_999, "message": "x"}}));
        assert_eq!(e.code(), "service_unavailable");
        // Codes as strings are tolerated.
        let e = GraphError::from_api(
            400,
            &json!({"error": {"code": "190", "error_subcode": "463", "message": "x"}}),
        );
        assert_eq!(e.code(), "token_expired");
    }

    #[test]
    fn permission_names() {
        let p = |m: &str| permission_in(m);
        assert_eq!(
            p("(#200) Requires business_management permission to manage the object").as_deref(),
            Some("business_management")
        );
        assert_eq!(
            p("(#10) This endpoint requires the 'pages_read_engagement' permission").as_deref(),
            Some("pages_read_engagement")
        );
        assert_eq!(p("(#10) You do not have permission to perform this action. This action requires that you can MANAGE_PERMISSIONS for this business account.").as_deref(), Some("MANAGE_PERMISSIONS"));
        assert_eq!(p("(#200) Requires custom_thing permission").as_deref(), Some("custom_thing"));
        assert_eq!(p("(#10) Permission denied"), None);
        match err(294, None, "(#294) Managing advertisements requires an access token") {
            GraphError::MissingPermission { permission, .. } => {
                assert_eq!(permission.as_deref(), Some("ads_management"))
            }
            other => panic!("{other:?}"),
        }
        let e = err(
            10,
            None,
            "(#10) This action requires that you can MANAGE_PERMISSIONS for this business account.",
        );
        assert!(e.fix(Surface::Desktop).unwrap_or_default().contains("MANAGE_PERMISSIONS task"));
        let e = err(200, None, "(#200) Requires catalog_management permission");
        assert!(e
            .fix(Surface::Desktop)
            .unwrap_or_default()
            .contains("catalog_management permission"));
    }

    #[test]
    fn field_names() {
        let f = |m: &str| field_in(m, None);
        assert_eq!(f("(#100) The parameter user is required").as_deref(), Some("user"));
        assert_eq!(f("(#100) Param tasks must be a list").as_deref(), Some("tasks"));
        assert_eq!(
            f("(#100) Tried accessing nonexisting field (foo) on node type (User)").as_deref(),
            Some("fields")
        );
        assert_eq!(
            f("(#100) The After Cursor specified exceeds the max limit").as_deref(),
            Some("after")
        );
        assert_eq!(f("(#100) Invalid parameter"), None);
        let data = json!({"blame_field_specs": [["name"]]});
        assert_eq!(field_in("(#100) bad", Some(&data)).as_deref(), Some("name"));
        match err(100, None, "(#100) The parameter business_app is required") {
            GraphError::InvalidInput { field, .. } => {
                assert_eq!(field.as_deref(), Some("business_app"))
            }
            other => panic!("{other:?}"),
        }
        match err(3962, None, "x") {
            GraphError::InvalidInput { field, .. } => assert_eq!(field.as_deref(), Some("scope")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn special_messages() {
        assert_eq!(
            err(100, None, "Invalid appsecret_proof provided in the API argument").code(),
            "app_secret_proof_rejected"
        );
        assert_eq!(
            err(100, None, "(#100) The app is not installed for this system user").code(),
            "app_not_installed"
        );
        assert_eq!(
            err(10, None, "(#10) Business verification is required for this action").code(),
            "business_not_verified"
        );
        assert_eq!(
            err(200, None, "(#200) Your business must be verified first").code(),
            "business_not_verified"
        );
        assert_eq!(err(10, Some(1341012), "x").code(), "asset_not_assigned");
    }

    #[test]
    fn system_user_limit_numbers() {
        let body = json!({"error": {"code": 3949, "message": "(#3949) This Business Manager has reached maximum number of system user limit (1 of 1).",
            "error_data": {"tier": "Limited"}}});
        match GraphError::from_api(400, &body) {
            GraphError::SystemUserLimit { admin, tier, limit, current, .. } => {
                assert!(!admin);
                assert_eq!(tier.as_deref(), Some("Limited"));
                assert_eq!((limit, current), (Some(1), Some(1)));
            }
            other => panic!("{other:?}"),
        }
        let body = json!({"error": {"code": 3965, "message": "limit", "error_data": {"limit": 1, "current": "1"}}});
        let e = GraphError::from_api(400, &body);
        match &e {
            GraphError::SystemUserLimit { admin, limit, current, tier, .. } => {
                assert!(*admin);
                assert_eq!((*limit, *current, tier.clone()), (Some(1), Some(1), None));
            }
            other => panic!("{other:?}"),
        }
        assert!(e.explanation().contains("admin system users (1 of 1)"));
        let e = err(3949, None, "reached the limit for apps with Full Access");
        assert!(matches!(e, GraphError::SystemUserLimit { tier: Some(ref t), .. } if t == "Full"));
    }

    #[test]
    fn limit_context_is_filled_in() {
        let e = err(
            3949,
            None,
            "This Business Manager has reached maximum number of system user limit.",
        );
        let e = e.with_limit_context(Some("full"), Some(10));
        match &e {
            GraphError::SystemUserLimit { tier, limit, current, .. } => {
                assert_eq!((tier.as_deref(), *limit, *current), (Some("Full"), Some(10), Some(10)));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.explanation().contains("(10 of 10) for an app with Full Marketing API access"),
            "{}",
            e.explanation()
        );
        let e = err(3965, None, "x").with_limit_context(Some("development_access"), None);
        assert!(
            matches!(e, GraphError::SystemUserLimit { limit: Some(1), ref tier, .. } if tier.as_deref() == Some("Limited"))
        );
        assert_eq!(system_user_quota("Limited"), Some((1, 1)));
        assert_eq!(system_user_quota("ADVANCED"), Some((10, 1)));
        assert_eq!(system_user_quota("gold"), None);
        let other = err(100, None, "x").with_limit_context(Some("Full"), Some(1));
        assert_eq!(other.code(), "invalid_input");
    }

    #[test]
    fn outcome_unknown_messages() {
        let e = GraphError::OutcomeUnknown {
            operation: UnsafeOperation::GenerateToken {
                system_user_id: "1".into(),
                app_id: "2".into(),
            },
            cause: "timeout".into(),
        };
        assert_eq!(e.code(), "outcome_unknown");
        assert!(e.explanation().contains("may have been issued"));
        assert!(e.fix(Surface::Desktop).unwrap_or_default().contains("invalidate all tokens"));
        assert!(!e.is_transient());
        let e = GraphError::OutcomeUnknown {
            operation: UnsafeOperation::CreateSystemUser {
                business_id: "1".into(),
                name: "Ad Server".into(),
            },
            cause: "reset".into(),
        };
        assert!(e.explanation().contains("\"Ad Server\""));
    }

    #[test]
    fn rate_limited_until_is_reported() {
        let until = SystemTime::now() + Duration::from_secs(19 * 60);
        let e = err(80004, Some(2446079), "(#80004) too many calls").with_until(until);
        assert_eq!(e.rate_limited_until(), Some(until));
        assert!(e.explanation().contains("ads management request limit"));
        assert!(e.explanation().contains("19 minutes"), "{}", e.explanation());
        assert_eq!(e.report().rate_limited_until_unix, Some(unix_secs(until)));
    }
}
