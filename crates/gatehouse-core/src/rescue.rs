//! "I lost it" and "I leaked it" for a token of the inventory: the steps in the order that is
//! safe for the case and for what Gatehouse can do itself (one place for the desktop app and the
//! CLI).
//!
//! The order is the rule. A leaked token is stopped first: every minute it works someone else
//! may use it. A lost one is replaced first when Gatehouse can revoke the old one afterwards by
//! its keychain copy (whatever still uses it keeps working until the new one is in place); when
//! Gatehouse has no copy, the only way to stop it is to invalidate every token of its system
//! user, which would also stop a replacement made before, so that comes first.

use serde::{Deserialize, Serialize};

use crate::inventory::InventoryToken;

/// Which guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RescueCase {
    /// You no longer have it (nobody else should).
    Lost,
    /// Someone who should not may have it.
    Leaked,
}

/// What a step does; the surface offers a button or a link for the first three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RescueAction {
    /// Revoke it with its keychain copy (Gatehouse does it).
    Revoke,
    /// Invalidate every token of its system user (Gatehouse does it, in the open portfolio).
    InvalidateAll,
    /// Generate a replacement on its system user.
    Replace,
    /// Stop it where Gatehouse cannot: Inspect token with the token, or its own portfolio.
    StopElsewhere,
    /// Nothing to stop: it no longer works (expired, revoked, invalidated).
    AlreadyStopped,
    /// Put the replacement wherever the old token was used.
    UpdateWhereUsed,
    /// Look for changes nobody here made.
    ReviewActivity,
}

/// One step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RescueStep {
    pub action: RescueAction,
    pub title: String,
    pub text: String,
    /// The button's words when Gatehouse does this step itself.
    pub button: Option<String>,
}

/// A guide for one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RescueGuide {
    pub case: RescueCase,
    pub title: String,
    pub lede: String,
    pub steps: Vec<RescueStep>,
}

/// What the guide depends on besides the token.
#[derive(Debug, Clone, Default)]
pub struct RescueFacts {
    /// Its copy is in the keychain (Gatehouse can revoke it by its fingerprint).
    pub kept: bool,
    /// The keychain did not answer (locked, no service): whether a copy is kept is unknown.
    pub keychain_unanswered: bool,
    /// It is a system user's token of the open portfolio (Gatehouse can invalidate its tokens).
    pub can_invalidate: bool,
    /// Other working tokens of the same system user that invalidating would stop too.
    pub others_working: u32,
    /// The system user's name, when known.
    pub owner_name: Option<String>,
}

impl RescueFacts {
    /// The facts for `token` among `all` (the inventory), with `open_portfolio` the one open
    /// and `kept` what the keychain said (`None`: it did not answer).
    pub fn for_token(
        all: &[InventoryToken],
        token: &InventoryToken,
        open_portfolio: &str,
        kept: Option<bool>,
        owner_name: Option<String>,
    ) -> Self {
        let others = all
            .iter()
            .filter(|t| t.working && t.fingerprint.hash != token.fingerprint.hash)
            .filter(|t| t.user_id == token.user_id && t.portfolio_id == token.portfolio_id)
            .count();
        RescueFacts {
            kept: kept == Some(true),
            keychain_unanswered: kept.is_none(),
            // Invalidating all tokens is a system user's (a person's token has no such call).
            can_invalidate: token.kind == crate::TokenKind::SystemUser
                && token.user_id.is_some()
                && token.portfolio_id == open_portfolio,
            others_working: u32::try_from(others).unwrap_or(u32::MAX),
            owner_name,
        }
    }
}

fn step(action: RescueAction, title: &str, text: String, button: Option<String>) -> RescueStep {
    RescueStep { action, title: title.to_owned(), text, button }
}

/// The steps for `token` in `case`.
pub fn rescue_guide(case: RescueCase, token: &InventoryToken, facts: &RescueFacts) -> RescueGuide {
    let last = &token.fingerprint.last;
    let owner = facts
        .owner_name
        .as_ref()
        .map_or_else(|| "its system user".to_owned(), |name| format!("“{name}”"));
    let owner_plain = facts.owner_name.clone().unwrap_or_else(|| "the system user".to_owned());
    let others = match facts.others_working {
        0 => String::new(),
        1 => " The 1 other working token Gatehouse knows of for it stops too.".to_owned(),
        n => format!(" The {n} other working tokens Gatehouse knows of for it stop too."),
    };
    let unanswered = if facts.keychain_unanswered {
        "The keychain did not answer, so Gatehouse cannot tell whether it kept a copy: unlock it \
         and open this guide again to revoke this token alone. "
    } else {
        ""
    };
    let revoke = |title: &str, then: &str| {
        step(
            RescueAction::Revoke,
            title,
            format!(
                "Gatehouse has its copy in the keychain and revokes it with Meta by its \
                 fingerprint (…{last}); other tokens keep working.{then}"
            ),
            Some("Revoke it now".to_owned()),
        )
    };
    let invalidate = |title: &str, why: &str| {
        step(
            RescueAction::InvalidateAll,
            title,
            format!(
                "{unanswered}Gatehouse keeps no copy of it, and Meta revokes a token only when \
                 given the token. {why}Invalidating every token of {owner} stops it.{others}"
            ),
            Some(format!("Invalidate every token of {owner_plain}")),
        )
    };
    let elsewhere = |title: &str| {
        step(
            RescueAction::StopElsewhere,
            title,
            format!(
                "{unanswered}Gatehouse keeps no copy of it, and it is not a system user's token \
                 of the open portfolio: revoke it in Inspect token if you still have it, or open \
                 its portfolio and invalidate its system user's tokens there."
            ),
            None,
        )
    };
    let stop_by_invalidating = !token.working || (!facts.kept && facts.can_invalidate);
    let replace = step(
        RescueAction::Replace,
        "Make a replacement",
        format!(
            "Generate a new token for {owner} with the same app and permissions{}{}; it shows \
             once.{}",
            if token.scopes.is_empty() {
                String::new()
            } else {
                format!(" ({})", token.scopes.join(", "))
            },
            match facts.others_working {
                n if n > 0 && stop_by_invalidating && token.working => {
                    format!(", and one for each of the {n} other tokens the invalidation stops")
                }
                _ => String::new(),
            },
            if case == RescueCase::Lost && facts.kept && token.working {
                " Do not keep it in the keychain until the old one is revoked (the last step): \
                 the keychain holds one token per system user, and its copy of the old token is \
                 how Gatehouse revokes it."
            } else {
                ""
            }
        ),
        None,
    );
    let update = step(
        RescueAction::UpdateWhereUsed,
        "Update it where it was used",
        "The server's environment or secret store, CI secrets, each integration (Conversions \
         API, a connector), and anyone you sent it to."
            .to_owned(),
        None,
    );
    let review = step(
        RescueAction::ReviewActivity,
        "Check what it did",
        "Look in the audit log and the ad accounts' activity (Business Suite) for changes you \
         did not make."
            .to_owned(),
        None,
    );
    if !token.working {
        let stopped = step(
            RescueAction::AlreadyStopped,
            "Nothing to stop",
            format!(
                "It no longer works ({}): nobody can use it.",
                token.state_label.to_lowercase()
            ),
            None,
        );
        let (title, steps) = match case {
            RescueCase::Leaked => (format!("Leaked: token …{last}"), vec![stopped, review]),
            RescueCase::Lost => (format!("Lost: token …{last}"), vec![stopped, replace, update]),
        };
        return RescueGuide {
            case,
            title,
            lede: "It no longer works, so there is nothing to stop.".to_owned(),
            steps,
        };
    }
    let (title, lede, steps) = match case {
        RescueCase::Leaked => {
            let stop = if facts.kept {
                revoke("Stop it now", "")
            } else if facts.can_invalidate {
                invalidate("Stop it now", "")
            } else {
                elsewhere("Stop it now")
            };
            (
                format!("Leaked: token …{last}"),
                "Someone else may have it: stop it first, then replace it.".to_owned(),
                vec![stop, replace, update, review],
            )
        }
        RescueCase::Lost if facts.kept => (
            format!("Lost: token …{last}"),
            "Make the replacement first, so whatever still uses the old token keeps working until \
             the new one is in place; then Gatehouse revokes the old one by its keychain copy."
                .to_owned(),
            vec![replace, update, revoke("Revoke the old one", "")],
        ),
        RescueCase::Lost => {
            let stop = if facts.can_invalidate {
                invalidate(
                    "Stop the old one first",
                    "A replacement made before this would stop too, so this comes first. ",
                )
            } else {
                elsewhere("Stop the old one first")
            };
            (
                format!("Lost: token …{last}"),
                "Gatehouse cannot revoke it by its fingerprint alone, so the old one is stopped \
                 first and replaced after."
                    .to_owned(),
                vec![stop, replace, update],
            )
        }
    };
    RescueGuide { case, title, lede, steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> InventoryToken {
        crate::inventory::sample_token("61", &["ads_read"])
    }

    fn actions(g: &RescueGuide) -> Vec<RescueAction> {
        g.steps.iter().map(|s| s.action).collect()
    }

    #[test]
    fn a_leak_is_stopped_first_whatever_gatehouse_holds() {
        use RescueAction::*;
        let kept = RescueFacts { kept: true, can_invalidate: true, ..RescueFacts::default() };
        let g = rescue_guide(RescueCase::Leaked, &token(), &kept);
        assert_eq!(actions(&g), [Revoke, Replace, UpdateWhereUsed, ReviewActivity]);
        assert_eq!(g.steps[0].button.as_deref(), Some("Revoke it now"));
        let facts = RescueFacts {
            can_invalidate: true,
            others_working: 2,
            owner_name: Some("Orders Server".into()),
            ..RescueFacts::default()
        };
        let g = rescue_guide(RescueCase::Leaked, &token(), &facts);
        assert_eq!(actions(&g), [InvalidateAll, Replace, UpdateWhereUsed, ReviewActivity]);
        assert!(g.steps[0].text.contains("The 2 other working tokens"), "{}", g.steps[0].text);
        assert_eq!(g.steps[0].button.as_deref(), Some("Invalidate every token of Orders Server"));
        let g = rescue_guide(RescueCase::Leaked, &token(), &RescueFacts::default());
        assert_eq!(actions(&g), [StopElsewhere, Replace, UpdateWhereUsed, ReviewActivity]);
        assert!(g.steps[0].button.is_none());
    }

    #[test]
    fn a_lost_token_is_replaced_first_only_when_its_copy_can_revoke_it_after() {
        use RescueAction::*;
        let kept = RescueFacts { kept: true, can_invalidate: true, ..RescueFacts::default() };
        let g = rescue_guide(RescueCase::Lost, &token(), &kept);
        assert_eq!(actions(&g), [Replace, UpdateWhereUsed, Revoke]);
        assert!(g.steps[0].text.contains("(ads_read)"));
        // Said where the replacement is made, before keeping it could overwrite the old copy.
        assert!(g.steps[0].text.contains("one token per system user"), "{}", g.steps[0].text);
        // Invalidating after a replacement would stop the replacement too.
        let facts = RescueFacts { can_invalidate: true, ..RescueFacts::default() };
        let g = rescue_guide(RescueCase::Lost, &token(), &facts);
        assert_eq!(actions(&g), [InvalidateAll, Replace, UpdateWhereUsed]);
        assert!(g.steps[0].text.contains("would stop too"));
        let g = rescue_guide(RescueCase::Lost, &token(), &RescueFacts::default());
        assert_eq!(actions(&g), [StopElsewhere, Replace, UpdateWhereUsed]);
        assert_eq!(g.title, "Lost: token …abc123");
    }

    #[test]
    fn a_dead_token_has_nothing_to_stop_and_invalidating_says_what_else_to_replace() {
        use RescueAction::*;
        let mut dead = token();
        dead.working = false;
        dead.state_label = "Expired 3 days ago".into();
        let facts = RescueFacts { can_invalidate: true, ..RescueFacts::default() };
        let g = rescue_guide(RescueCase::Leaked, &dead, &facts);
        assert_eq!(actions(&g), [AlreadyStopped, ReviewActivity]);
        assert!(g.steps[0].text.contains("expired 3 days ago"));
        let g = rescue_guide(RescueCase::Lost, &dead, &facts);
        assert_eq!(actions(&g), [AlreadyStopped, Replace, UpdateWhereUsed]);

        let facts =
            RescueFacts { can_invalidate: true, others_working: 2, ..RescueFacts::default() };
        let g = rescue_guide(RescueCase::Leaked, &token(), &facts);
        assert!(g.steps[1].text.contains("each of the 2 other tokens"), "{}", g.steps[1].text);
        let unanswered = RescueFacts { keychain_unanswered: true, can_invalidate: true, ..facts };
        let g = rescue_guide(RescueCase::Leaked, &token(), &unanswered);
        assert!(g.steps[0].text.starts_with("The keychain did not answer"));
    }

    #[test]
    fn only_a_system_user_token_of_the_open_portfolio_can_be_invalidated_from_here() {
        let mut other = token();
        other.fingerprint.hash = "1111111111111111".into();
        let all = [token(), other];
        let facts = RescueFacts::for_token(&all, &all[0], "p", Some(false), None);
        assert!(facts.can_invalidate && !facts.kept && !facts.keychain_unanswered);
        assert_eq!(facts.others_working, 1);
        assert!(
            !RescueFacts::for_token(&all, &all[0], "elsewhere", Some(false), None).can_invalidate
        );
        let mut person = token();
        person.kind = crate::TokenKind::User;
        assert!(!RescueFacts::for_token(&all, &person, "p", Some(true), None).can_invalidate);
        assert!(RescueFacts::for_token(&all, &all[0], "p", None, None).keychain_unanswered);
    }
}
