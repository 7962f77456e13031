//! Diagnostic: what Gatehouse's keyring store sees on this machine.
//!
//! `cargo run -p gatehouse-secrets --example keyring_check [timeout-seconds]`
//!
//! Probes the Secret Service, then writes, reads back and deletes a throwaway entry under the
//! service `dev.gatehouse.keyring-check`, printing each step's outcome, error code and time.

use std::time::{Duration, Instant};

use gatehouse_errors::Explain;
use gatehouse_secrets::{Backend, Secret, SecretKey, SecretStore, SecretStoreError, StoreConfig};

fn report<T: std::fmt::Debug>(step: &str, started: Instant, result: &Result<T, SecretStoreError>) {
    let elapsed = started.elapsed();
    match result {
        Ok(value) => println!("{step:<7} ok     {value:?} ({elapsed:.2?})"),
        Err(err) => println!("{step:<7} {} ({elapsed:.2?}): {err}", err.code()),
    }
}

fn main() -> Result<(), SecretStoreError> {
    let seconds = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let store = SecretStore::new(
        StoreConfig::new(Backend::Native)
            .with_service("dev.gatehouse.keyring-check")
            .with_timeout(Duration::from_secs(seconds)),
    )?;
    let key = SecretKey::admin_token("keyring-check").unwrap_or_else(|e| panic!("{e}"));

    let started = Instant::now();
    let status = store.probe_blocking();
    println!("probe   {} ({:.2?}): {status:?}", status.code(), started.elapsed());

    let started = Instant::now();
    let result = store.set_blocking(&key, &Secret::new("keyring-check-value".to_owned()));
    report("set", started, &result);

    let started = Instant::now();
    let result = store.get_blocking(&key);
    report("get", started, &result);

    let started = Instant::now();
    let result = store.delete_blocking(&key);
    report("delete", started, &result);
    Ok(())
}
