//! Every desktop command by its Tauri name, with its arguments as the webview sends them
//! (camelCase keys, as Tauri renames them). A test calls every command of the generated bindings
//! through the host, so a command added to the app and not here fails the build's tests.

use gatehouse_commands::{
    app, audit, clients, console, inventory, jobs, login, matrix, portfolio, portfolios, tokens,
    AppState, CommandError,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

/// Why a request could not reach a command (as opposed to the command's own errors).
#[derive(Debug)]
pub enum DispatchError {
    UnknownCommand(String),
    BadArgument { name: &'static str, reason: String },
}

impl std::fmt::Display for DispatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownCommand(name) => write!(f, "no command named {name:?}"),
            Self::BadArgument { name, reason } => write!(f, "argument {name:?}: {reason}"),
        }
    }
}

/// Where a command's progress messages go: the channel argument's name and the message.
pub type Emit<'a> = &'a (dyn Fn(&'static str, Value) + Send + Sync);

/// The arguments object, read one named argument at a time.
struct Args(Map<String, Value>);

impl Args {
    fn get<T: DeserializeOwned>(&self, name: &'static str) -> Result<T, DispatchError> {
        let value = self.0.get(name).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value)
            .map_err(|e| DispatchError::BadArgument { name, reason: e.to_string() })
    }
}

/// A command's answer as Tauri serializes it: the value, or the command's error.
type Answer = Result<Value, CommandError>;

fn answer<T: Serialize>(result: Result<T, CommandError>) -> Answer {
    result.and_then(|value| {
        serde_json::to_value(value).map_err(|e| gatehouse_commands::internal(e.to_string()))
    })
}

/// A progress callback that sends each message, serialized, to `emit` under `channel`.
fn channel<'a, T: Serialize>(
    emit: Emit<'a>,
    channel: &'static str,
) -> impl Fn(T) + Send + Sync + 'a {
    move |message| {
        if let Ok(value) = serde_json::to_value(message) {
            emit(channel, value);
        }
    }
}

/// Runs `command` with `args` (a JSON object; anything else counts as no arguments).
pub async fn invoke(
    state: &AppState,
    command: &str,
    args: Value,
    emit: Emit<'_>,
) -> Result<Answer, DispatchError> {
    let args = Args(match args {
        Value::Object(map) => map,
        _ => Map::new(),
    });
    let s = state;
    Ok(match command {
        "app_info" => answer(Ok(app::app_info().await)),
        "keyring_status" => answer(app::keyring_status(s).await),
        "check_compatibility" => answer(app::check_compatibility(s).await),
        "list_portfolios" => answer(portfolios::list_portfolios(s).await),
        "switch_portfolio" => answer(portfolios::switch_portfolio(s, args.get("id")?).await),
        "check_connection" => answer(portfolios::check_connection(s, args.get("form")?).await),
        "claim_app_for_connection" => {
            answer(portfolios::claim_app_for_connection(s, args.get("form")?).await)
        }
        "save_portfolio" => answer(portfolios::save_portfolio(s, args.get("form")?).await),
        "confirm_graph_url" => {
            answer(portfolios::confirm_graph_url(s, args.get("id")?, args.get("url")?).await)
        }
        "sign_in_with_meta" => answer(sign_in_with_meta(s, args.get("form")?).await),
        "check_business" => answer(login::check_business(s, args.get("businessId")?).await),
        "set_up_gatehouse" => answer(
            login::set_up_gatehouse(
                s,
                args.get("businessId")?,
                args.get("choice")?,
                args.get("label")?,
            )
            .await,
        ),
        "cancel_sign_in" => {
            login::cancel_sign_in(s);
            answer(Ok(()))
        }
        "remove_portfolio" => answer(portfolios::remove_portfolio(s, args.get("id")?).await),
        "audit_log" => answer(audit::audit_log(s, args.get("filter")?).await),
        "verify_audit_log" => answer(audit::verify_audit_log(s).await),
        "client_links" => answer(clients::client_links(s).await),
        "link_demo_client" => {
            answer(clients::link_demo_client(s, args.get("clientBusinessId")?).await)
        }
        "link_client" => answer(
            clients::link_client(s, args.get("clientBusinessId")?, args.get("clientAdminToken")?)
                .await,
        ),
        "client_token" => answer(
            clients::client_token(
                s,
                args.get("clientBusinessId")?,
                args.get("scopes")?,
                args.get("systemUserName")?,
            )
            .await,
        ),
        "client_assets" => answer(
            clients::client_assets(s, args.get("clientBusinessId")?, args.get("kind")?).await,
        ),
        "assign_client_assets" => answer(
            clients::assign_client_assets(
                s,
                args.get("clientBusinessId")?,
                args.get("systemUserId")?,
                args.get("assignments")?,
            )
            .await,
        ),
        "forget_client_admin_token" => {
            clients::forget_client_admin_token(s);
            answer(Ok(()))
        }
        "unlink_client" => answer(clients::unlink_client(s, args.get("clientBusinessId")?).await),
        "refresh_kept_token" => answer(inventory::refresh_kept_token(s, args.get("hash")?).await),
        "revoke_kept_token" => answer(inventory::revoke_kept_token(s, args.get("hash")?).await),
        "token_rescue_guide" => answer(
            inventory::token_rescue_guide(
                s,
                args.get("portfolioId")?,
                args.get("hash")?,
                args.get("rescueCase")?,
                args.get("ownerName")?,
            )
            .await,
        ),
        "invalidate_system_user_tokens" => {
            answer(inventory::invalidate_system_user_tokens(s, args.get("systemUserId")?).await)
        }
        // The dev host has no desktop: the notice only, both ways.
        "notify_token_expiry" | "token_expiry_notice" => {
            answer(inventory::token_expiry_notice(s, args.get("withinDays")?).await)
        }
        "agency_console" => answer(console::agency_console(s).await),
        "check_drift" => {
            answer(console::check_drift(s, args.get("id")?, channel(emit, "onProgress")).await)
        }
        "access_matrix" => answer(matrix::access_matrix(s, channel(emit, "onProgress")).await),
        "export_access_matrix" => {
            answer(matrix::export_access_matrix(s, args.get("format")?).await)
        }
        "export_least_privilege" => {
            answer(matrix::export_least_privilege(s, args.get("format")?).await)
        }
        "token_inventory" => answer(inventory::token_inventory(s, args.get("all")?).await),
        "export_token_calendar" => {
            answer(inventory::export_token_calendar(s, args.get("all")?).await)
        }
        "export_audit_log" => {
            answer(audit::export_audit_log(s, args.get("filter")?, args.get("format")?).await)
        }
        "portfolio_overview" => answer(portfolio::portfolio_overview(s).await),
        "claim_app" => answer(portfolio::claim_app(s, args.get("appId")?).await),
        "create_system_user" => {
            answer(portfolio::create_system_user(s, args.get("name")?, args.get("role")?).await)
        }
        "rename_system_user" => answer(
            portfolio::rename_system_user(s, args.get("systemUserId")?, args.get("name")?).await,
        ),
        "access_counts" => answer(portfolio::access_counts(s).await),
        "system_user_access" => {
            answer(portfolio::system_user_access(s, args.get("systemUserId")?).await)
        }
        "asset_kinds" => answer(Ok(portfolio::asset_kinds())),
        "stream_assets" => {
            answer(portfolio::stream_assets(s, args.get("kind")?, channel(emit, "onRows")).await)
        }
        "review_changes" => {
            answer(jobs::review_changes(s, args.get("systemUserId")?, args.get("changes")?).await)
        }
        "create_job" => answer(
            jobs::create_job(
                s,
                args.get("systemUserId")?,
                args.get("systemUserName")?,
                args.get("changes")?,
            )
            .await,
        ),
        "run_job" => answer(jobs::run_job(s, args.get("jobId")?, channel(emit, "onEvent")).await),
        "cancel_job" => {
            jobs::cancel_job(s, args.get("jobId")?);
            answer(Ok(()))
        }
        "retry_failed" => answer(jobs::retry_failed(s, args.get("jobId")?).await),
        "discard_job" => answer(jobs::discard_job(s, args.get("jobId")?).await),
        "unfinished_jobs" => answer(jobs::unfinished_jobs(s).await),
        "job_report" => answer(jobs::job_report(s, args.get("jobId")?).await),
        "scope_catalog" => answer(Ok(tokens::scope_catalog())),
        "token_apps" => answer(tokens::token_apps(s, args.get("systemUserId")?).await),
        "token_preflight" => answer(tokens::token_preflight(s, args.get("request")?).await),
        "install_app" => {
            answer(tokens::install_app(s, args.get("systemUserId")?, args.get("appId")?).await)
        }
        "generate_token" => {
            answer(tokens::generate_token(s, args.get("request")?, channel(emit, "onStep")).await)
        }
        "copy_token" => {
            answer(tokens::copy_token(s, args.get("handle")?, args.get("clearAfterSecs")?).await)
        }
        "reveal_token" => answer(tokens::reveal_token(s, args.get("handle")?)),
        "keep_token_in_keychain" => {
            answer(tokens::keep_token_in_keychain(s, args.get("handle")?).await)
        }
        "forget_token" => answer(tokens::forget_token(s, args.get("handle")?).await),
        "inspect_token" => answer(tokens::inspect_token(s, args.get("token")?).await),
        "refresh_token" => answer(tokens::refresh_token(s, args.get("token")?).await),
        "revoke_token" => answer(tokens::revoke_token(s, args.get("token")?).await),
        other => return Err(DispatchError::UnknownCommand(other.to_owned())),
    })
}

/// `sign_in_with_meta` without a window: the session's demo emulator serves the dialog, and the
/// person who answers it is the one a window's user would be, the admin of the demo business
/// that owns or develops the form's app (no such person: a cancel).
async fn sign_in_with_meta(
    state: &AppState,
    form: login::SignInForm,
) -> Result<login::SignedInPerson, CommandError> {
    let app_id = form.app_id.trim().to_owned();
    let dialog = login::begin_sign_in(state, form).await?;
    let demo = state.demo().await?;
    let person = demo.emulator().manifest().businesses.iter().find_map(|b| {
        let has_app = b.apps.iter().chain(&b.developer_apps).any(|a| a.id == app_id);
        has_app.then(|| b.user_id.clone()).flatten()
    });
    let landed = demo.emulator().answer_login(&dialog.url, person.as_deref()).ok_or_else(|| {
        gatehouse_commands::internal("the emulator's login dialog did not answer")
    })?;
    login::finish_sign_in(state, landed).await
}
