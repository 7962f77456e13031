//! Adding system users: never twice, and with limit errors that say what the limit is.

use gatehouse_graph::{CreateReconciliation, GraphError, NewSystemUserRole};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEvent};
use crate::portfolio::Portfolio;
use crate::AccessTier;
use crate::{Error, Result};

/// The role of a new system user, in the words Business Suite uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum NewRole {
    /// Reaches only the assets assigned to it (Meta's `EMPLOYEE`). Recommended.
    Regular,
    /// Can also create system users and assign assets (Meta's `ADMIN`).
    Admin,
}

/// A role offered for a new system user, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RoleChoice {
    pub role: NewRole,
    pub label: String,
    /// What it may do, in one or two sentences.
    pub description: String,
    pub recommended: bool,
}

/// The roles a new system user can have, the recommended (least privilege) one first.
pub fn role_choices() -> Vec<RoleChoice> {
    [
        (
            NewRole::Regular,
            true,
            "Reaches only the assets you assign to it. Right for almost every integration.",
        ),
        (
            NewRole::Admin,
            false,
            "Can also add system users and give out access to every asset in the portfolio. Only \
             for tools that manage access themselves.",
        ),
    ]
    .into_iter()
    .map(|(role, recommended, description)| RoleChoice {
        role,
        label: crate::Role::from(role).label().to_owned(),
        description: description.to_owned(),
        recommended,
    })
    .collect()
}

/// A system user that now exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreatedSystemUser {
    pub id: String,
    pub name: String,
    pub role: NewRole,
    /// Meta's first answer was lost on the way; Gatehouse listed the system users before doing
    /// anything else, so it exists exactly once.
    pub recovered_after_lost_answer: bool,
    /// What happened, in words (with the lost answer when there was one).
    pub message: String,
}

impl Portfolio {
    /// Creates a system user. When the answer is lost (timeout, dropped connection), lists the
    /// system users to learn whether Meta created it, and creates again only if it did not.
    pub async fn create_system_user(&self, name: &str, role: NewRole) -> Result<CreatedSystemUser> {
        let result = self.create_at_meta(name, role).await;
        let name = name.trim();
        let role_word = match role {
            NewRole::Regular => "regular",
            NewRole::Admin => "admin",
        };
        let event = AuditEvent::new(
            AuditAction::SystemUserCreated,
            match &result {
                Ok(_) => format!("Added {role_word} system user “{name}”"),
                Err(_) => format!("Adding {role_word} system user “{name}”"),
            },
        )
        .target(result.as_ref().map(|c| c.id.clone()).unwrap_or_default(), Some(name.to_owned()))
        .detail("role", role_word);
        if let Ok(created) = &result {
            self.remember_names([(created.id.as_str(), name)]);
        }
        self.record(event, &result);
        result
    }

    /// Gives system user `id` a new name. Renaming is idempotent, so the client may retry it.
    pub async fn rename_system_user(&self, id: &str, name: &str) -> Result<()> {
        let name = name.trim();
        let result = if name.is_empty() {
            Err(GraphError::invalid_input("name", "the system user needs a name").into())
        } else {
            self.session()
                .rename_system_user(self.business_id(), id, name)
                .await
                .map_err(|e| Error::for_system_user(e, id))
        };
        let event = AuditEvent::new(
            AuditAction::SystemUserRenamed,
            format!("Renamed {} to “{name}”", self.system_user_words(id)),
        )
        .target(id, Some(name.to_owned()));
        self.record(event, &result);
        if result.is_ok() {
            self.remember_names([(id, name)]);
        }
        result
    }

    async fn create_at_meta(&self, name: &str, role: NewRole) -> Result<CreatedSystemUser> {
        let name = name.trim();
        if name.is_empty() {
            return Err(GraphError::invalid_input("name", "the system user needs a name").into());
        }
        let session = self.session();
        let business = self.business_id();
        // The list before the create is the baseline for reconciling a lost answer, and gives
        // a limit error its numbers.
        let (before, _) = session.system_users(business).collect_all().await?;
        self.remember_users(&before);
        let known: Vec<String> = before.iter().map(|u| u.id.clone()).collect();
        let graph_role = match role {
            NewRole::Regular => NewSystemUserRole::Employee,
            NewRole::Admin => NewSystemUserRole::Admin,
        };
        let created = |id: String, recovered: bool| CreatedSystemUser {
            id,
            name: name.to_owned(),
            role,
            recovered_after_lost_answer: recovered,
            message: format!(
                "“{name}” was added as {} system user.{}",
                match role {
                    NewRole::Regular => "a regular",
                    NewRole::Admin => "an admin",
                },
                if recovered {
                    " Meta's first answer was lost on the way; Gatehouse checked the list before \
                     going on, so it exists once."
                } else {
                    ""
                }
            ),
        };

        // Two tries at most, and a lost answer is always reconciled by listing before anything
        // else happens, so Meta never ends up with two.
        const ATTEMPTS: u32 = 2;
        for attempt in 1..=ATTEMPTS {
            match session.create_system_user(business, name, graph_role).await {
                Ok(id) => return Ok(created(id, attempt > 1)),
                Err(GraphError::OutcomeUnknown { .. }) => {
                    match session.reconcile_system_user_create(business, name, &known).await? {
                        CreateReconciliation::Created(user) => return Ok(created(user.id, true)),
                        // Meta did not create it: one more try is safe.
                        CreateReconciliation::NotCreated if attempt < ATTEMPTS => continue,
                        CreateReconciliation::NotCreated => break,
                        CreateReconciliation::Ambiguous(users) => {
                            return Err(Error::AmbiguousCreate {
                                name: name.to_owned(),
                                count: users.len(),
                            })
                        }
                    }
                }
                Err(error) => {
                    let existing = before
                        .iter()
                        .filter(|u| crate::portfolio::summary(u).role == crate::Role::from(role))
                        .count();
                    return Err(error
                        .with_limit_context(
                            self.access_tier().map(AccessTier::as_str),
                            u32::try_from(existing).ok(),
                        )
                        .into());
                }
            }
        }
        Err(Error::CreateNotConfirmed { name: name.to_owned() })
    }
}
