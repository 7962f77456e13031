//! The emulator's in-memory world: businesses, users, assets, assignments and tokens, indexed so
//! that lookups are O(1) and listings walk plain `Vec`s.

use std::collections::HashMap;

use serde::Serialize;

use crate::errors::EmulatorError;
use crate::fixture::{AssetSpec, BusinessSpec, Fixture, Role, Tier};
use crate::model::{AssetKind, ALL_KINDS, FIXTURE_SCOPES};
use crate::rng::Rng;

pub type BizIx = usize;
pub type UserIx = usize;
pub type AssetIx = usize;
pub type TokenIx = usize;

pub const SIXTY_DAYS: i64 = 60 * 24 * 3600;

#[derive(Debug, Clone)]
pub struct Business {
    pub id: String,
    pub name: String,
    pub created_time: i64,
    pub verification_status: String,
    pub vertical: String,
    /// Per asset kind (`AssetKind::ix`), the assets this business owns, in creation order.
    pub owned: [Vec<AssetIx>; 7],
    /// Per asset kind, assets other businesses shared with this one.
    pub client: [Vec<AssetIx>; 7],
    /// System users in creation order (including removed OBO ones, flagged on the user).
    pub system_users: Vec<UserIx>,
    pub people: Vec<UserIx>,
    /// Businesses this one manages through On Behalf Of.
    pub clients: Vec<BizIx>,
    /// Apps its admins develop that it has not claimed (`AppSpec::unclaimed`).
    pub developer_apps: Vec<AssetIx>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKind {
    SystemUser,
    Person,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub name: String,
    pub kind: UserKind,
    pub business: BizIx,
    pub role: Role,
    pub created_time: i64,
    /// Apps installed for this system user (`POST /{su}/applications`).
    pub installed_apps: Vec<AssetIx>,
    /// Assets explicitly assigned to this user, in assignment order.
    pub assigned: Vec<AssetIx>,
    /// Set for system users created by On Behalf Of: the partner business.
    pub obo_partner: Option<BizIx>,
    /// OBO system users are removed with their relationship; their tokens die with them.
    pub removed: bool,
    pub created_by: Option<UserIx>,
}

#[derive(Debug, Clone)]
pub enum AssetAttrs {
    Page { category: String },
    AdAccount { currency: String, account_status: u8, tos_accepted: bool, timezone_name: String },
    Catalog { vertical: String, product_count: u32 },
    Pixel,
    Instagram { username: String },
    Waba { currency: String, timezone_name: String },
    App(AppInfo),
}

#[derive(Debug, Clone)]
pub struct AppInfo {
    pub secret: String,
    pub tier: Tier,
    pub require_app_secret: bool,
    pub must_use_expiring_tokens: bool,
    /// What the app's use cases make available; `None`: everything.
    pub permissions: Option<Vec<String>>,
    /// In the owner's `owned_apps`; until then the owner is only its developers' business.
    pub claimed: bool,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub user: UserIx,
    pub tasks: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub kind: AssetKind,
    /// Node ID (`act_<n>` for ad accounts).
    pub id: String,
    pub name: String,
    pub owner: BizIx,
    pub attrs: AssetAttrs,
    pub assigned: Vec<Assignment>,
    /// Businesses this asset is shared with, with the tasks they may hand out.
    pub shared: Vec<(BizIx, Vec<&'static str>)>,
}

impl Asset {
    pub fn app(&self) -> Option<&AppInfo> {
        match &self.attrs {
            AssetAttrs::App(info) => Some(info),
            _ => None,
        }
    }

    /// The ID without the `act_` prefix (ad accounts' `account_id`, `target_ids`).
    pub fn numeric_id(&self) -> &str {
        self.id.strip_prefix("act_").unwrap_or(&self.id)
    }

    pub fn tasks_of(&self, user: UserIx) -> Option<&[&'static str]> {
        self.assigned.iter().find(|a| a.user == user).map(|a| a.tasks.as_slice())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenKind {
    User,
    SystemUser,
    Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Valid,
    /// `GET /oauth/revoke`.
    Revoked,
    /// `DELETE /{su}/access_tokens`, or the OBO relationship was removed.
    Invalidated,
}

#[derive(Debug, Clone)]
pub struct Token {
    pub value: String,
    pub kind: TokenKind,
    pub user: UserIx,
    pub app: AssetIx,
    pub scopes: Vec<String>,
    pub issued_at: i64,
    /// Unix seconds; 0 = never.
    pub expires_at: i64,
    pub status: TokenStatus,
    /// Page tokens: the Page, and the token they were derived from.
    pub page: Option<AssetIx>,
    pub parent: Option<TokenIx>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRef {
    Business(BizIx),
    User(UserIx),
    Asset(AssetIx),
}

/// What the manifest reports for one business.
#[derive(Debug, Clone, Default)]
pub struct BusinessTokens {
    pub admin_token: Option<String>,
    pub user_token: Option<String>,
}

#[derive(Debug)]
pub struct State {
    pub businesses: Vec<Business>,
    pub users: Vec<User>,
    pub assets: Vec<Asset>,
    pub tokens: Vec<Token>,
    pub index: HashMap<String, NodeRef>,
    pub token_index: HashMap<String, TokenIx>,
    /// Tokens issued per user, so invalidation does not scan every token.
    pub user_tokens: HashMap<UserIx, Vec<TokenIx>>,
    pub manifest_tokens: Vec<BusinessTokens>,
    /// Page tokens already derived, per (parent token, Page), so `/me/accounts` is stable.
    pub page_tokens: HashMap<(TokenIx, AssetIx), TokenIx>,
    /// IDs and tokens.
    pub rng: Rng,
    /// `fbtrace_id`s, on their own stream so errors do not shift the IDs of later objects.
    pub trace_rng: Rng,
    /// Seconds added to the wall clock (control endpoint `clock`), to test expiry.
    pub clock_offset: i64,
    /// Bumped by every applied write; lets the server tell writes from reads.
    pub writes: u64,
    pub fixture_name: String,
    /// The login dialog's browser: who is signed in to Facebook there (control endpoint
    /// `login`).
    pub login_browser: crate::login::LoginBrowser,
    /// Codes the login dialog answered (`response_type=code`), until exchanged.
    pub login_codes: HashMap<String, crate::login::LoginCode>,
}

fn ensure_id(id: &Option<String>, rng: &mut Rng, prefix: &str) -> String {
    id.clone().unwrap_or_else(|| rng.numeric_id(prefix, 11))
}

impl State {
    pub fn now(&self) -> i64 {
        let wall = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        wall + self.clock_offset
    }

    pub fn build(fixture: &Fixture, seed: u64) -> Result<Self, EmulatorError> {
        let mut rng = Rng::new(seed);
        let mut st = State {
            businesses: Vec::new(),
            users: Vec::new(),
            assets: Vec::new(),
            tokens: Vec::new(),
            index: HashMap::new(),
            token_index: HashMap::new(),
            user_tokens: HashMap::new(),
            manifest_tokens: Vec::new(),
            page_tokens: HashMap::new(),
            rng: rng.fork(1),
            trace_rng: rng.fork(2),
            clock_offset: 0,
            writes: 0,
            fixture_name: fixture.name.clone(),
            login_browser: Default::default(),
            login_codes: HashMap::new(),
        };
        let created = st.now() - 400 * 24 * 3600;
        // Pass 1: businesses, so references between them resolve in any order.
        for spec in &fixture.businesses {
            let id = ensure_id(&spec.id, &mut rng, "1000");
            st.insert_index(&id, NodeRef::Business(st.businesses.len()))?;
            st.businesses.push(Business {
                id,
                name: spec.name.clone(),
                created_time: created,
                verification_status: spec
                    .verification_status
                    .clone()
                    .unwrap_or_else(|| "verified".into()),
                vertical: spec.vertical.clone().unwrap_or_else(|| "OTHER".into()),
                owned: Default::default(),
                client: Default::default(),
                system_users: Vec::new(),
                people: Vec::new(),
                clients: Vec::new(),
                developer_apps: Vec::new(),
            });
        }
        // Pass 2: apps, users and assets.
        for (b, spec) in fixture.businesses.iter().enumerate() {
            st.load_business(b, spec, &mut rng, created)?;
        }
        // Pass 3: relationships, shares and assignments.
        for (b, spec) in fixture.businesses.iter().enumerate() {
            for c in &spec.clients {
                let cb = st.business_ix(c)?;
                st.businesses[b].clients.push(cb);
            }
            for share in &spec.shares {
                let a = st.asset_ix(&share.asset)?;
                if st.assets[a].owner != b {
                    return Err(EmulatorError::Fixture(format!(
                        "business {} shares asset {} it does not own",
                        st.businesses[b].id, share.asset
                    )));
                }
                let with = st.business_ix(&share.with)?;
                let tasks = st.static_tasks(st.assets[a].kind, &share.permitted_tasks)?;
                st.assets[a].shared.push((with, tasks));
                let kind = st.assets[a].kind;
                st.businesses[with].client[kind.ix()].push(a);
            }
            for asg in &spec.assignments {
                let a = st.asset_ix(&asg.asset)?;
                let u = match st.index.get(&asg.user) {
                    Some(NodeRef::User(u)) => *u,
                    _ => return Err(EmulatorError::Fixture(format!("unknown user {}", asg.user))),
                };
                if st.business_reach(a, st.users[u].business).is_none() {
                    return Err(EmulatorError::Fixture(format!(
                        "user {} cannot be assigned asset {}: its business neither owns it nor was \
                         shared it",
                        asg.user, asg.asset
                    )));
                }
                let tasks = st.static_tasks(st.assets[a].kind, &asg.tasks)?;
                st.assign(a, u, tasks);
            }
        }
        // Pass 4: the tokens the manifest hands out, issued for each business's first app.
        for b in 0..st.businesses.len() {
            let biz = &st.businesses[b];
            let app = biz.owned[AssetKind::App.ix()]
                .first()
                .or_else(|| biz.developer_apps.first())
                .copied()
                .or_else(|| {
                    // A business without an app logs its admin in through its partner's app (OBO).
                    st.businesses
                        .iter()
                        .find(|p| p.clients.contains(&b))
                        .and_then(|p| p.owned[AssetKind::App.ix()].first().copied())
                });
            let mut toks = BusinessTokens::default();
            if let Some(app) = app {
                let scopes: Vec<String> = FIXTURE_SCOPES.iter().map(|s| s.to_string()).collect();
                let admin_su = st.businesses[b]
                    .system_users
                    .iter()
                    .copied()
                    .find(|&u| st.users[u].role == Role::Admin);
                if let Some(su) = admin_su {
                    if st.users[su].installed_apps.contains(&app) {
                        let t = st.issue_token(TokenKind::SystemUser, su, app, scopes.clone(), 0);
                        toks.admin_token = Some(st.tokens[t].value.clone());
                    }
                }
                let person = st.businesses[b]
                    .people
                    .iter()
                    .copied()
                    .find(|&u| st.users[u].role == Role::Admin);
                if let Some(p) = person {
                    let t = st.issue_token(TokenKind::User, p, app, scopes, 0);
                    toks.user_token = Some(st.tokens[t].value.clone());
                }
            }
            st.manifest_tokens.push(toks);
        }
        Ok(st)
    }

    fn load_business(
        &mut self,
        b: BizIx,
        spec: &BusinessSpec,
        rng: &mut Rng,
        created: i64,
    ) -> Result<(), EmulatorError> {
        for app in &spec.apps {
            let id = ensure_id(&app.id, rng, "5550");
            let secret = app.secret.clone().unwrap_or_else(|| {
                (0..32).map(|_| char::from(b"0123456789abcdef"[rng.below(16) as usize])).collect()
            });
            let info = AppInfo {
                secret,
                tier: app.tier,
                require_app_secret: app.require_app_secret,
                must_use_expiring_tokens: app.must_use_expiring_tokens,
                permissions: app.permissions.clone(),
                claimed: !app.unclaimed,
            };
            let a =
                self.add_asset(b, AssetKind::App, id, app.name.clone(), AssetAttrs::App(info))?;
            if app.unclaimed {
                self.businesses[b].owned[AssetKind::App.ix()].retain(|&x| x != a);
                self.businesses[b].developer_apps.push(a);
            }
        }
        let kinds: [(AssetKind, &Vec<AssetSpec>, &str); 6] = [
            (AssetKind::Page, &spec.pages, "1090"),
            (AssetKind::AdAccount, &spec.ad_accounts, "3000"),
            (AssetKind::Catalog, &spec.catalogs, "4100"),
            (AssetKind::Pixel, &spec.pixels, "4200"),
            (AssetKind::Instagram, &spec.instagram_accounts, "1784"),
            (AssetKind::Waba, &spec.whatsapp_business_accounts, "1150"),
        ];
        for (kind, list, prefix) in kinds {
            self.assets.reserve(list.len());
            self.index.reserve(list.len());
            for a in list {
                let mut id = ensure_id(&a.id, rng, prefix);
                if kind == AssetKind::AdAccount && !id.starts_with("act_") {
                    id = format!("act_{id}");
                }
                let attrs = attrs_for(kind, a);
                self.add_asset(b, kind, id, a.name.clone(), attrs)?;
            }
        }
        let first_app = self.businesses[b].owned[AssetKind::App.ix()].first().copied();
        for su in &spec.system_users {
            let id = ensure_id(&su.id, rng, "6100");
            let apps = match &su.installed_apps {
                Some(ids) => ids.iter().map(|i| self.asset_ix(i)).collect::<Result<Vec<_>, _>>()?,
                None => first_app.into_iter().collect(),
            };
            let u =
                self.add_user(b, id, su.name.clone(), UserKind::SystemUser, su.role, created)?;
            self.users[u].installed_apps = apps;
        }
        for p in &spec.people {
            let id = ensure_id(&p.id, rng, "1001");
            self.add_user(b, id, p.name.clone(), UserKind::Person, p.role, created)?;
        }
        Ok(())
    }

    fn insert_index(&mut self, id: &str, node: NodeRef) -> Result<(), EmulatorError> {
        if self.index.insert(id.to_string(), node).is_some() {
            return Err(EmulatorError::Fixture(format!("duplicate ID {id}")));
        }
        Ok(())
    }

    fn add_asset(
        &mut self,
        owner: BizIx,
        kind: AssetKind,
        id: String,
        name: String,
        attrs: AssetAttrs,
    ) -> Result<AssetIx, EmulatorError> {
        let ix = self.assets.len();
        self.insert_index(&id, NodeRef::Asset(ix))?;
        self.assets.push(Asset {
            kind,
            id,
            name,
            owner,
            attrs,
            assigned: Vec::new(),
            shared: Vec::new(),
        });
        self.businesses[owner].owned[kind.ix()].push(ix);
        Ok(ix)
    }

    pub fn add_user(
        &mut self,
        business: BizIx,
        id: String,
        name: String,
        kind: UserKind,
        role: Role,
        created_time: i64,
    ) -> Result<UserIx, EmulatorError> {
        let ix = self.users.len();
        self.insert_index(&id, NodeRef::User(ix))?;
        self.users.push(User {
            id,
            name,
            kind,
            business,
            role,
            created_time,
            installed_apps: Vec::new(),
            assigned: Vec::new(),
            obo_partner: None,
            removed: false,
            created_by: None,
        });
        match kind {
            UserKind::SystemUser => self.businesses[business].system_users.push(ix),
            UserKind::Person => self.businesses[business].people.push(ix),
        }
        Ok(ix)
    }

    fn static_tasks(
        &self,
        kind: AssetKind,
        tasks: &[String],
    ) -> Result<Vec<&'static str>, EmulatorError> {
        intern_tasks(kind, tasks).map_err(|bad| {
            EmulatorError::Fixture(format!("task {bad} is not valid on {}", kind.node_type()))
        })
    }

    fn business_ix(&self, id: &str) -> Result<BizIx, EmulatorError> {
        match self.index.get(id) {
            Some(NodeRef::Business(b)) => Ok(*b),
            _ => Err(EmulatorError::Fixture(format!("unknown business {id}"))),
        }
    }

    fn asset_ix(&self, id: &str) -> Result<AssetIx, EmulatorError> {
        match self.index.get(id) {
            Some(NodeRef::Asset(a)) => Ok(*a),
            _ => Err(EmulatorError::Fixture(format!("unknown asset {id}"))),
        }
    }

    /// Grants (or replaces) `tasks` on asset `a` for user `u`.
    pub fn assign(&mut self, a: AssetIx, u: UserIx, tasks: Vec<&'static str>) {
        let asset = &mut self.assets[a];
        if let Some(existing) = asset.assigned.iter_mut().find(|x| x.user == u) {
            existing.tasks = tasks;
        } else {
            asset.assigned.push(Assignment { user: u, tasks });
            self.users[u].assigned.push(a);
        }
    }

    /// Removes user `u` from asset `a`; false when it was not assigned.
    pub fn unassign(&mut self, a: AssetIx, u: UserIx) -> bool {
        let before = self.assets[a].assigned.len();
        self.assets[a].assigned.retain(|x| x.user != u);
        self.users[u].assigned.retain(|&x| x != a);
        before != self.assets[a].assigned.len()
    }

    pub fn issue_token(
        &mut self,
        kind: TokenKind,
        user: UserIx,
        app: AssetIx,
        scopes: Vec<String>,
        expires_at: i64,
    ) -> TokenIx {
        let value = self.rng.token();
        let ix = self.tokens.len();
        self.tokens.push(Token {
            value: value.clone(),
            kind,
            user,
            app,
            scopes,
            issued_at: self.now(),
            expires_at,
            status: TokenStatus::Valid,
            page: None,
            parent: None,
        });
        self.token_index.insert(value, ix);
        self.user_tokens.entry(user).or_default().push(ix);
        ix
    }

    /// The Page token derived from `parent` for `page` (issued once, then reused).
    pub fn page_token(&mut self, parent: TokenIx, page: AssetIx) -> TokenIx {
        if let Some(&t) = self.page_tokens.get(&(parent, page)) {
            return t;
        }
        let p = self.tokens[parent].clone();
        let t = self.issue_token(TokenKind::Page, p.user, p.app, p.scopes, p.expires_at);
        self.tokens[t].page = Some(page);
        self.tokens[t].parent = Some(parent);
        self.page_tokens.insert((parent, page), t);
        t
    }

    /// Marks every token of `user` (and Page tokens derived from them) as invalidated.
    pub fn invalidate_user_tokens(&mut self, user: UserIx) -> usize {
        let list = self.user_tokens.get(&user).cloned().unwrap_or_default();
        let mut n = 0;
        for t in list {
            if self.tokens[t].status == TokenStatus::Valid {
                self.tokens[t].status = TokenStatus::Invalidated;
                n += 1;
            }
        }
        n
    }

    /// Whether `b` may use assets that `owner` shared or owns: the owner itself or a business the
    /// asset is shared with.
    pub fn business_reach(&self, a: AssetIx, b: BizIx) -> Option<Vec<&'static str>> {
        let asset = &self.assets[a];
        if self.owns(b, a) {
            return Some(asset.kind.tasks().to_vec());
        }
        asset.shared.iter().find(|(s, _)| *s == b).map(|(_, t)| t.clone())
    }

    /// `b` owns asset `a` (an app only once claimed).
    pub fn owns(&self, b: BizIx, a: AssetIx) -> bool {
        let asset = &self.assets[a];
        asset.owner == b && asset.app().is_none_or(|info| info.claimed)
    }

    pub fn apps_of(&self, b: BizIx) -> &[AssetIx] {
        &self.businesses[b].owned[AssetKind::App.ix()]
    }

    /// The highest tier among the apps the business owns; `None` without an app.
    pub fn business_tier(&self, b: BizIx) -> Option<Tier> {
        self.apps_of(b)
            .iter()
            .filter_map(|&a| self.assets[a].app().map(|i| i.tier))
            .max_by_key(|t| matches!(t, Tier::Full))
    }

    pub fn all_kinds() -> [AssetKind; 7] {
        ALL_KINDS
    }
}

/// Maps task names onto the static enum of `kind`; the first invalid name is the error.
pub fn intern_tasks(kind: AssetKind, tasks: &[String]) -> Result<Vec<&'static str>, String> {
    let mut out: Vec<&'static str> = Vec::with_capacity(tasks.len());
    for t in tasks {
        let t = t.trim();
        match kind.tasks().iter().find(|k| k.eq_ignore_ascii_case(t)) {
            Some(k) => {
                if !out.contains(k) {
                    out.push(k);
                }
            }
            None => return Err(t.to_string()),
        }
    }
    Ok(out)
}

fn attrs_for(kind: AssetKind, a: &AssetSpec) -> AssetAttrs {
    match kind {
        AssetKind::Page => {
            AssetAttrs::Page { category: a.category.clone().unwrap_or_else(|| "Brand".into()) }
        }
        AssetKind::AdAccount => AssetAttrs::AdAccount {
            currency: a.currency.clone().unwrap_or_else(|| "USD".into()),
            account_status: a.account_status.unwrap_or(1),
            tos_accepted: a.tos_accepted.unwrap_or(true),
            timezone_name: a.timezone_name.clone().unwrap_or_else(|| "America/Los_Angeles".into()),
        },
        AssetKind::Catalog => AssetAttrs::Catalog {
            vertical: a.vertical.clone().unwrap_or_else(|| "commerce".into()),
            product_count: a.product_count.unwrap_or(0),
        },
        AssetKind::Pixel => AssetAttrs::Pixel,
        AssetKind::Instagram => AssetAttrs::Instagram {
            username: a.username.clone().unwrap_or_else(|| a.name.to_lowercase().replace(' ', "")),
        },
        AssetKind::Waba => AssetAttrs::Waba {
            currency: a.currency.clone().unwrap_or_else(|| "USD".into()),
            timezone_name: a.timezone_name.clone().unwrap_or_else(|| "America/Los_Angeles".into()),
        },
        AssetKind::App => unreachable!("apps are loaded from AppSpec, not AssetSpec"),
    }
}
