//! Which keyring the CLI uses: the Secret Service, or (for tests only) the in-memory mock. The
//! secrets themselves are kept by `gatehouse_core::profiles`.

use gatehouse_errors::ErrorCode;
use gatehouse_secrets::{SecretStore, DEFAULT_SERVICE};

pub use gatehouse_core::profiles::ProfileSecrets;

use crate::error::CliError;

/// Environment variable choosing the keyring backend: unset or `secret-service` for the OS
/// keyring; `mock` for an in-memory store that lives only as long as the process (tests only).
pub const KEYRING_ENV: &str = "GATEHOUSE_KEYRING";

/// Opens the keyring chosen by `GATEHOUSE_KEYRING`. Never falls back silently from one backend
/// to another.
pub fn open_from_env() -> Result<SecretStore, CliError> {
    let choice = std::env::var(KEYRING_ENV).unwrap_or_default();
    match choice.as_str() {
        "" | "secret-service" => Ok(SecretStore::native()?),
        "mock" => {
            eprintln!(
                "warning: {KEYRING_ENV}=mock: secrets are kept in memory only and are lost when \
                 this command ends (for tests only)"
            );
            Ok(SecretStore::mock(DEFAULT_SERVICE)?)
        }
        other => Err(CliError::usage(
            ErrorCode::KeyringBackendUnknown,
            format!("{KEYRING_ENV}={other:?} is not a keyring backend"),
            format!(
                "Unset {KEYRING_ENV} to use the system keyring (or set it to `mock` in tests)."
            ),
        )),
    }
}

/// Reads both secrets of a profile.
pub async fn load_secrets(
    store: &SecretStore,
    profile_id: &str,
) -> Result<ProfileSecrets, CliError> {
    Ok(gatehouse_core::profiles::load_secrets(store, profile_id).await?)
}
