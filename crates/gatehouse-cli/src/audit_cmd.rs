//! `gatehouse audit list|verify|export`: the audit log the app and the CLI write (every change
//! made at Meta, with its outcome; `gatehouse_core::audit`).

use clap::{Args, Subcommand, ValueEnum};
use gatehouse_core::audit::{self, Actor, AuditAction, AuditFilter, AuditOutcome, ExportFormat};
use gatehouse_core::store::Store;

use crate::commands::{select_profile, Global};
use crate::error::{exit, CliError};
use crate::profiles::ProfileStore;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Changes, newest first: this profile's (or the demo's), or every portfolio's with --all.
    List(AuditListArgs),
    /// Check that no entry was changed or removed outside Gatehouse (exit 1 when one was).
    Verify,
    /// Write the changes (filtered as `list`) as CSV or JSON to a file, or to stdout.
    Export {
        #[command(flatten)]
        filter: AuditListArgs,
        /// The file's format.
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Where to write it (default: stdout). An existing file is not replaced.
        #[arg(long, short, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum From {
    App,
    Cli,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Outcome {
    Succeeded,
    Failed,
    Unknown,
}

#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// Every portfolio's changes, not only this profile's.
    #[arg(long)]
    pub all: bool,
    /// Only this kind of change (system_user_created, asset_assigned, token_generated, …).
    #[arg(long, value_name = "ACTION", value_parser = parse_action)]
    pub action: Option<AuditAction>,
    /// Only changes made from the app or the command line.
    #[arg(long = "from", value_enum)]
    pub actor: Option<From>,
    #[arg(long, value_enum)]
    pub outcome: Option<Outcome>,
    /// Words found in the summary, the target or the details (a name, an ID, a fingerprint).
    #[arg(long, value_name = "WORDS")]
    pub search: Option<String>,
    /// At most this many (newest first).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
}

/// The engine's action names.
fn parse_action(s: &str) -> Result<AuditAction, String> {
    AuditAction::parse(s.trim()).ok_or_else(|| {
        let names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        format!("not a kind of change; one of: {}", names.join(", "))
    })
}

fn filter(g: &Global, args: &AuditListArgs, limit: u32) -> Result<AuditFilter, CliError> {
    let portfolio_id = if args.all {
        None
    } else if g.demo {
        Some("demo".to_owned())
    } else {
        Some(select_profile(g, &ProfileStore::from_env()?)?.id)
    };
    Ok(AuditFilter {
        portfolio_id,
        action: args.action,
        actor: args.actor.map(|a| match a {
            From::App => Actor::App,
            From::Cli => Actor::Cli,
        }),
        outcome: args.outcome.map(|o| match o {
            Outcome::Succeeded => AuditOutcome::Succeeded,
            Outcome::Failed => AuditOutcome::Failed,
            Outcome::Unknown => AuditOutcome::Unknown,
        }),
        text: args.search.clone(),
        limit: Some(limit),
        ..AuditFilter::default()
    })
}

fn open_store() -> Result<Store, CliError> {
    Store::open_default().map_err(store_error)
}

fn store_error(e: gatehouse_core::store::StoreError) -> CliError {
    CliError::Workflow(e.into())
}

pub async fn run_audit(g: &Global, cmd: AuditCommand) -> Result<u8, CliError> {
    match cmd {
        AuditCommand::List(args) => {
            let entries =
                open_store()?.audit_entries(&filter(g, &args, args.limit)?).map_err(store_error)?;
            if g.json {
                println!("{}", audit::export(&entries, ExportFormat::Json));
            } else if entries.is_empty() {
                eprintln!("No change recorded yet.");
            } else {
                for e in &entries {
                    let code =
                        e.error_code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                    println!(
                        "{}  {:<3}  {:<26}  {:<15}  {}{code}",
                        audit::iso_utc(e.at_unix),
                        e.actor.as_str(),
                        e.action.label(),
                        e.outcome.label(),
                        e.summary,
                    );
                }
            }
            Ok(exit::OK)
        }
        AuditCommand::Verify => {
            let check = open_store()?.verify_audit_log().map_err(store_error)?;
            if g.json {
                println!("{}", serde_json::to_string_pretty(&check).unwrap_or_default());
            } else {
                println!("{}", check.message);
            }
            Ok(if check.intact { exit::OK } else { exit::API })
        }
        AuditCommand::Export { filter: args, format, output } => {
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
            };
            let entries =
                open_store()?.audit_entries(&filter(g, &args, u32::MAX)?).map_err(store_error)?;
            let text = audit::export(&entries, format);
            match output {
                None => print!("{text}"),
                Some(path) => {
                    crate::tokens::write_new_file(&path, &text)?;
                    eprintln!("Wrote {} entries to {}.", entries.len(), path.display());
                }
            }
            Ok(exit::OK)
        }
    }
}
