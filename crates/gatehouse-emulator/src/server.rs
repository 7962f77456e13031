//! The HTTP side: loopback listener, per-request pipeline (faults, control endpoint, batch,
//! routing, request log) and the bodies and resets that faults need.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Sleep;

use crate::batch;
use crate::errors::GraphError;
use crate::faults::Faults;
use crate::limits::Limiter;
use crate::params::Params;
use crate::routes::{Ctx, Request, Response};
use crate::state::State;

/// One handled request, as the control endpoint reports it.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// Parameter names and values, with tokens, secrets and proofs shortened.
    pub params: Vec<(String, String)>,
    pub status: u16,
    /// Graph error code, when the answer was an error.
    pub error_code: Option<u32>,
    /// The request changed state.
    pub write: bool,
    /// Injected fault: `reset`, `transient`, `commit_then_drop`, `commit_then_error`.
    pub fault: Option<&'static str>,
    /// Time spent handling, without injected latency.
    pub duration_us: u64,
}

pub struct Inner {
    pub st: State,
    pub limiter: Limiter,
    pub faults: Faults,
    pub log: Vec<LogEntry>,
    pub next_seq: u64,
    pub strict_task_combos: bool,
}

pub struct Shared {
    pub inner: Mutex<Inner>,
    pub base_url: String,
    /// Required in the `x-emulator-control` header of control requests (see `Manifest`).
    pub control_secret: String,
    /// `GATEHOUSE_EMULATOR_CALL_LOG`: a file that gets one JSON line per call shape (names of
    /// node types, edges, fields and parameters; never a value), for the conformance test.
    pub call_log: Option<std::path::PathBuf>,
}

impl Shared {
    fn record_calls(&self, calls: &[crate::routes::CallShape]) {
        use std::io::Write;
        let Some(path) = &self.call_log else { return };
        let mut lines = String::new();
        for c in calls {
            if let Ok(line) = serde_json::to_string(c) {
                lines.push_str(&line);
                lines.push('\n');
            }
        }
        // One append per request: lines of concurrent emulators do not interleave.
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
            let _ = f.write_all(lines.as_bytes());
        }
    }
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent-enough data for an emulator.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn push_log(&mut self, mut entry: LogEntry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        // Bounded, so a long benchmark does not grow without limit.
        if self.log.len() >= 100_000 {
            self.log.drain(..10_000);
        }
        self.log.push(entry);
    }
}

/// Parameters that carry a token or a secret: never logged, whatever surrounds them.
const SECRET_PARAMS: [&str; 7] = [
    "access_token",
    // The login dialog's code: exchanged for a token with the app secret.
    "code",
    "client_secret",
    "appsecret_proof",
    "fb_exchange_token",
    "revoke_token",
    "input_token",
];

/// A parameter as the request log keeps it: secrets replaced by their length, a batch's
/// operations with their own URLs' and bodies' secrets replaced too, and long values cut (on a
/// character boundary: values are any UTF-8).
fn redact(k: &str, v: &str) -> String {
    if SECRET_PARAMS.contains(&k) {
        return format!("[redacted: {} chars]", v.chars().count());
    }
    if k == "batch" {
        if let Ok(serde_json::Value::Array(mut ops)) = serde_json::from_str(v) {
            for op in &mut ops {
                for field in ["relative_url", "body"] {
                    if let Some(text) = op.get(field).and_then(|t| t.as_str()) {
                        let clean = redact_encoded(text);
                        op[field] = serde_json::Value::String(clean);
                    }
                }
            }
            return cut(&serde_json::Value::Array(ops).to_string());
        }
    }
    cut(v)
}

/// A URL's query or a form body with its secret parameters redacted.
fn redact_encoded(text: &str) -> String {
    let (head, query) = match text.split_once('?') {
        Some((path, query)) => (Some(path), query),
        None if text.contains('=') => (None, text),
        None => return cut(text),
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| {
            let v = if SECRET_PARAMS.contains(&k.as_ref()) {
                format!("[redacted: {} chars]", v.chars().count())
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    cut(&match head {
        Some(path) => format!("{path}?{encoded}"),
        None => encoded,
    })
}

/// At most 2,000 characters.
fn cut(v: &str) -> String {
    const MAX: usize = 2_000;
    match v.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &v[..end]),
        None => v.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Bodies and streams.

/// A response body sent whole, or in chunks with a delay between them (slow-body fault).
pub struct EmuBody {
    chunks: VecDeque<Bytes>,
    delay: Option<Duration>,
    pending: Option<Pin<Box<Sleep>>>,
}

impl EmuBody {
    pub fn full(bytes: Bytes) -> Self {
        Self { chunks: VecDeque::from([bytes]), delay: None, pending: None }
    }

    fn slow(bytes: Bytes, chunk: usize, delay: Duration) -> Self {
        let mut chunks = VecDeque::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            chunks.push_back(rest.split_to(chunk.min(rest.len())));
        }
        Self { chunks, delay: Some(delay), pending: None }
    }
}

impl Body for EmuBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = &mut *self;
        if let Some(sleep) = this.pending.as_mut() {
            match sleep.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => this.pending = None,
            }
        }
        let Some(chunk) = this.chunks.pop_front() else {
            return Poll::Ready(None);
        };
        if let (Some(d), false) = (this.delay, this.chunks.is_empty()) {
            this.pending = Some(Box::pin(tokio::time::sleep(d)));
        }
        Poll::Ready(Some(Ok(Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.chunks.iter().map(|c| c.len() as u64).sum())
    }
}

/// A TCP stream that is closed with RST (SO_LINGER 0) when a fault asked for a reset, so the
/// client sees "connection reset" rather than a clean close.
struct ResetStream {
    inner: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResetStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            // A zero linger never blocks: the kernel drops the buffers and sends RST.
            let _ = socket2::SockRef::from(&self.inner).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for ResetStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResetStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The error a service returns to make hyper drop the connection without answering.
#[derive(Debug)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

// ---------------------------------------------------------------------------------------------
// Serving.

pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                conns.spawn(async move {
                    let reset = Arc::new(AtomicBool::new(false));
                    let io = hyper_util::rt::TokioIo::new(ResetStream { inner: stream, reset: reset.clone() });
                    let svc = service_fn(move |req| handle(shared.clone(), peer, reset.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, svc).await;
                });
            }
            _ = stop.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}

/// The login dialog's page or redirect (never cached: it carries a token).
fn login_response(answer: crate::login::LoginAnswer) -> hyper::Response<EmuBody> {
    use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, LOCATION};
    let (status, body, location) = match answer {
        crate::login::LoginAnswer::Page { status, html } => (status, html, None),
        crate::login::LoginAnswer::Redirect(to) => (302, String::new(), Some(to)),
    };
    let mut resp = hyper::Response::new(EmuBody::full(Bytes::from(body)));
    *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
    let h = resp.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(to) = location.and_then(|to| HeaderValue::from_str(&to).ok()) {
        h.insert(LOCATION, to);
    }
    resp
}

fn json_response(
    status: u16,
    body: &Value,
    headers: &[(String, String)],
    slow: Option<(usize, Duration)>,
) -> hyper::Response<EmuBody> {
    let bytes = Bytes::from(body.to_string());
    let body = match slow {
        Some((chunk, delay)) => EmuBody::slow(bytes, chunk, delay),
        None => EmuBody::full(bytes),
    };
    let mut resp = hyper::Response::new(body);
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
    let h = resp.headers_mut();
    h.insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/json; charset=UTF-8"),
    );
    h.insert("facebook-api-version", hyper::header::HeaderValue::from_static(crate::API_VERSION));
    for (k, v) in headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            hyper::header::HeaderValue::from_str(v),
        ) {
            h.insert(name, value);
        }
    }
    resp
}

/// Builds the parameter bag from the query string and a form, multipart or JSON body.
fn parse_params(query: &str, content_type: &str, body: &[u8]) -> Result<Params, GraphError> {
    let mut params = Params::from_query(query);
    let ct = content_type.to_ascii_lowercase();
    if ct.starts_with("multipart/form-data") {
        let boundary = content_type
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_string())
            .ok_or_else(|| GraphError::param("Multipart body without boundary"))?;
        params.extend_multipart(body, &boundary)?;
    } else if ct.starts_with("application/json") {
        // The Node SDK posts JSON objects; nested values arrive as JSON text like the others.
        if !body.is_empty() {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(m)) => {
                    for (k, v) in m {
                        let v = match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        params.set(k, v);
                    }
                }
                _ => return Err(GraphError::param("Invalid JSON body")),
            }
        }
    } else if !body.is_empty() {
        params.extend_urlencoded(body);
    }
    Ok(params)
}

/// `Host` names this computer. The port is not checked: a forwarding proxy in front (the
/// tests' fault proxies) keeps its own; a rebinding page cannot send a loopback name.
fn loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        Some((n, p)) if !n.is_empty() && !p.contains(']') => n,
        _ => host,
    };
    matches!(name.to_ascii_lowercase().as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// Compares without stopping at the first difference (the secret is not guessable byte by byte).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn handle(
    shared: Arc<Shared>,
    peer: SocketAddr,
    reset: Arc<AtomicBool>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<EmuBody>, DropConnection> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let content_type =
        req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("OAuth ")))
        .map(|v| v.trim().to_string());
    let host_ok =
        req.headers().get("host").and_then(|v| v.to_str().ok()).is_some_and(loopback_host);
    let control_ok = req
        .headers()
        .get("x-emulator-control")
        .is_some_and(|v| constant_time_eq(v.as_bytes(), shared.control_secret.as_bytes()));
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Err(DropConnection),
    };

    // A page on another site that rebinds its name to 127.0.0.1 sends its own name as `Host`:
    // nothing here answers it.
    if !host_ok {
        return Ok(json_response(421, &json!({"error": "unexpected Host"}), &[], None));
    }
    if crate::login::is_login_path(&path) {
        let answer = crate::login::handle(&mut shared.lock().st, &method, &path, &query, &body);
        return Ok(login_response(answer));
    }
    if let Some(rest) = path.strip_prefix("/__emulator") {
        if !peer.ip().is_loopback() {
            return Ok(json_response(403, &json!({"error": "loopback only"}), &[], None));
        }
        if !control_ok {
            return Ok(json_response(
                403,
                &json!({"error": "the control endpoint needs this run's secret (manifest control_secret) in x-emulator-control"}),
                &[],
                None,
            ));
        }
        let (status, value) = crate::control::handle(&shared, &method, rest, &query, &body);
        return Ok(json_response(status, &value, &[], None));
    }

    let now = shared.lock().st.now();
    let decision = shared.lock().faults.before(&path, now);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    let started = Instant::now();
    let params = parse_params(&query, &content_type, &body);
    let query_pairs = Params::from_query(&query).pairs().to_vec();
    let mut inner = shared.lock();
    let inner = &mut *inner;
    let mut entry = LogEntry {
        seq: 0,
        method: method.clone(),
        path: path.clone(),
        params: params
            .as_ref()
            .map(|p| p.pairs().iter().map(|(k, v)| (k.clone(), redact(k, v))).collect())
            .unwrap_or_default(),
        status: 0,
        error_code: None,
        write: false,
        fault: None,
        duration_us: 0,
    };
    if decision.reset {
        entry.fault = Some("reset");
        inner.push_log(entry);
        reset.store(true, Ordering::SeqCst);
        return Err(DropConnection);
    }
    if let Some(status) = decision.transient_status {
        let e = crate::faults::transient_error(2, status);
        let trace = inner.st.trace_rng.fbtrace_id();
        entry.fault = Some("transient");
        entry.status = status;
        entry.error_code = Some(2);
        inner.push_log(entry);
        return Ok(json_response(status, &e.to_json(&trace), &[], None));
    }
    let params = match params {
        Ok(p) => p,
        Err(e) => {
            let trace = inner.st.trace_rng.fbtrace_id();
            entry.status = e.status;
            entry.error_code = Some(e.code);
            inner.push_log(entry);
            return Ok(json_response(e.status, &e.to_json(&trace), &[], None));
        }
    };
    let request = Request {
        method: method.to_ascii_uppercase(),
        path: path.clone(),
        params,
        query: query_pairs,
        bearer,
        in_batch: false,
    };
    let writes_before = inner.st.writes;
    let is_batch = request.method == "POST" && request.params.get("batch").is_some();
    let response = {
        let Inner { st, limiter, faults, strict_task_combos, .. } = inner;
        let mut ctx = Ctx {
            st,
            limiter,
            base_url: &shared.base_url,
            forced_throttle: decision.throttle_remaining,
            strict_task_combos: *strict_task_combos,
            calls: Vec::new(),
        };
        let response = if is_batch {
            ctx.calls.push(crate::routes::CallShape {
                method: "POST".into(),
                node_type: "Root",
                edge: None,
                path: Some(String::new()),
                fields: Vec::new(),
                params: request.params.pairs().iter().map(|(k, _)| k.clone()).collect(),
                in_batch: false,
            });
            let cursors = faults.config.chained_cursors;
            // An operation hit by a transient or reset fault does not complete: `null`.
            let mut drop_op = |p: &str| {
                let d = faults.before(p, now);
                d.reset || d.transient_status.is_some()
            };
            match batch::run(&mut ctx, &request, cursors, &mut drop_op) {
                Ok(v) => Response { status: 200, body: v, headers: Vec::new() },
                Err(e) => {
                    let trace = ctx.st.trace_rng.fbtrace_id();
                    Response::error(&e, &trace, Vec::new())
                }
            }
        } else {
            ctx.handle(&request)
        };
        shared.record_calls(&ctx.calls);
        response
    };
    entry.write = inner.st.writes != writes_before;
    entry.status = response.status;
    entry.error_code = response
        .body
        .get("error")
        .and_then(|e| e.get("code"))
        .and_then(Value::as_u64)
        .map(|c| c as u32);
    entry.duration_us = started.elapsed().as_micros() as u64;
    if entry.write && inner.faults.drop_after_commit(&path) {
        entry.fault = Some("commit_then_drop");
        inner.push_log(entry);
        reset.store(true, Ordering::SeqCst);
        return Err(DropConnection);
    }
    if entry.write {
        if let Some(e) = inner.faults.error_after_commit(&path) {
            let trace = inner.st.trace_rng.fbtrace_id();
            entry.fault = Some("commit_then_error");
            entry.status = e.status;
            entry.error_code = Some(e.code);
            inner.push_log(entry);
            return Ok(json_response(e.status, &e.to_json(&trace), &[], None));
        }
    }
    let slow = inner.faults.slow_body(&path);
    inner.push_log(entry);
    Ok(json_response(response.status, &response.body, &response.headers, slow))
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn no_secret_reaches_the_request_log_not_even_inside_a_batch() {
        let token = "EAAGsecretsecretsecretsecret";
        assert_eq!(redact("access_token", token), "[redacted: 28 chars]");
        let batch = serde_json::json!([
            {"method": "GET", "relative_url": format!("debug_token?input_token={token}&fields=data")},
            {"method": "POST", "relative_url": "oauth/access_token",
             "body": format!("grant_type=fb_exchange_token&fb_exchange_token={token}")},
            {"method": "POST", "relative_url": "me/permissions", "body": format!("revoke_token={token}")},
        ])
        .to_string();
        let logged = redact("batch", &batch);
        assert!(!logged.contains("secretsecret"), "{logged}");
        assert!(logged.contains("fields=data") && logged.contains("grant_type=fb_exchange_token"));
        // Any UTF-8, any length: cut on a character boundary, never a panic.
        let long: String = "é".repeat(3_000);
        assert_eq!(redact("name", &long).chars().count(), 2_001);
        assert_eq!(redact("access_token", "ééééééééééééééé"), "[redacted: 15 chars]");
        assert_eq!(redact("batch", "not json ü"), "not json ü");
    }
}
