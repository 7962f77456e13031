//! Gatehouse's secrets: the one [`Secret`] type for tokens and app secrets, and the OS keyring
//! store they are kept in.
//!
//! - [`Secret`]: redacted `Debug`, no `Display`, no `Serialize`, zeroized on drop;
//!   [`Secret::expose`] is the only way out.
//! - [`SecretKey`]: which secret of which portfolio profile, rendered to the keyring's "user"
//!   attribute; never secret material.
//! - [`SecretStore`]: the keyring ([`Backend::SecretService`] on Linux, or [`Backend::Mock`] for
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

mod error;
mod key;
mod map;
mod secret;
mod store;

pub use error::SecretStoreError;
pub use key::{InvalidKey, SecretKey, SecretKind, MAX_ID_LEN};
pub use secret::Secret;
pub use store::{
    Backend, MockFault, SecretStore, StoreConfig, StoreStatus, DEFAULT_SERVICE, DEFAULT_TIMEOUT,
    MAX_SECRET_BYTES,
};
