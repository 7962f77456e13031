//! `/oauth/access_token` (refresh, app token), `/oauth/revoke` and `/debug_token` (spec §3.3,
//! §3.5, §3.6).

use serde_json::{json, Map, Value};

use super::Ctx;
use crate::auth::{token_error, unknown_token, Caller};
use crate::errors::{GraphError, GraphResult};
use crate::params::Params;
use crate::state::{AssetIx, NodeRef, TokenKind, TokenStatus, SIXTY_DAYS};

fn client_secret_error() -> GraphError {
    GraphError::raw(1, "OAuthException", "Error validating client secret.")
}

impl Ctx<'_> {
    /// `client_id` + `client_secret` must name an app and its secret.
    fn client_app(&self, params: &Params) -> GraphResult<AssetIx> {
        let id = params.required("client_id")?;
        let secret = params.required("client_secret")?;
        match self.st.index.get(id.trim()) {
            Some(NodeRef::Asset(a)) => match self.st.assets[*a].app() {
                Some(info) if info.secret == secret => Ok(*a),
                Some(_) => Err(client_secret_error()),
                None => Err(GraphError::param(format!("Invalid client_id: {id}"))),
            },
            _ => Err(GraphError::param(format!("Invalid client_id: {id}"))),
        }
    }

    /// `GET /oauth/access_token?grant_type=fb_exchange_token&...`: a new 60-day token; the old
    /// one keeps working until its own expiry. Also `grant_type=client_credentials` (app token).
    pub(super) fn refresh_token(&mut self, params: &Params) -> GraphResult<Value> {
        let app = self.client_app(params)?;
        if params.get("grant_type").is_none() && params.get("code").is_some() {
            return self.exchange_login_code(app, params);
        }
        let grant = params.required("grant_type")?;
        if grant == "client_credentials" {
            let st = &*self.st;
            let secret = st.assets[app].app().map(|i| i.secret.clone()).unwrap_or_default();
            return Ok(json!({
                "access_token": format!("{}|{secret}", st.assets[app].id),
                "token_type": "bearer"
            }));
        }
        if grant != "fb_exchange_token" {
            return Err(GraphError::param(format!("Unsupported grant_type: {grant}")));
        }
        let raw = params.required("fb_exchange_token")?;
        let st = &mut *self.st;
        let t = *st.token_index.get(raw).ok_or_else(unknown_token)?;
        // An expired (or otherwise dead) token cannot be refreshed (D-TOK).
        if let Some(e) = token_error(st, t) {
            return Err(e);
        }
        if st.tokens[t].app != app {
            return Err(GraphError::param("The token was not issued for this client_id"));
        }
        // UNCONFIRMED: whether refreshing a never-expiring token makes it a 60-day one (§12 item
        // 14); the refresh call asks for 60 days, so we give 60 days.
        let old = st.tokens[t].clone();
        let expires = st.now() + SIXTY_DAYS;
        let n = st.issue_token(old.kind, old.user, old.app, old.scopes, expires);
        st.writes += 1;
        Ok(json!({
            "access_token": st.tokens[n].value,
            "token_type": "bearer",
            "expires_in": SIXTY_DAYS,
        }))
    }

    /// `GET /oauth/access_token?client_id&client_secret&redirect_uri&code`: the login dialog's
    /// code for the person's token, once, with the `redirect_uri` the dialog was opened with.
    fn exchange_login_code(&mut self, app: AssetIx, params: &Params) -> GraphResult<Value> {
        let code = params.required("code")?;
        let redirect = params.required("redirect_uri")?;
        let st = &mut *self.st;
        // Meta's words for a used or unknown code (error 100, subcode 36009 / 36007).
        let Some(found) = st.login_codes.get(code).cloned() else {
            return Err(GraphError::raw(
                100,
                "OAuthException",
                "This authorization code has been used.",
            ));
        };
        if found.redirect != redirect {
            return Err(GraphError::raw(
                100,
                "OAuthException",
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            ));
        }
        if st.tokens[found.token].app != app {
            return Err(GraphError::param("The code was not issued for this client_id"));
        }
        st.login_codes.remove(code);
        let token = &st.tokens[found.token];
        Ok(json!({
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": (token.expires_at - st.now()).max(0),
        }))
    }

    /// `GET /oauth/revoke`: `client_id`, the app of `revoke_token` and of the caller's token and
    /// `client_secret` must all refer to the same app.
    pub(super) fn revoke_token(&mut self, caller: &Caller, params: &Params) -> GraphResult<Value> {
        let app = self.client_app(params)?;
        let raw = params.required("revoke_token")?;
        let st = &mut *self.st;
        let t = *st.token_index.get(raw).ok_or_else(unknown_token)?;
        if st.tokens[t].app != app || caller.app != app {
            return Err(GraphError::param(
                "client_id, revoke_token and access_token must all belong to the same app",
            ));
        }
        if st.tokens[t].status == TokenStatus::Valid {
            st.tokens[t].status = TokenStatus::Revoked;
            st.writes += 1;
        }
        // Meta's sample is literally {"success":"true",}; we emit the valid-JSON form (§3.5).
        Ok(json!({"success": "true"}))
    }

    /// `GET /debug_token?input_token=...`.
    pub(super) fn debug_token(&mut self, caller: &Caller, params: &Params) -> GraphResult<Value> {
        let raw = params.required("input_token")?;
        let st = &*self.st;
        let Some(&t) = st.token_index.get(raw) else {
            // UNCONFIRMED: the shape of `error` inside debug_token (spec §12 item 12).
            return Ok(json!({"data": {
                "error": {"code": 190, "message": "Invalid OAuth access token."},
                "is_valid": false,
                "scopes": [],
            }}));
        };
        let tok = &st.tokens[t];
        if tok.app != caller.app {
            return Err(GraphError::param(
                "The App_id in the input_token did not match the Viewing App",
            ));
        }
        let app = &st.assets[tok.app];
        let user = &st.users[tok.user];
        let mut data = Map::new();
        data.insert("app_id".into(), json!(app.id));
        data.insert("type".into(), json!(tok.kind));
        data.insert("application".into(), json!(app.name));
        // UNCONFIRMED: whether data_access_expires_at is non-zero for 60-day system tokens.
        let data_access = match tok.kind {
            TokenKind::User => tok.issued_at + 90 * 24 * 3600,
            _ => 0,
        };
        data.insert("data_access_expires_at".into(), json!(data_access));
        data.insert("expires_at".into(), json!(tok.expires_at));
        let error = token_error(st, t);
        data.insert("is_valid".into(), json!(error.is_none()));
        data.insert("issued_at".into(), json!(tok.issued_at));
        data.insert("scopes".into(), json!(tok.scopes));
        // UNCONFIRMED: whether grants are frozen when the token is generated (spec §12 item 17);
        // target_ids follow the user's current assignments.
        let granular: Vec<Value> = tok
            .scopes
            .iter()
            .map(|scope| {
                let mut targets: Vec<&str> = Vec::new();
                if scope == "business_management" && tok.kind == TokenKind::SystemUser {
                    targets.push(&st.businesses[user.business].id);
                }
                for &x in &user.assigned {
                    let asset = &st.assets[x];
                    if asset.kind.scope_targets(scope) {
                        targets.push(asset.numeric_id());
                    }
                }
                if targets.is_empty() {
                    json!({ "scope": scope })
                } else {
                    json!({ "scope": scope, "target_ids": targets })
                }
            })
            .collect();
        data.insert("granular_scopes".into(), Value::Array(granular));
        data.insert("user_id".into(), json!(user.id));
        if let Some(p) = tok.page {
            data.insert("profile_id".into(), json!(st.assets[p].id));
        }
        if let Some(e) = error {
            data.insert(
                "error".into(),
                json!({"code": e.code, "message": e.message, "subcode": e.subcode}),
            );
        }
        Ok(json!({ "data": data }))
    }
}
