//! The audit log: every change Gatehouse makes at Meta (a system user created or renamed, an
//! asset assigned or taken away with its tasks, an app installed or added to a business, a
//! token generated, refreshed or revoked by its fingerprint, …), with when, in which portfolio,
//! from which surface (the app or the CLI) and how it ended. Meta keeps no such record a
//! portfolio's admins can read, so Gatehouse keeps its own.
//!
//! It lives in the local database ([`Store`]), append-only (triggers refuse an update or a
//! delete) and hash-chained: each entry's hash covers the one before it, so an entry edited or
//! removed in the file is found by [`Store::verify_audit_log`]. Entries are written in the same
//! SQLite transaction as the change they describe where there is one (a job's outcomes), and
//! in their own otherwise; an `IMMEDIATE` transaction takes the last hash and appends, so the
//! app and the CLI writing at once still make one chain. Never a secret in it: a token appears
//! only as its [`Fingerprint`].
//!
//! Not detectable: entries cut from the end of the chain (nothing outside the file remembers
//! the last hash). The file is the user's own; the chain is there to find an accidental or
//! careless edit, not to stand up to someone who rewrites the whole file.

use std::collections::BTreeMap;
use std::sync::Arc;

use gatehouse_graph::Secret;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{Store, StoreError, StoreResult};

/// Where a change was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// The desktop app.
    App,
    /// The `gatehouse` command line.
    Cli,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::App => "app",
            Actor::Cli => "cli",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Actor::App => "Desktop app",
            Actor::Cli => "Command line",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        [Actor::App, Actor::Cli]
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("audit actor {s:?}")))
    }
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SystemUserCreated,
    SystemUserRenamed,
    AssetAssigned,
    AssetUnassigned,
    AppInstalled,
    /// An app added to (claimed by) the business.
    AppAddedToBusiness,
    TokenGenerated,
    TokenRefreshed,
    TokenRevoked,
    /// Every token of a system user invalidated at once.
    TokensInvalidated,
    /// A client business linked to the partner (Business On Behalf Of).
    ClientLinked,
    ClientRemoved,
}

impl AuditAction {
    pub const ALL: [AuditAction; 12] = [
        AuditAction::SystemUserCreated,
        AuditAction::SystemUserRenamed,
        AuditAction::AssetAssigned,
        AuditAction::AssetUnassigned,
        AuditAction::AppInstalled,
        AuditAction::AppAddedToBusiness,
        AuditAction::TokenGenerated,
        AuditAction::TokenRefreshed,
        AuditAction::TokenRevoked,
        AuditAction::TokensInvalidated,
        AuditAction::ClientLinked,
        AuditAction::ClientRemoved,
    ];

    /// The stored (and `--json`) name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SystemUserCreated => "system_user_created",
            AuditAction::SystemUserRenamed => "system_user_renamed",
            AuditAction::AssetAssigned => "asset_assigned",
            AuditAction::AssetUnassigned => "asset_unassigned",
            AuditAction::AppInstalled => "app_installed",
            AuditAction::AppAddedToBusiness => "app_added_to_business",
            AuditAction::TokenGenerated => "token_generated",
            AuditAction::TokenRefreshed => "token_refreshed",
            AuditAction::TokenRevoked => "token_revoked",
            AuditAction::TokensInvalidated => "tokens_invalidated",
            AuditAction::ClientLinked => "client_linked",
            AuditAction::ClientRemoved => "client_removed",
        }
    }

    /// In words, for the log's filter and rows.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::SystemUserCreated => "System user created",
            AuditAction::SystemUserRenamed => "System user renamed",
            AuditAction::AssetAssigned => "Asset assigned",
            AuditAction::AssetUnassigned => "Asset removed",
            AuditAction::AppInstalled => "App installed",
            AuditAction::AppAddedToBusiness => "App added to the business",
            AuditAction::TokenGenerated => "Token generated",
            AuditAction::TokenRefreshed => "Token refreshed",
            AuditAction::TokenRevoked => "Token revoked",
            AuditAction::TokensInvalidated => "All tokens invalidated",
            AuditAction::ClientLinked => "Client business linked",
            AuditAction::ClientRemoved => "Client business removed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// How a change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcome {
    Succeeded,
    /// Meta refused it (the error code says why).
    Failed,
    /// The answer was lost: it may or may not have happened.
    Unknown,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditOutcome::Succeeded => "succeeded",
            AuditOutcome::Failed => "failed",
            AuditOutcome::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuditOutcome::Succeeded => "Done",
            AuditOutcome::Failed => "Refused",
            AuditOutcome::Unknown => "Outcome unknown",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        [AuditOutcome::Succeeded, AuditOutcome::Failed, AuditOutcome::Unknown]
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("audit outcome {s:?}")))
    }

    /// The outcome of an engine call: refused, or unknown when the answer was lost.
    pub fn of_error(e: &crate::Error) -> Self {
        use gatehouse_errors::Explain;
        match e.code() {
            gatehouse_errors::ErrorCode::CreateAmbiguous
            | gatehouse_errors::ErrorCode::TokenMayHaveBeenIssued
            | gatehouse_errors::ErrorCode::OutcomeUnknown => AuditOutcome::Unknown,
            _ => AuditOutcome::Failed,
        }
    }
}

/// A token as the audit log and the token inventory know it: its last characters and a hash,
/// never the token. (A token is long and random, so its hash cannot be turned back into it.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fingerprint {
    /// The last 6 characters, as Business Suite and Meta's tools show them.
    pub last: String,
    /// The first 16 hex digits of the token's SHA-256.
    pub hash: String,
}

impl Fingerprint {
    pub fn of(token: &Secret) -> Self {
        let value = token.expose();
        let chars: Vec<char> = value.chars().collect();
        let last: String = chars[chars.len().saturating_sub(6)..].iter().collect();
        let digest = Sha256::digest(value.as_bytes());
        Fingerprint { last, hash: hex::encode(&digest[..8]) }
    }

    /// `…abc123 (hash 0123456789abcdef)`.
    pub fn display(&self) -> String {
        format!("…{} ({})", self.last, self.hash)
    }
}

/// A change to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub action: AuditAction,
    /// What it acted on: a system user, an asset, a client business, …
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    /// One sentence, as the log shows it.
    pub summary: String,
    /// The rest (tasks, app, scopes, a fingerprint, …): names and plain values, never a secret.
    pub details: BTreeMap<String, String>,
    pub outcome: AuditOutcome,
    /// The error's code when it did not succeed.
    pub error_code: Option<String>,
}

impl AuditEvent {
    pub fn new(action: AuditAction, summary: impl Into<String>) -> Self {
        AuditEvent {
            action,
            target_id: None,
            target_name: None,
            summary: summary.into(),
            details: BTreeMap::new(),
            outcome: AuditOutcome::Succeeded,
            error_code: None,
        }
    }

    pub fn target(mut self, id: impl Into<String>, name: Option<String>) -> Self {
        self.target_id = Some(id.into());
        self.target_name = name;
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<String>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// The outcome of `result`: done, or refused / unknown with the error's code.
    pub fn ended<T>(mut self, result: &crate::Result<T>) -> Self {
        if let Err(e) = result {
            use gatehouse_errors::Explain;
            self.outcome = AuditOutcome::of_error(e);
            self.error_code = Some(e.code().as_str().to_owned());
        }
        self
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEntry {
    /// 1, 2, 3, … with no gap.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub seq: i64,
    /// Unix seconds.
    pub at_unix: f64,
    pub portfolio_id: String,
    pub business_id: String,
    pub actor: Actor,
    pub action: AuditAction,
    /// [`AuditAction::label`].
    pub action_label: String,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub summary: String,
    pub details: BTreeMap<String, String>,
    pub outcome: AuditOutcome,
    pub error_code: Option<String>,
    /// This entry's link in the chain (hex SHA-256).
    pub hash: String,
}

/// Where changes are recorded, and by whom: handed to a [`crate::Portfolio`] by each surface.
#[derive(Debug, Clone)]
pub struct AuditTrail {
    store: Arc<Store>,
    actor: Actor,
    portfolio_id: String,
}

impl AuditTrail {
    pub fn new(store: Arc<Store>, actor: Actor, portfolio_id: impl Into<String>) -> Self {
        AuditTrail { store, actor, portfolio_id: portfolio_id.into() }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }

    pub fn portfolio_id(&self) -> &str {
        &self.portfolio_id
    }

    /// Appends `events` (one transaction).
    pub fn record(&self, business_id: &str, events: &[AuditEvent]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut conn = self.store.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        append(&tx, self.actor, &self.portfolio_id, business_id, events)?;
        tx.commit()?;
        Ok(())
    }
}

/// The hash before the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Appends `events` inside the caller's write transaction (taken `IMMEDIATE`, so the last hash
/// read here is still the last when the rows go in).
pub(crate) fn append(
    conn: &Connection,
    actor: Actor,
    portfolio_id: &str,
    business_id: &str,
    events: &[AuditEvent],
) -> StoreResult<()> {
    let last: Option<(i64, String)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (mut seq, mut prev) = last.unwrap_or((0, GENESIS.to_owned()));
    let mut insert = conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, portfolio_id, business_id, actor, action, target_id,
             target_name, summary, details, outcome, error_code, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    let at = crate::jobs::now_unix();
    for e in events {
        seq += 1;
        let details = serde_json::to_string(&e.details)
            .map_err(|err| StoreError::Corrupt(format!("audit details: {err}")))?;
        let row = Row {
            seq,
            at,
            portfolio_id: portfolio_id.to_owned(),
            business_id: business_id.to_owned(),
            actor: actor.as_str().to_owned(),
            action: e.action.as_str().to_owned(),
            target_id: e.target_id.clone(),
            target_name: e.target_name.clone(),
            summary: e.summary.clone(),
            details,
            outcome: e.outcome.as_str().to_owned(),
            error_code: e.error_code.clone(),
        };
        let hash = row.hash(&prev);
        insert.execute(params![
            row.seq,
            row.at,
            row.portfolio_id,
            row.business_id,
            row.actor,
            row.action,
            row.target_id,
            row.target_name,
            row.summary,
            row.details,
            row.outcome,
            row.error_code,
            prev,
            hash,
        ])?;
        prev = hash;
    }
    Ok(())
}

/// A row as stored, the part the hash covers.
struct Row {
    seq: i64,
    at: f64,
    portfolio_id: String,
    business_id: String,
    actor: String,
    action: String,
    target_id: Option<String>,
    target_name: Option<String>,
    summary: String,
    details: String,
    outcome: String,
    error_code: Option<String>,
}

impl Row {
    /// SHA-256 of the previous hash and every field, as a JSON array (unambiguous: no field can
    /// run into the next).
    fn hash(&self, prev: &str) -> String {
        let canonical = serde_json::json!([
            prev,
            self.seq,
            // Bit-exact: the stored REAL reads back as the same f64.
            self.at.to_bits(),
            self.portfolio_id,
            self.business_id,
            self.actor,
            self.action,
            self.target_id,
            self.target_name,
            self.summary,
            self.details,
            self.outcome,
            self.error_code,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }

    fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Row, String, String)> {
        Ok((
            Row {
                seq: r.get("seq")?,
                at: r.get("at")?,
                portfolio_id: r.get("portfolio_id")?,
                business_id: r.get("business_id")?,
                actor: r.get("actor")?,
                action: r.get("action")?,
                target_id: r.get("target_id")?,
                target_name: r.get("target_name")?,
                summary: r.get("summary")?,
                details: r.get("details")?,
                outcome: r.get("outcome")?,
                error_code: r.get("error_code")?,
            },
            r.get("prev_hash")?,
            r.get("hash")?,
        ))
    }

    fn entry(self, hash: String) -> StoreResult<AuditEntry> {
        let action = AuditAction::parse(&self.action)
            .ok_or_else(|| StoreError::Corrupt(format!("audit action {:?}", self.action)))?;
        Ok(AuditEntry {
            seq: self.seq,
            at_unix: self.at,
            portfolio_id: self.portfolio_id,
            business_id: self.business_id,
            actor: Actor::parse(&self.actor)?,
            action,
            action_label: action.label().to_owned(),
            target_id: self.target_id,
            target_name: self.target_name,
            summary: self.summary,
            details: serde_json::from_str(&self.details)
                .map_err(|e| StoreError::Corrupt(format!("audit details: {e}")))?,
            outcome: AuditOutcome::parse(&self.outcome)?,
            error_code: self.error_code,
            hash,
        })
    }
}

/// Which entries to list (all when empty), newest first.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct AuditFilter {
    pub portfolio_id: Option<String>,
    pub action: Option<AuditAction>,
    pub actor: Option<Actor>,
    pub outcome: Option<AuditOutcome>,
    /// Words found in the summary, the target or the details (case-insensitive).
    pub text: Option<String>,
    pub since_unix: Option<f64>,
    pub until_unix: Option<f64>,
    /// Entries before this one (the next page).
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub before_seq: Option<i64>,
    /// At most this many ([`AuditFilter::DEFAULT_LIMIT`] when unset).
    pub limit: Option<u32>,
}

impl AuditFilter {
    pub const DEFAULT_LIMIT: u32 = 500;
}

/// What [`Store::verify_audit_log`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditCheck {
    pub entries: u32,
    /// No entry was changed or removed (from the first to the last).
    pub intact: bool,
    /// The first entry that does not fit the chain.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub broken_at: Option<i64>,
    /// In words.
    pub message: String,
}

impl Store {
    /// Entries matching `filter`, newest first.
    pub fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut sql = String::from("SELECT * FROM audit_log WHERE 1 = 1");
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        // `clause` with its `?` numbered as the next value.
        fn bind(
            sql: &mut String,
            values: &mut Vec<rusqlite::types::Value>,
            clause: &str,
            value: rusqlite::types::Value,
        ) {
            values.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", values.len())));
        }
        let text = |s: &str| rusqlite::types::Value::Text(s.to_owned());
        if let Some(p) = &filter.portfolio_id {
            bind(&mut sql, &mut values, " AND portfolio_id = ?", text(p));
        }
        if let Some(a) = filter.action {
            bind(&mut sql, &mut values, " AND action = ?", text(a.as_str()));
        }
        if let Some(a) = filter.actor {
            bind(&mut sql, &mut values, " AND actor = ?", text(a.as_str()));
        }
        if let Some(o) = filter.outcome {
            bind(&mut sql, &mut values, " AND outcome = ?", text(o.as_str()));
        }
        if let Some(t) = filter.since_unix {
            bind(&mut sql, &mut values, " AND at >= ?", t.into());
        }
        if let Some(t) = filter.until_unix {
            bind(&mut sql, &mut values, " AND at < ?", t.into());
        }
        if let Some(s) = filter.before_seq {
            bind(&mut sql, &mut values, " AND seq < ?", s.into());
        }
        if let Some(words) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let escaped = words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            bind(
                &mut sql,
                &mut values,
                " AND (summary || ' ' || ifnull(target_name, '') || ' ' || ifnull(target_id, '') \
                 || ' ' || details) LIKE ? ESCAPE '\\'",
                text(&format!("%{escaped}%")),
            );
        }
        // Pages ask for a few hundred; exports and the link history for everything.
        let limit = filter.limit.unwrap_or(AuditFilter::DEFAULT_LIMIT).max(1);
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT {limit}"));
        let conn = self.lock();
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), Row::read)?;
        let mut out = Vec::new();
        for row in rows {
            let (row, _, hash) = row?;
            out.push(row.entry(hash)?);
        }
        Ok(out)
    }

    /// Walks the whole chain: every entry in order, linked to the one before, with the hash its
    /// fields give.
    pub fn verify_audit_log(&self) -> StoreResult<AuditCheck> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT * FROM audit_log ORDER BY seq")?;
        let rows = stmt.query_map([], Row::read)?;
        let (mut expected_seq, mut prev, mut count) = (1i64, GENESIS.to_owned(), 0u32);
        for row in rows {
            let (row, prev_hash, hash) = row?;
            let broken = |why: &str| AuditCheck {
                entries: count,
                intact: false,
                broken_at: Some(row.seq),
                message: format!(
                    "Entry {} of the audit log {why}: the log was changed outside Gatehouse.",
                    row.seq
                ),
            };
            if row.seq != expected_seq {
                return Ok(AuditCheck {
                    broken_at: Some(expected_seq),
                    ..broken(&format!("follows entry {} (entries are missing)", expected_seq - 1))
                });
            }
            if prev_hash != prev {
                return Ok(broken("does not link to the entry before it"));
            }
            if row.hash(&prev) != hash {
                return Ok(broken("was edited"));
            }
            prev = hash;
            expected_seq += 1;
            count += 1;
        }
        Ok(AuditCheck {
            entries: count,
            intact: true,
            broken_at: None,
            message: format!(
                "All {count} entries are as Gatehouse wrote them (each one's hash covers the one \
                 before it)."
            ),
        })
    }
}

/// How to export the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
}

/// A CSV cell as text only: a cell a spreadsheet would read as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`. Names in the log and the
/// matrix can be chosen by others (a client names the assets it shares).
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// `entries` as a CSV file (one row each, the details as `key=value; …`) or a JSON array.
pub fn export(entries: &[AuditEntry], format: ExportFormat) -> String {
    match format {
        ExportFormat::Json => serde_json::to_string_pretty(entries).unwrap_or_else(|_| "[]".into()),
        ExportFormat::Csv => {
            let mut out = csv::Writer::from_writer(Vec::new());
            let _ = out.write_record([
                "seq",
                "time (UTC)",
                "portfolio",
                "business",
                "surface",
                "action",
                "target id",
                "target name",
                "summary",
                "details",
                "outcome",
                "error code",
                "hash",
            ]);
            for e in entries {
                let details: Vec<String> =
                    e.details.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let record = [
                    e.seq.to_string(),
                    iso_utc(e.at_unix),
                    e.portfolio_id.clone(),
                    e.business_id.clone(),
                    e.actor.as_str().to_owned(),
                    e.action.as_str().to_owned(),
                    e.target_id.clone().unwrap_or_default(),
                    e.target_name.clone().unwrap_or_default(),
                    e.summary.clone(),
                    details.join("; "),
                    e.outcome.as_str().to_owned(),
                    e.error_code.clone().unwrap_or_default(),
                    e.hash.clone(),
                ];
                let _ = out.write_record(record.iter().map(|c| csv_cell(c).into_owned()));
            }
            String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
        }
    }
}

/// `2026-12-05T05:30:00Z` (UTC, to the second).
pub fn iso_utc(unix: f64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(unix.floor() as i64)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// Writes `entries` as `format` into `dir` as `gatehouse-audit-<date>.<ext>` (an export never
/// replaces a file). Returns the file's path.
pub fn write_export(
    entries: &[AuditEntry],
    format: ExportFormat,
    dir: &std::path::Path,
) -> std::io::Result<std::path::PathBuf> {
    write_file(dir, "gatehouse-audit", format.extension(), &export(entries, format))
}

/// Writes `contents` into `dir` as `<stem>-<date>.<extension>` (`-2`, `-3`, … when that name
/// is taken: never replacing a file). Returns the file's path.
pub fn write_file(
    dir: &std::path::Path,
    stem: &str,
    extension: &str,
    contents: &str,
) -> std::io::Result<std::path::PathBuf> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir)?;
    let date = iso_utc(crate::jobs::now_unix());
    let date = date.get(..10).unwrap_or("export");
    for n in 1..1000 {
        let suffix = if n == 1 { String::new() } else { format!("-{n}") };
        let path = dir.join(format!("{stem}-{date}{suffix}.{extension}"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(contents.as_bytes())?;
                file.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "too many files of that name today"))
}
