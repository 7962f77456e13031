//! Graph API routing: version prefixes, token resolution, rate limiting, then one handler per
//! node type and edge.

mod assets;
mod oauth;
mod obo;
pub mod render;
mod users;

use serde_json::{json, Value};

use crate::auth::{authenticate, check_proof, Caller};
use crate::errors::{GraphError, GraphResult};
use crate::fields::{self, Field};
use crate::fixture::{Role, Tier};
use crate::limits::{Limiter, Usage};
use crate::model::AssetKind;
use crate::paging::{LinkBase, PageParams};
use crate::params::Params;
use crate::state::{AssetIx, BizIx, NodeRef, State, TokenKind, UserIx, UserKind};
use render::{edge_kind, is_business_list_edge, AssetExtras, View};

/// A parsed Graph request (HTTP or one batch operation).
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub params: Params,
    /// The query string as sent, for `next`/`previous` links.
    pub query: Vec<(String, String)>,
    pub bearer: Option<String>,
    /// An operation of a batch request.
    pub in_batch: bool,
}

/// A Graph response before it is put on the wire.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Value,
    pub headers: Vec<(String, String)>,
}

impl Response {
    pub fn error(e: &GraphError, fbtrace: &str, headers: Vec<(String, String)>) -> Self {
        Self { status: e.status, body: e.to_json(fbtrace), headers }
    }
}

/// The shape of one Graph call as the router understood it: what Meta's published schema is
/// checked against (`tests/conformance` at the repository's root). Names only, never values.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CallShape {
    pub method: String,
    /// The node's type by Meta's SDK class name (`SystemUser`, `AdAccount`, …), or `Root` for
    /// `debug_token`, `oauth/*` and the batch endpoint.
    pub node_type: &'static str,
    pub edge: Option<String>,
    /// `Root` calls: the path below the version.
    pub path: Option<String>,
    /// Top-level names of `fields`.
    pub fields: Vec<String>,
    /// Parameter names.
    pub params: Vec<String>,
    pub in_batch: bool,
}

/// Everything a handler may touch.
pub struct Ctx<'a> {
    pub st: &'a mut State,
    pub limiter: &'a mut Limiter,
    /// `http://127.0.0.1:PORT`.
    pub base_url: &'a str,
    /// Seconds left in a fault-injected throttling window.
    pub forced_throttle: Option<u64>,
    /// Whether ad-account task combinations are enforced (100/1752129).
    pub strict_task_combos: bool,
    /// The calls handled, batch operations included (see [`CallShape`]).
    pub calls: Vec<CallShape>,
}

pub fn is_version(seg: &str) -> bool {
    seg.strip_prefix('v').and_then(|r| r.split_once('.')).is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.chars().all(|c| c.is_ascii_digit())
    })
}

/// The target of a request after `me` and the version prefix are resolved.
struct Target {
    version_prefix: String,
    segments: Vec<String>,
}

fn split_path(path: &str) -> Target {
    let mut segments: Vec<String> =
        path.split('/').filter(|s| !s.is_empty()).map(|s| s.to_string()).collect();
    let mut version_prefix = String::new();
    if segments.first().is_some_and(|s| is_version(s)) {
        version_prefix = format!("/{}", segments.remove(0));
    }
    Target { version_prefix, segments }
}

impl Ctx<'_> {
    pub fn handle(&mut self, req: &Request) -> Response {
        let mut headers = Vec::new();
        let result = self.route(req, &mut headers);
        match result {
            Ok(body) => Response { status: 200, body, headers },
            Err(e) => {
                let trace = self.st.trace_rng.fbtrace_id();
                Response::error(&e, &trace, headers)
            }
        }
    }

    fn route(&mut self, req: &Request, headers: &mut Vec<(String, String)>) -> GraphResult<Value> {
        let target = split_path(&req.path);
        let segs: Vec<&str> = target.segments.iter().map(String::as_str).collect();
        let method = req.method.to_ascii_uppercase();
        let shape = |node_type: &'static str, edge: Option<&str>, path: Option<String>| CallShape {
            method: method.clone(),
            node_type,
            edge: edge.map(str::to_owned),
            path,
            fields: req
                .params
                .get("fields")
                .and_then(|f| fields::parse(f).ok())
                .map(|fs| fs.into_iter().map(|f| f.name).collect())
                .unwrap_or_default(),
            params: req.params.pairs().iter().map(|(k, _)| k.clone()).collect(),
            in_batch: req.in_batch,
        };
        if matches!(segs.as_slice(), ["oauth", _] | ["debug_token"]) {
            self.calls.push(shape("Root", None, Some(segs.join("/"))));
        }
        // Meta documents `debug_token`, the token exchange and revoke only as plain GETs (D-TOK,
        // the long-lived token guide, the debug_token reference). UNCONFIRMED how Meta answers
        // them as a POST or inside a batch; refusing is what keeps a client honest.
        if matches!(
            segs.as_slice(),
            ["oauth", "access_token"] | ["oauth", "revoke"] | ["debug_token"]
        ) && (method != "GET" || req.in_batch)
        {
            let how = if req.in_batch { "batched" } else { method.as_str() };
            return Err(GraphError::unsupported(how, &segs.join("/")));
        }
        // Endpoints authenticated by client credentials rather than a token.
        if segs == ["oauth", "access_token"] {
            return self.refresh_token(&req.params);
        }
        let raw_token =
            req.params.get("access_token").map(str::to_string).or_else(|| req.bearer.clone());
        let caller = authenticate(self.st, raw_token.as_deref())?;
        check_proof(self.st, &caller, &req.params, false)?;

        if segs == ["oauth", "revoke"] {
            return self.revoke_token(&caller, &req.params);
        }
        if segs == ["debug_token"] {
            return self.debug_token(&caller, &req.params);
        }
        let Some(first) = segs.first() else {
            return Err(GraphError::unsupported(&method, ""));
        };
        let node = self.resolve(&caller, first, &method)?;
        let edge = segs.get(1).copied();
        let node_type = match node {
            NodeRef::Business(_) => "Business",
            NodeRef::User(u) if self.st.users[u].kind == UserKind::SystemUser => "SystemUser",
            NodeRef::User(_) => "User",
            NodeRef::Asset(a) => self.st.assets[a].kind.node_type(),
        };
        self.calls.push(shape(node_type, edge, None));
        if segs.len() > 2 {
            return Err(GraphError::unknown_path(&format!("/{}", segs[2..].join("/"))));
        }

        let usage = self.usage_for(&caller, node, edge, &method);
        let now = self.st.now();
        let (usage_headers, throttled) = self.limiter.record(&usage, now, self.forced_throttle);
        headers.extend(usage_headers);
        if let Some(e) = throttled {
            return Err(e);
        }

        let fields = match req.params.get("fields") {
            Some(f) => fields::parse(f)?,
            None => Vec::new(),
        };
        let link_token =
            req.query.iter().find(|(k, _)| k == "access_token").map(|(_, v)| v.clone());
        let base = format!("{}{}", self.base_url, target.version_prefix);
        let mut links_query = req.query.clone();
        if method != "GET" {
            links_query.clear();
        }
        let links = LinkBase {
            url: format!(
                "{base}/{}{}",
                first_id(self.st, node),
                edge.map(|e| format!("/{e}")).unwrap_or_default()
            ),
            query: links_query,
        };
        let args = Args {
            caller: &caller,
            params: &req.params,
            fields: &fields,
            links: &links,
            base,
            link_token,
        };
        match (method.as_str(), node, edge) {
            ("GET", node, None) => self.read_node(&args, node),
            // Nodes are neither updated nor deleted here. UNCONFIRMED: Meta's exact error for
            // DELETE /{system-user-id}; system users cannot be deleted through the API (D-CRU), so
            // it answers like any unsupported delete (100/33).
            (m, node, None) => Err(GraphError::unsupported(m, &node_id(self.st, node))),
            (m, NodeRef::Business(b), Some(edge)) => self.business_edge(&args, m, b, edge),
            (m, NodeRef::User(u), Some(edge)) => self.user_edge(&args, m, u, edge),
            (m, NodeRef::Asset(a), Some(edge)) => self.asset_edge(&args, m, a, edge),
        }
    }

    /// Looks up a node ID (or `me`); invisible or unknown IDs are 100/33 later, by handlers.
    fn resolve(&self, caller: &Caller, id: &str, method: &str) -> GraphResult<NodeRef> {
        if id == "me" {
            if let Some(p) = caller.page {
                return Ok(NodeRef::Asset(p));
            }
            return match caller.user {
                Some(u) => Ok(NodeRef::User(u)),
                None => Err(GraphError::new(
                    2500,
                    "OAuthException",
                    "An active access token must be used to query information about the current user.",
                )),
            };
        }
        match self.st.index.get(id) {
            Some(NodeRef::User(u)) if self.st.users[*u].removed => {
                Err(GraphError::unsupported(method, id))
            }
            Some(n) => Ok(*n),
            None => Err(GraphError::unsupported(method, id)),
        }
    }

    /// Which rate-limit bucket a call counts against (spec §9.1).
    fn usage_for(&self, caller: &Caller, node: NodeRef, edge: Option<&str>, method: &str) -> Usage {
        let st = &*self.st;
        // "All Marketing API requests … are subject to Business Use Case (BUC) Rate Limits"
        // (MKT-RL), whatever the token: ad accounts and pixels never count on platform limits.
        let marketing = matches!(node, NodeRef::Asset(a)
            if matches!(st.assets[a].kind, AssetKind::AdAccount | AssetKind::Pixel));
        let platform = !marketing && matches!(caller.kind(st), None | Some(TokenKind::User));
        let tier = st.assets[caller.app].app().map(|i| i.tier).unwrap_or(Tier::Limited);
        let (key, (buc_type, buc_code)) = match node {
            NodeRef::Asset(a) => {
                let asset = &st.assets[a];
                (asset.numeric_id().to_string(), asset.kind.buc())
            }
            NodeRef::Business(b) => (
                st.businesses[b].id.clone(),
                edge.and_then(edge_kind).map(AssetKind::buc).unwrap_or(("ads_management", 80004)),
            ),
            NodeRef::User(u) => (
                st.businesses[st.users[u].business].id.clone(),
                edge.and_then(edge_kind).map(AssetKind::buc).unwrap_or(("ads_management", 80004)),
            ),
        };
        let ad_account_write = match node {
            NodeRef::Asset(a) if st.assets[a].kind == AssetKind::AdAccount && method != "GET" => {
                Some(st.assets[a].id.clone())
            }
            _ => None,
        };
        Usage {
            platform,
            app_id: st.assets[caller.app].id.clone(),
            user_id: caller.user.map(|u| st.users[u].id.clone()).unwrap_or_default(),
            buc_key: key,
            buc_type,
            buc_code,
            tier,
            ad_account_write,
        }
    }

    fn read_node(&mut self, a: &Args<'_>, node: NodeRef) -> GraphResult<Value> {
        let st = &*self.st;
        let view = a.view(st);
        match node {
            NodeRef::Business(b) => {
                self.require_member(a.caller, b, "get")?;
                view.render_business(b, a.fields)
            }
            NodeRef::User(u) => {
                self.require_user_visible(a.caller, u)?;
                view.render_user(u, a.fields, false)
            }
            NodeRef::Asset(x) => {
                if a.caller.page == Some(x) {
                    return view.render_asset(x, a.fields, AssetExtras::default());
                }
                self.asset_access(a.caller, x)
                    .ok_or_else(|| GraphError::unsupported("get", &st.assets[x].id))?;
                view.render_asset(x, a.fields, AssetExtras::default())
            }
        }
    }

    fn business_edge(
        &mut self,
        a: &Args<'_>,
        method: &str,
        b: BizIx,
        edge: &str,
    ) -> GraphResult<Value> {
        match (method, edge) {
            ("POST", "system_users") => return self.create_system_user(a, b),
            ("POST", "owned_apps") => return self.claim_app(a, b),
            ("POST", "managed_businesses") | ("DELETE", "managed_businesses") => {
                return self.managed_businesses(a, method, b)
            }
            ("POST", "access_token") => return self.obo_token(a, b),
            ("GET", _) => {}
            _ => {
                return Err(GraphError::unsupported(
                    method,
                    &format!("{}/{edge}", self.st.businesses[b].id),
                ))
            }
        }
        self.require_member(a.caller, b, "get")?;
        let st = &*self.st;
        if !is_business_list_edge(edge) {
            return Err(GraphError::nonexisting_field(edge, "Business"));
        }
        a.view(st).check_business_edge(b, edge)?;
        let max = edge_kind(edge).map(AssetKind::max_page).unwrap_or(100);
        let pp = PageParams::from_params(a.params, max)?;
        let search = if edge == "owned_ad_accounts" || edge == "client_ad_accounts" {
            a.params.get("search_query").filter(|s| !s.is_empty())
        } else {
            None
        };
        a.view(st).edge(NodeRef::Business(b), edge, a.fields, &pp, a.links, search)
    }

    fn user_edge(
        &mut self,
        a: &Args<'_>,
        method: &str,
        u: UserIx,
        edge: &str,
    ) -> GraphResult<Value> {
        match (method, edge) {
            ("POST", "applications") => return self.install_app(a, u),
            ("POST", "access_tokens") => return self.generate_token(a, u),
            ("DELETE", "access_tokens") => return self.invalidate_tokens(a, u),
            ("GET", "accounts") => return self.me_accounts(a, u),
            ("GET", "businesses") => {
                self.require_user_visible(a.caller, u)?;
                let st = &*self.st;
                let b = st.users[u].business;
                let data = vec![a.view(st).render_business(b, a.fields)?];
                return Ok(json!({ "data": data }));
            }
            ("GET", _) => {}
            _ => {
                return Err(GraphError::unsupported(
                    method,
                    &format!("{}/{edge}", self.st.users[u].id),
                ))
            }
        }
        self.require_user_visible(a.caller, u)?;
        let st = &*self.st;
        let view = a.view(st);
        let Some(kind) = View::user_edge(edge) else {
            return Err(GraphError::nonexisting_field(edge, "User"));
        };
        let pp = PageParams::from_params(a.params, kind.max_page())?;
        view.edge(NodeRef::User(u), edge, a.fields, &pp, a.links, None)
    }

    fn asset_edge(
        &mut self,
        a: &Args<'_>,
        method: &str,
        x: AssetIx,
        edge: &str,
    ) -> GraphResult<Value> {
        if edge != "assigned_users" || !self.st.assets[x].kind.has_assigned_users() {
            let id = format!("{}/{edge}", self.st.assets[x].id);
            return match method {
                "GET" => {
                    Err(GraphError::nonexisting_field(edge, self.st.assets[x].kind.node_type()))
                }
                m => Err(GraphError::unsupported(m, &id)),
            };
        }
        match method {
            "GET" => self.list_assigned_users(a, x),
            "POST" => self.assign_user(a, x),
            "DELETE" => self.unassign_user(a, x),
            m => Err(GraphError::unsupported(m, &self.st.assets[x].id)),
        }
    }

    // ---- access rules shared by handlers ----

    /// The caller's user must belong to `b` (or be its partner, reading through OBO); app tokens
    /// of an app `b` owns are accepted.
    fn require_member(&self, caller: &Caller, b: BizIx, method: &str) -> GraphResult<()> {
        let st = &*self.st;
        let ok = match caller.user {
            Some(u) => st.users[u].business == b,
            None => st.owns(b, caller.app),
        };
        if ok {
            Ok(())
        } else {
            Err(GraphError::unsupported(method, &st.businesses[b].id))
        }
    }

    fn is_admin_of(&self, caller: &Caller, b: BizIx) -> bool {
        caller.user.is_some_and(|u| {
            let user = &self.st.users[u];
            user.business == b && user.role == Role::Admin && !user.removed
        }) && caller.page.is_none()
    }

    /// Users are visible to themselves and to members of their business.
    fn require_user_visible(&self, caller: &Caller, u: UserIx) -> GraphResult<()> {
        let st = &*self.st;
        let user = &st.users[u];
        let ok = !user.removed
            && match caller.user {
                Some(c) => c == u || st.users[c].business == user.business,
                None => st.owns(user.business, caller.app),
            };
        if ok {
            Ok(())
        } else {
            Err(GraphError::unsupported("get", &user.id))
        }
    }

    /// The tasks the caller holds on asset `a`: its own assignment, or for an admin everything its
    /// business owns or was granted.
    // UNCONFIRMED: whether admin system users need explicit assigned_users grants (spec §1); we
    // let admins reach every asset their business owns or was shared.
    fn asset_access(&self, caller: &Caller, a: AssetIx) -> Option<Vec<&'static str>> {
        let st = &*self.st;
        let u = caller.user?;
        if caller.page.is_some() {
            return None;
        }
        if let Some(t) = st.assets[a].tasks_of(u) {
            return Some(t.to_vec());
        }
        let user = &st.users[u];
        if user.role == Role::Admin {
            return st.business_reach(a, user.business);
        }
        None
    }
}

pub fn require_scope(st: &State, caller: &Caller, scope: &str) -> GraphResult<()> {
    if caller.token.is_none() || caller.has_scope(st, scope) {
        Ok(())
    } else {
        Err(GraphError::missing_scope(scope))
    }
}

fn node_id(st: &State, node: NodeRef) -> String {
    first_id(st, node).to_string()
}

fn first_id(st: &State, node: NodeRef) -> &str {
    match node {
        NodeRef::Business(b) => &st.businesses[b].id,
        NodeRef::User(u) => &st.users[u].id,
        NodeRef::Asset(a) => &st.assets[a].id,
    }
}

/// Per-request arguments handed to handlers.
pub struct Args<'a> {
    pub caller: &'a Caller,
    pub params: &'a Params,
    pub fields: &'a [Field],
    pub links: &'a LinkBase,
    pub base: String,
    pub link_token: Option<String>,
}

impl Args<'_> {
    fn view<'s>(&'s self, st: &'s State) -> View<'s> {
        View {
            st,
            caller: self.caller,
            base: self.base.clone(),
            link_token: self.link_token.clone(),
        }
    }
}

/// Looks a user ID up for handlers that take `user=` or `system_user_id=`.
fn user_by_id(st: &State, id: &str) -> Option<UserIx> {
    match st.index.get(id.trim()) {
        Some(NodeRef::User(u)) if !st.users[*u].removed => Some(*u),
        _ => None,
    }
}

fn is_system_user(st: &State, u: UserIx) -> bool {
    st.users[u].kind == UserKind::SystemUser
}
