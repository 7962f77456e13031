//! `gatehouse-emulator --fixture demo|scale:N|matrix:N|PATH --port 0 --seed S [--faults JSON]
//! [--limits JSON]`: prints one JSON line (the manifest) on stdout when ready, then serves until
//! SIGINT or SIGTERM.

use std::process::ExitCode;

use gatehouse_emulator::{Emulator, EmulatorConfig, FaultConfig, Fixture, LimitsConfig};

/// Meta's Graph API emulated on 127.0.0.1, for tests, tools and demo mode.
#[derive(Debug, clap::Parser)]
#[command(name = "gatehouse-emulator", version)]
struct Args {
    /// `demo`, `scale:N` (N ad accounts), `matrix:N` (the same with 20 system users) or the path of a fixture JSON file.
    #[arg(long, default_value = "demo", value_parser = parse_fixture)]
    fixture: Fixture,
    /// The port on 127.0.0.1 (0: any free port; the manifest line says which).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of everything random (ids, tokens, injected faults).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Faults to inject, as FaultConfig JSON.
    #[arg(long, value_parser = json::<FaultConfig>)]
    faults: Option<FaultConfig>,
    /// Rate and size limits, as LimitsConfig JSON.
    #[arg(long, value_parser = json::<LimitsConfig>)]
    limits: Option<LimitsConfig>,
    /// Accept task combinations Meta refuses (to reproduce old behaviour).
    #[arg(long)]
    lenient_task_combinations: bool,
}

fn parse_fixture(arg: &str) -> Result<Fixture, String> {
    Fixture::parse_arg(arg).map_err(|e| e.to_string())
}

fn json<T: serde::de::DeserializeOwned>(arg: &str) -> Result<T, String> {
    serde_json::from_str(arg).map_err(|e| e.to_string())
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
    let args = <Args as clap::Parser>::parse();
    let mut config = EmulatorConfig::new(args.fixture).seed(args.seed).port(args.port);
    config.strict_task_combinations = !args.lenient_task_combinations;
    if let Some(faults) = args.faults {
        config = config.faults(faults);
    }
    if let Some(limits) = args.limits {
        config = config.limits(limits);
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
