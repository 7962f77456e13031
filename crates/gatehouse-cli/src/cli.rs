//! The command line, as clap types.

use clap::{Args, Parser, Subcommand, ValueEnum};
use gatehouse_graph::AssetKind;

/// Gatehouse: system users, assets and tokens of Meta business portfolios.
///
/// Secrets (admin token, app secret) are never taken from the command line: `profile add` reads
/// them from stdin or asks for them, and every other command reads them from the keyring.
#[derive(Debug, Parser)]
#[command(name = "gatehouse", version, propagate_version = true)]
pub struct Cli {
    /// The profile to act on (see `gatehouse profile list`); optional when there is only one.
    #[arg(long, global = true, value_name = "ID")]
    pub profile: Option<String>,
    /// Act on a fresh in-process demo portfolio (nothing leaves the computer).
    #[arg(long, global = true, conflicts_with_all = ["profile", "base_url"])]
    pub demo: bool,
    /// The Graph API base URL: overrides the profile's (for example an emulator on 127.0.0.1);
    /// for `profile add`, the profile's base URL.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the profile's admin token and app secret from stdin (two lines) instead of the
    /// keyring, for automation without a keyring. Never pass secrets as arguments.
    #[arg(long, global = true, conflicts_with = "demo")]
    pub secrets_stdin: bool,
    /// Print one JSON document on stdout (errors too, as {"error": {…}}).
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list or remove portfolio profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Start the demo emulator, print its URL and businesses as JSON, serve until Ctrl-C.
    Demo(DemoArgs),
    /// List or create system users.
    #[command(subcommand)]
    SystemUsers(SystemUsersCommand),
    /// List the business's assets.
    #[command(subcommand)]
    Assets(AssetsCommand),
    /// Give a system user tasks on many assets at once.
    Assign(AssignArgs),
    /// Remove a system user from many assets at once.
    Unassign(UnassignArgs),
    /// List, show or resume bulk jobs (`assign` and `unassign` run as saved jobs).
    #[command(subcommand)]
    Jobs(crate::jobs_cmd::JobsCommand),
    /// Business On Behalf Of: link client businesses, get a system user and token inside one,
    /// give it the client's assets, remove the link.
    #[command(subcommand)]
    Clients(crate::clients_cmd::ClientsCommand),
    /// The audit log: every change Gatehouse made (app and command line), checked and exported.
    #[command(subcommand)]
    Audit(crate::audit_cmd::AuditCommand),
    /// Install apps for system users.
    #[command(subcommand)]
    App(crate::tokens::AppCommand),
    /// Generate, inspect, refresh or revoke system-user tokens (never taken from argv).
    #[command(subcommand)]
    Token(crate::tokens::TokenCommand),
    /// Check that the connected portfolio answers every read Gatehouse relies on as Gatehouse
    /// expects (read-only; the report holds no ID, name or token, so it can go in a bug report).
    Doctor(DoctorArgs),
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Also write the report to this file (text, or JSON with --json).
    #[arg(long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Add a profile. The admin token and the app secret are read from stdin (two lines) or
    /// asked for without echo; they are checked against Meta (/me and the business) and stored
    /// in the keyring. With `--login`: only the app secret is read, you sign in with Meta in a
    /// browser and paste the address it ends on, and Gatehouse sets up its own admin system
    /// user and token.
    Add(ProfileAddArgs),
    /// List the profiles (no secrets).
    List,
    /// Remove a profile and its keyring entries.
    Remove {
        /// The profile's id.
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ProfileAddArgs {
    /// The profile's id: lowercase letters, digits and '-'.
    pub id: String,
    /// The business portfolio's id (with `--login`: needed only when you belong to several).
    #[arg(long = "business", value_name = "ID", required_unless_present = "login")]
    pub business_id: Option<String>,
    /// The Meta app's id (its secret signs every request with appsecret_proof).
    #[arg(long = "app", value_name = "ID")]
    pub app_id: String,
    /// A human name (default: the business's name).
    #[arg(long)]
    pub label: Option<String>,
    /// The Graph API version.
    #[arg(long, default_value = crate::profiles::DEFAULT_API_VERSION)]
    pub api_version: String,
    /// When the business does not own the app, add it to the business first (you must be an
    /// admin of the app): a business without an app cannot have system users.
    #[arg(long)]
    pub claim_app: bool,
    /// Sign in with Meta instead of pasting an admin token: Gatehouse then creates (or reuses)
    /// an admin system user with the app installed and keeps its never-expiring token.
    #[arg(long)]
    pub login: bool,
    /// With `--login`, for an app that uses Facebook Login for Business: the configuration's ID
    /// (App Dashboard › Facebook Login for Business › Configurations).
    #[arg(long, value_name = "ID", requires = "login")]
    pub config_id: Option<String>,
    /// With `--login`: the admin system user Gatehouse works as (default: its own, "Gatehouse",
    /// added when the business has none).
    #[arg(long, value_name = "ID", requires = "login")]
    pub system_user: Option<String>,
    /// With `--login`: keep your own sign-in (a 60-day token that ends with your session) as
    /// the admin token instead of setting up an admin system user.
    #[arg(long, requires = "login", conflicts_with = "system_user")]
    pub keep_my_sign_in: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Also save a profile with this id pointing at the demo (its secrets go to the keyring).
    #[arg(long, value_name = "ID")]
    pub save_profile: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SystemUsersCommand {
    /// The business's system users, with the quota when known.
    List,
    /// Create a system user (regular unless --admin). A lost answer is reconciled, never
    /// duplicated.
    Create {
        /// The new system user's name.
        name: String,
        /// Create an admin system user (can create system users and assign assets).
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AssetsCommand {
    /// List the assets of one kind.
    List(AssetsListArgs),
}

#[derive(Debug, Args)]
pub struct AssetsListArgs {
    pub kind: KindArg,
    /// Assets shared to the business by its clients instead of owned ones.
    #[arg(long)]
    pub client: bool,
    /// Only assets whose name (or id) contains this text (ad accounts: Meta's search).
    #[arg(long, value_name = "Q")]
    pub search: Option<String>,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    pub kind: KindArg,
    /// The assets' ids (ad accounts with or without `act_`).
    #[arg(required = true, value_name = "ASSET_ID")]
    pub asset_ids: Vec<String>,
    /// The system user (or business user) to give the tasks to.
    #[arg(long, value_name = "ID")]
    pub system_user: String,
    /// Comma-separated tasks of this kind, e.g. ANALYZE,ADVERTISE for ad accounts.
    #[arg(long, value_delimiter = ',', required = true, value_name = "T1,T2")]
    pub tasks: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UnassignArgs {
    pub kind: KindArg,
    #[arg(required = true, value_name = "ASSET_ID")]
    pub asset_ids: Vec<String>,
    /// The system user (or business user) to remove.
    #[arg(long, value_name = "ID")]
    pub system_user: String,
}

/// The asset kinds, as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    #[value(alias = "page")]
    Pages,
    #[value(alias = "ad-account")]
    AdAccounts,
    #[value(alias = "catalog")]
    Catalogs,
    #[value(alias = "pixel")]
    Pixels,
    Instagram,
    #[value(alias = "waba")]
    Whatsapp,
    #[value(alias = "app")]
    Apps,
}

impl KindArg {
    pub fn kind(self) -> AssetKind {
        match self {
            KindArg::Pages => AssetKind::Page,
            KindArg::AdAccounts => AssetKind::AdAccount,
            KindArg::Catalogs => AssetKind::Catalog,
            KindArg::Pixels => AssetKind::Pixel,
            KindArg::Instagram => AssetKind::Instagram,
            KindArg::Whatsapp => AssetKind::WhatsappBusinessAccount,
            KindArg::Apps => AssetKind::App,
        }
    }

    /// Plural words for progress lines.
    pub fn words(self) -> &'static str {
        gatehouse_core::kind_words(self.kind()).1
    }
}
