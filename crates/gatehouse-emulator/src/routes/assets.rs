//! `/{asset}/assigned_users` GET/POST/DELETE (spec §5).

use serde_json::{json, Value};

use super::{require_scope, user_by_id, Args, Ctx};
use crate::errors::{GraphError, GraphResult};
use crate::model::{AssetKind, AD_ACCOUNT_COMBOS};
use crate::paging::PageParams;
use crate::state::{intern_tasks, AssetIx, BizIx, NodeRef, UserIx};

impl Ctx<'_> {
    /// The caller's business, when it can manage assignments on asset `x`: it must see the asset
    /// (100/33 otherwise) and be an admin (code 10 otherwise).
    fn manage_business(&self, a: &Args<'_>, x: AssetIx, method: &str) -> GraphResult<BizIx> {
        let st = &*self.st;
        let id = &st.assets[x].id;
        if self.asset_access(a.caller, x).is_none() {
            return Err(GraphError::unsupported(method, id));
        }
        let Some(u) = a.caller.user else {
            return Err(GraphError::unsupported(method, id));
        };
        let b = st.users[u].business;
        if !self.is_admin_of(a.caller, b) {
            return Err(GraphError::permission(
                "You do not have permission to perform this action. This action requires that you \
                 can MANAGE_PERMISSIONS for this business account.",
            ));
        }
        require_scope(st, a.caller, "business_management")?;
        Ok(b)
    }

    fn target_user(&self, a: &Args<'_>, b: BizIx) -> GraphResult<UserIx> {
        let st = &*self.st;
        let id = a.params.required("user")?;
        match user_by_id(st, id) {
            Some(u) if st.users[u].business == b => Ok(u),
            // Users of other businesses cannot be given this business's assets.
            _ => Err(GraphError::param(format!(
                "Param user must be the ID of a user of business {}: {id}",
                st.businesses[b].id
            ))),
        }
    }

    /// `GET /{asset}/assigned_users?business=B`.
    pub(super) fn list_assigned_users(&mut self, a: &Args<'_>, x: AssetIx) -> GraphResult<Value> {
        let st = &*self.st;
        let asset = &st.assets[x];
        if self.asset_access(a.caller, x).is_none() {
            return Err(GraphError::unsupported("get", &asset.id));
        }
        let caller_biz = a.caller.user.map(|u| st.users[u].business);
        let b = match a.params.get("business").filter(|s| !s.trim().is_empty()) {
            Some(id) => match st.index.get(id.trim()) {
                Some(NodeRef::Business(b)) => *b,
                _ => return Err(GraphError::param(format!("Invalid business: {id}"))),
            },
            // Required on every kind (the SDK's param checkers, REF-PAU, REF-WAU).
            None => return Err(GraphError::missing_param("business")),
        };
        if caller_biz != Some(b) {
            return Err(GraphError::permission(
                "You can only list the assigned users of your own business.",
            ));
        }
        let pp = PageParams::from_params(a.params, 100)?;
        a.view(st).assigned_users(x, b, a.fields, &pp, a.links)
    }

    /// `POST /{asset}/assigned_users` with `user` and `tasks`.
    pub(super) fn assign_user(&mut self, a: &Args<'_>, x: AssetIx) -> GraphResult<Value> {
        let b = self.manage_business(a, x, "post")?;
        let u = self.target_user(a, b)?;
        let st = &*self.st;
        let kind = st.assets[x].kind;
        let raw = match a.params.list("tasks")? {
            Some(t) if !t.is_empty() => t,
            _ if kind.tasks_required() => return Err(GraphError::missing_param("tasks")),
            // UNCONFIRMED: the grant when `tasks` is omitted on Pages, ad accounts and Instagram
            // assets; we use the legacy full role (ADMIN / MANAGER equivalents).
            _ => default_tasks(kind).iter().map(|s| s.to_string()).collect(),
        };
        let tasks = intern_tasks(kind, &raw).map_err(|bad| {
            let i = raw.iter().position(|t| t.trim() == bad).unwrap_or(0);
            GraphError::param(format!(
                "Param tasks[{i}] must be one of {{{}}}",
                kind.tasks().join(", ")
            ))
        })?;
        if kind == AssetKind::AdAccount && self.strict_task_combos && !valid_combo(&tasks) {
            return Err(GraphError::new(
                100,
                "OAuthException",
                "This Task Combination Is Not Supported",
            )
            .with_subcode(1752129));
        }
        // UNCONFIRMED: whether Page assignments enforce task combinations (spec §12 item 9); they
        // do not here.
        // A business can only hand out the tasks it was granted on a shared asset.
        let granted = st.business_reach(x, b).unwrap_or_default();
        if let Some(extra) = tasks.iter().find(|t| !granted.contains(t)) {
            return Err(GraphError::permission(format!(
                "Your business was not granted the task {extra} on this asset, so it cannot assign it."
            )));
        }
        self.st.assign(x, u, tasks);
        self.st.writes += 1;
        Ok(json!({"success": true}))
    }

    /// `DELETE /{asset}/assigned_users` with `user`.
    pub(super) fn unassign_user(&mut self, a: &Args<'_>, x: AssetIx) -> GraphResult<Value> {
        if self.st.assets[x].kind == AssetKind::Pixel {
            // UNCONFIRMED: SDK-CG has no DELETE on pixel assigned_users (spec §5.2); we follow it.
            return Err(GraphError::unsupported("delete", &self.st.assets[x].id));
        }
        let b = self.manage_business(a, x, "delete")?;
        let u = self.target_user(a, b)?;
        if self.st.unassign(x, u) {
            self.st.writes += 1;
        }
        Ok(json!({"success": true}))
    }
}

fn default_tasks(kind: AssetKind) -> &'static [&'static str] {
    match kind {
        AssetKind::Page => &["MANAGE", "CREATE_CONTENT", "MODERATE", "ADVERTISE", "ANALYZE"],
        AssetKind::AdAccount => &["MANAGE", "ADVERTISE", "ANALYZE"],
        _ => &["ADVERTISE", "ANALYZE"],
    }
}

fn valid_combo(tasks: &[&str]) -> bool {
    AD_ACCOUNT_COMBOS
        .iter()
        .any(|combo| combo.len() == tasks.len() && combo.iter().all(|t| tasks.contains(t)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn combos_are_order_insensitive() {
        assert!(super::valid_combo(&["ANALYZE", "ADVERTISE"]));
        assert!(super::valid_combo(&["ANALYZE", "MANAGE", "ADVERTISE"]));
        assert!(!super::valid_combo(&["MANAGE"]));
        assert!(!super::valid_combo(&["MANAGE", "ANALYZE"]));
    }
}
