//! Business On Behalf Of (spec §6): `managed_businesses` and `/{client}/access_token`.

use serde_json::{json, Value};

use super::users::parse_scopes;
use super::{Args, Ctx};
use crate::auth::check_proof;
use crate::errors::{GraphError, GraphResult};
use crate::fixture::Role;
use crate::model::AssetKind;
use crate::state::{BizIx, NodeRef, TokenKind, UserKind};

impl Ctx<'_> {
    /// `POST|DELETE /{partner}/managed_businesses?existing_client_business_id=C`, called with a
    /// token of an admin of the client business (Facebook Login through the partner's app).
    pub(super) fn managed_businesses(
        &mut self,
        a: &Args<'_>,
        method: &str,
        partner: BizIx,
    ) -> GraphResult<Value> {
        let st = &*self.st;
        let client_id = a.params.required("existing_client_business_id")?;
        let client = match st.index.get(client_id.trim()) {
            Some(NodeRef::Business(c)) if *c != partner => *c,
            _ => {
                return Err(GraphError::param(format!(
                    "Invalid existing_client_business_id: {client_id}"
                )))
            }
        };
        super::require_scope(st, a.caller, "business_management")?;
        let client_admin = self.is_admin_of(a.caller, client);
        let partner_admin = self.is_admin_of(a.caller, partner);
        let via_partner_app = st.owns(partner, a.caller.app);
        let allowed = match method {
            "POST" => client_admin && via_partner_app,
            // Either side may end the relationship.
            _ => (client_admin && via_partner_app) || partner_admin,
        };
        if !allowed {
            return Err(GraphError::permission(
                "You do not have permission to perform this action. An admin of the client business \
                 must authorize the partner's app.",
            ));
        }
        let st = &mut *self.st;
        if method == "POST" {
            if !st.businesses[partner].clients.contains(&client) {
                st.businesses[partner].clients.push(client);
                st.writes += 1;
            }
            // UNCONFIRMED: the response body (spec §12 item 1); SDK-CG types it as a Business.
            return Ok(json!({"id": st.businesses[client].id}));
        }
        let was = st.businesses[partner].clients.len();
        st.businesses[partner].clients.retain(|&c| c != client);
        // Removing the relationship removes its system users (and so their tokens).
        let obo_users: Vec<usize> = st.businesses[client]
            .system_users
            .iter()
            .copied()
            .filter(|&u| st.users[u].obo_partner == Some(partner) && !st.users[u].removed)
            .collect();
        for u in &obo_users {
            st.users[*u].removed = true;
            st.invalidate_user_tokens(*u);
        }
        let partner_apps: Vec<usize> = st.apps_of(partner).to_vec();
        for app in partner_apps {
            st.assets[app].shared.retain(|(b, _)| *b != client);
            st.businesses[client].client[AssetKind::App.ix()].retain(|&x| x != app);
        }
        if was != st.businesses[partner].clients.len() || !obo_users.is_empty() {
            st.writes += 1;
        }
        Ok(json!({"success": true}))
    }

    /// `POST /{client}/access_token?app_id=&scope=&appsecret_proof=` with the partner's admin
    /// system-user token: installs the app in the client business, creates (or reuses) the
    /// client's OBO system user and returns its token.
    pub(super) fn obo_token(&mut self, a: &Args<'_>, client: BizIx) -> GraphResult<Value> {
        let st = &*self.st;
        let denied = || {
            GraphError::permission(
                "You do not have permission to perform this action. Only an admin system user of a \
                 partner business that manages this business can request its token.",
            )
        };
        let u = a.caller.user.ok_or_else(denied)?;
        let caller = &st.users[u];
        let partner = caller.business;
        if caller.kind != UserKind::SystemUser
            || caller.role != Role::Admin
            || !st.businesses[partner].clients.contains(&client)
        {
            return Err(denied());
        }
        // Required on this call (D-OBO).
        check_proof(st, a.caller, a.params, true)?;
        let app_id = a.params.required("app_id")?;
        let app = match st.index.get(app_id.trim()) {
            Some(NodeRef::Asset(x))
                if st.assets[*x].kind == AssetKind::App && st.owns(partner, *x) =>
            {
                *x
            }
            _ => return Err(GraphError::param(format!("Invalid app_id: {app_id}"))),
        };
        if a.caller.app != app {
            return Err(GraphError::param("The access token was not issued for app_id"));
        }
        let scopes = parse_scopes(a.params.get("scope"))?;
        // The partner's token must itself carry business_management and every requested scope.
        for s in std::iter::once("business_management").chain(scopes.iter().map(String::as_str)) {
            if !a.caller.has_scope(st, s) {
                return Err(GraphError::missing_scope(s));
            }
        }
        let name = a
            .params
            .get("system_user_name")
            .filter(|n| !n.trim().is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} SYSTEM USER", st.businesses[client].name));
        let existing = st.businesses[client].system_users.iter().copied().find(|&x| {
            let su = &st.users[x];
            su.obo_partner == Some(partner) && !su.removed && su.installed_apps.contains(&app)
        });
        let st = &mut *self.st;
        let su = match existing {
            Some(su) => su,
            None => {
                let id = st.rng.numeric_id("6300", 11);
                let now = st.now();
                let su = st
                    .add_user(client, id, name, UserKind::SystemUser, Role::Employee, now)
                    .map_err(|e| GraphError::new(1, "OAuthException", e.to_string()))?;
                st.users[su].obo_partner = Some(partner);
                st.users[su].installed_apps.push(app);
                st.users[su].created_by = Some(u);
                su
            }
        };
        // The client sees the partner's app as a shared asset.
        if !st.assets[app].shared.iter().any(|(b, _)| *b == client) {
            st.assets[app].shared.push((client, vec!["MANAGE"]));
            st.businesses[client].client[AssetKind::App.ix()].push(app);
        }
        // UNCONFIRMED: whether set_token_expires_in_60_days applies to OBO tokens (§6.3); it
        // does not here.
        let t = st.issue_token(TokenKind::SystemUser, su, app, scopes, 0);
        st.writes += 1;
        Ok(json!({ "access_token": st.tokens[t].value }))
    }
}
