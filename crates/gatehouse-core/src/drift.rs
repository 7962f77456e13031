//! Drift: what has wandered from a tidy set-up in a portfolio, from its access matrix and the
//! token inventory. Meta reports none of it; agencies ask it of every client portfolio.
//!
//! - assets no regular system user holds (only admins reach them);
//! - assets a client shares that nobody was given;
//! - admin system users with working tokens (an admin used for day-to-day work);
//! - regular system users holding no asset (their tokens reach nothing);
//! - tokens that expire soon, and tokens that expired while still listed.

use serde::Serialize;

use crate::inventory::{InventoryToken, TokenState};
use crate::matrix::AccessMatrix;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DriftCode {
    AssetsHeldByNoOne,
    SharedAssetsGrantedToNobody,
    AdminForDailyWork,
    SystemUserWithoutAssets,
    TokensExpiringSoon,
    TokensExpired,
}

/// One finding, in words, with what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DriftFinding {
    pub code: DriftCode,
    pub count: u32,
    pub message: String,
    pub fix: String,
    /// Worth acting on soon (a security or an outage risk), not only tidiness.
    pub urgent: bool,
}

fn n(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", crate::jobs::thousands(n(count)))
    }
}

/// The findings for one portfolio: `matrix` read now, `tokens` its inventory entries.
pub fn drift(matrix: &AccessMatrix, tokens: &[InventoryToken]) -> Vec<DriftFinding> {
    let mut out = Vec::new();
    let owned_unheld = matrix
        .assets
        .iter()
        .filter(|a| a.holders == 0 && a.relation == gatehouse_graph::Relation::Owned)
        .count();
    if owned_unheld > 0 {
        out.push(DriftFinding {
            code: DriftCode::AssetsHeldByNoOne,
            count: n(owned_unheld),
            message: format!(
                "{} of the business's own are held by no regular system user: only admins reach them.",
                plural(owned_unheld, "asset", "assets")
            ),
            fix: "If an integration needs them, give them to a regular system user with the tasks \
                  it needs (Access matrix › Held by no regular system user)."
                .to_owned(),
            urgent: false,
        });
    }
    let shared_unheld = matrix
        .assets
        .iter()
        .filter(|a| a.holders == 0 && a.relation == gatehouse_graph::Relation::Client)
        .count();
    if shared_unheld > 0 {
        // Which clients, most first: the agency works client by client.
        let mut by_client: Vec<(String, usize)> = Vec::new();
        for a in matrix
            .assets
            .iter()
            .filter(|a| a.holders == 0 && a.relation == gatehouse_graph::Relation::Client)
        {
            let name = a
                .client
                .and_then(|c| matrix.clients.get(c as usize))
                .map_or_else(|| "a client Meta does not name".to_owned(), |c| c.name.clone());
            match by_client.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => by_client.push((name, 1)),
            }
        }
        by_client.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let which = by_client
            .iter()
            .map(|(name, count)| format!("{name} {}", crate::jobs::thousands(n(*count))))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(DriftFinding {
            code: DriftCode::SharedAssetsGrantedToNobody,
            count: n(shared_unheld),
            message: format!(
                "{} shared by clients {} given to no system user ({which}).",
                plural(shared_unheld, "asset", "assets"),
                if shared_unheld == 1 { "is" } else { "are" }
            ),
            fix: "Give them to the system user that works for that client, or ask the client to \
                  stop sharing what is not needed."
                .to_owned(),
            urgent: false,
        });
    }
    for admin in matrix.users.iter().filter(|u| u.reaches_everything) {
        let working = tokens
            .iter()
            .filter(|t| t.user_id.as_deref() == Some(admin.id.as_str()) && !t.state.is_dead())
            .count();
        if working > 0 {
            out.push(DriftFinding {
                code: DriftCode::AdminForDailyWork,
                count: n(working),
                message: format!(
                    "“{}” is an admin system user with {} Gatehouse knows of: an admin token \
                     reaches every asset of the business.",
                    admin.name,
                    plural(working, "working token", "working tokens")
                ),
                fix: "Give integrations a regular system user with only the assets and tasks they \
                      need, then revoke the admin's tokens that are no longer needed (Tokens)."
                    .to_owned(),
                urgent: true,
            });
        }
    }
    let empty: Vec<&str> = matrix
        .users
        .iter()
        .enumerate()
        .filter(|(i, u)| {
            !u.reaches_everything && !matrix.cells.iter().any(|c| c.user as usize == *i)
        })
        .map(|(_, u)| u.name.as_str())
        .collect();
    if !empty.is_empty() {
        out.push(DriftFinding {
            code: DriftCode::SystemUserWithoutAssets,
            count: n(empty.len()),
            message: format!(
                "{} no asset: {}. Their tokens reach nothing.",
                if empty.len() == 1 {
                    "1 regular system user holds"
                } else {
                    "Regular system users hold"
                },
                empty.iter().map(|e| format!("“{e}”")).collect::<Vec<_>>().join(", ")
            ),
            fix: "Assign the assets their job needs, or delete the ones no longer used in \
                  Business Suite."
                .to_owned(),
            urgent: false,
        });
    }
    let soon = tokens.iter().filter(|t| t.state == TokenState::ExpiresSoon).count();
    if soon > 0 {
        out.push(DriftFinding {
            code: DriftCode::TokensExpiringSoon,
            count: n(soon),
            message: format!("{} soon.", plural(soon, "token expires", "tokens expire")),
            fix: "Refresh 60-day tokens before they end (Inspect token › Refresh) and update \
                  them where they are used."
                .to_owned(),
            urgent: true,
        });
    }
    let expired = tokens.iter().filter(|t| t.state == TokenState::Expired).count();
    if expired > 0 {
        out.push(DriftFinding {
            code: DriftCode::TokensExpired,
            count: n(expired),
            message: format!("{} expired.", plural(expired, "token has", "tokens have")),
            fix:
                "Whatever used them has stopped working: generate new ones for those integrations."
                    .to_owned(),
            urgent: true,
        });
    }
    out
}
