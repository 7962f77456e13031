//! What each command does. Results go to stdout (one JSON document with `--json`), progress
//! and warnings to stderr.

use std::io::{BufRead, IsTerminal, Write};

use futures::StreamExt;
use gatehouse_core::audit::{Actor, AuditTrail};
use gatehouse_core::jobs::ChangeAction;
use gatehouse_core::{NewRole, Portfolio};
use gatehouse_demo::DemoPortfolio;
use gatehouse_emulator::{Emulator, EmulatorConfig, Fixture};
use gatehouse_graph::{
    ApiVersion, Asset, AssetKind, ClientConfig, GraphClient, GraphError, ListOptions, Relation,
    Secret, Session, TaskSet,
};
use gatehouse_secrets::SecretStore;
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::{
    AssetsCommand, AssetsListArgs, AssignArgs, Cli, Command, DemoArgs, KindArg, ProfileAddArgs,
    ProfileCommand, SystemUsersCommand, UnassignArgs,
};
use crate::error::{exit, CliError};
use crate::keyring::{self, ProfileSecrets};
use crate::profiles::{Profile, ProfileError, ProfileStore};
use gatehouse_errors::ErrorCode;

/// The global flags.
#[derive(Debug, Clone)]
pub struct Global {
    pub profile: Option<String>,
    pub demo: bool,
    pub base_url: Option<String>,
    pub secrets_stdin: bool,
    pub json: bool,
}

/// Runs one parsed command line; returns the exit code of a command that ran to its end.
pub async fn run(cli: Cli) -> Result<u8, CliError> {
    let g = Global {
        profile: cli.profile,
        demo: cli.demo,
        base_url: cli.base_url,
        secrets_stdin: cli.secrets_stdin,
        json: cli.json,
    };
    match cli.command {
        Command::Profile(cmd) => {
            no_demo(&g, "profile")?;
            match cmd {
                ProfileCommand::Add(args) => profile_add(&g, args).await,
                ProfileCommand::List => profile_list(&g),
                ProfileCommand::Remove { id } => profile_remove(&g, &id).await,
            }
        }
        Command::Demo(args) => {
            no_demo(&g, "demo")?;
            demo(args).await
        }
        Command::SystemUsers(SystemUsersCommand::List) => system_users_list(&g).await,
        Command::SystemUsers(SystemUsersCommand::Create { name, admin }) => {
            system_users_create(&g, &name, admin).await
        }
        Command::Assets(AssetsCommand::List(args)) => assets_list(&g, args).await,
        Command::Assign(args) => assign(&g, args).await,
        Command::Unassign(args) => unassign(&g, args).await,
        Command::Jobs(cmd) => crate::jobs_cmd::run_jobs(&g, cmd).await,
        Command::Audit(cmd) => crate::audit_cmd::run_audit(&g, cmd).await,
        Command::Clients(cmd) => crate::clients_cmd::run_clients(&g, cmd).await,
        Command::App(cmd) => crate::tokens::run_app(&g, cmd).await,
        Command::Token(cmd) => crate::tokens::run_token(&g, cmd).await,
        Command::Doctor(args) => doctor(&g, args).await,
    }
}

fn no_demo(g: &Global, command: &str) -> Result<(), CliError> {
    if g.demo {
        return Err(CliError::usage(
            ErrorCode::Usage,
            format!("--demo does not apply to `gatehouse {command}`"),
            "Use --demo with system-users, assets, assign or unassign.",
        ));
    }
    Ok(())
}

fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::Input(format!("cannot format the output: {e}")))?;
    println!("{text}");
    Ok(())
}

// ----- connecting ----------------------------------------------------------------------------

/// The portfolio a command acts on: the demo (kept alive while the command runs) or a profile.
pub enum Connection {
    Demo(Box<DemoPortfolio>),
    /// `app_secret`: the profile's, for token refresh and revoke.
    Profile {
        profile: Box<Profile>,
        portfolio: Box<Portfolio>,
        app_secret: Secret,
    },
}

impl Connection {
    pub fn portfolio(&self) -> &Portfolio {
        match self {
            Connection::Demo(d) => d.portfolio(),
            Connection::Profile { portfolio, .. } => portfolio,
        }
    }

    /// The id jobs and the audit log file it under: the profile's id, or `demo`.
    pub fn portfolio_id(&self) -> String {
        match self {
            Connection::Demo(_) => "demo".to_owned(),
            Connection::Profile { profile, .. } => profile.id.clone(),
        }
    }
}

/// A Graph session with a profile's (or given) secrets (`gatehouse_core::connect::session_for`).
pub fn session_for(
    base_url: Option<&str>,
    api_version: &str,
    secrets: &ProfileSecrets,
) -> Result<Session, CliError> {
    Ok(gatehouse_core::connect::session_for(base_url, api_version, secrets)?)
}

/// Picks `--profile`, or the only profile there is.
pub(crate) fn select_profile(g: &Global, profiles: &ProfileStore) -> Result<Profile, CliError> {
    if let Some(id) = &g.profile {
        return Ok(profiles.get(id)?);
    }
    let mut all = profiles.list()?;
    match all.len() {
        1 => {
            let only = all.remove(0);
            eprintln!("Using profile {}.", only.id);
            Ok(only)
        }
        0 => Err(CliError::usage(
            ErrorCode::ProfileRequired,
            "No profile is set up yet.",
            "Add one with `gatehouse profile add <id> --business <id> --app <id>`, or try \
             `--demo`.",
        )),
        n => Err(CliError::usage(
            ErrorCode::ProfileRequired,
            format!("There are {n} profiles; say which one to use."),
            "Add `--profile <id>` (see `gatehouse profile list`).",
        )),
    }
}

pub(crate) async fn connect(g: &Global) -> Result<Connection, CliError> {
    let connection = open_connection(g).await?;
    // Every change the command makes goes to the audit log, as the command line's. A database
    // that cannot be opened does not stop the command (it is said).
    if let Some(trail) = audit_trail(&connection.portfolio_id()) {
        connection.portfolio().record_changes_to(trail);
    }
    Ok(connection)
}

/// The command line's audit trail for portfolio `id`, when the database opens (said when not).
fn audit_trail(id: &str) -> Option<AuditTrail> {
    match gatehouse_core::store::Store::open_default() {
        Ok(store) => Some(AuditTrail::new(std::sync::Arc::new(store), Actor::Cli, id)),
        Err(e) => {
            eprintln!("warning: changes are not recorded in the audit log: {e}");
            None
        }
    }
}

async fn open_connection(g: &Global) -> Result<Connection, CliError> {
    if g.demo {
        eprintln!("Starting the demo portfolio (an emulator on 127.0.0.1)…");
        let demo = gatehouse_demo::start().await?;
        return Ok(Connection::Demo(Box::new(demo)));
    }
    let profiles = ProfileStore::from_env()?;
    let profile = select_profile(g, &profiles)?;
    let secrets = if g.secrets_stdin {
        read_secrets()?
    } else {
        let store = keyring::open_from_env()?;
        keyring::load_secrets(&store, &profile.id).await?
    };
    let portfolio = profiles.open(&profile, &secrets, g.base_url.as_deref())?;
    Ok(Connection::Profile {
        profile: Box::new(profile),
        portfolio: Box::new(portfolio),
        app_secret: secrets.app_secret,
    })
}

// ----- profiles ------------------------------------------------------------------------------

pub use gatehouse_core::profiles::AddedProfile;

/// `gatehouse_core::profiles::add_profile`: checks the connection (token, business, apps,
/// system users), refuses on a blocking problem, then saves the secrets and the profile.
pub async fn add_profile(
    profiles: &ProfileStore,
    store: &SecretStore,
    profile: Profile,
    secrets: &ProfileSecrets,
) -> Result<AddedProfile, CliError> {
    eprintln!("Checking the admin token, business {} and its apps…", profile.business_id);
    Ok(gatehouse_core::profiles::add_profile(profiles, store, profile, secrets).await?)
}

/// Deletes a profile's keyring entries, then the profile (`gatehouse_core::profiles`).
pub async fn remove_profile(
    profiles: &ProfileStore,
    store: &SecretStore,
    id: &str,
) -> Result<(Profile, usize), CliError> {
    Ok(gatehouse_core::profiles::remove_profile(profiles, store, id).await?)
}

/// Reads one secret line from a reader into a zeroized buffer, trimmed in place.
pub fn read_secret_line(reader: &mut impl BufRead, what: &str) -> Result<Secret, CliError> {
    let mut buf = Zeroizing::new(String::with_capacity(4096));
    reader
        .read_line(&mut buf)
        .map_err(|e| CliError::Input(format!("cannot read the {what} from stdin: {e}")))?;
    let end = buf.trim_end().len();
    buf.truncate(end);
    let start = buf.len() - buf.trim_start().len();
    buf.drain(..start);
    if buf.is_empty() {
        return Err(CliError::Input(format!(
            "the {what} is empty (expected on its own stdin line)"
        )));
    }
    Ok(Secret::new(std::mem::take(&mut *buf)))
}

fn read_secrets() -> Result<ProfileSecrets, CliError> {
    Ok(ProfileSecrets {
        admin_token: read_one_secret("Admin token (input hidden): ", "admin token")?,
        app_secret: read_one_secret("App secret (input hidden): ", "app secret")?,
    })
}

async fn profile_add(g: &Global, args: ProfileAddArgs) -> Result<u8, CliError> {
    if args.login {
        return profile_add_by_login(g, args).await;
    }
    let profiles = ProfileStore::from_env()?;
    let profile = Profile {
        id: args.id,
        label: args.label.unwrap_or_default(),
        business_id: args.business_id.unwrap_or_default(),
        app_id: args.app_id,
        base_url: g.base_url.clone(),
        api_version: args.api_version,
    };
    // Fail on a bad id, base URL or API version, or a taken id, before asking for secrets.
    profile.validate()?;
    let mut config = match &profile.base_url {
        Some(url) => ClientConfig::with_base_url(url.clone()),
        None => ClientConfig::default(),
    };
    config.api_version = ApiVersion::parse(&profile.api_version)?;
    GraphClient::new(config)?;
    if profiles.list()?.iter().any(|p| p.id == profile.id) {
        return Err(ProfileError::AlreadyExists(profile.id).into());
    }
    let store = keyring::open_from_env()?;
    let secrets = read_secrets()?;
    if args.claim_app {
        let request = profile.connect_request();
        let report = gatehouse_core::connect::check_connection(&request, &secrets).await?;
        if report.problems.iter().any(|p| p.claim_app_id.is_some()) {
            eprintln!("Adding app {} to business {}…", request.app_id, request.business_id);
            let claim = gatehouse_core::connect::claim_app(&request, &secrets).await?;
            eprintln!("{}", claim.message);
        }
    }
    let added = add_profile(&profiles, &store, profile, &secrets).await?;
    report_added(g, &added)
}

/// `profile add --login`: the app secret from stdin (or asked for), a sign-in with Meta in the
/// person's browser (they paste back the address it ends on), then Gatehouse sets itself up
/// and saves the profile with its own admin system user's token. The person's token is used
/// for the setup only and never stored.
async fn profile_add_by_login(g: &Global, args: ProfileAddArgs) -> Result<u8, CliError> {
    use gatehouse_core::login::{self, AdminChoice, LoginAccess};

    let profiles = ProfileStore::from_env()?;
    // The profile as far as it is known, checked before anything is asked (a business chosen
    // after the sign-in stands as "0" until then).
    let mut profile = Profile {
        id: args.id,
        label: args.label.unwrap_or_default(),
        business_id: args.business_id.clone().unwrap_or_else(|| "0".to_owned()),
        app_id: args.app_id,
        base_url: g.base_url.clone(),
        api_version: args.api_version,
    };
    profile.validate()?;
    if profiles.list()?.iter().any(|p| p.id == profile.id) {
        return Err(ProfileError::AlreadyExists(profile.id).into());
    }
    let store = keyring::open_from_env()?;
    let mut config = match &profile.base_url {
        Some(url) => ClientConfig::with_base_url(url.clone()),
        None => ClientConfig::default(),
    };
    config.api_version = ApiVersion::parse(&profile.api_version)?;
    let client = GraphClient::new(config)?;
    let app_secret = read_one_secret("App secret (input hidden): ", "app secret")?;

    let access = match args.config_id {
        Some(config_id) => LoginAccess::Configuration { config_id },
        None => LoginAccess::Permissions,
    };
    let dialog = login::login_dialog(
        profile.base_url.as_deref(),
        &profile.api_version,
        &profile.app_id,
        &access,
    )?;
    eprintln!(
        "Open this address in a browser and sign in with Meta:\n  {}\nThen paste the address \
         the browser ends on (it starts with {}):",
        dialog.url,
        login::LOGIN_REDIRECT
    );
    // The address carries the person's token: read like a secret, never echoed.
    let landed = read_one_secret("Address (input hidden): ", "address")?;
    let grant = login::read_redirect(landed.expose(), &dialog.state)?;
    drop(landed);
    eprintln!("Signed in; exchanging the token and reading your businesses…");
    let signed = login::sign_in(&client, &profile.app_id, &app_secret, grant).await?;
    let business = match (&args.business_id, signed.businesses.as_slice()) {
        (Some(id), _) => id.clone(),
        (None, [only]) => only.id.clone(),
        (None, many) => {
            let list: Vec<String> = many.iter().map(|b| format!("{} ({})", b.id, b.name)).collect();
            return Err(CliError::Usage {
                code: ErrorCode::InvalidInput,
                message: format!(
                    "you belong to {} business portfolios: {}",
                    many.len(),
                    if list.is_empty() { "none".to_owned() } else { list.join(", ") }
                ),
                fix: "Run the command again with `--business <id>`.".to_owned(),
            });
        }
    };
    profile.business_id = business;
    let checked = login::check_business(
        &signed,
        &profile.business_id,
        &profile.app_id,
        profile.base_url.as_deref(),
        &profile.api_version,
    )
    .await?;
    if let Some(first) = checked.blocking.first() {
        return Err(CliError::Usage {
            code: ErrorCode::ConnectionBlocked,
            message: checked
                .blocking
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            fix: first.fix.clone().unwrap_or_default(),
        });
    }
    if let Some(app) = &checked.adds_app_id {
        eprintln!("The business does not own app {app} yet: Gatehouse adds it first.");
    }
    let admins = checked.admins;
    let choice = match (args.system_user, args.keep_my_sign_in) {
        (_, true) => AdminChoice::OwnSignIn,
        (Some(system_user_id), _) => AdminChoice::Reuse { system_user_id },
        (None, false) => AdminChoice::default_for(&admins),
    };
    if let AdminChoice::Reuse { system_user_id } = &choice {
        let name = admins.iter().find(|a| &a.id == system_user_id).map(|a| a.name.as_str());
        eprintln!(
            "Using the admin system user {system_user_id} ({}).",
            name.unwrap_or("named on the command line")
        );
    }
    if choice != AdminChoice::OwnSignIn {
        eprintln!("Setting up Gatehouse's admin system user in business {}…", profile.business_id);
    }
    let (token, set_up) = login::set_up(
        &signed,
        &profile.business_id,
        &profile.app_id,
        &choice,
        audit_trail(&profile.id),
    )
    .await?;
    drop(signed);
    eprintln!("{}", set_up.message);
    let secrets = ProfileSecrets { admin_token: token, app_secret };
    let added = add_profile(&profiles, &store, profile, &secrets).await?;
    report_added(g, &added)
}

/// One secret: a line of stdin (stdin's buffer is shared, so lines read one call at a time
/// follow each other), or asked for without echo on a terminal.
pub(crate) fn read_one_secret(prompt: &str, what: &str) -> Result<Secret, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let value = Zeroizing::new(
            rpassword::prompt_password(prompt)
                .map_err(|e| CliError::Input(format!("cannot read the {what}: {e}")))?,
        );
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(CliError::Input(format!("the {what} is empty")));
        }
        Ok(Secret::new(trimmed.to_owned()))
    } else {
        read_secret_line(&mut stdin.lock(), what)
    }
}

/// What `profile add` prints once the profile is saved.
fn report_added(g: &Global, added: &AddedProfile) -> Result<u8, CliError> {
    for p in &added.connection.problems {
        eprintln!("warning: {} {}", p.message, p.fix.as_deref().unwrap_or_default());
    }
    if g.json {
        print_json(added)?;
    } else {
        let c = &added.connection;
        println!(
            "Added profile {} ({}): business {}, {} of {} ({}).",
            added.profile.id,
            added.profile.label,
            added.profile.business_id,
            c.token_kind_label.to_lowercase(),
            c.token_owner_name.as_deref().unwrap_or("?"),
            c.token_owner_id
        );
    }
    Ok(exit::OK)
}

fn profile_list(g: &Global) -> Result<u8, CliError> {
    let profiles = ProfileStore::from_env()?;
    let all = profiles.list()?;
    if g.json {
        print_json(&json!({ "profiles": all }))?;
    } else if all.is_empty() {
        eprintln!("No profiles yet. Add one with `gatehouse profile add`.");
    } else {
        for p in &all {
            let api = p.base_url.as_deref().unwrap_or("Meta");
            println!(
                "{}\t{}\tbusiness {}\tapp {}\t{} {}",
                p.id, p.label, p.business_id, p.app_id, api, p.api_version
            );
        }
    }
    Ok(exit::OK)
}

async fn profile_remove(g: &Global, id: &str) -> Result<u8, CliError> {
    let profiles = ProfileStore::from_env()?;
    // Fail on an unknown profile before touching the keyring.
    profiles.get(id)?;
    let store = keyring::open_from_env()?;
    let (profile, deleted) = remove_profile(&profiles, &store, id).await?;
    if g.json {
        print_json(&json!({ "removed": profile.id, "keyring_entries_deleted": deleted }))?;
    } else {
        println!("Removed profile {} and {deleted} keyring entries.", profile.id);
    }
    Ok(exit::OK)
}

// ----- demo ----------------------------------------------------------------------------------

async fn demo(args: DemoArgs) -> Result<u8, CliError> {
    if let Some(id) = &args.save_profile {
        crate::profiles::validate_id(id)?;
    }
    let emulator = Emulator::start(EmulatorConfig::new(Fixture::demo()).port(args.port))
        .await
        .map_err(|e| gatehouse_core::Error::DemoUnavailable(e.to_string()))?;
    let manifest = emulator.manifest().clone();
    let mut saved = None;
    if let Some(id) = &args.save_profile {
        saved = Some(save_demo_profile(id, &manifest).await?);
    }
    let businesses: Vec<_> = manifest
        .businesses
        .iter()
        .map(|b| {
            json!({
                "id": b.id,
                "name": b.name,
                "admin_system_user_id": b.admin_system_user_id,
                "clients": b.clients,
                "apps": b.apps.iter().map(|a| json!({"id": a.id, "name": a.name, "tier": a.tier}))
                    .collect::<Vec<_>>(),
                "system_user_quota": b.system_user_quota,
            })
        })
        .collect();
    let line = json!({
        "url": manifest.url,
        "api_version": manifest.api_version,
        "businesses": businesses,
        "profile": saved,
    });
    println!("{line}");
    let _ = std::io::stdout().flush();
    eprintln!("Serving the demo portfolio at {}. Press Ctrl-C to stop.", manifest.url);
    wait_for_signal().await;
    eprintln!("Stopping the demo.");
    emulator.shutdown().await;
    Ok(exit::OK)
}

/// Saves (or replaces, when the old one also pointed at a loopback emulator) a profile for the
/// demo's first business, its secrets in the keyring.
async fn save_demo_profile(
    id: &str,
    manifest: &gatehouse_emulator::Manifest,
) -> Result<String, CliError> {
    let unavailable =
        |m: &str| CliError::from(gatehouse_core::Error::DemoUnavailable(m.to_owned()));
    let business = manifest.businesses.first().ok_or_else(|| unavailable("no demo business"))?;
    let app = business.apps.first().ok_or_else(|| unavailable("the demo business has no app"))?;
    let token = business.admin_token.clone().ok_or_else(|| unavailable("no demo admin token"))?;
    let profiles = ProfileStore::from_env()?;
    let store = keyring::open_from_env()?;
    if let Ok(old) = profiles.get(id) {
        let loopback = old.base_url.as_deref().is_some_and(|u| u.starts_with("http://127.0.0.1"));
        if !loopback {
            return Err(ProfileError::AlreadyExists(id.to_owned()).into());
        }
        remove_profile(&profiles, &store, id).await?;
    }
    let profile = Profile {
        id: id.to_owned(),
        label: format!("Demo: {}", business.name),
        business_id: business.id.clone(),
        app_id: app.id.clone(),
        base_url: Some(manifest.url.clone()),
        api_version: manifest.api_version.to_owned(),
    };
    let secrets = ProfileSecrets {
        admin_token: Secret::new(token),
        app_secret: Secret::new(app.secret.clone()),
    };
    add_profile(&profiles, &store, profile, &secrets).await?;
    Ok(id.to_owned())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

// ----- compatibility ---------------------------------------------------------------------------

async fn doctor(g: &Global, args: crate::cli::DoctorArgs) -> Result<u8, CliError> {
    let conn = connect(g).await?;
    eprintln!("Checking what the portfolio answers (read-only)…");
    let report = gatehouse_demo::compatibility_check(conn.portfolio()).await?;
    if let Connection::Profile { profile, .. } = &conn {
        // The profile's listings chain their pages only if this check saw Meta accept it.
        let remembered = ProfileStore::from_env()
            .and_then(|profiles| profiles.remember_check(profile, g.base_url.as_deref(), &report));
        if let Err(e) = remembered {
            eprintln!("warning: the result for chained paging could not be saved: {e}");
        }
    }
    let rendered = if g.json {
        serde_json::to_string_pretty(&report).map_err(|e| CliError::Input(e.to_string()))?
    } else {
        report.to_text()
    };
    if let Some(path) = &args.output {
        std::fs::write(path, &rendered).map_err(|e| {
            CliError::usage(
                ErrorCode::InvalidInput,
                format!("Cannot write the report to {}: {e}.", path.display()),
                "Choose a file in a folder you can write to.",
            )
        })?;
    }
    println!("{rendered}");
    if report.compatible() {
        eprintln!("Every read Gatehouse relies on answered as expected.");
        Ok(exit::OK)
    } else {
        eprintln!(
            "Some reads differ or were refused: please attach this report to a bug report \
             (it holds no ID, name or token)."
        );
        Ok(exit::PARTIAL)
    }
}

// ----- system users --------------------------------------------------------------------------

async fn system_users_list(g: &Global) -> Result<u8, CliError> {
    let conn = connect(g).await?;
    let overview = conn.portfolio().overview().await?;
    if g.json {
        print_json(&overview)?;
    } else {
        println!("{} ({})", overview.business_name, overview.business_id);
        for u in &overview.system_users {
            println!("{}\t{}\t{}", u.id, u.role_label, u.name);
        }
        if let Some(q) = overview.quota {
            eprintln!(
                "Quota: {}/{} regular, {}/{} admin.",
                q.regular_used, q.regular_allowed, q.admin_used, q.admin_allowed
            );
        }
    }
    Ok(exit::OK)
}

async fn system_users_create(g: &Global, name: &str, admin: bool) -> Result<u8, CliError> {
    if name.trim().is_empty() {
        return Err(CliError::usage(
            ErrorCode::InvalidInput,
            "The system user needs a name.",
            "Give a name, for example `gatehouse system-users create \"Reporting\"`.",
        ));
    }
    let conn = connect(g).await?;
    let role = if admin { NewRole::Admin } else { NewRole::Regular };
    eprintln!("Creating system user {:?}…", name.trim());
    let created = conn.portfolio().create_system_user(name, role).await?;
    if created.recovered_after_lost_answer {
        eprintln!(
            "Meta's answer was lost; the new system user was found by listing (no duplicate)."
        );
    }
    if g.json {
        print_json(&created)?;
    } else {
        println!(
            "{}\t{}\t{}",
            created.id,
            gatehouse_core::Role::from(created.role).label(),
            created.name
        );
    }
    Ok(exit::OK)
}

// ----- assets --------------------------------------------------------------------------------

fn matches_search(asset: &Asset, query: &str) -> bool {
    let q = query.to_lowercase();
    let has = |s: Option<&str>| s.is_some_and(|s| s.to_lowercase().contains(&q));
    has(Some(&asset.id))
        || has(asset.name.as_deref())
        || has(asset.ig_username.as_deref())
        || has(asset.account_id.as_deref())
}

async fn assets_list(g: &Global, args: AssetsListArgs) -> Result<u8, CliError> {
    let kind = args.kind.kind();
    let relation = if args.client { Relation::Client } else { Relation::Owned };
    let search = args.search.filter(|s| !s.trim().is_empty());
    let conn = connect(g).await?;
    let portfolio = conn.portfolio();
    let options = ListOptions {
        // Meta searches ad-account edges itself; other kinds are filtered here.
        search: if kind == AssetKind::AdAccount { search.clone() } else { None },
        ..ListOptions::default()
    };
    let mut pages = portfolio.session().assets(portfolio.business_id(), kind, relation, &options);
    let mut assets = Vec::new();
    let mut progress = None;
    while let Some(page) = pages.next().await {
        let page = page?;
        eprintln!("Listing {}: {}", args.kind.words(), page.progress);
        progress = Some(page.progress);
        assets.extend(page.items);
    }
    if let (Some(q), false) = (&search, kind == AssetKind::AdAccount) {
        assets.retain(|a| matches_search(a, q));
    }
    if g.json {
        print_json(&json!({
            "kind": kind,
            "relation": relation,
            "search": search,
            "count": assets.len(),
            "total_count": progress.and_then(|p| p.total),
            "assets": assets,
        }))?;
    } else {
        for a in &assets {
            let name = a.name.as_deref().or(a.ig_username.as_deref()).unwrap_or("");
            println!("{}\t{}", a.id, name);
        }
        eprintln!("{} {}.", assets.len(), args.kind.words());
    }
    Ok(exit::OK)
}

// ----- assignments ---------------------------------------------------------------------------

/// Parses `--tasks` for a kind: an invalid task is a usage error naming the valid ones.
pub fn parse_tasks(kind: KindArg, names: &[String]) -> Result<TaskSet, CliError> {
    let names: Vec<&str> = names.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    let as_usage = |e: GraphError| {
        let message = e.details().map_or_else(|| e.to_string(), |d| d.message.clone());
        let code =
            if kind == KindArg::Apps { ErrorCode::InvalidKind } else { ErrorCode::InvalidTask };
        CliError::usage(code, message, "Pass --tasks with tasks of this asset kind.")
    };
    let tasks = TaskSet::parse(kind.kind(), &names).map_err(as_usage)?;
    tasks.validate().map_err(as_usage)?;
    Ok(tasks)
}

async fn assign(g: &Global, args: AssignArgs) -> Result<u8, CliError> {
    let tasks = parse_tasks(args.kind, &args.tasks)?;
    let kind = args.kind.kind();
    let ids = crate::jobs_cmd::unique_assets(kind, &args.asset_ids);
    let names: Vec<String> = tasks.names().into_iter().map(str::to_owned).collect();
    eprintln!(
        "Assigning {} {} to {} with {}…",
        ids.len(),
        args.kind.words(),
        args.system_user,
        names.join(",")
    );
    crate::jobs_cmd::run_bulk(g, kind, &ids, &args.system_user, ChangeAction::Assign, names).await
}

async fn unassign(g: &Global, args: UnassignArgs) -> Result<u8, CliError> {
    let kind = args.kind.kind();
    if !kind.has_assigned_users() {
        return Err(CliError::usage(
            ErrorCode::InvalidKind,
            "Apps are not assigned to system users; they are installed for them.",
            "Use another asset kind.",
        ));
    }
    let ids = crate::jobs_cmd::unique_assets(kind, &args.asset_ids);
    eprintln!("Removing {} from {} {}…", args.system_user, ids.len(), args.kind.words());
    crate::jobs_cmd::run_bulk(g, kind, &ids, &args.system_user, ChangeAction::Unassign, Vec::new())
        .await
}
