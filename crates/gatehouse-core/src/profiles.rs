//! Portfolio profiles, shared by the desktop app and the CLI: which business, app and API a
//! profile talks to, kept as JSON in the OS config directory. A profile file never contains a
//! secret: the admin token and the app secret live in the OS keyring under
//! [`SecretKey::admin_token`] and [`SecretKey::app_secret`] of the profile's id
//! ([`ProfileSecrets`]). [`add_profile`] checks the connection before anything is saved.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use gatehouse_secrets::{Secret, SecretKey, SecretStore, SecretStoreError};
use serde::{Deserialize, Serialize};

use crate::connect::{check_connection, ConnectRequest, ConnectionProblem, ConnectionReport};
use gatehouse_errors::{ErrorCode, Explain, Surface};

/// Environment variable overriding the config directory (tests, portable setups).
pub const CONFIG_DIR_ENV: &str = "GATEHOUSE_CONFIG_DIR";
/// File name of the profile list inside the config directory.
pub const PROFILES_FILE: &str = "profiles.json";
/// Longest profile id accepted (the keyring key's limit).
pub const MAX_PROFILE_ID_LEN: usize = 64;
/// The Graph API version a new profile uses unless told otherwise.
pub const DEFAULT_API_VERSION: &str = "v26.0";

const FILE_VERSION: u32 = 1;

/// One business portfolio Gatehouse can connect to. No secret in here, by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Profile {
    /// A slug: `[a-z0-9-]`, 1 to 64 characters, not starting or ending with `-`.
    pub id: String,
    /// A human name; the business name when none was given.
    pub label: String,
    pub business_id: String,
    pub app_id: String,
    /// `None` means Meta (`https://graph.facebook.com`); otherwise an emulator or proxy.
    #[serde(default)]
    pub base_url: Option<String>,
    #[serde(default = "default_api_version")]
    pub api_version: String,
}

fn default_api_version() -> String {
    DEFAULT_API_VERSION.to_owned()
}

#[derive(Debug, Serialize, Deserialize)]
struct ProfilesFile {
    version: u32,
    profiles: Vec<Profile>,
}

/// Why the profile list could not be read or changed. Never carries a secret (there is none in
/// the file).
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no configuration directory is known for this user; set {CONFIG_DIR_ENV}")]
    NoConfigDir,
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid profile list: {message}")]
    Corrupt { path: PathBuf, message: String },
    #[error("invalid profile id {id:?}: {reason}")]
    InvalidId { id: String, reason: &'static str },
    #[error("invalid {field}: {reason}")]
    InvalidField { field: &'static str, reason: String },
    #[error("there is no profile {0:?}")]
    NotFound(String),
    #[error("a profile {0:?} already exists")]
    AlreadyExists(String),
    /// The OS keyring failed (no Secret Service, locked, timed out, denied).
    #[error("{0}")]
    Keyring(#[from] SecretStoreError),
    /// A keyring entry the profile needs is not there.
    #[error("the keyring has no {what} for profile {profile:?}")]
    MissingSecret { profile: String, what: &'static str },
    /// The connection check found a problem that makes the portfolio unusable (the first one;
    /// the others are in the check's report).
    #[error("{}", problem.message)]
    ConnectionBlocked { problem: ConnectionProblem },
}

impl ProfileError {
    /// Whether the error is about what was typed (an id or a field), not about the machine.
    pub fn is_input(&self) -> bool {
        matches!(self, Self::InvalidId { .. } | Self::InvalidField { .. })
    }
}

/// Checks a profile id: `[a-z0-9-]`, 1 to 64 characters, not starting or ending with `-`.
pub fn validate_id(id: &str) -> Result<(), ProfileError> {
    let bad = |reason| Err(ProfileError::InvalidId { id: id.to_owned(), reason });
    if id.is_empty() {
        return bad("it is empty");
    }
    if id.len() > MAX_PROFILE_ID_LEN {
        return bad("it is longer than 64 characters");
    }
    if !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return bad("only lowercase letters, digits and '-' are allowed");
    }
    if id.starts_with('-') || id.ends_with('-') {
        return bad("it may not start or end with '-'");
    }
    Ok(())
}

/// Checks a Meta object id (business, app): digits only.
pub fn validate_numeric_id(field: &'static str, value: &str) -> Result<(), ProfileError> {
    if value.is_empty() || value.len() > 32 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProfileError::InvalidField {
            field,
            reason: format!("{value:?} is not a Meta id (digits only)"),
        });
    }
    Ok(())
}

impl Profile {
    /// Checks every field (id, ids, base URL shape, API version shape).
    pub fn validate(&self) -> Result<(), ProfileError> {
        validate_id(&self.id)?;
        validate_numeric_id("business id", &self.business_id)?;
        validate_numeric_id("app id", &self.app_id)?;
        if let Some(url) = &self.base_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(ProfileError::InvalidField {
                    field: "base URL",
                    reason: format!("{url:?} is not an http(s) URL"),
                });
            }
        }
        if gatehouse_graph::ApiVersion::parse(&self.api_version).is_err() {
            return Err(ProfileError::InvalidField {
                field: "API version",
                reason: format!("{:?} is not like v26.0", self.api_version),
            });
        }
        if self.label.chars().any(char::is_control) {
            return Err(ProfileError::InvalidField {
                field: "label",
                reason: "it contains control characters".to_owned(),
            });
        }
        Ok(())
    }
}

/// The profile list on disk, in one directory.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// `$GATEHOUSE_CONFIG_DIR`, else the OS config directory + `gatehouse`
    /// (`~/.config/gatehouse` on Linux).
    pub fn from_env() -> Result<Self, ProfileError> {
        match std::env::var_os(CONFIG_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Ok(Self::at(PathBuf::from(dir))),
            _ => dirs::config_dir()
                .map(|d| Self::at(d.join("gatehouse")))
                .ok_or(ProfileError::NoConfigDir),
        }
    }

    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/profiles.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(PROFILES_FILE)
    }

    /// Every profile, in the order added. A missing file is an empty list.
    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(ProfileError::Read { path, source }),
        };
        let file: ProfilesFile = serde_json::from_str(&text)
            .map_err(|e| ProfileError::Corrupt { path: path.clone(), message: e.to_string() })?;
        if file.version != FILE_VERSION {
            return Err(ProfileError::Corrupt {
                path,
                message: format!("unsupported version {}", file.version),
            });
        }
        Ok(file.profiles)
    }

    /// One profile by id.
    pub fn get(&self, id: &str) -> Result<Profile, ProfileError> {
        self.list()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ProfileError::NotFound(id.to_owned()))
    }

    /// Adds a profile; fails if the id is taken.
    pub fn add(&self, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        let mut all = self.list()?;
        if all.iter().any(|p| p.id == profile.id) {
            return Err(ProfileError::AlreadyExists(profile.id));
        }
        all.push(profile);
        self.write(all)
    }

    /// Removes a profile; returns it.
    pub fn remove(&self, id: &str) -> Result<Profile, ProfileError> {
        let mut all = self.list()?;
        let pos = all
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| ProfileError::NotFound(id.to_owned()))?;
        let removed = all.remove(pos);
        self.write(all)?;
        Ok(removed)
    }

    /// Writes the whole list atomically: a temp file in the same directory, fsync, rename over
    /// the old file, fsync of the directory. A crash leaves either the old or the new list.
    fn write(&self, profiles: Vec<Profile>) -> Result<(), ProfileError> {
        let path = self.path();
        let werr = |source| ProfileError::Write { path: path.clone(), source };
        create_private_dir(&self.dir).map_err(werr)?;
        let file = ProfilesFile { version: FILE_VERSION, profiles };
        let mut text = serde_json::to_string_pretty(&file)
            .map_err(|e| werr(std::io::Error::other(e.to_string())))?;
        text.push('\n');
        // NamedTempFile is created 0600 and removed if anything below fails.
        let mut tmp = tempfile::Builder::new()
            .prefix(".profiles.")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(werr)?;
        tmp.write_all(text.as_bytes()).map_err(werr)?;
        tmp.as_file().sync_all().map_err(werr)?;
        tmp.persist(&path).map_err(|e| werr(e.error))?;
        sync_dir(&self.dir).map_err(werr)?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

// ----- secrets in the keyring ----------------------------------------------------------------

/// The admin token and the app secret of a profile. Only ever in the keyring and in memory.
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

fn keys(profile_id: &str) -> Result<(SecretKey, SecretKey), ProfileError> {
    let invalid = |e: gatehouse_secrets::InvalidKey| ProfileError::InvalidId {
        id: profile_id.to_owned(),
        reason: match e {
            gatehouse_secrets::InvalidKey::Empty { .. } => "it is empty",
            _ => "it cannot name a keyring entry",
        },
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
) -> Result<(), ProfileError> {
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
) -> Result<ProfileSecrets, ProfileError> {
    let (token_key, secret_key) = keys(profile_id)?;
    let missing = |what| ProfileError::MissingSecret { profile: profile_id.to_owned(), what };
    let admin_token = store.get(&token_key).await?.ok_or_else(|| missing("admin token"))?;
    let app_secret = store.get(&secret_key).await?.ok_or_else(|| missing("app secret"))?;
    Ok(ProfileSecrets { admin_token, app_secret })
}

/// Deletes both secrets of a profile; returns how many entries existed.
pub async fn delete_secrets(store: &SecretStore, profile_id: &str) -> Result<usize, ProfileError> {
    let (token_key, secret_key) = keys(profile_id)?;
    let a = store.delete(&token_key).await?;
    let b = store.delete(&secret_key).await?;
    Ok(usize::from(a) + usize::from(b))
}

// ----- workflows -----------------------------------------------------------------------------

/// What [`add_profile`] checked and saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AddedProfile {
    pub profile: Profile,
    /// The connection check, warnings included (none of its problems was blocking).
    pub connection: ConnectionReport,
}

impl Profile {
    /// The portfolio this profile names, signed in with its secrets: how the desktop and the CLI
    /// both open a saved portfolio. `base_url` overrides the profile's own (the CLI's
    /// `--base-url`).
    pub fn open(
        &self,
        secrets: &ProfileSecrets,
        base_url: Option<&str>,
    ) -> crate::Result<crate::Portfolio> {
        let base_url = base_url.or(self.base_url.as_deref());
        let session = crate::connect::session_for(base_url, &self.api_version, secrets)?;
        Ok(crate::Portfolio::new(crate::PortfolioKind::Meta, self.business_id.clone(), session)
            .with_app(self.app_id.clone()))
    }

    /// What [`check_connection`] needs to know about this profile.
    pub fn connect_request(&self) -> ConnectRequest {
        ConnectRequest {
            business_id: self.business_id.clone(),
            app_id: self.app_id.clone(),
            base_url: self.base_url.clone(),
            api_version: self.api_version.clone(),
        }
    }
}

/// Checks the connection ([`check_connection`]) and refuses on a blocking problem, then stores
/// the secrets in the keyring and the profile in the config directory. Nothing is saved when a
/// check fails; the keyring entries are removed again when the profile cannot be written. An
/// empty label becomes the business's name.
pub async fn add_profile(
    profiles: &ProfileStore,
    store: &SecretStore,
    mut profile: Profile,
    secrets: &ProfileSecrets,
) -> crate::Result<AddedProfile> {
    profile.validate()?;
    if profiles.list()?.iter().any(|p| p.id == profile.id) {
        return Err(ProfileError::AlreadyExists(profile.id).into());
    }
    let connection = check_connection(&profile.connect_request(), secrets).await?;
    if let Some(problem) = connection.problems.iter().find(|p| p.blocking) {
        return Err(ProfileError::ConnectionBlocked { problem: problem.clone() }.into());
    }
    if profile.label.trim().is_empty() {
        profile.label = connection.business_name.clone();
    }
    store_secrets(store, &profile.id, secrets).await?;
    if let Err(e) = profiles.add(profile.clone()) {
        let _ = delete_secrets(store, &profile.id).await;
        return Err(e.into());
    }
    Ok(AddedProfile { profile, connection })
}

/// Deletes a profile's keyring entries, then the profile. Returns it and how many keyring
/// entries existed. When the keyring fails the profile is kept, so the removal can be retried.
pub async fn remove_profile(
    profiles: &ProfileStore,
    store: &SecretStore,
    id: &str,
) -> Result<(Profile, usize), ProfileError> {
    let profile = profiles.get(id)?;
    let deleted = delete_secrets(store, id).await?;
    profiles.remove(id)?;
    Ok((profile, deleted))
}

impl Explain for ProfileError {
    /// A stable snake_case code for the UI and `--json`.
    fn code(&self) -> ErrorCode {
        match self {
            Self::NoConfigDir => ErrorCode::ConfigDirUnknown,
            Self::Read { .. } => ErrorCode::ConfigReadFailed,
            Self::Write { .. } => ErrorCode::ConfigWriteFailed,
            Self::Corrupt { .. } => ErrorCode::ConfigCorrupt,
            Self::InvalidId { .. } => ErrorCode::ProfileIdInvalid,
            Self::InvalidField { .. } => ErrorCode::ProfileFieldInvalid,
            Self::NotFound(_) => ErrorCode::ProfileNotFound,
            Self::AlreadyExists(_) => ErrorCode::ProfileExists,
            Self::Keyring(e) => e.code(),
            Self::MissingSecret { .. } => ErrorCode::KeyringEntryMissing,
            Self::ConnectionBlocked { .. } => ErrorCode::ConnectionBlocked,
        }
    }

    /// What happened, in plain words.
    fn explanation(&self) -> String {
        match self {
            Self::Keyring(e) => e.message().to_owned(),
            Self::ConnectionBlocked { problem } => problem.message.clone(),
            other => format!("{other}."),
        }
    }

    /// What to do about it.
    fn fix(&self, surface: Surface) -> Option<String> {
        Some(self.fix_text(surface))
    }

    /// Technical detail for a "Details" disclosure. Never a secret.
    fn detail(&self) -> Option<String> {
        match self {
            Self::Keyring(e) => Some(e.to_string()),
            Self::ConnectionBlocked { problem } => Some(problem.code.as_str().to_owned()),
            Self::Read { source, .. } | Self::Write { source, .. } => Some(source.to_string()),
            _ => None,
        }
    }
}

impl ProfileError {
    /// The fix in words for `surface`.
    #[allow(unused_variables)]
    fn fix_text(&self, surface: Surface) -> String {
        match self {
            Self::NoConfigDir => format!("Set {CONFIG_DIR_ENV} to a directory Gatehouse may use."),
            Self::Read { .. } | Self::Write { .. } => {
                "Check that the configuration directory exists and that you may read and write \
                 it."
                .to_owned()
            }
            Self::Corrupt { path, .. } => format!(
                "Fix or move away {} (it holds no secrets), then {} again.",
                path.display(),
                match surface {
                    Surface::Desktop => "connect the portfolios",
                    Surface::Cli => "add the profiles",
                }
            ),
            Self::InvalidId { .. } => {
                "Use lowercase letters, digits and '-', for example `acme-agency`.".to_owned()
            }
            Self::InvalidField { .. } => "Correct the value and try again.".to_owned(),
            Self::NotFound(_) => match surface {
                Surface::Desktop => "Open a portfolio from the portfolio menu, or connect it \
                    (the portfolio menu › Connect your business portfolio)."
                    .to_owned(),
                Surface::Cli => "Look at the list of profiles, or add the portfolio first \
                    (`gatehouse profile list`, `gatehouse profile add`)."
                    .to_owned(),
            },
            Self::AlreadyExists(id) => match surface {
                Surface::Desktop => "This business is already connected: open it from the \
                    portfolio menu, or remove it there first to connect it again."
                    .to_owned(),
                Surface::Cli => format!(
                    "Pick another id, or remove the old one first (`gatehouse profile remove \
                     {id}`)."
                ),
            },
            Self::Keyring(e) => e.fix(surface).unwrap_or_default(),
            Self::MissingSecret { profile, .. } => match surface {
                Surface::Desktop => "Connect the portfolio again: remove it from the portfolio \
                    menu, then connect it with its admin token and app secret."
                    .to_owned(),
                Surface::Cli => format!(
                    "Add the portfolio again: remove it (`gatehouse profile remove {profile}`), \
                     then add it with its admin token and app secret."
                ),
            },
            Self::ConnectionBlocked { problem } => {
                problem.fix.clone().unwrap_or_else(|| "Correct it and try again.".to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_profile_can_share_the_keyring_self_checks_entry() {
        assert!(validate_id(gatehouse_secrets::SELF_CHECK_PROFILE).is_err());
    }

    fn profile(id: &str) -> Profile {
        Profile {
            id: id.to_owned(),
            label: "Acme".to_owned(),
            business_id: "1000".to_owned(),
            app_id: "2000".to_owned(),
            base_url: Some("http://127.0.0.1:9".to_owned()),
            api_version: DEFAULT_API_VERSION.to_owned(),
        }
    }

    #[test]
    fn ids_are_slugs() {
        for ok in ["acme", "a", "acme-2", "0-9"] {
            assert!(validate_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Acme", "a_b", "a/b", "-a", "a-", "é", &"x".repeat(65)] {
            assert!(validate_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn add_list_get_remove_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path().join("nested"));
        assert!(store.list().unwrap().is_empty());
        store.add(profile("acme")).unwrap();
        store.add(profile("beta")).unwrap();
        assert!(matches!(store.add(profile("acme")), Err(ProfileError::AlreadyExists(_))));
        let ids: Vec<String> = store.list().unwrap().into_iter().map(|p| p.id).collect();
        assert_eq!(ids, ["acme", "beta"]);
        assert_eq!(store.get("beta").unwrap(), profile("beta"));
        assert_eq!(store.remove("acme").unwrap().id, "acme");
        assert!(matches!(store.get("acme"), Err(ProfileError::NotFound(_))));
        assert!(matches!(store.remove("acme"), Err(ProfileError::NotFound(_))));
        // No temp files left behind.
        let names: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [PROFILES_FILE]);
    }

    #[test]
    fn rejects_invalid_fields_and_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        let mut p = profile("acme");
        p.business_id = "12/../me".into();
        assert!(matches!(store.add(p), Err(ProfileError::InvalidField { .. })));
        let mut p = profile("acme");
        p.base_url = Some("ftp://x".into());
        assert!(store.add(p).is_err());
        fs::write(store.path(), "{not json").unwrap();
        assert!(matches!(store.list(), Err(ProfileError::Corrupt { .. })));
    }
}
