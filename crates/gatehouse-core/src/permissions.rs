//! Permissions (token scopes) in plain words, presets for common jobs, and the apps a token can
//! be generated with.

use gatehouse_graph::{AssetKind, ListOptions, Relation, Scope};
use serde::Serialize;

use crate::{Portfolio, Result};

/// One permission, in one plain sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeInfo {
    /// Meta's name, e.g. `ads_management`.
    pub name: String,
    pub sentence: String,
    /// Every permission Gatehouse adds with this one, transitively (graph-api.md §11.2): the UI
    /// reads it as is, never walks it.
    pub depends_on: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeGroup {
    pub name: String,
    pub scopes: Vec<ScopeInfo>,
}

/// A set of permissions for a common job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopePreset {
    pub id: String,
    pub label: String,
    pub description: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeCatalog {
    pub groups: Vec<ScopeGroup>,
    pub presets: Vec<ScopePreset>,
    /// The lifetimes a new token can have, the recommended one first.
    pub expiries: Vec<crate::tokens::ExpiryChoice>,
    /// The steps of generating a token, in order, with their words.
    pub steps: Vec<crate::tokens::StepInfo>,
}

/// An app offered when generating a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppChoice {
    pub id: String,
    pub name: String,
    pub usable: bool,
    /// Why it cannot be used and what to do, in plain words.
    pub reason: Option<String>,
    /// Installed for the system user already.
    pub installed: bool,
}

/// Every permission a system-user token may carry, grouped, each with one sentence.
const GROUPS: &[(&str, &[(Scope, &str)])] = &[
    (
        "Ads and reporting",
        &[
            (Scope::AdsManagement, "Create, change and pause campaigns, ads and audiences in the assigned ad accounts."),
            (Scope::AdsRead, "Read campaigns, ads and their results. Changes nothing."),
            (Scope::ReadInsights, "Read insights of the assigned Pages and ad accounts."),
            (Scope::AttributionRead, "Read attribution and conversion reports."),
            (Scope::LeadsRetrieval, "Download leads collected by lead ads."),
            (Scope::PrivateComputationAccess, "Use Meta's private computation products for measurement."),
            (Scope::ReadAudienceNetworkInsights, "Read Audience Network earnings and insights."),
        ],
    ),
    (
        "Business",
        &[(
            Scope::BusinessManagement,
            "Read and change the business portfolio's settings, assets and people.",
        )],
    ),
    (
        "Pages",
        &[
            (Scope::PagesShowList, "See the list of Pages assigned to the system user."),
            (Scope::PagesReadEngagement, "Read the Pages' posts, followers and engagement."),
            (Scope::PagesManagePosts, "Publish, edit and delete the Pages' posts."),
            (Scope::PagesManageEngagement, "Reply to and moderate comments on the Pages."),
            (Scope::PagesManageMetadata, "Change the Pages' settings and webhooks."),
            (Scope::PagesManageAds, "Create and manage ads for the Pages."),
            (Scope::PagesReadUserContent, "Read what people post on the Pages."),
            (Scope::PagesMessaging, "Send and receive messages as the Pages."),
            (Scope::PagesManageCta, "Change the Pages' call-to-action buttons."),
            (Scope::PagesManageInstantArticles, "Manage the Pages' Instant Articles."),
            (Scope::PageEvents, "Send events that happen on the Pages to Meta."),
            (Scope::PublishVideo, "Publish live and recorded videos on the Pages."),
            (Scope::ReadPageMailboxes, "Read the Pages' inboxes."),
        ],
    ),
    (
        "Instagram",
        &[
            (Scope::InstagramBasic, "Read the Instagram accounts' profile and media."),
            (Scope::InstagramContentPublish, "Publish posts, reels and stories."),
            (Scope::InstagramManageComments, "Read, reply to and hide comments."),
            (Scope::InstagramManageInsights, "Read the accounts' insights."),
            (Scope::InstagramManageMessages, "Read and send direct messages."),
            (Scope::InstagramShoppingTagProducts, "Tag catalog products in posts."),
            (Scope::InstagramBrandedContentBrand, "Manage branded content partnerships."),
            (Scope::InstagramBrandedContentAdsBrand, "Run ads from branded content partnerships."),
        ],
    ),
    (
        "Catalogs and commerce",
        &[
            (Scope::CatalogManagement, "Create and update products in the assigned catalogs."),
            (Scope::CommerceAccountReadSettings, "Read the shop's settings."),
            (Scope::CommerceAccountReadOrders, "Read the shop's orders."),
            (Scope::CommerceAccountManageOrders, "Update, cancel and refund the shop's orders."),
        ],
    ),
    (
        "WhatsApp",
        &[
            (Scope::WhatsappBusinessManagement, "Manage WhatsApp accounts, phone numbers and templates."),
            (Scope::WhatsappBusinessMessaging, "Send and receive WhatsApp messages."),
        ],
    ),
];

/// Permissions grouped with their sentences, and presets for common jobs.
pub fn scope_catalog() -> ScopeCatalog {
    let info = |scope: Scope, sentence: &str| ScopeInfo {
        name: scope.as_str().to_owned(),
        sentence: sentence.to_owned(),
        depends_on: Scope::with_dependencies(&[scope])
            .1
            .iter()
            .map(|d| d.as_str().to_owned())
            .collect(),
    };
    let preset = |id: &str, label: &str, description: &str, scopes: &[Scope]| ScopePreset {
        id: id.to_owned(),
        label: label.to_owned(),
        description: description.to_owned(),
        scopes: scopes.iter().map(|s| s.as_str().to_owned()).collect(),
    };
    ScopeCatalog {
        expiries: crate::tokens::expiry_choices(),
        steps: crate::tokens::token_steps(),
        groups: GROUPS
            .iter()
            .map(|(name, scopes)| ScopeGroup {
                name: (*name).to_owned(),
                scopes: scopes.iter().map(|(s, sentence)| info(*s, sentence)).collect(),
            })
            .collect(),
        presets: vec![
            preset(
                "conversions_api",
                "Conversions API",
                "Send website and offline events to a pixel or dataset from a server.",
                &[Scope::AdsManagement],
            ),
            preset(
                "reporting",
                "Read-only reporting",
                "Pull ad results into a dashboard or spreadsheet. Changes nothing.",
                &[Scope::AdsRead, Scope::ReadInsights],
            ),
            preset(
                "ads_management",
                "Manage ads",
                "Create and change campaigns from a tool or script.",
                &[Scope::AdsManagement, Scope::AdsRead],
            ),
            preset(
                "page_publishing",
                "Page publishing",
                "Publish and schedule posts on the assigned Pages.",
                &[Scope::PagesManagePosts, Scope::PagesReadEngagement],
            ),
            preset(
                "catalog",
                "Catalog feed",
                "Keep a product catalog in sync with a shop.",
                &[Scope::CatalogManagement],
            ),
            preset(
                "whatsapp",
                "WhatsApp messaging",
                "Send and receive WhatsApp messages from a service.",
                &[Scope::WhatsappBusinessManagement, Scope::WhatsappBusinessMessaging],
            ),
        ],
    }
}

impl Portfolio {
    /// The apps a token for `system_user_id` can be generated with: those the business owns or
    /// is shared, usable ones first. Apps installed for the system user that the business no
    /// longer owns or shares are listed as unusable, with why.
    pub async fn token_apps(&self, system_user_id: &str) -> Result<Vec<AppChoice>> {
        let session = self.session();
        let options = ListOptions::default();
        let owned = session.assets(self.business_id(), AssetKind::App, Relation::Owned, &options);
        let client = session.assets(self.business_id(), AssetKind::App, Relation::Client, &options);
        let installed = session.system_user_apps(system_user_id);
        let (owned, client, installed) =
            futures::join!(owned.collect_all(), client.collect_all(), installed);
        let (owned, _) = owned?;
        // A business without a client-apps edge answer still has its own apps.
        let client = client.map(|(c, _)| c).unwrap_or_default();
        // Unknown install state is treated as "not installed": installing is idempotent.
        let installed = installed.unwrap_or_default();
        let is_installed = |id: &str| installed.iter().any(|a| a.id == id);
        let mut out: Vec<AppChoice> = Vec::new();
        for app in owned.iter().chain(client.iter()) {
            if out.iter().any(|c| c.id == app.id) {
                continue;
            }
            out.push(AppChoice {
                id: app.id.clone(),
                name: app.label().to_owned(),
                usable: true,
                reason: None,
                installed: is_installed(&app.id),
            });
        }
        for app in &installed {
            if out.iter().any(|c| c.id == app.id) {
                continue;
            }
            out.push(AppChoice {
                id: app.id.clone(),
                name: app.label().to_owned(),
                usable: false,
                reason: Some(
                    "This app is installed for the system user but is no longer owned by or \
                     shared with this business. Ask its owner to share it again (Business \
                     settings › Accounts › Apps), or claim it into this business by its ID."
                        .into(),
                ),
                installed: true,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_names_every_scope_once_with_a_sentence() {
        let catalog = scope_catalog();
        let mut seen: Vec<&str> = Vec::new();
        for group in &catalog.groups {
            for s in &group.scopes {
                assert!(Scope::parse(&s.name).is_some(), "{}", s.name);
                assert!(s.sentence.ends_with('.'), "{}", s.name);
                assert!(!seen.contains(&s.name.as_str()), "{} twice", s.name);
                seen.push(&s.name);
            }
        }
        // Every dependency is itself offered, so the UI can show it checked.
        for group in &catalog.groups {
            for s in &group.scopes {
                for d in &s.depends_on {
                    assert!(seen.contains(&d.as_str()), "{} needs {d}", s.name);
                }
            }
        }
        for p in &catalog.presets {
            assert!(p.scopes.iter().all(|s| seen.contains(&s.as_str())), "{}", p.id);
        }
        let ads = catalog.groups[0].scopes.iter().find(|s| s.name == "ads_management");
        assert_eq!(
            ads.map(|s| s.depends_on.clone()),
            Some(vec!["pages_read_engagement".to_owned(), "pages_show_list".to_owned()])
        );
    }
}
