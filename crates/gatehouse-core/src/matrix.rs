//! The access matrix: every asset the business owns or is shared, against its system users,
//! each cell the tasks one holds on one asset (read, can change, full control at a glance).
//! It answers "who can touch this ad account?", which Business Suite answers one asset at a
//! time. Admin system users reach every asset without an assignment: they are a column marked
//! so, not cells.
//!
//! Loading uses the paging and concurrency the client already has: one listing per kind and
//! relation, then each system user's assignments per kind.

use futures::future::try_join_all;
use gatehouse_graph::{AssetKind, ListOptions, Relation};
use serde::Serialize;

use crate::access::{access_level, AccessLevel};
use crate::{Portfolio, Result, Role};

/// A system user, one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixUser {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// An admin reaches every asset of the business whatever its cells say.
    pub reaches_everything: bool,
}

/// An asset, one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixAsset {
    pub kind: AssetKind,
    pub id: String,
    pub name: String,
    pub relation: Relation,
    /// "Owned", "Shared by Lucky Shrub" or "Shared by a client" (its owner not named).
    pub relation_label: String,
    /// Which client shared it (an index into [`AccessMatrix::clients`]); none for the
    /// portfolio's own assets and for a shared one whose owner Meta does not name (Instagram).
    pub client: Option<u32>,
    /// How many regular system users hold it (admins reach it anyway).
    pub holders: u32,
    /// The widest access a regular system user has on it, when one has any.
    pub widest: Option<AccessLevel>,
}

/// A client business whose assets are shared with the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixClient {
    pub id: String,
    /// Its name, or its ID when Meta did not send one.
    pub name: String,
    /// How many of its assets the portfolio reaches.
    pub assets: u32,
}

/// An access level with its words (for the legend and each cell's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LevelLabel {
    pub level: AccessLevel,
    pub label: String,
}

/// One (asset, system user) pair with tasks; `asset` and `user` index the lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatrixCell {
    pub asset: u32,
    pub user: u32,
    pub tasks: Vec<String>,
    pub access: AccessLevel,
}

/// The matrix of one portfolio.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccessMatrix {
    pub business_id: String,
    pub users: Vec<MatrixUser>,
    pub assets: Vec<MatrixAsset>,
    pub cells: Vec<MatrixCell>,
    /// The clients whose assets are shared with it, by name.
    pub clients: Vec<MatrixClient>,
    /// Assets no regular system user holds (only admins reach them).
    pub unassigned: u32,
    /// In words, for the top of the screen and the export.
    pub summary: String,
    /// Each admin system user and what it reaches implicitly (the least-privilege view).
    pub admin_notes: Vec<String>,
    /// The access levels' words.
    pub levels: Vec<LevelLabel>,
}

fn relation_label(relation: Relation) -> String {
    match relation {
        Relation::Owned => "Owned".to_owned(),
        Relation::Client => "Shared by a client".to_owned(),
    }
}

impl Portfolio {
    /// Reads every asset (owned and shared) and every system user's assignments. `progress`
    /// gets (reads done, reads in all) as they finish.
    pub async fn access_matrix(
        &self,
        progress: impl Fn(u32, u32) + Send + Sync,
    ) -> Result<AccessMatrix> {
        let session = self.session();
        let business = self.business_id();
        let kinds: Vec<AssetKind> =
            AssetKind::ALL.into_iter().filter(|k| *k != AssetKind::App).collect();
        let (users, _) = session.system_users(business).collect_all().await?;
        self.remember_users(&users);
        let total = u32::try_from(kinds.len() * 2 + users.len() * kinds.len()).unwrap_or(u32::MAX);
        let done = std::sync::atomic::AtomicU32::new(0);
        let tick = || progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
        let tick = &tick;

        let listings = try_join_all(kinds.iter().flat_map(|&kind| {
            [Relation::Owned, Relation::Client].map(|relation| async move {
                let (list, _) = session
                    .assets(business, kind, relation, &ListOptions::default())
                    .collect_all()
                    .await?;
                tick();
                Ok::<_, gatehouse_graph::GraphError>((kind, relation, list))
            })
        }));
        let holdings = try_join_all(users.iter().flat_map(|u| {
            kinds.iter().map(move |&kind| async move {
                let (list, _) = session.system_user_assets(&u.id, kind).collect_all().await?;
                tick();
                Ok::<_, gatehouse_graph::GraphError>((u.id.clone(), kind, list))
            })
        }));
        let (listings, holdings) = futures::try_join!(listings, holdings)?;

        let mut assets: Vec<MatrixAsset> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut clients: Vec<MatrixClient> = Vec::new();
        for (kind, relation, list) in listings {
            for a in list {
                let key = (kind, crate::access::target_id(&a.id));
                if index.contains_key(&key) {
                    continue;
                }
                let client = a.owner_business.as_ref().filter(|o| o.id != business).map(|owner| {
                    let at = clients.iter().position(|c| c.id == owner.id).unwrap_or_else(|| {
                        clients.push(MatrixClient {
                            id: owner.id.clone(),
                            name: owner.name.clone().unwrap_or_else(|| owner.id.clone()),
                            assets: 0,
                        });
                        clients.len() - 1
                    });
                    clients[at].assets += 1;
                    u32::try_from(at).unwrap_or(u32::MAX)
                });
                let relation_label = match client {
                    Some(c) => format!("Shared by {}", clients[c as usize].name),
                    None => relation_label(relation),
                };
                index.insert(key, assets.len());
                assets.push(MatrixAsset {
                    kind,
                    name: a.label().to_owned(),
                    id: a.id,
                    relation,
                    relation_label,
                    client,
                    holders: 0,
                    widest: None,
                });
            }
        }
        // Clients by name; the assets' indexes follow.
        let mut order: Vec<usize> = (0..clients.len()).collect();
        order.sort_by(|&a, &b| clients[a].name.to_lowercase().cmp(&clients[b].name.to_lowercase()));
        let mut new_index = vec![0u32; clients.len()];
        for (to, &from) in order.iter().enumerate() {
            new_index[from] = u32::try_from(to).unwrap_or(u32::MAX);
        }
        let clients: Vec<MatrixClient> = order.iter().map(|&i| clients[i].clone()).collect();
        for a in &mut assets {
            a.client = a.client.map(|c| new_index[c as usize]);
        }
        let matrix_users: Vec<MatrixUser> = users
            .iter()
            .map(|u| {
                let s = crate::portfolio::summary(u);
                MatrixUser {
                    reaches_everything: s.role == Role::Admin,
                    id: s.id,
                    name: s.name,
                    role: s.role,
                }
            })
            .collect();
        let mut cells = Vec::new();
        for (user_id, kind, list) in holdings {
            let Some(user) = matrix_users.iter().position(|u| u.id == user_id) else { continue };
            for held in list {
                let key = (kind, crate::access::target_id(&held.id));
                // An asset assigned but not listed for the business (shared and then
                // withdrawn, say): listed with what is known of it.
                let asset = *index.entry(key).or_insert_with(|| {
                    assets.push(MatrixAsset {
                        kind,
                        name: held.label().to_owned(),
                        id: held.id.clone(),
                        relation: Relation::Client,
                        relation_label: relation_label(Relation::Client),
                        client: None,
                        holders: 0,
                        widest: None,
                    });
                    assets.len() - 1
                });
                let access = access_level(kind, &held.tasks);
                if !matrix_users[user].reaches_everything {
                    let a = &mut assets[asset];
                    a.holders += 1;
                    a.widest = Some(match a.widest {
                        Some(w) if w.rank() >= access.rank() => w,
                        _ => access,
                    });
                }
                cells.push(MatrixCell {
                    asset: u32::try_from(asset).unwrap_or(u32::MAX),
                    user: u32::try_from(user).unwrap_or(u32::MAX),
                    tasks: held.tasks,
                    access,
                });
            }
        }
        let unassigned =
            u32::try_from(assets.iter().filter(|a| a.holders == 0).count()).unwrap_or(0);
        let regular = matrix_users.iter().filter(|u| !u.reaches_everything).count();
        let summary = format!(
            "{} assets, {} system users ({} admin). {} assets are held by no regular system user.",
            crate::jobs::thousands(u32::try_from(assets.len()).unwrap_or(u32::MAX)),
            matrix_users.len(),
            matrix_users.len() - regular,
            crate::jobs::thousands(unassigned),
        );
        let admin_notes = matrix_users
            .iter()
            .filter(|u| u.reaches_everything)
            .map(|u| {
                format!(
                    "“{}” is an admin: it reaches all {} assets, whatever is assigned to it. For \
                     day-to-day work a regular system user with only the assets and tasks its job \
                     needs is safer.",
                    u.name,
                    crate::jobs::thousands(u32::try_from(assets.len()).unwrap_or(u32::MAX))
                )
            })
            .collect();
        Ok(AccessMatrix {
            business_id: business.to_owned(),
            users: matrix_users,
            assets,
            cells,
            clients,
            unassigned,
            summary,
            admin_notes,
            levels: [AccessLevel::Read, AccessLevel::Write, AccessLevel::Full]
                .into_iter()
                .map(|level| LevelLabel { level, label: level.label().to_owned() })
                .collect(),
        })
    }
}

/// The matrix as a CSV file for a client's access review: one row per asset, one column per
/// system user, each cell its tasks (`ADVERTISE+ANALYZE`), "admin" for an admin's column.
pub fn matrix_csv(m: &AccessMatrix) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "kind".to_owned(),
        "asset id".to_owned(),
        "asset name".to_owned(),
        "relation".to_owned(),
        "client".to_owned(),
    ];
    header.extend(m.users.iter().map(|u| format!("{} ({})", u.name, u.id)));
    let _ = out.write_record(header.iter().map(|c| crate::audit::csv_cell(c).into_owned()));
    let mut grid = vec![vec![String::new(); m.users.len()]; m.assets.len()];
    for c in &m.cells {
        if let Some(cell) =
            grid.get_mut(c.asset as usize).and_then(|row| row.get_mut(c.user as usize))
        {
            *cell = c.tasks.join("+");
        }
    }
    for (a, row) in m.assets.iter().zip(grid) {
        let mut record = vec![
            a.kind.as_str().to_owned(),
            a.id.clone(),
            a.name.clone(),
            match a.relation {
                Relation::Owned => "owned".to_owned(),
                Relation::Client => "shared".to_owned(),
            },
            a.client
                .and_then(|c| m.clients.get(c as usize))
                .map(|c| format!("{} ({})", c.name, c.id))
                .unwrap_or_default(),
        ];
        record.extend(row.into_iter().zip(&m.users).map(|(tasks, u)| {
            if u.reaches_everything && tasks.is_empty() {
                "admin".to_owned()
            } else {
                tasks
            }
        }));
        let _ = out.write_record(record.iter().map(|c| crate::audit::csv_cell(c).into_owned()));
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}
