//! Client configuration: where to send requests, which API version, timeouts, retries, pacing and
//! batching. Every field has a safe default ([`ClientConfig::default`] points at Meta).

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::GraphError;

/// The Graph API version every path is pinned to (spec §0: unversioned calls resolve to the
/// oldest live version, so the client always pins one).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiVersion(String);

impl ApiVersion {
    /// The default version (spec §0.1: latest, used by the v26 SDKs).
    pub const DEFAULT: &'static str = "v26.0";

    /// Parses `vNN.N` (the same rule as Meta's Python SDK: `v[0-9]+\.[0-9]+`).
    pub fn parse(raw: &str) -> Result<Self, GraphError> {
        let ok = raw.strip_prefix('v').and_then(|rest| rest.split_once('.')).is_some_and(
            |(major, minor)| {
                !major.is_empty()
                    && !minor.is_empty()
                    && major.bytes().all(|b| b.is_ascii_digit())
                    && minor.bytes().all(|b| b.is_ascii_digit())
            },
        );
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(GraphError::invalid_config(format!(
                "API version must look like v26.0, got {raw:?}"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for ApiVersion {
    fn default() -> Self {
        Self(Self::DEFAULT.to_owned())
    }
}

impl fmt::Debug for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Retries of transient failures: exponential backoff with full jitter, bounded by a number of
/// attempts and by the total time spent waiting.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts per request, the first one included. `1` disables retries.
    pub max_attempts: u32,
    /// Backoff base: the n-th retry waits a random time in `[0, min(max_delay, base * 2^n))`.
    pub base_delay: Duration,
    /// Upper bound of one backoff wait.
    pub max_delay: Duration,
    /// Total time one request may spend waiting between attempts (backoff and throttling).
    pub budget: Duration,
    /// Longest throttling wait (`estimated_time_to_regain_access`) honoured by waiting. A longer
    /// one is returned at once as [`GraphError::RateLimited`] with the time access comes back.
    pub max_throttle_wait: Duration,
    /// Also retry non-idempotent writes (creates, token generation) that were *rejected* by
    /// throttling (4, 17, 32, 341, 613, 800xx, 429). A throttled request was refused before it
    /// ran, so this is safe in principle; it is off by default so that only idempotent requests
    /// are ever retried automatically, and the caller gets [`GraphError::RateLimited`] instead.
    pub retry_rejected_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            budget: Duration::from_secs(180),
            max_throttle_wait: Duration::from_secs(5 * 60),
            retry_rejected_writes: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }
}

/// Slowing down as the usage headers approach 100% (spec §9.2).
#[derive(Debug, Clone)]
pub struct PacingPolicy {
    /// Usage percentage from which requests are spaced out.
    pub start_percent: f64,
    /// The delay before each request when usage reaches 100%. Between `start_percent` and 100
    /// the delay grows quadratically from zero to this.
    pub max_delay: Duration,
    /// How long an observed usage value is trusted (Meta's windows are rolling; headers are only
    /// sent "once enough calls have been made").
    pub memory: Duration,
}

impl Default for PacingPolicy {
    fn default() -> Self {
        Self {
            start_percent: 60.0,
            max_delay: Duration::from_secs(5),
            memory: Duration::from_secs(120),
        }
    }
}

impl PacingPolicy {
    /// Never slow down.
    pub fn off() -> Self {
        Self { start_percent: f64::INFINITY, ..Self::default() }
    }
}

/// Batch requests (spec §10.3).
#[derive(Debug, Clone)]
pub struct BatchPolicy {
    /// Operations per batch request; Meta's maximum is 50 (larger values are clamped).
    pub chunk_size: usize,
    /// Batch requests in flight at once.
    pub concurrency: usize,
    /// Rounds of re-sending failed (transient) or `null` items.
    pub max_rounds: u32,
}

impl Default for BatchPolicy {
    fn default() -> Self {
        Self { chunk_size: 50, concurrency: 4, max_rounds: 5 }
    }
}

/// How the calls whose parameters are themselves secrets (`input_token` of `debug_token`,
/// `fb_exchange_token`/`client_secret` of a refresh, `revoke_token`/`client_secret` of a revoke)
/// are sent.
///
/// Meta documents these three only as plain GETs with query parameters (D-TOK, the long-lived
/// token guide, the `debug_token` reference), so that is the default: the URL travels inside TLS,
/// and the client keeps it out of every error message and log (the transport scrubs secret
/// values from error text and never prints a URL). UNCONFIRMED: whether Meta also accepts them as
/// an operation of a batch request, which would keep the secret out of server access logs; no
/// source shows it, so the batch form is used only when chosen explicitly (`gatehouse doctor`
/// reports whether the connected server accepts it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretParams {
    /// The documented way: `GET` with query parameters.
    #[default]
    Query,
    /// A one-operation batch: the URL with the secret travels in the POST body.
    Batch,
}

/// How a business asset listing ([`crate::Session::assets`]) fetches its pages.
///
/// UNCONFIRMED: whether Meta accepts a paging cursor chained through a batch reference
/// (`after={result=p0:$.paging.cursors.after}`); nobody is known to do it (meta-login.md §6).
/// So chaining is off unless chosen for a client, which Gatehouse does only for a portfolio whose
/// compatibility check (`gatehouse doctor`) saw Meta answer it as plain paging does; and a
/// chained listing falls back to plain paging, from the last page it trusts, at any sign of
/// trouble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PagingMode {
    /// One request per page, following `paging.next` (Meta's documented way).
    #[default]
    Plain,
    /// Up to `pages_per_batch` pages (at most 50) per batch request, each operation asking for
    /// the page after its predecessor's last cursor: one round trip instead of
    /// `pages_per_batch`.
    Chained { pages_per_batch: usize },
}

impl PagingMode {
    /// 10 pages a batch: 5,000 ad accounts in one round trip. Meta runs dependent operations
    /// one after another, so a longer chain risks the batch timing out (meta-login.md §6).
    pub const DEFAULT_PAGES_PER_BATCH: usize = 10;

    /// Chained with [`Self::DEFAULT_PAGES_PER_BATCH`].
    pub fn chained() -> Self {
        Self::Chained { pages_per_batch: Self::DEFAULT_PAGES_PER_BATCH }
    }

    /// Pages per batch when chained (clamped to 1..=50), `None` when plain.
    pub fn pages_per_batch(self) -> Option<usize> {
        match self {
            Self::Plain => None,
            Self::Chained { pages_per_batch } => {
                Some(pages_per_batch.clamp(1, crate::batch::MAX_BATCH))
            }
        }
    }
}

/// Everything the client needs besides credentials.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://graph.facebook.com`, or a loopback emulator such as `http://127.0.0.1:8080`.
    /// Plain HTTP is refused for anything but loopback.
    pub base_url: String,
    pub api_version: ApiVersion,
    /// Time to establish a connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// Longest silence while reading a response.
    pub read_timeout: Duration,
    /// Longest time for a whole request, response body included.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub pacing: PacingPolicy,
    pub batch: BatchPolicy,
    pub secret_params: SecretParams,
    /// Plain unless a compatibility check confirmed chained paging for this portfolio.
    pub paging: PagingMode,
    pub user_agent: String,
    /// The time the client's waits and `until`s use ([`crate::SystemClock`] but in tests).
    pub clock: std::sync::Arc<dyn crate::Clock>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: "https://graph.facebook.com".to_owned(),
            api_version: ApiVersion::default(),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            pacing: PacingPolicy::default(),
            batch: BatchPolicy::default(),
            secret_params: SecretParams::default(),
            paging: PagingMode::default(),
            user_agent: concat!("gatehouse/", env!("CARGO_PKG_VERSION")).to_owned(),
            clock: std::sync::Arc::new(crate::SystemClock),
        }
    }
}

impl ClientConfig {
    /// The defaults with another base URL (an emulator).
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        Self { base_url: base_url.into(), ..Self::default() }
    }
}

/// Scheme, host and port: the only place requests (and `paging.next`) may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    pub(crate) fn of(url: &Url) -> Option<Self> {
        Some(Self {
            scheme: url.scheme().to_owned(),
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default(),
        })
    }
}

/// Whether a URL's host is loopback: 127.0.0.0/8, ::1 or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Whether `raw` is a valid base URL on this computer (127.0.0.1, ::1 or localhost): an
/// emulator, never somewhere a token could leave to.
pub fn is_loopback_base_url(raw: &str) -> bool {
    validate_base_url(raw).is_ok_and(|url| is_loopback(&url))
}

/// Whether `raw` is Meta's own Graph API (`https://graph.facebook.com`, any path).
pub fn is_meta_base_url(raw: &str) -> bool {
    validate_base_url(raw).is_ok_and(|url| {
        url.scheme() == "https"
            && url.host_str().is_some_and(|h| h.eq_ignore_ascii_case("graph.facebook.com"))
            && url.port().is_none()
    })
}

/// Checks a base URL: absolute, HTTPS unless loopback, no credentials, query or fragment.
pub(crate) fn validate_base_url(raw: &str) -> Result<Url, GraphError> {
    let url = Url::parse(raw.trim())
        .map_err(|e| GraphError::invalid_config(format!("base URL {raw:?} is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(GraphError::invalid_config(format!(
                "base URL {raw:?} uses plain HTTP: only HTTPS is allowed, except for loopback \
                 (127.0.0.1, ::1, localhost)"
            )))
        }
        other => {
            return Err(GraphError::invalid_config(format!(
                "base URL {raw:?} has unsupported scheme {other:?}"
            )))
        }
    }
    if url.host().is_none() {
        return Err(GraphError::invalid_config(format!("base URL {raw:?} has no host")));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(GraphError::invalid_config("base URL must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(GraphError::invalid_config("base URL must not have a query or fragment"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Explain;

    #[test]
    fn versions() {
        assert_eq!(ApiVersion::default().as_str(), "v26.0");
        assert_eq!(ApiVersion::parse("v25.0").unwrap().as_str(), "v25.0");
        for bad in ["26.0", "v26", "v26.", "v.0", "vx.0", "v26.0/", "v26.0?a=1", ""] {
            assert!(ApiVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base_urls() {
        assert!(validate_base_url("https://graph.facebook.com").is_ok());
        assert!(validate_base_url("http://127.0.0.1:8080").is_ok());
        assert!(validate_base_url("http://127.1.2.3:8080").is_ok());
        assert!(validate_base_url("http://[::1]:8080").is_ok());
        assert!(validate_base_url("http://localhost:9").is_ok());
        assert!(validate_base_url("http://LOCALHOST:9").is_ok());
        for bad in [
            "http://graph.facebook.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://127.0.0.1",
            "https://user:pw@graph.facebook.com",
            "https://graph.facebook.com/?access_token=x",
            "not a url",
        ] {
            let err = validate_base_url(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_config", "{bad}");
        }
    }

    #[test]
    fn origins() {
        let a = Url::parse("https://graph.facebook.com/v26.0/x").unwrap();
        let b = Url::parse("https://GRAPH.facebook.com:443/other").unwrap();
        let c = Url::parse("https://graph.facebook.com:8443/").unwrap();
        let d = Url::parse("http://graph.facebook.com/").unwrap();
        assert_eq!(Origin::of(&a), Origin::of(&b));
        assert_ne!(Origin::of(&a), Origin::of(&c));
        assert_ne!(Origin::of(&a), Origin::of(&d));
    }
}
