//! Asset kinds and their task enums (spec §4.2, §5.2), as types: a task that is not valid for an
//! asset kind cannot be expressed, so it cannot be sent.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The seven asset kinds a business owns or is shared (spec §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Page,
    AdAccount,
    Catalog,
    Pixel,
    Instagram,
    WhatsappBusinessAccount,
    App,
}

/// Owned by the business, or shared to it by a client (spec §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Owned,
    Client,
}

impl AssetKind {
    pub const ALL: [AssetKind; 7] = [
        AssetKind::Page,
        AssetKind::AdAccount,
        AssetKind::Catalog,
        AssetKind::Pixel,
        AssetKind::Instagram,
        AssetKind::WhatsappBusinessAccount,
        AssetKind::App,
    ];

    /// A stable snake_case name (CLI argument, storage).
    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Page => "page",
            AssetKind::AdAccount => "ad_account",
            AssetKind::Catalog => "catalog",
            AssetKind::Pixel => "pixel",
            AssetKind::Instagram => "instagram",
            AssetKind::WhatsappBusinessAccount => "whatsapp_business_account",
            AssetKind::App => "app",
        }
    }

    /// Parses [`AssetKind::as_str`] and a few common aliases (`pages`, `ad-accounts`, `waba`).
    pub fn parse(s: &str) -> Option<AssetKind> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        let norm = norm.strip_suffix('s').unwrap_or(&norm).to_owned();
        Some(match norm.as_str() {
            "page" => AssetKind::Page,
            "ad_account" | "adaccount" | "ad_acct" => AssetKind::AdAccount,
            "catalog" | "product_catalog" => AssetKind::Catalog,
            "pixel" | "dataset" => AssetKind::Pixel,
            "instagram" | "instagram_account" | "ig" => AssetKind::Instagram,
            "whatsapp_business_account" | "waba" | "whatsapp" => AssetKind::WhatsappBusinessAccount,
            "app" | "application" => AssetKind::App,
            _ => return None,
        })
    }

    /// The Business edge listing these assets (spec §4.2).
    pub fn business_edge(self, relation: Relation) -> &'static str {
        let (owned, client) = match self {
            AssetKind::Page => ("owned_pages", "client_pages"),
            AssetKind::AdAccount => ("owned_ad_accounts", "client_ad_accounts"),
            AssetKind::Catalog => ("owned_product_catalogs", "client_product_catalogs"),
            AssetKind::Pixel => ("owned_pixels", "client_pixels"),
            AssetKind::Instagram => ("owned_instagram_assets", "client_instagram_assets"),
            AssetKind::WhatsappBusinessAccount => {
                ("owned_whatsapp_business_accounts", "client_whatsapp_business_accounts")
            }
            AssetKind::App => ("owned_apps", "client_apps"),
        };
        match relation {
            Relation::Owned => owned,
            Relation::Client => client,
        }
    }

    /// The system user's edge listing its assets of this kind: the names of Meta's System User
    /// reference (REF-SU: `assigned_ads_pixels`, `assigned_instagram_accounts`, `assigned_apps`);
    /// Meta's SDK (26.0.3) agrees on pages, ad accounts, catalogs, WABAs and Instagram.
    pub fn assigned_edge(self) -> &'static str {
        match self {
            AssetKind::Page => "assigned_pages",
            AssetKind::AdAccount => "assigned_ad_accounts",
            AssetKind::Catalog => "assigned_product_catalogs",
            AssetKind::Pixel => "assigned_ads_pixels",
            AssetKind::Instagram => "assigned_instagram_accounts",
            AssetKind::WhatsappBusinessAccount => "assigned_whatsapp_business_accounts",
            AssetKind::App => "assigned_apps",
        }
    }

    /// The fields asked for on [`AssetKind::assigned_edge`]: the node's own fields plus what
    /// that edge adds (REF-SU sub-pages): `tasks` and `permitted_tasks` on pages, ad accounts,
    /// catalogs and pixels; `tasks` only on WABAs; Instagram's edge lists `IGUser` nodes with
    /// `permitted_roles` (no `tasks`); apps are listed by name only.
    pub fn assigned_fields(self) -> &'static [&'static str] {
        match self {
            AssetKind::AdAccount => &["id", "account_id", "name", "tasks", "permitted_tasks"],
            AssetKind::Instagram => &["id", "username", "name", "permitted_roles"],
            AssetKind::WhatsappBusinessAccount => &["id", "name", "tasks"],
            AssetKind::App => &["id", "name"],
            AssetKind::Page | AssetKind::Catalog | AssetKind::Pixel => {
                &["id", "name", "tasks", "permitted_tasks"]
            }
        }
    }

    /// Whether the asset has an `assigned_users` edge (apps do not, spec §5.5).
    pub fn has_assigned_users(self) -> bool {
        self != AssetKind::App
    }

    /// Whether `DELETE /{asset}/assigned_users` exists. Meta's SDK has no DELETE on a pixel's
    /// `assigned_users` and its reference says "You can't perform this operation on this
    /// endpoint" (REF-PXAU): a pixel's access is removed in Business settings.
    pub fn can_unassign(self) -> bool {
        self.has_assigned_users() && self != AssetKind::Pixel
    }

    /// Where a person removes access that the API cannot remove ([`AssetKind::can_unassign`]).
    pub fn removal_elsewhere(self) -> Option<&'static str> {
        match self {
            AssetKind::Pixel => Some(
                "Meta's API cannot remove access to a pixel. Remove it in Business settings → \
                 Data sources → Datasets → Assigned people.",
            ),
            AssetKind::App => Some(
                "Apps are not assigned through the API. Manage who can use an app in Business \
                 settings → Accounts → Apps.",
            ),
            _ => None,
        }
    }

    /// Whether `POST /{asset}/assigned_users` needs a non-empty `tasks` (spec §5.2).
    pub fn tasks_required(self) -> bool {
        matches!(self, AssetKind::Catalog | AssetKind::Pixel | AssetKind::WhatsappBusinessAccount)
    }

    /// The largest `limit` asked for on this kind's list edges.
    // UNCONFIRMED: Meta publishes no per-edge caps for these edges; 100 is safe on every edge we
    // know, and ad-account lists accept more. The pager halves the limit if a server rejects it.
    pub fn max_page_size(self) -> u32 {
        match self {
            AssetKind::AdAccount => 500,
            _ => 100,
        }
    }

    /// Fields asked for when listing (defaults plus what the UI shows).
    pub fn list_fields(self, relation: Relation) -> &'static [&'static str] {
        match (self, relation) {
            // A client's assets also say which client shared them (`owner_business`), for
            // grouping by client: Meta's SDK has it on every node type a `client_*` edge lists
            // but Application and InstagramBusinessAsset.
            (AssetKind::AdAccount, Relation::Owned) => &["id", "account_id", "name"],
            (AssetKind::AdAccount, Relation::Client) => {
                &["id", "account_id", "name", "permitted_tasks", "owner_business"]
            }
            (AssetKind::Instagram, _) => &["id", "ig_user_id", "ig_username"],
            // Not on `client_apps`: Meta's Application has no `permitted_tasks` field.
            (AssetKind::Page, Relation::Client) => {
                &["id", "name", "permitted_tasks", "owner_business"]
            }
            (AssetKind::App, _) | (_, Relation::Owned) => &["id", "name"],
            (_, Relation::Client) => &["id", "name", "owner_business"],
        }
    }

    /// The node ID to use in paths: ad accounts carry `act_` (spec §0).
    pub fn node_id(self, id: &str) -> String {
        if self == AssetKind::AdAccount && !id.starts_with("act_") {
            format!("act_{id}")
        } else {
            id.to_owned()
        }
    }
}

impl fmt::Display for AssetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A task enum of one asset kind.
pub trait Task: Copy + Eq + std::hash::Hash + fmt::Debug + Send + Sync + 'static {
    /// The asset kind whose `assigned_users` accepts these tasks.
    const KIND: AssetKind;
    /// Every value.
    const ALL: &'static [Self];
    /// The wire name.
    fn as_str(self) -> &'static str;
    /// Parses a wire name.
    fn parse(s: &str) -> Option<Self>;
    /// Wraps a list of tasks in the [`TaskSet`] of this kind.
    fn into_set(tasks: Vec<Self>) -> TaskSet;
}

macro_rules! tasks {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $set:ident, { $($var:ident => $s:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($var),* }

        impl Task for $name {
            const KIND: AssetKind = $kind;
            const ALL: &'static [Self] = &[$($name::$var),*];
            fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),* }
            }
            fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$var),)* _ => None }
            }
            fn into_set(tasks: Vec<Self>) -> TaskSet {
                TaskSet::$set(tasks)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                <$name as Task>::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} task {s:?}", $kind))
                })
            }
        }
    };
}

tasks! {
    /// Page tasks (spec §5.2; the two `PROFILE_PLUS_CREA*` values are new in v26).
    // UNCONFIRMED: `DRAFT` may appear in GET results but is not in the POST enum, so it is not
    // sendable (spec §5.3); it is kept as an unknown string when read.
    PageTask, AssetKind::Page, Page, {
        Advertise => "ADVERTISE",
        Analyze => "ANALYZE",
        CashierRole => "CASHIER_ROLE",
        CreateContent => "CREATE_CONTENT",
        GlobalStructureManagement => "GLOBAL_STRUCTURE_MANAGEMENT",
        Manage => "MANAGE",
        ManageJobs => "MANAGE_JOBS",
        ManageLeads => "MANAGE_LEADS",
        Messaging => "MESSAGING",
        Moderate => "MODERATE",
        ModerateCommunity => "MODERATE_COMMUNITY",
        PagesMessaging => "PAGES_MESSAGING",
        PagesMessagingSubscriptions => "PAGES_MESSAGING_SUBSCRIPTIONS",
        ProfilePlusAdvertise => "PROFILE_PLUS_ADVERTISE",
        ProfilePlusAnalyze => "PROFILE_PLUS_ANALYZE",
        ProfilePlusCreateContent => "PROFILE_PLUS_CREATE_CONTENT",
        ProfilePlusCreativeManagement => "PROFILE_PLUS_CREATIVE_MANAGEMENT",
        ProfilePlusCreatorManagement => "PROFILE_PLUS_CREATOR_MANAGEMENT",
        ProfilePlusFacebookAccess => "PROFILE_PLUS_FACEBOOK_ACCESS",
        ProfilePlusFullControl => "PROFILE_PLUS_FULL_CONTROL",
        ProfilePlusGlobalStructureManagement => "PROFILE_PLUS_GLOBAL_STRUCTURE_MANAGEMENT",
        ProfilePlusManage => "PROFILE_PLUS_MANAGE",
        ProfilePlusManageLeads => "PROFILE_PLUS_MANAGE_LEADS",
        ProfilePlusMessaging => "PROFILE_PLUS_MESSAGING",
        ProfilePlusModerate => "PROFILE_PLUS_MODERATE",
        ProfilePlusModerateDelegateCommunity => "PROFILE_PLUS_MODERATE_DELEGATE_COMMUNITY",
        ProfilePlusRevenue => "PROFILE_PLUS_REVENUE",
        ReadPageMailboxes => "READ_PAGE_MAILBOXES",
        ViewMonetizationInsights => "VIEW_MONETIZATION_INSIGHTS",
    }
}

tasks! {
    /// Ad-account tasks (spec §5.2, R-AAU).
    AdAccountTask, AssetKind::AdAccount, AdAccount, {
        Manage => "MANAGE",
        Advertise => "ADVERTISE",
        Analyze => "ANALYZE",
        Draft => "DRAFT",
        AaAnalyze => "AA_ANALYZE",
    }
}

tasks! {
    /// Product-catalog tasks (spec §5.2, R-PCAU).
    CatalogTask, AssetKind::Catalog, Catalog, {
        Manage => "MANAGE",
        Advertise => "ADVERTISE",
        ManageAr => "MANAGE_AR",
        AaAnalyze => "AA_ANALYZE",
    }
}

tasks! {
    /// Pixel tasks (spec §5.2).
    PixelTask, AssetKind::Pixel, Pixel, {
        AaAnalyze => "AA_ANALYZE",
        Advertise => "ADVERTISE",
        Analyze => "ANALYZE",
        Edit => "EDIT",
        Upload => "UPLOAD",
    }
}

tasks! {
    /// Instagram business asset tasks (spec §5.2).
    InstagramTask, AssetKind::Instagram, Instagram, {
        Advertise => "ADVERTISE",
        Analyze => "ANALYZE",
        CommunityActivity => "COMMUNITY_ACTIVITY",
        Content => "CONTENT",
        Messages => "MESSAGES",
    }
}

tasks! {
    /// WhatsApp Business Account tasks (spec §5.2).
    WhatsappTask, AssetKind::WhatsappBusinessAccount, WhatsappBusinessAccount, {
        Develop => "DEVELOP",
        Manage => "MANAGE",
        ManageExtensions => "MANAGE_EXTENSIONS",
        ManagePhone => "MANAGE_PHONE",
        ManagePhoneAssets => "MANAGE_PHONE_ASSETS",
        ManageTemplates => "MANAGE_TEMPLATES",
        Messaging => "MESSAGING",
        ViewCost => "VIEW_COST",
        ViewPhoneAssets => "VIEW_PHONE_ASSETS",
        ViewTemplates => "VIEW_TEMPLATES",
    }
}

impl AdAccountTask {
    /// The task combinations Meta is known to accept (spec §5.3: the role equivalents ADMIN,
    /// GENERAL_USER and reports-only). Others may be rejected with 100/1752129.
    // UNCONFIRMED: which combinations with DRAFT or AA_ANALYZE are valid; they are not listed
    // here, and not blocked either (the server decides).
    pub const KNOWN_COMBINATIONS: &'static [&'static [AdAccountTask]] = &[
        &[AdAccountTask::Manage, AdAccountTask::Advertise, AdAccountTask::Analyze],
        &[AdAccountTask::Advertise, AdAccountTask::Analyze],
        &[AdAccountTask::Analyze],
    ];

    /// Whether `tasks` (in any order) is one of [`AdAccountTask::KNOWN_COMBINATIONS`].
    pub fn is_known_combination(tasks: &[AdAccountTask]) -> bool {
        let mut mine: Vec<AdAccountTask> = tasks.to_vec();
        mine.sort();
        mine.dedup();
        Self::KNOWN_COMBINATIONS.iter().any(|combo| {
            let mut c = combo.to_vec();
            c.sort();
            c == mine
        })
    }
}

/// The tasks to grant on one asset: the variant fixes the asset kind, so the tasks always fit it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "tasks", rename_all = "snake_case")]
pub enum TaskSet {
    Page(Vec<PageTask>),
    AdAccount(Vec<AdAccountTask>),
    Catalog(Vec<CatalogTask>),
    Pixel(Vec<PixelTask>),
    Instagram(Vec<InstagramTask>),
    WhatsappBusinessAccount(Vec<WhatsappTask>),
}

impl TaskSet {
    /// Builds a set from typed tasks: `TaskSet::of(vec![AdAccountTask::Analyze])`.
    pub fn of<T: Task>(tasks: Vec<T>) -> TaskSet {
        T::into_set(tasks)
    }

    /// Parses wire names for an asset kind (CLI `--tasks MANAGE,ADVERTISE`). Unknown names and
    /// kinds without `assigned_users` (apps) are an [`crate::GraphError::InvalidInput`].
    pub fn parse(kind: AssetKind, names: &[&str]) -> Result<TaskSet, crate::GraphError> {
        fn each<T: Task>(names: &[&str]) -> Result<TaskSet, crate::GraphError> {
            let mut out = Vec::with_capacity(names.len());
            for n in names {
                let n = n.trim().to_ascii_uppercase();
                match T::parse(&n) {
                    Some(t) => out.push(t),
                    None => {
                        let valid: Vec<&str> = T::ALL.iter().map(|t| t.as_str()).collect();
                        return Err(crate::GraphError::invalid_input(
                            "tasks",
                            format!("{n:?} is not a {} task; valid: {}", T::KIND, valid.join(", ")),
                        ));
                    }
                }
            }
            Ok(T::into_set(out))
        }
        match kind {
            AssetKind::Page => each::<PageTask>(names),
            AssetKind::AdAccount => each::<AdAccountTask>(names),
            AssetKind::Catalog => each::<CatalogTask>(names),
            AssetKind::Pixel => each::<PixelTask>(names),
            AssetKind::Instagram => each::<InstagramTask>(names),
            AssetKind::WhatsappBusinessAccount => each::<WhatsappTask>(names),
            AssetKind::App => Err(crate::GraphError::invalid_input(
                "kind",
                "apps have no assigned_users edge; install the app for the system user instead",
            )),
        }
    }

    pub fn kind(&self) -> AssetKind {
        match self {
            TaskSet::Page(_) => AssetKind::Page,
            TaskSet::AdAccount(_) => AssetKind::AdAccount,
            TaskSet::Catalog(_) => AssetKind::Catalog,
            TaskSet::Pixel(_) => AssetKind::Pixel,
            TaskSet::Instagram(_) => AssetKind::Instagram,
            TaskSet::WhatsappBusinessAccount(_) => AssetKind::WhatsappBusinessAccount,
        }
    }

    /// Wire names, deduplicated, in the order given.
    pub fn names(&self) -> Vec<&'static str> {
        fn n<T: Task>(v: &[T]) -> Vec<&'static str> {
            let mut out: Vec<&'static str> = Vec::with_capacity(v.len());
            for t in v {
                if !out.contains(&t.as_str()) {
                    out.push(t.as_str());
                }
            }
            out
        }
        match self {
            TaskSet::Page(v) => n(v),
            TaskSet::AdAccount(v) => n(v),
            TaskSet::Catalog(v) => n(v),
            TaskSet::Pixel(v) => n(v),
            TaskSet::Instagram(v) => n(v),
            TaskSet::WhatsappBusinessAccount(v) => n(v),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names().is_empty()
    }

    /// The `tasks` form value: a JSON array, the encoding SDKs send (spec §0).
    pub fn to_param(&self) -> String {
        serde_json::Value::from(self.names()).to_string()
    }

    /// Local checks before sending: kinds that require tasks get at least one.
    pub fn validate(&self) -> Result<(), crate::GraphError> {
        if self.kind().tasks_required() && self.is_empty() {
            return Err(crate::GraphError::invalid_input(
                "tasks",
                format!("at least one task is required for a {}", self.kind()),
            ));
        }
        Ok(())
    }
}

/// Tasks read from Graph: the known values typed, anything else kept as strings (a new enum
/// value, or `DRAFT` on Pages) so reading never fails on an unexpected task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskList<T: Task> {
    pub known: Vec<T>,
    pub unknown: Vec<String>,
}

impl<T: Task> TaskList<T> {
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Self {
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for n in names {
            match T::parse(n.as_ref()) {
                Some(t) => known.push(t),
                None => unknown.push(n.as_ref().to_owned()),
            }
        }
        Self { known, unknown }
    }

    pub fn contains(&self, t: T) -> bool {
        self.known.contains(&t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Explain;

    #[test]
    fn enums_match_spec_counts() {
        assert_eq!(PageTask::ALL.len(), 29);
        assert_eq!(AdAccountTask::ALL.len(), 5);
        assert_eq!(CatalogTask::ALL.len(), 4);
        assert_eq!(PixelTask::ALL.len(), 5);
        assert_eq!(InstagramTask::ALL.len(), 5);
        assert_eq!(WhatsappTask::ALL.len(), 10);
        for t in PageTask::ALL {
            assert_eq!(PageTask::parse(t.as_str()), Some(*t));
        }
        assert_eq!(PageTask::parse("DRAFT"), None);
        assert_eq!(CatalogTask::parse("ANALYZE"), None);
    }

    #[test]
    fn task_sets() {
        let set = TaskSet::of(vec![
            AdAccountTask::Manage,
            AdAccountTask::Advertise,
            AdAccountTask::Manage,
        ]);
        assert_eq!(set.kind(), AssetKind::AdAccount);
        assert_eq!(set.to_param(), r#"["MANAGE","ADVERTISE"]"#);
        assert!(TaskSet::Catalog(vec![]).validate().is_err());
        assert!(TaskSet::Page(vec![]).validate().is_ok());
        let parsed = TaskSet::parse(AssetKind::Pixel, &["upload", " EDIT"]).unwrap();
        assert_eq!(parsed, TaskSet::Pixel(vec![PixelTask::Upload, PixelTask::Edit]));
        let e = TaskSet::parse(AssetKind::Catalog, &["ANALYZE"]).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.details().unwrap().message.contains("MANAGE_AR"));
        assert!(TaskSet::parse(AssetKind::App, &["MANAGE"]).is_err());
        let json =
            serde_json::to_string(&TaskSet::Instagram(vec![InstagramTask::Content])).unwrap();
        assert_eq!(json, r#"{"kind":"instagram","tasks":["CONTENT"]}"#);
        let back: TaskSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, TaskSet::Instagram(vec![InstagramTask::Content]));
        assert!(serde_json::from_str::<TaskSet>(r#"{"kind":"catalog","tasks":["EDIT"]}"#).is_err());
    }

    #[test]
    fn combos_and_lists() {
        use AdAccountTask::*;
        assert!(AdAccountTask::is_known_combination(&[Analyze, Advertise]));
        assert!(AdAccountTask::is_known_combination(&[Analyze, Manage, Advertise]));
        assert!(!AdAccountTask::is_known_combination(&[Manage]));
        let list = TaskList::<PageTask>::from_names(&["MANAGE", "DRAFT"]);
        assert_eq!(list.known, vec![PageTask::Manage]);
        assert_eq!(list.unknown, vec!["DRAFT".to_string()]);
    }

    #[test]
    fn kinds() {
        for k in AssetKind::ALL {
            assert_eq!(AssetKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(AssetKind::parse("ad-accounts"), Some(AssetKind::AdAccount));
        assert_eq!(AssetKind::parse("waba"), Some(AssetKind::WhatsappBusinessAccount));
        assert_eq!(AssetKind::AdAccount.node_id("222"), "act_222");
        assert_eq!(AssetKind::AdAccount.node_id("act_222"), "act_222");
        assert_eq!(AssetKind::Page.node_id("111"), "111");
        assert_eq!(AssetKind::Catalog.business_edge(Relation::Client), "client_product_catalogs");
    }
}
