//! Portfolio profiles, shared by the desktop app and the CLI: which business, app and API a
//! profile talks to, kept as JSON in the OS config directory. A profile file never contains a
//! secret: the admin token and the app secret live in the OS keyring under
//! [`SecretKey::admin_token`] and [`SecretKey::app_secret`] of the profile's id
//! ([`ProfileSecrets`]). [`add_profile`] checks the connection before anything is saved.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use gatehouse_secrets::{Secret, SecretKey, SecretStore, SecretStoreError};
use serde::{Deserialize, Serialize};

use crate::compat::{ChainedPaging, CompatReport};
use crate::connect::{check_connection, ConnectRequest, ConnectionProblem, ConnectionReport};
use gatehouse_errors::{ErrorCode, Explain, Surface};
use gatehouse_graph::PagingMode;

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
    /// The portfolio the app had open last (a saved profile's id or a demo id), so it opens
    /// there again and the demo is not started for someone who works in a real portfolio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_opened: Option<String>,
    /// By profile id: what its last compatibility check found about chained paging.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    chained_paging: BTreeMap<String, ChainedPagingCheck>,
}

impl Default for ProfilesFile {
    fn default() -> Self {
        Self {
            version: FILE_VERSION,
            profiles: Vec::new(),
            last_opened: None,
            chained_paging: BTreeMap::new(),
        }
    }
}

/// What a profile's last compatibility check (`gatehouse doctor`, Settings → Check
/// compatibility) found about chained paging, and where it ran: it holds only for that Graph
/// API URL and version. Not a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainedPagingCheck {
    /// Meta answered a chained batch of pages exactly as plain paging.
    pub accepted: bool,
    /// The Graph API URL the check ran against (`None`: Meta's).
    #[serde(default)]
    pub graph_url: Option<String>,
    pub api_version: String,
}

impl ChainedPagingCheck {
    /// Whether `profile`, opened with `base_url` ([`Profile::open`]), may chain its pages: the
    /// check accepted it at the same URL and API version.
    pub fn confirms(&self, profile: &Profile, base_url: Option<&str>) -> bool {
        self.accepted
            && self.graph_url.as_deref() == base_url.or(profile.base_url.as_deref())
            && self.api_version == profile.api_version
    }
}

/// The file the app and the CLI lock while they change the profile list (`profiles.json` is
/// replaced by a rename, so it cannot carry the lock itself).
const LOCK_FILE: &str = ".profiles.lock";

/// An exclusive hold on the profile list, from [`ProfileStore::lock`] until dropped. The app
/// and the CLI both take it before a read-modify-write, so one never undoes the other's change.
#[derive(Debug)]
pub struct ProfilesLock {
    _file: fs::File,
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
    /// The profile's saved Graph API URL is neither Meta's nor on this computer, and the person
    /// has not confirmed it (see [`crate::connect::GraphDestination::needs_confirmation`]).
    #[error("profile {profile:?} sends its tokens to {url}, not to Meta")]
    GraphUrlUnconfirmed { profile: String, url: String },
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
        // The typed ids first: the desktop derives the profile's id from the business ID, so
        // "ABC" must be reported as a business ID that is not one, not as a bad profile id.
        validate_numeric_id("business id", &self.business_id)?;
        validate_numeric_id("app id", &self.app_id)?;
        validate_id(&self.id)?;
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

    /// Takes the exclusive lock on the profile list, waiting while another Gatehouse process
    /// (the app or the CLI) holds it. Changes take well under a second, so a plain wait is fine.
    pub fn lock(&self) -> Result<ProfilesLock, ProfileError> {
        let path = self.dir.join(LOCK_FILE);
        let werr = |source| ProfileError::Write { path: path.clone(), source };
        create_private_dir(&self.dir).map_err(werr)?;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(werr)?;
        file.lock().map_err(werr)?;
        Ok(ProfilesLock { _file: file })
    }

    /// The whole file. A missing file is an empty list. Reading needs no lock: the file is only
    /// ever replaced whole.
    fn read(&self) -> Result<ProfilesFile, ProfileError> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ProfilesFile::default())
            }
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
        Ok(file)
    }

    /// Every profile, in the order added.
    pub fn list(&self) -> Result<Vec<Profile>, ProfileError> {
        Ok(self.read()?.profiles)
    }

    /// One profile by id.
    pub fn get(&self, id: &str) -> Result<Profile, ProfileError> {
        self.list()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| ProfileError::NotFound(id.to_owned()))
    }

    /// The portfolio the app had open last, if any was remembered.
    pub fn last_opened(&self) -> Result<Option<String>, ProfileError> {
        Ok(self.read()?.last_opened)
    }

    /// Remembers the portfolio the app has open (a saved profile's id or a demo id).
    pub fn set_last_opened(&self, id: &str) -> Result<(), ProfileError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        if file.last_opened.as_deref() == Some(id) {
            return Ok(());
        }
        file.last_opened = Some(id.to_owned());
        self.write(file)
    }

    /// Adds a profile; fails if the id is taken.
    pub fn add(&self, profile: Profile) -> Result<(), ProfileError> {
        let lock = self.lock()?;
        self.add_locked(&lock, profile)
    }

    /// [`add`](Self::add) for a caller that holds the lock already.
    pub fn add_locked(&self, _lock: &ProfilesLock, profile: Profile) -> Result<(), ProfileError> {
        profile.validate()?;
        let mut file = self.read()?;
        if file.profiles.iter().any(|p| p.id == profile.id) {
            return Err(ProfileError::AlreadyExists(profile.id));
        }
        file.profiles.push(profile);
        self.write(file)
    }

    /// Removes a profile; returns it.
    pub fn remove(&self, id: &str) -> Result<Profile, ProfileError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        let pos = file
            .profiles
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| ProfileError::NotFound(id.to_owned()))?;
        let removed = file.profiles.remove(pos);
        file.chained_paging.remove(id);
        if file.last_opened.as_deref() == Some(id) {
            file.last_opened = None;
        }
        self.write(file)?;
        Ok(removed)
    }

    /// What the last compatibility check of profile `id` found about chained paging, if one
    /// ran.
    pub fn chained_paging(&self, id: &str) -> Result<Option<ChainedPagingCheck>, ProfileError> {
        Ok(self.read()?.chained_paging.get(id).cloned())
    }

    /// Remembers what a compatibility check of `profile`, opened with `base_url` (as for
    /// [`Self::open`]), found about chained paging. Returns whether the profile's listings
    /// chain their pages from now on. A check that refused it or could not try it replaces an
    /// earlier acceptance.
    pub fn remember_check(
        &self,
        profile: &Profile,
        base_url: Option<&str>,
        report: &CompatReport,
    ) -> Result<bool, ProfileError> {
        let _lock = self.lock()?;
        let mut file = self.read()?;
        if !file.profiles.iter().any(|p| p.id == profile.id) {
            return Err(ProfileError::NotFound(profile.id.clone()));
        }
        let check = ChainedPagingCheck {
            accepted: report.chained_paging() == ChainedPaging::Accepted,
            graph_url: base_url.or(profile.base_url.as_deref()).map(str::to_owned),
            api_version: profile.api_version.clone(),
        };
        let chained = check.confirms(profile, base_url);
        if file.chained_paging.get(&profile.id) != Some(&check) {
            file.chained_paging.insert(profile.id.clone(), check);
            self.write(file)?;
        }
        Ok(chained)
    }

    /// Opens a saved portfolio as [`Profile::open`] does, with chained paging
    /// ([`PagingMode::chained`]) only when the profile's last compatibility check confirmed it
    /// at the same Graph API URL and version; plain paging otherwise. How the app and the CLI
    /// open a profile.
    pub fn open(
        &self,
        profile: &Profile,
        secrets: &ProfileSecrets,
        base_url: Option<&str>,
    ) -> crate::Result<crate::Portfolio> {
        let paging = match self.chained_paging(&profile.id)? {
            Some(check) if check.confirms(profile, base_url) => PagingMode::chained(),
            _ => PagingMode::Plain,
        };
        profile.open_with(secrets, base_url, paging)
    }

    /// Writes the whole file atomically: a temp file in the same directory, fsync, rename over
    /// the old file, fsync of the directory. A crash leaves either the old or the new list.
    fn write(&self, file: ProfilesFile) -> Result<(), ProfileError> {
        let path = self.path();
        let werr = |source| ProfileError::Write { path: path.clone(), source };
        create_private_dir(&self.dir).map_err(werr)?;
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
    /// `--base-url`, or the desktop's confirmation): a saved URL that is neither Meta's nor on
    /// this computer is used only when passed here again, so an edited file alone cannot send
    /// the tokens elsewhere.
    ///
    /// Listings page plainly; [`ProfileStore::open`] chains them where a check confirmed it.
    pub fn open(
        &self,
        secrets: &ProfileSecrets,
        base_url: Option<&str>,
    ) -> crate::Result<crate::Portfolio> {
        self.open_with(secrets, base_url, PagingMode::Plain)
    }

    fn open_with(
        &self,
        secrets: &ProfileSecrets,
        base_url: Option<&str>,
        paging: PagingMode,
    ) -> crate::Result<crate::Portfolio> {
        if base_url.is_none() && self.graph_destination().needs_confirmation() {
            return Err(ProfileError::GraphUrlUnconfirmed {
                profile: self.id.clone(),
                url: self.base_url.clone().unwrap_or_default(),
            }
            .into());
        }
        let base_url = base_url.or(self.base_url.as_deref());
        let session =
            crate::connect::session_with_paging(base_url, &self.api_version, secrets, paging)?;
        Ok(crate::Portfolio::new(crate::PortfolioKind::Meta, self.business_id.clone(), session)
            .with_app(self.app_id.clone()))
    }

    /// Where this profile's requests go.
    pub fn graph_destination(&self) -> crate::connect::GraphDestination {
        crate::connect::GraphDestination::of(self.base_url.as_deref())
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
    // Held from the keyring write to the list's: another process adding the same portfolio
    // meanwhile would otherwise have its secrets deleted by this one's clean-up.
    let lock = profiles.lock()?;
    if profiles.list()?.iter().any(|p| p.id == profile.id) {
        return Err(ProfileError::AlreadyExists(profile.id).into());
    }
    store_secrets(store, &profile.id, secrets).await?;
    if let Err(e) = profiles.add_locked(&lock, profile.clone()) {
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
            Self::GraphUrlUnconfirmed { .. } => ErrorCode::GraphUrlUnconfirmed,
        }
    }

    /// What happened, in plain words.
    fn explanation(&self) -> String {
        match self {
            Self::Keyring(e) => e.message().to_owned(),
            Self::ConnectionBlocked { problem } => problem.message.clone(),
            Self::GraphUrlUnconfirmed { url, .. } => format!(
                "This portfolio is set to send its admin token to {url} instead of Meta \
                 (graph.facebook.com). Gatehouse never sets that up by itself: it was typed or \
                 the configuration file was edited."
            ),
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
            Self::GraphUrlUnconfirmed { profile, url } => match surface {
                Surface::Desktop => format!(
                    "Continue only if you set up {url} yourself (a proxy you trust). Otherwise \
                     remove this portfolio from the portfolio menu and connect it again."
                ),
                Surface::Cli => format!(
                    "If you set up {url} yourself, confirm it with `--base-url {url}`. Otherwise \
                     remove the profile (`gatehouse profile remove {profile}`) and add it again."
                ),
            },
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
        let mut names: Vec<String> = fs::read_dir(store.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [LOCK_FILE, PROFILES_FILE]);
    }

    #[test]
    fn the_last_opened_portfolio_is_remembered_until_it_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::at(dir.path());
        assert_eq!(store.last_opened().unwrap(), None);
        store.set_last_opened("demo:agency").unwrap();
        store.add(profile("acme")).unwrap();
        assert_eq!(store.last_opened().unwrap().as_deref(), Some("demo:agency"));
        store.set_last_opened("acme").unwrap();
        assert_eq!(store.last_opened().unwrap().as_deref(), Some("acme"));
        store.remove("acme").unwrap();
        assert_eq!(store.last_opened().unwrap(), None);
    }

    /// The app and the CLI change the list at the same time: with the lock, neither loses the
    /// other's change (each store here opens the lock file on its own, as two processes do).
    #[test]
    fn concurrent_changes_from_two_writers_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let writers: Vec<_> = ["app", "cli"]
            .into_iter()
            .map(|who| {
                let store = ProfileStore::at(dir.path());
                std::thread::spawn(move || {
                    for i in 0..40 {
                        store.add(profile(&format!("{who}-{i}"))).unwrap();
                        store.set_last_opened(&format!("{who}-{i}")).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let store = ProfileStore::at(dir.path());
        assert_eq!(store.list().unwrap().len(), 80);
        // Another holder makes a writer wait rather than fail.
        let held = store.lock().unwrap();
        let waiting = {
            let store = store.clone();
            std::thread::spawn(move || store.add(profile("late")))
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!waiting.is_finished(), "the writer waits for the lock");
        drop(held);
        waiting.join().unwrap().unwrap();
        assert_eq!(store.list().unwrap().len(), 81);
    }

    #[test]
    fn a_business_id_that_is_not_one_is_reported_as_such() {
        let mut p = profile("business-ABC");
        p.id = "business-ABC".into();
        p.business_id = "ABC".into();
        assert!(
            matches!(p.validate(), Err(ProfileError::InvalidField { field: "business id", .. })),
            "{:?}",
            p.validate()
        );
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
