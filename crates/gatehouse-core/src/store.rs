//! Gatehouse's local database: one SQLite file (`gatehouse.sqlite3`) in the data directory,
//! shared by the desktop app and the CLI. It holds bulk assignment jobs (so they survive a
//! crash and can be resumed), the audit log (`audit.rs`) and the token inventory
//! (`inventory.rs`).
//!
//! Never a secret in here: tokens and app secrets live only in the OS keyring.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use gatehouse_errors::{ErrorCode, Explain, Surface};
use rusqlite::Connection;

/// Environment variable overriding the data directory (tests, portable setups).
pub const DATA_DIR_ENV: &str = "GATEHOUSE_DATA_DIR";
/// File name of the database inside the data directory.
pub const DB_FILE: &str = "gatehouse.sqlite3";

/// The schema, one migration per `PRAGMA user_version` step. Append only: a released migration
/// never changes, so a database always knows which ones it has run.
const MIGRATIONS: &[&str] = &[
    // v1: bulk assignment jobs and their items.
    "CREATE TABLE jobs (
        id               TEXT PRIMARY KEY,
        portfolio_id     TEXT NOT NULL,
        system_user_id   TEXT NOT NULL,
        system_user_name TEXT NOT NULL,
        status           TEXT NOT NULL,
        created_at       REAL NOT NULL,
        updated_at       REAL NOT NULL,
        -- The process and run working on it while status = 'running' (see jobs.rs).
        runner_pid       INTEGER,
        runner_id        TEXT
    );
    CREATE INDEX jobs_by_portfolio ON jobs (portfolio_id, created_at);
    CREATE TABLE job_items (
        job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        asset_id      TEXT NOT NULL,
        asset_name    TEXT NOT NULL,
        action        TEXT NOT NULL,
        tasks         TEXT NOT NULL,
        status        TEXT NOT NULL,
        error_code    TEXT,
        error_message TEXT,
        error_fix     TEXT,
        error_detail  TEXT,
        PRIMARY KEY (job_id, position)
    );",
    // v2: a job the user chose not to resume keeps its record but is no longer offered.
    "ALTER TABLE jobs ADD COLUMN discarded_at REAL",
    // v3: the audit log (audit.rs): append-only, each entry's hash covering the one before.
    "CREATE TABLE audit_log (
        seq          INTEGER PRIMARY KEY,
        at           REAL NOT NULL,
        portfolio_id TEXT NOT NULL,
        business_id  TEXT NOT NULL,
        actor        TEXT NOT NULL,
        action       TEXT NOT NULL,
        target_id    TEXT,
        target_name  TEXT,
        summary      TEXT NOT NULL,
        details      TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        error_code   TEXT,
        prev_hash    TEXT NOT NULL,
        hash         TEXT NOT NULL
    );
    CREATE INDEX audit_by_portfolio ON audit_log (portfolio_id, seq);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    // v4: the token inventory (inventory.rs): metadata and a fingerprint, never a token.
    "CREATE TABLE token_inventory (
        hash          TEXT PRIMARY KEY,
        last_chars    TEXT NOT NULL,
        portfolio_id  TEXT NOT NULL,
        business_id   TEXT NOT NULL,
        kind          TEXT NOT NULL,
        user_id       TEXT,
        app_id        TEXT,
        scopes        TEXT NOT NULL,
        assets        TEXT NOT NULL,
        issued_at     REAL,
        expires_at    REAL,
        never_expires INTEGER NOT NULL,
        source        TEXT NOT NULL,
        replaces      TEXT,
        status        TEXT NOT NULL,
        last_check_at REAL NOT NULL,
        last_check    TEXT NOT NULL,
        first_seen_at REAL NOT NULL
    );
    CREATE INDEX token_inventory_by_portfolio ON token_inventory (portfolio_id, expires_at);",
];

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no data directory is known for this user; set {DATA_DIR_ENV}")]
    NoDataDir,
    #[error("cannot create {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer Gatehouse (a migration this build does not know).
    #[error("the database has schema version {found}; this Gatehouse knows up to {known}")]
    TooNew { found: u32, known: u32 },
    /// A row holds a value this build cannot read.
    #[error("the database holds an unreadable value: {0}")]
    Corrupt(String),
    #[error("there is no job {0:?}")]
    JobNotFound(String),
    /// Another run (in this or another process) is working on the job.
    #[error("job {0:?} is already running")]
    JobRunning(String),
}

impl StoreError {}

pub type StoreResult<T> = std::result::Result<T, StoreError>;

/// The database. Calls are short and serialized on one connection.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating and migrating as needed) the database at `path`. Jobs left running by a
    /// process that is gone are marked interrupted.
    pub fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path)?;
        Self::setup(conn, Some(path))
    }

    /// `$GATEHOUSE_DATA_DIR/gatehouse.sqlite3`, else the OS data directory + `gatehouse`
    /// (`~/.local/share/gatehouse` on Linux). The directory is created `0700`.
    pub fn open_default() -> StoreResult<Self> {
        let dir = default_dir()?;
        create_private_dir(&dir).map_err(|source| StoreError::Io { path: dir.clone(), source })?;
        Self::open(dir.join(DB_FILE))
    }

    /// A database that lives as long as the value (tests, demo mode).
    pub fn in_memory() -> StoreResult<Self> {
        Self::setup(Connection::open_in_memory()?, None)
    }

    /// The file, when not in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Where runs keep their lock files (next to the database), when not in memory.
    pub(crate) fn runs_dir(&self) -> Option<PathBuf> {
        Some(self.path.as_deref()?.parent()?.join("runs"))
    }

    fn setup(conn: Connection, path: Option<PathBuf>) -> StoreResult<Self> {
        // Another process (the app and the CLI) may hold the write lock for a moment.
        conn.busy_timeout(Duration::from_secs(5))?;
        // WAL: readers do not block the writer; in memory it stays "memory", which is fine.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        migrate(&conn)?;
        let store = Self { conn: Mutex::new(conn), path };
        crate::jobs::reap_dead_runs(&store.lock(), store.runs_dir().as_deref())?;
        Ok(store)
    }

    /// The connection. A panic while it was held cannot leave a half-done transaction (SQLite
    /// rolls back), so a poisoned lock is still usable.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> StoreResult<u32> {
        Ok(self.lock().query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }
}

fn default_dir() -> StoreResult<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => dirs::data_dir().map(|d| d.join("gatehouse")).ok_or(StoreError::NoDataDir),
    }
}

fn migrate(conn: &Connection) -> StoreResult<()> {
    let known = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
    let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew { found, known });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        // Each migration and its version bump commit together, or not at all.
        let version = i + 1;
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {sql}; PRAGMA user_version = {version}; COMMIT;"
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })?;
    }
    Ok(())
}

/// Creates `dir` readable by this user only. A directory that already exists is left as it is:
/// it may be one the user pointed Gatehouse at (`GATEHOUSE_DATA_DIR=$HOME` must not change
/// `$HOME`'s mode).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

impl Explain for StoreError {
    /// A stable snake_case code for the UI and `--json`.
    fn code(&self) -> ErrorCode {
        match self {
            Self::NoDataDir => ErrorCode::DataDirUnknown,
            Self::Io { .. } => ErrorCode::StoreUnavailable,
            Self::Sqlite(_) => ErrorCode::StoreFailed,
            Self::TooNew { .. } => ErrorCode::StoreTooNew,
            Self::Corrupt(_) => ErrorCode::StoreCorrupt,
            Self::JobNotFound(_) => ErrorCode::JobNotFound,
            Self::JobRunning(_) => ErrorCode::JobRunning,
        }
    }

    /// What happened, in plain words.
    fn explanation(&self) -> String {
        match self {
            Self::NoDataDir => {
                "Gatehouse does not know where to keep its data on this computer.".to_owned()
            }
            Self::Io { path, .. } => {
                format!("Gatehouse could not create its data folder {}.", path.display())
            }
            Self::Sqlite(_) => "Gatehouse's local database failed.".to_owned(),
            Self::TooNew { .. } => {
                "The local database was written by a newer version of Gatehouse.".to_owned()
            }
            Self::Corrupt(_) => "Gatehouse's local database holds data it cannot read.".to_owned(),
            Self::JobNotFound(id) => format!("There is no job {id}."),
            Self::JobRunning(id) => format!("Job {id} is already running."),
        }
    }

    /// What to do about it.
    fn fix(&self, surface: Surface) -> Option<String> {
        Some(self.fix_text(surface))
    }
}

impl StoreError {
    /// The fix in words for `surface`.
    #[allow(unused_variables)]
    fn fix_text(&self, surface: Surface) -> String {
        match self {
            Self::NoDataDir => format!("Set {DATA_DIR_ENV} to a folder Gatehouse may use."),
            Self::Io { .. } | Self::Sqlite(_) => "Check that the data folder exists, that you may \
                write it and that the disk is not full, then try again."
                .to_owned(),
            Self::TooNew { .. } => "Update Gatehouse to the newest version.".to_owned(),
            Self::Corrupt(_) => "Update Gatehouse; if it persists, move the database file away \
                (it holds no secrets, only job history)."
                .to_owned(),
            Self::JobNotFound(_) => match surface {
                Surface::Desktop => "Open the system user again: its unfinished jobs are \
                    listed there."
                    .to_owned(),
                Surface::Cli => "Look at the list of jobs (`gatehouse jobs list`).".to_owned(),
            },
            Self::JobRunning(_) => {
                "Wait for it to finish, or cancel it where it runs, then try again.".to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_new_data_folder_is_private_and_an_existing_one_is_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("a/b");
        create_private_dir(&new).unwrap();
        assert_eq!(mode(&new), 0o700);
        // A folder the user pointed at (their home, say) keeps its mode.
        let existing = root.path().join("home");
        std::fs::create_dir(&existing).unwrap();
        std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o755)).unwrap();
        create_private_dir(&existing).unwrap();
        assert_eq!(mode(&existing), 0o755);
    }

    #[test]
    fn migrates_once_and_refuses_newer_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
        let mode: String = store.lock().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        // Reopening runs nothing again.
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
        store.lock().execute_batch("PRAGMA user_version = 99").unwrap();
        drop(store);
        let err = Store::open(&path).unwrap_err();
        assert_eq!(err.code(), "store_too_new", "{err}");
    }

    #[test]
    fn in_memory_has_the_schema() {
        let store = Store::in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as u32);
        let fk: i32 = store.lock().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }
}
