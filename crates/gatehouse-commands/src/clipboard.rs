//! The clipboard the token commands copy to: the system's in the app, an in-memory one in the
//! dev/test host (a browser test must not touch the desktop's clipboard).

use std::sync::Mutex;
use std::time::Duration;

use gatehouse_core::{CopyReceipt, SecretClipboard};
use gatehouse_secrets::Secret;

/// What the commands need of a clipboard. Calls may block for a clipboard round trip.
pub trait Clipboard: Send + Sync {
    /// Copies `secret`, to be cleared after `clear_after` if the clipboard still holds it.
    fn copy(&self, secret: &Secret, clear_after: Duration) -> gatehouse_core::Result<CopyReceipt>;
    /// Whether the clipboard holds exactly `secret` now.
    fn holds(&self, secret: &Secret) -> gatehouse_core::Result<bool>;
    /// Clears the clipboard now if it still holds the last secret copied here.
    fn clear_now(&self) -> gatehouse_core::Result<bool>;
}

impl Clipboard for SecretClipboard {
    fn copy(&self, secret: &Secret, clear_after: Duration) -> gatehouse_core::Result<CopyReceipt> {
        SecretClipboard::copy(self, secret, clear_after)
    }
    fn holds(&self, secret: &Secret) -> gatehouse_core::Result<bool> {
        SecretClipboard::holds(self, secret)
    }
    fn clear_now(&self) -> gatehouse_core::Result<bool> {
        SecretClipboard::clear_now(self)
    }
}

/// A clipboard in memory (the dev/test host and tests): a test must not write the desktop's
/// clipboard. It is not
/// cleared by a timer (the receipt still says when the app would clear it).
#[derive(Default)]
pub struct MemoryClipboard {
    held: Mutex<Option<Secret>>,
}

impl MemoryClipboard {
    /// Whether a secret is on the clipboard now (never which one).
    pub fn holds_a_secret(&self) -> bool {
        self.held().is_some()
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Secret>> {
        self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clipboard for MemoryClipboard {
    fn copy(&self, secret: &Secret, clear_after: Duration) -> gatehouse_core::Result<CopyReceipt> {
        *self.held() = Some(secret.clone());
        Ok(CopyReceipt::clearing_after(clear_after))
    }

    fn holds(&self, secret: &Secret) -> gatehouse_core::Result<bool> {
        Ok(self.held().as_ref().is_some_and(|held| held.expose() == secret.expose()))
    }

    fn clear_now(&self) -> gatehouse_core::Result<bool> {
        Ok(self.held().take().is_some())
    }
}
