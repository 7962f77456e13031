//! `assign`, `unassign` and `gatehouse jobs list|show|resume`: bulk changes run as persisted
//! jobs (core's [`Store`] in the data directory), so a cancelled, failed or crashed run can be
//! resumed where it stopped.

use std::collections::HashSet;

use clap::Subcommand;
use gatehouse_core::jobs::{
    AssetChange, CancellationToken, ChangeAction, ItemStatus, JobEvent, JobReport, JobRequest,
    JobStatus, JobSummary,
};
use gatehouse_core::store::Store;
use gatehouse_graph::AssetKind;
use serde::Serialize;
use serde_json::json;

use crate::commands::{connect, select_profile, Connection, Global};
use crate::error::{exit, CliError};
use crate::profiles::ProfileStore;
use gatehouse_errors::ErrorCode;

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// The portfolio's latest bulk jobs, newest first.
    List {
        /// How many jobs to show.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// One job and the outcome of each of its items.
    Show {
        /// The job's id (see `gatehouse jobs list`).
        id: String,
    },
    /// Run the pending items of a cancelled or interrupted job.
    Resume {
        /// The job's id.
        id: String,
        /// Also try the failed items again.
        #[arg(long)]
        retry_failed: bool,
    },
}

/// The portfolio id jobs are filed under: the profile's id, or `demo`.
fn portfolio_id(conn: &Connection) -> String {
    conn.portfolio_id()
}

fn open_store() -> Result<Store, CliError> {
    Store::open_default().map_err(|e| CliError::Workflow(e.into()))
}

/// The asset ids, trimmed, each asset once (`act_1` and `1` are the same ad account).
pub fn unique_assets(kind: AssetKind, ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && seen.insert(kind.node_id(s)))
        .collect()
}

/// Runs `assign` / `unassign`: creates the job, runs it with progress on stderr, prints the
/// per-item report. Ctrl-C stops after the current chunk; the job can then be resumed.
pub async fn run_bulk(
    g: &Global,
    kind: AssetKind,
    ids: &[String],
    system_user: &str,
    action: ChangeAction,
    tasks: Vec<String>,
) -> Result<u8, CliError> {
    let conn = connect(g).await?;
    let store = open_store()?;
    let request = JobRequest {
        portfolio_id: portfolio_id(&conn),
        system_user_id: system_user.to_owned(),
        system_user_name: String::new(),
        changes: ids
            .iter()
            .map(|id| AssetChange {
                kind,
                asset_id: id.clone(),
                asset_name: String::new(),
                action,
                tasks: tasks.clone(),
            })
            .collect(),
    };
    let job = store.create_job(&request)?;
    eprintln!("Job {} saved: {} items.", job.id, job.total);
    run_and_report(g, &conn, &store, &job.id).await
}

async fn run_and_report(
    g: &Global,
    conn: &Connection,
    store: &Store,
    job_id: &str,
) -> Result<u8, CliError> {
    let cancel = CancellationToken::new();
    let flag = cancel.clone();
    let ctrl_c = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Stopping after the current chunk…");
            flag.cancel();
        }
    });
    let result = conn.portfolio().run_job(store, job_id, progress, &cancel).await;
    ctrl_c.abort();
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!(
                "The job stopped early; what is done is saved. Resume it with `gatehouse jobs \
                 resume {job_id}`."
            );
            return Err(e.into());
        }
    };
    if matches!(report.summary.status, JobStatus::Cancelled) {
        eprintln!("Cancelled. Resume it with `gatehouse jobs resume {job_id}`.");
    }
    print_report(g, &report)?;
    Ok(exit_for(&report))
}

/// Progress on stderr.
fn progress(event: JobEvent) {
    match event {
        JobEvent::Progress { done, total, failed, .. } => {
            eprintln!("{done} of {total} done ({failed} failed)")
        }
        JobEvent::Waiting { until_unix, reason, .. } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            eprintln!("Waiting {:.0} s: {reason}…", (until_unix - now).max(0.0));
        }
        JobEvent::Finished { .. } => {}
    }
}

/// One asset's outcome, as `assign --json` has always printed it.
#[derive(Debug, Serialize)]
struct ItemResult<'a> {
    asset_id: &'a str,
    ok: bool,
    /// `pending` when the job stopped before the item was sent.
    status: ItemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a gatehouse_errors::CommandError>,
}

fn print_report(g: &Global, report: &JobReport) -> Result<(), CliError> {
    let s = &report.summary;
    let items: Vec<ItemResult<'_>> = report
        .items
        .iter()
        .map(|i| ItemResult {
            asset_id: &i.asset_id,
            ok: i.status == ItemStatus::Succeeded,
            status: i.status,
            error: i.error.as_ref(),
        })
        .collect();
    if g.json {
        let first = report.items.first();
        let doc = json!({
            "job_id": s.id,
            "status": s.status,
            "action": first.map(|i| i.action),
            "kind": first.map(|i| i.kind),
            "system_user_id": s.system_user_id,
            "tasks": first.map(|i| i.tasks.clone()).unwrap_or_default(),
            "succeeded": s.succeeded,
            "failed": s.failed,
            "pending": s.pending,
            "results": items,
        });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_else(|_| doc.to_string()));
    } else {
        for i in &items {
            match (&i.error, i.status) {
                (_, ItemStatus::Succeeded) => println!("ok\t{}", i.asset_id),
                (_, ItemStatus::Pending) => println!("pending\t{}", i.asset_id),
                (Some(e), ItemStatus::Failed) => {
                    let fix = e.fix.as_deref().unwrap_or_default();
                    println!("failed\t{}\t{} ({}) {fix}", i.asset_id, e.message, e.code)
                }
                (None, ItemStatus::Failed) => println!("failed\t{}", i.asset_id),
            }
        }
    }
    eprintln!(
        "Job {}: {} done, {} failed, {} pending ({}).",
        s.id,
        s.succeeded,
        s.failed,
        s.pending,
        status_word(s.status)
    );
    Ok(())
}

fn status_word(s: JobStatus) -> &'static str {
    s.label()
}

/// 0 all done; 4 some done and some failed or not sent; 1 (or 2 for a configuration error)
/// when every item failed.
fn exit_for(report: &JobReport) -> u8 {
    let s = &report.summary;
    match (s.succeeded, s.failed, s.pending) {
        (_, 0, 0) => exit::OK,
        (0, _, 0) => {
            let first = report.items.iter().find_map(|i| i.error.as_ref());
            if first.is_some_and(|e| e.code == "invalid_config") {
                exit::USAGE
            } else {
                exit::API
            }
        }
        _ => exit::PARTIAL,
    }
}

/// `gatehouse jobs …`.
pub async fn run_jobs(g: &Global, cmd: JobsCommand) -> Result<u8, CliError> {
    match cmd {
        JobsCommand::List { limit } => {
            let portfolio = if g.demo {
                "demo".to_owned()
            } else {
                select_profile(g, &ProfileStore::from_env()?)?.id
            };
            let jobs = open_store()?.jobs(&portfolio, limit)?;
            if g.json {
                let doc = json!({ "portfolio_id": portfolio, "jobs": jobs });
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            } else if jobs.is_empty() {
                eprintln!("No jobs yet for {portfolio}.");
            } else {
                for j in &jobs {
                    println!("{}", summary_line(j));
                }
            }
            Ok(exit::OK)
        }
        JobsCommand::Show { id } => {
            let report = open_store()?.job(&id)?;
            if g.json {
                println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            } else {
                println!("{}", summary_line(&report.summary));
                for i in &report.items {
                    let action = match i.action {
                        ChangeAction::Assign => format!("assign {}", i.tasks.join(",")),
                        ChangeAction::Unassign => "unassign".to_owned(),
                    };
                    let outcome = match (&i.status, &i.error) {
                        (ItemStatus::Failed, Some(e)) => {
                            format!("failed\t{} ({})", e.message, e.code)
                        }
                        (status, _) => json!(status).as_str().unwrap_or_default().to_owned(),
                    };
                    println!("{}\t{}\t{action}\t{outcome}", i.kind.as_str(), i.asset_id);
                }
            }
            Ok(exit::OK)
        }
        JobsCommand::Resume { id, retry_failed } => {
            let store = open_store()?;
            let job = store.job(&id)?.summary;
            let conn = connect(g).await?;
            let here = portfolio_id(&conn);
            if job.portfolio_id != here {
                return Err(CliError::usage(
                    ErrorCode::JobOtherPortfolio,
                    format!("Job {id} belongs to {}, not to {here}.", job.portfolio_id),
                    format!("Add `--profile {}`.", job.portfolio_id),
                ));
            }
            if retry_failed {
                let again = store.retry_failed(&id)?;
                eprintln!("{} items to run.", again.pending);
            }
            run_and_report(g, &conn, &store, &id).await
        }
    }
}

fn summary_line(j: &JobSummary) -> String {
    format!(
        "{}\t{}\t{}/{} done\t{} failed\t{} pending\tsystem user {}",
        j.id,
        status_word(j.status),
        j.succeeded,
        j.total,
        j.failed,
        j.pending,
        j.system_user_id
    )
}
