//! Rendering nodes with `fields` selection, and listing edges (top level or nested in `fields`).

use serde_json::{json, Map, Value};

use crate::auth::Caller;
use crate::errors::{GraphError, GraphResult};
use crate::fields::Field;
use crate::fixture::Role;
use crate::model::{default_fields, AssetKind, ALL_KINDS};
use crate::paging::{envelope, paginate, LinkBase, PageParams};
use crate::state::{AssetAttrs, AssetIx, BizIx, NodeRef, State, UserIx, UserKind};
use crate::timefmt::graph_time;

/// Read-only context for rendering.
pub struct View<'a> {
    pub st: &'a State,
    pub caller: &'a Caller,
    /// `http://127.0.0.1:PORT` plus the version prefix of the request (`/v26.0` or empty).
    pub base: String,
    /// The token to carry in nested `next` links when the request had it in the query string.
    pub link_token: Option<String>,
}

/// Per-item extras on asset edges.
#[derive(Default, Clone, Copy)]
pub struct AssetExtras<'x> {
    /// Whose `tasks` to show (assigned_* edges; defaults to the caller).
    pub tasks_user: Option<UserIx>,
    /// The business whose granted tasks form `permitted_tasks` (client_* edges).
    pub permitted_biz: Option<BizIx>,
    pub page_token: Option<&'x str>,
    /// The fields the edge adds to its nodes (`tasks`, `permitted_tasks`, `permitted_roles`,
    /// `can_be_removed`); asked anywhere else they are "nonexisting fields", as on Meta.
    pub edge_fields: &'static [&'static str],
    /// Instagram accounts listed as `IGUser` nodes (`assigned_instagram_accounts`): `id`,
    /// `username`, `name`, not the business asset's `ig_user_id`/`ig_username`.
    pub as_ig_user: bool,
}

/// What a Business `client_*` edge adds (graph-api.md §4.2, R-BIZ): `permitted_tasks` on Pages
/// and ad accounts. Not on `client_apps`: Meta's Application has no such field.
fn client_edge_fields(kind: AssetKind) -> &'static [&'static str] {
    match kind {
        AssetKind::Page | AssetKind::AdAccount => &["permitted_tasks"],
        _ => &[],
    }
}

pub fn fields_to_string(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| {
            let mut s = f.name.clone();
            if let Some(l) = f.limit {
                s.push_str(&format!(".limit({l})"));
            }
            if let Some(c) = &f.children {
                s.push('{');
                s.push_str(&fields_to_string(c));
                s.push('}');
            }
            s
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Renders the selection (or the defaults) through `get`, which answers `None` for an unknown
/// field so the caller gets code 100.
fn select(
    fields: &[Field],
    defaults: &[&str],
    node_type: &str,
    mut get: impl FnMut(&Field) -> GraphResult<Option<Value>>,
) -> GraphResult<Value> {
    let owned_defaults: Vec<Field>;
    let fields = if fields.is_empty() {
        owned_defaults = defaults.iter().map(|d| Field::plain(d)).collect();
        &owned_defaults
    } else {
        fields
    };
    let mut out = Map::new();
    for f in fields {
        match get(f)? {
            Some(Value::Null) => {}
            Some(v) => {
                out.insert(f.name.clone(), v);
            }
            None => return Err(GraphError::nonexisting_field(&f.name, node_type)),
        }
    }
    Ok(Value::Object(out))
}

/// Whether a node type of Meta's SDK has the `business` or `owner_business` field.
fn has_business_field(node_type: &str, field: &str) -> bool {
    match field {
        "business" => matches!(node_type, "AdAccount" | "Page" | "ProductCatalog" | "Application"),
        "owner_business" => matches!(
            node_type,
            "AdAccount"
                | "Page"
                | "ProductCatalog"
                | "AdsPixel"
                | "WhatsAppBusinessAccount"
                | "IGUser"
        ),
        _ => false,
    }
}

fn business_ref(st: &State, b: BizIx, f: &Field) -> GraphResult<Value> {
    let biz = &st.businesses[b];
    let fields = f.children.as_deref().unwrap_or(&[]);
    select(fields, &["id", "name"], "Business", |f| {
        Ok(match f.name.as_str() {
            "id" => Some(json!(biz.id)),
            "name" => Some(json!(biz.name)),
            _ => None,
        })
    })
}

impl View<'_> {
    pub fn render_asset(
        &self,
        a: AssetIx,
        fields: &[Field],
        x: AssetExtras<'_>,
    ) -> GraphResult<Value> {
        let st = self.st;
        let asset = &st.assets[a];
        let kind = asset.kind;
        let (node_type, defaults): (&str, &[&str]) = if x.as_ig_user {
            ("IGUser", &["id", "username"])
        } else {
            (kind.node_type(), default_fields(kind))
        };
        select(fields, defaults, node_type, |f| {
            let name = f.name.as_str();
            let edge_field = x.edge_fields.contains(&name);
            let common = match name {
                "id" => Some(json!(asset.id)),
                "name" => Some(json!(asset.name)),
                // Only where Meta's SDK has the field (facebook_business 26.0.3 `Field`
                // classes): an InstagramBusinessAsset has neither, so asking is refused.
                "business" if has_business_field(node_type, name) => {
                    Some(business_ref(st, asset.owner, f)?)
                }
                "owner_business" if has_business_field(node_type, name) => {
                    Some(business_ref(st, asset.owner, f)?)
                }
                // UNCONFIRMED: what `permitted_roles` holds on `assigned_instagram_accounts`;
                // the Instagram task names the account was given are the most plausible.
                "tasks" | "permitted_roles" if edge_field => {
                    let who = x.tasks_user.or(self.caller.user);
                    Some(match who.and_then(|u| asset.tasks_of(u)) {
                        Some(t) => json!(t),
                        None => Value::Null,
                    })
                }
                "permitted_tasks" if edge_field => {
                    let biz = x.permitted_biz.unwrap_or(asset.owner);
                    Some(json!(st.business_reach(a, biz).unwrap_or_default()))
                }
                "can_be_removed" if edge_field => Some(json!(true)),
                _ => None,
            };
            if x.as_ig_user {
                return Ok(common.or_else(|| match (&asset.attrs, name) {
                    (AssetAttrs::Instagram { username }, "username") => Some(json!(username)),
                    _ => None,
                }));
            }
            if common.is_some() {
                return Ok(common);
            }
            let specific = match (&asset.attrs, f.name.as_str()) {
                (AssetAttrs::Page { category }, "category") => Some(json!(category)),
                (AssetAttrs::Page { category }, "category_list") => {
                    Some(json!([{"id": "2239", "name": category}]))
                }
                (AssetAttrs::Page { .. }, "link") => {
                    Some(json!(format!("https://www.facebook.com/{}", asset.id)))
                }
                (AssetAttrs::Page { .. }, "is_published") => Some(json!(true)),
                (AssetAttrs::Page { .. }, "access_token") => {
                    Some(x.page_token.map(|t| json!(t)).unwrap_or(Value::Null))
                }
                (AssetAttrs::AdAccount { .. }, "account_id") => Some(json!(asset.numeric_id())),
                (AssetAttrs::AdAccount { currency, .. }, "currency") => Some(json!(currency)),
                (AssetAttrs::AdAccount { account_status, .. }, "account_status") => {
                    Some(json!(account_status))
                }
                (AssetAttrs::AdAccount { account_status, .. }, "disable_reason") => {
                    Some(json!(if *account_status == 2 { 1 } else { 0 }))
                }
                // Graph's `tos_accepted` is a map of accepted terms to 1.
                (AssetAttrs::AdAccount { tos_accepted, .. }, "tos_accepted") => {
                    Some(if *tos_accepted {
                        json!({"web_custom_audience_tos": 1, "custom_audience_tos": 1})
                    } else {
                        json!({})
                    })
                }
                (AssetAttrs::AdAccount { timezone_name, .. }, "timezone_name") => {
                    Some(json!(timezone_name))
                }
                (AssetAttrs::AdAccount { .. }, "owner") => {
                    Some(json!(st.businesses[asset.owner].id))
                }
                (AssetAttrs::AdAccount { .. }, "amount_spent") => Some(json!("0")),
                (AssetAttrs::Catalog { vertical, .. }, "vertical") => Some(json!(vertical)),
                (AssetAttrs::Catalog { product_count, .. }, "product_count") => {
                    Some(json!(product_count))
                }
                (AssetAttrs::Pixel, "is_unavailable") => Some(json!(false)),
                (AssetAttrs::Instagram { .. }, "ig_user_id") => Some(json!(asset.id)),
                (AssetAttrs::Instagram { username }, "ig_username" | "username") => {
                    Some(json!(username))
                }
                (AssetAttrs::Waba { currency, .. }, "currency") => Some(json!(currency)),
                (AssetAttrs::Waba { timezone_name, .. }, "timezone_name") => {
                    Some(json!(timezone_name))
                }
                (AssetAttrs::Waba { .. }, "account_review_status") => Some(json!("APPROVED")),
                (AssetAttrs::Waba { .. }, "owner_business_info") => {
                    Some(business_ref(st, asset.owner, f)?)
                }
                (AssetAttrs::App(_), "link") => {
                    Some(json!(format!("https://www.facebook.com/apps/{}", asset.id)))
                }
                (AssetAttrs::App(_), "category") => Some(json!("Business")),
                _ => None,
            };
            Ok(specific)
        })
    }

    pub fn render_user(&self, u: UserIx, fields: &[Field], with_role: bool) -> GraphResult<Value> {
        let st = self.st;
        let user = &st.users[u];
        let (node_type, defaults): (&str, &[&str]) = match (user.kind, with_role) {
            (UserKind::SystemUser, true) => ("SystemUser", &["id", "name", "role"]),
            (UserKind::SystemUser, false) => ("SystemUser", &["id", "name"]),
            (UserKind::Person, true) => ("BusinessUser", &["id", "name", "role"]),
            (UserKind::Person, false) => ("User", &["id", "name"]),
        };
        select(fields, defaults, node_type, |f| {
            Ok(match f.name.as_str() {
                "id" => Some(json!(user.id)),
                "name" => Some(json!(user.name)),
                "role" => Some(json!(user.role.as_str())),
                "business" => Some(business_ref(st, user.business, f)?),
                "created_time" if user.kind == UserKind::SystemUser => {
                    Some(json!(graph_time(user.created_time)))
                }
                "created_by" if user.kind == UserKind::SystemUser => Some(match user.created_by {
                    Some(c) => json!({"id": st.users[c].id, "name": st.users[c].name}),
                    None => Value::Null,
                }),
                "finance_permission" if user.kind == UserKind::SystemUser => Some(Value::Null),
                "ip_permission" if user.kind == UserKind::SystemUser => Some(Value::Null),
                edge => match Self::user_edge(edge) {
                    Some(_) => Some(self.list_edge(NodeRef::User(u), edge, f)?),
                    None => None,
                },
            })
        })
    }

    pub fn render_business(&self, b: BizIx, fields: &[Field]) -> GraphResult<Value> {
        let st = self.st;
        let biz = &st.businesses[b];
        select(fields, &["id", "name"], "Business", |f| {
            Ok(match f.name.as_str() {
                "id" => Some(json!(biz.id)),
                "name" => Some(json!(biz.name)),
                "created_time" => Some(json!(graph_time(biz.created_time))),
                "verification_status" => Some(json!(biz.verification_status)),
                "vertical" => Some(json!(biz.vertical)),
                "timezone_id" => Some(json!(1)),
                "two_factor_type" => Some(json!("none")),
                "link" => Some(json!(format!(
                    "https://business.facebook.com/settings/?business_id={}",
                    biz.id
                ))),
                edge if is_business_list_edge(edge) => {
                    self.check_business_edge(b, edge)?;
                    Some(self.list_edge(NodeRef::Business(b), edge, f)?)
                }
                _ => None,
            })
        })
    }

    /// Listing a business's edges needs `business_management`; `system_users` needs an admin.
    pub fn check_business_edge(&self, b: BizIx, edge: &str) -> GraphResult<()> {
        if self.caller.token.is_some() && !self.caller.has_scope(self.st, "business_management") {
            return Err(GraphError::missing_scope("business_management"));
        }
        let admin = self.caller.page.is_none()
            && self.caller.user.is_some_and(|u| {
                let user = &self.st.users[u];
                user.business == b && user.role == Role::Admin
            });
        if edge == "system_users" && self.caller.token.is_some() && !admin {
            return Err(GraphError::permission(
                "You do not have permission to perform this action. Listing system users requires \
                 an admin of this business.",
            ));
        }
        Ok(())
    }

    /// The asset kind listed by a user's `assigned_*` edge. `GET .../applications` is not one:
    /// Meta's SDK knows only the POST (install) on that edge.
    pub fn user_edge(edge: &str) -> Option<AssetKind> {
        ALL_KINDS
            .iter()
            .copied()
            .find(|k| k.assigned_edge() == edge || k.assigned_edge_alias() == Some(edge))
    }

    /// Lists an edge nested in `fields` (first page, `.limit(n)` honoured).
    fn list_edge(&self, node: NodeRef, edge: &str, f: &Field) -> GraphResult<Value> {
        let children = f.children.clone().unwrap_or_default();
        let max = match edge_kind(edge) {
            Some(k) => k.max_page(),
            None => 100,
        };
        let pp = PageParams::nested(f.limit, max);
        let mut query = Vec::new();
        if !children.is_empty() {
            query.push(("fields".to_string(), fields_to_string(&children)));
        }
        if let Some(t) = &self.link_token {
            query.push(("access_token".to_string(), t.clone()));
        }
        let node_id = match node {
            NodeRef::Business(b) => &self.st.businesses[b].id,
            NodeRef::User(u) => &self.st.users[u].id,
            NodeRef::Asset(a) => &self.st.assets[a].id,
        };
        let links = LinkBase { url: format!("{}/{node_id}/{edge}", self.base), query };
        self.edge(node, edge, &children, &pp, &links, None)
    }

    /// Lists one edge of `node`. `search` filters ad accounts by name or ID.
    pub fn edge(
        &self,
        node: NodeRef,
        edge: &str,
        fields: &[Field],
        pp: &PageParams,
        links: &LinkBase,
        search: Option<&str>,
    ) -> GraphResult<Value> {
        let st = self.st;
        match node {
            NodeRef::Business(b) => {
                let Some((kind, client)) = business_edge(edge) else {
                    return self.business_people_edge(b, edge, fields, pp, links);
                };
                let list = if client {
                    &st.businesses[b].client[kind.ix()]
                } else {
                    &st.businesses[b].owned[kind.ix()]
                };
                // An EMPLOYEE sees only the assets assigned to it.
                let only_user = self
                    .caller
                    .user
                    .filter(|&u| st.users[u].role == Role::Employee && st.users[u].business == b);
                let needle = search.map(str::to_lowercase);
                let keep = |i: usize| {
                    let a = &st.assets[list[i]];
                    only_user.is_none_or(|u| a.tasks_of(u).is_some())
                        && needle.as_ref().is_none_or(|n| {
                            a.id.contains(n.as_str()) || a.name.to_lowercase().contains(n.as_str())
                        })
                };
                let id_at = |i: usize| st.assets[list[i]].id.clone();
                let page = paginate(list.len(), &id_at, &keep, pp)?;
                let x = AssetExtras {
                    permitted_biz: client.then_some(b),
                    edge_fields: if client { client_edge_fields(kind) } else { &[] },
                    ..AssetExtras::default()
                };
                let data = page
                    .positions
                    .iter()
                    .map(|&p| self.render_asset(list[p], fields, x))
                    .collect::<GraphResult<Vec<_>>>()?;
                if data.is_empty() {
                    self.check_fields(kind, fields, x)?;
                }
                Ok(envelope(data, &page, pp, links))
            }
            NodeRef::User(u) => {
                let user = &st.users[u];
                let Some(kind) = Self::user_edge(edge) else {
                    return Err(GraphError::nonexisting_field(edge, "User"));
                };
                // Installed apps are the apps a system user holds (no other write exists).
                let list: Vec<AssetIx> = if kind == AssetKind::App {
                    user.installed_apps.clone()
                } else {
                    user.assigned.iter().copied().filter(|&a| st.assets[a].kind == kind).collect()
                };
                let id_at = |i: usize| st.assets[list[i]].id.clone();
                let page = paginate(list.len(), &id_at, &|_| true, pp)?;
                let x = AssetExtras {
                    tasks_user: Some(u),
                    permitted_biz: Some(user.business),
                    page_token: None,
                    edge_fields: kind.assigned_edge_fields(),
                    as_ig_user: kind == AssetKind::Instagram,
                };
                let data = page
                    .positions
                    .iter()
                    .map(|&p| self.render_asset(list[p], fields, x))
                    .collect::<GraphResult<Vec<_>>>()?;
                if data.is_empty() {
                    self.check_fields(kind, fields, x)?;
                }
                Ok(envelope(data, &page, pp, links))
            }
            // Asset edges (assigned_users) need a business and are served by their handler.
            NodeRef::Asset(a) => {
                Err(GraphError::nonexisting_field(edge, st.assets[a].kind.node_type()))
            }
        }
    }

    /// Meta checks a field selection against the node type even when an edge is empty: render
    /// any node of the kind with the same extras and keep only the verdict.
    fn check_fields(
        &self,
        kind: AssetKind,
        fields: &[Field],
        x: AssetExtras<'_>,
    ) -> GraphResult<()> {
        match (0..self.st.assets.len()).find(|&a| self.st.assets[a].kind == kind) {
            Some(sample) => self.render_asset(sample, fields, x).map(|_| ()),
            None => Ok(()),
        }
    }

    /// `system_users`, `business_users` and `managed_businesses` on Business.
    fn business_people_edge(
        &self,
        b: BizIx,
        edge: &str,
        fields: &[Field],
        pp: &PageParams,
        links: &LinkBase,
    ) -> GraphResult<Value> {
        let st = self.st;
        let biz = &st.businesses[b];
        match edge {
            "system_users" | "business_users" => {
                let list = if edge == "system_users" { &biz.system_users } else { &biz.people };
                let id_at = |i: usize| st.users[list[i]].id.clone();
                let keep = |i: usize| !st.users[list[i]].removed;
                let page = paginate(list.len(), &id_at, &keep, pp)?;
                let data = page
                    .positions
                    .iter()
                    .map(|&p| self.render_user(list[p], fields, true))
                    .collect::<GraphResult<Vec<_>>>()?;
                Ok(envelope(data, &page, pp, links))
            }
            // UNCONFIRMED: a GET form of managed_businesses; we list the current OBO clients.
            "managed_businesses" => self.businesses_page(&biz.clients, fields, pp, links),
            // The businesses that share assets with this one (it is their partner), in the
            // order they first shared.
            "clients" => {
                let mut list: Vec<BizIx> = Vec::new();
                for kind in &biz.client {
                    for &x in kind {
                        let owner = st.assets[x].owner;
                        if owner != b && !list.contains(&owner) {
                            list.push(owner);
                        }
                    }
                }
                self.businesses_page(&list, fields, pp, links)
            }
            _ => Err(GraphError::nonexisting_field(edge, "Business")),
        }
    }

    /// One page of `list` (businesses) as Business nodes.
    fn businesses_page(
        &self,
        list: &[BizIx],
        fields: &[Field],
        pp: &PageParams,
        links: &LinkBase,
    ) -> GraphResult<Value> {
        let id_at = |i: usize| self.st.businesses[list[i]].id.clone();
        let page = paginate(list.len(), &id_at, &|_| true, pp)?;
        let data = page
            .positions
            .iter()
            .map(|&p| self.render_business(list[p], fields))
            .collect::<GraphResult<Vec<_>>>()?;
        Ok(envelope(data, &page, pp, links))
    }

    /// `GET /{asset}/assigned_users?business=B`: users of B assigned to the asset.
    pub fn assigned_users(
        &self,
        a: AssetIx,
        b: BizIx,
        fields: &[Field],
        pp: &PageParams,
        links: &LinkBase,
    ) -> GraphResult<Value> {
        let st = self.st;
        let asset = &st.assets[a];
        let list = &asset.assigned;
        let id_at = |i: usize| st.users[list[i].user].id.clone();
        let keep = |i: usize| {
            let u = &st.users[list[i].user];
            u.business == b && !u.removed
        };
        let page = paginate(list.len(), &id_at, &keep, pp)?;
        let permitted = st.business_reach(a, b).unwrap_or_default();
        let data = page
            .positions
            .iter()
            .map(|&p| {
                let asg = &list[p];
                let user = &st.users[asg.user];
                select(fields, &["id", "name", "tasks"], "AssignedUser", |f| {
                    Ok(match f.name.as_str() {
                        "id" => Some(json!(user.id)),
                        "name" => Some(json!(user.name)),
                        // UNCONFIRMED: AssignedUser.user_type values (spec §12 item 7).
                        "user_type" => Some(json!(match user.kind {
                            UserKind::SystemUser => "SYSTEM_USER",
                            UserKind::Person => "BUSINESS_USER",
                        })),
                        "business" => Some(business_ref(st, user.business, f)?),
                        "tasks" => Some(json!(asg.tasks)),
                        "permitted_tasks" => Some(json!(permitted)),
                        _ => None,
                    })
                })
            })
            .collect::<GraphResult<Vec<_>>>()?;
        Ok(envelope(data, &page, pp, links))
    }
}

/// Whether `edge` is a listing edge of Business (assets, people, clients).
pub fn is_business_list_edge(edge: &str) -> bool {
    business_edge(edge).is_some()
        || matches!(edge, "system_users" | "business_users" | "managed_businesses" | "clients")
}

/// `(kind, is_client)` for a Business asset edge.
pub fn business_edge(edge: &str) -> Option<(AssetKind, bool)> {
    if edge == "adspixels" {
        return Some((AssetKind::Pixel, false));
    }
    for k in ALL_KINDS {
        let (owned, client) = k.business_edges();
        if edge == owned {
            return Some((k, false));
        }
        if edge == client {
            return Some((k, true));
        }
    }
    None
}

/// The asset kind an edge lists, for its page-size cap and rate-limit bucket.
pub fn edge_kind(edge: &str) -> Option<AssetKind> {
    business_edge(edge).map(|(k, _)| k).or_else(|| View::user_edge(edge))
}
