//! Permissions (scopes) a system-user token may carry (spec §11.1) and their dependencies (§11.2).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! scopes {
    ($($var:ident => $s:literal),* $(,)?) => {
        /// A permission allowed on `POST /{system-user-id}/access_tokens` (spec §11.1, D-TOK 2026-09).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope { $($var),* }

        impl Scope {
            /// Every scope, in Meta's (alphabetical) order.
            pub const ALL: &'static [Scope] = &[$(Scope::$var),*];

            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(Scope::$var => $s),* }
            }

            /// Parses a wire name.
            pub fn parse(s: &str) -> Option<Scope> {
                match s { $($s => Some(Scope::$var),)* _ => None }
            }
        }
    };
}

scopes! {
    AdsManagement => "ads_management",
    AdsRead => "ads_read",
    AttributionRead => "attribution_read",
    BusinessManagement => "business_management",
    CatalogManagement => "catalog_management",
    CommerceAccountManageOrders => "commerce_account_manage_orders",
    CommerceAccountReadOrders => "commerce_account_read_orders",
    CommerceAccountReadSettings => "commerce_account_read_settings",
    InstagramBasic => "instagram_basic",
    InstagramBrandedContentAdsBrand => "instagram_branded_content_ads_brand",
    InstagramBrandedContentBrand => "instagram_branded_content_brand",
    InstagramContentPublish => "instagram_content_publish",
    InstagramManageComments => "instagram_manage_comments",
    InstagramManageInsights => "instagram_manage_insights",
    InstagramManageMessages => "instagram_manage_messages",
    InstagramShoppingTagProducts => "instagram_shopping_tag_products",
    LeadsRetrieval => "leads_retrieval",
    PageEvents => "page_events",
    PagesManageAds => "pages_manage_ads",
    PagesManageCta => "pages_manage_cta",
    PagesManageEngagement => "pages_manage_engagement",
    PagesManageInstantArticles => "pages_manage_instant_articles",
    PagesManageMetadata => "pages_manage_metadata",
    PagesManagePosts => "pages_manage_posts",
    PagesMessaging => "pages_messaging",
    PagesReadEngagement => "pages_read_engagement",
    PagesReadUserContent => "pages_read_user_content",
    PagesShowList => "pages_show_list",
    PrivateComputationAccess => "private_computation_access",
    PublishVideo => "publish_video",
    ReadAudienceNetworkInsights => "read_audience_network_insights",
    ReadInsights => "read_insights",
    ReadPageMailboxes => "read_page_mailboxes",
    WhatsappBusinessManagement => "whatsapp_business_management",
    WhatsappBusinessMessaging => "whatsapp_business_messaging",
}

impl Scope {
    /// The scopes this one depends on (spec §11.2, D-PERMS).
    // UNCONFIRMED: instagram_basic's dependencies (OCR'd table says pages_read_user_content +
    // pages_show_list; older docs say pages_show_list only). The larger set is used.
    pub fn dependencies(self) -> &'static [Scope] {
        use Scope::*;
        match self {
            AdsManagement | BusinessManagement | PagesManagePosts | ReadInsights => {
                &[PagesReadEngagement, PagesShowList]
            }
            CatalogManagement => &[BusinessManagement],
            PagesReadEngagement | PagesManageMetadata | PagesManageAds | PagesReadUserContent => {
                &[PagesShowList]
            }
            PagesManageEngagement => &[PagesReadUserContent, PagesShowList],
            PagesMessaging => &[PagesManageMetadata, PagesShowList],
            InstagramBasic => &[PagesReadUserContent, PagesShowList],
            InstagramContentPublish | InstagramManageComments | InstagramManageInsights => {
                &[InstagramBasic, PagesReadEngagement, PagesShowList]
            }
            WhatsappBusinessMessaging => &[WhatsappBusinessManagement],
            _ => &[],
        }
    }

    /// `scopes` plus every (transitive) dependency, sorted and deduplicated, and the scopes that
    /// were added, so a preflight can report them.
    pub fn with_dependencies(scopes: &[Scope]) -> (Vec<Scope>, Vec<Scope>) {
        let mut all: Vec<Scope> = scopes.to_vec();
        let mut i = 0;
        while i < all.len() {
            for dep in all[i].dependencies() {
                if !all.contains(dep) {
                    all.push(*dep);
                }
            }
            i += 1;
        }
        let mut added: Vec<Scope> = all.iter().copied().filter(|s| !scopes.contains(s)).collect();
        all.sort();
        all.dedup();
        added.sort();
        added.dedup();
        (all, added)
    }

    /// The comma-separated form `POST …/access_tokens` takes (spec §0).
    pub fn join(scopes: &[Scope]) -> String {
        scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Scope {
    type Err = crate::GraphError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scope::parse(s.trim()).ok_or_else(|| {
            crate::GraphError::invalid_input("scope", format!("unknown permission {s:?}"))
        })
    }
}

impl Serialize for Scope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Scope::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown scope {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Explain;

    #[test]
    fn all_35_scopes_round_trip() {
        assert_eq!(Scope::ALL.len(), 35);
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(*s));
            assert_eq!(s.as_str().parse::<Scope>().unwrap(), *s);
        }
        assert!(Scope::parse("publish_actions").is_none());
        assert_eq!("ads_managment".parse::<Scope>().unwrap_err().code(), "invalid_input");
    }

    #[test]
    fn dependencies_are_closed() {
        let (all, added) = Scope::with_dependencies(&[Scope::CatalogManagement]);
        assert_eq!(
            all,
            vec![
                Scope::BusinessManagement,
                Scope::CatalogManagement,
                Scope::PagesReadEngagement,
                Scope::PagesShowList
            ]
        );
        assert_eq!(
            added,
            vec![Scope::BusinessManagement, Scope::PagesReadEngagement, Scope::PagesShowList]
        );
        let (all, added) = Scope::with_dependencies(&[Scope::AdsRead]);
        assert_eq!(all, vec![Scope::AdsRead]);
        assert!(added.is_empty());
        let (_, added) = Scope::with_dependencies(&[Scope::WhatsappBusinessMessaging]);
        assert_eq!(added, vec![Scope::WhatsappBusinessManagement]);
        assert_eq!(
            Scope::join(&[Scope::AdsRead, Scope::PagesShowList]),
            "ads_read,pages_show_list"
        );
    }
}
