//! Which keyring the CLI uses: the Secret Service, or (for tests only) the in-memory mock.

use gatehouse_secrets::{Secret, SecretKey, SecretStore, DEFAULT_SERVICE};

use crate::error::CliError;

/// Environment variable choosing the keyring backend: unset or `secret-service` for the OS
/// keyring; `mock` for an in-memory store that lives only as long as the process (tests only).
pub const KEYRING_ENV: &str = "GATEHOUSE_KEYRING";

/// Opens the keyring chosen by `GATEHOUSE_KEYRING`. Never falls back silently from one backend
/// to another.
pub fn open_from_env() -> Result<SecretStore, CliError> {
    let choice = std::env::var(KEYRING_ENV).unwrap_or_default();
    match choice.as_str() {
        "" | "secret-service" => Ok(SecretStore::secret_service()?),
        "mock" => {
            eprintln!(
                "warning: {KEYRING_ENV}=mock: secrets are kept in memory only and are lost when \
                 this command ends (for tests only)"
            );
            Ok(SecretStore::mock(DEFAULT_SERVICE)?)
        }
        other => Err(CliError::usage(
            "keyring_backend_unknown",
            format!("{KEYRING_ENV}={other:?} is not a keyring backend"),
            format!(
                "Unset {KEYRING_ENV} to use the system keyring (or set it to `mock` in tests)."
            ),
        )),
    }
}

/// The admin token and the app secret of a profile.
pub struct ProfileSecrets {
    pub admin_token: Secret,
    pub app_secret: Secret,
}

impl std::fmt::Debug for ProfileSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileSecrets")
            .field("admin_token", &self.admin_token)
            .field("app_secret", &self.app_secret)
            .finish()
    }
}

fn keys(profile_id: &str) -> Result<(SecretKey, SecretKey), CliError> {
    let invalid = |e: gatehouse_secrets::InvalidKey| {
        CliError::usage("profile_id_invalid", e.to_string(), "Use a profile id like `acme`.")
    };
    Ok((
        SecretKey::admin_token(profile_id).map_err(invalid)?,
        SecretKey::app_secret(profile_id).map_err(invalid)?,
    ))
}

/// Stores both secrets; on a failure of the second, removes the first again.
pub async fn store_secrets(
    store: &SecretStore,
    profile_id: &str,
    secrets: &ProfileSecrets,
) -> Result<(), CliError> {
    let (token_key, secret_key) = keys(profile_id)?;
    store.set(&token_key, &secrets.admin_token).await?;
    if let Err(e) = store.set(&secret_key, &secrets.app_secret).await {
        // Best effort: the first error is the one to report.
        let _ = store.delete(&token_key).await;
        return Err(e.into());
    }
    Ok(())
}

/// Reads both secrets of a profile.
pub async fn load_secrets(
    store: &SecretStore,
    profile_id: &str,
) -> Result<ProfileSecrets, CliError> {
    let (token_key, secret_key) = keys(profile_id)?;
    let missing = |what| CliError::MissingSecret { profile: profile_id.to_owned(), what };
    let admin_token = store.get(&token_key).await?.ok_or_else(|| missing("admin token"))?;
    let app_secret = store.get(&secret_key).await?.ok_or_else(|| missing("app secret"))?;
    Ok(ProfileSecrets { admin_token, app_secret })
}

/// Deletes both secrets of a profile; returns how many entries existed.
pub async fn delete_secrets(store: &SecretStore, profile_id: &str) -> Result<usize, CliError> {
    let (token_key, secret_key) = keys(profile_id)?;
    let a = store.delete(&token_key).await?;
    let b = store.delete(&secret_key).await?;
    Ok(usize::from(a) + usize::from(b))
}
