//! Who can reach what: the asset kinds with their tasks in plain words, the assets a business
//! can hand out, and what one system user holds. Shared by the app's screens and the CLI.

use futures::future::try_join_all;
use futures::StreamExt;
use gatehouse_graph::{AssetKind, ListOptions, Relation};
use serde::Serialize;

use crate::portfolio::summary;
use crate::{Portfolio, Result, SystemUserSummary};

/// One task of an asset kind, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskInfo {
    /// Meta's name, e.g. `ADVERTISE`.
    pub name: String,
    /// A short label: "Create ads".
    pub label: String,
    /// One plain sentence.
    pub description: String,
    /// Whether the task can change things (`false`: read only).
    pub write: bool,
}

/// An asset kind with the tasks Gatehouse offers for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetKindInfo {
    pub kind: AssetKind,
    /// Plural, for tabs: "Ad accounts".
    pub label: String,
    /// Singular, in sentences: "ad account" ([`kind_words`]).
    pub singular: String,
    /// Plural, in sentences: "ad accounts" ([`kind_words`]).
    pub plural: String,
    /// The tasks that make up "Full control".
    pub full_control: Vec<String>,
    /// The tasks offered for "Partial" access, in the order shown.
    pub tasks: Vec<TaskInfo>,
    /// The only Partial combinations Meta accepts, when it restricts them (ad accounts); empty
    /// when any non-empty subset of `tasks` is valid.
    pub combinations: Vec<Vec<String>>,
    /// Where its assets can come from, as the list's filter offers them.
    pub relations: Vec<RelationChoice>,
    /// [`Self::combinations`] offered as "Partial": without the one that is full control,
    /// smallest first.
    pub partial_combinations: Vec<Vec<String>>,
    /// The least-privilege start for a new assignment: the smallest partial combination, or
    /// the kind's read-only tasks.
    pub default_tasks: Vec<String>,
    /// Why Gatehouse cannot remove access to this kind, and where a person does it instead
    /// (pixels: Meta has no API for it); `None` when it can.
    pub removal_elsewhere: Option<String>,
}

/// Read only, can change things, or full control: the at-a-glance grouping Meta's docs suggest
/// for ad accounts (one system user for reading, one for writing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    Read,
    Write,
    Full,
}

impl AccessLevel {
    /// The words a badge and the review use.
    pub fn label(self) -> &'static str {
        match self {
            AccessLevel::Read => "Read only",
            AccessLevel::Write => "Can change",
            AccessLevel::Full => "Full control",
        }
    }

    pub(crate) fn rank(self) -> u8 {
        match self {
            AccessLevel::Read => 0,
            AccessLevel::Write => 1,
            AccessLevel::Full => 2,
        }
    }
}

/// One asset the business can hand out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetRow {
    pub kind: AssetKind,
    pub id: String,
    pub name: String,
    pub relation: Relation,
    /// A second line: the account number, the Instagram handle, …
    pub detail: Option<String>,
    /// "Shared by a client" for an asset a client shares; `None` for the business's own.
    pub relation_note: Option<String>,
}

/// A filter over where assets come from, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RelationChoice {
    pub relation: Relation,
    /// "Owned", "Shared by clients".
    pub label: String,
}

/// Owned and shared, in the words the asset lists use.
pub fn relation_choices() -> Vec<RelationChoice> {
    [(Relation::Owned, "Owned"), (Relation::Client, "Shared by clients")]
        .into_iter()
        .map(|(relation, label)| RelationChoice { relation, label: label.to_owned() })
        .collect()
}

fn relation_note(relation: Relation) -> Option<String> {
    (relation == Relation::Client).then(|| "Shared by a client".to_owned())
}

/// An asset a system user holds, with its tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssignedAsset {
    pub kind: AssetKind,
    pub id: String,
    pub name: String,
    /// Meta task names.
    pub tasks: Vec<String>,
    pub access: AccessLevel,
    /// The level in words ([`AccessLevel::label`]).
    pub access_label: String,
    /// The id as a token's permission targets name it (an ad account without `act_`).
    pub target_id: String,
}

/// The id a token's `granular_scopes` use for an asset: Meta lists ad accounts as `act_<id>`
/// but names them `<id>` in a token's targets.
pub fn target_id(id: &str) -> String {
    id.trim_start_matches("act_").to_owned()
}

/// One kind of asset a system user holds, summed up: "12 ad accounts: 3 can change, 9 read
/// only".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindSummary {
    pub kind: AssetKind,
    pub summary: String,
}

fn kind_summaries(assets: &[AssignedAsset]) -> Vec<KindSummary> {
    let mut out = Vec::new();
    for kind in AssetKind::ALL {
        let of_kind: Vec<&AssignedAsset> = assets.iter().filter(|a| a.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let (one, many) = kind_words(kind);
        let levels: Vec<String> = [AccessLevel::Full, AccessLevel::Write, AccessLevel::Read]
            .into_iter()
            .filter_map(|level| {
                let n = of_kind.iter().filter(|a| a.access == level).count();
                (n > 0).then(|| format!("{n} {}", level.label().to_lowercase()))
            })
            .collect();
        let n = of_kind.len();
        let noun = if n == 1 { one } else { many };
        out.push(KindSummary { kind, summary: format!("{n} {noun}: {}", levels.join(", ")) });
    }
    out
}

/// An app, by ID and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppRef {
    pub id: String,
    pub name: String,
}

/// Everything one system user can reach.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemUserAccess {
    pub system_user: SystemUserSummary,
    pub assets: Vec<AssignedAsset>,
    /// Apps installed for the system user (needed before generating a token with them).
    pub apps: Vec<AppRef>,
    /// When it holds no asset: what that means for its role.
    pub no_assets_note: Option<String>,
    /// Each kind it holds, summed up, in tab order.
    pub kind_summaries: Vec<KindSummary>,
}

/// How many assets and apps a system user has, for the list's columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccessCount {
    pub system_user_id: String,
    pub assets: u32,
    pub apps: u32,
}

fn task(name: &str, label: &str, description: &str, write: bool) -> TaskInfo {
    TaskInfo {
        name: name.to_owned(),
        label: label.to_owned(),
        description: description.to_owned(),
        write,
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// The seven kinds in tab order, each with its tasks in plain words.
///
/// Full control follows what Business Suite grants with its "Full control" switch.
// UNCONFIRMED: Meta does not publish the task list behind "Full control" for each kind; these
// are the tasks Business Suite shows switched on (graph-api.md §5.2 lists the enums only).
pub fn asset_kinds() -> Vec<AssetKindInfo> {
    let ad_account_tasks = vec![
        task("MANAGE", "Manage the account", "Change settings, payment and who has access.", true),
        task("ADVERTISE", "Create and edit ads", "Create, edit and pause campaigns and ads.", true),
        task(
            "ANALYZE",
            "View performance",
            "See ads, results and reports. Changes nothing.",
            false,
        ),
    ];
    let mut kinds = vec![
        AssetKindInfo {
            kind: AssetKind::Page,
            removal_elsewhere: None,
            label: "Pages".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            full_control: names(&[
                "MANAGE",
                "CREATE_CONTENT",
                "MODERATE",
                "MESSAGING",
                "ADVERTISE",
                "ANALYZE",
            ]),
            tasks: vec![
                task(
                    "MANAGE",
                    "Manage the Page",
                    "Change the Page's settings and who has access.",
                    true,
                ),
                task(
                    "CREATE_CONTENT",
                    "Publish content",
                    "Create, edit and delete posts and stories.",
                    true,
                ),
                task(
                    "MODERATE",
                    "Moderate",
                    "Reply to and delete comments, and remove people.",
                    true,
                ),
                task("MESSAGING", "Messages", "Read and send messages as the Page.", true),
                task("ADVERTISE", "Advertise", "Create ads that run as the Page.", true),
                task(
                    "ANALYZE",
                    "View insights",
                    "See the Page's insights and who worked on what.",
                    false,
                ),
            ],
            combinations: Vec::new(),
        },
        AssetKindInfo {
            kind: AssetKind::AdAccount,
            removal_elsewhere: None,
            label: "Ad accounts".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            full_control: names(&["MANAGE", "ADVERTISE", "ANALYZE"]),
            tasks: ad_account_tasks,
            // Meta accepts only these role-equivalent sets on ad accounts (graph-api.md §5.3).
            combinations: vec![
                names(&["MANAGE", "ADVERTISE", "ANALYZE"]),
                names(&["ADVERTISE", "ANALYZE"]),
                names(&["ANALYZE"]),
            ],
        },
        AssetKindInfo {
            kind: AssetKind::Catalog,
            removal_elsewhere: None,
            label: "Catalogs".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            full_control: names(&["MANAGE", "ADVERTISE"]),
            tasks: vec![
                task(
                    "MANAGE",
                    "Manage the catalog",
                    "Add, edit and remove products and feeds.",
                    true,
                ),
                task("ADVERTISE", "Advertise products", "Use the catalog's products in ads.", true),
            ],
            combinations: Vec::new(),
        },
        AssetKindInfo {
            kind: AssetKind::Pixel,
            removal_elsewhere: None,
            label: "Pixels and datasets".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            full_control: names(&["EDIT", "UPLOAD", "ADVERTISE", "ANALYZE"]),
            tasks: vec![
                task(
                    "EDIT",
                    "Manage the dataset",
                    "Change the dataset's settings and connections.",
                    true,
                ),
                task(
                    "UPLOAD",
                    "Send events",
                    "Send website and offline events (Conversions API).",
                    true,
                ),
                task(
                    "ADVERTISE",
                    "Use in ads",
                    "Use the dataset's events to target and measure ads.",
                    true,
                ),
                task(
                    "ANALYZE",
                    "View events",
                    "See received events and their quality. Changes nothing.",
                    false,
                ),
            ],
            combinations: Vec::new(),
        },
        AssetKindInfo {
            kind: AssetKind::Instagram,
            removal_elsewhere: None,
            label: "Instagram accounts".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            full_control: names(&[
                "CONTENT",
                "COMMUNITY_ACTIVITY",
                "MESSAGES",
                "ADVERTISE",
                "ANALYZE",
            ]),
            tasks: vec![
                task(
                    "CONTENT",
                    "Publish content",
                    "Create and delete posts, stories and reels.",
                    true,
                ),
                task(
                    "COMMUNITY_ACTIVITY",
                    "Manage comments",
                    "Reply to, hide and delete comments.",
                    true,
                ),
                task("MESSAGES", "Messages", "Read and send direct messages.", true),
                task("ADVERTISE", "Advertise", "Create ads that run as the account.", true),
                task(
                    "ANALYZE",
                    "View insights",
                    "See the account's insights. Changes nothing.",
                    false,
                ),
            ],
            combinations: Vec::new(),
        },
        AssetKindInfo {
            kind: AssetKind::WhatsappBusinessAccount,
            removal_elsewhere: None,
            label: "WhatsApp accounts".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            full_control: names(&[
                "MANAGE",
                "DEVELOP",
                "MANAGE_TEMPLATES",
                "MANAGE_PHONE",
                "VIEW_COST",
            ]),
            tasks: vec![
                task("MANAGE", "Manage the account", "Change settings and who has access.", true),
                task("DEVELOP", "Connect apps", "Set up webhooks and API integrations.", true),
                task(
                    "MANAGE_TEMPLATES",
                    "Manage templates",
                    "Create and edit message templates.",
                    true,
                ),
                task(
                    "MANAGE_PHONE",
                    "Manage phone numbers",
                    "Add and configure phone numbers.",
                    true,
                ),
                task(
                    "MESSAGING",
                    "Send messages",
                    "Send and receive messages through the API.",
                    true,
                ),
                task(
                    "VIEW_TEMPLATES",
                    "View templates",
                    "See message templates. Changes nothing.",
                    false,
                ),
                task(
                    "VIEW_COST",
                    "View costs",
                    "See conversation costs and invoices. Changes nothing.",
                    false,
                ),
            ],
            combinations: Vec::new(),
        },
        AssetKindInfo {
            kind: AssetKind::App,
            removal_elsewhere: None,
            label: "Apps".into(),
            singular: String::new(),
            plural: String::new(),
            partial_combinations: Vec::new(),
            default_tasks: Vec::new(),
            relations: Vec::new(),
            // Apps are not assigned with tasks: they are installed for the system user.
            full_control: Vec::new(),
            tasks: Vec::new(),
            combinations: Vec::new(),
        },
    ];
    for info in &mut kinds {
        info.removal_elsewhere = info.kind.removal_elsewhere().map(str::to_owned);
        let (one, many) = kind_words(info.kind);
        (info.singular, info.plural) = (one.to_owned(), many.to_owned());
        let same =
            |a: &[String], b: &[String]| a.len() == b.len() && a.iter().all(|t| b.contains(t));
        let mut partial: Vec<Vec<String>> =
            info.combinations.iter().filter(|c| !same(c, &info.full_control)).cloned().collect();
        partial.sort_by_key(Vec::len);
        info.default_tasks = match partial.first() {
            Some(smallest) => smallest.clone(),
            None => info.tasks.iter().filter(|t| !t.write).map(|t| t.name.clone()).collect(),
        };
        info.partial_combinations = partial;
        info.relations = relation_choices();
    }
    kinds
}

/// Read, write or full, from the tasks held on an asset of `kind`.
pub fn access_level(kind: AssetKind, tasks: &[String]) -> AccessLevel {
    let kinds = asset_kinds();
    level(kinds.iter().find(|k| k.kind == kind), tasks)
}

/// [`access_level`] with the kind's table already at hand (a system user may hold thousands of
/// assets; the table is built once per listing, not per asset).
fn level(info: Option<&AssetKindInfo>, tasks: &[String]) -> AccessLevel {
    let Some(info) = info else {
        return AccessLevel::Read;
    };
    if !info.full_control.is_empty() && info.full_control.iter().all(|t| tasks.contains(t)) {
        return AccessLevel::Full;
    }
    let read_only = |name: &str| {
        info.tasks.iter().find(|t| t.name == name).map_or_else(
            // Tasks Gatehouse does not offer: only the analysis/view ones are read-only.
            || name.contains("ANALYZE") || name.starts_with("VIEW_"),
            |t| !t.write,
        )
    };
    if tasks.iter().all(|t| read_only(t)) {
        AccessLevel::Read
    } else {
        AccessLevel::Write
    }
}

/// A kind in words, one and many, for sentences: ("ad account", "ad accounts"). The one
/// place these nouns are written (the app, the CLI and the engine's sentences read them here).
pub fn kind_words(kind: AssetKind) -> (&'static str, &'static str) {
    match kind {
        AssetKind::AdAccount => ("ad account", "ad accounts"),
        AssetKind::Page => ("Page", "Pages"),
        AssetKind::Catalog => ("catalog", "catalogs"),
        AssetKind::Pixel => ("pixel", "pixels"),
        AssetKind::Instagram => ("Instagram account", "Instagram accounts"),
        AssetKind::WhatsappBusinessAccount => {
            ("WhatsApp Business account", "WhatsApp Business accounts")
        }
        AssetKind::App => ("app", "apps"),
    }
}

/// What applying a set of changes takes away that the system user had, before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChangeReview {
    /// Groups of assets that lose access they had, each with its sentence.
    pub losses: Vec<AccessLoss>,
    /// Assets the system user did not hold before.
    pub new_assets: u32,
    /// Assets it held whose access stays or grows.
    pub kept_or_more: u32,
}

/// Assets of one kind that go from one level to another (or lose tasks within a level, or
/// lose access altogether).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccessLoss {
    pub kind: AssetKind,
    pub from: AccessLevel,
    /// `None`: the system user is taken off the assets.
    pub to: Option<AccessLevel>,
    pub asset_ids: Vec<String>,
    /// The tasks they had and will not have, in words.
    pub lost_tasks: Vec<String>,
    /// "3 ad accounts go from Can change to Read only (no longer: Create ads)."
    pub sentence: String,
}

/// Compares `changes` with what the system user holds (`held`).
pub fn review(held: &[AssignedAsset], changes: &[crate::jobs::AssetChange]) -> ChangeReview {
    use crate::jobs::ChangeAction;
    let table = asset_kinds();
    let mut losses: Vec<AccessLoss> = Vec::new();
    let (mut new_assets, mut kept_or_more) = (0u32, 0u32);
    for change in changes {
        let Some(before) = held.iter().find(|h| h.kind == change.kind && h.id == change.asset_id)
        else {
            if change.action == ChangeAction::Assign {
                new_assets += 1;
            }
            continue;
        };
        let info = table.iter().find(|k| k.kind == change.kind);
        let (to, lost): (Option<AccessLevel>, Vec<&String>) = match change.action {
            ChangeAction::Unassign => (None, before.tasks.iter().collect()),
            ChangeAction::Assign => (
                Some(level(info, &change.tasks)),
                before.tasks.iter().filter(|t| !change.tasks.contains(t)).collect(),
            ),
        };
        if lost.is_empty() {
            kept_or_more += 1;
            continue;
        }
        let label = |name: &String| {
            info.and_then(|i| i.tasks.iter().find(|t| &t.name == name))
                .map_or_else(|| name.clone(), |t| t.label.clone())
        };
        let group = match losses
            .iter_mut()
            .find(|l| l.kind == change.kind && l.from == before.access && l.to == to)
        {
            Some(group) => group,
            None => {
                losses.push(AccessLoss {
                    kind: change.kind,
                    from: before.access,
                    to,
                    asset_ids: Vec::new(),
                    lost_tasks: Vec::new(),
                    sentence: String::new(),
                });
                losses.last_mut().expect("just pushed")
            }
        };
        group.asset_ids.push(change.asset_id.clone());
        for task in lost {
            let task = label(task);
            if !group.lost_tasks.contains(&task) {
                group.lost_tasks.push(task);
            }
        }
    }
    for loss in &mut losses {
        loss.sentence = loss_sentence(loss);
    }
    // Biggest drops first: taken off, then the largest fall in level.
    losses.sort_by_key(|l| {
        std::cmp::Reverse((l.from.rank() + 1).saturating_sub(l.to.map_or(0, |t| t.rank() + 1)))
    });
    ChangeReview { losses, new_assets, kept_or_more }
}

fn loss_sentence(loss: &AccessLoss) -> String {
    let (one, many) = kind_words(loss.kind);
    let n = loss.asset_ids.len();
    let what = if n == 1 { format!("1 {one}") } else { format!("{n} {many}") };
    let verb = if n == 1 { "goes" } else { "go" };
    let lost = loss.lost_tasks.join(", ");
    match loss.to {
        None => format!("{what} {verb} from {} to no access at all.", loss.from.label()),
        Some(to) if to == loss.from => format!(
            "{what} keep{} {} but no longer: {lost}.",
            if n == 1 { "s" } else { "" },
            to.label()
        ),
        Some(to) => {
            format!(
                "{what} {verb} from {} to {} (no longer: {lost}).",
                loss.from.label(),
                to.label()
            )
        }
    }
}

impl Portfolio {
    /// [`review`] against what the system user holds now (read fresh from Meta).
    pub async fn review_changes(
        &self,
        system_user_id: &str,
        changes: &[crate::jobs::AssetChange],
    ) -> Result<ChangeReview> {
        // Only the kinds the changes touch (apps have no tasks to lose): a review of ad accounts
        // reads one edge, not every kind and the apps.
        let mut kinds: Vec<AssetKind> = Vec::new();
        for change in changes.iter().filter(|c| c.kind != AssetKind::App) {
            if !kinds.contains(&change.kind) {
                kinds.push(change.kind);
            }
        }
        let held = self.assigned(system_user_id, &kinds).await?;
        Ok(review(&held, changes))
    }
}

/// A listed asset as a row of the lists (its name, its second line, where it comes from).
pub(crate) fn asset_row(
    kind: AssetKind,
    relation: Relation,
    asset: gatehouse_graph::Asset,
) -> AssetRow {
    AssetRow {
        kind,
        name: asset.label().to_owned(),
        detail: detail(kind, &asset),
        id: asset.id,
        relation,
        relation_note: relation_note(relation),
    }
}

fn detail(kind: AssetKind, asset: &gatehouse_graph::Asset) -> Option<String> {
    match kind {
        AssetKind::AdAccount => asset.account_id.as_ref().map(|n| format!("Account {n}")),
        AssetKind::Instagram => asset.ig_username.as_ref().map(|u| format!("@{u}")),
        _ => None,
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Portfolio {
    /// Every asset of `kind` the business owns or is shared, all pages fetched at the edge's
    /// maximum page size. Owned first, then shared, each in Meta's order.
    pub async fn list_assets(&self, kind: AssetKind) -> Result<Vec<AssetRow>> {
        let mut rows = Vec::new();
        self.stream_assets(kind, |page| rows.extend(page)).await?;
        Ok(rows)
    }

    /// [`Self::list_assets`] as it arrives: `each` gets the rows of every page in order, so a
    /// screen shows the first rows after one round trip rather than after the whole listing
    /// (100,000 ad accounts are 200 pages). The assets clients share are read alongside and
    /// come last, without those already listed as owned. Returns how many rows were sent.
    pub async fn stream_assets(
        &self,
        kind: AssetKind,
        mut each: impl FnMut(Vec<AssetRow>),
    ) -> Result<u32> {
        let session = self.session();
        let options = ListOptions::default();
        let mut owned = session.assets(self.business_id(), kind, Relation::Owned, &options);
        let client = session.assets(self.business_id(), kind, Relation::Client, &options);
        let mut seen = std::collections::HashSet::new();
        let mut sent = 0;
        let owned_pages = async {
            while let Some(page) = owned.next().await {
                let rows: Vec<AssetRow> = page?
                    .items
                    .into_iter()
                    .map(|asset| asset_row(kind, Relation::Owned, asset))
                    .collect();
                seen.extend(rows.iter().map(|r| r.id.clone()));
                sent += rows.len();
                if !rows.is_empty() {
                    each(rows);
                }
            }
            Ok::<_, gatehouse_graph::GraphError>(())
        };
        let ((), (client, _)) = futures::try_join!(owned_pages, client.collect_all())?;
        let shared: Vec<AssetRow> = client
            .into_iter()
            .filter(|asset| !seen.contains(&asset.id))
            .map(|asset| asset_row(kind, Relation::Client, asset))
            .collect();
        sent += shared.len();
        if !shared.is_empty() {
            each(shared);
        }
        Ok(clamp(sent))
    }

    /// A system user's assets of every kind, with tasks, and its installed apps.
    pub async fn system_user_access(&self, system_user_id: &str) -> Result<SystemUserAccess> {
        let user = self.session().system_user(system_user_id);
        let (user, holdings) = futures::join!(user, self.holdings(system_user_id));
        let user = user.map_err(|e| crate::Error::for_system_user(e, system_user_id))?;
        self.remember_names([(user.id.as_str(), crate::portfolio::summary_name(&user))]);
        let (assets, apps) = holdings?;
        let system_user = summary(&user);
        let no_assets_note = assets.is_empty().then(|| match system_user.role {
            crate::Role::Admin => "As an admin it still reaches every asset of the portfolio. \
                                   Assign assets to give it specific tasks."
                .to_owned(),
            _ => "Its tokens reach nothing until you assign the Pages, ad accounts or other \
                  assets its job needs."
                .to_owned(),
        });
        let kind_summaries = kind_summaries(&assets);
        Ok(SystemUserAccess { system_user, assets, apps, no_assets_note, kind_summaries })
    }

    /// What a system user holds: its assets of every kind (all fetched concurrently) and its
    /// installed apps.
    async fn holdings(&self, system_user_id: &str) -> Result<(Vec<AssignedAsset>, Vec<AppRef>)> {
        let kinds: Vec<AssetKind> =
            AssetKind::ALL.into_iter().filter(|k| *k != AssetKind::App).collect();
        let assets = self.assigned(system_user_id, &kinds);
        let apps = self.session().system_user_apps(system_user_id);
        let (assets, apps) = futures::join!(assets, apps);
        // An unknown answer on the apps edge is not fatal: the token dialog installs anyway.
        let apps = apps.unwrap_or_default();
        let apps = apps.into_iter().map(|a| AppRef { name: a.label().to_owned(), id: a.id });
        Ok((assets?, apps.collect()))
    }

    /// The system user's assets of `kinds` with their tasks (all kinds fetched concurrently).
    async fn assigned(
        &self,
        system_user_id: &str,
        kinds: &[AssetKind],
    ) -> Result<Vec<AssignedAsset>> {
        let session = self.session();
        let assets = try_join_all(kinds.iter().map(|&kind| async move {
            let (list, _) = session.system_user_assets(system_user_id, kind).collect_all().await?;
            Ok::<_, gatehouse_graph::GraphError>((kind, list))
        }))
        .await;
        let table = asset_kinds();
        let mut out = Vec::new();
        for (kind, list) in assets? {
            let info = table.iter().find(|k| k.kind == kind);
            out.extend(list.into_iter().map(|asset| AssignedAsset {
                kind,
                name: asset.label().to_owned(),
                access: level(info, &asset.tasks),
                access_label: level(info, &asset.tasks).label().to_owned(),
                target_id: target_id(&asset.id),
                tasks: asset.tasks,
                id: asset.id,
            }));
        }
        Ok(out)
    }

    /// Assets and apps per system user, for the list's columns (all fetched concurrently).
    pub async fn access_counts(&self) -> Result<Vec<AccessCount>> {
        let (users, _) = self.session().system_users(self.business_id()).collect_all().await?;
        self.remember_users(&users);
        try_join_all(users.iter().map(|u| async move {
            let (assets, apps) = self.holdings(&u.id).await?;
            Ok::<_, crate::Error>(AccessCount {
                system_user_id: u.id.clone(),
                assets: clamp(assets.len()),
                apps: clamp(apps.len()),
            })
        }))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(list: &[&str]) -> Vec<String> {
        names(list)
    }

    fn held(id: &str, tasks: &[&str]) -> AssignedAsset {
        let tasks = v(tasks);
        let access = access_level(AssetKind::AdAccount, &tasks);
        AssignedAsset {
            kind: AssetKind::AdAccount,
            id: id.into(),
            name: id.into(),
            access,
            access_label: access.label().into(),
            target_id: target_id(id),
            tasks,
        }
    }

    fn change(id: &str, tasks: &[&str]) -> crate::jobs::AssetChange {
        crate::jobs::AssetChange {
            kind: AssetKind::AdAccount,
            asset_id: id.into(),
            asset_name: id.into(),
            action: if tasks.is_empty() {
                crate::jobs::ChangeAction::Unassign
            } else {
                crate::jobs::ChangeAction::Assign
            },
            tasks: v(tasks),
        }
    }

    #[test]
    fn each_kind_is_summed_up_and_targets_use_the_tokens_id_form() {
        let held = [
            held("act_1", &["ADVERTISE", "ANALYZE"]),
            held("act_2", &["ANALYZE"]),
            held("act_3", &["ANALYZE"]),
        ];
        assert_eq!(
            kind_summaries(&held),
            [KindSummary {
                kind: AssetKind::AdAccount,
                summary: "3 ad accounts: 1 can change, 2 read only".into()
            }]
        );
        assert_eq!(held[0].target_id, "1");
        assert_eq!(target_id("1234"), "1234");
    }

    #[test]
    fn the_review_says_which_assets_lose_access_they_had() {
        let held = [
            held("1", &["ADVERTISE", "ANALYZE"]),
            held("2", &["ADVERTISE", "ANALYZE"]),
            held("3", &["ADVERTISE", "ANALYZE"]),
            held("4", &["MANAGE", "ADVERTISE", "ANALYZE"]),
            held("5", &["ANALYZE"]),
            held("6", &["MANAGE", "ANALYZE"]),
        ];
        let changes = [
            change("1", &["ANALYZE"]),
            change("2", &["ANALYZE"]),
            change("3", &["ANALYZE"]),
            change("4", &[]),
            change("5", &["ADVERTISE", "ANALYZE"]),
            change("6", &["ADVERTISE", "ANALYZE"]),
            change("7", &["ANALYZE"]),
        ];
        let review = review(&held, &changes);
        assert_eq!((review.new_assets, review.kept_or_more), (1, 1));
        let sentences: Vec<&str> = review.losses.iter().map(|l| l.sentence.as_str()).collect();
        assert_eq!(
            sentences,
            [
                "1 ad account goes from Full control to no access at all.",
                "3 ad accounts go from Can change to Read only (no longer: Create and edit ads).",
                "1 ad account keeps Can change but no longer: Manage the account.",
            ]
        );
        assert_eq!(review.losses[1].asset_ids, ["1", "2", "3"]);
    }

    #[test]
    fn access_levels_read_write_full() {
        assert_eq!(access_level(AssetKind::AdAccount, &v(&["ANALYZE"])), AccessLevel::Read);
        assert_eq!(
            access_level(AssetKind::AdAccount, &v(&["ADVERTISE", "ANALYZE"])),
            AccessLevel::Write
        );
        assert_eq!(
            access_level(AssetKind::AdAccount, &v(&["ANALYZE", "MANAGE", "ADVERTISE"])),
            AccessLevel::Full
        );
        assert_eq!(access_level(AssetKind::Pixel, &v(&["AA_ANALYZE"])), AccessLevel::Read);
        assert_eq!(
            access_level(AssetKind::WhatsappBusinessAccount, &v(&["VIEW_TEMPLATES", "VIEW_COST"])),
            AccessLevel::Read
        );
        assert_eq!(access_level(AssetKind::Page, &v(&["PROFILE_PLUS_MANAGE"])), AccessLevel::Write);
    }

    #[test]
    fn every_offered_task_is_sendable_and_full_control_is_offered() {
        for info in asset_kinds() {
            for t in &info.tasks {
                let parsed = gatehouse_graph::TaskSet::parse(info.kind, &[t.name.as_str()]);
                assert!(parsed.is_ok(), "{} {}", info.kind, t.name);
                assert!(!t.label.is_empty() && t.description.ends_with('.'));
            }
            for t in &info.full_control {
                assert!(info.tasks.iter().any(|o| &o.name == t), "{} {t}", info.kind);
            }
            for combo in &info.combinations {
                assert!(combo.iter().all(|t| info.tasks.iter().any(|o| &o.name == t)));
            }
        }
        assert_eq!(asset_kinds().len(), AssetKind::ALL.len());
    }
}
