//! The least-privilege report: what each admin system user reaches without being assigned, and
//! the regular system user that would do its job, with exact tasks per kind.
//!
//! "Its job" is what its tokens Gatehouse knows of may do: each permission acts on one kind of
//! asset (`ads_read` on ad accounts, `pages_manage_posts` on Pages, …), read only or changing
//! things, and the tokens' granular targets name the assets when Meta limited them. Meta does not
//! say what a token actually touched, so an admin with no known token gets the kinds it reaches
//! and read-only tasks as a start, said as such.

use gatehouse_graph::{AssetKind, Scope};
use serde::Serialize;

use crate::access::{asset_kinds, kind_words, AccessLevel};
use crate::inventory::InventoryToken;
use crate::matrix::AccessMatrix;

/// One kind the regular system user would hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProposedGrant {
    pub kind: AssetKind,
    pub level: AccessLevel,
    pub tasks: Vec<String>,
    /// The assets, when the tokens name them (granular targets); empty: the ones its job uses.
    pub asset_ids: Vec<String>,
    /// Why these tasks: the permissions that need them.
    pub because: String,
}

/// One admin system user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AdminReach {
    pub system_user_id: String,
    pub name: String,
    /// Every asset of the portfolio, by kind, in words ("2,000 ad accounts, 24 Pages, …").
    pub reaches: String,
    pub reaches_count: u32,
    /// Working tokens Gatehouse knows of for it.
    pub tokens: u32,
    /// The permissions of those tokens.
    pub scopes: Vec<String>,
    pub proposal: Vec<ProposedGrant>,
    /// The proposal in one sentence.
    pub advice: String,
}

/// The report for one portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LeastPrivilegeReport {
    pub business_id: String,
    pub admins: Vec<AdminReach>,
}

/// The tasks a permission needs on its kind of asset, least first.
///
/// UNCONFIRMED: Meta publishes no table from permissions to tasks; these follow what each
/// permission's reference says it allows and what each task allows (graph-api.md §5.2). A
/// permission not listed gets its kind's least-privilege start ([`AssetKindInfo::default_tasks`]).
///
/// [`AssetKindInfo::default_tasks`]: crate::access::AssetKindInfo::default_tasks
fn tasks_for_scope(scope: Scope) -> Option<(AssetKind, Vec<String>)> {
    let kind = crate::tokens::asset_kind_for(scope)?;
    let tasks: &[&str] = match scope.as_str() {
        "ads_read" => &["ANALYZE"],
        "ads_management" => &["ADVERTISE", "ANALYZE"],
        "pages_show_list"
        | "pages_read_engagement"
        | "pages_read_user_content"
        | "read_insights" => &["ANALYZE"],
        "pages_manage_posts" | "pages_manage_instant_articles" => &["CREATE_CONTENT"],
        "pages_manage_engagement" => &["MODERATE"],
        "pages_manage_metadata" | "pages_manage_cta" => &["MANAGE"],
        "pages_messaging" | "read_page_mailboxes" => &["MESSAGING"],
        "pages_manage_ads" | "page_events" | "leads_retrieval" => &["ADVERTISE"],
        "catalog_management" => &["MANAGE"],
        "instagram_basic" | "instagram_manage_insights" => &["ANALYZE"],
        "instagram_content_publish" | "instagram_shopping_tag_products" => &["CONTENT"],
        "instagram_manage_comments" => &["COMMUNITY_ACTIVITY"],
        "instagram_manage_messages" => &["MESSAGES"],
        "instagram_branded_content_brand" | "instagram_branded_content_ads_brand" => &["ADVERTISE"],
        "whatsapp_business_management" => &["MANAGE_TEMPLATES", "MANAGE_PHONE"],
        "whatsapp_business_messaging" => &["MESSAGING"],
        _ => &[],
    };
    let tasks: Vec<String> = if tasks.is_empty() {
        asset_kinds().into_iter().find(|k| k.kind == kind)?.default_tasks
    } else {
        tasks.iter().map(|t| (*t).to_owned()).collect()
    };
    Some((kind, tasks))
}

/// The kind's read-only tasks (none for kinds whose every task changes things, like catalogs).
fn read_only_tasks(kind: AssetKind) -> Vec<String> {
    asset_kinds()
        .into_iter()
        .find(|k| k.kind == kind)
        .map(|k| k.tasks.iter().filter(|t| !t.write).map(|t| t.name.clone()).collect())
        .unwrap_or_default()
}

/// The report of `matrix`'s admins, from `tokens` (the portfolio's inventory, without the token
/// Gatehouse itself works with).
pub fn least_privilege(matrix: &AccessMatrix, tokens: &[InventoryToken]) -> LeastPrivilegeReport {
    let mut by_kind: Vec<(AssetKind, u32)> = Vec::new();
    for a in &matrix.assets {
        match by_kind.iter_mut().find(|(k, _)| *k == a.kind) {
            Some((_, n)) => *n += 1,
            None => by_kind.push((a.kind, 1)),
        }
    }
    let reaches = by_kind
        .iter()
        .map(|(kind, n)| {
            let (one, many) = kind_words(*kind);
            format!("{} {}", crate::jobs::thousands(*n), if *n == 1 { one } else { many })
        })
        .collect::<Vec<_>>()
        .join(", ");
    let admins = matrix
        .users
        .iter()
        .filter(|u| u.reaches_everything)
        .map(|u| admin_reach(matrix, tokens, u, &by_kind, &reaches))
        .collect();
    LeastPrivilegeReport { business_id: matrix.business_id.clone(), admins }
}

fn admin_reach(
    matrix: &AccessMatrix,
    tokens: &[InventoryToken],
    u: &crate::matrix::MatrixUser,
    by_kind: &[(AssetKind, u32)],
    reaches: &str,
) -> AdminReach {
    let mine: Vec<&InventoryToken> = tokens
        .iter()
        .filter(|t| t.user_id.as_deref() == Some(u.id.as_str()) && t.working)
        .collect();
    let mut scopes: Vec<String> = mine.iter().flat_map(|t| t.scopes.clone()).collect();
    scopes.sort();
    scopes.dedup();
    let mut proposal: Vec<ProposedGrant> = Vec::new();
    for name in &scopes {
        let Some((kind, tasks)) = name.parse::<Scope>().ok().and_then(tasks_for_scope) else {
            continue;
        };
        match proposal.iter_mut().find(|g| g.kind == kind) {
            Some(g) => {
                g.because.push_str(&format!(", {name}"));
                for t in tasks {
                    if !g.tasks.contains(&t) {
                        g.tasks.push(t);
                    }
                }
            }
            None => proposal.push(ProposedGrant {
                kind,
                level: AccessLevel::Read,
                tasks,
                asset_ids: Vec::new(),
                because: name.clone(),
            }),
        }
    }
    // With no token known: every kind it reaches that has read-only tasks, as a start to narrow.
    if mine.is_empty() {
        proposal = by_kind
            .iter()
            .map(|(kind, _)| (*kind, read_only_tasks(*kind)))
            .filter(|(_, tasks)| !tasks.is_empty())
            .map(|(kind, tasks)| ProposedGrant {
                kind,
                level: AccessLevel::Read,
                tasks,
                asset_ids: Vec::new(),
                because: "no token of it is known: a read-only start".to_owned(),
            })
            .collect();
    }
    let kinds = asset_kinds();
    for g in &mut proposal {
        // In the kind's own order (as Business Suite lists them).
        if let Some(info) = kinds.iter().find(|k| k.kind == g.kind) {
            g.tasks.sort_by_key(|t| info.tasks.iter().position(|i| &i.name == t));
        }
        g.level = crate::access::access_level(g.kind, &g.tasks);
        g.asset_ids = named_assets(matrix, &mine, g.kind);
    }
    let acts_on_business = scopes.iter().any(|s| s == "business_management");
    let advice = if mine.is_empty() {
        format!(
            "Gatehouse knows no working token of “{}”. If it is used for daily work, make a \
             regular system user with only the assets that work needs, read only to start, and \
             move the work to it.",
            u.name
        )
    } else if proposal.is_empty() && acts_on_business {
        format!(
            "“{}”'s tokens manage the business itself (business_management): that work may need \
             an admin. If they only read, a regular system user would do.",
            u.name
        )
    } else if proposal.is_empty() {
        format!(
            "The permissions of “{}”'s tokens ({}) act on no asset: a regular system user with \
             no assets would do its job.",
            u.name,
            scopes.join(", ")
        )
    } else {
        let grants = proposal
            .iter()
            .map(|g| {
                let (_, many) = kind_words(g.kind);
                let which = if g.asset_ids.is_empty() {
                    format!("the {many} its work uses")
                } else {
                    format!("{} {many} its tokens name", g.asset_ids.len())
                };
                format!("{which} with {}", g.tasks.join("+"))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let business = if acts_on_business {
            " Its business_management work (the business itself) may still need an admin."
        } else {
            ""
        };
        format!(
            "A regular system user holding {grants} would do what “{}”'s tokens do ({}), \
             without reaching the other assets.{business}",
            u.name,
            scopes.join(", ")
        )
    };
    AdminReach {
        system_user_id: u.id.clone(),
        name: u.name.clone(),
        reaches: reaches.to_owned(),
        reaches_count: u32::try_from(matrix.assets.len()).unwrap_or(u32::MAX),
        tokens: u32::try_from(mine.len()).unwrap_or(u32::MAX),
        scopes,
        proposal,
        advice,
    }
}

/// The assets of `kind` the tokens are limited to, when every token acting on that kind names
/// its assets (granular targets); otherwise none (a token without limits needs them all).
fn named_assets(matrix: &AccessMatrix, tokens: &[&InventoryToken], kind: AssetKind) -> Vec<String> {
    let of_kind = |id: &String| {
        matrix.assets.iter().any(|a| {
            a.kind == kind && crate::access::target_id(&a.id) == crate::access::target_id(id)
        })
    };
    let acting: Vec<&&InventoryToken> = tokens
        .iter()
        .filter(|t| {
            t.scopes.iter().any(|s| {
                s.parse::<Scope>().ok().and_then(crate::tokens::asset_kind_for) == Some(kind)
            })
        })
        .collect();
    if acting.is_empty() || acting.iter().any(|t| !t.asset_ids.iter().any(of_kind)) {
        return Vec::new();
    }
    let mut ids: Vec<String> =
        acting.iter().flat_map(|t| t.asset_ids.iter().filter(|id| of_kind(id)).cloned()).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The report as CSV: one row per admin system user and kind it would hold.
pub fn least_privilege_csv(report: &LeastPrivilegeReport) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "admin system user",
        "admin id",
        "reaches",
        "tokens known",
        "permissions",
        "kind",
        "access",
        "tasks",
        "assets",
        "because",
        "advice",
    ];
    let _ = out.write_record(header);
    for a in &report.admins {
        let base = [
            a.name.clone(),
            a.system_user_id.clone(),
            a.reaches.clone(),
            a.tokens.to_string(),
            a.scopes.join(" "),
        ];
        let rows: Vec<[String; 5]> = if a.proposal.is_empty() {
            vec![Default::default()]
        } else {
            a.proposal
                .iter()
                .map(|g| {
                    [
                        g.kind.as_str().to_owned(),
                        g.level.label().to_owned(),
                        g.tasks.join("+"),
                        if g.asset_ids.is_empty() {
                            "the ones its work uses".to_owned()
                        } else {
                            g.asset_ids.join(" ")
                        },
                        g.because.clone(),
                    ]
                })
                .collect()
        };
        for grant in rows {
            let record = base.iter().chain(grant.iter()).chain(std::iter::once(&a.advice));
            let _ = out.write_record(record.map(|c| crate::audit::csv_cell(c).into_owned()));
        }
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::sample_token;
    use crate::matrix::{MatrixAsset, MatrixUser};
    use crate::Role;
    use gatehouse_graph::Relation;

    fn matrix() -> AccessMatrix {
        let asset = |kind, id: &str| MatrixAsset {
            kind,
            id: id.into(),
            name: id.into(),
            relation: Relation::Owned,
            relation_label: "Owned".into(),
            client: None,
            holders: 0,
            widest: None,
        };
        let user = |id: &str, admin| MatrixUser {
            id: id.into(),
            name: format!("User {id}"),
            role: if admin { Role::Admin } else { Role::Regular },
            reaches_everything: admin,
        };
        AccessMatrix {
            business_id: "b".into(),
            users: vec![user("1", true), user("2", false), user("3", true)],
            assets: vec![
                asset(AssetKind::AdAccount, "act_10"),
                asset(AssetKind::AdAccount, "act_11"),
                asset(AssetKind::Page, "20"),
                asset(AssetKind::Catalog, "30"),
            ],
            cells: vec![],
            clients: vec![],
            unassigned: 4,
            summary: String::new(),
            admin_notes: vec![],
            levels: vec![],
        }
    }

    #[test]
    fn an_admin_gets_the_exact_tasks_its_tokens_need_and_only_their_assets() {
        let mut reading = sample_token("1", &["ads_read", "pages_read_engagement"]);
        reading.asset_ids = vec!["10".into()];
        let mut posting = sample_token("1", &["pages_manage_posts"]);
        posting.fingerprint.hash = "fedcba9876543210".into();
        let mut dead = sample_token("1", &["catalog_management"]);
        dead.working = false;
        let report = least_privilege(&matrix(), &[reading, posting, dead]);
        assert_eq!(report.admins.len(), 2, "admins only");
        let a = &report.admins[0];
        assert_eq!(a.reaches, "2 ad accounts, 1 Page, 1 catalog");
        assert_eq!(a.tokens, 2, "working tokens only");
        assert_eq!(a.scopes, ["ads_read", "pages_manage_posts", "pages_read_engagement"]);
        let ads = a.proposal.iter().find(|g| g.kind == AssetKind::AdAccount).unwrap();
        assert_eq!((ads.level, ads.tasks.clone()), (AccessLevel::Read, vec!["ANALYZE".into()]));
        assert_eq!(ads.asset_ids, ["10"], "the asset its token is limited to");
        let pages = a.proposal.iter().find(|g| g.kind == AssetKind::Page).unwrap();
        assert_eq!(pages.level, AccessLevel::Write, "posting changes things");
        assert_eq!(pages.tasks, ["CREATE_CONTENT", "ANALYZE"], "exactly what the two need");
        assert!(pages.asset_ids.is_empty(), "the Page tokens name no Page");
        assert!(pages.because.contains("pages_manage_posts"));
        assert!(a.proposal.iter().all(|g| g.kind != AssetKind::Catalog), "a dead token's scope");
        assert!(a.advice.starts_with("A regular system user holding "), "{}", a.advice);

        // No token known: a read-only start over what it reaches (catalogs have no read-only
        // task, so none).
        let b = &report.admins[1];
        assert_eq!(b.tokens, 0);
        assert!(b.proposal.iter().all(|g| g.level == AccessLevel::Read));
        assert!(b.proposal.iter().all(|g| g.kind != AssetKind::Catalog), "{:?}", b.proposal);
        assert!(b.advice.contains("knows no working token"), "{}", b.advice);

        let csv = least_privilege_csv(&report);
        assert!(csv.starts_with("admin system user,admin id,reaches,"));
        assert_eq!(csv.lines().filter(|l| l.starts_with("User 1,")).count(), 2, "{csv}");
    }

    #[test]
    fn every_permission_maps_to_tasks_its_kind_has() {
        let kinds = asset_kinds();
        for scope in Scope::ALL {
            let Some((kind, tasks)) = tasks_for_scope(*scope) else { continue };
            let known = &kinds.iter().find(|k| k.kind == kind).unwrap().tasks;
            assert!(!tasks.is_empty(), "{scope:?}");
            for t in &tasks {
                assert!(
                    known.iter().any(|k| &k.name == t),
                    "{scope:?}: {t} is not a {kind:?} task"
                );
            }
        }
        let tasks = |s: Scope| tasks_for_scope(s).unwrap().1;
        assert_eq!(tasks(Scope::InstagramContentPublish), ["CONTENT"]);
        assert_eq!(tasks(Scope::CatalogManagement), ["MANAGE"]);
        assert_eq!(tasks(Scope::ReadPageMailboxes), ["MESSAGING"]);
    }

    #[test]
    fn assets_are_narrowed_only_when_every_token_on_the_kind_names_them() {
        let mut limited = sample_token("1", &["ads_read"]);
        limited.asset_ids = vec!["10".into()];
        let mut open = sample_token("1", &["ads_management"]);
        open.fingerprint.hash = "fedcba9876543210".into();
        let report = least_privilege(&matrix(), &[limited, open]);
        let ads = &report.admins[0].proposal[0];
        assert_eq!(ads.tasks, ["ADVERTISE", "ANALYZE"]);
        assert!(ads.asset_ids.is_empty(), "the unlimited token needs every ad account");
        let manager = sample_token("1", &["business_management"]);
        let report = least_privilege(&matrix(), &[manager]);
        assert!(
            report.admins[0].advice.contains("may need an admin"),
            "{}",
            report.admins[0].advice
        );
    }
}
