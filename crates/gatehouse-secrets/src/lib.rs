//! Gatehouse's secrets: the one [`Secret`] type for tokens and app secrets, and the OS keyring
//! store they are kept in.
//!
//! - [`Secret`]: redacted `Debug`, no `Display`, no `Serialize`, zeroized on drop;
//!   [`Secret::expose`] is the only way out.
//! - [`SecretKey`]: which secret of which portfolio profile, rendered to the keyring's "user"
//!   attribute; never secret material.
//! - [`SecretStore`]: the keyring ([`Backend::Native`]: the desktop's own keyring, or [`Backend::Mock`] for
//!   tests, chosen explicitly: never a silent fallback). Every call goes through one serialized
//!   worker thread with a timeout; failures are a typed [`SecretStoreError`] with a stable
//!   [`code`](SecretStoreError::code) and a plain-language
//!   [`explanation`](SecretStoreError::explanation).
//!
//! ```
//! use gatehouse_secrets::{Secret, SecretKey, SecretStore};
//!
//! let store = SecretStore::mock("dev.gatehouse.doctest").unwrap();
//! let key = SecretKey::admin_token("acme").unwrap();
//! store.set_blocking(&key, &Secret::new("EAAB-token".to_owned())).unwrap();
//! assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), "EAAB-token");
//! assert!(store.delete_blocking(&key).unwrap());
//! assert!(!store.delete_blocking(&key).unwrap()); // idempotent
//! assert!(store.get_blocking(&key).unwrap().is_none());
//! ```
//!
//! # Keyring states, as observed with gnome-keyring 42.1 (Debian 12)
//!
//! | situation | [`SecretStore::probe`] | get / set / delete |
//! |---|---|---|
//! | unlocked login keyring | `keyring_ready` | work |
//! | no session bus (`DBUS_SESSION_BUS_ADDRESS` to a missing socket, or unset with no `$XDG_RUNTIME_DIR/bus`) | `keyring_no_secret_service` | `keyring_no_secret_service`, at once |
//! | session bus, daemon (D-Bus-activated or `--start`) with no keyring file | `keyring_no_default_collection` | set: `keyring_no_default_collection`; get/delete of a missing entry: `None`/`false` |
//! | login keyring locked, no display | `keyring_locked` (asked without a prompt) | `keyring_locked` at once (the prompter cannot open a display: "prompt dismissed") |
//! | login keyring locked, display, nobody answers the dialog | `keyring_locked` | `keyring_timeout` after the timeout; later calls also time out until the dialog is answered |
//!
//! # Tests
//!
//! `cargo test -p gatehouse-secrets` runs everything that needs no keyring (mock store, error
//! mapping, redaction, the no-session-bus cases in a child process). The tests marked
//! `#[ignore]` need `dbus-run-session` and gnome-keyring; run them in a throwaway session:
//!
//! ```sh
//! tmp=$(mktemp -d); mkdir -p $tmp/data $tmp/run; chmod 700 $tmp/run
//! XDG_DATA_HOME=$tmp/data XDG_RUNTIME_DIR=$tmp/run dbus-run-session -- bash -c \
//!   'echo "" | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
//!    cargo test -p gatehouse-secrets -- --ignored'
//! ```
//!
//! `cargo run -p gatehouse-secrets --example keyring_check [timeout-seconds]` shows what the store
//! sees on any machine.

mod error;
mod key;
mod map;
mod native;
mod secret;
#[cfg(target_os = "linux")]
mod secret_service;
mod store;

pub use error::SecretStoreError;
pub use key::{InvalidKey, SecretKey, SecretKind, MAX_ID_LEN};
pub use secret::Secret;
pub use store::{
    Backend, MockFault, SecretStore, StoreConfig, StoreStatus, DEFAULT_SERVICE, DEFAULT_TIMEOUT,
    MAX_SECRET_BYTES, SELF_CHECK_PROFILE,
};
