//! The control endpoint under `/__emulator/` (loopback peers only): manifest, faults, limits,
//! request log, state snapshot, token expiry, the clock and the login dialog's browser.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::FaultConfig;
use crate::limits::LimitsConfig;
use crate::params::Params;
use crate::server::Shared;
use crate::state::{NodeRef, State, TokenStatus};

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ExpireRequest {
    token: Option<String>,
    user: Option<String>,
    all: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ClockRequest {
    advance_secs: i64,
}

fn bad(msg: impl std::fmt::Display) -> (u16, Value) {
    (400, json!({"error": msg.to_string()}))
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, (u16, Value)> {
    let body = if body.is_empty() { b"{}".as_slice() } else { body };
    serde_json::from_slice(body).map_err(bad)
}

/// Handles `/__emulator{rest}`; returns the status and JSON body.
pub fn handle(shared: &Shared, method: &str, rest: &str, query: &str, body: &[u8]) -> (u16, Value) {
    match handle_inner(shared, method, rest, query, body) {
        Ok(v) => (200, v),
        Err(e) => e,
    }
}

fn handle_inner(
    shared: &Shared,
    method: &str,
    rest: &str,
    query: &str,
    body: &[u8],
) -> Result<Value, (u16, Value)> {
    let mut inner = shared.lock();
    let route = rest.trim_end_matches('/');
    match (method, route) {
        ("GET", "/manifest") => {
            Ok(json!(crate::manifest(&inner.st, &shared.base_url, &shared.control_secret)))
        }
        ("GET", "/faults") => Ok(json!(inner.faults.config)),
        ("PUT" | "POST", "/faults") => {
            let cfg: FaultConfig = parse(body)?;
            let now = inner.st.now();
            inner.faults.set(cfg, now);
            Ok(json!(inner.faults.config))
        }
        ("DELETE", "/faults") => {
            let now = inner.st.now();
            inner.faults.set(FaultConfig::default(), now);
            Ok(json!(inner.faults.config))
        }
        ("GET", "/limits") => Ok(json!(inner.limiter.config)),
        ("PUT" | "POST", "/limits") => {
            let cfg: LimitsConfig = parse(body)?;
            inner.limiter.config = cfg;
            Ok(json!(inner.limiter.config))
        }
        ("GET", "/requests") => {
            let since: u64 =
                Params::from_query(query).get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
            let entries: Vec<_> = inner.log.iter().filter(|e| e.seq >= since).collect();
            Ok(json!({"requests": entries, "next_seq": inner.next_seq}))
        }
        ("DELETE", "/requests") => {
            inner.log.clear();
            Ok(json!({"next_seq": inner.next_seq}))
        }
        ("GET", "/state") => Ok(snapshot(&inner.st)),
        ("POST", "/expire_tokens") => {
            let req: ExpireRequest = parse(body)?;
            let st = &mut inner.st;
            let now = st.now();
            let user = match &req.user {
                Some(id) => match st.index.get(id) {
                    Some(NodeRef::User(u)) => Some(*u),
                    _ => return Err(bad(format!("unknown user {id}"))),
                },
                None => None,
            };
            if req.token.is_none() && user.is_none() && !req.all {
                return Err(bad("give token, user or all: true"));
            }
            let mut n = 0;
            for t in st.tokens.iter_mut() {
                let hit = req.all
                    || req.token.as_deref() == Some(t.value.as_str())
                    || user == Some(t.user);
                if hit && t.status == TokenStatus::Valid {
                    t.expires_at = now - 1;
                    n += 1;
                }
            }
            Ok(json!({"expired": n}))
        }
        ("GET", "/login") => Ok(json!(inner.st.login_browser)),
        ("PUT" | "POST", "/login") => {
            let browser: crate::login::LoginBrowser = parse(body)?;
            if let Some(id) = &browser.signed_in_as {
                if crate::login::person(&inner.st, id).is_none() {
                    return Err(bad(format!("{id} is not a person of the fixture")));
                }
            }
            inner.st.login_browser = browser;
            Ok(json!(inner.st.login_browser))
        }
        ("POST", "/clock") => {
            let req: ClockRequest = parse(body)?;
            inner.st.clock_offset += req.advance_secs;
            Ok(json!({"now": inner.st.now(), "offset_secs": inner.st.clock_offset}))
        }
        _ => Err((404, json!({"error": format!("no control route {method} {rest}")}))),
    }
}

/// What was really written: system users, installed apps, assignments, tokens, relationships.
/// Assets are summarised by count (the 100k fixture would be huge), assignments listed in full.
pub fn snapshot(st: &State) -> Value {
    let businesses: Vec<Value> = st
        .businesses
        .iter()
        .map(|b| {
            let counts: serde_json::Map<String, Value> = State::all_kinds()
                .iter()
                .map(|k| (k.business_edges().0.to_string(), json!(b.owned[k.ix()].len())))
                .collect();
            json!({
                "id": b.id,
                "name": b.name,
                "clients": b.clients.iter().map(|&c| &st.businesses[c].id).collect::<Vec<_>>(),
                "owned_counts": counts,
                "system_users": b.system_users.iter().map(|&u| {
                    let su = &st.users[u];
                    json!({
                        "id": su.id, "name": su.name, "role": su.role.as_str(), "removed": su.removed,
                        "obo_partner": su.obo_partner.map(|p| &st.businesses[p].id),
                        "installed_apps": su.installed_apps.iter().map(|&a| &st.assets[a].id).collect::<Vec<_>>(),
                    })
                }).collect::<Vec<_>>(),
                "people": b.people.iter().map(|&u| json!({"id": st.users[u].id, "name": st.users[u].name, "role": st.users[u].role.as_str()})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let assignments: Vec<Value> = st
        .assets
        .iter()
        .filter(|a| !a.assigned.is_empty())
        .flat_map(|a| {
            a.assigned
                .iter()
                .map(move |x| json!({"asset": a.id, "user": st.users[x.user].id, "tasks": x.tasks}))
        })
        .collect();
    let tokens: Vec<Value> = st
        .tokens
        .iter()
        .map(|t| {
            json!({
                "token_prefix": &t.value[..12],
                "type": t.kind,
                "user": st.users[t.user].id,
                "app": st.assets[t.app].id,
                "scopes": t.scopes,
                "issued_at": t.issued_at,
                "expires_at": t.expires_at,
                "status": t.status,
                "page": t.page.map(|p| &st.assets[p].id),
            })
        })
        .collect();
    json!({
        "fixture": st.fixture_name,
        "now": st.now(),
        "writes": st.writes,
        "businesses": businesses,
        "assignments": assignments,
        "tokens": tokens,
    })
}
