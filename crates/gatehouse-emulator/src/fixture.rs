//! The JSON fixture format (documented in the crate README) and the built-in `demo` and `scale:N`
//! fixtures.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::errors::EmulatorError;
use crate::faults::FaultConfig;
use crate::limits::LimitsConfig;
use crate::rng::Rng;

/// Marketing API Access Tier of an app (spec §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Tier {
    Limited,
    Full,
}

impl Tier {
    /// (regular, admin) system users allowed.
    pub fn system_user_quota(self) -> (usize, usize) {
        match self {
            Tier::Limited => (1, 1),
            Tier::Full => (10, 1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Role {
    Admin,
    Employee,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Employee => "EMPLOYEE",
        }
    }
}

/// A whole fixture: businesses with their apps, users and assets, plus optional start-up faults
/// and rate-limit budgets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    #[serde(default)]
    pub name: String,
    pub businesses: Vec<BusinessSpec>,
    #[serde(default)]
    pub faults: Option<FaultConfig>,
    #[serde(default)]
    pub limits: Option<LimitsConfig>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessSpec {
    /// Numeric string; generated from the seed when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub verification_status: Option<String>,
    #[serde(default)]
    pub vertical: Option<String>,
    #[serde(default)]
    pub apps: Vec<AppSpec>,
    #[serde(default)]
    pub system_users: Vec<SystemUserSpec>,
    /// Human users of the business (Business Manager people).
    #[serde(default)]
    pub people: Vec<PersonSpec>,
    /// IDs of client businesses this one manages (On Behalf Of relationships already in place).
    #[serde(default)]
    pub clients: Vec<String>,
    #[serde(default)]
    pub pages: Vec<AssetSpec>,
    #[serde(default)]
    pub ad_accounts: Vec<AssetSpec>,
    #[serde(default)]
    pub catalogs: Vec<AssetSpec>,
    #[serde(default)]
    pub pixels: Vec<AssetSpec>,
    #[serde(default)]
    pub instagram_accounts: Vec<AssetSpec>,
    #[serde(default)]
    pub whatsapp_business_accounts: Vec<AssetSpec>,
    /// Assets owned by this business and shared with another business (they show up in that
    /// business's `client_*` edges).
    #[serde(default)]
    pub shares: Vec<ShareSpec>,
    /// Asset assignments to this business's users.
    #[serde(default)]
    pub assignments: Vec<AssignmentSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// 32 hex characters; generated when absent.
    #[serde(default)]
    pub secret: Option<String>,
    pub tier: Tier,
    /// App Settings › Advanced › "Require App Secret": every call needs `appsecret_proof`.
    #[serde(default)]
    pub require_app_secret: bool,
    /// The business must use 60-day tokens for this app.
    #[serde(default)]
    pub must_use_expiring_tokens: bool,
    /// The permissions the app's use cases make available (App Dashboard › Use cases): a token
    /// asking for any other is refused. Absent: every permission a system-user token may carry.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    /// A developer app of this business's admins that the business has not claimed: absent from
    /// `owned_apps` until `POST /{business}/owned_apps` claims it, and of no use for system users
    /// before that. The admins' own tokens are issued for it when the business owns no app.
    #[serde(default)]
    pub unclaimed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemUserSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub role: Role,
    /// IDs of apps installed for this system user; the business's first app when absent.
    #[serde(default)]
    pub installed_apps: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonSpec {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub role: Role,
}

/// One asset; the per-type keys are optional and ignored on other types.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetSpec {
    /// Ad accounts: `act_<n>` or `<n>`. Generated when absent.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    /// Pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Ad accounts and WhatsApp Business Accounts (ISO 4217).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Ad accounts: 1 active, 2 disabled, 3 unsettled, 7 pending risk review, 8 pending
    /// settlement, 9 in grace period, 100 pending closure, 101 closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_status: Option<u8>,
    /// Ad accounts: whether the advertiser terms were accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos_accepted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone_name: Option<String>,
    /// Catalogs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_count: Option<u32>,
    /// Instagram accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareSpec {
    pub asset: String,
    pub with: String,
    pub permitted_tasks: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignmentSpec {
    pub asset: String,
    pub user: String,
    pub tasks: Vec<String>,
}

impl Fixture {
    /// Parses `demo`, `scale:N`, `matrix:N` or a path to a JSON fixture.
    pub fn parse_arg(arg: &str) -> Result<Self, EmulatorError> {
        if arg == "demo" {
            return Ok(Self::demo());
        }
        if let Some(n) = arg.strip_prefix("scale:") {
            let n: usize =
                n.parse().map_err(|_| EmulatorError::Fixture(format!("bad scale count: {n}")))?;
            return Self::scale(n);
        }
        if let Some(n) = arg.strip_prefix("matrix:") {
            let n: usize =
                n.parse().map_err(|_| EmulatorError::Fixture(format!("bad matrix count: {n}")))?;
            return Self::matrix(n);
        }
        Self::from_path(arg)
    }

    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| EmulatorError::FixtureIo {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    pub fn from_json(text: &str) -> Result<Self, EmulatorError> {
        serde_json::from_str(text).map_err(|e| EmulatorError::Fixture(e.to_string()))
    }

    /// The agency portfolio used by the app's demo mode (about 2,500 ad accounts).
    pub fn demo() -> Self {
        build_portfolio("demo", 2_000, &DEMO_CLIENTS, 0xDE30)
    }

    /// A generated portfolio with `n` ad accounts owned by one agency (plus a few shared from
    /// clients) and proportional other assets, for benchmarks.
    pub fn scale(n: usize) -> Result<Self, EmulatorError> {
        if n == 0 || n > 100_000 {
            return Err(EmulatorError::Fixture(format!(
                "scale:N takes 1 to 100000 ad accounts, got {n}"
            )));
        }
        Ok(build_portfolio("scale", n, &SCALE_CLIENTS, 0x5CA1E))
    }

    /// `scale:N` with 20 system users (1 admin, 19 regular) holding the ad accounts in
    /// overlapping slices with read, write or full tasks: the access matrix's load (N assets ×
    /// 20 system users). That is past one Full-tier app's 10 + 1 (spec §7.1): a fixture may
    /// start past a quota, and creating one more system user is refused as Meta would.
    pub fn matrix(n: usize) -> Result<Self, EmulatorError> {
        let mut f = Self::scale(n)?;
        f.name = "matrix".into();
        let mut rng = Rng::new(0x3A7_21C);
        let agency = &mut f.businesses[0];
        let tasks: [&[&str]; 3] =
            [&["ANALYZE"], &["ADVERTISE", "ANALYZE"], &["MANAGE", "ADVERTISE", "ANALYZE"]];
        for k in 0..18 {
            let id = rng.numeric_id("6101", 11);
            agency.system_users.push(SystemUserSpec {
                id: Some(id.clone()),
                name: match k / BRANDS.len() {
                    0 => format!("{} Team", BRANDS[k]),
                    round => format!("{} Team {}", BRANDS[k % BRANDS.len()], round + 1),
                },
                role: Role::Employee,
                installed_apps: None,
            });
            // Every sixth account from a different start: about N/6 each, most accounts held
            // by three of them.
            for a in agency.ad_accounts.iter().skip(k % 6).step_by(6) {
                agency.assignments.push(AssignmentSpec {
                    asset: a.id.clone().unwrap_or_default(),
                    user: id.clone(),
                    tasks: tasks[k % 3].iter().map(|t| (*t).to_owned()).collect(),
                });
            }
        }
        Ok(f)
    }
}

struct ClientPlan {
    name: &'static str,
    vertical: &'static str,
    /// Owns a Limited-tier app of its own.
    app: Option<&'static str>,
    /// Its admin develops an app the business has not claimed (so it has no system users yet).
    developer_app: Option<&'static str>,
    ad_accounts: usize,
    pages: &'static [&'static str],
    admin: &'static str,
}

const DEMO_CLIENTS: [ClientPlan; 3] = [
    ClientPlan {
        name: "Lucky Shrub Garden Supply",
        vertical: "RETAIL",
        app: Some("Lucky Shrub Shop Sync"),
        developer_app: None,
        ad_accounts: 180,
        pages: &["Lucky Shrub", "Lucky Shrub Outlet"],
        admin: "Maya Okafor",
    },
    ClientPlan {
        name: "Harbor & Vine Coffee Roasters",
        vertical: "FOOD_AND_BEVERAGE",
        app: None,
        developer_app: Some("Harbor & Vine Orders"),
        ad_accounts: 170,
        pages: &["Harbor & Vine", "Harbor & Vine Wholesale"],
        admin: "Tomás Rivera",
    },
    ClientPlan {
        name: "Peak Trail Outfitters",
        vertical: "RETAIL",
        app: None,
        developer_app: None,
        ad_accounts: 150,
        pages: &["Peak Trail Outfitters"],
        admin: "Hanna Lindqvist",
    },
];

const SCALE_CLIENTS: [ClientPlan; 2] = [
    ClientPlan {
        name: "Scale Client One",
        vertical: "RETAIL",
        app: Some("Scale Client App"),
        developer_app: None,
        ad_accounts: 20,
        pages: &["Scale Client One"],
        admin: "Client Admin One",
    },
    ClientPlan {
        name: "Scale Client Two",
        vertical: "RETAIL",
        app: None,
        developer_app: None,
        ad_accounts: 20,
        pages: &["Scale Client Two"],
        admin: "Client Admin Two",
    },
];

const CURRENCIES: [&str; 8] = ["USD", "EUR", "GBP", "CAD", "AUD", "BRL", "JPY", "INR"];
const TIMEZONES: [&str; 6] = [
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "Asia/Tokyo",
];
const BRANDS: [&str; 12] = [
    "Aurora Skincare",
    "Bluebird Travel",
    "Cobalt Fitness",
    "Driftwood Home",
    "Ember Kitchen",
    "Fernway Pets",
    "Granite Tools",
    "Helio Solar",
    "Iris Optics",
    "Juniper Books",
    "Kestrel Bikes",
    "Lumen Lighting",
];
const MARKETS: [&str; 8] = ["US", "UK", "DE", "FR", "BR", "JP", "CA", "AU"];
const PURPOSES: [&str; 6] =
    ["Prospecting", "Retargeting", "Brand Awareness", "Catalog Sales", "Lead Gen", "App Installs"];

fn ad_account(rng: &mut Rng, brand: &str, i: usize) -> AssetSpec {
    let market = MARKETS[i % MARKETS.len()];
    let purpose = PURPOSES[(i / MARKETS.len()) % PURPOSES.len()];
    // Mostly active accounts, with the odd disabled, unsettled or closed one so filters matter.
    let status = match rng.below(100) {
        0..=84 => 1,
        85..=89 => 2,
        90..=92 => 3,
        93..=94 => 7,
        95..=96 => 9,
        _ => 101,
    };
    AssetSpec {
        name: format!("{brand} – {market} – {purpose} {:04}", i + 1),
        currency: Some(CURRENCIES[rng.below(CURRENCIES.len() as u64) as usize].to_string()),
        account_status: Some(status),
        tos_accepted: Some(rng.below(10) != 0),
        timezone_name: Some(TIMEZONES[rng.below(TIMEZONES.len() as u64) as usize].to_string()),
        ..AssetSpec::default()
    }
}

fn named(name: String) -> AssetSpec {
    AssetSpec { name, ..AssetSpec::default() }
}

/// Builds an agency portfolio: the agency owns a Full-tier app, `n` ad accounts and other assets;
/// each client owns a few assets and shares some with the agency.
fn build_portfolio(label: &str, n: usize, clients: &[ClientPlan], seed: u64) -> Fixture {
    let mut rng = Rng::new(seed);
    let mut var = Rng::new(seed ^ 0xA55E7);

    let agency_id = rng.numeric_id("1000", 11);
    let client_ids: Vec<String> = clients.iter().map(|_| rng.numeric_id("2000", 11)).collect();
    let admin_su = rng.numeric_id("6100", 11);
    let reporting_su = rng.numeric_id("6100", 11);

    let mut agency = BusinessSpec {
        id: Some(agency_id.clone()),
        name: "Brightline Digital Partners".into(),
        verification_status: Some("verified".into()),
        vertical: Some("ADVERTISING".into()),
        apps: vec![AppSpec {
            id: Some(rng.numeric_id("5550", 11)),
            name: "Brightline Ads Manager".into(),
            secret: None,
            tier: Tier::Full,
            require_app_secret: false,
            must_use_expiring_tokens: false,
            // No WhatsApp use case: the demo shows what happens when an app cannot grant one.
            permissions: Some(
                crate::model::ALLOWED_SCOPES
                    .iter()
                    .filter(|p| !p.starts_with("whatsapp_"))
                    .map(|p| (*p).to_owned())
                    .collect(),
            ),
            unclaimed: false,
        }],
        system_users: vec![
            SystemUserSpec {
                id: Some(admin_su.clone()),
                name: "Gatehouse Admin".into(),
                role: Role::Admin,
                installed_apps: None,
            },
            SystemUserSpec {
                id: Some(reporting_su.clone()),
                name: "Reporting Server".into(),
                role: Role::Employee,
                installed_apps: None,
            },
        ],
        people: vec![
            PersonSpec {
                id: Some(rng.numeric_id("1001", 11)),
                name: "Dana Whitfield".into(),
                role: Role::Admin,
            },
            PersonSpec {
                id: Some(rng.numeric_id("1001", 11)),
                name: "Sam Carter".into(),
                role: Role::Employee,
            },
        ],
        clients: client_ids.clone(),
        ..BusinessSpec::default()
    };

    for i in 0..n {
        let brand = BRANDS[i % BRANDS.len()];
        let mut acct = ad_account(&mut var, brand, i / BRANDS.len());
        acct.id = Some(format!("act_{}", rng.numeric_id("3000", 11)));
        agency.ad_accounts.push(acct);
    }
    let pages = (n / 100).clamp(12, 1_000);
    for i in 0..pages {
        let mut p = named(format!("{} {}", BRANDS[i % BRANDS.len()], MARKETS[(i / 12) % 8]));
        p.id = Some(rng.numeric_id("1090", 11));
        p.category =
            Some(["Retail Company", "Brand", "Product/Service", "Local Business"][i % 4].into());
        agency.pages.push(p);
    }
    for i in 0..(n / 1_000).clamp(4, 100) {
        let mut c = named(format!("{} Product Feed", BRANDS[i % BRANDS.len()]));
        c.id = Some(rng.numeric_id("4100", 11));
        c.vertical = Some("commerce".into());
        c.product_count = Some(50 + var.below(5_000) as u32);
        agency.catalogs.push(c);
    }
    for i in 0..(n / 500).clamp(6, 200) {
        let mut p = named(format!("{} Pixel", BRANDS[i % BRANDS.len()]));
        p.id = Some(rng.numeric_id("4200", 11));
        agency.pixels.push(p);
    }
    for i in 0..(n / 400).clamp(5, 250) {
        let brand = BRANDS[i % BRANDS.len()];
        let mut ig = named(brand.to_string());
        ig.id = Some(rng.numeric_id("1784", 11));
        ig.username = Some(format!("{}{}", brand.to_lowercase().replace(' ', "."), i / 12));
        agency.instagram_accounts.push(ig);
    }
    for i in 0..(n / 1_000).clamp(3, 100) {
        let mut w = named(format!("{} WhatsApp", BRANDS[i % BRANDS.len()]));
        w.id = Some(rng.numeric_id("1150", 11));
        w.currency = Some("USD".into());
        w.timezone_name = Some("America/Los_Angeles".into());
        agency.whatsapp_business_accounts.push(w);
    }
    // The reporting system user gets a handful of assets so EMPLOYEE visibility is visible.
    let assign = |asset: &Option<String>, tasks: &[&str]| AssignmentSpec {
        asset: asset.clone().unwrap_or_default(),
        user: reporting_su.clone(),
        tasks: tasks.iter().map(|t| t.to_string()).collect(),
    };
    let mut assignments = Vec::new();
    for a in agency.ad_accounts.iter().take(5) {
        assignments.push(assign(&a.id, &["ADVERTISE", "ANALYZE"]));
    }
    assignments.push(assign(&agency.pages[0].id, &["ANALYZE", "ADVERTISE"]));
    assignments.push(assign(&agency.catalogs[0].id, &["ADVERTISE"]));
    assignments.push(assign(&agency.whatsapp_business_accounts[0].id, &["VIEW_TEMPLATES"]));
    agency.assignments = assignments;

    let mut businesses = vec![agency];
    for (plan, cid) in clients.iter().zip(&client_ids) {
        let mut b = BusinessSpec {
            id: Some(cid.clone()),
            name: plan.name.into(),
            verification_status: Some("verified".into()),
            vertical: Some(plan.vertical.into()),
            people: vec![PersonSpec {
                id: Some(rng.numeric_id("1002", 11)),
                name: plan.admin.into(),
                role: Role::Admin,
            }],
            ..BusinessSpec::default()
        };
        if let Some(app) = plan.app {
            b.apps.push(AppSpec {
                id: Some(rng.numeric_id("5560", 11)),
                name: app.into(),
                secret: None,
                tier: Tier::Limited,
                require_app_secret: false,
                must_use_expiring_tokens: false,
                permissions: None,
                unclaimed: false,
            });
            b.system_users.push(SystemUserSpec {
                id: Some(rng.numeric_id("6200", 11)),
                name: format!("{} Admin", plan.name),
                role: Role::Admin,
                installed_apps: None,
            });
        }
        if let Some(app) = plan.developer_app {
            // Its id comes from the variation stream so the other businesses keep their ids.
            b.apps.push(AppSpec {
                id: Some(var.numeric_id("5570", 11)),
                name: app.into(),
                secret: None,
                tier: Tier::Full,
                require_app_secret: false,
                must_use_expiring_tokens: false,
                permissions: None,
                unclaimed: true,
            });
        }
        for i in 0..plan.ad_accounts {
            let mut acct = ad_account(&mut var, plan.name, i);
            acct.id = Some(format!("act_{}", rng.numeric_id("3100", 11)));
            b.ad_accounts.push(acct);
        }
        for p in plan.pages {
            let mut page = named(p.to_string());
            page.id = Some(rng.numeric_id("1091", 11));
            page.category = Some("Retail Company".into());
            b.pages.push(page);
        }
        let mut cat = named(format!("{} Catalog", plan.name));
        cat.id = Some(rng.numeric_id("4101", 11));
        cat.vertical = Some("commerce".into());
        cat.product_count = Some(120 + var.below(800) as u32);
        b.catalogs.push(cat);
        let mut px = named(format!("{} Pixel", plan.name));
        px.id = Some(rng.numeric_id("4201", 11));
        b.pixels.push(px);
        let mut ig = named(plan.name.to_string());
        ig.id = Some(rng.numeric_id("1785", 11));
        ig.username = Some(plan.name.to_lowercase().replace([' ', '&'], ""));
        b.instagram_accounts.push(ig);
        let mut w = named(format!("{} Support", plan.name));
        w.id = Some(rng.numeric_id("1151", 11));
        w.currency = Some("USD".into());
        b.whatsapp_business_accounts.push(w);

        // Share most of the client's assets with the agency (agency access).
        let share = |asset: &Option<String>, tasks: &[&str]| ShareSpec {
            asset: asset.clone().unwrap_or_default(),
            with: agency_id.clone(),
            permitted_tasks: tasks.iter().map(|t| t.to_string()).collect(),
        };
        let mut shares = Vec::new();
        for a in b.ad_accounts.iter().take(plan.ad_accounts * 4 / 5) {
            shares.push(share(&a.id, &["MANAGE", "ADVERTISE", "ANALYZE"]));
        }
        for p in &b.pages {
            shares.push(share(
                &p.id,
                &["MANAGE", "CREATE_CONTENT", "MODERATE", "ADVERTISE", "ANALYZE"],
            ));
        }
        shares.push(share(&b.catalogs[0].id, &["MANAGE", "ADVERTISE"]));
        shares.push(share(&b.pixels[0].id, &["ADVERTISE", "ANALYZE", "EDIT", "UPLOAD"]));
        shares.push(share(&b.instagram_accounts[0].id, &["ADVERTISE", "ANALYZE", "CONTENT"]));
        shares.push(share(&b.whatsapp_business_accounts[0].id, &["MANAGE", "DEVELOP"]));
        if let Some(app) = b.apps.iter().find(|a| !a.unclaimed) {
            shares.push(share(&app.id, &["MANAGE", "DEVELOP"]));
        }
        b.shares = shares;
        businesses.push(b);
    }
    Fixture { name: label.to_string(), businesses, faults: None, limits: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_shape() {
        let f = Fixture::demo();
        let accounts: usize = f.businesses.iter().map(|b| b.ad_accounts.len()).sum();
        assert!((2_400..=2_600).contains(&accounts), "{accounts}");
        assert_eq!(f.businesses[0].apps[0].tier, Tier::Full);
        assert!(f.businesses.iter().any(|b| b.apps.len() == 1 && b.apps[0].tier == Tier::Limited));
        assert_eq!(f.businesses[0].clients.len(), 3);
        // Same input, same fixture.
        let again = serde_json::to_string(&Fixture::demo()).unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), again);
    }

    #[test]
    fn scale_bounds() {
        assert!(Fixture::scale(0).is_err());
        assert!(Fixture::scale(100_001).is_err());
        assert_eq!(Fixture::scale(1_000).unwrap().businesses[0].ad_accounts.len(), 1_000);
        let m = Fixture::parse_arg("matrix:600").unwrap();
        assert_eq!(m.businesses[0].system_users.len(), 20);
        assert_eq!(m.businesses[0].ad_accounts.len(), 600);
        assert!(
            m.businesses[0].assignments.len() > 18 * 99,
            "{}",
            m.businesses[0].assignments.len()
        );
    }
}
