//! Static facts of the modelled API: asset types and their task enums (spec §5.2), the scopes a
//! system-user token may carry (§11.1).

/// The asset types that can be owned, shared and assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssetKind {
    Page,
    AdAccount,
    Catalog,
    Pixel,
    Instagram,
    Waba,
    App,
}

pub const ALL_KINDS: [AssetKind; 7] = [
    AssetKind::Page,
    AssetKind::AdAccount,
    AssetKind::Catalog,
    AssetKind::Pixel,
    AssetKind::Instagram,
    AssetKind::Waba,
    AssetKind::App,
];

/// Page tasks accepted on POST assigned_users (SDK-CG + the two v26 additions).
// UNCONFIRMED: whether DRAFT is assignable on Pages (spec §12 item 9); it is not in the POST enum,
// so it is rejected here.
pub const PAGE_TASKS: &[&str] = &[
    "ADVERTISE",
    "ANALYZE",
    "CASHIER_ROLE",
    "CREATE_CONTENT",
    "GLOBAL_STRUCTURE_MANAGEMENT",
    "MANAGE",
    "MANAGE_JOBS",
    "MANAGE_LEADS",
    "MESSAGING",
    "MODERATE",
    "MODERATE_COMMUNITY",
    "PAGES_MESSAGING",
    "PAGES_MESSAGING_SUBSCRIPTIONS",
    "PROFILE_PLUS_ADVERTISE",
    "PROFILE_PLUS_ANALYZE",
    "PROFILE_PLUS_CREATE_CONTENT",
    "PROFILE_PLUS_CREATIVE_MANAGEMENT",
    "PROFILE_PLUS_CREATOR_MANAGEMENT",
    "PROFILE_PLUS_FACEBOOK_ACCESS",
    "PROFILE_PLUS_FULL_CONTROL",
    "PROFILE_PLUS_GLOBAL_STRUCTURE_MANAGEMENT",
    "PROFILE_PLUS_MANAGE",
    "PROFILE_PLUS_MANAGE_LEADS",
    "PROFILE_PLUS_MESSAGING",
    "PROFILE_PLUS_MODERATE",
    "PROFILE_PLUS_MODERATE_DELEGATE_COMMUNITY",
    "PROFILE_PLUS_REVENUE",
    "READ_PAGE_MAILBOXES",
    "VIEW_MONETIZATION_INSIGHTS",
];
pub const AD_ACCOUNT_TASKS: &[&str] = &["MANAGE", "ADVERTISE", "ANALYZE", "DRAFT", "AA_ANALYZE"];
pub const CATALOG_TASKS: &[&str] = &["MANAGE", "ADVERTISE", "MANAGE_AR", "AA_ANALYZE"];
pub const PIXEL_TASKS: &[&str] = &["AA_ANALYZE", "ADVERTISE", "ANALYZE", "EDIT", "UPLOAD"];
pub const INSTAGRAM_TASKS: &[&str] =
    &["ADVERTISE", "ANALYZE", "COMMUNITY_ACTIVITY", "CONTENT", "MESSAGES"];
pub const WABA_TASKS: &[&str] = &[
    "DEVELOP",
    "MANAGE",
    "MANAGE_EXTENSIONS",
    "MANAGE_PHONE",
    "MANAGE_PHONE_ASSETS",
    "MANAGE_TEMPLATES",
    "MESSAGING",
    "VIEW_COST",
    "VIEW_PHONE_ASSETS",
    "VIEW_TEMPLATES",
];
/// Apps have no `assigned_users` edge (§5.5); they only carry `permitted_tasks` on `client_apps`.
pub const APP_TASKS: &[&str] = &["MANAGE", "DEVELOP", "MANAGE_TEMPLATES", "VIEW_INSIGHTS"];

/// The ad-account task combinations Meta accepts (§5.3, R-AAU "Updating"); anything else is
/// 100/1752129.
// UNCONFIRMED: which combinations involving DRAFT or AA_ANALYZE are valid; we accept each of them
// alone and DRAFT added to the three role-equivalent combinations.
pub const AD_ACCOUNT_COMBOS: &[&[&str]] = &[
    &["MANAGE", "ADVERTISE", "ANALYZE"],
    &["ADVERTISE", "ANALYZE"],
    &["ANALYZE"],
    &["MANAGE", "ADVERTISE", "ANALYZE", "DRAFT"],
    &["ADVERTISE", "ANALYZE", "DRAFT"],
    &["ANALYZE", "DRAFT"],
    &["DRAFT"],
    &["AA_ANALYZE"],
];

impl AssetKind {
    pub fn tasks(self) -> &'static [&'static str] {
        match self {
            AssetKind::Page => PAGE_TASKS,
            AssetKind::AdAccount => AD_ACCOUNT_TASKS,
            AssetKind::Catalog => CATALOG_TASKS,
            AssetKind::Pixel => PIXEL_TASKS,
            AssetKind::Instagram => INSTAGRAM_TASKS,
            AssetKind::Waba => WABA_TASKS,
            AssetKind::App => APP_TASKS,
        }
    }

    /// `tasks` is required on POST assigned_users for catalogs, pixels and WABAs (§5.2).
    pub fn tasks_required(self) -> bool {
        matches!(self, AssetKind::Catalog | AssetKind::Pixel | AssetKind::Waba)
    }

    pub fn has_assigned_users(self) -> bool {
        self != AssetKind::App
    }

    pub fn node_type(self) -> &'static str {
        match self {
            AssetKind::Page => "Page",
            AssetKind::AdAccount => "AdAccount",
            AssetKind::Catalog => "ProductCatalog",
            AssetKind::Pixel => "AdsPixel",
            AssetKind::Instagram => "InstagramBusinessAsset",
            AssetKind::Waba => "WhatsAppBusinessAccount",
            AssetKind::App => "Application",
        }
    }

    /// `(owned edge, client edge)` on Business (§4.2).
    pub fn business_edges(self) -> (&'static str, &'static str) {
        match self {
            AssetKind::Page => ("owned_pages", "client_pages"),
            AssetKind::AdAccount => ("owned_ad_accounts", "client_ad_accounts"),
            AssetKind::Catalog => ("owned_product_catalogs", "client_product_catalogs"),
            AssetKind::Pixel => ("owned_pixels", "client_pixels"),
            AssetKind::Instagram => ("owned_instagram_assets", "client_instagram_assets"),
            AssetKind::Waba => {
                ("owned_whatsapp_business_accounts", "client_whatsapp_business_accounts")
            }
            AssetKind::App => ("owned_apps", "client_apps"),
        }
    }

    /// The system user's `assigned_*` edge for this type, named as Meta's System User reference
    /// names them (REF-SU: `assigned_ads_pixels`, `assigned_instagram_accounts`, `assigned_apps`;
    /// the SDK agrees on the others). The SDK's `User.assigned_applications` is served as a
    /// second name of the apps edge ([`AssetKind::assigned_edge_alias`]).
    pub fn assigned_edge(self) -> &'static str {
        match self {
            AssetKind::Page => "assigned_pages",
            AssetKind::AdAccount => "assigned_ad_accounts",
            AssetKind::Catalog => "assigned_product_catalogs",
            AssetKind::Pixel => "assigned_ads_pixels",
            AssetKind::Instagram => "assigned_instagram_accounts",
            AssetKind::Waba => "assigned_whatsapp_business_accounts",
            AssetKind::App => "assigned_apps",
        }
    }

    /// Another name Meta's SDK gives the same edge (`User.assigned_applications`).
    pub fn assigned_edge_alias(self) -> Option<&'static str> {
        (self == AssetKind::App).then_some("assigned_applications")
    }

    /// The fields an `assigned_*` edge adds to its nodes (REF-SU sub-pages): `tasks` and
    /// `permitted_tasks` on Pages, ad accounts, catalogs and pixels; `tasks` only on WABAs;
    /// `permitted_roles` only on Instagram accounts; apps add `can_be_removed` too.
    pub fn assigned_edge_fields(self) -> &'static [&'static str] {
        match self {
            AssetKind::Waba => &["tasks"],
            AssetKind::Instagram => &["permitted_roles"],
            AssetKind::App => &["tasks", "permitted_tasks", "can_be_removed"],
            AssetKind::Page | AssetKind::AdAccount | AssetKind::Catalog | AssetKind::Pixel => {
                &["tasks", "permitted_tasks"]
            }
        }
    }

    /// Business Use Case bucket for rate limiting (§9.3): (`type` string, throttle code).
    // UNCONFIRMED: BUC type strings for catalogs, WABAs and Instagram (spec §12 item 13).
    pub fn buc(self) -> (&'static str, u32) {
        match self {
            AssetKind::Page => ("pages", 80001),
            AssetKind::Instagram => ("instagram", 80002),
            AssetKind::Waba => ("whatsapp_business_management", 80008),
            AssetKind::Catalog => ("catalog_management", 80009),
            AssetKind::AdAccount | AssetKind::Pixel | AssetKind::App => ("ads_management", 80004),
        }
    }

    /// Index into per-kind arrays.
    pub fn ix(self) -> usize {
        self as usize
    }

    /// Per-edge maximum page size.
    // UNCONFIRMED: Meta does not publish per-edge caps for these edges; ad-account edges get a
    // larger one because they are the long lists.
    pub fn max_page(self) -> usize {
        match self {
            AssetKind::AdAccount => 500,
            _ => 100,
        }
    }

    /// The scopes whose `granular_scopes` entry lists assets of this type as `target_ids`.
    pub fn scope_targets(self, scope: &str) -> bool {
        match self {
            AssetKind::AdAccount => scope == "ads_management" || scope == "ads_read",
            AssetKind::Page => scope.starts_with("pages_") || scope == "read_insights",
            AssetKind::Catalog => scope == "catalog_management",
            AssetKind::Instagram => scope.starts_with("instagram_"),
            AssetKind::Waba => scope.starts_with("whatsapp_"),
            AssetKind::Pixel | AssetKind::App => false,
        }
    }
}

/// Scopes allowed on `POST /{system-user-id}/access_tokens` (§11.1, D-TOK 2026-09).
pub const ALLOWED_SCOPES: &[&str] = &[
    "ads_management",
    "ads_read",
    "attribution_read",
    "business_management",
    "catalog_management",
    "commerce_account_manage_orders",
    "commerce_account_read_orders",
    "commerce_account_read_settings",
    "instagram_basic",
    "instagram_branded_content_ads_brand",
    "instagram_branded_content_brand",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "instagram_shopping_tag_products",
    "leads_retrieval",
    "page_events",
    "pages_manage_ads",
    "pages_manage_cta",
    "pages_manage_engagement",
    "pages_manage_instant_articles",
    "pages_manage_metadata",
    "pages_manage_posts",
    "pages_messaging",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_show_list",
    "private_computation_access",
    "publish_video",
    "read_audience_network_insights",
    "read_insights",
    "read_page_mailboxes",
    "whatsapp_business_management",
    "whatsapp_business_messaging",
];

/// Scopes given to the tokens a fixture pre-issues (admin and human tokens in the manifest).
pub const FIXTURE_SCOPES: &[&str] = &[
    "business_management",
    "ads_management",
    "ads_read",
    "catalog_management",
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "instagram_basic",
    "whatsapp_business_management",
];

/// The default field set returned when `fields` is absent.
pub fn default_fields(kind: AssetKind) -> &'static [&'static str] {
    match kind {
        AssetKind::AdAccount => &["id", "account_id", "name"],
        AssetKind::Instagram => &["id", "ig_user_id", "ig_username"],
        _ => &["id", "name"],
    }
}
