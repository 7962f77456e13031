//! `gatehouse app install` and `gatehouse token generate|inspect|refresh|revoke` over core's
//! token workflows.
//!
//! A token never comes from argv and never goes to a file or a log: it is read from stdin (one
//! line) or a hidden prompt, and given out once, on stdout when stdout is not a terminal (or
//! with `--show`), otherwise on the clipboard, which is cleared after a countdown.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};
use gatehouse_core::inventory::InventoryToken;
use gatehouse_core::rescue::{rescue_guide, RescueAction, RescueCase, RescueFacts};
use gatehouse_core::CLEAR_AFTER;
use gatehouse_core::{
    parse_scopes, CopyReceipt, GeneratedToken, Preflight, SecretClipboard, TokenExpiry,
    TokenReport, TokenStep,
};
use gatehouse_secrets::Secret;
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use crate::commands::{connect, read_secret_line, Connection, Global};
use crate::error::{exit, CliError};
use gatehouse_errors::{ErrorCode, Explain};

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Install an app for a system user, which a token for that app needs. Installing an app
    /// that is already installed changes nothing.
    Install {
        /// The system user.
        #[arg(long, value_name = "ID")]
        system_user: String,
        /// The app (owned by the business or shared with it).
        #[arg(long = "app", value_name = "ID")]
        app_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Check, install the app, generate a system-user token and show what it really has. The
    /// token goes to stdout when stdout is not a terminal (or with --show), otherwise to the
    /// clipboard until it is cleared.
    Generate(GenerateArgs),
    /// What a token is (type, app, system user, permissions and their assets, expiry). The
    /// token is read from stdin (one line) or asked for without echo.
    Inspect,
    /// A new 60-day token in place of one read from stdin, or of the keychain's copy with
    /// --kept (the old one keeps working until it expires). Uses the profile's app secret.
    Refresh {
        #[command(flatten)]
        kept: KeptArg,
        #[command(flatten)]
        delivery: DeliveryArgs,
    },
    /// Revoke a token read from stdin, or the keychain's copy with --kept, at once. Uses the
    /// profile's app secret.
    Revoke {
        #[command(flatten)]
        kept: KeptArg,
    },
    /// Invalidate every token of a system user (the way to stop a token nobody has a copy of);
    /// new ones can be generated afterwards.
    Invalidate {
        #[arg(long, value_name = "ID")]
        system_user: String,
    },
    /// What to do when a token is lost or leaked, step by step in the safe order, with the
    /// commands for the steps Gatehouse can do.
    Rescue {
        #[arg(value_enum)]
        case: RescueCaseArg,
        /// The token's last characters or its hash (`gatehouse token list`).
        fingerprint: String,
    },
    /// Every token Gatehouse generated, refreshed or inspected (never the token: its last
    /// characters and a hash), the soonest expiry first: this profile's, or all with --all.
    List {
        #[arg(long)]
        all: bool,
    },
    /// The expiry dates of the tokens that still work as an iCalendar file (a reminder a week
    /// before each), to a file or stdout.
    Calendar {
        #[arg(long)]
        all: bool,
        /// Where to write it (default: stdout). An existing file is not replaced.
        #[arg(long, short, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The system user the token is for.
    #[arg(long, value_name = "ID")]
    pub system_user: String,
    /// The app the token is for (default: the profile's app).
    #[arg(long = "app", value_name = "ID")]
    pub app_id: Option<String>,
    /// Comma-separated permissions, e.g. ads_management,ads_read; the ones they depend on are
    /// added.
    #[arg(long, value_delimiter = ',', required = true, value_name = "S1,S2")]
    pub scopes: Vec<String>,
    /// How long the token lives: 60d (refreshable, recommended) or never.
    #[arg(long, value_name = "60d|never")]
    pub expires: ExpiresArg,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

/// Where a new token goes.
#[derive(Debug, Args)]
pub struct DeliveryArgs {
    /// Print the token on stdout even when stdout is a terminal.
    #[arg(long, conflicts_with = "copy")]
    pub show: bool,
    /// Copy the token to the clipboard even when stdout is not a terminal.
    #[arg(long)]
    pub copy: bool,
    /// Seconds until the clipboard is cleared (3 to 300, as in the app's Settings).
    #[arg(long, default_value_t = CLEAR_AFTER.default, value_name = "SECS",
          value_parser = clap::value_parser!(u32)
              .range(i64::from(CLEAR_AFTER.min)..=i64::from(CLEAR_AFTER.max)))]
    pub clear_after: u32,
}

/// `--kept FINGERPRINT`: act with the keychain's copy of an inventory token (kept from the app's
/// copy-once dialog) instead of reading the token.
#[derive(Debug, Args)]
pub struct KeptArg {
    /// The token's last characters or its hash (`gatehouse token list`).
    #[arg(long = "kept", value_name = "FINGERPRINT")]
    pub fingerprint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RescueCaseArg {
    Lost,
    Leaked,
}

impl From<RescueCaseArg> for RescueCase {
    fn from(c: RescueCaseArg) -> Self {
        match c {
            RescueCaseArg::Lost => RescueCase::Lost,
            RescueCaseArg::Leaked => RescueCase::Leaked,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpiresArg {
    #[value(name = "60d")]
    SixtyDays,
    Never,
}

impl From<ExpiresArg> for TokenExpiry {
    fn from(e: ExpiresArg) -> Self {
        match e {
            ExpiresArg::SixtyDays => TokenExpiry::SixtyDays,
            ExpiresArg::Never => TokenExpiry::Never,
        }
    }
}

/// Error codes this module prints itself, with their own exit codes.
const INPUT_CODE: ErrorCode = ErrorCode::TokenInputFailed;

pub async fn run_app(g: &Global, cmd: AppCommand) -> Result<u8, CliError> {
    match cmd {
        AppCommand::Install { system_user, app_id } => {
            let conn = connect(g).await?;
            eprintln!("Installing app {app_id} for system user {system_user}…");
            conn.portfolio().install_app(&system_user, &app_id).await?;
            if g.json {
                print_json(&json!({
                    "system_user_id": system_user, "app_id": app_id, "installed": true,
                }))?;
            } else {
                println!("Installed app {app_id} for system user {system_user}.");
            }
            Ok(exit::OK)
        }
    }
}

pub async fn run_token(g: &Global, cmd: TokenCommand) -> Result<u8, CliError> {
    let result = match cmd {
        TokenCommand::Generate(args) => generate(g, args).await,
        TokenCommand::Inspect => inspect(g).await,
        TokenCommand::Refresh { kept, delivery } => refresh(g, kept, delivery).await,
        TokenCommand::Revoke { kept } => revoke(g, kept).await,
        TokenCommand::Invalidate { system_user } => invalidate(g, &system_user).await,
        TokenCommand::Rescue { case, fingerprint } => rescue(g, case.into(), &fingerprint).await,
        TokenCommand::List { all } => list(g, all),
        TokenCommand::Calendar { all, output } => calendar(g, all, output),
    };
    match result {
        // A token that could not be read is an input failure (exit 6), with a fix about tokens.
        Err(e @ CliError::Usage { code: INPUT_CODE, .. }) => {
            e.print(g.json);
            Ok(exit::INPUT)
        }
        other => other,
    }
}

// ----- generate ------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Delivery {
    Stdout,
    Clipboard,
}

impl Delivery {
    pub(crate) fn choose(args: &DeliveryArgs) -> Self {
        if args.copy {
            Delivery::Clipboard
        } else if args.show || !std::io::stdout().is_terminal() {
            Delivery::Stdout
        } else {
            Delivery::Clipboard
        }
    }
}

/// `--scopes` as permissions (a usage error names the unknown one).
pub(crate) fn scopes_arg(names: &[String]) -> Result<Vec<gatehouse_graph::Scope>, CliError> {
    parse_scopes(names).map_err(|e| {
        CliError::usage(
            ErrorCode::InvalidScope,
            e.detail().unwrap_or_default(),
            "Pass --scopes with permission names such as ads_management,ads_read.",
        )
    })
}

/// Where a new token will go, and the clipboard ready when that is where: checked before a
/// token exists, since a token that cannot be delivered must not be issued.
pub(crate) async fn delivery_for(
    args: &DeliveryArgs,
) -> Result<(Delivery, Option<SecretClipboard>), CliError> {
    let delivery = Delivery::choose(args);
    let clipboard = match delivery {
        Delivery::Clipboard => Some(ready_clipboard().await?),
        Delivery::Stdout => None,
    };
    Ok((delivery, clipboard))
}

/// Writes `contents` to a new file at `path` (an existing file is never replaced).
pub(crate) fn write_new_file(path: &std::path::Path, contents: &str) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| CliError::Input(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(contents.as_bytes())
        .map_err(|e| CliError::Input(format!("cannot write {}: {e}", path.display())))
}

async fn generate(g: &Global, args: GenerateArgs) -> Result<u8, CliError> {
    let scopes = scopes_arg(&args.scopes)?;
    let (delivery, clipboard) = delivery_for(&args.delivery).await?;
    let conn = connect(g).await?;
    let app_id = match args.app_id {
        Some(id) => id,
        None => default_app(&conn)?,
    };
    let portfolio = conn.portfolio();
    eprintln!("Checking system user {} and app {app_id}…", args.system_user);
    let preflight = portfolio.token_preflight(&args.system_user, &app_id, &scopes).await?;
    print_preflight(&preflight);
    if !preflight.ready {
        return Ok(refuse(g, &preflight));
    }
    let generated = portfolio
        .generate_token_with_progress(
            &args.system_user,
            &app_id,
            &scopes,
            args.expires.into(),
            |step| eprintln!("{}", step_words(step)),
        )
        .await?;
    deliver(g, generated, Some(&preflight), delivery, clipboard, args.delivery.clear_after).await
}

fn step_words(step: TokenStep) -> String {
    match step {
        TokenStep::Done => format!("{}.", step.label()),
        _ => format!("{}…", step.label()),
    }
}

fn print_preflight(p: &Preflight) {
    if !p.added_dependencies.is_empty() {
        eprintln!("Permissions they depend on, added: {}.", p.added_dependencies.join(", "));
    }
    for c in &p.checks {
        let mark = match (c.ok, c.blocking) {
            (true, _) => "ok  ",
            (false, true) => "FAIL",
            (false, false) => "warn",
        };
        eprintln!("  {mark} {}", c.title);
        if let Some(fix) = &c.fix {
            eprintln!("       fix: {fix}");
        }
    }
}

/// A blocking preflight failure: nothing was changed; exit 7.
fn refuse(g: &Global, p: &Preflight) -> u8 {
    let failed: Vec<&str> =
        p.checks.iter().filter(|c| !c.ok && c.blocking).map(|c| c.title.as_str()).collect();
    let fixes: Vec<&str> =
        p.checks.iter().filter(|c| !c.ok && c.blocking).filter_map(|c| c.fix.as_deref()).collect();
    let error = CliError::usage(
        ErrorCode::TokenPreflightFailed,
        format!("No token was generated: {}", failed.join(" ")),
        if fixes.is_empty() {
            "Fix the failed checks above, then try again.".into()
        } else {
            fixes.join(" ")
        },
    );
    if g.json {
        println!("{}", json!({ "error": error.doc(), "preflight": p }));
    } else {
        error.print(false);
    }
    exit::PREFLIGHT
}

/// The app of the profile (or of the demo business) when `--app` is not given.
fn default_app(conn: &Connection) -> Result<String, CliError> {
    match conn {
        Connection::Profile { profile, .. } => Ok(profile.app_id.clone()),
        Connection::Demo(demo) => demo_app(demo, conn.portfolio().business_id()).map(|(id, _)| id),
    }
}

/// The app secret that refresh and revoke sign with.
fn app_secret(conn: &Connection) -> Result<Secret, CliError> {
    match conn {
        Connection::Profile { app_secret, .. } => Ok(app_secret.clone()),
        Connection::Demo(demo) => {
            demo_app(demo, conn.portfolio().business_id()).map(|(_, secret)| secret)
        }
    }
}

fn demo_app(
    demo: &gatehouse_demo::DemoPortfolio,
    business_id: &str,
) -> Result<(String, Secret), CliError> {
    let manifest = demo.emulator().manifest();
    manifest
        .businesses
        .iter()
        .find(|b| b.id == business_id)
        .and_then(|b| b.apps.first())
        .map(|a| (a.id.clone(), Secret::new(a.secret.clone())))
        .ok_or_else(|| {
            gatehouse_core::Error::DemoUnavailable("the demo business has no app".into()).into()
        })
}

// ----- delivery ------------------------------------------------------------------------------

/// The `--json` document of a new token, without the token.
#[derive(Serialize)]
struct TokenDoc<'a> {
    delivery: Delivery,
    /// What Meta says the token has (the post-check).
    token: &'a TokenReport,
    post_check_error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    preflight: Option<&'a Preflight>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clipboard: Option<CopyReceipt>,
}

pub(crate) async fn deliver(
    g: &Global,
    generated: GeneratedToken,
    preflight: Option<&Preflight>,
    delivery: Delivery,
    clipboard: Option<SecretClipboard>,
    clear_after: u32,
) -> Result<u8, CliError> {
    let GeneratedToken { token, post_check, post_check_error } = generated;
    if !g.json {
        print_report(&post_check, &mut std::io::stderr().lock());
    }
    if let Some(warning) = &post_check_error {
        eprintln!("warning: {warning}");
    }
    let mut doc = TokenDoc {
        delivery,
        token: &post_check,
        post_check_error: post_check_error.as_deref(),
        preflight,
        clipboard: None,
    };
    let Some(clipboard) = clipboard.filter(|_| delivery == Delivery::Clipboard) else {
        write_token(g, &token, &doc)?;
        return Ok(exit::OK);
    };
    let receipt = match copy(&clipboard, &token, clear_after).await {
        Ok(receipt) => receipt,
        Err(e) => {
            // The token exists now: showing it once beats leaving a valid token nobody saw.
            eprintln!(
                "warning: the token could not be copied ({}). It is shown once below instead.",
                e.doc().message
            );
            doc.delivery = Delivery::Stdout;
            write_token(g, &token, &doc)?;
            return Ok(exit::OK);
        }
    };
    if g.json {
        doc.clipboard = Some(receipt);
        print_json(&doc)?;
    }
    countdown(&clipboard, &token, receipt).await
}

/// Writes the token on stdout: alone on a line, or as `access_token` of the JSON document.
fn write_token(g: &Global, token: &Secret, doc: &TokenDoc<'_>) -> Result<(), CliError> {
    let out = token_output(g.json, token, doc)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::Input(format!("cannot write the token to stdout: {e}")))
}

/// The text [`write_token`] prints, built in a zeroized buffer sized up front (so no
/// reallocation leaves a copy of the token behind).
fn token_output(
    json: bool,
    token: &Secret,
    doc: &TokenDoc<'_>,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let format_error = |e: serde_json::Error| CliError::Input(format!("cannot format: {e}"));
    let rest =
        if json { serde_json::to_string_pretty(doc).map_err(format_error)? } else { String::new() };
    // JSON escaping at most doubles plain ASCII (tokens are ASCII) and `\u` escapes are rare.
    let mut out = Zeroizing::new(Vec::with_capacity(token.len() * 6 + rest.len() + 64));
    if json {
        out.extend_from_slice(b"{\n  \"access_token\": ");
        serde_json::to_writer(&mut *out, token.expose()).map_err(format_error)?;
        out.extend_from_slice(b",");
        // `rest` is an object with at least one field: drop its opening brace.
        out.extend_from_slice(rest.trim_start_matches('{').as_bytes());
    } else {
        out.extend_from_slice(token.expose().as_bytes());
    }
    out.push(b'\n');
    Ok(out)
}

/// Opens the clipboard (a failure is `clipboard_unavailable`, exit 10).
pub(crate) async fn ready_clipboard() -> Result<SecretClipboard, CliError> {
    let clipboard = SecretClipboard::new();
    let probe = clipboard.clone();
    // An empty secret is never on the clipboard; the call only proves the clipboard answers.
    blocking(move || probe.holds(&Secret::new(String::new()))).await?;
    Ok(clipboard)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> gatehouse_core::Result<T> + Send + 'static,
) -> Result<T, CliError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => Ok(result?),
        Err(e) => Err(gatehouse_core::Error::ClipboardUnavailable(e.to_string()).into()),
    }
}

async fn copy(
    clipboard: &SecretClipboard,
    token: &Secret,
    clear_after: u32,
) -> Result<CopyReceipt, CliError> {
    let (clipboard, token) = (clipboard.clone(), token.clone());
    blocking(move || clipboard.copy(&token, Duration::from_secs(clear_after.into()))).await
}

/// Counts down on stderr until the clear time, then clears; Ctrl-C (or SIGTERM, SIGHUP) clears
/// at once. Stops early when the user copies something else (left untouched).
async fn countdown(
    clipboard: &SecretClipboard,
    token: &Secret,
    receipt: CopyReceipt,
) -> Result<u8, CliError> {
    let secs = receipt.clear_after_secs;
    eprintln!(
        "The token is on the clipboard, marked so clipboard managers do not keep it. Paste it \
         where it is needed: it is cleared in {secs} s (Ctrl-C clears it now)."
    );
    let deadline = Instant::now() + Duration::from_secs(secs.into());
    let tty = std::io::stderr().is_terminal();
    let interrupted = stop_signal();
    tokio::pin!(interrupted);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            () = &mut interrupted => break,
            _ = tick.tick() => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                let (c, t) = (clipboard.clone(), token.clone());
                if !blocking(move || c.holds(&t)).await? {
                    if tty {
                        eprintln!();
                    }
                    eprintln!("The clipboard now holds something else: Gatehouse leaves it alone.");
                    return Ok(exit::OK);
                }
                if tty {
                    eprint!("\rClearing the clipboard in {:>3} s ", left.as_secs_f64().ceil());
                }
            }
        }
    }
    if tty {
        eprintln!();
    }
    let c = clipboard.clone();
    blocking(move || c.clear_now()).await?;
    // Either it was cleared now or the worker's own timer already did.
    eprintln!("The token is off the clipboard.");
    Ok(exit::OK)
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut hup)) =
            (signal(SignalKind::terminate()), signal(SignalKind::hangup()))
        else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

// ----- inspect, refresh, revoke --------------------------------------------------------------

/// The token from stdin (one line) or a hidden prompt; never from argv.
fn read_token() -> Result<Secret, CliError> {
    let failed = |message: String| {
        CliError::usage(
            INPUT_CODE,
            message,
            "Give the token on one line of stdin (for example `gatehouse token inspect < \
             token.txt`, or from a secrets manager through a pipe), or run in a terminal to be \
             asked for it.",
        )
    };
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let value = Zeroizing::new(
            rpassword::prompt_password("Token (input hidden): ")
                .map_err(|e| failed(format!("cannot read the token: {e}")))?,
        );
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(failed("the token is empty".into()));
        }
        return Ok(Secret::new(trimmed.to_owned()));
    }
    read_secret_line(&mut stdin.lock(), "token").map_err(|e| match e {
        CliError::Input(message) => failed(message),
        other => other,
    })
}

async fn inspect(g: &Global) -> Result<u8, CliError> {
    let conn = connect(g).await?;
    let token = read_token()?;
    eprintln!("Asking Meta about the token…");
    let report = conn.portfolio().inspect_token(&token).await?;
    if g.json {
        print_json(&report)?;
    } else {
        print_report(&report, &mut std::io::stdout().lock());
    }
    Ok(exit::OK)
}

/// The token to act on: the keychain's copy of the inventory token `--kept` names (with its
/// keychain entry), or one read from stdin.
async fn token_to_act_on(
    g: &Global,
    kept: &KeptArg,
) -> Result<(Secret, Option<gatehouse_secrets::SecretKey>), CliError> {
    let Some(named) = &kept.fingerprint else { return Ok((read_token()?, None)) };
    if g.demo {
        // The command line's demo keeps no copies (and its id must never reach a profile's).
        return Err(gatehouse_core::Error::NoKeptCopy.into());
    }
    let tokens = inventory(g, false)?;
    let token = gatehouse_core::inventory::find_by_fingerprint(&tokens, named)?;
    let secrets = crate::keyring::open_from_env()?;
    let (copy, key) = gatehouse_core::inventory::kept_copy(&secrets, token)
        .await?
        .ok_or(gatehouse_core::Error::NoKeptCopy)?;
    Ok((copy, Some(key)))
}

async fn refresh(g: &Global, kept: KeptArg, args: DeliveryArgs) -> Result<u8, CliError> {
    let delivery = Delivery::choose(&args);
    let clipboard = match delivery {
        Delivery::Clipboard => Some(ready_clipboard().await?),
        Delivery::Stdout => None,
    };
    let conn = connect(g).await?;
    let app_secret = app_secret(&conn)?;
    let (token, key) = token_to_act_on(g, &kept).await?;
    eprintln!("Refreshing the token (the old one keeps working until it expires)…");
    let generated = conn.portfolio().refresh_token(&token, &app_secret).await?;
    let new_copy = key.as_ref().map(|_| generated.token.clone());
    // Delivered first: a keychain that fails afterwards must not lose the new token.
    let code = deliver(g, generated, None, delivery, clipboard, args.clear_after).await?;
    if let (Some(key), Some(copy)) = (key, new_copy) {
        // The keychain keeps the newest token of the system user, as the app does.
        match crate::keyring::open_from_env()?.set(&key, &copy).await {
            Ok(()) => eprintln!("The keychain's copy is now the new token."),
            Err(e) => eprintln!(
                "warning: the keychain's copy was not replaced ({e}); it still holds the old \
                 token, which works until it expires"
            ),
        }
    }
    Ok(code)
}

async fn revoke(g: &Global, kept: KeptArg) -> Result<u8, CliError> {
    let conn = connect(g).await?;
    let app_secret = app_secret(&conn)?;
    let (token, key) = token_to_act_on(g, &kept).await?;
    eprintln!("Revoking the token…");
    let revoked = conn.portfolio().revoke_token(&token, &app_secret).await?;
    if let Some(key) = key {
        crate::keyring::open_from_env()?.delete(&key).await?;
    }
    if g.json {
        print_json(&json!({ "revoked": true, "already_invalid": revoked.already_invalid }))?;
    } else if revoked.already_invalid {
        println!(
            "The token was already unusable (revoked, invalidated or expired); nothing changed."
        );
    } else {
        println!("Revoked: the token no longer works.");
    }
    Ok(exit::OK)
}

async fn invalidate(g: &Global, system_user: &str) -> Result<u8, CliError> {
    let conn = connect(g).await?;
    eprintln!("Invalidating every token of system user {system_user}…");
    conn.portfolio().invalidate_all_tokens(system_user).await?;
    if g.json {
        print_json(&json!({ "invalidated": true, "system_user": system_user }))?;
    } else {
        println!("Every token of system user {system_user} is invalidated; generate new ones.");
    }
    Ok(exit::OK)
}

/// The engine's guide for a lost or leaked token, with this surface's command for each step
/// Gatehouse can do.
async fn rescue(g: &Global, case: RescueCase, named: &str) -> Result<u8, CliError> {
    let all = inventory(g, true)?;
    let token = gatehouse_core::inventory::find_by_fingerprint(&all, named)?;
    let (portfolio, flag) = if g.demo {
        ("demo".to_owned(), "--demo".to_owned())
    } else {
        let id =
            crate::commands::select_profile(g, &crate::profiles::ProfileStore::from_env()?)?.id;
        (id.clone(), format!("--profile {id}"))
    };
    // Gatehouse acts with a copy only in the portfolio this command works in (never the demo's).
    let kept = if g.demo || token.portfolio_id != portfolio {
        Some(false)
    } else {
        match crate::keyring::open_from_env() {
            Ok(secrets) => gatehouse_core::inventory::kept_copy(&secrets, token)
                .await
                .ok()
                .map(|c| c.is_some()),
            Err(_) => None,
        }
    };
    let facts = RescueFacts::for_token(&all, token, &portfolio, kept, None);
    let guide = rescue_guide(case, token, &facts);
    let command = |action: RescueAction| match action {
        RescueAction::Revoke => {
            Some(format!("gatehouse {flag} token revoke --kept {}", token.fingerprint.hash))
        }
        RescueAction::InvalidateAll => Some(format!(
            "gatehouse {flag} token invalidate --system-user {}",
            token.user_id.as_deref().unwrap_or("ID")
        )),
        RescueAction::Replace => Some(format!(
            "gatehouse {flag} token generate --system-user {} --scopes {} --expires 60d|never",
            token.user_id.as_deref().unwrap_or("ID"),
            if token.scopes.is_empty() { "S1,S2".to_owned() } else { token.scopes.join(",") }
        )),
        _ => None,
    };
    if g.json {
        print_json(&guide)?;
        return Ok(exit::OK);
    }
    println!("{}\n{}\n", guide.title, guide.lede);
    for (n, step) in guide.steps.iter().enumerate() {
        println!("{}. {}. {}", n + 1, step.title, step.text);
        if let Some(run) = command(step.action) {
            println!("   {run}");
        }
    }
    Ok(exit::OK)
}

// ----- output --------------------------------------------------------------------------------

fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Input(format!("cannot format the output: {e}")))?;
    println!("{text}");
    Ok(())
}

/// What a token has, in lines of `label  value`.
fn print_report(r: &TokenReport, out: &mut impl Write) {
    let mut lines: Vec<(String, String)> = vec![("type".into(), r.kind_label.clone())];
    let app = match (&r.app_id, &r.application) {
        (Some(id), Some(name)) => format!("{id} ({name})"),
        (Some(id), None) => id.clone(),
        (None, _) => "-".into(),
    };
    lines.push(("app".into(), app));
    lines.push(("user".into(), r.user_id.clone().unwrap_or_else(|| "-".into())));
    if let Some(at) = r.issued_at_unix {
        lines.push(("issued".into(), utc_date(at)));
    }
    let expires = match (r.never_expires, r.expires_at_unix, r.expires_in_days) {
        (true, _, _) => "never (until revoked or invalidated)".to_owned(),
        (false, Some(at), Some(days)) => format!("{} (in {days} days)", utc_date(at)),
        (false, Some(at), None) => utc_date(at),
        (false, None, _) => "unknown".to_owned(),
    };
    lines.push(("expires".into(), expires));
    lines.push(("valid".into(), if r.valid { "yes" } else { "no" }.into()));
    lines.push(("permissions".into(), r.scopes.join(", ")));
    for t in &r.scope_targets {
        let targets =
            if t.target_ids.is_empty() { "all".to_owned() } else { t.target_ids.join(", ") };
        lines.push((format!("  {}", t.scope), targets));
    }
    if !r.verified {
        lines.push(("note".into(), "not confirmed by Meta (the post-check failed)".into()));
    }
    let width = lines.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in lines {
        let _ = writeln!(out, "{k:width$}  {v}");
    }
}

/// `YYYY-MM-DD HH:MM UTC` from Unix seconds (fractions dropped).
fn utc_date(unix: f64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    // Unix seconds of real dates fit an i64; anything else is shown as it came.
    time::OffsetDateTime::from_unix_timestamp(unix.floor() as i64)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("{unix} (Unix seconds)"))
}

// ----- the inventory -------------------------------------------------------------------------

fn inventory(g: &Global, all: bool) -> Result<Vec<InventoryToken>, CliError> {
    let portfolio = if all {
        None
    } else if g.demo {
        Some("demo".to_owned())
    } else {
        Some(crate::commands::select_profile(g, &crate::profiles::ProfileStore::from_env()?)?.id)
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let store =
        gatehouse_core::store::Store::open_default().map_err(|e| CliError::Workflow(e.into()))?;
    store
        .token_inventory(portfolio.as_deref(), now, gatehouse_core::inventory::DEFAULT_WARN_DAYS)
        .map_err(|e| CliError::Workflow(e.into()))
}

fn list(g: &Global, all: bool) -> Result<u8, CliError> {
    let tokens = inventory(g, all)?;
    if g.json {
        println!("{}", serde_json::to_string_pretty(&tokens).unwrap_or_default());
    } else if tokens.is_empty() {
        eprintln!("No token yet: tokens generated, refreshed or inspected here are listed.");
    } else {
        for t in &tokens {
            println!(
                "…{}  {}  {:<34}  {:<20}  app {}  {}",
                t.fingerprint.last,
                t.fingerprint.hash,
                t.state_label,
                t.user_id.as_deref().unwrap_or("-"),
                t.app_id.as_deref().unwrap_or("-"),
                t.scopes.join(","),
            );
        }
    }
    Ok(exit::OK)
}

fn calendar(g: &Global, all: bool, output: Option<std::path::PathBuf>) -> Result<u8, CliError> {
    let tokens = inventory(g, all)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let ics = gatehouse_core::inventory::calendar(&tokens, now);
    match output {
        None => print!("{ics}"),
        Some(path) => {
            write_new_file(&path, &ics)?;
            eprintln!(
                "Wrote {} expiry dates to {}.",
                ics.matches("BEGIN:VEVENT").count(),
                path.display()
            );
        }
    }
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc_date(0.0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_date(951_782_400.0), "2000-02-29 00:00 UTC");
        assert_eq!(utc_date(1_795_000_000.9), "2026-11-18 11:06 UTC");
    }

    #[test]
    fn token_json_document_puts_the_token_first_and_stays_valid_json() {
        let report = TokenReport {
            kind: gatehouse_core::TokenKind::SystemUser,
            kind_label: gatehouse_core::TokenKind::SystemUser.label().into(),
            app_id: Some("1".into()),
            application: None,
            user_id: Some("2".into()),
            issued_at_unix: None,
            expires_at_unix: None,
            never_expires: true,
            expires_in_days: None,
            expiry: gatehouse_core::ExpiryState::Never,
            expiry_note: String::new(),
            refreshable: false,
            scopes: vec!["ads_read".into()],
            scope_targets: Vec::new(),
            valid: true,
            verified: true,
        };
        let doc = TokenDoc {
            delivery: Delivery::Stdout,
            token: &report,
            post_check_error: None,
            preflight: None,
            clipboard: None,
        };
        let token = Secret::new("EAA\"x".into());
        let out = token_output(true, &token, &doc).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["access_token"], "EAA\"x");
        assert_eq!(value["token"]["kind"], "system_user");
        assert_eq!(value["delivery"], "stdout");
        assert_eq!(&token_output(false, &token, &doc).unwrap()[..], b"EAA\"x\n");
    }
}
