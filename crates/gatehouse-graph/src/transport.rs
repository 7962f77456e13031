//! The HTTP core: one hardened `reqwest::Client`, request building (auth header, proof, pinned
//! version), retries with backoff and throttling waits, pacing, and response parsing.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{redirect, Method};
use serde_json::Value;
use url::Url;
use zeroize::{Zeroize, Zeroizing};

use crate::auth::Credentials;
use crate::config::{is_loopback, validate_base_url, ApiVersion, ClientConfig, Origin};
use crate::error::{as_i64, GraphError, UnsafeOperation};
use crate::events::{EventSink, GraphEvent, WaitReason};
use crate::usage::{Pacer, Usage};
use gatehouse_errors::Explain;

/// The shared, cheap-to-clone Graph API client: one connection pool, one pacer.
///
/// Make a [`crate::Session`] per token with [`GraphClient::session`].
#[derive(Clone, Debug)]
pub struct GraphClient {
    pub(crate) shared: Arc<Shared>,
    pub(crate) events: EventSink,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) origin: Origin,
    pub(crate) config: ClientConfig,
    pub(crate) pacer: Pacer,
}

/// Whether a request may be sent again after a failure that leaves its outcome unknown.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Safety {
    /// Reads, and writes whose repetition has the same effect (assignments, revocations).
    Idempotent,
    /// Creates: never repeated after the request may have reached the server.
    Unsafe(UnsafeOperation),
}

#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// A path below `/{version}/`, as validated segments.
    Path(Vec<String>),
    /// A full URL (a `paging.next`), already checked to be on the base origin.
    Url(Url),
}

/// One logical request.
#[derive(Clone)]
pub(crate) struct Call {
    pub(crate) method: Method,
    pub(crate) target: Target,
    /// GET/DELETE: query string. POST: form body.
    pub(crate) params: Vec<(String, String)>,
    pub(crate) safety: Safety,
    /// Business objects the call is about besides its own path (a batch's operations), for
    /// pacing.
    pub(crate) extra_objects: Vec<String>,
    /// The parameters its [`crate::endpoints::Endpoint`] declares; a debug build panics on any
    /// other, so the endpoint table the conformance test checks cannot drift from what is sent.
    pub(crate) declared: Option<&'static [&'static str]>,
}

/// Parameter values may be secrets (a token to inspect, the app secret, a batch carrying
/// them): printed redacted, and wiped from memory when the call is done.
impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.contains(&k.as_str()) || k == "batch";
                (k.as_str(), if secret { "[redacted]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("params", &params)
            .field("safety", &self.safety)
            .finish_non_exhaustive()
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        for (_, value) in &mut self.params {
            value.zeroize();
        }
    }
}

impl Call {
    pub(crate) fn new(method: Method, path: &[&str], safety: Safety) -> Result<Self, GraphError> {
        let mut segs = Vec::with_capacity(path.len());
        for p in path {
            segs.push(segment(p)?.to_owned());
        }
        Ok(Self {
            method,
            target: Target::Path(segs),
            params: Vec::new(),
            safety,
            extra_objects: Vec::new(),
            declared: None,
        })
    }

    /// A GET of a `paging.next` URL (already checked by [`GraphClient::same_origin_url`]).
    pub(crate) fn follow(url: Url) -> Self {
        Self {
            method: Method::GET,
            target: Target::Url(url),
            params: Vec::new(),
            safety: Safety::Idempotent,
            extra_objects: Vec::new(),
            declared: None,
        }
    }

    pub(crate) fn declared(mut self, params: &'static [&'static str]) -> Self {
        self.declared = Some(params);
        self
    }

    #[cfg(test)]
    pub(crate) fn get(path: &[&str]) -> Result<Self, GraphError> {
        Self::new(Method::GET, path, Safety::Idempotent)
    }

    pub(crate) fn param(mut self, k: &str, v: impl Into<String>) -> Self {
        debug_assert!(
            self.declared.is_none_or(|d| {
                d.contains(&k) || crate::endpoints::GENERIC_PARAMS.contains(&k)
            }),
            "parameter {k} is not declared by its endpoint"
        );
        self.params.push((k.to_owned(), v.into()));
        self
    }

    pub(crate) fn param_opt(self, k: &str, v: Option<impl Into<String>>) -> Self {
        match v {
            Some(v) => self.param(k, v),
            None => self,
        }
    }

    /// The business object the call is about: the first path segment (after the version).
    pub(crate) fn object(&self) -> Option<String> {
        match &self.target {
            Target::Path(segs) => segs.first().cloned(),
            Target::Url(u) => {
                let mut segs = u.path_segments()?;
                segs.find(|s| s.starts_with('v') && ApiVersion::parse(s).is_ok())?;
                segs.next().map(str::to_owned)
            }
        }
    }

    /// [`Call::object`] and [`Call::extra_objects`].
    pub(crate) fn objects(&self) -> Vec<String> {
        self.object().into_iter().chain(self.extra_objects.iter().cloned()).collect()
    }

    /// `{version}/path?query` for a batch operation's `relative_url`.
    pub(crate) fn relative_url(&self, version: &str) -> Result<String, GraphError> {
        let Target::Path(segs) = &self.target else {
            return Err(GraphError::invalid_config("a batch operation needs a path"));
        };
        let mut u =
            Url::parse("http://x/").map_err(|e| GraphError::invalid_config(e.to_string()))?;
        {
            let mut p = u
                .path_segments_mut()
                .map_err(|_| GraphError::invalid_config("cannot build a path"))?;
            p.clear().push(version);
            for s in segs {
                p.push(s);
            }
        }
        if self.method != Method::POST && !self.params.is_empty() {
            u.query_pairs_mut().extend_pairs(self.params.iter());
        }
        let mut out = u.path().trim_start_matches('/').to_owned();
        if let Some(q) = u.query() {
            out.push('?');
            out.push_str(q);
        }
        Ok(out)
    }
}

/// A validated path segment: a Graph ID (`123`, `act_123`), an edge name or `me`. Anything that
/// could change the path or add a query (`/`, `?`, `#`, `..`, spaces) is refused.
pub(crate) fn segment(s: &str) -> Result<&str, GraphError> {
    let ok = !s.is_empty()
        && s.len() <= 128
        && s != "."
        && s != ".."
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    if ok {
        Ok(s)
    } else {
        Err(GraphError::invalid_input("id", format!("{s:?} is not a valid Graph ID or edge name")))
    }
}

/// A successful (2xx, no `error`) response.
#[derive(Debug, Clone)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) usage: Usage,
}

/// A response that is not a success.
struct Failure {
    status: u16,
    body: Value,
    usage: Usage,
    retry_after: Option<Duration>,
}

/// `Retry-After` in seconds (the HTTP-date form is ignored; Meta sends neither, spec §9.2).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

enum SendFailure {
    /// The request could not be built: a caller or configuration error, never retried.
    Local(GraphError),
    /// The request never left (connection refused, DNS, TLS handshake): safe to send again.
    NotSent { timeout: bool, message: String },
    /// It may have reached the server.
    Sent { timeout: bool, message: String },
}

/// Parameters whose values are secrets: never in an error message, even when a lower layer
/// quotes the request.
const SECRET_PARAMS: &[&str] = &[
    "access_token",
    "appsecret_proof",
    "input_token",
    "client_secret",
    "fb_exchange_token",
    "revoke_token",
    // The login dialog's code (a token, given the app secret).
    "code",
];

/// `message` with every secret parameter value of `call` (raw and URL-encoded) replaced.
fn scrub(message: String, call: &Call) -> String {
    let mut out = message;
    for (k, v) in &call.params {
        if v.len() < 4 || !SECRET_PARAMS.contains(&k.as_str()) {
            continue;
        }
        let encoded: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
        out = out.replace(v.as_str(), "[redacted]").replace(&encoded, "[redacted]");
    }
    out
}

/// Error text of a reqwest error: its kind and its causes, never the URL (which may carry
/// secret query parameters: `debug_token`, refresh and revoke are GETs, see
/// [`crate::SecretParams`]). reqwest's own `Display` includes the URL, so it is not used.
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "reading the response failed"
    } else if e.is_request() {
        "sending the request failed"
    } else if e.is_redirect() {
        "redirect refused"
    } else {
        "HTTP error"
    };
    let mut msg = kind.to_owned();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

impl GraphClient {
    /// Builds the client: validates the base URL (HTTPS unless loopback), sets connect, read and
    /// total timeouts, rustls with the OS trust store, TLS 1.2+, and a redirect policy that never
    /// leaves the base origin.
    pub fn new(config: ClientConfig) -> Result<Self, GraphError> {
        let base = validate_base_url(&config.base_url)?;
        let origin =
            Origin::of(&base).ok_or_else(|| GraphError::invalid_config("base URL has no host"))?;
        let redirect_origin = origin.clone();
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 3 {
                return attempt.stop();
            }
            match Origin::of(attempt.url()) {
                Some(o) if o == redirect_origin => attempt.follow(),
                _ => attempt.stop(),
            }
        });
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.request_timeout)
            .redirect(policy)
            .user_agent(config.user_agent.clone())
            .tls_version_min(reqwest::tls::Version::TLS_1_2)
            .referer(false);
        if base.scheme() == "https" {
            builder = builder.https_only(true);
        }
        if is_loopback(&base) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| {
            GraphError::invalid_config(format!("cannot build the HTTP client: {e}"))
        })?;
        let pacer = Pacer::new(config.pacing.clone());
        Ok(Self {
            shared: Arc::new(Shared { http, base, origin, config, pacer }),
            events: EventSink::none(),
        })
    }

    /// The same client (same pool, same pacer) reporting events to `sink`.
    pub fn with_events(&self, sink: EventSink) -> Self {
        Self { shared: self.shared.clone(), events: sink }
    }

    pub fn config(&self) -> &ClientConfig {
        &self.shared.config
    }

    /// The clock the client's waits and `until`s use.
    pub fn clock(&self) -> &dyn crate::Clock {
        &*self.shared.config.clock
    }

    /// The app's Marketing API access tier as last reported by the usage headers
    /// (`ads_api_access_tier`, sent on ads_management calls), normalized to `Limited`/`Full`
    /// when recognised. `None` until such a header was seen. Feeds
    /// [`GraphError::with_limit_context`] and [`crate::system_user_quota`].
    pub fn observed_access_tier(&self) -> Option<String> {
        self.shared
            .pacer
            .access_tier()
            .map(|t| crate::error::normalize_tier(&t).map(str::to_owned).unwrap_or(t))
    }

    /// A session calling with `credentials`.
    pub fn session(&self, credentials: Credentials) -> crate::Session {
        crate::Session::new(self.clone(), credentials)
    }

    /// The pinned API version, such as `v26.0`.
    pub(crate) fn version(&self) -> &str {
        self.shared.config.api_version.as_str()
    }

    /// Checks a `paging.next` URL: same scheme, host and port as the base; strips any
    /// `access_token` (and proof, re-added per request).
    pub(crate) fn same_origin_url(&self, raw: &str) -> Result<Url, GraphError> {
        let url = Url::parse(raw)
            .or_else(|_| self.shared.base.join(raw))
            .map_err(|e| GraphError::unexpected(None, format!("paging.next is not a URL: {e}")))?;
        if Origin::of(&url).as_ref() != Some(&self.shared.origin) {
            return Err(GraphError::unexpected(
                None,
                format!(
                    "paging.next points to another host ({}); not followed",
                    url.host_str().unwrap_or("?")
                ),
            ));
        }
        Ok(strip_credentials(url))
    }

    fn build_url(&self, call: &Call, proof: Option<&str>) -> Result<Url, GraphError> {
        let mut url = match &call.target {
            Target::Url(u) => u.clone(),
            Target::Path(segs) => {
                let mut u = self.shared.base.clone();
                {
                    let mut p = u
                        .path_segments_mut()
                        .map_err(|_| GraphError::invalid_config("base URL cannot have a path"))?;
                    p.pop_if_empty().push(self.version());
                    for s in segs {
                        p.push(s);
                    }
                    if segs.is_empty() {
                        // The batch endpoint: `/{version}/`.
                        p.push("");
                    }
                }
                u
            }
        };
        if Origin::of(&url).as_ref() != Some(&self.shared.origin) {
            return Err(GraphError::invalid_config("refusing to send a request to another host"));
        }
        if call.method != Method::POST {
            let mut q = url.query_pairs_mut();
            q.extend_pairs(call.params.iter());
            if let Some(p) = proof {
                q.append_pair("appsecret_proof", p);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        Ok(url)
    }

    /// The `reqwest::Request` for one attempt: pinned URL, sensitive `Authorization: Bearer`
    /// header, proof in the query (GET/DELETE) or the form body (POST).
    pub(crate) fn build_request(
        &self,
        auth: Option<&Credentials>,
        call: &Call,
    ) -> Result<reqwest::Request, GraphError> {
        let proof = auth.and_then(Credentials::proof);
        let url = self.build_url(call, proof.as_ref().map(|p| p.as_str()))?;
        let mut req = self.shared.http.request(call.method.clone(), url);
        req = req.header(ACCEPT, "application/json");
        if let Some(c) = auth {
            let bearer = Zeroizing::new(format!("Bearer {}", c.token.expose()));
            let mut value = HeaderValue::try_from(bearer.as_str()).map_err(|_| {
                GraphError::invalid_input("token", "the token contains invalid characters")
            })?;
            value.set_sensitive(true);
            req = req.header(AUTHORIZATION, value);
        }
        if call.method == Method::POST {
            let mut form: Vec<(&str, &str)> =
                call.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            if let Some(p) = proof.as_deref() {
                form.push(("appsecret_proof", p));
            }
            req = req.form(&form);
        }
        req.build()
            .map_err(|e| GraphError::invalid_config(format!("cannot build the request: {e}")))
    }

    async fn send_once(
        &self,
        auth: Option<&Credentials>,
        call: &Call,
    ) -> Result<Result<RawResponse, Failure>, SendFailure> {
        let request = self.build_request(auth, call).map_err(SendFailure::Local)?;
        let describe = |e: &reqwest::Error| scrub(describe(e), call);
        let resp = match self.shared.http.execute(request).await {
            Ok(r) => r,
            Err(e) if e.is_connect() => {
                return Err(SendFailure::NotSent { timeout: e.is_timeout(), message: describe(&e) })
            }
            Err(e) if e.is_builder() => {
                return Err(SendFailure::Local(GraphError::invalid_config(describe(&e))))
            }
            Err(e) => {
                return Err(SendFailure::Sent { timeout: e.is_timeout(), message: describe(&e) })
            }
        };
        let status = resp.status().as_u16();
        let usage = Usage::from_headers(resp.headers());
        let retry_after = retry_after(resp.headers());
        if resp.status().is_redirection() {
            return Ok(Err(Failure {
                status,
                body: Value::String("redirect to another host refused".into()),
                usage,
                retry_after,
            }));
        }
        let bytes = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return Err(SendFailure::Sent { timeout: e.is_timeout(), message: describe(&e) })
            }
        };
        let body: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(_) => {
                    let text = String::from_utf8_lossy(&bytes);
                    let snippet: String = text.chars().take(200).collect();
                    if (200..300).contains(&status) {
                        return Ok(Err(Failure {
                            status,
                            body: Value::String(format!("not JSON: {snippet}")),
                            usage,
                            retry_after,
                        }));
                    }
                    Value::String(snippet)
                }
            }
        };
        if (200..300).contains(&status) && body.get("error").is_none() {
            Ok(Ok(RawResponse { status, body, usage }))
        } else {
            Ok(Err(Failure { status, body, usage, retry_after }))
        }
    }

    async fn pace(&self, call: &Call) {
        let objects = call.objects();
        let keys: Vec<&str> = objects.iter().map(String::as_str).collect();
        let (delay, percent) = self.shared.pacer.delay(&keys);
        if delay > Duration::ZERO {
            self.events.emit(GraphEvent::WaitingUntil {
                until: self.clock().now() + delay,
                wait: delay,
                reason: WaitReason::Pacing { usage_percent: percent },
                next_attempt: 0,
            });
            self.clock().sleep(delay).await;
        }
    }

    /// Backoff with full jitter: uniform in `[0, min(max_delay, base * 2^(retry-1))]`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        backoff(&self.shared.config.retry, retry)
    }

    /// Sends `call`, retrying what is safe to retry, and returns the successful response or the
    /// typed error.
    pub(crate) async fn execute(
        &self,
        auth: Option<&Credentials>,
        call: &Call,
    ) -> Result<RawResponse, GraphError> {
        self.execute_attempts(auth, call, self.shared.config.retry.max_attempts).await
    }

    /// [`Self::execute`] without retries, for a request whose caller has a fallback of its own
    /// (a chained listing goes back to plain paging).
    pub(crate) async fn execute_once(
        &self,
        auth: Option<&Credentials>,
        call: &Call,
    ) -> Result<RawResponse, GraphError> {
        self.execute_attempts(auth, call, 1).await
    }

    async fn execute_attempts(
        &self,
        auth: Option<&Credentials>,
        call: &Call,
        max_attempts: u32,
    ) -> Result<RawResponse, GraphError> {
        let policy = &self.shared.config.retry;
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            self.pace(call).await;
            let failed = match self.send_once(auth, call).await {
                Ok(Ok(raw)) => {
                    self.shared.pacer.observe(&raw.usage, call.object().as_deref());
                    return Ok(raw);
                }
                Ok(Err(failure)) => {
                    self.shared.pacer.observe(&failure.usage, call.object().as_deref());
                    self.refused(call, failure)?
                }
                Err(failure) => lost(call, failure)?,
            };
            let Some(wait) = retry_wait(policy, max_attempts, call, attempt, waited, &failed)
            else {
                return Err(failed.err);
            };
            self.events.emit(GraphEvent::WaitingUntil {
                until: self.clock().now() + wait,
                wait,
                reason: failed.wait_reason(),
                next_attempt: attempt + 1,
            });
            self.clock().sleep(wait).await;
            waited += wait;
        }
    }

    /// An answer that is not a success, as an error; `Err` when it ends the call at once (a
    /// write whose outcome the answer leaves unknown).
    fn refused(&self, call: &Call, failure: Failure) -> Result<FailedAttempt, GraphError> {
        let Failure { status, body, usage, retry_after } = failure;
        let mut err = if (300..400).contains(&status) {
            GraphError::unexpected(Some(status), "redirect to another host refused")
        } else if (200..300).contains(&status) && body.get("error").is_none() {
            GraphError::unexpected(Some(status), body.as_str().unwrap_or("").to_owned())
        } else {
            GraphError::from_api(status, &body)
        };
        if let Safety::Unsafe(op) = &call.safety {
            // A gateway error without a Graph code may come after the write committed.
            if status >= 500 && err.graph_code().is_none() {
                return Err(GraphError::OutcomeUnknown {
                    operation: op.clone(),
                    cause: format!("HTTP {status} without a Graph error"),
                });
            }
            // Meta has answered a write with code 1 or 2 (`is_transient`, HTTP 500, or
            // 2/1504044 with HTTP 400) after the write was made (meta-fidelity §4.6): for a
            // create, that answer says nothing about the outcome.
            if matches!(err.graph_code(), Some(1 | 2)) {
                return Err(GraphError::OutcomeUnknown {
                    operation: op.clone(),
                    cause: format!(
                        "Meta answered with its unknown-error code {} (HTTP {status}), which it \
                         also sends after a write was made",
                        err.graph_code().unwrap_or_default()
                    ),
                });
            }
        }
        let eta = if err.is_throttle() {
            throttle_eta(&body, &usage).into_iter().chain(retry_after).max()
        } else if err.is_transient() {
            // 503 with Retry-After (not Meta's habit, but proxies and emulators).
            retry_after
        } else {
            None
        };
        if let Some(e) = eta {
            err = err.with_until(self.clock().now() + e);
        }
        Ok(FailedAttempt { err, eta, not_sent: false })
    }
}

/// One attempt that failed in a way that may be worth another.
struct FailedAttempt {
    err: GraphError,
    /// How long Meta (or `Retry-After`) says to wait.
    eta: Option<Duration>,
    /// The request never left: sending it again cannot duplicate anything.
    not_sent: bool,
}

impl FailedAttempt {
    fn wait_reason(&self) -> WaitReason {
        let err = &self.err;
        if err.is_throttle() {
            WaitReason::RateLimited {
                error_code: err.code(),
                graph_code: err.graph_code(),
                estimated: self.eta.is_some(),
            }
        } else {
            WaitReason::Retrying { error_code: err.code(), graph_code: err.graph_code() }
        }
    }
}

/// A request that got no answer, as an error; `Err` when it ends the call at once (a write that
/// may have been made, or a local problem).
fn lost(call: &Call, failure: SendFailure) -> Result<FailedAttempt, GraphError> {
    let as_error = |timeout: bool, message: String| {
        if timeout {
            GraphError::Timeout { message }
        } else {
            GraphError::Network { message }
        }
    };
    match failure {
        SendFailure::Local(e) => Err(e),
        SendFailure::NotSent { timeout, message } => {
            Ok(FailedAttempt { err: as_error(timeout, message), eta: None, not_sent: true })
        }
        SendFailure::Sent { timeout, message } => {
            if let Safety::Unsafe(op) = &call.safety {
                return Err(GraphError::OutcomeUnknown {
                    operation: op.clone(),
                    cause: if timeout {
                        format!("timed out after sending ({message})")
                    } else {
                        format!("connection lost after sending ({message})")
                    },
                });
            }
            Ok(FailedAttempt { err: as_error(timeout, message), eta: None, not_sent: false })
        }
    }
}

/// Backoff with full jitter: uniform in `[0, min(max_delay, base * 2^(retry-1))]`.
fn backoff(p: &crate::config::RetryPolicy, retry: u32) -> Duration {
    let exp =
        p.base_delay.saturating_mul(1u32.checked_shl(retry.saturating_sub(1)).unwrap_or(u32::MAX));
    let cap = exp.min(p.max_delay);
    let cap_ms = u64::try_from(cap.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=cap_ms))
}

/// The retry decision: how long to wait before attempt `attempt + 1`, or `None` to give up.
/// Only what cannot duplicate a write is sent again: a request that never left, an idempotent
/// one that failed transiently, or (when the policy allows) one Meta refused for a rate limit.
/// Throttles are waited out up to `max_throttle_wait`; everything within the policy's budget.
fn retry_wait(
    policy: &crate::config::RetryPolicy,
    max_attempts: u32,
    call: &Call,
    attempt: u32,
    waited: Duration,
    failed: &FailedAttempt,
) -> Option<Duration> {
    let err = &failed.err;
    let retryable = failed.not_sent
        || (call.safety == Safety::Idempotent && err.is_transient())
        || (err.is_throttle() && policy.retry_rejected_writes);
    if !retryable || attempt >= max_attempts {
        return None;
    }
    let wait = match failed.eta {
        Some(e) if e > policy.max_throttle_wait => return None,
        Some(e) => e,
        None => backoff(policy, attempt),
    };
    (waited + wait <= policy.budget).then_some(wait)
}

/// How long a throttle lasts: the longest `estimated_time_to_regain_access` in the usage headers
/// or in `error.error_data` (minutes).
// UNCONFIRMED: whether Meta ever puts estimated_time_to_regain_access in error_data; the headers
// are the documented place (spec §9.2). Both are read.
pub(crate) fn throttle_eta(body: &Value, usage: &Usage) -> Option<Duration> {
    let from_body = body
        .get("error")
        .and_then(|e| e.get("error_data"))
        .and_then(|d| d.get("estimated_time_to_regain_access"))
        .and_then(as_i64)
        .filter(|m| *m > 0)
        .map(|m| Duration::from_secs(m.unsigned_abs() * 60));
    from_body.into_iter().chain(usage.regain_access_in()).max()
}

/// Removes `access_token`, `appsecret_proof` and `appsecret_time` from a URL's query.
pub(crate) fn strip_credentials(mut url: Url) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "access_token" && k != "appsecret_proof" && k != "appsecret_time")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClientConfig;

    fn client(base: &str) -> GraphClient {
        GraphClient::new(ClientConfig::with_base_url(base)).unwrap()
    }

    #[test]
    fn segments_refuse_injection() {
        for ok in ["123", "act_123", "me", "system_users", "debug_token", "a.b-c"] {
            assert!(segment(ok).is_ok(), "{ok}");
        }
        for bad in ["", "..", ".", "1/2", "1?x=1", "1#f", "a b", "%2F", "ü"] {
            assert_eq!(segment(bad).unwrap_err().code(), "invalid_input", "{bad}");
        }
    }

    #[test]
    fn urls_are_pinned_and_clean() {
        let c = client("http://127.0.0.1:9");
        let call = Call::get(&["123", "system_users"]).unwrap().param("fields", "id,name");
        let url = c.build_url(&call, Some("abc")).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/v26.0/123/system_users?fields=id%2Cname&appsecret_proof=abc"
        );
        let mut post =
            Call::new(Method::POST, &["123", "system_users"], Safety::Idempotent).unwrap();
        post = post.param("name", "x");
        let url = c.build_url(&post, Some("abc")).unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:9/v26.0/123/system_users");
        // A base with a path prefix keeps it.
        let c2 = client("https://example.com/graph/");
        let url = c2.build_url(&Call::get(&["me"]).unwrap(), None).unwrap();
        assert_eq!(url.as_str(), "https://example.com/graph/v26.0/me");
    }

    #[test]
    fn next_urls_same_host_only_and_stripped() {
        let c = client("http://127.0.0.1:8080");
        let u = c
            .same_origin_url("http://127.0.0.1:8080/v26.0/1/owned_pages?limit=25&access_token=EAAB-leak&after=QVFI&appsecret_proof=zz")
            .unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:8080/v26.0/1/owned_pages?limit=25&after=QVFI");
        for bad in [
            "http://127.0.0.1:8081/v26.0/1/owned_pages?after=x",
            "https://127.0.0.1:8080/v26.0/1/owned_pages",
            "http://evil.example/v26.0/1/owned_pages?access_token=x",
            "http://localhost:8080/v26.0/x",
        ] {
            assert_eq!(c.same_origin_url(bad).unwrap_err().code(), "unexpected_response", "{bad}");
        }
        // A relative next resolves against the base.
        let u = c.same_origin_url("/v26.0/1/owned_pages?after=x").unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:8080/v26.0/1/owned_pages?after=x");
    }

    #[test]
    fn the_authorization_header_is_sensitive_and_the_url_clean() {
        use gatehouse_secrets::Secret;
        let c = client("http://127.0.0.1:9");
        let creds =
            Credentials::with_app_secret(Secret::new("EAAB-tok".into()), Secret::new("s".into()));
        let req = c.build_request(Some(&creds), &Call::get(&["me"]).unwrap()).unwrap();
        let auth = req.headers().get(AUTHORIZATION).unwrap();
        assert!(auth.is_sensitive());
        assert_eq!(auth.to_str().unwrap(), "Bearer EAAB-tok");
        assert!(!format!("{:?}", req.headers()).contains("EAAB-tok"));
        assert!(!req.url().as_str().contains("EAAB-tok"));
        let proof =
            crate::appsecret_proof(&Secret::new("EAAB-tok".into()), &Secret::new("s".into()));
        assert_eq!(req.url().query(), Some(format!("appsecret_proof={proof}").as_str()));
        let bad = Credentials::token(Secret::new("bad\ntoken".into()));
        assert_eq!(
            c.build_request(Some(&bad), &Call::get(&["me"]).unwrap()).unwrap_err().code(),
            "invalid_input"
        );
    }

    #[test]
    fn a_call_prints_its_secret_parameters_redacted() {
        let call = Call::get(&["debug_token"])
            .unwrap()
            .param("input_token", "EAAB-secret-token")
            .param("client_secret", "app-secret-value")
            .param("batch", r#"[{"relative_url":"debug_token?input_token=EAAB-other"}]"#)
            .param("fields", "id,name");
        let printed = format!("{call:?}");
        for secret in ["EAAB-secret-token", "app-secret-value", "EAAB-other"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("id,name"), "other parameters stay readable: {printed}");
    }

    #[test]
    fn call_objects_for_pacing() {
        assert_eq!(
            Call::get(&["act_1", "assigned_users"]).unwrap().object().as_deref(),
            Some("act_1")
        );
        let u = Url::parse("http://127.0.0.1:1/v26.0/123/owned_pages?after=x").unwrap();
        let c = Call {
            method: Method::GET,
            target: Target::Url(u),
            params: vec![],
            safety: Safety::Idempotent,
            extra_objects: vec!["9".into()],
            declared: None,
        };
        assert_eq!(c.objects(), vec!["123".to_string(), "9".to_string()]);
    }

    #[test]
    fn relative_urls_for_batches() {
        let call = Call::get(&["act_1", "assigned_users"]).unwrap().param("business", "9");
        assert_eq!(call.relative_url("v26.0").unwrap(), "v26.0/act_1/assigned_users?business=9");
        let post = Call::new(Method::POST, &["act_1", "assigned_users"], Safety::Idempotent)
            .unwrap()
            .param("user", "5");
        assert_eq!(post.relative_url("v26.0").unwrap(), "v26.0/act_1/assigned_users");
    }

    #[test]
    fn backoff_is_bounded() {
        let c = client("http://127.0.0.1:9");
        for retry in 1..40 {
            let d = c.backoff(retry);
            assert!(d <= c.config().retry.max_delay, "{retry}: {d:?}");
        }
        assert!(c.backoff(1) <= c.config().retry.base_delay);
    }

    #[test]
    fn throttle_eta_sources() {
        let body = serde_json::json!({"error": {"code": 80004, "error_data": {"estimated_time_to_regain_access": 3}}});
        assert_eq!(throttle_eta(&body, &Usage::default()), Some(Duration::from_secs(180)));
        assert_eq!(throttle_eta(&serde_json::json!({}), &Usage::default()), None);
    }
}
