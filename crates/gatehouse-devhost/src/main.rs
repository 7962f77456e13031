//! `gatehouse-devhost`: Gatehouse's desktop commands over HTTP on 127.0.0.1, for the UI's tests
//! and for previewing the whole UI in a browser against the real engine. Dev and test only: it
//! is never part of the app or its packages.
//!
//! Prints one JSON line when ready, `{"url","secret"}`; every request must carry
//! `Authorization: Bearer <secret>`. Stops on SIGINT, SIGTERM, or when its standard input
//! closes (so a test runner that dies takes it along).

mod dispatch;
mod server;
mod session;

use std::process::ExitCode;

use clap::Parser;
use tokio::io::AsyncReadExt;

#[derive(Parser)]
#[command(about = "Gatehouse's desktop commands over HTTP on 127.0.0.1 (dev and test only)")]
struct Args {
    /// The port to listen on (0: any free one; the ready line says which).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Keep running when standard input closes (for running it by hand in the background).
    #[arg(long)]
    ignore_stdin: bool,
}

/// A fresh random secret: 32 bytes from the OS, as hex.
fn new_secret() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("gatehouse-devhost: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(args));
    // The stdin watcher blocks a runtime thread in read(2) until stdin closes; dropping the
    // runtime would wait for it forever (a SIGTERM would not stop the host). Sessions hold
    // nothing that must be flushed, so leave without waiting.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse-devhost: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await?;
    let port = listener.local_addr()?.port();
    let secret = new_secret()?;
    let host = server::Host::new(port, secret.clone());
    println!(
        "{}",
        serde_json::json!({ "url": format!("http://127.0.0.1:{port}"), "secret": secret })
    );
    let server = tokio::spawn(server::serve(listener, host));
    let stdin_closed = async {
        if args.ignore_stdin {
            std::future::pending::<()>().await;
        }
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        _ = stdin_closed => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate() => {}
    }
    server.abort();
    Ok(())
}

async fn terminate() {
    #[cfg(unix)]
    if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    {
        term.recv().await;
        return;
    }
    std::future::pending::<()>().await;
}
