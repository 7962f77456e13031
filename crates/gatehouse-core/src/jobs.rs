//! Bulk assignment jobs: many asset changes for one system user, persisted in the [`Store`]
//! before anything is sent, run in chunks whose outcomes are saved as soon as they return, and
//! resumable after a cancel, a crash or a lost connection.
//!
//! Assignment writes are idempotent (`POST /{asset}/assigned_users` sets exactly the tasks;
//! `DELETE` removes), so sending a pending item again after an interruption is safe even when
//! Meta had already applied it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use gatehouse_graph::{
    AssetKind, Assignment, Clock, EventSink, GraphError, GraphEvent, TaskSet, Unassignment,
    WaitReason,
};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::store::{Store, StoreError, StoreResult};
use crate::{Error, Portfolio, Result};
use gatehouse_errors::{CommandError, ErrorCode, Surface};

/// How many pending items one chunk sends (through batches of 50, several in flight) before
/// their outcomes are saved and progress is reported.
pub const CHUNK_SIZE: usize = 200;

/// A run waits out a rate limit itself when Meta says it ends within this time…
const MAX_RATE_LIMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// …at most this many times, then it stops (`Interrupted`, resumable).
const MAX_RATE_LIMIT_WAITS: u32 = 10;

/// Sleeps for `wait` on `clock`, waking at once when the job is cancelled; true if it was.
async fn sleep_unless_cancelled(
    clock: &dyn Clock,
    wait: std::time::Duration,
    cancel: &CancellationToken,
) -> bool {
    tokio::select! {
        () = clock.sleep(wait) => cancel.is_cancelled(),
        () = cancel.cancelled() => true,
    }
}

/// Give tasks, or take the system user off the asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Assign,
    Unassign,
}

/// One change a job makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AssetChange {
    pub kind: AssetKind,
    pub asset_id: String,
    /// For people reading the report; Gatehouse does not check it.
    pub asset_name: String,
    pub action: ChangeAction,
    /// Meta's task names (`ANALYZE`, …), checked for the kind when the job is created; empty
    /// for [`ChangeAction::Unassign`].
    pub tasks: Vec<String>,
}

/// A job to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobRequest {
    /// The profile (or `demo`) the job belongs to.
    pub portfolio_id: String,
    pub system_user_id: String,
    pub system_user_name: String,
    pub changes: Vec<AssetChange>,
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Created, not started.
    Pending,
    /// A run is working on it now.
    Running,
    /// Every item succeeded.
    Completed,
    /// Every item was tried; some failed (see their errors; they can be retried).
    CompletedWithFailures,
    /// Stopped on request; the remaining items are pending.
    Cancelled,
    /// The run stopped without finishing (the program quit or crashed, or the connection or
    /// token failed); the remaining items are pending.
    Interrupted,
}

impl JobStatus {
    /// The status in words, in a sentence ("the job is {label}").
    pub fn label(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Completed => "completed",
            JobStatus::CompletedWithFailures => "completed with failures",
            JobStatus::Cancelled => "cancelled",
            JobStatus::Interrupted => "interrupted",
        }
    }
}

/// Where one item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Pending,
    Succeeded,
    Failed,
}

/// One item of a job and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobItem {
    pub kind: AssetKind,
    pub asset_id: String,
    pub asset_name: String,
    pub action: ChangeAction,
    pub tasks: Vec<String>,
    pub status: ItemStatus,
    /// Why it failed, in the one error shape (its detail: Graph code, subcode and trace id).
    pub error: Option<CommandError>,
}

/// A job at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobSummary {
    pub id: String,
    pub portfolio_id: String,
    pub system_user_id: String,
    pub system_user_name: String,
    pub status: JobStatus,
    pub created_at_unix: f64,
    pub total: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub pending: u32,
    /// [`JobStatus::label`]: "cancelled", "completed with failures", …
    pub status_label: String,
    /// How a finished run ended, in one sentence ("All 1,000 changes were made."); empty while
    /// pending or running.
    pub outcome: String,
    /// What it means and what to do next, in one sentence; empty while pending or running.
    pub next_step: String,
}

impl JobSummary {
    /// [`Self::outcome`] and [`Self::next_step`] for the counts and status.
    fn outcome_words(&self) -> (String, String) {
        let (done, total, failed, pending) = (
            thousands(self.succeeded),
            thousands(self.total),
            thousands(self.failed),
            self.pending,
        );
        match self.status {
            JobStatus::Pending | JobStatus::Running => (String::new(), String::new()),
            JobStatus::Completed => (
                format!("All {total} changes were made."),
                format!(
                    "{} has the new access now. Meta may take a minute to show it everywhere.",
                    self.system_user_name
                ),
            ),
            JobStatus::CompletedWithFailures => (
                format!("{done} of {total} changes were made; {failed} failed."),
                "Each failure below says why and what to do. Retrying is safe: done changes are \
                 not sent again."
                    .to_owned(),
            ),
            JobStatus::Cancelled | JobStatus::Interrupted => (
                format!("Stopped: {done} of {total} changes were made."),
                format!(
                    "{} {} not sent. You can resume them now or later.",
                    thousands(pending),
                    if pending == 1 { "change was" } else { "changes were" }
                ),
            ),
        }
    }
}

/// `1234567` as "1,234,567", as the screens write counts. (A dependency for one loop is not
/// worth it; the UI's `toLocaleString("en-US")` writes the same.)
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A job and all its items, in the order they were requested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobReport {
    pub summary: JobSummary,
    pub items: Vec<JobItem>,
}

/// What a running job reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JobEvent {
    /// After each chunk: `done` items have an outcome (`succeeded + failed`).
    Progress { job_id: String, done: u32, total: u32, succeeded: u32, failed: u32 },
    /// The client waits (rate limit, retry, pacing) until `until_unix` before going on.
    Waiting { job_id: String, until_unix: f64, reason: String },
    /// The run ended (completed, cancelled or interrupted).
    Finished { summary: JobSummary },
}

/// Asks a running job to stop after its current chunk: tokio-util's token, so a wait wakes the
/// moment it is cancelled instead of polling a flag. Cheap to clone.
pub use tokio_util::sync::CancellationToken;

// ----- names in the database -----------------------------------------------------------------

fn job_status_str(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Pending => "pending",
        JobStatus::Running => "running",
        JobStatus::Completed => "completed",
        JobStatus::CompletedWithFailures => "completed_with_failures",
        JobStatus::Cancelled => "cancelled",
        JobStatus::Interrupted => "interrupted",
    }
}

fn parse_job_status(s: &str) -> StoreResult<JobStatus> {
    Ok(match s {
        "pending" => JobStatus::Pending,
        "running" => JobStatus::Running,
        "completed" => JobStatus::Completed,
        "completed_with_failures" => JobStatus::CompletedWithFailures,
        "cancelled" => JobStatus::Cancelled,
        "interrupted" => JobStatus::Interrupted,
        other => return Err(StoreError::Corrupt(format!("job status {other:?}"))),
    })
}

fn item_status_str(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Pending => "pending",
        ItemStatus::Succeeded => "succeeded",
        ItemStatus::Failed => "failed",
    }
}

fn parse_item_status(s: &str) -> StoreResult<ItemStatus> {
    Ok(match s {
        "pending" => ItemStatus::Pending,
        "succeeded" => ItemStatus::Succeeded,
        "failed" => ItemStatus::Failed,
        other => return Err(StoreError::Corrupt(format!("item status {other:?}"))),
    })
}

fn action_str(a: ChangeAction) -> &'static str {
    match a {
        ChangeAction::Assign => "assign",
        ChangeAction::Unassign => "unassign",
    }
}

fn parse_action(s: &str) -> StoreResult<ChangeAction> {
    match s {
        "assign" => Ok(ChangeAction::Assign),
        "unassign" => Ok(ChangeAction::Unassign),
        other => Err(StoreError::Corrupt(format!("action {other:?}"))),
    }
}

fn parse_kind(s: &str) -> StoreResult<AssetKind> {
    AssetKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("asset kind {s:?}")))
}

pub(crate) fn now_unix() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// Each item's outcome to save: `None` leaves it pending (an error that stops the run, kept in
/// `stop`, says nothing about the item).
fn outcomes(
    chunk: &[StoredItem],
    results: Vec<std::result::Result<(), GraphError>>,
    stop: &mut Option<GraphError>,
) -> Vec<(i64, Option<std::result::Result<(), CommandError>>)> {
    chunk
        .iter()
        .zip(results)
        .map(|(stored, result)| {
            let outcome = match result {
                Ok(()) => Some(Ok(())),
                Err(e) if stops_the_run(&e) => {
                    stop.get_or_insert(e);
                    None
                }
                Err(e) => Some(Err(item_error(&e))),
            };
            (stored.position, outcome)
        })
        .collect()
}

/// The audit log's entries for a chunk's outcomes (items left pending have none).
fn chunk_events(
    job: &JobSummary,
    chunk: &[StoredItem],
    outcomes: &[(i64, Option<std::result::Result<(), CommandError>>)],
) -> Vec<crate::audit::AuditEvent> {
    use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
    chunk
        .iter()
        .zip(outcomes)
        .filter_map(|(stored, (_, outcome))| {
            let outcome = outcome.as_ref()?;
            let item = &stored.item;
            let (kind, _) = crate::access::kind_words(item.kind);
            let who = &job.system_user_name;
            let (action, summary) = match item.action {
                ChangeAction::Assign if item.kind == AssetKind::App => (
                    AuditAction::AppInstalled,
                    format!("Installed app “{}” for {who}", item.asset_name),
                ),
                ChangeAction::Assign => (
                    AuditAction::AssetAssigned,
                    format!(
                        "Gave {who} {kind} “{}” with {}",
                        item.asset_name,
                        item.tasks.join(", ")
                    ),
                ),
                ChangeAction::Unassign => (
                    AuditAction::AssetUnassigned,
                    format!("Took {kind} “{}” away from {who}", item.asset_name),
                ),
            };
            let mut event = AuditEvent::new(action, summary)
                .target(item.asset_id.clone(), Some(item.asset_name.clone()))
                .detail("asset_kind", item.kind.as_str())
                .detail("system_user_id", job.system_user_id.clone())
                .detail("system_user_name", who.clone())
                .detail("job_id", job.id.clone());
            if !item.tasks.is_empty() {
                event = event.detail("tasks", item.tasks.join(","));
            }
            if let Err(e) = outcome {
                event.outcome = AuditOutcome::Failed;
                event.error_code = Some(e.code.as_str().to_owned());
            }
            Some(event)
        })
        .collect()
}

/// How waiting out a rate limit between rounds of a job ended.
enum RateLimitWait {
    /// The limit should be over: send the pending items again.
    Over,
    /// Longer than a job waits ([`MAX_RATE_LIMIT_WAIT`]): the run stops, interrupted.
    TooLong,
    Cancelled,
}

/// Waits until `until` (reported as a [`JobEvent::Waiting`]), or `round` seconds when Meta's
/// estimate is already past (it counts whole minutes or seconds), so a throttle is not hammered.
async fn wait_out_rate_limit(
    clock: &dyn Clock,
    job_id: &str,
    until: SystemTime,
    round: u32,
    on_event: &(impl Fn(JobEvent) + Send + Sync),
    cancel: &CancellationToken,
) -> RateLimitWait {
    let wait = until
        .duration_since(clock.now())
        .unwrap_or_default()
        .max(std::time::Duration::from_secs(u64::from(round)));
    if wait > MAX_RATE_LIMIT_WAIT {
        return RateLimitWait::TooLong;
    }
    let until = clock.now() + wait;
    on_event(JobEvent::Waiting {
        job_id: job_id.to_owned(),
        until_unix: until.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
        reason: "Meta's rate limit was reached".to_owned(),
    });
    if sleep_unless_cancelled(clock, wait, cancel).await {
        RateLimitWait::Cancelled
    } else {
        RateLimitWait::Over
    }
}

/// The status of a run that was neither stopped nor cancelled.
fn end_status(now: &JobSummary) -> JobStatus {
    if now.pending > 0 {
        // Items added back while this run worked (retry_failed from elsewhere).
        JobStatus::Interrupted
    } else if now.failed > 0 {
        JobStatus::CompletedWithFailures
    } else {
        JobStatus::Completed
    }
}

// ----- who is running what -------------------------------------------------------------------

/// Runs of this process that are alive; a `running` job of this process whose run is not here
/// was dropped mid-way (its task was aborted).
fn live_runs() -> &'static Mutex<HashSet<String>> {
    static RUNS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    RUNS.get_or_init(|| Mutex::new(HashSet::new()))
}

/// A unique id that sorts by creation time (UUID v7).
fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::now_v7().simple())
}

/// Whether the run marked on a `running` job is still working. A run of this process is in
/// [`live_runs`]; a run of another process holds an OS file lock on its lock file in
/// `runs_dir` for as long as it runs (the OS drops the lock when the process dies, on every
/// OS), so a lock that can be taken means the run is gone.
fn run_alive(pid: Option<i64>, run_id: Option<&str>, runs_dir: Option<&Path>) -> bool {
    let (Some(pid), Some(run_id)) = (pid, run_id) else { return false };
    if pid == i64::from(std::process::id()) {
        return live_runs().lock().unwrap_or_else(|p| p.into_inner()).contains(run_id);
    }
    // Without a folder (an in-memory store) no other process can share the jobs.
    let Some(dir) = runs_dir else { return true };
    let path = dir.join(format!("{run_id}.lock"));
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
        // Cannot tell: taken as running, so it is never run twice at once.
        Err(_) => return true,
    };
    match file.try_lock() {
        Ok(()) => {
            drop(file);
            let _ = std::fs::remove_file(&path);
            false
        }
        Err(std::fs::TryLockError::WouldBlock | std::fs::TryLockError::Error(_)) => true,
    }
}

/// Marks `running` jobs whose run is gone as interrupted.
pub(crate) fn reap_dead_runs(conn: &Connection, runs_dir: Option<&Path>) -> StoreResult<()> {
    let mut stmt =
        conn.prepare("SELECT id, runner_pid, runner_id FROM jobs WHERE status = 'running'")?;
    let dead: Vec<String> = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<std::result::Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|(_, pid, run)| !run_alive(*pid, run.as_deref(), runs_dir))
        .map(|(id, _, _)| id)
        .collect();
    for id in dead {
        conn.execute(
            "UPDATE jobs SET status = 'interrupted', runner_pid = NULL, runner_id = NULL,
             updated_at = ?2 WHERE id = ?1 AND status = 'running'",
            params![id, now_unix()],
        )?;
    }
    Ok(())
}

/// Marks a run as alive while it exists: in this process's live set, and with an OS lock on its
/// lock file for other processes. Dropped when the run ends or its future is dropped, so the job
/// reads as interrupted from then on.
struct RunGuard {
    run_id: String,
    lock: Option<(std::fs::File, PathBuf)>,
}

impl RunGuard {
    fn new(run_id: &str, runs_dir: Option<&Path>) -> Result<Self> {
        live_runs().lock().unwrap_or_else(|p| p.into_inner()).insert(run_id.to_owned());
        let mut guard = RunGuard { run_id: run_id.to_owned(), lock: None };
        if let Some(dir) = runs_dir {
            let io = |source| StoreError::Io { path: dir.to_path_buf(), source };
            std::fs::create_dir_all(dir).map_err(io)?;
            let path = dir.join(format!("{run_id}.lock"));
            let file = std::fs::File::create(&path).map_err(io)?;
            file.lock().map_err(io)?;
            guard.lock = Some((file, path));
        }
        Ok(guard)
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        live_runs().lock().unwrap_or_else(|p| p.into_inner()).remove(&self.run_id);
        if let Some((file, path)) = self.lock.take() {
            drop(file);
            let _ = std::fs::remove_file(path);
        }
    }
}

// ----- the store's job API -------------------------------------------------------------------

fn validate(req: &JobRequest) -> Result<Vec<AssetChange>> {
    let invalid = |field: &str, m: String| Error::from(GraphError::invalid_input(field, m));
    if req.system_user_id.trim().is_empty() {
        return Err(invalid("system_user_id", "the job needs a system user".into()));
    }
    if req.changes.is_empty() {
        return Err(invalid("changes", "the job has no changes".into()));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(req.changes.len());
    for c in &req.changes {
        let asset_id = c.asset_id.trim().to_owned();
        if asset_id.is_empty() {
            return Err(invalid("asset_id", "an asset ID is empty".into()));
        }
        // Apps are not assigned with tasks: "assigning" one installs it for the system user.
        if c.kind == AssetKind::App && c.action == ChangeAction::Unassign {
            // UNCONFIRMED: the API documents installing an app for a system user, not removing
            // it (graph-api.md §3.1), so Gatehouse does not offer it.
            return Err(invalid(
                "kind",
                "an app cannot be removed from a system user through Meta's API; remove it in \
                 Business settings › Users › System users › Installed apps"
                    .into(),
            ));
        }
        if c.kind == AssetKind::App && !c.tasks.is_empty() {
            return Err(invalid("tasks", "installing an app takes no tasks".into()));
        }
        if !seen.insert((c.kind, c.kind.node_id(&asset_id))) {
            return Err(invalid("changes", format!("asset {asset_id} appears twice")));
        }
        let tasks = match c.action {
            ChangeAction::Assign if c.kind == AssetKind::App => Vec::new(),
            ChangeAction::Assign => {
                let names: Vec<&str> = c.tasks.iter().map(|t| t.trim()).collect();
                let message = |e: GraphError| {
                    e.details().map_or_else(|| e.to_string(), |d| d.message.clone())
                };
                let set =
                    TaskSet::parse(c.kind, &names).map_err(|e| invalid("tasks", message(e)))?;
                set.validate().map_err(|e| invalid("tasks", message(e)))?;
                set.names().into_iter().map(str::to_owned).collect()
            }
            ChangeAction::Unassign if !c.tasks.is_empty() => {
                return Err(invalid("tasks", "removing a system user takes no tasks".into()))
            }
            ChangeAction::Unassign => Vec::new(),
        };
        out.push(AssetChange { asset_id, tasks, ..c.clone() });
    }
    Ok(out)
}

fn summary_row(conn: &Connection, id: &str) -> StoreResult<JobSummary> {
    let row = conn
        .query_row(
            "SELECT id, portfolio_id, system_user_id, system_user_name, status, created_at,
                (SELECT COUNT(*) FROM job_items WHERE job_id = jobs.id),
                (SELECT COUNT(*) FROM job_items WHERE job_id = jobs.id AND status = 'succeeded'),
                (SELECT COUNT(*) FROM job_items WHERE job_id = jobs.id AND status = 'failed')
             FROM jobs WHERE id = ?1",
            [id],
            summary_from_row,
        )
        .optional()?;
    row.ok_or_else(|| StoreError::JobNotFound(id.to_owned()))?
}

type RawSummary = (String, String, String, String, String, f64, i64, i64, i64);

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoreResult<JobSummary>> {
    let raw: RawSummary = (
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    );
    Ok(summary_from_raw(raw))
}

fn summary_from_raw(raw: RawSummary) -> StoreResult<JobSummary> {
    let (id, portfolio_id, system_user_id, system_user_name, status, created, total, ok, failed) =
        raw;
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    let status = parse_job_status(&status)?;
    let mut summary = JobSummary {
        id,
        portfolio_id,
        system_user_id,
        system_user_name,
        status,
        created_at_unix: created,
        total: n(total),
        succeeded: n(ok),
        failed: n(failed),
        pending: n(total - ok - failed),
        status_label: status.label().to_owned(),
        outcome: String::new(),
        next_step: String::new(),
    };
    (summary.outcome, summary.next_step) = summary.outcome_words();
    Ok(summary)
}

const SUMMARY_SELECT: &str = "SELECT id, portfolio_id, system_user_id, system_user_name, status,
    created_at,
    (SELECT COUNT(*) FROM job_items WHERE job_id = jobs.id),
    (SELECT COUNT(*) FROM job_items WHERE job_id = jobs.id AND status = 'succeeded'),
    (SELECT COUNT(*) FROM job_items WHERE job_id = jobs.id AND status = 'failed')
    FROM jobs";

/// An item as stored, with its position.
#[derive(Debug, Clone)]
struct StoredItem {
    position: i64,
    item: JobItem,
}

fn items(conn: &Connection, id: &str, only_pending: bool) -> StoreResult<Vec<StoredItem>> {
    let sql = if only_pending {
        "SELECT position, kind, asset_id, asset_name, action, tasks, status, error_code,
         error_message, error_fix, error_detail FROM job_items
         WHERE job_id = ?1 AND status = 'pending' ORDER BY position"
    } else {
        "SELECT position, kind, asset_id, asset_name, action, tasks, status, error_code,
         error_message, error_fix, error_detail FROM job_items
         WHERE job_id = ?1 ORDER BY position"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, Option<String>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (
            position,
            kind,
            asset_id,
            asset_name,
            action,
            tasks,
            status,
            code,
            message,
            fix,
            detail,
        ) = row?;
        let tasks: Vec<String> = serde_json::from_str(&tasks)
            .map_err(|e| StoreError::Corrupt(format!("tasks of item {position}: {e}")))?;
        // A code this version does not know (written by a newer one) reads as `unknown`.
        let error = code.map(|code: String| CommandError {
            code: code.parse().unwrap_or(ErrorCode::Unknown),
            message: message.unwrap_or_default(),
            fix,
            detail,
            field: None,
        });
        out.push(StoredItem {
            position,
            item: JobItem {
                kind: parse_kind(&kind)?,
                asset_id,
                asset_name,
                action: parse_action(&action)?,
                tasks,
                status: parse_item_status(&status)?,
                error,
            },
        });
    }
    Ok(out)
}

fn set_status(conn: &Connection, id: &str, status: JobStatus) -> StoreResult<()> {
    conn.execute(
        "UPDATE jobs SET status = ?2, runner_pid = NULL, runner_id = NULL, updated_at = ?3
         WHERE id = ?1",
        params![id, job_status_str(status), now_unix()],
    )?;
    Ok(())
}

impl Store {
    /// Checks the request (tasks parsed for each kind, no asset twice) and saves it as a
    /// pending job. Nothing is sent.
    pub fn create_job(&self, req: &JobRequest) -> Result<JobSummary> {
        let changes = validate(req)?;
        let id = new_id("job-");
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(StoreError::from)?;
        let now = now_unix();
        tx.execute(
            "INSERT INTO jobs (id, portfolio_id, system_user_id, system_user_name, status,
             created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
            params![id, req.portfolio_id, req.system_user_id.trim(), req.system_user_name, now],
        )
        .map_err(StoreError::from)?;
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO job_items (job_id, position, kind, asset_id, asset_name, action,
                     tasks, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
                )
                .map_err(StoreError::from)?;
            for (i, c) in changes.iter().enumerate() {
                let tasks = serde_json::to_string(&c.tasks)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                insert
                    .execute(params![
                        id,
                        i64::try_from(i).unwrap_or(i64::MAX),
                        c.kind.as_str(),
                        c.asset_id,
                        c.asset_name,
                        action_str(c.action),
                        tasks
                    ])
                    .map_err(StoreError::from)?;
            }
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(summary_row(&conn, &id)?)
    }

    /// A job and all its items.
    pub fn job(&self, id: &str) -> Result<JobReport> {
        let conn = self.lock();
        reap_dead_runs(&conn, self.runs_dir().as_deref())?;
        let summary = summary_row(&conn, id)?;
        let items = items(&conn, id, false)?.into_iter().map(|s| s.item).collect();
        Ok(JobReport { summary, items })
    }

    /// The portfolio's latest `limit` jobs, newest first.
    pub fn jobs(&self, portfolio_id: &str, limit: u32) -> Result<Vec<JobSummary>> {
        self.list_jobs(portfolio_id, false, limit)
    }

    /// [`Store::jobs`], without the discarded ones when `kept_only`.
    fn list_jobs(
        &self,
        portfolio_id: &str,
        kept_only: bool,
        limit: u32,
    ) -> Result<Vec<JobSummary>> {
        let conn = self.lock();
        reap_dead_runs(&conn, self.runs_dir().as_deref())?;
        let kept = if kept_only { " AND discarded_at IS NULL" } else { "" };
        let sql = format!(
            "{SUMMARY_SELECT} WHERE portfolio_id = ?1{kept} ORDER BY created_at DESC, rowid DESC \
             LIMIT ?2"
        );
        let mut stmt = conn.prepare(&sql).map_err(StoreError::from)?;
        let rows = stmt
            .query_map(params![portfolio_id, i64::from(limit)], summary_from_row)
            .map_err(StoreError::from)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(StoreError::from)??);
        }
        Ok(out)
    }

    /// Jobs of the portfolio that still have work and were not discarded: pending, running,
    /// interrupted, or cancelled with pending items. Newest first.
    pub fn unfinished_jobs(&self, portfolio_id: &str) -> Result<Vec<JobSummary>> {
        Ok(self
            .list_jobs(portfolio_id, true, u32::MAX)?
            .into_iter()
            .filter(|j| match j.status {
                JobStatus::Pending | JobStatus::Running | JobStatus::Interrupted => true,
                JobStatus::Cancelled => j.pending > 0,
                JobStatus::Completed | JobStatus::CompletedWithFailures => false,
            })
            .collect())
    }

    /// Puts the failed items of a finished job back to pending (their errors cleared), so the
    /// next [`Portfolio::run_job`] tries them again.
    pub fn retry_failed(&self, id: &str) -> Result<JobSummary> {
        let mut conn = self.lock();
        reap_dead_runs(&conn, self.runs_dir().as_deref())?;
        let summary = summary_row(&conn, id)?;
        if summary.status == JobStatus::Running {
            return Err(StoreError::JobRunning(id.to_owned()).into());
        }
        let tx = conn.transaction().map_err(StoreError::from)?;
        tx.execute(
            "UPDATE job_items SET status = 'pending', error_code = NULL, error_message = NULL,
             error_fix = NULL, error_detail = NULL WHERE job_id = ?1 AND status = 'failed'",
            [id],
        )
        .map_err(StoreError::from)?;
        if summary.failed > 0 && summary.status != JobStatus::Pending {
            set_status(&tx, id, JobStatus::Pending)?;
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(summary_row(&conn, id)?)
    }

    /// Stops offering an unfinished job for resuming: what it already did stays done, its
    /// pending items stay unsent, and its record (with every item) is kept. A job that has not
    /// finished becomes cancelled. Refused while a run has it.
    pub fn discard_job(&self, id: &str) -> Result<JobSummary> {
        let conn = self.lock();
        reap_dead_runs(&conn, self.runs_dir().as_deref())?;
        let summary = summary_row(&conn, id)?;
        if summary.status == JobStatus::Running {
            return Err(StoreError::JobRunning(id.to_owned()).into());
        }
        if matches!(summary.status, JobStatus::Pending | JobStatus::Interrupted) {
            set_status(&conn, id, JobStatus::Cancelled)?;
        }
        conn.execute(
            "UPDATE jobs SET discarded_at = ?2 WHERE id = ?1 AND discarded_at IS NULL",
            params![id, now_unix()],
        )
        .map_err(StoreError::from)?;
        Ok(summary_row(&conn, id)?)
    }

    /// Claims the job for a run: fails if another live run has it.
    fn start_run(&self, id: &str, run_id: &str) -> Result<JobSummary> {
        let conn = self.lock();
        reap_dead_runs(&conn, self.runs_dir().as_deref())?;
        let summary = summary_row(&conn, id)?;
        if summary.status == JobStatus::Running {
            return Err(StoreError::JobRunning(id.to_owned()).into());
        }
        conn.execute(
            "UPDATE jobs SET status = 'running', runner_pid = ?2, runner_id = ?3, updated_at = ?4
             WHERE id = ?1",
            params![id, i64::from(std::process::id()), run_id, now_unix()],
        )
        .map_err(StoreError::from)?;
        Ok(summary_row(&conn, id)?)
    }

    fn pending_items(&self, id: &str) -> Result<Vec<StoredItem>> {
        Ok(items(&self.lock(), id, true)?)
    }

    /// Saves a chunk's outcomes in one transaction, with their audit log entries when the
    /// portfolio records its changes (so the log and the job never disagree); `None` leaves the
    /// item pending.
    fn save_outcomes(
        &self,
        id: &str,
        outcomes: &[(i64, Option<std::result::Result<(), CommandError>>)],
        audit: Option<(&crate::audit::AuditTrail, &str, Vec<crate::audit::AuditEvent>)>,
    ) -> Result<JobSummary> {
        let mut conn = self.lock();
        // IMMEDIATE: the audit log's last hash, read inside, stays the last until the commit.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        {
            let mut update = tx
                .prepare_cached(
                    "UPDATE job_items SET status = ?3, error_code = ?4, error_message = ?5,
                     error_fix = ?6, error_detail = ?7 WHERE job_id = ?1 AND position = ?2",
                )
                .map_err(StoreError::from)?;
            for (position, outcome) in outcomes {
                let (status, e) = match outcome {
                    None => continue,
                    Some(Ok(())) => (ItemStatus::Succeeded, None),
                    Some(Err(e)) => (ItemStatus::Failed, Some(e)),
                };
                update
                    .execute(params![
                        id,
                        position,
                        item_status_str(status),
                        e.map(|e| e.code.as_str()),
                        e.map(|e| e.message.clone()),
                        e.and_then(|e| e.fix.clone()),
                        e.and_then(|e| e.detail.clone()),
                    ])
                    .map_err(StoreError::from)?;
            }
            tx.execute("UPDATE jobs SET updated_at = ?2 WHERE id = ?1", params![id, now_unix()])
                .map_err(StoreError::from)?;
            if let Some((trail, business_id, events)) = audit {
                crate::audit::append(
                    &tx,
                    trail.actor(),
                    trail.portfolio_id(),
                    business_id,
                    &events,
                )?;
            }
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(summary_row(&conn, id)?)
    }

    fn finish(&self, id: &str, status: JobStatus) -> Result<JobSummary> {
        let conn = self.lock();
        set_status(&conn, id, status)?;
        Ok(summary_row(&conn, id)?)
    }
}

// ----- running -------------------------------------------------------------------------------

/// The item's error from the typed Graph error.
pub fn item_error(e: &GraphError) -> CommandError {
    // An item fails on Meta's refusal of that one asset; those fixes are the same on every
    // surface (the ones that name a surface stop the run instead: `stops_the_run`).
    CommandError::new(&Error::from(e.clone()), Surface::Desktop)
}

/// Errors that say nothing about one item but about the connection or the credentials: the run
/// stops and leaves the item pending instead of failing every remaining item the same way.
fn stops_the_run(e: &GraphError) -> bool {
    matches!(
        e,
        GraphError::TokenExpired { .. }
            | GraphError::TokenInvalid { .. }
            | GraphError::AppSecretProofRejected { .. }
            | GraphError::RateLimited { .. }
            | GraphError::Blocked { .. }
            | GraphError::ServiceUnavailable { .. }
            | GraphError::Network { .. }
            | GraphError::Timeout { .. }
            | GraphError::InvalidConfig { .. }
    )
}

fn waiting_reason(reason: &WaitReason) -> String {
    match reason {
        WaitReason::RateLimited { .. } => "Meta's rate limit was reached".to_owned(),
        WaitReason::Retrying { .. } => "retrying after a temporary error".to_owned(),
        WaitReason::Pacing { usage_percent } => {
            format!("pacing requests ({usage_percent:.0}% of Meta's allowance used)")
        }
        WaitReason::BatchRetry { items } => format!("sending {items} items again"),
    }
}

impl Portfolio {
    /// Runs the pending items of a job: chunks of [`CHUNK_SIZE`] through `assign_many` /
    /// `unassign_many`, each chunk's outcomes saved as soon as it returns, [`JobEvent::Progress`]
    /// after each chunk, [`JobEvent::Waiting`] while the client waits, [`JobEvent::Finished`] at
    /// the end. `cancel` is checked between chunks (the job is then `Cancelled`, the rest
    /// pending). Runs again after a cancel, an interruption or [`Store::retry_failed`] resume
    /// where the job stopped. A connection or token failure stops the run with that error and
    /// the job `Interrupted`.
    pub async fn run_job(
        &self,
        store: &Store,
        job_id: &str,
        on_event: impl Fn(JobEvent) + Send + Sync,
        cancel: &CancellationToken,
    ) -> Result<JobReport> {
        let run_id = new_id("run-");
        let _guard = RunGuard::new(&run_id, store.runs_dir().as_deref())?;
        let started = store.start_run(job_id, &run_id)?;
        let system_user = started.system_user_id.clone();
        let (sink, mut waits) = EventSink::channel();
        let session = self.session().with_events(sink);
        let forward = |event: GraphEvent| {
            let GraphEvent::WaitingUntil { until, reason, .. } = event;
            on_event(JobEvent::Waiting {
                job_id: job_id.to_owned(),
                until_unix: until.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
                reason: waiting_reason(&reason),
            });
        };

        let mut stop: Option<GraphError> = None;
        let mut cancelled = false;
        let mut waits_left = MAX_RATE_LIMIT_WAITS;
        'run: loop {
            let pending = store.pending_items(job_id)?;
            for chunk in pending.chunks(CHUNK_SIZE) {
                if cancel.is_cancelled() {
                    cancelled = true;
                    break 'run;
                }
                let work = self.send_chunk(&session, &system_user, chunk);
                tokio::pin!(work);
                // Cancel is honoured at once, also while the client waits out a retry or a
                // throttle inside the chunk: the chunk is dropped unsaved and its items stay
                // pending. Every change a job makes is idempotent (assign, remove, install), so
                // one that landed before the drop is simply made again on resume.
                let results = loop {
                    tokio::select! {
                        biased;
                        () = cancel.cancelled() => break None,
                        results = &mut work => break Some(results),
                        Some(event) = waits.recv() => forward(event),
                    }
                };
                let Some(results) = results else {
                    cancelled = true;
                    break 'run;
                };
                while let Ok(event) = waits.try_recv() {
                    forward(event);
                }
                let outcomes = outcomes(chunk, results, &mut stop);
                let audit = self.audit_trail().map(|trail| {
                    (trail, self.business_id(), chunk_events(&started, chunk, &outcomes))
                });
                let summary = store.save_outcomes(job_id, &outcomes, audit)?;
                on_event(JobEvent::Progress {
                    job_id: job_id.to_owned(),
                    done: summary.succeeded + summary.failed,
                    total: summary.total,
                    succeeded: summary.succeeded,
                    failed: summary.failed,
                });
                if stop.is_some() {
                    break;
                }
            }
            // A rate limit that says when it ends is waited out here (the client gives up on
            // long waits), then the items it left pending are sent again.
            let Some(until) = stop.as_ref().and_then(GraphError::rate_limited_until) else {
                break;
            };
            if waits_left == 0 {
                break;
            }
            waits_left -= 1;
            let round = MAX_RATE_LIMIT_WAITS - waits_left;
            match wait_out_rate_limit(session.clock(), job_id, until, round, &on_event, cancel)
                .await
            {
                RateLimitWait::TooLong => break,
                RateLimitWait::Cancelled => {
                    stop = None;
                    cancelled = true;
                    break;
                }
                RateLimitWait::Over => stop = None,
            }
        }

        let status = match (&stop, cancelled) {
            (Some(_), _) => JobStatus::Interrupted,
            (None, true) => JobStatus::Cancelled,
            (None, false) => end_status(&store.job(job_id)?.summary),
        };
        let summary = store.finish(job_id, status)?;
        on_event(JobEvent::Finished { summary });
        if let Some(e) = stop {
            return Err(e.into());
        }
        store.job(job_id)
    }

    /// Sends one chunk; one result per item, in order.
    async fn send_chunk(
        &self,
        session: &gatehouse_graph::Session,
        system_user: &str,
        chunk: &[StoredItem],
    ) -> Vec<std::result::Result<(), GraphError>> {
        let mut results: Vec<Option<std::result::Result<(), GraphError>>> =
            (0..chunk.len()).map(|_| None).collect();
        let mut assign_at = Vec::new();
        let mut assignments = Vec::new();
        let mut unassign_at = Vec::new();
        let mut unassignments = Vec::new();
        let mut install_at = Vec::new();
        for (i, s) in chunk.iter().enumerate() {
            let item = &s.item;
            match item.action {
                ChangeAction::Assign if item.kind == AssetKind::App => install_at.push(i),
                ChangeAction::Assign => {
                    let names: Vec<&str> = item.tasks.iter().map(String::as_str).collect();
                    match TaskSet::parse(item.kind, &names) {
                        Ok(tasks) => {
                            assign_at.push(i);
                            assignments.push(Assignment {
                                asset_id: item.asset_id.clone(),
                                user_id: system_user.to_owned(),
                                tasks,
                            });
                        }
                        Err(e) => results[i] = Some(Err(e)),
                    }
                }
                // Removing a system user that is not on the asset: the emulator answers
                // success, as for any DELETE of an absent edge.
                // UNCONFIRMED: Meta's answer in that case (graph-api.md §5.1 documents only
                // `{"success": true}`); an error would be reported on the item.
                ChangeAction::Unassign => {
                    unassign_at.push(i);
                    unassignments.push(Unassignment {
                        kind: item.kind,
                        asset_id: item.asset_id.clone(),
                        user_id: system_user.to_owned(),
                    });
                }
            }
        }
        // Installing is idempotent (graph `install_app` retries it like a read); apps are few.
        let installs = futures::future::join_all(
            install_at.iter().map(|i| session.install_app(system_user, &chunk[*i].item.asset_id)),
        );
        let (assigned, unassigned, installed) = futures::join!(
            async {
                if assignments.is_empty() {
                    Vec::new()
                } else {
                    session.assign_many(&assignments).await
                }
            },
            async {
                if unassignments.is_empty() {
                    Vec::new()
                } else {
                    session.unassign_many(&unassignments).await
                }
            },
            installs
        );
        for (i, r) in install_at.into_iter().zip(installed) {
            results[i] = Some(r);
        }
        for (i, r) in assign_at.into_iter().zip(assigned) {
            results[i] = Some(r);
        }
        for (i, r) in unassign_at.into_iter().zip(unassigned) {
            results[i] = Some(r);
        }
        results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(GraphError::invalid_input("changes", "no result came back for this item"))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Explain;

    #[test]
    fn a_finished_run_is_told_in_words() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        let summary = |status, succeeded, failed, pending| {
            let s = JobSummary {
                id: "j".into(),
                portfolio_id: "p".into(),
                system_user_id: "1".into(),
                system_user_name: "Server".into(),
                status,
                created_at_unix: 0.0,
                total: 1_200,
                succeeded,
                failed,
                pending,
                status_label: String::new(),
                outcome: String::new(),
                next_step: String::new(),
            };
            s.outcome_words()
        };
        assert_eq!(summary(JobStatus::Completed, 1_200, 0, 0).0, "All 1,200 changes were made.");
        assert_eq!(
            summary(JobStatus::CompletedWithFailures, 1_199, 1, 0).0,
            "1,199 of 1,200 changes were made; 1 failed."
        );
        assert_eq!(
            summary(JobStatus::Interrupted, 200, 0, 1_000),
            (
                "Stopped: 200 of 1,200 changes were made.".to_owned(),
                "1,000 changes were not sent. You can resume them now or later.".to_owned()
            )
        );
        assert_eq!(summary(JobStatus::Running, 0, 0, 1_200).0, "");
    }

    #[test]
    fn an_app_is_installed_not_assigned_and_cannot_be_removed() {
        let req = |action, tasks: &[&str]| JobRequest {
            portfolio_id: "demo".into(),
            system_user_id: "61".into(),
            system_user_name: "Server".into(),
            changes: vec![change(AssetKind::App, "555", action, tasks)],
        };
        assert!(validate(&req(ChangeAction::Assign, &[])).is_ok());
        let removed = validate(&req(ChangeAction::Unassign, &[])).expect_err("refused");
        assert_eq!(removed.field(), Some("kind"));
        let tasks = validate(&req(ChangeAction::Assign, &["MANAGE"])).expect_err("refused");
        assert_eq!(tasks.field(), Some("tasks"));
    }

    fn change(kind: AssetKind, id: &str, action: ChangeAction, tasks: &[&str]) -> AssetChange {
        AssetChange {
            kind,
            asset_id: id.to_owned(),
            asset_name: format!("Asset {id}"),
            action,
            tasks: tasks.iter().map(|t| (*t).to_owned()).collect(),
        }
    }

    fn request(changes: Vec<AssetChange>) -> JobRequest {
        JobRequest {
            portfolio_id: "acme".into(),
            system_user_id: "100".into(),
            system_user_name: "Server".into(),
            changes,
        }
    }

    #[test]
    fn invalid_tasks_name_the_field() {
        let store = Store::in_memory().unwrap();
        let e = store
            .create_job(&request(vec![change(
                AssetKind::AdAccount,
                "act_1",
                ChangeAction::Assign,
                &["FLY"],
            )]))
            .unwrap_err();
        assert_eq!(e.field(), Some("tasks"), "{e:?}");
        let e = store
            .create_job(&request(vec![change(
                AssetKind::Page,
                "1",
                ChangeAction::Unassign,
                &["MANAGE"],
            )]))
            .unwrap_err();
        assert_eq!(e.field(), Some("tasks"));
        let twice = vec![
            change(AssetKind::AdAccount, "act_1", ChangeAction::Unassign, &[]),
            change(AssetKind::AdAccount, "1", ChangeAction::Unassign, &[]),
        ];
        assert_eq!(store.create_job(&request(twice)).unwrap_err().field(), Some("changes"));
        assert!(store.jobs("acme", 10).unwrap().is_empty(), "nothing saved");
    }

    #[test]
    fn create_list_show_and_serialize() {
        let store = Store::in_memory().unwrap();
        let a = store
            .create_job(&request(vec![
                change(AssetKind::AdAccount, "act_1", ChangeAction::Assign, &["analyze"]),
                change(AssetKind::Page, "2", ChangeAction::Unassign, &[]),
            ]))
            .unwrap();
        assert_eq!((a.total, a.pending, a.status), (2, 2, JobStatus::Pending));
        let b = store
            .create_job(&request(vec![change(
                AssetKind::Pixel,
                "3",
                ChangeAction::Assign,
                &["ANALYZE"],
            )]))
            .unwrap();
        let listed: Vec<String> =
            store.jobs("acme", 10).unwrap().into_iter().map(|j| j.id).collect();
        assert_eq!(listed, [b.id.clone(), a.id.clone()], "newest first");
        assert_eq!(store.jobs("acme", 1).unwrap().len(), 1);
        assert!(store.jobs("other", 10).unwrap().is_empty());
        assert_eq!(store.unfinished_jobs("acme").unwrap().len(), 2);
        let report = store.job(&a.id).unwrap();
        assert_eq!(report.items[0].tasks, ["ANALYZE"], "normalized to Meta's names");
        assert_eq!(report.items[1].action, ChangeAction::Unassign);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["summary"]["status"], "pending");
        assert_eq!(json["items"][0]["kind"], "ad_account");
        assert_eq!(json["items"][0]["status"], "pending");
        let event = JobEvent::Progress { job_id: a.id, done: 1, total: 2, succeeded: 1, failed: 0 };
        assert_eq!(serde_json::to_value(&event).unwrap()["type"], "progress");
        assert_eq!(store.job("nope").unwrap_err().code(), "job_not_found");
    }

    #[test]
    fn cancel_flag_is_shared_by_clones() {
        let flag = CancellationToken::new();
        let other = flag.clone();
        assert!(!other.is_cancelled());
        flag.cancel();
        assert!(other.is_cancelled());
    }
}
