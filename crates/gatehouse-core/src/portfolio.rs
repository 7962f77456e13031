//! One connected business portfolio and the overview the app opens on.

use futures::TryFutureExt;
use gatehouse_graph::{
    AssetKind, ClaimStatus, GraphError, ListOptions, Relation, Session, SystemUser, SystemUserRole,
};
use serde::Serialize;

use crate::connect::BusinessApp;
use crate::Result;

/// Where a portfolio's data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PortfolioKind {
    /// The sample portfolio served by the in-process emulator: nothing leaves the computer.
    Demo,
    /// A real business portfolio at Meta.
    Meta,
}

impl PortfolioKind {
    /// What the portfolio card calls it.
    pub fn label(self) -> &'static str {
        match self {
            PortfolioKind::Demo => "Demo portfolio",
            PortfolioKind::Meta => "Portfolio",
        }
    }

    /// The line under a portfolio's name: that a demo stays on this computer, or the business.
    pub fn note(self, business_id: &str) -> String {
        match self {
            PortfolioKind::Demo => "Demo: nothing leaves this computer".to_owned(),
            PortfolioKind::Meta => format!("Business ID {business_id}"),
        }
    }
}

/// A business portfolio Gatehouse can act on: a Graph session with the admin's credentials and
/// the business it works in.
#[derive(Debug)]
pub struct Portfolio {
    kind: PortfolioKind,
    business_id: String,
    session: Session,
    /// System users the business may have as (regular, admin), when known. Meta does not report
    /// it: it follows the highest access tier among the apps the business owns (graph-api.md
    /// §7.1), which the user tells us or a limit error reveals.
    allowed: Option<(u32, u32)>,
    /// The app the portfolio's credentials belong to (a profile's app ID), when known.
    app_id: Option<String>,
    /// Where its changes are recorded (the audit log), once a surface has said.
    audit: std::sync::OnceLock<crate::audit::AuditTrail>,
    /// System users' names as last read or set here, by ID, so the audit log's sentences name
    /// them ("“Reporting Server” (6100…)") without another call to Meta.
    names: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

/// The Marketing API access tier a business's system-user allowance follows (spec §7.1):
/// Limited allows 1 regular and 1 admin system user, Full 10 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum AccessTier {
    Limited,
    Full,
}

impl AccessTier {
    /// The tier's name as Meta's documentation and the app write it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessTier::Limited => "Limited",
            AccessTier::Full => "Full",
        }
    }
}

/// The system-user quota: how many of each role exist and may exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Quota {
    /// The Marketing API access tier the allowance follows.
    pub tier: AccessTier,
    pub regular_used: u32,
    pub regular_allowed: u32,
    pub admin_used: u32,
    pub admin_allowed: u32,
    /// The numbers in one sentence ("1 of 10 regular system users and 1 of 1 admin on the Full
    /// tier").
    pub summary: String,
}

impl Quota {
    fn new(tier: AccessTier, used: (u32, u32), allowed: (u32, u32)) -> Self {
        let ((regular_used, admin_used), (regular_allowed, admin_allowed)) = (used, allowed);
        let users = if regular_allowed == 1 { "user" } else { "users" };
        let summary = format!(
            "{regular_used} of {regular_allowed} regular system {users} and {admin_used} of \
             {admin_allowed} admin on the {} tier",
            tier.as_str()
        );
        Self { tier, regular_used, regular_allowed, admin_used, admin_allowed, summary }
    }

    /// What raising the quota takes, or that it is the most there is (graph-api.md §7.1).
    fn how_to_raise(&self) -> String {
        match self.tier {
            AccessTier::Limited => format!(
                "Meta allows {} regular system users once one of your apps has Full access to \
                 the Marketing API (App Review, at least 500 Marketing API calls in 15 days with \
                 under 15% errors).",
                allowed(AccessTier::Full).0
            ),
            AccessTier::Full => "This is the most Meta allows for one business portfolio. Reuse \
                a system user for related integrations instead of adding more."
                .to_owned(),
        }
    }

    /// What the quota depends on, while Meta has not reported the tier.
    fn unknown() -> String {
        let (limited, full) = (allowed(AccessTier::Limited), allowed(AccessTier::Full));
        format!(
            "It follows the Marketing API Access Tier of the business's app: Limited allows {} \
             regular and {} admin system user, Full allows {} and {}. Gatehouse shows the \
             numbers once Meta reports the tier, which it does on ad account requests.",
            limited.0, limited.1, full.0, full.1
        )
    }
}

/// (regular, admin) system users a tier allows: the client's one table.
fn allowed(tier: AccessTier) -> (u32, u32) {
    gatehouse_graph::system_user_quota(tier.as_str()).unwrap_or((1, 1))
}

/// A system user as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemUserSummary {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The role in words for a badge: "Admin", "Regular", or Meta's own word for a role
    /// Gatehouse does not model ("Finance editor").
    pub role_label: String,
    /// What the role means, in one sentence.
    pub role_description: String,
    /// When Meta reports it, as Meta wrote it (ISO 8601).
    pub created_time: Option<String>,
}

/// A system user's role as Gatehouse sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Meta's `ADMIN`: reaches every asset of the business and manages its system users.
    Admin,
    /// Meta's `EMPLOYEE` (or no role reported): reaches only the assets assigned to it.
    Regular,
    /// A role Meta reports that Gatehouse does not model (`role_label` has Meta's word). It is
    /// counted against neither quota.
    Other,
}

impl From<crate::NewRole> for Role {
    fn from(role: crate::NewRole) -> Self {
        match role {
            crate::NewRole::Regular => Role::Regular,
            crate::NewRole::Admin => Role::Admin,
        }
    }
}

impl Role {
    /// The word a badge shows.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Regular => "Regular",
            Role::Other => "Other",
        }
    }

    /// What the role lets a system user reach, in one sentence.
    pub fn description(self) -> &'static str {
        match self {
            Role::Admin => {
                "An admin system user reaches every asset of the portfolio by default and can \
                 manage other system users."
            }
            Role::Regular => "A regular system user reaches only the assets assigned to it.",
            Role::Other => "Gatehouse does not know this role; it is shown as Meta reports it.",
        }
    }
}

/// What the app shows first about a portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PortfolioOverview {
    pub kind: PortfolioKind,
    /// [`PortfolioKind::label`].
    pub kind_label: String,
    /// [`PortfolioKind::note`].
    pub note: String,
    pub business_id: String,
    pub business_name: String,
    pub verification: crate::Verification,
    /// In words: "Verified", "Verification pending", or Meta's word for one Gatehouse does not
    /// know.
    pub verification_label: String,
    pub two_factor: crate::TwoFactor,
    /// In words: "Required for admins", "Not required", …
    pub two_factor_label: String,
    pub system_users: Vec<SystemUserSummary>,
    pub quota: Option<Quota>,
    /// What raising the quota takes (or that it is the most there is), or, while the tier is
    /// unknown, what the quota depends on.
    pub quota_note: String,
    /// The apps the business owns (`None` when the token may not list them). Without one the
    /// business cannot have system users (Meta's 104001).
    pub apps: Option<Vec<BusinessApp>>,
    /// The app Gatehouse signs in with for this portfolio, when known: the one to claim when the
    /// business does not own it.
    pub app_id: Option<String>,
    /// The business owns no app, or not [`Self::app_id`] (the connection check's problem, with
    /// the app to claim): it cannot have system users or tokens until it is fixed.
    pub app_problem: Option<crate::connect::ConnectionProblem>,
    /// The roles a new system user can have, the recommended one first.
    pub new_roles: Vec<crate::system_users::RoleChoice>,
}

/// How claiming an app into the business went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppClaim {
    pub app_id: String,
    pub status: AppClaimStatus,
    /// The outcome in plain words.
    pub message: String,
}

/// Where a request to add an app to the business stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AppClaimStatus {
    /// The app belongs to the business now.
    Confirmed,
    /// An admin of the app must approve it first.
    Pending,
    /// It already belonged to the business; nothing changed.
    AlreadyOwned,
    /// Meta answered a word Gatehouse does not know (the message quotes it).
    Other,
}

/// `POST /{business}/owned_apps` with the claim's outcome in plain words; Meta's refusal becomes
/// [`crate::Error::AppNotClaimable`].
pub(crate) async fn claim_app(
    session: &Session,
    business_id: &str,
    app_id: &str,
) -> Result<AppClaim> {
    let app_id = app_id.trim();
    let status = session.claim_app(business_id, app_id).await.map_err(|e| match e {
        // #200 (not an admin of the app, or another business owns it) and #100 (no such app).
        GraphError::MissingPermission { .. }
        | GraphError::InvalidInput { .. }
        | GraphError::AssetClaimRejected { .. } => {
            crate::Error::AppNotClaimable { app_id: app_id.to_owned(), cause: Box::new(e) }
        }
        other => other.into(),
    })?;
    let (status, message) = match status {
        ClaimStatus::Confirmed => (
            AppClaimStatus::Confirmed,
            format!("App {app_id} now belongs to the business: it can have system users."),
        ),
        ClaimStatus::AlreadyOwned => (
            AppClaimStatus::AlreadyOwned,
            format!("App {app_id} already belonged to the business: nothing changed."),
        ),
        ClaimStatus::Pending => (
            AppClaimStatus::Pending,
            format!(
                "Meta is waiting for an admin of app {app_id} to approve the request. Once \
                 approved, the app belongs to the business."
            ),
        ),
        ClaimStatus::Other(word) => (
            AppClaimStatus::Other,
            format!("Meta answered \"{word}\" to the request to add app {app_id}."),
        ),
    };
    Ok(AppClaim { app_id: app_id.to_owned(), status, message })
}

impl Portfolio {
    pub fn new(kind: PortfolioKind, business_id: impl Into<String>, session: Session) -> Self {
        Self {
            kind,
            business_id: business_id.into(),
            session,
            allowed: None,
            app_id: None,
            audit: std::sync::OnceLock::new(),
            names: std::sync::Mutex::default(),
        }
    }

    /// Remembers system users' names (`(id, name)`) for the audit log's sentences.
    pub(crate) fn remember_names<'a>(&self, users: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut names = self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (id, name) in users {
            names.insert(id.to_owned(), name.to_owned());
        }
    }

    /// Remembers the names of system users just listed.
    pub(crate) fn remember_users(&self, users: &[SystemUser]) {
        self.remember_names(users.iter().map(|u| (u.id.as_str(), summary_name(u))));
    }

    /// A system user's name, when read or set here.
    pub(crate) fn system_user_name(&self, id: &str) -> Option<String> {
        self.names.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(id).cloned()
    }

    /// A system user in a sentence: "“Reporting Server” (6100…)" when its name is known, else
    /// "system user 6100…".
    pub(crate) fn system_user_words(&self, id: &str) -> String {
        match self.system_user_name(id) {
            Some(name) => format!("“{name}” ({id})"),
            None => format!("system user {id}"),
        }
    }

    /// Records this portfolio's changes to `trail` from now on (each surface gives its own:
    /// the app's, the CLI's). The first trail given stays.
    pub fn record_changes_to(&self, trail: crate::audit::AuditTrail) {
        let _ = self.audit.set(trail);
    }

    /// Where its changes are recorded, when a surface has said.
    pub fn audit_trail(&self) -> Option<&crate::audit::AuditTrail> {
        self.audit.get()
    }

    /// Updates the token inventory (when a surface gave a trail; a database that cannot be
    /// written is said on stderr, the operation stands).
    pub(crate) fn note_in_inventory(
        &self,
        update: impl FnOnce(&crate::store::Store, &str, &str) -> crate::store::StoreResult<()>,
    ) {
        if let Some(trail) = self.audit.get() {
            if let Err(e) = update(trail.store(), trail.portfolio_id(), &self.business_id) {
                eprintln!("gatehouse: the token inventory could not be written: {e}");
            }
        }
    }

    /// Records a change that reached Meta (whatever its outcome); a request refused before
    /// anything was sent (an empty name, a bad ID) is no change. Recording never undoes or
    /// hides the change itself: a database that cannot be written is said on stderr.
    pub(crate) fn record<T>(&self, event: crate::audit::AuditEvent, result: &Result<T>) {
        use gatehouse_errors::{ErrorCode, Explain};
        if let Err(e) = result {
            if matches!(e.code(), ErrorCode::InvalidInput | ErrorCode::ProfileFieldInvalid) {
                return;
            }
        }
        if let Some(trail) = self.audit.get() {
            if let Err(e) = trail.record(&self.business_id, &[event.ended(result)]) {
                eprintln!("gatehouse: the audit log could not be written: {e}");
            }
        }
    }

    /// The app the credentials belong to (a profile's app ID).
    pub fn with_app(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// Claims `app_id` into the business (its admins must develop it), so the business can have
    /// system users.
    pub async fn claim_app(&self, app_id: &str) -> Result<AppClaim> {
        let result = claim_app(&self.session, &self.business_id, app_id).await;
        let event = crate::audit::AuditEvent::new(
            crate::audit::AuditAction::AppAddedToBusiness,
            match &result {
                Ok(claim) => claim.message.clone(),
                Err(_) => format!("Adding app {app_id} to the business"),
            },
        )
        .target(app_id, None);
        self.record(event, &result);
        result
    }

    /// The system-user allowance (regular, admin), when it is known.
    pub fn with_allowance(mut self, regular: u32, admin: u32) -> Self {
        self.allowed = Some((regular, admin));
        self
    }

    /// The app the credentials belong to, when known.
    pub fn app_id(&self) -> Option<&str> {
        self.app_id.as_deref()
    }

    pub fn kind(&self) -> PortfolioKind {
        self.kind
    }

    pub fn business_id(&self) -> &str {
        &self.business_id
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// Whether its asset listings chain their pages in batch requests: only for a saved
    /// portfolio whose last compatibility check saw Meta accept it
    /// ([`crate::profiles::ProfileStore::open`]).
    pub fn chains_pages(&self) -> bool {
        self.session.client().config().paging != gatehouse_graph::PagingMode::Plain
    }

    /// System users allowed as (regular, admin): as given, or from the access tier Meta's usage
    /// headers reported on an ads_management call, when either is known.
    fn allowance(&self) -> Option<(u32, u32)> {
        self.allowed.or_else(|| {
            let tier = self.session.client().observed_access_tier()?;
            gatehouse_graph::system_user_quota(&tier)
        })
    }

    /// The Marketing API access tier the allowance implies, when known.
    pub fn access_tier(&self) -> Option<AccessTier> {
        self.allowance()
            .map(|(regular, _)| if regular <= 1 { AccessTier::Limited } else { AccessTier::Full })
    }

    /// The business, its apps and all its system users, fetched concurrently.
    pub async fn overview(&self) -> Result<PortfolioOverview> {
        let business = self.session.business(&self.business_id).map_err(crate::Error::from);
        let users =
            self.session.system_users(&self.business_id).collect_all().map_err(crate::Error::from);
        let apps = async {
            let listing = self
                .session
                .assets(&self.business_id, AssetKind::App, Relation::Owned, &ListOptions::default())
                .collect_all()
                .await;
            match listing {
                Ok((apps, _)) => Ok(Some(
                    apps.into_iter()
                        .map(|a| BusinessApp::from_asset(a, self.app_id.as_deref()))
                        .collect::<Vec<_>>(),
                )),
                Err(e) if crate::connect::is_refusal(&e) => Ok(None),
                Err(e) => Err(crate::Error::from(e)),
            }
        };
        let (business, (users, _progress), apps) = futures::try_join!(business, users, apps)?;
        self.remember_users(&users);
        let system_users: Vec<SystemUserSummary> = users.iter().map(summary).collect();
        let count = |role: Role| {
            u32::try_from(system_users.iter().filter(|u| u.role == role).count())
                .unwrap_or(u32::MAX)
        };
        let quota = self.allowance().zip(self.access_tier()).map(|(allowed, tier)| {
            Quota::new(tier, (count(Role::Regular), count(Role::Admin)), allowed)
        });
        let quota_note = quota.as_ref().map_or_else(Quota::unknown, Quota::how_to_raise);
        let (verification, verification_label) =
            crate::Verification::from_meta(business.verification_status.as_deref());
        let (two_factor, two_factor_label) =
            crate::TwoFactor::from_meta(business.two_factor_type.as_deref());
        Ok(PortfolioOverview {
            kind: self.kind,
            kind_label: self.kind.label().to_owned(),
            note: self.kind.note(&business.id),
            business_name: business.name.unwrap_or_else(|| format!("Business {}", business.id)),
            business_id: business.id,
            verification,
            verification_label,
            two_factor,
            two_factor_label,
            system_users,
            quota,
            quota_note,
            app_problem: crate::connect::app_problem(
                apps.as_ref()
                    .map(|apps| apps.iter().map(|a| a.id.clone()).collect::<Vec<_>>())
                    .as_deref(),
                self.app_id.as_deref(),
            ),
            apps,
            app_id: self.app_id.clone(),
            new_roles: crate::system_users::role_choices(),
        })
    }
}

/// The name a system user is shown by (its ID when Meta sent none).
pub(crate) fn summary_name(user: &SystemUser) -> &str {
    if user.name.is_empty() {
        &user.id
    } else {
        &user.name
    }
}

pub(crate) fn summary(user: &SystemUser) -> SystemUserSummary {
    let (role, role_label) = match &user.role {
        Some(SystemUserRole::Admin) => (Role::Admin, Role::Admin.label().to_owned()),
        Some(SystemUserRole::Employee) | None => (Role::Regular, Role::Regular.label().to_owned()),
        Some(SystemUserRole::Other(word)) => (Role::Other, crate::business::in_words(word)),
    };
    SystemUserSummary {
        id: user.id.clone(),
        name: user.name.clone(),
        role,
        role_label,
        role_description: role.description().to_owned(),
        created_time: user.created_time.as_ref().and_then(|v| v.as_str()).map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_gatehouse_does_not_model_keeps_metas_word() {
        let user: SystemUser = serde_json::from_value(serde_json::json!({
            "id": "1", "name": "Books", "role": "FINANCE_EDITOR"
        }))
        .unwrap();
        let s = summary(&user);
        assert_eq!((s.role, s.role_label.as_str()), (Role::Other, "Finance editor"));
        let admin: SystemUser =
            serde_json::from_value(serde_json::json!({"id": "2", "name": "A", "role": "ADMIN"}))
                .unwrap();
        assert_eq!(
            (summary(&admin).role, summary(&admin).role_label.as_str()),
            (Role::Admin, "Admin")
        );
    }
}
