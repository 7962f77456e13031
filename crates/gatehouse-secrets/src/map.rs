//! Mapping keyring-core's errors to [`SecretStoreError`]; the platform error inside is
//! classified by [`crate::native::classify`]. No message used here can contain a secret: keyring-core's `BadEncoding` and
//! `BadDataFormat` carry the raw bytes, which are wiped and never formatted, and `Ambiguous`
//! (whose `Display` formats the matching credentials, secrets included for the mock store) is
//! reduced to a count.

use std::error::Error as StdError;

use keyring_core::Error as KError;
use zeroize::Zeroize;

use crate::error::SecretStoreError;

/// An error from opening the Secret Service connection (`Store::new`).
pub(crate) fn map_connect_error(err: KError) -> SecretStoreError {
    match map_keyring_error(err, "") {
        // Any D-Bus failure while connecting means there is no usable Secret Service.
        SecretStoreError::Platform(detail) => SecretStoreError::NoSecretService { detail },
        other => other,
    }
}

/// An error from an operation on the entry whose keyring "user" is `user`.
pub(crate) fn map_keyring_error(err: KError, user: &str) -> SecretStoreError {
    match err {
        KError::PlatformFailure(inner) => classify(inner.as_ref()),
        KError::NoStorageAccess(inner) => match classify(inner.as_ref()) {
            SecretStoreError::Platform(detail) => SecretStoreError::AccessDenied { detail },
            other => other,
        },
        KError::NoEntry => SecretStoreError::Platform("no matching keyring entry".into()),
        KError::BadEncoding(mut bytes) => {
            bytes.zeroize();
            SecretStoreError::Platform("the stored value is not valid UTF-8".into())
        }
        KError::BadDataFormat(mut bytes, inner) => {
            bytes.zeroize();
            SecretStoreError::Platform(format!("the stored value is malformed: {inner}"))
        }
        KError::BadStoreFormat(reason) => {
            SecretStoreError::Platform(format!("the keyring is malformed: {reason}"))
        }
        // The caller fills in the length, which only it knows.
        KError::TooLong(_, max) => {
            SecretStoreError::TooLong { len: 0, max: usize::try_from(max).unwrap_or(usize::MAX) }
        }
        KError::Invalid(what, reason) => {
            SecretStoreError::Platform(format!("invalid {what}: {reason}"))
        }
        KError::Ambiguous(entries) => {
            SecretStoreError::Ambiguous { user: user.to_owned(), count: entries.len() }
        }
        KError::NoDefaultStore => SecretStoreError::Platform("no keyring store is set".into()),
        KError::NotSupportedByStore(what) => {
            SecretStoreError::Platform(format!("not supported by the keyring: {what}"))
        }
        // keyring-core's enum is non-exhaustive; its other variants carry no bytes.
        other => SecretStoreError::Platform(other.to_string()),
    }
}
/// Classifies the platform error inside a keyring-core error.
fn classify(err: &(dyn StdError + Send + Sync + 'static)) -> SecretStoreError {
    crate::native::classify(err).unwrap_or_else(|| SecretStoreError::Platform(err.to_string()))
}
