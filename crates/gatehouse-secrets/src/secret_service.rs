//! The freedesktop Secret Service (GNOME Keyring, KWallet, KeePassXC), Linux's keyring, through
//! `zbus-secret-service-keyring-store`.
//!
//! The store wraps `secret_service::Error` in `keyring_core::Error::{PlatformFailure,
//! NoStorageAccess}`; we downcast it instead of parsing messages.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::Arc;

use keyring_core::{CredentialStore, Error as KError};
use secret_service::Error as SsError;

use crate::error::SecretStoreError;
use crate::store::{MockFault, StoreStatus};

/// Opens a connection to the Secret Service.
pub(crate) fn open() -> Result<Arc<CredentialStore>, KError> {
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

/// The item's label, which keyring managers (Seahorse, KWallet) show in their lists.
pub(crate) fn modifiers(label: &str) -> HashMap<&str, &str> {
    if label.is_empty() {
        HashMap::new()
    } else {
        HashMap::from([("label", label)])
    }
}

/// The Secret Service or D-Bus error inside a keyring-core error, if it is one.
pub(crate) fn classify(err: &(dyn StdError + Send + Sync + 'static)) -> Option<SecretStoreError> {
    if let Some(ss) = err.downcast_ref::<SsError>() {
        return Some(classify_secret_service(ss));
    }
    err.downcast_ref::<zbus::Error>().map(classify_zbus)
}

/// The error the Secret Service store reports for the situation `fault` imitates.
pub(crate) fn imitate(fault: &MockFault) -> KError {
    use SsError as Ss;
    match fault {
        MockFault::NoSecretService => KError::PlatformFailure(Box::new(Ss::Unavailable)),
        MockFault::Locked => KError::NoStorageAccess(Box::new(Ss::Locked)),
        MockFault::PromptDismissed => KError::NoStorageAccess(Box::new(Ss::Prompt)),
        MockFault::NoDefaultCollection => KError::NoStorageAccess(Box::new(Ss::NoResult)),
        MockFault::AccessDenied => KError::PlatformFailure(Box::new(Ss::ZbusFdo(
            zbus::fdo::Error::AccessDenied("mock: access denied".into()),
        ))),
        MockFault::Platform(message) => KError::PlatformFailure(message.clone().into()),
        MockFault::Stall(_) => KError::PlatformFailure("mock: stall".into()),
    }
}

fn classify_secret_service(err: &SsError) -> SecretStoreError {
    let detail = err.to_string();
    match err {
        SsError::Unavailable => SecretStoreError::NoSecretService { detail },
        SsError::Locked => SecretStoreError::Locked { detail },
        SsError::Prompt => {
            SecretStoreError::Locked { detail: "the unlock prompt was dismissed".into() }
        }
        SsError::PromptDisconnected => SecretStoreError::Locked {
            detail: "the connection closed while the unlock prompt was open".into(),
        },
        // secret-service returns `NoResult` when the `default` alias points nowhere.
        SsError::NoResult => SecretStoreError::NoDefaultCollection { detail },
        SsError::Zbus(z) => classify_zbus(z),
        SsError::ZbusFdo(f) => classify_fdo(f),
        _ => SecretStoreError::Platform(detail),
    }
}

fn classify_zbus(err: &zbus::Error) -> SecretStoreError {
    let detail = err.to_string();
    match err {
        zbus::Error::MethodError(name, _, _) => classify_dbus_error_name(name.as_str(), detail),
        zbus::Error::FDO(fdo) => classify_fdo(fdo),
        zbus::Error::InterfaceNotFound
        | zbus::Error::Address(_)
        | zbus::Error::InputOutput(_)
        | zbus::Error::Handshake(_)
        | zbus::Error::Connection(..) => SecretStoreError::NoSecretService { detail },
        _ => SecretStoreError::Platform(detail),
    }
}

fn classify_fdo(err: &zbus::fdo::Error) -> SecretStoreError {
    use zbus::fdo::Error as F;
    let detail = err.to_string();
    match err {
        F::ZBus(z) => classify_zbus(z),
        F::ServiceUnknown(_)
        | F::NameHasNoOwner(_)
        | F::NoServer(_)
        | F::Disconnected(_)
        | F::BadAddress(_)
        | F::SpawnExecFailed(_)
        | F::SpawnForkFailed(_)
        | F::SpawnChildExited(_)
        | F::SpawnChildSignaled(_)
        | F::SpawnFailed(_)
        | F::SpawnFailedToSetup(_)
        | F::SpawnConfigInvalid(_)
        | F::SpawnServiceNotValid(_)
        | F::SpawnServiceNotFound(_)
        | F::SpawnPermissionsInvalid(_)
        | F::SpawnFileInvalid(_)
        | F::SpawnNoMemory(_) => SecretStoreError::NoSecretService { detail },
        F::AccessDenied(_) | F::AuthFailed(_) | F::InteractiveAuthorizationRequired(_) => {
            SecretStoreError::AccessDenied { detail }
        }
        F::UnknownMethod(m) if m.contains("org.freedesktop.Secret") => {
            SecretStoreError::NoSecretService { detail }
        }
        _ => SecretStoreError::Platform(detail),
    }
}

fn classify_dbus_error_name(name: &str, detail: String) -> SecretStoreError {
    match name {
        "org.freedesktop.Secret.Error.IsLocked" => SecretStoreError::Locked { detail },
        "org.freedesktop.DBus.Error.ServiceUnknown"
        | "org.freedesktop.DBus.Error.NameHasNoOwner"
        | "org.freedesktop.DBus.Error.NoServer"
        | "org.freedesktop.DBus.Error.Disconnected" => SecretStoreError::NoSecretService { detail },
        n if n.starts_with("org.freedesktop.DBus.Error.Spawn.") => {
            SecretStoreError::NoSecretService { detail }
        }
        "org.freedesktop.DBus.Error.AccessDenied" | "org.freedesktop.DBus.Error.AuthFailed" => {
            SecretStoreError::AccessDenied { detail }
        }
        _ => SecretStoreError::Platform(detail),
    }
}

/// Whether the default collection exists and is unlocked, asked without prompting, on a
/// separate short connection (keyring-core does not expose lock state).
pub(crate) fn probe() -> StoreStatus {
    use secret_service::blocking::SecretService;
    use secret_service::EncryptionType;

    let service = match SecretService::connect(EncryptionType::Plain) {
        Ok(service) => service,
        Err(err) => return StoreStatus::Unavailable(no_service(classify_secret_service(&err))),
    };
    let collection = match service.get_default_collection() {
        Ok(collection) => collection,
        Err(err) => return StoreStatus::Unavailable(classify_secret_service(&err)),
    };
    match collection.is_locked() {
        Ok(true) => StoreStatus::Locked,
        Ok(false) => StoreStatus::Ready,
        Err(err) => StoreStatus::Unavailable(classify_secret_service(&err)),
    }
}

fn no_service(err: SecretStoreError) -> SecretStoreError {
    match err {
        SecretStoreError::Platform(detail) => SecretStoreError::NoSecretService { detail },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::{map_connect_error, map_keyring_error};
    use gatehouse_errors::Explain;

    fn ss(err: SsError) -> Box<dyn StdError + Send + Sync> {
        Box::new(err)
    }

    #[test]
    fn secret_service_errors() {
        let cases = [
            (KError::PlatformFailure(ss(SsError::Unavailable)), "keyring_no_secret_service"),
            (KError::NoStorageAccess(ss(SsError::Locked)), "keyring_locked"),
            (KError::NoStorageAccess(ss(SsError::Prompt)), "keyring_locked"),
            (KError::NoStorageAccess(ss(SsError::PromptDisconnected)), "keyring_locked"),
            (KError::NoStorageAccess(ss(SsError::NoResult)), "keyring_no_default_collection"),
            (KError::PlatformFailure(ss(SsError::Crypto("bad padding"))), "keyring_platform_error"),
            (
                KError::PlatformFailure(ss(SsError::ZbusFdo(zbus::fdo::Error::ServiceUnknown(
                    "The name org.freedesktop.secrets was not provided by any .service files"
                        .into(),
                )))),
                "keyring_no_secret_service",
            ),
            (
                KError::PlatformFailure(ss(SsError::ZbusFdo(zbus::fdo::Error::AccessDenied(
                    "nope".into(),
                )))),
                "keyring_access_denied",
            ),
            (
                KError::PlatformFailure(ss(SsError::Zbus(zbus::Error::InputOutput(
                    std::sync::Arc::new(std::io::Error::from(
                        std::io::ErrorKind::ConnectionRefused,
                    )),
                )))),
                "keyring_no_secret_service",
            ),
            (
                KError::PlatformFailure(ss(SsError::Zbus(zbus::Error::Address("bad".into())))),
                "keyring_no_secret_service",
            ),
            // An unknown cause of "no storage access" is reported as access denied.
            (KError::NoStorageAccess("denied by policy".into()), "keyring_access_denied"),
            (KError::PlatformFailure("boom".into()), "keyring_platform_error"),
        ];
        for (err, code) in cases {
            let shown = format!("{err:?}");
            assert_eq!(map_keyring_error(err, "u").code(), code, "{shown}");
        }
    }

    #[test]
    fn connect_errors_always_mean_no_secret_service() {
        let err = map_connect_error(KError::PlatformFailure(ss(SsError::Crypto("dh failed"))));
        assert_eq!(err.code(), "keyring_no_secret_service");
        // ... but a locked keyring at connect time stays "locked".
        let err = map_connect_error(KError::NoStorageAccess(ss(SsError::Locked)));
        assert_eq!(err.code(), "keyring_locked");
    }

    #[test]
    fn keyring_core_errors() {
        let too_long = map_keyring_error(KError::TooLong("password".into(), 2560), "u");
        assert!(matches!(too_long, SecretStoreError::TooLong { max: 2560, .. }));
        let ambiguous = map_keyring_error(KError::Ambiguous(Vec::new()), "profile/a/app-secret");
        assert!(matches!(
            &ambiguous,
            SecretStoreError::Ambiguous { user, count: 0 } if user == "profile/a/app-secret"
        ));
        assert_eq!(
            map_keyring_error(KError::Invalid("label".into(), "empty".into()), "u").code(),
            "keyring_platform_error"
        );
    }

    #[test]
    fn raw_bytes_never_reach_the_message() {
        let secret = b"EAAB-super-secret-\xff".to_vec();
        for err in [
            KError::BadEncoding(secret.clone()),
            KError::BadDataFormat(secret.clone(), "bad".into()),
        ] {
            let mapped = map_keyring_error(err, "u");
            let text = format!("{mapped} {mapped:?}");
            assert!(!text.contains("super-secret"), "{text}");
            assert!(!text.contains("69, 65, 65, 66"), "{text}"); // "EAAB" as bytes
            assert_eq!(mapped.code(), "keyring_platform_error");
        }
    }

    #[test]
    fn dbus_error_names() {
        assert_eq!(
            classify_dbus_error_name("org.freedesktop.Secret.Error.IsLocked", String::new()).code(),
            "keyring_locked"
        );
        assert_eq!(
            classify_dbus_error_name("org.freedesktop.DBus.Error.ServiceUnknown", String::new())
                .code(),
            "keyring_no_secret_service"
        );
        assert_eq!(
            classify_dbus_error_name("org.freedesktop.DBus.Error.Spawn.ChildExited", String::new())
                .code(),
            "keyring_no_secret_service"
        );
        assert_eq!(
            classify_dbus_error_name("org.freedesktop.DBus.Error.AccessDenied", String::new())
                .code(),
            "keyring_access_denied"
        );
        assert_eq!(
            classify_dbus_error_name("org.example.Other", String::new()).code(),
            "keyring_platform_error"
        );
    }
}
