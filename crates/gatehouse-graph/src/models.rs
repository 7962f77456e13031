//! Response types. Lenient on input (unknown fields kept or ignored, optional fields optional,
//! numbers as strings accepted) so a new field or value never breaks a read.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::tasks::{Task, TaskList};

/// A Graph ID: numeric strings in JSON, sometimes numbers; accepted as either.
pub(crate) fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected an ID, got {other}"))),
    }
}

fn opt_id_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Ok(Some(other.to_string())),
    }
}

fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.as_ref().and_then(crate::error::as_i64))
}

/// Strings in a list, or an empty list for `null`.
fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => {
            s.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect()
        }
        _ => Vec::new(),
    })
}

/// `GET /me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// A business portfolio (`GET /{business-id}`, `GET /me/businesses`, spec §4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Business {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// e.g. `verified`, `not_verified`, `pending`.
    #[serde(default)]
    pub verification_status: Option<String>,
    /// `admin_required`, `all_required` or `none`.
    #[serde(default)]
    pub two_factor_type: Option<String>,
    #[serde(default)]
    pub created_time: Option<Value>,
    #[serde(default)]
    pub vertical: Option<String>,
    #[serde(default, deserialize_with = "opt_id_string")]
    pub timezone_id: Option<String>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Business {
    /// Whether the business is verified (tolerates `verified` in any case).
    pub fn is_verified(&self) -> bool {
        self.verification_status.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("verified"))
    }
}

/// Where a claim of an asset into a business stands (`access_status`, spec §4.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimStatus {
    /// The business owns it now.
    Confirmed,
    /// Someone must approve the claim first (Meta's `PENDING`).
    Pending,
    /// It already belonged to the business (Meta refused the claim with 3944).
    AlreadyOwned,
    /// Another `access_status` value, as Meta wrote it.
    Other(String),
}

impl ClaimStatus {
    /// Reads a claim's answer: `{"access_status": …}`, or a bare `{"success": true}`.
    // UNCONFIRMED: the reference page for `owned_apps` documents no response; the Page and ad
    // account claims answer `access_status`, so both shapes are read.
    pub(crate) fn from_body(body: &serde_json::Value) -> Option<Self> {
        match body.get("access_status").and_then(serde_json::Value::as_str) {
            Some(s) if s.eq_ignore_ascii_case("CONFIRMED") => Some(ClaimStatus::Confirmed),
            Some(s) if s.eq_ignore_ascii_case("PENDING") => Some(ClaimStatus::Pending),
            Some(s) => Some(ClaimStatus::Other(s.to_owned())),
            None => crate::api::expect_success(body).ok().map(|()| ClaimStatus::Confirmed),
        }
    }
}

/// A system user's base role (spec §2.1: only `ADMIN` or `EMPLOYEE` appear).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SystemUserRole {
    Admin,
    Employee,
    /// Any other value of the larger role enum (spec §2.2).
    Other(String),
}

impl SystemUserRole {
    pub fn as_str(&self) -> &str {
        match self {
            SystemUserRole::Admin => "ADMIN",
            SystemUserRole::Employee => "EMPLOYEE",
            SystemUserRole::Other(s) => s,
        }
    }
}

impl Serialize for SystemUserRole {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for SystemUserRole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.to_ascii_uppercase().as_str() {
            "ADMIN" => SystemUserRole::Admin,
            "EMPLOYEE" => SystemUserRole::Employee,
            _ => SystemUserRole::Other(s),
        })
    }
}

/// A system user (spec §2.1, §2.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemUser {
    /// The app-scoped ID: the one to use in calls (spec §0).
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: Option<SystemUserRole>,
    #[serde(default)]
    pub created_time: Option<Value>,
    #[serde(default)]
    pub created_by: Option<Value>,
    #[serde(default)]
    pub finance_permission: Option<String>,
    #[serde(default)]
    pub ip_permission: Option<String>,
}

/// A person in a business (`GET /{business-id}/business_users`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessUser {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// `ADMIN`, `EMPLOYEE`, … (business roles).
    #[serde(default)]
    pub role: Option<SystemUserRole>,
    #[serde(default)]
    pub email: Option<String>,
}

/// An asset as listed on a Business edge or a system user's `assigned_*` edge. One shape for all
/// seven kinds; kind-specific fields are optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    /// Node ID (`act_…` for ad accounts).
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Ad accounts: the numeric part of the ID.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub account_id: Option<String>,
    /// Instagram assets.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub ig_user_id: Option<String>,
    /// `ig_username` of a business's Instagram asset, or `username` of an `IGUser` (what a
    /// system user's `assigned_instagram_accounts` lists).
    #[serde(default, alias = "username")]
    pub ig_username: Option<String>,
    /// Tasks the holder has (on `assigned_*` edges). On `assigned_instagram_accounts` Meta calls
    /// them `permitted_roles` (REF-SU). UNCONFIRMED: that their values are the Instagram task
    /// names; unknown values are kept as text and shown as they are.
    #[serde(default, alias = "permitted_roles", deserialize_with = "string_list")]
    pub tasks: Vec<String>,
    /// Tasks that can be handed out (on `client_*` and `assigned_*` edges).
    #[serde(default, deserialize_with = "string_list")]
    pub permitted_tasks: Vec<String>,
    /// The business that owns it (asked of `client_*` edges: which client shared it). Every
    /// asset node type of Meta's SDK has `owner_business`; UNCONFIRMED whether a bare reference
    /// carries the name (Graph answers a node field with its default fields, `id` and `name` for
    /// a Business, as far as published answers show), so the name is optional and a bare ID
    /// string is accepted too.
    #[serde(default, deserialize_with = "opt_node_ref")]
    pub owner_business: Option<NodeRef>,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A reference to another node: its ID and, when Meta sends it, its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRef {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

fn opt_node_ref<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NodeRef>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(NodeRef { id, name: None }),
        Some(Value::Number(n)) => Some(NodeRef { id: n.to_string(), name: None }),
        Some(v) => serde_json::from_value(v).ok(),
    })
}

impl Asset {
    /// A display name: `name`, else `ig_username`, else the ID.
    pub fn label(&self) -> &str {
        self.name.as_deref().or(self.ig_username.as_deref()).unwrap_or(&self.id)
    }

    /// The held tasks, typed for the asset's kind.
    pub fn tasks_as<T: Task>(&self) -> TaskList<T> {
        TaskList::from_names(&self.tasks)
    }

    pub fn permitted_tasks_as<T: Task>(&self) -> TaskList<T> {
        TaskList::from_names(&self.permitted_tasks)
    }
}

/// One entry of `GET /{asset}/assigned_users` (spec §5.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignedUser {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// UNCONFIRMED values (likely `SYSTEM_USER` / `BUSINESS_USER`, spec §12 item 7).
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub business: Option<Value>,
    #[serde(default, deserialize_with = "string_list")]
    pub tasks: Vec<String>,
    #[serde(default, deserialize_with = "string_list")]
    pub permitted_tasks: Vec<String>,
}

impl AssignedUser {
    pub fn tasks_as<T: Task>(&self) -> TaskList<T> {
        TaskList::from_names(&self.tasks)
    }
}

/// `type` of a token in `debug_token` (spec §3.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenType {
    User,
    Page,
    App,
    SystemUser,
    #[serde(other)]
    Other,
}

/// `granular_scopes[]` of `debug_token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GranularScope {
    pub scope: String,
    /// Asset IDs the grant is limited to; absent means all.
    #[serde(default, deserialize_with = "string_list")]
    pub target_ids: Vec<String>,
}

/// `debug_token.error` (shape UNCONFIRMED, spec §3.6: likely `{code, message, subcode}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebugTokenError {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub code: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub subcode: Option<i64>,
}

/// What `debug_token` says about a token (spec §3.6). The token itself is never part of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub app_id: Option<String>,
    #[serde(rename = "type", default)]
    pub token_type: Option<TokenType>,
    /// The app's name.
    #[serde(default)]
    pub application: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub data_access_expires_at: Option<i64>,
    /// Unix seconds; `0` means never.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub expires_at: Option<i64>,
    #[serde(default)]
    pub is_valid: bool,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub issued_at: Option<i64>,
    #[serde(default, deserialize_with = "string_list")]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub granular_scopes: Vec<GranularScope>,
    /// The system user's ID for SYSTEM_USER tokens.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub user_id: Option<String>,
    /// Page tokens only.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub profile_id: Option<String>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub error: Option<DebugTokenError>,
}

/// When a token expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum Expiry {
    Never,
    At(#[serde(serialize_with = "unix_secs")] SystemTime),
    Unknown,
}

fn unix_secs<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

impl TokenInfo {
    /// `expires_at`: `0` is never (spec §3.6).
    pub fn expiry(&self) -> Expiry {
        match self.expires_at {
            Some(0) => Expiry::Never,
            Some(s) if s > 0 => Expiry::At(UNIX_EPOCH + Duration::from_secs(s.unsigned_abs())),
            _ => Expiry::Unknown,
        }
    }

    pub fn has_scope(&self, scope: crate::Scope) -> bool {
        self.scopes.iter().any(|s| s == scope.as_str())
    }

    /// Asset IDs a scope is limited to (empty: not limited, or scope absent).
    pub fn targets_of(&self, scope: crate::Scope) -> Vec<String> {
        self.granular_scopes
            .iter()
            .filter(|g| g.scope == scope.as_str())
            .flat_map(|g| g.target_ids.iter().cloned())
            .collect()
    }
}

/// A Page with its Page token (`GET /me/accounts`, spec §3.8).
#[derive(Debug, Clone)]
pub struct PageAccount {
    pub id: String,
    pub name: Option<String>,
    pub category: Option<String>,
    pub tasks: Vec<String>,
    /// The Page access token, when the caller may have it.
    pub access_token: Option<gatehouse_secrets::Secret>,
}

/// A client business managed on behalf of (OBO, spec §6).
pub type ManagedBusiness = Business;

/// A new token from `POST /{system-user}/access_tokens` or a refresh.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub access_token: gatehouse_secrets::Secret,
    /// `expires_in` (seconds) when the server said.
    pub expires_in: Option<Duration>,
    pub token_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_claims_answer_is_read_in_either_shape() {
        let read = |v| ClaimStatus::from_body(&v);
        assert_eq!(read(json!({"access_status": "CONFIRMED"})), Some(ClaimStatus::Confirmed));
        assert_eq!(read(json!({"access_status": "pending"})), Some(ClaimStatus::Pending));
        assert_eq!(
            read(json!({"access_status": "REQUESTED"})),
            Some(ClaimStatus::Other("REQUESTED".into()))
        );
        assert_eq!(read(json!({"success": true})), Some(ClaimStatus::Confirmed));
        assert_eq!(read(json!(true)), Some(ClaimStatus::Confirmed));
        assert_eq!(read(json!({"success": false})), None);
    }

    #[test]
    fn debug_token_example_from_spec() {
        let v = json!({
          "app_id": "634974688087057", "type": "SYSTEM_USER", "application": "Lucky Shrub",
          "data_access_expires_at": 0, "expires_at": 0, "is_valid": true, "issued_at": 1712099387,
          "scopes": ["whatsapp_business_management", "whatsapp_business_messaging"],
          "granular_scopes": [{"scope": "whatsapp_business_management", "target_ids": ["1", 2]},
                              {"scope": "whatsapp_business_messaging"}],
          "user_id": "104169029247128"});
        let t: TokenInfo = serde_json::from_value(v).unwrap();
        assert_eq!(t.token_type, Some(TokenType::SystemUser));
        assert_eq!(t.expiry(), Expiry::Never);
        assert!(t.is_valid);
        assert!(t.has_scope(crate::Scope::WhatsappBusinessMessaging));
        assert_eq!(t.targets_of(crate::Scope::WhatsappBusinessManagement), vec!["1", "2"]);
        assert_eq!(t.user_id.as_deref(), Some("104169029247128"));
        let t: TokenInfo = serde_json::from_value(
            json!({"type": "NEW_KIND", "expires_at": "1800000000", "is_valid": false,
            "error": {"code": 190, "message": "expired", "subcode": 463}}),
        )
        .unwrap();
        assert_eq!(t.token_type, Some(TokenType::Other));
        assert!(matches!(t.expiry(), Expiry::At(_)));
        assert_eq!(t.error.unwrap().subcode, Some(463));
    }

    #[test]
    fn lenient_assets_and_users() {
        let a: Asset = serde_json::from_value(json!({"id": "act_222", "account_id": 222, "name": "A", "tasks": ["MANAGE", "DRAFT"], "currency": "EUR"})).unwrap();
        assert_eq!(a.account_id.as_deref(), Some("222"));
        assert_eq!(a.extra["currency"], "EUR");
        let t = a.tasks_as::<crate::AdAccountTask>();
        assert_eq!(t.known, vec![crate::AdAccountTask::Manage, crate::AdAccountTask::Draft]);
        let ig: Asset =
            serde_json::from_value(json!({"id": 5, "ig_user_id": 17, "ig_username": "shop"}))
                .unwrap();
        assert_eq!(ig.label(), "shop");
        let su: SystemUser =
            serde_json::from_value(json!({"id": "1", "name": "Ad Server", "role": "ADMIN"}))
                .unwrap();
        assert_eq!(su.role, Some(SystemUserRole::Admin));
        let su: SystemUser =
            serde_json::from_value(json!({"id": 2, "name": "x", "role": "FINANCE_EDITOR"}))
                .unwrap();
        assert_eq!(su.role, Some(SystemUserRole::Other("FINANCE_EDITOR".into())));
        let u: AssignedUser = serde_json::from_value(
            json!({"id": "1", "tasks": null, "permitted_tasks": "MANAGE,ANALYZE"}),
        )
        .unwrap();
        assert!(u.tasks.is_empty());
        assert_eq!(u.permitted_tasks, vec!["MANAGE", "ANALYZE"]);
        let b: Business = serde_json::from_value(
            json!({"id": "9", "verification_status": "VERIFIED", "timezone_id": 1}),
        )
        .unwrap();
        assert!(b.is_verified());
        assert_eq!(b.timezone_id.as_deref(), Some("1"));
    }
}
