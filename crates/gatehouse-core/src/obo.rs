//! Business On Behalf Of (graph-api.md §6, Meta's "Business On Behalf Of" guide): an agency
//! (the partner: the open portfolio, its admin system user's token and its app) working inside
//! a client's business without the client adding anyone.
//!
//! 1. [`Portfolio::link_client`]: the client's admin authorises the partner's app; Gatehouse
//!    links the client (`POST /{partner}/managed_businesses`) with that admin's token, taken
//!    as a secret for this one call and never stored.
//! 2. [`Portfolio::client_token`]: a system user inside the client business and its token
//!    (`POST /{client}/access_token`, appsecret_proof required), found by `GET /me`.
//! 3. [`Portfolio::assign_client_assets`]: the client's assets given to that system user, with
//!    the client admin's token again (`POST /{asset}/assigned_users`).
//! 4. [`Portfolio::unlink_client`]: the link removed (`DELETE /{partner}/managed_businesses`),
//!    which removes the client system user and its tokens.
//!
//! Which clients are linked comes from the partner's own record (the audit log): Meta's
//! Business SDK lists no "clients of a partner" read Gatehouse could use.

use gatehouse_graph::{
    AssetKind, Assignment, Credentials, GraphError, ListOptions, Relation, Scope, Secret, TaskSet,
};
use serde::Serialize;

use crate::audit::{AuditAction, AuditEvent, AuditFilter, Fingerprint};
use crate::inventory::TokenSource;
use crate::{Error, Portfolio, Result};
use gatehouse_errors::Surface;

/// What the client sees and can do once linked, in plain words (the wizard and the CLI say it
/// before anything is sent). From Meta's On Behalf Of guide: the app shows as shared with the
/// client; the system user is an employee-level one in the client's business; either side can
/// end the link.
pub const WHAT_THE_CLIENT_SEES: [&str; 4] = [
    "Your app appears in the client's Business Settings as an app shared with them.",
    "A system user with employee access (not admin) appears in the client's business, named \
     “<client> SYSTEM USER” unless you name it.",
    "It reaches only the assets the client's admin assigns to it, with the tasks chosen.",
    "The client can end the link at any time in Business Settings (the partner's app, Remove); \
     so can you. Ending it removes the system user and stops its tokens.",
];

/// The client business's system user and its token (only in memory: it goes to the copy-once
/// dialog).
pub struct ClientSystemUser {
    pub client_business_id: String,
    pub system_user_id: String,
    pub name: String,
    pub token: Secret,
    /// What Meta says the token has (`debug_token`), or what was asked for when it could not
    /// be asked (then `post_check_error` says why).
    pub post_check: crate::TokenReport,
    pub post_check_error: Option<String>,
}

impl std::fmt::Debug for ClientSystemUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSystemUser")
            .field("client_business_id", &self.client_business_id)
            .field("system_user_id", &self.system_user_id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// One client asset to give the client's system user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientAssignment {
    pub kind: AssetKind,
    pub asset_id: String,
    pub asset_name: String,
    /// Meta's task names (`MANAGE`, `ADVERTISE`, …).
    pub tasks: Vec<String>,
}

/// How one client assignment ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientAssignmentOutcome {
    pub asset_id: String,
    pub asset_name: String,
    /// Why Meta refused it, when it did.
    pub error: Option<gatehouse_errors::CommandError>,
}

impl Portfolio {
    /// The app secret of the portfolio's credentials (On Behalf Of calls must prove it).
    fn app_secret(&self) -> Result<Secret> {
        self.session().credentials().app_secret().cloned().ok_or_else(|| {
            GraphError::invalid_input(
                "app_secret",
                "On Behalf Of needs the app secret (appsecret_proof is required)",
            )
            .into()
        })
    }

    fn client_admin_session(
        &self,
        client_admin_token: &Secret,
    ) -> Result<gatehouse_graph::Session> {
        if client_admin_token.expose().trim().is_empty() {
            return Err(GraphError::invalid_input(
                "client_admin_token",
                "paste the client admin's token",
            )
            .into());
        }
        Ok(self
            .session()
            .client()
            .session(Credentials::with_app_secret(client_admin_token.clone(), self.app_secret()?)))
    }

    /// Step 1: links `client_business_id` to this (partner) business, with a token of an admin
    /// of the client business obtained through the partner's app. The token is used for this
    /// call only.
    pub async fn link_client(
        &self,
        client_business_id: &str,
        client_admin_token: &Secret,
    ) -> Result<()> {
        crate::profiles::validate_numeric_id("client business id", client_business_id.trim())?;
        let client = client_business_id.trim();
        let result = match self.client_admin_session(client_admin_token) {
            Ok(session) => {
                session.add_managed_business(self.business_id(), client).await.map_err(Error::from)
            }
            Err(e) => Err(e),
        };
        let event = AuditEvent::new(
            AuditAction::ClientLinked,
            format!("Linked client business {client} (On Behalf Of)"),
        )
        .target(client, None);
        self.record(event, &result);
        result
    }

    /// Step 2: a system user inside the client business and its token for the portfolio's app
    /// with `scopes` (and what they depend on), named `system_user_name` or Meta's default.
    /// Asking again gives a new token for the same system user.
    pub async fn client_token(
        &self,
        client_business_id: &str,
        scopes: &[Scope],
        system_user_name: Option<&str>,
    ) -> Result<ClientSystemUser> {
        let client = client_business_id.trim();
        crate::profiles::validate_numeric_id("client business id", client)?;
        if scopes.is_empty() {
            return Err(GraphError::invalid_input("scope", "choose at least one permission").into());
        }
        let app_id = self.app_id().map(str::to_owned).ok_or_else(|| {
            GraphError::invalid_input("app_id", "the portfolio has no app to act for")
        })?;
        let (all, _) = Scope::with_dependencies(scopes);
        let name = system_user_name.map(str::trim).filter(|n| !n.is_empty());
        let result = self.client_token_at_meta(client, &app_id, &all, name).await;
        let names: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
        let mut event = AuditEvent::new(
            AuditAction::TokenGenerated,
            match &result {
                Ok(c) => format!(
                    "Generated token {} for “{}” in client business {client} (On Behalf Of)",
                    Fingerprint::of(&c.token).display(),
                    c.name
                ),
                Err(_) => format!("Generating a token in client business {client} (On Behalf Of)"),
            },
        )
        .detail("client_business_id", client)
        .detail("app_id", app_id.clone())
        .detail("scopes", names.join(","));
        if let Ok(c) = &result {
            let fp = Fingerprint::of(&c.token);
            event = event
                .target(c.system_user_id.clone(), Some(c.name.clone()))
                .detail("token_last", fp.last)
                .detail("token_hash", fp.hash);
            self.note_in_inventory(|store, portfolio, _| {
                store.note_token(
                    portfolio,
                    client,
                    &c.token,
                    &c.post_check,
                    TokenSource::Generated,
                    None,
                )
            });
        }
        self.record(event, &result);
        result
    }

    async fn client_token_at_meta(
        &self,
        client: &str,
        app_id: &str,
        scopes: &[Scope],
        name: Option<&str>,
    ) -> Result<ClientSystemUser> {
        let secret = self.app_secret()?;
        let token = self.session().client_access_token(client, app_id, scopes, name).await?;
        // Step 3 of Meta's guide: the new system user is who the token says it is.
        let own =
            self.session().client().session(Credentials::with_app_secret(token.clone(), secret));
        // The token exists now: losing it to a failed read would leave a working token
        // nobody saw. Who it belongs to comes from `debug_token` when `/me` does not answer.
        let (me_id, me_name) = match own.me().await {
            Ok(me) => (me.id, me.name),
            Err(_) => match self.debug(&token).await {
                Ok(info) => (info.user_id.unwrap_or_default(), None),
                Err(_) => (String::new(), None),
            },
        };
        // UNCONFIRMED whether these tokens can expire (Meta lists no expiry parameter for
        // them, graph-api.md §6.3): what debug_token says wins; unasked, never.
        let now = self.session().clock().unix_now();
        let (post_check, post_check_error) = crate::tokens::run_post_check(self, &token, || {
            crate::tokens::unverified_report(app_id, &me_id, scopes, false, now)
        })
        .await;
        Ok(ClientSystemUser {
            client_business_id: client.to_owned(),
            name: me_name.unwrap_or_else(|| {
                if me_id.is_empty() {
                    "the new system user".to_owned()
                } else {
                    format!("System user {me_id}")
                }
            }),
            system_user_id: me_id,
            token,
            post_check,
            post_check_error,
        })
    }

    /// The client's own assets of `kind`, read with the client admin's token (to choose what
    /// the client's system user gets).
    pub async fn client_assets(
        &self,
        client_business_id: &str,
        client_admin_token: &Secret,
        kind: AssetKind,
    ) -> Result<Vec<crate::access::AssetRow>> {
        let client = client_business_id.trim();
        crate::profiles::validate_numeric_id("client business id", client)?;
        let session = self.client_admin_session(client_admin_token)?;
        let (assets, _) = session
            .assets(client, kind, Relation::Owned, &ListOptions::default())
            .collect_all()
            .await?;
        Ok(assets.into_iter().map(|a| crate::access::asset_row(kind, Relation::Owned, a)).collect())
    }

    /// Step 4: gives the client's system user `assignments` (the client admin's token; used
    /// for these calls only). Each asset ends on its own; a refused one does not stop the rest.
    pub async fn assign_client_assets(
        &self,
        client_business_id: &str,
        client_admin_token: &Secret,
        system_user_id: &str,
        assignments: &[ClientAssignment],
    ) -> Result<Vec<ClientAssignmentOutcome>> {
        let client = client_business_id.trim();
        let session = self.client_admin_session(client_admin_token)?;
        let mut calls = Vec::with_capacity(assignments.len());
        for a in assignments {
            let names: Vec<&str> = a.tasks.iter().map(String::as_str).collect();
            calls.push(Assignment {
                asset_id: a.asset_id.clone(),
                user_id: system_user_id.to_owned(),
                tasks: TaskSet::parse(a.kind, &names).map_err(Error::from)?,
            });
        }
        // Batched as the bulk jobs are (a client may give thousands), each asset's own outcome.
        let results = session.assign_many(&calls).await;
        let mut outcomes = Vec::with_capacity(assignments.len());
        for (a, result) in assignments.iter().zip(results) {
            let result = result.map_err(Error::from);
            let (kind, _) = crate::access::kind_words(a.kind);
            let event = AuditEvent::new(
                AuditAction::AssetAssigned,
                format!(
                    "Gave client system user {system_user_id} {kind} “{}” with {} (On Behalf Of)",
                    a.asset_name,
                    a.tasks.join(", ")
                ),
            )
            .target(a.asset_id.clone(), Some(a.asset_name.clone()))
            .detail("asset_kind", a.kind.as_str())
            .detail("client_business_id", client)
            .detail("system_user_id", system_user_id)
            .detail("tasks", a.tasks.join(","));
            self.record(event, &result);
            outcomes.push(ClientAssignmentOutcome {
                asset_id: a.asset_id.clone(),
                asset_name: a.asset_name.clone(),
                error: result
                    .err()
                    .map(|e| gatehouse_errors::CommandError::new(&e, Surface::Desktop)),
            });
        }
        Ok(outcomes)
    }

    /// Ends the link with `client_business_id` (the partner's admin may): the client's system
    /// user and its tokens go with it.
    pub async fn unlink_client(&self, client_business_id: &str) -> Result<()> {
        let client = client_business_id.trim();
        crate::profiles::validate_numeric_id("client business id", client)?;
        let result = self
            .session()
            .remove_managed_business(self.business_id(), client)
            .await
            .map_err(Error::from);
        let event = AuditEvent::new(
            AuditAction::ClientRemoved,
            format!("Removed the link with client business {client} (its system user and tokens with it)"),
        )
        .target(client, None);
        self.record(event, &result);
        result
    }

    /// The businesses that added this one as their partner and share assets with it (Meta's
    /// `GET /{business}/clients`), by name: the client relationships that exist. A token that may
    /// not read them gives none; the wizard takes a business ID either way.
    pub async fn business_clients(&self) -> Result<Vec<gatehouse_graph::Business>> {
        match self.session().clients(self.business_id()).collect_all().await {
            Ok((clients, _)) => Ok(clients),
            Err(e) if crate::connect::is_refusal(&e) => Ok(Vec::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// Client businesses this portfolio linked through Gatehouse and has not removed since
    /// (from the audit log), oldest link first.
    pub fn linked_clients(&self) -> Result<Vec<String>> {
        let Some(trail) = self.audit_trail() else { return Ok(Vec::new()) };
        Ok(linked_clients(trail.store(), trail.portfolio_id())?)
    }
}

/// Client businesses portfolio `portfolio_id` linked through Gatehouse and has not removed since,
/// read from its audit log's link entries alone (however long the log is), oldest link first.
/// Meta's SDK has no "clients of a partner" read, so this record is the list.
pub fn linked_clients(
    store: &crate::store::Store,
    portfolio_id: &str,
) -> crate::store::StoreResult<Vec<String>> {
    let mut entries = Vec::new();
    for action in [AuditAction::ClientLinked, AuditAction::ClientRemoved] {
        entries.extend(store.audit_entries(&AuditFilter {
            portfolio_id: Some(portfolio_id.to_owned()),
            action: Some(action),
            outcome: Some(crate::audit::AuditOutcome::Succeeded),
            limit: Some(u32::MAX),
            ..AuditFilter::default()
        })?);
    }
    entries.sort_by_key(|e| e.seq);
    let mut linked: Vec<String> = Vec::new();
    for e in &entries {
        let Some(client) = &e.target_id else { continue };
        match e.action {
            AuditAction::ClientLinked if !linked.contains(client) => linked.push(client.clone()),
            AuditAction::ClientRemoved => linked.retain(|c| c != client),
            _ => {}
        }
    }
    Ok(linked)
}
