//! System users (spec §2) and their apps and tokens (§3.1, §3.2, §3.4, §3.8).

use serde_json::{json, Value};

use super::{is_system_user, require_scope, user_by_id, Args, Ctx};
use crate::auth::check_proof;
use crate::errors::{GraphError, GraphResult};
use crate::fixture::Role;
use crate::model::{AssetKind, ALLOWED_SCOPES};
use crate::paging::{envelope, paginate, PageParams};
use crate::params::parse_list;
use crate::state::{BizIx, NodeRef, TokenKind, UserIx, UserKind, SIXTY_DAYS};

use super::render::AssetExtras;

/// Validates a `scope` value against the allowed list; 3962 for an unknown permission.
pub fn parse_scopes(raw: Option<&str>) -> GraphResult<Vec<String>> {
    let raw =
        raw.filter(|s| !s.trim().is_empty()).ok_or_else(|| GraphError::missing_param("scope"))?;
    let scopes = parse_list(raw)?;
    let mut out: Vec<String> = Vec::new();
    for s in scopes {
        if !ALLOWED_SCOPES.contains(&s.as_str()) {
            // UNCONFIRMED: 3962 is documented for the business token edge (§3.7); we use it here too.
            return Err(GraphError::new(
                3962,
                "OAuthException",
                "Provided permission is not valid. Check your spelling and syntax.",
            )
            .with_extra("error_data", json!({"permission": s})));
        }
        if !out.contains(&s) {
            out.push(s);
        }
    }
    // UNCONFIRMED: whether Meta rejects or completes a scope set missing a dependency (§11.2);
    // we grant exactly what was asked.
    Ok(out)
}

impl Ctx<'_> {
    fn require_admin(&self, a: &Args<'_>, b: BizIx) -> GraphResult<()> {
        self.require_member(a.caller, b, "post")?;
        if !self.is_admin_of(a.caller, b) {
            return Err(GraphError::permission(
                "You do not have permission to perform this action. This action requires that you \
                 can MANAGE_PERMISSIONS for this business account.",
            ));
        }
        Ok(())
    }

    /// `POST /{business}/owned_apps` with `app_id`: the business claims an app its admins develop
    /// (spec §4.3), after which it can have system users (104001 before).
    // UNCONFIRMED: the response (`access_status`) and the errors for apps: 3944 when the business
    // already owns it (as for Pages and ad accounts), #200 when another business owns it or the
    // caller does not develop it.
    pub(super) fn claim_app(&mut self, a: &Args<'_>, b: BizIx) -> GraphResult<Value> {
        self.require_admin(a, b)?;
        require_scope(self.st, a.caller, "business_management")?;
        let app_id = a.params.required("app_id")?.trim().to_string();
        let st = &mut *self.st;
        let app = match st.index.get(&app_id) {
            Some(NodeRef::Asset(x)) if st.assets[*x].kind == AssetKind::App => *x,
            _ => return Err(GraphError::param(format!("Invalid app_id: {app_id}"))),
        };
        if st.owns(b, app) {
            return Err(GraphError::new(
                3944,
                "OAuthException",
                "Your Business Manager already has access to this object.",
            ));
        }
        if !st.businesses[b].developer_apps.contains(&app) {
            return Err(GraphError::new(
                200,
                "OAuthException",
                "Permissions error: you must be an admin of this app, and the app must not belong \
                 to another business, to add it to your business.",
            ));
        }
        if let crate::state::AssetAttrs::App(info) = &mut st.assets[app].attrs {
            info.claimed = true;
        }
        st.businesses[b].developer_apps.retain(|&x| x != app);
        st.businesses[b].owned[AssetKind::App.ix()].push(app);
        st.writes += 1;
        Ok(json!({"access_status": "CONFIRMED"}))
    }

    /// `POST /{business}/system_users`: create, or rename with `system_user_id` (D-CRU).
    pub(super) fn create_system_user(&mut self, a: &Args<'_>, b: BizIx) -> GraphResult<Value> {
        self.require_admin(a, b)?;
        require_scope(self.st, a.caller, "business_management")?;
        let name = a.params.required("name")?.trim().to_string();
        if let Some(su) = a.params.get("system_user_id") {
            let st = &mut *self.st;
            let u = user_by_id(st, su)
                .filter(|&u| is_system_user(st, u) && st.users[u].business == b)
                .ok_or_else(|| GraphError::param(format!("Invalid system_user_id: {su}")))?;
            st.users[u].name = name;
            st.writes += 1;
            // UNCONFIRMED: the rename response body (spec §12 item 1).
            return Ok(json!({"success": true}));
        }
        // UNCONFIRMED: the default role when `role` is omitted (spec §12 item 6).
        let role = match a.params.get("role").map(|r| r.trim().to_ascii_uppercase()) {
            None => Role::Employee,
            Some(r) if r.is_empty() || r == "EMPLOYEE" => Role::Employee,
            Some(r) if r == "ADMIN" => Role::Admin,
            Some(r) => {
                return Err(GraphError::param(format!(
                    "Param role must be one of {{ADMIN, EMPLOYEE}} for system users, got {r}"
                )))
            }
        };
        let st = &mut *self.st;
        // The quota follows the highest tier among the apps the business owns.
        let Some(tier) = st.business_tier(b) else {
            // UNCONFIRMED: the `type` of 104001 (spec §12 item 4).
            return Err(GraphError::new(
                104001,
                "OAuthException",
                "In order to create a system user, an app must be part of this business. Please \
                 create an app or claim an existing one.",
            ));
        };
        // UNCONFIRMED: which business or app the count is keyed to (spec §12 item 5); we count the
        // system users of the creating business against the best tier among its own apps.
        let (max_regular, max_admin) = tier.system_user_quota();
        // UNCONFIRMED: whether OBO system users count toward the limit (spec §6.3); they do not.
        let count = |r: Role| {
            st.businesses[b]
                .system_users
                .iter()
                .filter(|&&u| {
                    let x = &st.users[u];
                    x.role == r && !x.removed && x.obo_partner.is_none()
                })
                .count()
        };
        // UNCONFIRMED: the `type` of 3949/3965 (spec §12 item 4); OAuthException as guessed there.
        match role {
            Role::Admin if count(Role::Admin) >= max_admin => {
                return Err(GraphError::new(
                    3965,
                    "OAuthException",
                    "This Business Manager has reached maximum number of admin system user limit.",
                ))
            }
            Role::Employee if count(Role::Employee) >= max_regular => {
                return Err(GraphError::new(
                    3949,
                    "OAuthException",
                    "This Business Manager has reached maximum number of system user limit.",
                ))
            }
            _ => {}
        }
        let id = st.rng.numeric_id("6100", 11);
        let now = st.now();
        let u = st
            .add_user(b, id.clone(), name, UserKind::SystemUser, role, now)
            .map_err(|e| GraphError::new(1, "OAuthException", e.to_string()))?;
        st.users[u].created_by = a.caller.user;
        st.writes += 1;
        // Read-after-write (§10.4): `fields` on the POST returns those fields of the new node.
        if !a.fields.is_empty() {
            let mut node = a.view(&*self.st).render_user(u, a.fields, true)?;
            node["id"] = json!(id);
            return Ok(node);
        }
        Ok(json!({ "id": id }))
    }

    /// `POST /{system-user}/applications` with `business_app`.
    pub(super) fn install_app(&mut self, a: &Args<'_>, u: UserIx) -> GraphResult<Value> {
        self.require_user_visible(a.caller, u)?;
        let st = &mut *self.st;
        if !is_system_user(st, u) {
            return Err(GraphError::unsupported(
                "post",
                &format!("{}/applications", st.users[u].id),
            ));
        }
        let b = st.users[u].business;
        let app_id = a.params.required("business_app")?;
        let app = match st.index.get(app_id.trim()) {
            Some(NodeRef::Asset(x)) if st.assets[*x].kind == AssetKind::App => *x,
            _ => return Err(GraphError::param(format!("Invalid business_app: {app_id}"))),
        };
        // The app must belong to the system user's business (owned, or shared to it).
        // UNCONFIRMED: the exact error for an app of another business (spec §12 item 15).
        if st.business_reach(app, b).is_none() {
            return Err(GraphError::param(
                "The app must be owned by or shared with the system user's business",
            ));
        }
        if !st.users[u].installed_apps.contains(&app) {
            st.users[u].installed_apps.push(app);
            st.writes += 1;
        }
        // UNCONFIRMED: bare `true` or `{"success": true}` (spec §3.1).
        Ok(json!({"success": true}))
    }

    /// `POST /{system-user}/access_tokens` (D-TOK).
    pub(super) fn generate_token(&mut self, a: &Args<'_>, u: UserIx) -> GraphResult<Value> {
        self.require_user_visible(a.caller, u)?;
        let b = self.st.users[u].business;
        let caller_is_self = a.caller.user == Some(u);
        if !caller_is_self && !self.is_admin_of(a.caller, b) {
            return Err(GraphError::permission(
                "You do not have permission to generate tokens for this system user.",
            ));
        }
        if !is_system_user(self.st, u) {
            return Err(GraphError::unsupported(
                "post",
                &format!("{}/access_tokens", self.st.users[u].id),
            ));
        }
        // Always required here, "to ensure the right server is making the call" (D-TOK).
        check_proof(self.st, a.caller, a.params, true)?;
        let st = &mut *self.st;
        let app_id = a.params.required("business_app")?;
        let app = match st.index.get(app_id.trim()) {
            Some(NodeRef::Asset(x)) if st.assets[*x].kind == AssetKind::App => *x,
            _ => return Err(GraphError::param(format!("Invalid business_app: {app_id}"))),
        };
        if !st.users[u].installed_apps.contains(&app) {
            // UNCONFIRMED: Meta's code for "app not installed" (spec §12 item 2).
            return Err(GraphError::param(format!(
                "The app {app_id} is not installed for system user {}. Install it first with POST \
                 /{{system-user-id}}/applications",
                st.users[u].id
            )));
        }
        let scopes = parse_scopes(a.params.get("scope"))?;
        if let Some(allowed) = st.assets[app].app().and_then(|i| i.permissions.as_ref()) {
            if let Some(p) = scopes.iter().find(|s| !allowed.contains(s)) {
                // UNCONFIRMED: Meta's answer when a token asks for a permission outside the app's
                // use cases (Business Suite only hides such permissions); a #200 naming it.
                return Err(GraphError::new(
                    200,
                    "OAuthException",
                    format!(
                        "Requires {p} permission: it is not available to app {} through \
                         its use cases",
                        st.assets[app].id
                    ),
                ));
            }
        }
        let sixty = a.params.bool("set_token_expires_in_60_days")?;
        if !sixty && st.assets[app].app().is_some_and(|i| i.must_use_expiring_tokens) {
            // UNCONFIRMED: the code for businesses that must use expiring tokens (§3.2).
            return Err(GraphError::param(
                "This business must use expiring tokens: set set_token_expires_in_60_days=true",
            ));
        }
        let expires = if sixty { st.now() + SIXTY_DAYS } else { 0 };
        let t = st.issue_token(TokenKind::SystemUser, u, app, scopes, expires);
        st.writes += 1;
        Ok(json!({ "access_token": st.tokens[t].value }))
    }

    /// `DELETE /{system-user}/access_tokens`: invalidates all of its tokens (D-CRU).
    pub(super) fn invalidate_tokens(&mut self, a: &Args<'_>, u: UserIx) -> GraphResult<Value> {
        self.require_user_visible(a.caller, u)?;
        let b = self.st.users[u].business;
        if a.caller.user != Some(u) && !self.is_admin_of(a.caller, b) {
            return Err(GraphError::permission(
                "You do not have permission to invalidate tokens of this system user.",
            ));
        }
        self.st.invalidate_user_tokens(u);
        self.st.writes += 1;
        // UNCONFIRMED: `true` or `{"success": true}` (spec §3.4).
        Ok(json!({"success": true}))
    }

    /// `GET /me/accounts`: the Pages the user can reach, each with a Page token (D-CALLS).
    pub(super) fn me_accounts(&mut self, a: &Args<'_>, u: UserIx) -> GraphResult<Value> {
        if a.caller.user != Some(u) || a.caller.page.is_some() {
            return Err(GraphError::unsupported(
                "get",
                &format!("{}/accounts", self.st.users[u].id),
            ));
        }
        let st = &*self.st;
        // UNCONFIRMED: Meta answers an empty list without pages_show_list; Page tokens need
        // pages_read_engagement as well (D-CALLS).
        if !a.caller.has_scope(st, "pages_show_list") {
            return Ok(json!({"data": []}));
        }
        let with_tokens = a.caller.has_scope(st, "pages_read_engagement");
        let user = &st.users[u];
        let mut pages: Vec<usize> = user
            .assigned
            .iter()
            .copied()
            .filter(|&x| st.assets[x].kind == AssetKind::Page)
            .collect();
        if user.role == Role::Admin {
            let biz = &st.businesses[user.business];
            for &p in
                biz.owned[AssetKind::Page.ix()].iter().chain(&biz.client[AssetKind::Page.ix()])
            {
                if !pages.contains(&p) {
                    pages.push(p);
                }
            }
        }
        let pp = PageParams::from_params(a.params, AssetKind::Page.max_page())?;
        let id_at = |i: usize| st.assets[pages[i]].id.clone();
        let page = paginate(pages.len(), &id_at, &|_| true, &pp)?;
        let parent = a.caller.token;
        let mut tokens = Vec::new();
        let st = &mut *self.st;
        for &p in &page.positions {
            let asset = pages[p];
            let token = match (with_tokens, parent) {
                (true, Some(parent)) => Some(st.page_token(parent, asset)),
                _ => None,
            };
            tokens.push(token);
        }
        let st = &*self.st;
        let view = a.view(st);
        let fields = if a.fields.is_empty() {
            crate::fields::parse("access_token,category,category_list,name,id,tasks")?
        } else {
            a.fields.to_vec()
        };
        let data = page
            .positions
            .iter()
            .zip(&tokens)
            .map(|(&p, tok)| {
                let x = AssetExtras {
                    tasks_user: Some(u),
                    permitted_biz: None,
                    page_token: tok.map(|t| st.tokens[t].value.as_str()),
                    // `tasks` on /me/accounts: the person's or system user's tasks (graph-api.md
                    // §3.8, D-CALLS).
                    edge_fields: &["tasks"],
                    as_ig_user: false,
                };
                let mut v = view.render_asset(pages[p], &fields, x)?;
                // Admins reach Pages without an explicit assignment; show their full task set.
                if v.get("tasks").is_none() && fields.iter().any(|f| f.name == "tasks") {
                    v["tasks"] = json!(st
                        .business_reach(pages[p], st.users[u].business)
                        .unwrap_or_default());
                }
                Ok(v)
            })
            .collect::<GraphResult<Vec<_>>>()?;
        Ok(envelope(data, &page, &pp, a.links))
    }
}
