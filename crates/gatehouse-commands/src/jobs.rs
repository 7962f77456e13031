//! Bulk assignment jobs: recorded in the local database first, then run with progress, so a
//! cancelled or interrupted job can be resumed and nothing is sent twice.

use gatehouse_core::jobs::{
    AssetChange, CancellationToken, JobEvent, JobReport, JobRequest, JobSummary,
};

use gatehouse_core::ChangeReview;

use gatehouse_core::store::Store;

use crate::error::CommandFailure;
use crate::state::lock;
use crate::{AppState, CommandError};

/// How many jobs the "unfinished" list looks at.
const RECENT_JOBS: u32 = 50;

/// What the changes take away that the system user has now (read fresh), for the review step:
/// "3 ad accounts go from Can change to Read only". Nothing is sent.
pub async fn review_changes(
    state: &AppState,
    system_user_id: String,
    changes: Vec<AssetChange>,
) -> Result<ChangeReview, CommandError> {
    Ok(state.portfolio().await?.review_changes(&system_user_id, &changes).await?)
}

/// Records a bulk change as a job for the open portfolio. Nothing is sent yet; invalid tasks
/// are refused here, naming the field.
pub async fn create_job(
    state: &AppState,
    system_user_id: String,
    system_user_name: String,
    changes: Vec<AssetChange>,
) -> Result<JobSummary, CommandError> {
    let request =
        JobRequest { portfolio_id: state.active_id(), system_user_id, system_user_name, changes };
    Ok(state.store().await?.create_job(&request)?)
}

/// Runs a job's pending items; progress goes to `on_event`. Returns when the job stops
/// (finished or cancelled), with every item's outcome.
pub async fn run_job(
    state: &AppState,
    job_id: String,
    on_event: impl Fn(JobEvent) + Send + Sync,
) -> Result<JobReport, CommandError> {
    let portfolio = state.portfolio().await?;
    let store = state.store().await?;
    own_job(state, store, &job_id)?;
    let cancel = CancellationToken::new();
    lock(&state.jobs).insert(job_id.clone(), cancel.clone());
    let result = portfolio.run_job(store, &job_id, on_event, &cancel).await;
    lock(&state.jobs).remove(&job_id);
    Ok(result?)
}

/// Asks a running job to stop after the items in flight. Unknown or finished jobs: nothing to do.
pub fn cancel_job(state: &AppState, job_id: String) {
    if let Some(flag) = lock(&state.jobs).get(&job_id) {
        flag.cancel();
    }
}

/// Puts a job's failed items back to pending.
pub async fn retry_failed(state: &AppState, job_id: String) -> Result<JobSummary, CommandError> {
    let store = state.store().await?;
    own_job(state, store, &job_id)?;
    Ok(store.retry_failed(&job_id)?)
}

/// Stops offering an unfinished job for resuming; its record and what it did are kept.
pub async fn discard_job(state: &AppState, job_id: String) -> Result<JobSummary, CommandError> {
    let store = state.store().await?;
    own_job(state, store, &job_id)?;
    Ok(store.discard_job(&job_id)?)
}

/// Jobs of the open portfolio that did not finish and are not running now, newest first.
pub async fn unfinished_jobs(state: &AppState) -> Result<Vec<JobSummary>, CommandError> {
    let store = state.store().await?;
    let running: Vec<String> = lock(&state.jobs).keys().cloned().collect();
    let jobs = store.unfinished_jobs(&state.active_id())?;
    Ok(jobs.into_iter().filter(|j| !running.contains(&j.id)).take(RECENT_JOBS as usize).collect())
}

/// A job with every item's outcome.
pub async fn job_report(state: &AppState, job_id: String) -> Result<JobReport, CommandError> {
    own_job(state, state.store().await?, &job_id)
}

/// The job, when it belongs to the open portfolio; a job of another portfolio is refused (a
/// job id from elsewhere must not act on this business, nor show another's changes).
fn own_job(state: &AppState, store: &Store, job_id: &str) -> Result<JobReport, CommandError> {
    let job = store.job(job_id)?;
    let open = state.active_id();
    if job.summary.portfolio_id != open {
        return Err(CommandFailure::JobOfAnotherPortfolio {
            job_id: job_id.to_owned(),
            portfolio_id: job.summary.portfolio_id,
        }
        .into());
    }
    Ok(job)
}
