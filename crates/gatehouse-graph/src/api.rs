//! The typed endpoints (spec §2-§6), as methods of a [`Session`]: a client plus the credentials
//! to call with.

use gatehouse_secrets::Secret;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use zeroize::Zeroize;

use crate::auth::Credentials;
use crate::config::SecretParams;
use crate::endpoints::Endpoint;
use crate::error::{GraphError, UnsafeOperation};
use crate::events::EventSink;
use crate::models::{
    Asset, AssignedUser, Business, BusinessUser, ClaimStatus, IssuedToken, Me, PageAccount,
    SystemUser, TokenInfo,
};
use crate::paging::{item_ids, paged, Paged};
use crate::scopes::Scope;
use crate::tasks::{AssetKind, Relation, TaskSet};
use crate::transport::{segment, Call, GraphClient, Safety};
use crate::usage::Usage;

/// A [`GraphClient`] and the credentials to call with. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Session {
    client: GraphClient,
    creds: Credentials,
}

/// The role of a new system user (spec §2.2: the guide says to use `ADMIN` or `EMPLOYEE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NewSystemUserRole {
    Admin,
    Employee,
}

impl NewSystemUserRole {
    pub fn as_str(self) -> &'static str {
        match self {
            NewSystemUserRole::Admin => "ADMIN",
            NewSystemUserRole::Employee => "EMPLOYEE",
        }
    }
}

/// Options of an asset listing.
#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    /// `search_query` (ad-account edges only, spec §4.2; ignored for other kinds).
    pub search: Option<String>,
    /// Also ask for ad accounts' `tos_accepted` (the Custom Audience terms); other kinds ignore
    /// it.
    pub with_terms: bool,
    /// `limit`, instead of the edge's maximum ([`AssetKind::max_page_size`]).
    pub page_size: Option<u32>,
}

/// One assignment to make: `tasks` also fixes the asset kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Assignment {
    /// The asset's ID (`act_` is added for ad accounts when missing).
    pub asset_id: String,
    /// The (app-scoped) system user or business user ID.
    pub user_id: String,
    pub tasks: TaskSet,
}

/// One assignment to remove.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unassignment {
    pub kind: AssetKind,
    pub asset_id: String,
    pub user_id: String,
}

/// What to ask for when generating a system-user token (spec §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The app the token is for (`business_app`); it must be installed for the system user.
    pub app_id: String,
    /// The permissions; send them with their dependencies ([`Scope::with_dependencies`]).
    pub scopes: Vec<Scope>,
    /// `set_token_expires_in_60_days` (Meta recommends expiring tokens).
    pub expires_in_60_days: bool,
}

/// What [`Session::probe_chained_paging`] found.
#[derive(Debug, Clone)]
pub enum ChainedPagingProbe {
    /// The chained batch listed exactly what plain paging did.
    Accepted,
    /// Chaining did not work there. `reason` names no object (it goes into a report meant for
    /// a bug tracker); `error` is Meta's, when Meta refused something.
    Refused { reason: String, error: Option<GraphError> },
    /// The listing has fewer than two pages: nothing to chain.
    NotEnoughItems,
}

/// What listing the system users says about a create whose outcome was unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateReconciliation {
    /// Exactly one system user with that name that was not there before: it was created.
    Created(SystemUser),
    /// None with that name: the create did not happen; creating again is safe.
    NotCreated,
    /// Several new candidates: a person must decide.
    Ambiguous(Vec<SystemUser>),
}

/// Reads a write's answer. Meta's bodies vary (spec §12 item 1): `true`, `{"success": true}`,
/// `{"success": "true"}`, `{"id": …}` or `{}` all mean success.
// UNCONFIRMED: the exact bodies of app install, DELETE access_tokens, rename and managed_businesses.
pub(crate) fn expect_success(body: &Value) -> Result<(), GraphError> {
    let ok = match body {
        Value::Bool(b) => *b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        Value::Object(map) => match map.get("success") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            Some(_) => false,
            None => true,
        },
        Value::Null => true,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(GraphError::unexpected(
            Some(200),
            format!("the server did not confirm success: {body}"),
        ))
    }
}

/// Takes a token string out of a response body as a [`Secret`] (moved, not copied).
fn take_token(mut body: Value) -> Result<(Secret, Value), GraphError> {
    match body.get_mut("access_token").map(Value::take) {
        Some(Value::String(s)) if !s.is_empty() => Ok((Secret::new(s), body)),
        _ => Err(GraphError::unexpected(Some(200), "the response has no access_token")),
    }
}

/// An `oauth/access_token` answer: the token, and its lifetime and type when Meta says.
fn issued_token(body: Value) -> Result<IssuedToken, GraphError> {
    let (access_token, rest) = take_token(body)?;
    Ok(IssuedToken {
        access_token,
        expires_in: rest
            .get("expires_in")
            .and_then(crate::error::as_i64)
            .and_then(|s| u64::try_from(s).ok())
            .map(std::time::Duration::from_secs),
        token_type: rest.get("token_type").and_then(Value::as_str).map(str::to_owned),
    })
}

impl<'de> Deserialize<'de> for PageAccount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(deserialize_with = "crate::models::id_string")]
            id: String,
            #[serde(default)]
            name: Option<String>,
            #[serde(default)]
            category: Option<String>,
            #[serde(default)]
            tasks: Option<Vec<String>>,
            #[serde(default)]
            access_token: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        Ok(PageAccount {
            id: raw.id,
            name: raw.name,
            category: raw.category,
            tasks: raw.tasks.unwrap_or_default(),
            access_token: raw.access_token.map(Secret::new),
        })
    }
}

impl Session {
    /// The clock of this session's client (waits, `until`s, expiry).
    pub fn clock(&self) -> &dyn crate::Clock {
        self.client.clock()
    }

    pub(crate) fn new(client: GraphClient, creds: Credentials) -> Self {
        Self { client, creds }
    }

    pub fn client(&self) -> &GraphClient {
        &self.client
    }

    pub fn credentials(&self) -> &Credentials {
        &self.creds
    }

    /// The same session reporting events (waits, retries) to `sink`.
    pub fn with_events(&self, sink: EventSink) -> Self {
        Self { client: self.client.with_events(sink), creds: self.creds.clone() }
    }

    async fn call(&self, call: &Call) -> Result<Value, GraphError> {
        Ok(self.client.execute(Some(&self.creds), call).await?.body)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, call: &Call) -> Result<T, GraphError> {
        let body = self.call(call).await?;
        serde_json::from_value(body).map_err(|e| {
            GraphError::unexpected(Some(200), format!("cannot read the response: {e}"))
        })
    }

    fn list<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        call: Result<Call, GraphError>,
        limit: u32,
    ) -> Paged<T> {
        self.list_as(call, limit, false)
    }

    /// `chainable`: pages may be chained in batches when the client's [`crate::PagingMode`]
    /// says so.
    fn list_as<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        call: Result<Call, GraphError>,
        limit: u32,
        chainable: bool,
    ) -> Paged<T> {
        match call {
            Ok(c) => paged(self.client.clone(), self.creds.clone(), c, limit, chainable),
            Err(e) => Paged::failed(e),
        }
    }

    /// A GET whose parameters include secrets, sent as [`SecretParams`] says; the parameter
    /// values are wiped from memory afterwards.
    async fn secret_get(&self, call: Call) -> Result<Value, GraphError> {
        self.secret_get_via(call, self.client.config().secret_params).await
    }

    async fn secret_get_via(&self, mut call: Call, via: SecretParams) -> Result<Value, GraphError> {
        let result = match via {
            SecretParams::Query => self.call(&call).await,
            SecretParams::Batch => {
                let mut results = self.client.run_batch(&self.creds, vec![call.clone()]).await;
                results.pop().unwrap_or_else(|| Err(GraphError::unexpected(None, "empty batch")))
            }
        };
        for (_, v) in call.params.iter_mut() {
            v.zeroize();
        }
        result
    }

    /// One read from the endpoint table, answered raw with the usage headers seen: what a
    /// compatibility check compares with the emulator's answer. Only GETs are sent; `params` must
    /// be ones the endpoint declares. The first page only.
    pub async fn probe(
        &self,
        endpoint: &Endpoint,
        node_id: &str,
        params: &[(&str, String)],
    ) -> Result<(Value, Usage), GraphError> {
        if endpoint.method != crate::HttpMethod::Get || endpoint.node == crate::NodeType::Root {
            return Err(GraphError::invalid_input("endpoint", "a probe only reads Graph nodes"));
        }
        let mut call = endpoint.get(node_id)?;
        for (k, v) in params {
            if !endpoint.params.contains(k) && !crate::GENERIC_PARAMS.contains(k) {
                return Err(GraphError::invalid_input(k, "not a parameter of this endpoint"));
            }
            call = call.param(k, v.clone());
        }
        let raw = self.client.execute(Some(&self.creds), &call).await?;
        Ok((raw.body, raw.usage))
    }

    /// `debug_token` of the session's own token, answered raw, sent `via` the documented GET or
    /// as an operation of a batch request (the form Meta does not document): a compatibility
    /// check tries both, so whether Meta accepts the batch form becomes known.
    pub async fn probe_own_token(&self, via: SecretParams) -> Result<Value, GraphError> {
        let endpoint = match via {
            SecretParams::Query => &Endpoint::DEBUG_TOKEN,
            SecretParams::Batch => &Endpoint::DEBUG_TOKEN_BATCHED,
        };
        let call = endpoint.get("")?.param("input_token", self.creds.token.expose());
        self.secret_get_via(call, via).await
    }

    /// Whether chained paging lists what plain paging lists, on `endpoint` of `node_id` (a
    /// listing with at least two pages of `limit`): the first two pages fetched plain, then the
    /// same two in one batch whose second operation takes its cursor from the first's
    /// ([`crate::PagingMode::Chained`]). Read-only. `Err` when plain paging itself fails.
    pub async fn probe_chained_paging(
        &self,
        endpoint: &Endpoint,
        node_id: &str,
        params: &[(&str, String)],
        limit: u32,
    ) -> Result<ChainedPagingProbe, GraphError> {
        if endpoint.method != crate::HttpMethod::Get || endpoint.node == crate::NodeType::Root {
            return Err(GraphError::invalid_input("endpoint", "a probe only reads Graph nodes"));
        }
        let mut base = endpoint.get(node_id)?;
        for (k, v) in params {
            if !endpoint.params.contains(k) && !crate::GENERIC_PARAMS.contains(k) {
                return Err(GraphError::invalid_input(k, "not a parameter of this endpoint"));
            }
            base = base.param(k, v.clone());
        }
        let first = self.call(&base.clone().param("limit", limit.to_string())).await?;
        let Some(next) = first.pointer("/paging/next").and_then(Value::as_str) else {
            return Ok(ChainedPagingProbe::NotEnoughItems);
        };
        let next = Call::follow(self.client.same_origin_url(next)?);
        let second = self.call(&next).await?;
        let plain: Vec<String> =
            [&first, &second].into_iter().flat_map(item_ids).map(str::to_owned).collect();

        let refused = |reason: &str, error: Option<GraphError>| ChainedPagingProbe::Refused {
            reason: reason.to_owned(),
            error,
        };
        let call = self.client.chained_pages_request(&self.creds, &base, limit, None, 2)?;
        let answers = match self.client.run_chained(&self.creds, &call).await {
            Ok(a) => a,
            Err(e) => return Ok(refused("the batch request was refused", Some(e))),
        };
        let mut chained: Vec<String> = Vec::new();
        for (i, which) in ["first", "second"].into_iter().enumerate() {
            let answer = answers.get(i).cloned().unwrap_or(Value::Null);
            if answer.is_null() {
                return Ok(refused(&format!("the {which} page came back null"), None));
            }
            let body = match crate::batch::item_result(&answer) {
                Ok(body) => body,
                Err((e, _)) => {
                    return Ok(refused(&format!("the {which} page was refused"), Some(e)));
                }
            };
            if !body.get("data").is_some_and(Value::is_array) {
                return Ok(refused(&format!("the {which} page came back without its list"), None));
            }
            let ids = item_ids(&body);
            if i > 0 && ids.iter().any(|id| chained.iter().any(|c| c == id)) {
                return Ok(refused(
                    "the second page repeats the first: the cursor was not carried over",
                    None,
                ));
            }
            chained.extend(ids.into_iter().map(str::to_owned));
        }
        Ok(if chained == plain {
            ChainedPagingProbe::Accepted
        } else {
            refused("the chained pages list other items than plain paging", None)
        })
    }

    // ----- identity -------------------------------------------------------------------------

    /// `GET /me`: who the token belongs to (a system user, for a system-user token).
    pub async fn me(&self) -> Result<Me, GraphError> {
        self.get_json(&Endpoint::ME.get("me")?).await
    }

    /// `GET /me/businesses`: the businesses a person belongs to (user tokens).
    pub fn my_businesses(&self) -> Paged<Business> {
        self.list(Endpoint::MY_BUSINESSES.get("me"), 100)
    }

    /// `GET /{business-id}` with the fields a portfolio check needs.
    pub async fn business(&self, business_id: &str) -> Result<Business, GraphError> {
        self.get_json(&Endpoint::BUSINESS.get(business_id)?).await
    }

    /// `GET /debug_token`: what `token` is, whose, which app, scopes, expiry. The session should
    /// hold an app token ([`Credentials::app_token`]) or a token of the same app. `token` never
    /// goes into a URL.
    pub async fn debug_token(&self, token: &Secret) -> Result<TokenInfo, GraphError> {
        let call = Endpoint::DEBUG_TOKEN.get("")?.param("input_token", token.expose());
        let mut body = self.secret_get(call).await?;
        let data = body.get_mut("data").map(Value::take).unwrap_or(body);
        serde_json::from_value(data)
            .map_err(|e| GraphError::unexpected(Some(200), format!("cannot read debug_token: {e}")))
    }

    /// `GET /me/accounts`: the Pages the (system) user can use, with Page tokens (spec §3.8).
    pub fn my_pages(&self) -> Paged<PageAccount> {
        self.list(Endpoint::MY_PAGES.get("me"), 100)
    }

    // ----- assets ---------------------------------------------------------------------------

    /// A Business asset edge: `owned_*` or `client_*` for one of the seven kinds (spec §4.2),
    /// at the edge's maximum page size, with `summary=total_count` for progress. Its pages are
    /// chained in batches when the client's [`crate::PagingMode`] is `Chained`.
    pub fn assets(
        &self,
        business_id: &str,
        kind: AssetKind,
        relation: Relation,
        options: &ListOptions,
    ) -> Paged<Asset> {
        let endpoint = if options.with_terms && kind == AssetKind::AdAccount {
            Endpoint::ad_accounts_with_terms(relation)
        } else {
            Endpoint::assets(kind, relation)
        };
        let call = endpoint.get(business_id).map(|c| {
            let c = c.param("summary", "total_count");
            if kind == AssetKind::AdAccount {
                c.param_opt("search_query", options.search.clone())
            } else {
                c
            }
        });
        self.list_as(call, options.page_size.unwrap_or(kind.max_page_size()), true)
    }

    /// `summary.total_count` of an asset edge, fetching a single item.
    pub async fn asset_count(
        &self,
        business_id: &str,
        kind: AssetKind,
        relation: Relation,
    ) -> Result<Option<u64>, GraphError> {
        let call = Endpoint::asset_count(kind, relation)
            .get(business_id)?
            .param("summary", "total_count")
            .param("limit", "1");
        let body = self.call(&call).await?;
        Ok(body
            .pointer("/summary/total_count")
            .and_then(crate::error::as_i64)
            .and_then(|n| u64::try_from(n).ok()))
    }

    /// `GET /{asset-id}`: one asset of a known kind, with its list fields.
    pub async fn asset(&self, kind: AssetKind, asset_id: &str) -> Result<Asset, GraphError> {
        let node = kind.node_id(asset_id);
        self.get_json(&Endpoint::asset(kind).get(&node)?).await
    }

    /// `GET /{business-id}/business_users`: the people of a business, with their roles.
    pub fn business_users(&self, business_id: &str) -> Paged<BusinessUser> {
        self.list(
            Endpoint::BUSINESS_USERS.get(business_id).map(|c| c.param("summary", "total_count")),
            100,
        )
    }

    /// `GET /{business-id}/clients`: the businesses that share assets with this one as its
    /// partner (an agency's clients).
    pub fn clients(&self, business_id: &str) -> Paged<Business> {
        self.list(Endpoint::CLIENTS.get(business_id), 100)
    }

    // ----- system users ---------------------------------------------------------------------

    /// `GET /{business-id}/system_users` (admins included).
    pub fn system_users(&self, business_id: &str) -> Paged<SystemUser> {
        self.list(
            Endpoint::SYSTEM_USERS.get(business_id).map(|c| c.param("summary", "total_count")),
            100,
        )
    }

    /// `GET /{system-user-id}`.
    pub async fn system_user(&self, system_user_id: &str) -> Result<SystemUser, GraphError> {
        self.get_json(&Endpoint::SYSTEM_USER.get(system_user_id)?).await
    }

    /// `POST /{business-id}/system_users`: creates a system user and returns its app-scoped ID.
    ///
    /// Not idempotent: if the request may have reached Meta but no answer came back, the error
    /// is [`GraphError::OutcomeUnknown`]; list with [`Session::reconcile_system_user_create`]
    /// before trying again.
    pub async fn create_system_user(
        &self,
        business_id: &str,
        name: &str,
        role: NewSystemUserRole,
    ) -> Result<String, GraphError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(GraphError::invalid_input("name", "the system user needs a name"));
        }
        let op = UnsafeOperation::CreateSystemUser {
            business_id: business_id.to_owned(),
            name: name.to_owned(),
        };
        let call = Endpoint::CREATE_SYSTEM_USER
            .call(business_id, Safety::Unsafe(op))?
            .param("name", name)
            .param("role", role.as_str());
        let body = self.call(&call).await?;
        body.get("id")
            .and_then(|v| {
                v.as_str().map(str::to_owned).or_else(|| v.as_u64().map(|n| n.to_string()))
            })
            .ok_or_else(|| GraphError::unexpected(Some(200), "the create response has no id"))
    }

    /// After [`GraphError::OutcomeUnknown`] from [`Session::create_system_user`]: lists the system
    /// users and looks for one named `name` that is not in `known_before` (the IDs listed before
    /// the create; pass an empty slice if none were).
    pub async fn reconcile_system_user_create(
        &self,
        business_id: &str,
        name: &str,
        known_before: &[String],
    ) -> Result<CreateReconciliation, GraphError> {
        let (all, _) = self.system_users(business_id).collect_all().await?;
        let name = name.trim();
        let mut hits: Vec<SystemUser> = all
            .into_iter()
            .filter(|u| u.name.trim() == name && !known_before.contains(&u.id))
            .collect();
        Ok(match hits.len() {
            0 => CreateReconciliation::NotCreated,
            1 => CreateReconciliation::Created(hits.remove(0)),
            _ => CreateReconciliation::Ambiguous(hits),
        })
    }

    /// Renames a system user: `POST /{business-id}/system_users` with `system_user_id` (D-CRU).
    pub async fn rename_system_user(
        &self,
        business_id: &str,
        system_user_id: &str,
        new_name: &str,
    ) -> Result<(), GraphError> {
        let new_name = new_name.trim();
        if new_name.is_empty() {
            return Err(GraphError::invalid_input("name", "the new name is empty"));
        }
        segment(system_user_id)?;
        let call = Endpoint::RENAME_SYSTEM_USER
            .call(business_id, Safety::Idempotent)?
            .param("system_user_id", system_user_id)
            .param("name", new_name);
        expect_success(&self.call(&call).await?)
    }

    /// A system user's assets of one kind (`GET /{system-user-id}/assigned_*`, spec §2.5), with
    /// the tasks it holds on each.
    pub fn system_user_assets(&self, system_user_id: &str, kind: AssetKind) -> Paged<Asset> {
        self.list(
            Endpoint::system_user_assets(kind)
                .get(system_user_id)
                .map(|c| c.param("summary", "total_count")),
            kind.max_page_size(),
        )
    }

    // ----- assignments ----------------------------------------------------------------------

    fn assigned_users_call(
        kind: AssetKind,
        asset_id: &str,
        business_id: &str,
    ) -> Result<Call, GraphError> {
        if !kind.has_assigned_users() {
            return Err(GraphError::invalid_input("kind", "apps have no assigned_users edge"));
        }
        let node = kind.node_id(asset_id);
        Ok(Endpoint::assigned_users(kind)
            .get(&node)?
            .param("business", business_id)
            .param("summary", "total_count"))
    }

    /// `GET /{asset}/assigned_users?business=` (spec §5.1): the users of `business_id` assigned
    /// to the asset. Meta requires `business` on every kind (SDK param checkers, REF-PAU).
    pub fn assigned_users(
        &self,
        kind: AssetKind,
        asset_id: &str,
        business_id: &str,
    ) -> Paged<AssignedUser> {
        self.list(Self::assigned_users_call(kind, asset_id, business_id), 100)
    }

    fn assign_call(a: &Assignment) -> Result<Call, GraphError> {
        a.tasks.validate()?;
        segment(&a.user_id)?;
        let kind = a.tasks.kind();
        let node = kind.node_id(&a.asset_id);
        let mut call = Endpoint::assign(kind)
            .call(&node, Safety::Idempotent)?
            .param("user", a.user_id.clone());
        if !a.tasks.is_empty() {
            call = call.param("tasks", a.tasks.to_param());
        }
        Ok(call)
    }

    fn unassign_call(u: &Unassignment) -> Result<Call, GraphError> {
        if !u.kind.has_assigned_users() {
            return Err(GraphError::invalid_input("kind", "apps have no assigned_users edge"));
        }
        if let Some(elsewhere) = u.kind.removal_elsewhere() {
            return Err(GraphError::invalid_input("kind", elsewhere));
        }
        segment(&u.user_id)?;
        let node = u.kind.node_id(&u.asset_id);
        Ok(Endpoint::unassign(u.kind)
            .call(&node, Safety::Idempotent)?
            .param("user", u.user_id.clone()))
    }

    /// `POST /{asset}/assigned_users`: grants (or updates to) exactly `tasks`. Idempotent, so it
    /// is retried on transient failures.
    // UNCONFIRMED: pixel assignment (SDK has it, a reference page says unsupported, spec §12
    // item 8); it is sent and the server's answer decides.
    pub async fn assign(&self, assignment: &Assignment) -> Result<(), GraphError> {
        expect_success(&self.call(&Self::assign_call(assignment)?).await?)
    }

    /// `DELETE /{asset}/assigned_users?user=`. Idempotent.
    pub async fn unassign(&self, unassignment: &Unassignment) -> Result<(), GraphError> {
        expect_success(&self.call(&Self::unassign_call(unassignment)?).await?)
    }

    /// Many assignments through batch requests (50 per batch, several batches in flight); one
    /// result per assignment, in order. Failed (transient) and `null` items are retried.
    pub async fn assign_many(&self, assignments: &[Assignment]) -> Vec<Result<(), GraphError>> {
        self.batch_writes(assignments.iter().map(Self::assign_call).collect()).await
    }

    /// Many unassignments through batch requests.
    pub async fn unassign_many(&self, items: &[Unassignment]) -> Vec<Result<(), GraphError>> {
        self.batch_writes(items.iter().map(Self::unassign_call).collect()).await
    }

    async fn batch_writes(
        &self,
        calls: Vec<Result<Call, GraphError>>,
    ) -> Vec<Result<(), GraphError>> {
        let mut out: Vec<Option<Result<(), GraphError>>> = Vec::with_capacity(calls.len());
        let mut to_send = Vec::new();
        let mut positions = Vec::new();
        for (i, c) in calls.into_iter().enumerate() {
            match c {
                Ok(call) => {
                    out.push(None);
                    to_send.push(call);
                    positions.push(i);
                }
                Err(e) => out.push(Some(Err(e))),
            }
        }
        let results = self.client.run_batch(&self.creds, to_send).await;
        for (pos, r) in positions.into_iter().zip(results) {
            out[pos] = Some(r.and_then(|body| expect_success(&body)));
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(GraphError::unexpected(None, "missing batch result"))))
            .collect()
    }

    // ----- apps and tokens ------------------------------------------------------------------

    /// `POST /{business-id}/owned_apps?app_id=`: the business claims an app its admin develops
    /// (spec §4.3), which a business needs before it can have system users (104001). Claiming
    /// again changes nothing, so it is retried like a read, and Meta's "already has access"
    /// (3944) is [`ClaimStatus::AlreadyOwned`], not an error.
    pub async fn claim_app(
        &self,
        business_id: &str,
        app_id: &str,
    ) -> Result<ClaimStatus, GraphError> {
        segment(app_id)?;
        let call =
            Endpoint::CLAIM_APP.call(business_id, Safety::Idempotent)?.param("app_id", app_id);
        match self.call(&call).await {
            Ok(body) => ClaimStatus::from_body(&body).ok_or_else(|| {
                GraphError::unexpected(None, format!("the claim of app {app_id} was not confirmed"))
            }),
            Err(GraphError::AssetClaimRejected { details }) if details.graph_code == Some(3944) => {
                Ok(ClaimStatus::AlreadyOwned)
            }
            Err(e) => Err(e),
        }
    }

    /// The apps assigned to the system user (`GET /{system-user-id}/assigned_apps`, REF-SU;
    /// on "nonexisting field" the SDK's `assigned_applications`).
    ///
    /// Meta documents no read of the apps *installed* for a system user (`GET .../applications`
    /// is in no SDK class), so this is the closest documented answer; a caller treats an error
    /// here as "unknown" and installs anyway (installing is idempotent).
    // UNCONFIRMED: whether installing an app makes it appear on this edge (the emulator says yes).
    pub async fn system_user_apps(&self, system_user_id: &str) -> Result<Vec<Asset>, GraphError> {
        let first = self.system_user_assets(system_user_id, AssetKind::App).collect_all().await;
        match first {
            Ok((apps, _)) => Ok(apps),
            Err(e) if e.graph_code() == Some(100) => {
                let call = Endpoint::SYSTEM_USER_APPS_SDK.get(system_user_id)?;
                Ok(self.list(Ok(call), 100).collect_all().await?.0)
            }
            Err(e) => Err(e),
        }
    }

    /// `POST /{system-user-id}/applications`: installs `app_id` for the system user (spec §3.1).
    /// Installing twice has the same effect, so it is retried like a read.
    pub async fn install_app(&self, system_user_id: &str, app_id: &str) -> Result<(), GraphError> {
        segment(app_id)?;
        let call = Endpoint::INSTALL_APP
            .call(system_user_id, Safety::Idempotent)?
            .param("business_app", app_id);
        expect_success(&self.call(&call).await?)
    }

    /// `POST /{system-user-id}/access_tokens`: a new system-user token (spec §3.2). The session
    /// needs the app secret (the proof is required here).
    ///
    /// Not idempotent: when the answer is lost the error is [`GraphError::OutcomeUnknown`]
    /// ("may have been issued"); see [`GraphError::fix`] for the choices.
    pub async fn generate_token(
        &self,
        system_user_id: &str,
        request: &TokenRequest,
    ) -> Result<Secret, GraphError> {
        if !self.creds.has_app_secret() {
            return Err(GraphError::invalid_input(
                "app_secret",
                "generating a token needs the app secret (appsecret_proof is required)",
            ));
        }
        if request.scopes.is_empty() {
            return Err(GraphError::invalid_input("scope", "choose at least one permission"));
        }
        segment(&request.app_id)?;
        let op = UnsafeOperation::GenerateToken {
            system_user_id: system_user_id.to_owned(),
            app_id: request.app_id.clone(),
        };
        let call = Endpoint::GENERATE_TOKEN
            .call(system_user_id, Safety::Unsafe(op))?
            .param("business_app", request.app_id.clone())
            .param("scope", Scope::join(&request.scopes))
            .param(
                "set_token_expires_in_60_days",
                if request.expires_in_60_days { "true" } else { "false" },
            );
        let body = self.call(&call).await?;
        Ok(take_token(body)?.0)
    }

    /// `DELETE /{system-user-id}/access_tokens`: invalidates every token of the system user.
    pub async fn invalidate_all_tokens(&self, system_user_id: &str) -> Result<(), GraphError> {
        let call = Endpoint::INVALIDATE_ALL_TOKENS.call(system_user_id, Safety::Idempotent)?;
        expect_success(&self.call(&call).await?)
    }

    /// `GET /oauth/access_token` with `grant_type=fb_exchange_token`: a new 60-day token for the
    /// session's own token (spec §3.3). The current token keeps working until it expires.
    pub async fn refresh_token(
        &self,
        app_id: &str,
        app_secret: &Secret,
    ) -> Result<IssuedToken, GraphError> {
        segment(app_id)?;
        let op = UnsafeOperation::RefreshToken { app_id: app_id.to_owned() };
        let call = Endpoint::REFRESH_TOKEN
            .call("", Safety::Unsafe(op))?
            .param("grant_type", "fb_exchange_token")
            .param("client_id", app_id)
            .param("client_secret", app_secret.expose())
            .param("set_token_expires_in_60_days", "true")
            .param("fb_exchange_token", self.creds.token.expose());
        issued_token(self.secret_get(call).await?)
    }

    /// `GET /oauth/revoke`: revokes `token` at once (spec §3.5). `app_id`/`app_secret` must be
    /// the app both tokens were made for. Revoking twice has the same effect.
    pub async fn revoke_token(
        &self,
        app_id: &str,
        app_secret: &Secret,
        token: &Secret,
    ) -> Result<(), GraphError> {
        segment(app_id)?;
        let call = Endpoint::REVOKE_TOKEN
            .get("")?
            .param("client_id", app_id)
            .param("client_secret", app_secret.expose())
            .param("revoke_token", token.expose());
        expect_success(&self.secret_get(call).await?)
    }

    // ----- On Behalf Of (spec §6) -------------------------------------------------------------

    /// `POST /{partner}/managed_businesses?existing_client_business_id=`: links a client
    /// business to the partner (user token of a client admin).
    pub async fn add_managed_business(
        &self,
        partner_business_id: &str,
        client_business_id: &str,
    ) -> Result<(), GraphError> {
        segment(client_business_id)?;
        let op = UnsafeOperation::CreateManagedBusiness {
            partner_business_id: partner_business_id.to_owned(),
        };
        let call = Endpoint::ADD_MANAGED_BUSINESS
            .call(partner_business_id, Safety::Unsafe(op))?
            .param("existing_client_business_id", client_business_id);
        expect_success(&self.call(&call).await?)
    }

    /// `DELETE /{partner}/managed_businesses?existing_client_business_id=`: removes the link and
    /// its system user.
    pub async fn remove_managed_business(
        &self,
        partner_business_id: &str,
        client_business_id: &str,
    ) -> Result<(), GraphError> {
        segment(client_business_id)?;
        let call = Endpoint::REMOVE_MANAGED_BUSINESS
            .call(partner_business_id, Safety::Idempotent)?
            .param("existing_client_business_id", client_business_id);
        expect_success(&self.call(&call).await?)
    }

    /// `POST /{client-business}/access_token`: a system-user token inside the client business,
    /// for the partner's app (partner admin-system-user token with the app secret).
    pub async fn client_access_token(
        &self,
        client_business_id: &str,
        app_id: &str,
        scopes: &[Scope],
        system_user_name: Option<&str>,
    ) -> Result<Secret, GraphError> {
        if !self.creds.has_app_secret() {
            return Err(GraphError::invalid_input(
                "app_secret",
                "On Behalf Of needs the app secret (appsecret_proof is required)",
            ));
        }
        segment(app_id)?;
        let op = UnsafeOperation::ClientAccessToken {
            client_business_id: client_business_id.to_owned(),
            app_id: app_id.to_owned(),
        };
        let call = Endpoint::CLIENT_ACCESS_TOKEN
            .call(client_business_id, Safety::Unsafe(op))?
            .param("app_id", app_id)
            .param("scope", Scope::join(scopes))
            .param_opt("system_user_name", system_user_name);
        Ok(take_token(self.call(&call).await?)?.0)
    }
}

impl crate::GraphClient {
    /// `GET /oauth/access_token` with the `code` the login dialog answered: the person's token
    /// (Facebook Login's manual flow). Sent without the session's credentials (the app secret
    /// is the proof); the code works once, so a lost answer is not retried.
    pub async fn exchange_login_code(
        &self,
        app_id: &str,
        app_secret: &Secret,
        redirect_uri: &str,
        code: &Secret,
    ) -> Result<IssuedToken, GraphError> {
        segment(app_id)?;
        let op = UnsafeOperation::Other { description: "exchanging the sign-in's code".into() };
        let mut call = Endpoint::EXCHANGE_LOGIN_CODE
            .call("", Safety::Unsafe(op))?
            .param("client_id", app_id)
            .param("client_secret", app_secret.expose())
            .param("redirect_uri", redirect_uri)
            .param("code", code.expose());
        let result = self.execute(None, &call).await;
        for (_, v) in call.params.iter_mut() {
            v.zeroize();
        }
        issued_token(result?.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Explain;
    use reqwest::Method;
    use serde_json::json;

    #[test]
    fn success_bodies() {
        for ok in [
            json!(true),
            json!({"success": true}),
            json!({"success": "true"}),
            json!({"id": "1"}),
            json!({}),
            Value::Null,
            json!("true"),
        ] {
            assert!(expect_success(&ok).is_ok(), "{ok}");
        }
        for bad in
            [json!(false), json!({"success": false}), json!({"success": "false"}), json!([1])]
        {
            assert_eq!(expect_success(&bad).unwrap_err().code(), "unexpected_response", "{bad}");
        }
    }

    #[test]
    fn token_extraction() {
        let (t, rest) =
            take_token(json!({"access_token": "EAAB-new", "expires_in": 5183944})).unwrap();
        assert_eq!(t.expose(), "EAAB-new");
        assert!(rest.get("access_token").unwrap().is_null());
        assert!(!rest.to_string().contains("EAAB-new"));
        assert!(take_token(json!({"access_token": ""})).is_err());
        assert!(take_token(json!({})).is_err());
    }

    #[test]
    fn assignment_calls_are_typed() {
        use crate::tasks::{AdAccountTask, CatalogTask};
        let a = Assignment {
            asset_id: "222".into(),
            user_id: "100".into(),
            tasks: TaskSet::of(vec![
                AdAccountTask::Manage,
                AdAccountTask::Advertise,
                AdAccountTask::Analyze,
            ]),
        };
        let c = Session::assign_call(&a).unwrap();
        assert_eq!(c.relative_url("v26.0").unwrap(), "v26.0/act_222/assigned_users");
        assert_eq!(
            c.params,
            vec![
                ("user".to_string(), "100".to_string()),
                ("tasks".to_string(), r#"["MANAGE","ADVERTISE","ANALYZE"]"#.to_string()),
            ]
        );
        let empty = Assignment { tasks: TaskSet::Catalog(Vec::<CatalogTask>::new()), ..a.clone() };
        assert_eq!(Session::assign_call(&empty).unwrap_err().code(), "invalid_input");
        let bad_user = Assignment { user_id: "1/../2".into(), ..a };
        assert!(Session::assign_call(&bad_user).is_err());
        let page = Session::assigned_users_call(AssetKind::Page, "1", "9").unwrap();
        assert!(page.params.contains(&("business".to_string(), "9".to_string())));
        assert!(Session::assigned_users_call(AssetKind::App, "1", "9").is_err());
        let pixel =
            Unassignment { kind: AssetKind::Pixel, asset_id: "5".into(), user_id: "7".into() };
        let e = Session::unassign_call(&pixel).unwrap_err();
        assert!(format!("{e:?}").contains("Business settings"), "{e:?}");
        let u = Unassignment {
            kind: AssetKind::AdAccount,
            asset_id: "act_5".into(),
            user_id: "7".into(),
        };
        let c = Session::unassign_call(&u).unwrap();
        assert_eq!(c.method, Method::DELETE);
        assert_eq!(c.relative_url("v26.0").unwrap(), "v26.0/act_5/assigned_users?user=7");
    }
}
