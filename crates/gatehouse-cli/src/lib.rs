//! The `gatehouse` command line over the Gatehouse engine: portfolio profiles (metadata in the
//! config directory, secrets in the OS keyring), the demo emulator, system users, assets and
//! bulk assignments. See the crate README for commands and exit codes.

pub mod audit_cmd;
pub mod cli;
pub mod clients_cmd;
pub mod commands;
pub mod error;
pub mod jobs_cmd;
pub mod keyring;
pub mod profiles;
pub mod tokens;

use std::process::ExitCode;

use clap::Parser;

use crate::error::{exit, CliError};
use gatehouse_errors::ErrorCode;

/// Parses the command line, runs the command and returns the exit code.
pub fn main_entry() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let wants_json = args.iter().any(|a| a == "--json");
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::from(exit::OK);
            }
            if wants_json {
                let message = first_line(&e.render().to_string());
                CliError::usage(
                    ErrorCode::Usage,
                    message,
                    "Run `gatehouse --help` for the commands.",
                )
                .print(true);
            } else {
                let _ = e.print();
            }
            return ExitCode::from(exit::USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::API);
        }
    };
    let json = cli.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            e.print(json);
            ExitCode::from(e.exit_code())
        }
    }
}

/// clap's message without its usage and help hints, on one line.
fn first_line(s: &str) -> String {
    let text = s
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(|l| l.trim().trim_start_matches("error: "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        "invalid command line".to_owned()
    } else {
        text
    }
}
