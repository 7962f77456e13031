//! The desktop's own keyring, picked by `cfg`: the Secret Service on Linux
//! ([`crate::secret_service`]), the login keychain on macOS and the Credential Manager on
//! Windows, each a keyring-core store behind the same [`crate::SecretStore`].
//!
//! Only the Linux store can be compiled on the machines this project is built and tested on (the
//! package registries carry no macOS or Windows standard library), so the other two are kept to
//! the few lines keyring-core's stores need.

#[cfg(target_os = "linux")]
pub(crate) use crate::secret_service::{classify, imitate, modifiers, open, probe};

#[cfg(not(target_os = "linux"))]
pub(crate) use other::{classify, imitate, modifiers, open, probe};

// Compiled on Linux too under test, so the code other systems run is type-checked here.
#[cfg(any(not(target_os = "linux"), test))]
mod other {
    use std::collections::HashMap;
    use std::error::Error as StdError;
    use std::sync::Arc;

    use keyring_core::{CredentialStore, Error as KError};

    use crate::error::SecretStoreError;
    use crate::store::{MockFault, StoreStatus};

    /// The user's login keychain (`keychain`, not `protected`: the data-protection keychain
    /// needs an entitlement only a signed build has).
    #[cfg(target_os = "macos")]
    pub(crate) fn open() -> Result<Arc<CredentialStore>, KError> {
        let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new()?;
        Ok(store)
    }

    /// The Credential Manager, generic credentials named `service.user`.
    #[cfg(windows)]
    pub(crate) fn open() -> Result<Arc<CredentialStore>, KError> {
        let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new()?;
        Ok(store)
    }

    #[cfg(not(any(target_os = "macos", windows)))]
    pub(crate) fn open() -> Result<Arc<CredentialStore>, KError> {
        Err(KError::NotSupportedByStore("a keyring on this operating system".into()))
    }

    /// On Windows, `Local` persistence: the default (`Enterprise`) roams the credential to the
    /// user's other computers in a domain, and a token should stay on this one.
    pub(crate) fn modifiers(_label: &str) -> HashMap<&str, &str> {
        if cfg!(windows) {
            HashMap::from([("persistence", "Local")])
        } else {
            HashMap::new()
        }
    }

    /// These stores' errors carry the OS's own message, shown as it is.
    pub(crate) fn classify(
        _err: &(dyn StdError + Send + Sync + 'static),
    ) -> Option<SecretStoreError> {
        None
    }

    /// These keychains have no lock state to ask about without a prompt: an open store is ready
    /// (a locked macOS keychain asks the user at the first read).
    pub(crate) fn probe() -> StoreStatus {
        StoreStatus::Ready
    }

    /// What the mock store reports for `fault`: the same keyring-core variants the Secret
    /// Service store would use, with a plain message inside.
    pub(crate) fn imitate(fault: &MockFault) -> KError {
        match fault {
            MockFault::NoSecretService => KError::PlatformFailure("mock: no keyring".into()),
            MockFault::Locked | MockFault::PromptDismissed => {
                KError::NoStorageAccess("mock: locked".into())
            }
            MockFault::NoDefaultCollection => KError::NoStorageAccess("mock: no keychain".into()),
            MockFault::AccessDenied => KError::NoStorageAccess("mock: access denied".into()),
            MockFault::Platform(message) => KError::PlatformFailure(message.clone().into()),
            MockFault::Stall(_) => KError::PlatformFailure("mock: stall".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_errors::Explain;

    use super::other;
    use crate::map::{map_connect_error, map_keyring_error};
    use crate::store::{MockFault, StoreStatus};

    #[test]
    fn a_system_without_a_store_says_there_is_no_keyring() {
        let Err(err) = other::open() else { panic!("no store on this target") };
        assert_eq!(map_connect_error(err).code().as_str(), "keyring_no_secret_service");
        assert_eq!(other::probe(), StoreStatus::Ready);
        assert!(other::modifiers("Gatehouse token").is_empty());
        assert!(other::classify(&std::io::Error::other("the OS's words")).is_none());
    }

    #[test]
    fn other_systems_imitate_every_fault_as_a_worded_error() {
        let faults = [
            MockFault::NoSecretService,
            MockFault::Locked,
            MockFault::PromptDismissed,
            MockFault::NoDefaultCollection,
            MockFault::AccessDenied,
            MockFault::Platform("boom".into()),
        ];
        for fault in faults {
            let mapped = map_keyring_error(other::imitate(&fault), "u");
            assert!(!mapped.explanation().is_empty(), "{fault:?}");
        }
    }
}
