//! The HTTP side: 127.0.0.1 only, a per-run secret on every request, the `Host` checked (so a web
//! page cannot reach it by DNS rebinding), CORS only for loopback origins (the Vite dev server
//! and the test browser). Hand-written on hyper, like the emulator: six routes do not need a
//! framework.
//!
//! - `POST /sessions` → `{"id"}`: a fresh engine (see [`crate::session`]).
//! - `DELETE /sessions/{id}`.
//! - `POST /sessions/{id}/invoke/{command}` with the arguments object: newline-delimited JSON,
//!   streamed: `{"channel","message"}` for each progress message, then the answer as the
//!   bindings' `Result`: `{"status":"ok","data"}` or `{"status":"error","error"}`.
//! - `{METHOD} /sessions/{id}/emulator/{path}`: the session's demo emulator's control endpoint
//!   (`/__emulator/{path}`: faults, limits, clock, token expiry), for error states.
//! - `GET /sessions/{id}/clipboard`: `{"holds_secret"}`, whether the session's clipboard holds a
//!   copied token now (never the token).
//! - `POST /sessions/{id}/keyring/fault` with `{"fault": "locked"}` (and the other keyring
//!   failures, and `timeout`: the call outlasts the time limit): the session's next keyring
//!   call fails as the OS keyring would.
//! - `POST /sessions/{id}/profiles` with a profile (`id`, `label`, `business_id`, `app_id`,
//!   `base_url`) and its `admin_token` and `app_secret`: a saved portfolio written straight to
//!   the session's files and keyring, as a hand-edited `profiles.json` would be (no check).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::dispatch;
use crate::session::Session;

type Body = UnsyncBoxBody<Bytes, Infallible>;

/// The running host: what every connection shares.
pub struct Host {
    port: u16,
    secret: String,
    sessions: Mutex<HashMap<String, Arc<Session>>>,
}

impl Host {
    pub fn new(port: u16, secret: String) -> Arc<Self> {
        Arc::new(Self { port, secret, sessions: Mutex::new(HashMap::new()) })
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Serves connections from `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, host: Arc<Host>) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else { continue };
        let host = host.clone();
        tokio::spawn(async move {
            let io = hyper_util::rt::TokioIo::new(stream);
            let service = hyper::service::service_fn(move |request| {
                let host = host.clone();
                async move { Ok::<_, Infallible>(handle(&host, peer, request).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
        });
    }
}

fn full(status: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())).boxed_unsync());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn refuse(status: StatusCode, why: &str) -> Response<Body> {
    full(status, &json!({ "error": why }))
}

/// `http://127.0.0.1:N` or `http://localhost:N`: the only pages allowed to call the host.
fn loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else { return false };
    let host = rest.rsplit_once(':').map_or(rest, |(host, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            host
        } else {
            rest
        }
    });
    host == "127.0.0.1" || host == "localhost" || host == "[::1]"
}

/// Compares in constant time (the secret is short; a timing leak would still be a leak).
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    given.len() == expected.len()
        && given.iter().zip(expected).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

async fn handle(host: &Host, peer: SocketAddr, request: Request<Incoming>) -> Response<Body> {
    let origin =
        request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mut response = route(host, peer, request, origin.as_deref()).await;
    if let Some(origin) = origin.filter(|o| loopback_origin(o)) {
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&origin) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, DELETE"),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
    }
    response
}

async fn route(
    host: &Host,
    peer: SocketAddr,
    request: Request<Incoming>,
    origin: Option<&str>,
) -> Response<Body> {
    if !peer.ip().is_loopback() {
        return refuse(StatusCode::FORBIDDEN, "loopback only");
    }
    let host_header = request.headers().get(header::HOST).and_then(|v| v.to_str().ok());
    let allowed_hosts = [format!("127.0.0.1:{}", host.port), format!("localhost:{}", host.port)];
    if !host_header.is_some_and(|h| allowed_hosts.iter().any(|a| a == h)) {
        return refuse(StatusCode::FORBIDDEN, "unexpected Host header");
    }
    if origin.is_some_and(|o| !loopback_origin(o)) {
        return refuse(StatusCode::FORBIDDEN, "only pages on this computer may call the dev host");
    }
    // A CORS preflight carries no credentials; it reveals nothing and changes nothing.
    if request.method() == Method::OPTIONS {
        let mut response = Response::new(Full::new(Bytes::new()).boxed_unsync());
        *response.status_mut() = StatusCode::NO_CONTENT;
        return response;
    }
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !bearer.is_some_and(|b| same_secret(b.as_bytes(), host.secret.as_bytes())) {
        return refuse(StatusCode::UNAUTHORIZED, "missing or wrong per-run secret");
    }

    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return refuse(StatusCode::BAD_REQUEST, "could not read the request body"),
    };
    let parts: Vec<&str> = path.trim_start_matches('/').splitn(4, '/').collect();
    match (&method, parts.as_slice()) {
        (&Method::POST, ["sessions"]) => match Session::new() {
            Ok(session) => {
                let id = uuid::Uuid::now_v7().to_string();
                host.sessions().insert(id.clone(), Arc::new(session));
                full(StatusCode::CREATED, &json!({ "id": id }))
            }
            Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        },
        (&Method::DELETE, ["sessions", id]) => match host.sessions().remove(*id) {
            Some(_) => full(StatusCode::OK, &json!({})),
            None => refuse(StatusCode::NOT_FOUND, "no such session"),
        },
        (&Method::POST, ["sessions", id, "invoke", command]) => {
            let Some(session) = host.sessions().get(*id).cloned() else {
                return refuse(StatusCode::NOT_FOUND, "no such session");
            };
            let args: Value = if body.is_empty() {
                Value::Null
            } else {
                match serde_json::from_slice(&body) {
                    Ok(args) => args,
                    Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("arguments: {e}")),
                }
            };
            invoke_streamed(session, (*command).to_owned(), args)
        }
        (_, ["sessions", id, "emulator", rest]) => {
            let Some(session) = host.sessions().get(*id).cloned() else {
                return refuse(StatusCode::NOT_FOUND, "no such session");
            };
            let demo = match session.state.demo().await {
                Ok(demo) => demo,
                Err(e) => return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
            };
            let (status, value) =
                demo.emulator().control(method.as_str(), &format!("/{rest}"), &query, &body);
            full(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY), &value)
        }
        (&Method::GET, ["sessions", id, "clipboard"]) => match host.sessions().get(*id) {
            Some(session) => {
                full(StatusCode::OK, &json!({ "holds_secret": session.clipboard.holds_a_secret() }))
            }
            None => refuse(StatusCode::NOT_FOUND, "no such session"),
        },
        (&Method::POST, ["sessions", id, "keyring", "fault"]) => {
            let Some(session) = host.sessions().get(*id).cloned() else {
                return refuse(StatusCode::NOT_FOUND, "no such session");
            };
            keyring_fault(&session, &body)
        }
        (&Method::POST, ["sessions", id, "profiles"]) => {
            let Some(session) = host.sessions().get(*id).cloned() else {
                return refuse(StatusCode::NOT_FOUND, "no such session");
            };
            write_profile(&session, &body).await
        }
        _ => refuse(StatusCode::NOT_FOUND, "no such route"),
    }
}

/// A saved portfolio written without the connection check (see the module's routes).
async fn write_profile(session: &Session, body: &[u8]) -> Response<Body> {
    use gatehouse_core::profiles::{store_secrets, Profile, ProfileSecrets, DEFAULT_API_VERSION};
    use gatehouse_secrets::Secret;

    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Written {
        id: String,
        label: String,
        business_id: String,
        app_id: String,
        base_url: Option<String>,
        admin_token: String,
        app_secret: String,
    }
    let w: Written = match serde_json::from_slice(body) {
        Ok(w) => w,
        Err(e) => return refuse(StatusCode::BAD_REQUEST, &format!("profile: {e}")),
    };
    let profile = Profile {
        id: w.id,
        label: w.label,
        business_id: w.business_id,
        app_id: w.app_id,
        base_url: w.base_url,
        api_version: DEFAULT_API_VERSION.to_owned(),
    };
    let secrets = ProfileSecrets {
        admin_token: Secret::new(w.admin_token),
        app_secret: Secret::new(w.app_secret),
    };
    let (Ok(profiles), Ok(keyring)) = (session.state.profiles(), session.state.secrets()) else {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, "the session has no profile store");
    };
    if let Err(e) = store_secrets(keyring, &profile.id, &secrets).await {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string());
    }
    match profiles.add(profile) {
        Ok(()) => full(StatusCode::CREATED, &json!({})),
        Err(e) => refuse(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

/// Makes the session's next keyring call fail as a real keyring would (`{"fault": "locked"}`),
/// so the UI's keychain error states are the engine's own.
fn keyring_fault(session: &Session, body: &[u8]) -> Response<Body> {
    use gatehouse_secrets::MockFault;
    let name = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("fault").and_then(Value::as_str).map(str::to_owned));
    let fault = match name.as_deref() {
        Some("no_secret_service") => MockFault::NoSecretService,
        Some("locked") => MockFault::Locked,
        Some("prompt_dismissed") => MockFault::PromptDismissed,
        Some("no_default_collection") => MockFault::NoDefaultCollection,
        Some("access_denied") => MockFault::AccessDenied,
        // An unlock dialog nobody answers: the call outlasts the session's time limit.
        Some("timeout") => MockFault::Stall(
            crate::session::KEYRING_TIME_LIMIT + std::time::Duration::from_millis(300),
        ),
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "fault: one of no_secret_service, locked, prompt_dismissed, \
                 no_default_collection, access_denied, timeout",
            )
        }
    };
    let injected = session.state.secrets().and_then(|store| {
        store.inject_mock_fault(fault).map_err(gatehouse_commands::CommandError::from)
    });
    match injected {
        Ok(()) => full(StatusCode::OK, &json!({})),
        Err(e) => refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.message),
    }
}

/// Runs a command in its own task and streams its progress messages and then its answer, one
/// JSON object per line, as they happen.
fn invoke_streamed(session: Arc<Session>, command: String, args: Value) -> Response<Body> {
    let (lines, receiver) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
    tokio::spawn(async move {
        let progress = lines.clone();
        let emit = move |channel: &'static str, message: Value| {
            let _ = progress.send(line(&json!({ "channel": channel, "message": message })));
        };
        let outcome = dispatch::invoke(&session.state, &command, args, &emit).await;
        let last = match outcome {
            Ok(Ok(data)) => json!({ "status": "ok", "data": data }),
            Ok(Err(error)) => json!({ "status": "error", "error": error }),
            // Not the command's error: the request itself was wrong (a test's bug).
            Err(e) => json!({ "status": "bad_request", "reason": e.to_string() }),
        };
        let _ = lines.send(line(&last));
    });
    let stream = futures::stream::unfold(receiver, |mut receiver| async move {
        let bytes = receiver.recv().await?;
        Some((Ok::<_, Infallible>(Frame::data(bytes)), receiver))
    });
    let mut response = Response::new(StreamBody::new(stream).boxed_unsync());
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    response
}

fn line(value: &Value) -> Bytes {
    let mut text = value.to_string();
    text.push('\n');
    Bytes::from(text)
}
