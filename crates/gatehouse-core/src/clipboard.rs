//! Copying a secret to the system clipboard, for the CLI and the desktop app (the app never
//! copies through its webview: a token that reaches JavaScript cannot be wiped).
//!
//! Every copy is marked for clipboard managers to skip (`x-kde-passwordManagerHint` on Linux,
//! `org.nspasteboard.ConcealedType` on macOS, the history, cloud and monitoring exclusions on
//! Windows) and is cleared after a delay, but only if the clipboard still holds the same secret:
//! something the user copied meanwhile is never touched.
//!
//! One worker thread owns the `arboard` clipboard for the life of the [`SecretClipboard`]: on
//! X11 (and Wayland) the owner must keep running to serve the selection to other programs.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use gatehouse_secrets::Secret;
use serde::Serialize;

use crate::{Error, Result};

/// How long a caller waits for the worker: X11 round trips normally take milliseconds, but a
/// hung display server must not hang the caller.
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);

/// The seconds a copied secret stays on the clipboard, for every surface: the default, and the
/// bounds a person may choose between (Settings, `gatehouse token … --clear-after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClearAfterSecs {
    pub default: u32,
    pub min: u32,
    pub max: u32,
}

/// Long enough to paste the token where it goes; short, because shorter is safer.
pub const CLEAR_AFTER: ClearAfterSecs = ClearAfterSecs { default: 30, min: 3, max: 300 };

impl ClearAfterSecs {
    /// What a person chose, within the bounds; the default when they chose nothing.
    pub fn pick(self, chosen: Option<u32>) -> u32 {
        chosen.map_or(self.default, |secs| secs.clamp(self.min, self.max))
    }
}

/// The longest delay accepted before clearing (a copied token should not linger for hours).
pub const MAX_CLEAR_AFTER: Duration = Duration::from_secs(CLEAR_AFTER.max as u64);

/// What [`SecretClipboard::copy`] did: when the clipboard will be cleared.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CopyReceipt {
    /// When the clipboard is cleared (if it still holds the secret), in Unix seconds.
    pub clears_at_unix: f64,
    /// The delay before clearing, in whole seconds.
    pub clear_after_secs: u32,
}

impl CopyReceipt {
    /// The receipt of a copy made now, to be cleared after `clear_after` (at most
    /// [`MAX_CLEAR_AFTER`]).
    pub fn clearing_after(clear_after: Duration) -> Self {
        let clear_after = clear_after.min(MAX_CLEAR_AFTER);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Self {
            clears_at_unix: (now + clear_after).as_secs_f64(),
            clear_after_secs: u32::try_from(clear_after.as_secs()).unwrap_or(u32::MAX),
        }
    }
}

enum Request {
    Copy { secret: Secret, clear_after: Duration, reply: Sender<Result<()>> },
    ClearNow { reply: Sender<Result<bool>> },
    Holds { secret: Secret, reply: Sender<Result<bool>> },
}

struct Shared {
    // `Option` so `Drop` can close the channel before joining the worker.
    requests: Option<Sender<Request>>,
    worker: Option<JoinHandle<()>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Closing the channel makes the worker clear what it still holds and stop; waiting for
        // it means the secret is off the clipboard before the process can exit.
        self.requests.take();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// The system clipboard for secrets. Cheap to clone: clones share one worker thread, which
/// clears what it copied when the last clone is dropped.
///
/// The methods block for a clipboard round trip (at most a few seconds when the display server
/// does not answer); call them from `spawn_blocking` in async code.
#[derive(Clone)]
pub struct SecretClipboard {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for SecretClipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretClipboard").finish_non_exhaustive()
    }
}

impl Default for SecretClipboard {
    fn default() -> Self {
        Self::new()
    }
}

impl SecretClipboard {
    /// Starts the worker. The clipboard itself is opened on first use, so creating this never
    /// fails, even without a display; an unavailable clipboard is reported by each call.
    pub fn new() -> Self {
        let (tx, rx) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("gatehouse-clipboard".into())
            .spawn(move || Worker { clipboard: None, held: None }.run(rx));
        let (requests, worker) = match worker {
            Ok(handle) => (Some(tx), Some(handle)),
            // No thread: every call reports the clipboard as unavailable.
            Err(_) => (None, None),
        };
        Self { shared: Arc::new(Shared { requests, worker }) }
    }

    /// Puts `secret` on the clipboard, marked for clipboard managers to skip, and clears it
    /// after `clear_after` (at most [`MAX_CLEAR_AFTER`]) if the clipboard still holds it. A
    /// newer copy replaces the older one and its timer.
    pub fn copy(&self, secret: &Secret, clear_after: Duration) -> Result<CopyReceipt> {
        let receipt = CopyReceipt::clearing_after(clear_after);
        // The timer keeps the exact delay (the receipt counts whole seconds).
        let clear_after = clear_after.min(MAX_CLEAR_AFTER);
        self.ask(|reply| Request::Copy { secret: secret.clone(), clear_after, reply })?;
        Ok(receipt)
    }

    /// Clears the clipboard now if it still holds the last secret copied here. Returns whether
    /// it did; `false` when the user copied something else meanwhile (left untouched) or when
    /// nothing is pending.
    pub fn clear_now(&self) -> Result<bool> {
        self.ask(|reply| Request::ClearNow { reply })
    }

    /// Whether the clipboard holds exactly `secret` right now (compared here, in constant time;
    /// the clipboard's text is wiped after the comparison).
    pub fn holds(&self, secret: &Secret) -> Result<bool> {
        self.ask(|reply| Request::Holds { secret: secret.clone(), reply })
    }

    fn ask<T>(&self, request: impl FnOnce(Sender<Result<T>>) -> Request) -> Result<T> {
        let gone = || Error::ClipboardUnavailable("the clipboard worker has stopped".into());
        let requests = self.shared.requests.as_ref().ok_or_else(gone)?;
        let (reply, answer) = mpsc::channel();
        requests.send(request(reply)).map_err(|_| gone())?;
        match answer.recv_timeout(REPLY_TIMEOUT) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => Err(Error::ClipboardUnavailable(
                "the display server did not answer within 5 s".into(),
            )),
            Err(RecvTimeoutError::Disconnected) => Err(gone()),
        }
    }
}

/// The secret on the clipboard and when to clear it.
struct Held {
    secret: Secret,
    clear_at: Instant,
}

struct Worker {
    clipboard: Option<arboard::Clipboard>,
    held: Option<Held>,
}

fn unavailable(e: arboard::Error) -> Error {
    // arboard's messages describe the display or the format, never the clipboard's content.
    Error::ClipboardUnavailable(e.to_string())
}

impl Worker {
    fn run(mut self, requests: Receiver<Request>) {
        loop {
            let next = match &self.held {
                Some(held) => {
                    let wait = held.clear_at.saturating_duration_since(Instant::now());
                    match requests.recv_timeout(wait) {
                        Ok(request) => request,
                        Err(RecvTimeoutError::Timeout) => {
                            // Nobody waits for this answer; a failure leaves nothing to retry.
                            let _ = self.clear_if_ours();
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    }
                }
                None => match requests.recv() {
                    Ok(request) => request,
                    Err(_) => break,
                },
            };
            // A caller that gave up waiting has dropped its receiver: nothing to do about it.
            match next {
                Request::Copy { secret, clear_after, reply } => {
                    let _ = reply.send(self.copy(secret, clear_after));
                }
                Request::ClearNow { reply } => {
                    let _ = reply.send(self.clear_if_ours());
                }
                Request::Holds { secret, reply } => {
                    let _ = reply.send(self.holds(&secret));
                }
            }
        }
        // Every handle is gone (the app or the command is ending): clear before the arboard
        // clipboard is dropped, because on X11 dropping it would hand the selection to a
        // clipboard manager.
        let _ = self.clear_if_ours();
    }

    fn clipboard(&mut self) -> Result<&mut arboard::Clipboard> {
        if self.clipboard.is_none() {
            // Opening has no side effect, so a failed open is tried again briefly: an X server
            // resets when its last client leaves, and a connection made at that instant fails.
            let mut attempt = 1;
            let opened = loop {
                match arboard::Clipboard::new() {
                    Err(_) if attempt < 3 => {
                        std::thread::sleep(Duration::from_millis(150));
                        attempt += 1;
                    }
                    result => break result,
                }
            };
            self.clipboard = Some(opened.map_err(unavailable)?);
        }
        self.clipboard
            .as_mut()
            .ok_or_else(|| Error::ClipboardUnavailable("the clipboard could not be opened".into()))
    }

    fn copy(&mut self, secret: Secret, clear_after: Duration) -> Result<()> {
        // arboard takes its own copy of the text; it is overwritten when the clipboard is
        // cleared (see `clear_if_ours`).
        set_concealed(self.clipboard()?, secret.expose().to_owned())?;
        self.held = Some(Held { secret, clear_at: Instant::now() + clear_after });
        Ok(())
    }

    fn holds(&mut self, secret: &Secret) -> Result<bool> {
        let clipboard = self.clipboard()?;
        match clipboard.get_text() {
            // Wrapped at once so the copy of the clipboard's text is wiped on drop.
            Ok(text) => Ok(Secret::new(text) == *secret),
            // Empty, or not text (an image, files): not our secret.
            Err(arboard::Error::ContentNotAvailable | arboard::Error::ConversionFailure) => {
                Ok(false)
            }
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Clears the clipboard if it still holds the secret copied last; forgets that secret
    /// either way.
    fn clear_if_ours(&mut self) -> Result<bool> {
        let Some(held) = self.held.take() else {
            return Ok(false);
        };
        if !self.holds(&held.secret)? {
            return Ok(false);
        }
        let clipboard = self.clipboard()?;
        // Overwrite arboard's own copy of the secret first, then give the clipboard up.
        set_concealed(clipboard, String::new())?;
        clipboard.clear().map_err(unavailable)?;
        Ok(true)
    }
}

/// Sets text with every "do not record" marker the platform has.
fn set_concealed(clipboard: &mut arboard::Clipboard, text: String) -> Result<()> {
    let set = clipboard.set();
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    let set = {
        use arboard::SetExtLinux;
        // The CLIPBOARD selection (Ctrl-V), never PRIMARY (middle click).
        set.clipboard(arboard::LinuxClipboardKind::Clipboard).exclude_from_history()
    };
    #[cfg(target_os = "macos")]
    let set = {
        use arboard::SetExtApple;
        set.exclude_from_history()
    };
    #[cfg(windows)]
    let set = {
        use arboard::SetExtWindows;
        set.exclude_from_history().exclude_from_cloud().exclude_from_monitoring()
    };
    set.text(text).map_err(unavailable)
}
