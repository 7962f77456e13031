//! The Tauri commands: each one line over `gatehouse_commands`, where the bodies and their docs
//! live. Commands sit in a module, not in `lib.rs`: a command defined at the crate root collides
//! with the macro's generated names (E0255). Progress callbacks become Tauri channels here.

use gatehouse_commands::app::{AppInfo, CompatibilityCheck, KeyringReport};
use gatehouse_commands::audit::{AuditPage, ExportedFile};
use gatehouse_commands::clients::{self, ClientLinks, ClientTokenIssued};
use gatehouse_commands::console::{self, ConsoleRow, DriftReport};
use gatehouse_commands::inventory::{self, TokenInventory};
use gatehouse_commands::login::{GatehouseSetUp, SignInForm, SignedInPerson};
use gatehouse_commands::matrix::{self, MatrixProgress};
use gatehouse_commands::portfolios::{ConnectForm, PortfolioEntry, PortfolioList};
use gatehouse_commands::tokens::{IssuedToken, TokenRequest};
use gatehouse_commands::{
    app, audit, jobs, login, portfolio, portfolios, tokens, AppState, CommandError,
};
use gatehouse_core::audit::{AuditCheck, AuditFilter, ExportFormat};
use gatehouse_core::connect::ConnectionReport;
use gatehouse_core::inventory::ExpiryNotice;
use gatehouse_core::jobs::{AssetChange, JobEvent, JobReport, JobSummary};
use gatehouse_core::login::{AdminChoice, BusinessCheck};
use gatehouse_core::matrix::AccessMatrix;
use gatehouse_core::obo::{ClientAssignment, ClientAssignmentOutcome};
use gatehouse_core::rescue::{RescueCase, RescueGuide};
use gatehouse_core::{
    AccessCount, AppChoice, AppClaim, AssetKindInfo, AssetRow, ChangeReview, CopyReceipt,
    CreatedSystemUser, NewRole, PortfolioOverview, Preflight, Revoked, ScopeCatalog,
    SystemUserAccess, TokenReport, TokenStep,
};
use gatehouse_graph::AssetKind;
use tauri::ipc::Channel;
use tauri::State;

type Answer<T> = Result<T, CommandError>;

#[tauri::command]
#[specta::specta]
pub async fn app_info() -> AppInfo {
    app::app_info().await
}

#[tauri::command]
#[specta::specta]
pub async fn check_compatibility(state: State<'_, AppState>) -> Answer<CompatibilityCheck> {
    app::check_compatibility(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn keyring_status(state: State<'_, AppState>) -> Answer<KeyringReport> {
    app::keyring_status(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_portfolios(state: State<'_, AppState>) -> Answer<PortfolioList> {
    portfolios::list_portfolios(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn switch_portfolio(state: State<'_, AppState>, id: String) -> Answer<()> {
    portfolios::switch_portfolio(&state, id).await
}

#[tauri::command]
#[specta::specta]
pub async fn check_connection(
    state: State<'_, AppState>,
    form: ConnectForm,
) -> Answer<ConnectionReport> {
    portfolios::check_connection(&state, form).await
}

#[tauri::command]
#[specta::specta]
pub async fn claim_app_for_connection(
    state: State<'_, AppState>,
    form: ConnectForm,
) -> Answer<AppClaim> {
    portfolios::claim_app_for_connection(&state, form).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_portfolio(
    state: State<'_, AppState>,
    form: ConnectForm,
) -> Answer<PortfolioEntry> {
    portfolios::save_portfolio(&state, form).await
}

#[tauri::command]
#[specta::specta]
pub async fn confirm_graph_url(
    state: State<'_, AppState>,
    id: String,
    url: String,
) -> Answer<PortfolioEntry> {
    portfolios::confirm_graph_url(&state, id, url).await
}

/// Opens Meta's login dialog in a window of its own and waits for the person; the window's
/// answer is read by the engine (the window itself is the shell's part: `crate::login_window`).
#[tauri::command]
#[specta::specta]
pub async fn sign_in_with_meta(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    form: SignInForm,
) -> Answer<SignedInPerson> {
    let dialog = login::begin_sign_in(&state, form).await?;
    match crate::login_window::run(&app, &dialog.url).await {
        Ok(landed) => login::finish_sign_in(&state, landed).await,
        Err(error) => {
            login::cancel_sign_in(&state);
            Err(error)
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn check_business(
    state: State<'_, AppState>,
    business_id: String,
) -> Answer<BusinessCheck> {
    login::check_business(&state, business_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_up_gatehouse(
    state: State<'_, AppState>,
    business_id: String,
    choice: AdminChoice,
    label: String,
) -> Answer<GatehouseSetUp> {
    login::set_up_gatehouse(&state, business_id, choice, label).await
}

#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(app: tauri::AppHandle, state: State<'_, AppState>) {
    login::cancel_sign_in(&state);
    // Meta's window goes too; the sign-in waiting on it then ends as cancelled.
    crate::login_window::close(&app);
}

#[tauri::command]
#[specta::specta]
pub async fn audit_log(state: State<'_, AppState>, filter: AuditFilter) -> Answer<AuditPage> {
    audit::audit_log(&state, filter).await
}

#[tauri::command]
#[specta::specta]
pub async fn verify_audit_log(state: State<'_, AppState>) -> Answer<AuditCheck> {
    audit::verify_audit_log(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn export_audit_log(
    state: State<'_, AppState>,
    filter: AuditFilter,
    format: ExportFormat,
) -> Answer<ExportedFile> {
    audit::export_audit_log(&state, filter, format).await
}

#[tauri::command]
#[specta::specta]
pub async fn token_inventory(state: State<'_, AppState>, all: bool) -> Answer<TokenInventory> {
    inventory::token_inventory(&state, all).await
}

#[tauri::command]
#[specta::specta]
pub async fn export_token_calendar(state: State<'_, AppState>, all: bool) -> Answer<ExportedFile> {
    inventory::export_token_calendar(&state, all).await
}

#[tauri::command]
#[specta::specta]
pub async fn client_links(state: State<'_, AppState>) -> Answer<ClientLinks> {
    clients::client_links(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn link_client(
    state: State<'_, AppState>,
    client_business_id: String,
    client_admin_token: String,
) -> Answer<()> {
    clients::link_client(&state, client_business_id, client_admin_token).await
}

#[tauri::command]
#[specta::specta]
pub async fn link_demo_client(
    state: State<'_, AppState>,
    client_business_id: String,
) -> Answer<()> {
    clients::link_demo_client(&state, client_business_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn client_token(
    state: State<'_, AppState>,
    client_business_id: String,
    scopes: Vec<String>,
    system_user_name: Option<String>,
) -> Answer<ClientTokenIssued> {
    clients::client_token(&state, client_business_id, scopes, system_user_name).await
}

#[tauri::command]
#[specta::specta]
pub async fn client_assets(
    state: State<'_, AppState>,
    client_business_id: String,
    kind: AssetKind,
) -> Answer<Vec<AssetRow>> {
    clients::client_assets(&state, client_business_id, kind).await
}

#[tauri::command]
#[specta::specta]
pub async fn assign_client_assets(
    state: State<'_, AppState>,
    client_business_id: String,
    system_user_id: String,
    assignments: Vec<ClientAssignment>,
) -> Answer<Vec<ClientAssignmentOutcome>> {
    clients::assign_client_assets(&state, client_business_id, system_user_id, assignments).await
}

#[tauri::command]
#[specta::specta]
pub fn forget_client_admin_token(state: State<'_, AppState>) {
    clients::forget_client_admin_token(&state);
}

#[tauri::command]
#[specta::specta]
pub async fn unlink_client(state: State<'_, AppState>, client_business_id: String) -> Answer<()> {
    clients::unlink_client(&state, client_business_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn access_matrix(
    state: State<'_, AppState>,
    on_progress: Channel<MatrixProgress>,
) -> Answer<AccessMatrix> {
    matrix::access_matrix(&state, move |p| drop(on_progress.send(p))).await
}

#[tauri::command]
#[specta::specta]
pub async fn export_access_matrix(
    state: State<'_, AppState>,
    format: ExportFormat,
) -> Answer<ExportedFile> {
    matrix::export_access_matrix(&state, format).await
}

#[tauri::command]
#[specta::specta]
pub async fn export_least_privilege(
    state: State<'_, AppState>,
    format: ExportFormat,
) -> Answer<ExportedFile> {
    matrix::export_least_privilege(&state, format).await
}

#[tauri::command]
#[specta::specta]
pub async fn agency_console(state: State<'_, AppState>) -> Answer<Vec<ConsoleRow>> {
    console::agency_console(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn check_drift(
    state: State<'_, AppState>,
    id: String,
    on_progress: Channel<MatrixProgress>,
) -> Answer<DriftReport> {
    console::check_drift(&state, id, move |p| drop(on_progress.send(p))).await
}

#[tauri::command]
#[specta::specta]
pub async fn refresh_kept_token(state: State<'_, AppState>, hash: String) -> Answer<IssuedToken> {
    inventory::refresh_kept_token(&state, hash).await
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_kept_token(state: State<'_, AppState>, hash: String) -> Answer<Revoked> {
    inventory::revoke_kept_token(&state, hash).await
}

#[tauri::command]
#[specta::specta]
pub async fn token_rescue_guide(
    state: State<'_, AppState>,
    portfolio_id: String,
    hash: String,
    rescue_case: RescueCase,
    owner_name: Option<String>,
) -> Answer<RescueGuide> {
    inventory::token_rescue_guide(&state, portfolio_id, hash, rescue_case, owner_name).await
}

#[tauri::command]
#[specta::specta]
pub async fn invalidate_system_user_tokens(
    state: State<'_, AppState>,
    system_user_id: String,
) -> Answer<()> {
    inventory::invalidate_system_user_tokens(&state, system_user_id).await
}

/// The reminder of tokens that expire within `within_days`, without a notification (the window
/// asks again when the person changes the number of days).
#[tauri::command]
#[specta::specta]
pub async fn token_expiry_notice(
    state: State<'_, AppState>,
    within_days: u32,
) -> Answer<Option<ExpiryNotice>> {
    inventory::token_expiry_notice(&state, within_days).await
}

/// Shows a desktop notification when tokens expire within `within_days` (the window asks at
/// start and then twice a day, when the person has the reminder on); the notice either way.
#[tauri::command]
#[specta::specta]
pub async fn notify_token_expiry(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    within_days: u32,
) -> Answer<Option<ExpiryNotice>> {
    let notice = inventory::token_expiry_notice(&state, within_days).await?;
    if let Some(n) = &notice {
        use tauri_plugin_notification::NotificationExt;
        // No notification service (a bare session): the window shows the notice anyway.
        if let Err(e) = app.notification().builder().title(&n.title).body(&n.body).show() {
            eprintln!("gatehouse: the desktop notification could not be shown: {e}");
        }
    }
    Ok(notice)
}

#[tauri::command]
#[specta::specta]
pub async fn remove_portfolio(state: State<'_, AppState>, id: String) -> Answer<()> {
    portfolios::remove_portfolio(&state, id).await
}

#[tauri::command]
#[specta::specta]
pub async fn portfolio_overview(state: State<'_, AppState>) -> Answer<PortfolioOverview> {
    portfolio::portfolio_overview(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn claim_app(state: State<'_, AppState>, app_id: String) -> Answer<AppClaim> {
    portfolio::claim_app(&state, app_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_system_user(
    state: State<'_, AppState>,
    name: String,
    role: NewRole,
) -> Answer<CreatedSystemUser> {
    portfolio::create_system_user(&state, name, role).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_system_user(
    state: State<'_, AppState>,
    system_user_id: String,
    name: String,
) -> Answer<()> {
    portfolio::rename_system_user(&state, system_user_id, name).await
}

#[tauri::command]
#[specta::specta]
pub async fn access_counts(state: State<'_, AppState>) -> Answer<Vec<AccessCount>> {
    portfolio::access_counts(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn system_user_access(
    state: State<'_, AppState>,
    system_user_id: String,
) -> Answer<SystemUserAccess> {
    portfolio::system_user_access(&state, system_user_id).await
}

#[tauri::command]
#[specta::specta]
pub fn asset_kinds() -> Vec<AssetKindInfo> {
    portfolio::asset_kinds()
}

#[tauri::command]
#[specta::specta]
pub async fn stream_assets(
    state: State<'_, AppState>,
    kind: AssetKind,
    on_rows: Channel<Vec<AssetRow>>,
) -> Answer<u32> {
    // The first page in small parts, so it shows at once; the rest whole (see in_channel_parts).
    let first = std::sync::atomic::AtomicBool::new(true);
    // A closed window drops the channel; the listing ends with nobody to show it to.
    portfolio::stream_assets(&state, kind, move |rows| {
        if first.swap(false, std::sync::atomic::Ordering::Relaxed) {
            for part in in_channel_parts(rows) {
                drop(on_rows.send(part));
            }
        } else {
            drop(on_rows.send(rows));
        }
    })
    .await
}

/// Tauri hands a channel message of 8 KiB or more to the page through a fetch the page makes,
/// and in the app (WebKitGTK) those arrived only after the command's own answer: no page of a
/// listing (500 rows, about 70 KiB) showed before the listing ended. Smaller messages are
/// evaluated in the page as they are sent, but each costs the page a script run: 100,000 rows in
/// such parts kept the window busy for 47 s (scripts/bench.sh). So the first page goes out in
/// parts below that size and the others whole.
fn in_channel_parts(rows: Vec<AssetRow>) -> Vec<Vec<AssetRow>> {
    const PART_BYTES: usize = 6 * 1024;
    let mut parts = Vec::new();
    let (mut part, mut bytes) = (Vec::new(), 0);
    for row in rows {
        let size = serde_json::to_string(&row).map_or(PART_BYTES, |json| json.len() + 1);
        if !part.is_empty() && bytes + size > PART_BYTES {
            parts.push(std::mem::take(&mut part));
            bytes = 0;
        }
        bytes += size;
        part.push(row);
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts
}

#[tauri::command]
#[specta::specta]
pub async fn review_changes(
    state: State<'_, AppState>,
    system_user_id: String,
    changes: Vec<AssetChange>,
) -> Answer<ChangeReview> {
    jobs::review_changes(&state, system_user_id, changes).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_job(
    state: State<'_, AppState>,
    system_user_id: String,
    system_user_name: String,
    changes: Vec<AssetChange>,
) -> Answer<JobSummary> {
    jobs::create_job(&state, system_user_id, system_user_name, changes).await
}

#[tauri::command]
#[specta::specta]
pub fn cancel_job(state: State<'_, AppState>, job_id: String) {
    jobs::cancel_job(&state, job_id)
}

#[tauri::command]
#[specta::specta]
pub async fn retry_failed(state: State<'_, AppState>, job_id: String) -> Answer<JobSummary> {
    jobs::retry_failed(&state, job_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn discard_job(state: State<'_, AppState>, job_id: String) -> Answer<JobSummary> {
    jobs::discard_job(&state, job_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn unfinished_jobs(state: State<'_, AppState>) -> Answer<Vec<JobSummary>> {
    jobs::unfinished_jobs(&state).await
}

#[tauri::command]
#[specta::specta]
pub async fn job_report(state: State<'_, AppState>, job_id: String) -> Answer<JobReport> {
    jobs::job_report(&state, job_id).await
}

#[tauri::command]
#[specta::specta]
pub fn scope_catalog() -> ScopeCatalog {
    tokens::scope_catalog()
}

#[tauri::command]
#[specta::specta]
pub async fn token_apps(
    state: State<'_, AppState>,
    system_user_id: String,
) -> Answer<Vec<AppChoice>> {
    tokens::token_apps(&state, system_user_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn token_preflight(
    state: State<'_, AppState>,
    request: TokenRequest,
) -> Answer<Preflight> {
    tokens::token_preflight(&state, request).await
}

#[tauri::command]
#[specta::specta]
pub async fn install_app(
    state: State<'_, AppState>,
    system_user_id: String,
    app_id: String,
) -> Answer<()> {
    tokens::install_app(&state, system_user_id, app_id).await
}

#[tauri::command]
#[specta::specta]
pub async fn copy_token(
    state: State<'_, AppState>,
    handle: String,
    clear_after_secs: Option<u32>,
) -> Answer<CopyReceipt> {
    tokens::copy_token(&state, handle, clear_after_secs).await
}

#[tauri::command]
#[specta::specta]
pub fn reveal_token(state: State<'_, AppState>, handle: String) -> Answer<tokens::RevealedToken> {
    tokens::reveal_token(&state, handle)
}

#[tauri::command]
#[specta::specta]
pub async fn keep_token_in_keychain(state: State<'_, AppState>, handle: String) -> Answer<()> {
    tokens::keep_token_in_keychain(&state, handle).await
}

#[tauri::command]
#[specta::specta]
pub async fn forget_token(state: State<'_, AppState>, handle: String) -> Answer<()> {
    tokens::forget_token(&state, handle).await
}

#[tauri::command]
#[specta::specta]
pub async fn inspect_token(state: State<'_, AppState>, token: String) -> Answer<TokenReport> {
    tokens::inspect_token(&state, token).await
}

#[tauri::command]
#[specta::specta]
pub async fn refresh_token(state: State<'_, AppState>, token: String) -> Answer<IssuedToken> {
    tokens::refresh_token(&state, token).await
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_token(state: State<'_, AppState>, token: String) -> Answer<Revoked> {
    tokens::revoke_token(&state, token).await
}

#[tauri::command]
#[specta::specta]
pub async fn run_job(
    state: State<'_, AppState>,
    job_id: String,
    on_event: Channel<JobEvent>,
) -> Answer<JobReport> {
    // A closed window drops the channel; the job still runs to its end.
    jobs::run_job(&state, job_id, move |event| drop(on_event.send(event))).await
}

#[tauri::command]
#[specta::specta]
pub async fn generate_token(
    state: State<'_, AppState>,
    request: TokenRequest,
    on_step: Channel<TokenStep>,
) -> Answer<IssuedToken> {
    tokens::generate_token(&state, request, move |step| drop(on_step.send(step))).await
}

#[cfg(test)]
mod tests {
    use gatehouse_core::access::AssetRow;
    use gatehouse_graph::{AssetKind, Relation};

    #[test]
    fn a_page_of_rows_goes_out_in_parts_the_page_evaluates_at_once_in_order() {
        let rows: Vec<AssetRow> = (0..500)
            .map(|i| AssetRow {
                kind: AssetKind::AdAccount,
                name: format!("Aurora Skincare – US – Prospecting {i:04}"),
                detail: Some(format!("Account {i}")),
                id: format!("act_{i}"),
                relation: Relation::Owned,
                relation_note: None,
            })
            .collect();
        let parts = super::in_channel_parts(rows.clone());
        assert!(parts.len() > 1);
        for part in &parts {
            assert!(serde_json::to_string(part).unwrap().len() < 8192);
        }
        assert_eq!(parts.concat(), rows, "every row, once, in order");
        assert!(super::in_channel_parts(Vec::new()).is_empty());
    }
}
