//! `gatehouse-emulator --fixture demo|scale:N|PATH --port 0 --seed S [--faults JSON]
//! [--limits JSON]`: prints one JSON line (the manifest) on stdout when ready, then serves until
//! SIGINT or SIGTERM.

use std::process::ExitCode;

use gatehouse_emulator::{Emulator, EmulatorConfig, FaultConfig, Fixture, LimitsConfig};

const USAGE: &str =
    "usage: gatehouse-emulator [--fixture demo|scale:N|PATH] [--port N] [--seed N] \
                     [--faults JSON] [--limits JSON] [--lenient-task-combinations]";

struct Args {
    fixture: String,
    port: u16,
    seed: u64,
    faults: Option<String>,
    limits: Option<String>,
    lenient: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        fixture: "demo".into(),
        port: 0,
        seed: 1,
        faults: None,
        limits: None,
        lenient: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        let mut value = |name: &str| {
            inline.clone().or_else(|| it.next()).ok_or(format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--fixture" => args.fixture = value("--fixture")?,
            "--port" => args.port = value("--port")?.parse().map_err(|e| format!("--port: {e}"))?,
            "--seed" => args.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--faults" => args.faults = Some(value("--faults")?),
            "--limits" => args.limits = Some(value("--limits")?),
            "--lenient-task-combinations" => args.lenient = true,
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let fixture = match Fixture::parse_arg(&args.fixture) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("gatehouse-emulator: {e}");
            return ExitCode::from(2);
        }
    };
    let mut config = EmulatorConfig::new(fixture).seed(args.seed).port(args.port);
    config.strict_task_combinations = !args.lenient;
    if let Some(f) = &args.faults {
        match serde_json::from_str::<FaultConfig>(f) {
            Ok(f) => config = config.faults(f),
            Err(e) => {
                eprintln!("gatehouse-emulator: --faults: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(l) = &args.limits {
        match serde_json::from_str::<LimitsConfig>(l) {
            Ok(l) => config = config.limits(l),
            Err(e) => {
                eprintln!("gatehouse-emulator: --limits: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let running = match Emulator::start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse-emulator: {e}");
            return ExitCode::from(1);
        }
    };
    match serde_json::to_string(running.manifest()) {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("gatehouse-emulator: {e}");
            return ExitCode::from(1);
        }
    }
    wait_for_signal().await;
    running.shutdown().await;
    ExitCode::SUCCESS
}
