//! Every Graph call the client can make, as one table: the node type (named as in Meta's Business
//! SDKs), the edge, the HTTP method, the parameters it sends and the fields it asks for.
//!
//! [`crate::Session`] builds each request from an entry of this table ([`Endpoint::call`]), and
//! [`Endpoint::all`] lists every entry for every asset kind. The conformance test
//! (`tests/conformance.rs`, then `tests/conformance/test_meta_sdk.py`) checks the list against
//! Meta's official Python Business SDK, so a call Meta's SDK does not know fails the test suite
//! instead of failing on a real portfolio.

use reqwest::Method;
use serde::Serialize;

use crate::error::GraphError;
use crate::tasks::{AssetKind, Relation};
use crate::transport::{Call, Safety};

/// A Graph node type, by the class name Meta's Business SDKs give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NodeType {
    /// No node: `/debug_token`, `/oauth/*` and the batch endpoint (see [`Endpoint::documented`]).
    Root,
    /// `me` for a person's token, or any user node.
    User,
    /// A system user's node: the SDK's `SystemUser`; the edges Meta's SDK puts on `User`
    /// (`applications`, `access_tokens`) are the ones D-TOK documents for system users.
    SystemUser,
    Business,
    Page,
    AdAccount,
    ProductCatalog,
    AdsPixel,
    InstagramBusinessAsset,
    WhatsAppBusinessAccount,
    Application,
}

impl NodeType {
    /// The node type of an asset kind's own node.
    pub fn of(kind: AssetKind) -> NodeType {
        match kind {
            AssetKind::Page => NodeType::Page,
            AssetKind::AdAccount => NodeType::AdAccount,
            AssetKind::Catalog => NodeType::ProductCatalog,
            AssetKind::Pixel => NodeType::AdsPixel,
            AssetKind::Instagram => NodeType::InstagramBusinessAsset,
            AssetKind::WhatsappBusinessAccount => NodeType::WhatsAppBusinessAccount,
            AssetKind::App => NodeType::Application,
        }
    }
}

/// `GET`, `POST` or `DELETE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    Get,
    Post,
    Delete,
}

impl HttpMethod {
    fn method(self) -> Method {
        match self {
            HttpMethod::Get => Method::GET,
            HttpMethod::Post => Method::POST,
            HttpMethod::Delete => Method::DELETE,
        }
    }
}

/// One kind of call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// The [`crate::Session`] method that makes it.
    pub name: &'static str,
    pub node: NodeType,
    /// `None` for the node itself (or for a [`NodeType::Root`] path).
    pub edge: Option<&'static str>,
    /// [`NodeType::Root`] only: the path below the version (`debug_token`, `oauth/revoke`).
    pub path: Option<&'static str>,
    pub method: HttpMethod,
    /// The parameters the call may send besides `fields`, paging and credentials.
    pub params: &'static [&'static str],
    /// The fields asked for (`fields=`), empty for writes.
    pub fields: &'static [&'static str],
    /// Why a call that Meta's SDK does not model is sent anyway: the reference that documents
    /// it. `None` for calls the SDK knows.
    pub documented: Option<&'static str>,
    /// Sent as an operation of a batch request rather than on its own.
    pub batched: bool,
}

/// Parameters that every call may carry: the field selection, paging, and credentials.
pub const GENERIC_PARAMS: &[&str] =
    &["fields", "summary", "limit", "after", "before", "access_token", "appsecret_proof"];

const REF_SU: &str = "Meta's System User reference lists this edge of a system user: \
     developers.facebook.com/documentation/ads-commerce/marketing-api/reference/system-user";
const REF_TOKENS: &str = "Meta documents it as a plain GET with query parameters: \
     developers.facebook.com/docs/marketing-api/system-users/install-apps-and-generate-tokens and \
     developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived";
const REF_LOGIN: &str = "Meta's Manually Build a Login Flow, \"Exchanging Code for an Access \
     Token\" (a plain GET): developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow";
const REF_DEBUG: &str = "Meta's Graph API reference: developers.facebook.com/docs/graph-api/\
     reference/debug_token (a plain GET with input_token)";

impl Endpoint {
    const fn read(name: &'static str, node: NodeType, edge: Option<&'static str>) -> Self {
        Endpoint {
            name,
            node,
            edge,
            path: None,
            method: HttpMethod::Get,
            params: &[],
            fields: &[],
            documented: None,
            batched: false,
        }
    }

    const fn write(
        name: &'static str,
        node: NodeType,
        edge: &'static str,
        method: HttpMethod,
        params: &'static [&'static str],
    ) -> Self {
        Endpoint {
            name,
            node,
            edge: Some(edge),
            path: None,
            method,
            params,
            fields: &[],
            documented: None,
            batched: false,
        }
    }

    const fn fields(mut self, fields: &'static [&'static str]) -> Self {
        self.fields = fields;
        self
    }

    const fn params(mut self, params: &'static [&'static str]) -> Self {
        self.params = params;
        self
    }

    const fn documented(mut self, why: &'static str) -> Self {
        self.documented = Some(why);
        self
    }

    const fn root(name: &'static str, path: &'static str, params: &'static [&'static str]) -> Self {
        Endpoint {
            name,
            node: NodeType::Root,
            edge: None,
            path: Some(path),
            method: HttpMethod::Get,
            params,
            fields: &[],
            documented: None,
            batched: false,
        }
    }

    /// The request for this endpoint on `node_id` (ignored for [`NodeType::Root`]), with
    /// `fields` already set when the endpoint asks for any.
    pub(crate) fn call(&self, node_id: &str, safety: Safety) -> Result<Call, GraphError> {
        let mut path: Vec<&str> = match (self.node, self.path) {
            (NodeType::Root, Some(p)) => p.split('/').collect(),
            _ => vec![node_id],
        };
        if let Some(edge) = self.edge {
            path.push(edge);
        }
        let call = Call::new(self.method.method(), &path, safety)?.declared(self.params);
        Ok(if self.fields.is_empty() { call } else { call.param("fields", self.fields.join(",")) })
    }

    /// [`Endpoint::call`] of a read (idempotent).
    pub(crate) fn get(&self, node_id: &str) -> Result<Call, GraphError> {
        self.call(node_id, Safety::Idempotent)
    }

    // ----- the table ------------------------------------------------------------------------

    pub const ME: Endpoint = Self::read("me", NodeType::User, None).fields(&["id", "name"]);
    pub const MY_BUSINESSES: Endpoint =
        Self::read("my_businesses", NodeType::User, Some("businesses")).fields(&[
            "id",
            "name",
            "verification_status",
        ]);
    pub const MY_PAGES: Endpoint = Self::read("my_pages", NodeType::User, Some("accounts"))
        .fields(&["id", "name", "category", "tasks", "access_token"]);
    pub const BUSINESS: Endpoint = Self::read("business", NodeType::Business, None).fields(&[
        "id",
        "name",
        "verification_status",
        "two_factor_type",
        "created_time",
        "vertical",
        "timezone_id",
    ]);
    pub const DEBUG_TOKEN: Endpoint =
        Self::root("debug_token", "debug_token", &["input_token"]).documented(REF_DEBUG);
    /// `debug_token` as a batch operation: Meta does not document this form. Only the
    /// compatibility check sends it (the session's own token, read-only), to learn whether Meta
    /// accepts it; see [`crate::SecretParams`].
    pub const DEBUG_TOKEN_BATCHED: Endpoint = Endpoint {
        name: "probe_own_token",
        batched: true,
        documented: Some(
            "Undocumented on purpose: the compatibility check asks it once, read-only, to learn \
             whether Meta accepts the batch form of developers.facebook.com/docs/graph-api/\
             reference/debug_token; a refusal is an expected answer",
        ),
        ..Self::root("debug_token", "debug_token", &["input_token"])
    };
    pub const BUSINESS_USERS: Endpoint =
        Self::read("business_users", NodeType::Business, Some("business_users"))
            .fields(&["id", "name", "role"]);
    pub const SYSTEM_USERS: Endpoint =
        Self::read("system_users", NodeType::Business, Some("system_users")).fields(&[
            "id",
            "name",
            "role",
            "created_time",
        ]);
    /// The business's clients: the businesses that added it as a partner and share assets with
    /// it (Meta's SDK: `Business.get_clients`, listing `Business`).
    pub const CLIENTS: Endpoint =
        Self::read("clients", NodeType::Business, Some("clients")).fields(&["id", "name"]);
    /// `role` is a field of the SDK's `SystemUser` (facebook_business 26.0.3), though the
    /// reference page of the node does not list it; the listing above is where the product reads
    /// roles from.
    pub const SYSTEM_USER: Endpoint = Self::read("system_user", NodeType::SystemUser, None)
        .fields(&["id", "name", "role", "created_time"]);
    pub const CREATE_SYSTEM_USER: Endpoint = Self::write(
        "create_system_user",
        NodeType::Business,
        "system_users",
        HttpMethod::Post,
        &["name", "role"],
    );
    pub const RENAME_SYSTEM_USER: Endpoint = Self::write(
        "rename_system_user",
        NodeType::Business,
        "system_users",
        HttpMethod::Post,
        &["system_user_id", "name"],
    );
    pub const CLAIM_APP: Endpoint =
        Self::write("claim_app", NodeType::Business, "owned_apps", HttpMethod::Post, &["app_id"]);
    /// The apps assigned to a system user, the second name. UNCONFIRMED which name Meta serves
    /// on a system user: its reference page says `assigned_apps` (what
    /// [`Endpoint::system_user_assets`] asks first), Meta's SDK has `assigned_applications` on
    /// `User`; the client asks this one when the first is refused as a nonexisting field.
    pub const SYSTEM_USER_APPS_SDK: Endpoint =
        Self::read("system_user_apps", NodeType::SystemUser, Some("assigned_applications"))
            .fields(&["id", "name"]);
    pub const INSTALL_APP: Endpoint = Self::write(
        "install_app",
        NodeType::SystemUser,
        "applications",
        HttpMethod::Post,
        &["business_app"],
    );
    pub const GENERATE_TOKEN: Endpoint = Self::write(
        "generate_token",
        NodeType::SystemUser,
        "access_tokens",
        HttpMethod::Post,
        &["business_app", "scope", "set_token_expires_in_60_days"],
    );
    pub const INVALIDATE_ALL_TOKENS: Endpoint = Self::write(
        "invalidate_all_tokens",
        NodeType::SystemUser,
        "access_tokens",
        HttpMethod::Delete,
        &[],
    );
    pub const REFRESH_TOKEN: Endpoint = Self::root(
        "refresh_token",
        "oauth/access_token",
        &[
            "grant_type",
            "client_id",
            "client_secret",
            "set_token_expires_in_60_days",
            "fb_exchange_token",
        ],
    )
    .documented(REF_TOKENS);
    /// Facebook Login's code for a token (the login dialog answered `?code=` rather than a
    /// token in the fragment).
    pub const EXCHANGE_LOGIN_CODE: Endpoint = Self::root(
        "exchange_login_code",
        "oauth/access_token",
        &["client_id", "client_secret", "redirect_uri", "code"],
    )
    .documented(REF_LOGIN);
    pub const REVOKE_TOKEN: Endpoint =
        Self::root("revoke_token", "oauth/revoke", &["client_id", "client_secret", "revoke_token"])
            .documented(REF_TOKENS);
    pub const ADD_MANAGED_BUSINESS: Endpoint = Self::write(
        "add_managed_business",
        NodeType::Business,
        "managed_businesses",
        HttpMethod::Post,
        &["existing_client_business_id"],
    );
    pub const REMOVE_MANAGED_BUSINESS: Endpoint = Self::write(
        "remove_managed_business",
        NodeType::Business,
        "managed_businesses",
        HttpMethod::Delete,
        &["existing_client_business_id"],
    );
    pub const CLIENT_ACCESS_TOKEN: Endpoint = Self::write(
        "client_access_token",
        NodeType::Business,
        "access_token",
        HttpMethod::Post,
        &["app_id", "scope", "system_user_name"],
    );
    /// The batch endpoint (`POST /{version}/` with `batch=`), Meta's documented way to send many
    /// requests at once; each operation inside is one of the other endpoints.
    pub const BATCH: Endpoint = Endpoint {
        name: "batch",
        node: NodeType::Root,
        edge: None,
        path: Some(""),
        method: HttpMethod::Post,
        params: &["batch", "include_headers"],
        fields: &[],
        documented: Some(
            "Meta's batch requests: developers.facebook.com/docs/graph-api/batch-requests",
        ),
        batched: false,
    };

    /// A Business asset edge (`owned_*`, `client_*`) of `kind` (spec §4.2).
    pub fn assets(kind: AssetKind, relation: Relation) -> Endpoint {
        let search: &'static [&'static str] =
            if kind == AssetKind::AdAccount { &["search_query"] } else { &[] };
        Self::read("assets", NodeType::Business, Some(kind.business_edge(relation)))
            .fields(kind.list_fields(relation))
            .params(search)
    }

    /// A Business ad-account edge with `tos_accepted` (the Custom Audience terms), for the token
    /// preflight.
    pub fn ad_accounts_with_terms(relation: Relation) -> Endpoint {
        Self::read(
            "ad_accounts_with_terms",
            NodeType::Business,
            Some(AssetKind::AdAccount.business_edge(relation)),
        )
        .fields(&["id", "account_id", "name", "tos_accepted"])
        .params(&["search_query"])
    }

    /// `summary.total_count` of a Business asset edge.
    pub fn asset_count(kind: AssetKind, relation: Relation) -> Endpoint {
        Self::read("asset_count", NodeType::Business, Some(kind.business_edge(relation)))
            .fields(&["id"])
    }

    /// One asset's own node.
    pub fn asset(kind: AssetKind) -> Endpoint {
        Self::read("asset", NodeType::of(kind), None).fields(kind.list_fields(Relation::Owned))
    }

    /// A system user's `assigned_*` edge of `kind` (REF-SU), with the fields that edge has.
    pub fn system_user_assets(kind: AssetKind) -> Endpoint {
        let e = Self::read("system_user_assets", NodeType::SystemUser, Some(kind.assigned_edge()))
            .fields(kind.assigned_fields());
        // Meta's SDK (26.0.3) models no pixel or app edge on SystemUser; the system user's
        // reference page documents `assigned_ads_pixels` and `assigned_apps`.
        match kind {
            AssetKind::Pixel | AssetKind::App => e.documented(REF_SU),
            _ => e,
        }
    }

    /// `GET /{asset}/assigned_users?business=` (`business` is required on every kind: the SDK's
    /// param checkers and REF-PAU, REF-WAU).
    pub fn assigned_users(kind: AssetKind) -> Endpoint {
        Self::read("assigned_users", NodeType::of(kind), Some("assigned_users"))
            .fields(&["id", "name", "user_type", "tasks", "permitted_tasks"])
            .params(&["business"])
    }

    /// `POST /{asset}/assigned_users` (the SDK's param checkers: `user` and `tasks` only).
    pub fn assign(kind: AssetKind) -> Endpoint {
        Self::write(
            "assign",
            NodeType::of(kind),
            "assigned_users",
            HttpMethod::Post,
            &["user", "tasks"],
        )
    }

    /// `DELETE /{asset}/assigned_users?user=`. Meta offers none for pixels (see
    /// [`AssetKind::can_unassign`]).
    pub fn unassign(kind: AssetKind) -> Endpoint {
        Self::write("unassign", NodeType::of(kind), "assigned_users", HttpMethod::Delete, &["user"])
    }

    /// Every call the client can make, for every asset kind and relation.
    pub fn all() -> Vec<Endpoint> {
        let mut out = vec![
            Self::ME,
            Self::MY_BUSINESSES,
            Self::MY_PAGES,
            Self::BUSINESS,
            Self::DEBUG_TOKEN,
            Self::DEBUG_TOKEN_BATCHED,
            Self::BUSINESS_USERS,
            Self::SYSTEM_USERS,
            Self::CLIENTS,
            Self::SYSTEM_USER,
            Self::CREATE_SYSTEM_USER,
            Self::RENAME_SYSTEM_USER,
            Self::CLAIM_APP,
            Self::SYSTEM_USER_APPS_SDK,
            Self::INSTALL_APP,
            Self::GENERATE_TOKEN,
            Self::INVALIDATE_ALL_TOKENS,
            Self::REFRESH_TOKEN,
            Self::EXCHANGE_LOGIN_CODE,
            Self::REVOKE_TOKEN,
            Self::ADD_MANAGED_BUSINESS,
            Self::REMOVE_MANAGED_BUSINESS,
            Self::CLIENT_ACCESS_TOKEN,
            Self::BATCH,
        ];
        for kind in AssetKind::ALL {
            for relation in [Relation::Owned, Relation::Client] {
                out.push(Self::assets(kind, relation));
                out.push(Self::asset_count(kind, relation));
                if kind == AssetKind::AdAccount {
                    out.push(Self::ad_accounts_with_terms(relation));
                }
            }
            out.push(Self::asset(kind));
            out.push(Self::system_user_assets(kind));
            if kind.has_assigned_users() {
                out.push(Self::assigned_users(kind));
                out.push(Self::assign(kind));
                if kind.can_unassign() {
                    out.push(Self::unassign(kind));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every request the Session builds comes from the table: no path is written by hand in
    /// `api.rs`, so the conformance test sees every call.
    #[test]
    fn session_builds_calls_only_from_the_table() {
        let api = include_str!("api.rs");
        for needle in ["Call::get(", "Call::new("] {
            assert!(!api.contains(needle), "api.rs builds a call by hand ({needle})");
        }
    }

    #[test]
    fn declared_params_are_enforced() {
        let c = Endpoint::assigned_users(AssetKind::Page).get("1").unwrap();
        let c = c.param("business", "9");
        assert_eq!(
            c.params[0],
            ("fields".into(), "id,name,user_type,tasks,permitted_tasks".into())
        );
        let r = std::panic::catch_unwind(|| {
            Endpoint::assigned_users(AssetKind::Page).get("1").unwrap().param("nope", "1")
        });
        assert!(r.is_err(), "an undeclared parameter is a bug in debug builds");
    }

    #[test]
    fn root_paths() {
        let c = Endpoint::REVOKE_TOKEN.get("ignored").unwrap();
        assert_eq!(c.relative_url("v26.0").unwrap(), "v26.0/oauth/revoke");
        let c = Endpoint::system_user_assets(AssetKind::Pixel).get("5").unwrap();
        assert_eq!(
            c.relative_url("v26.0").unwrap(),
            "v26.0/5/assigned_ads_pixels?fields=id%2Cname%2Ctasks%2Cpermitted_tasks"
        );
    }
}
