//! `SecretClipboard` against a real X11 clipboard, seen from another process (`xclip`).
//!
//! The display tests are `#[ignore]`d: `scripts/test.sh` runs them inside Xvfb and a D-Bus
//! session. By hand:
//! `xvfb-run -a cargo nextest run -p gatehouse-core --run-ignored only -E 'test(clipboard)'`.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gatehouse_core::{Error, SecretClipboard};
use gatehouse_errors::{Explain, Surface};
use gatehouse_secrets::Secret;

/// What another program gets when it pastes (Ctrl-V reads CLIPBOARD); `None` when nobody
/// owns the selection.
fn pasted() -> Option<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .stderr(Stdio::null())
        .output()
        .expect("xclip is installed (scripts/lib/common.sh TEST_PACKAGES)");
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether clipboard managers are told to skip the current content.
fn targets() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", "TARGETS"])
        .output()
        .expect("xclip");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn eventually(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Another program copying text: `xclip` owns CLIPBOARD until it is killed.
struct OtherOwner(Child);

impl OtherOwner {
    fn copy(text: &str) -> Self {
        let mut child = Command::new("xclip")
            .args(["-selection", "clipboard", "-i", "-quiet"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip");
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write");
        let owner = OtherOwner(child);
        eventually("xclip owns the clipboard", Duration::from_secs(5), || {
            pasted().as_deref() == Some(text)
        });
        owner
    }
}

impl Drop for OtherOwner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn token(tag: &str) -> Secret {
    Secret::new(format!("EAAGclipboardtest{tag}{}", std::process::id()))
}

#[test]
#[ignore = "needs a display"]
fn clipboard_copy_is_pasteable_then_cleared() {
    let clipboard = SecretClipboard::new();
    let secret = token("a");
    let receipt = clipboard.copy(&secret, Duration::from_secs(2)).expect("copy");
    assert_eq!(receipt.clear_after_secs, 2);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    assert!((receipt.clears_at_unix - now.as_secs_f64() - 2.0).abs() < 1.0, "{receipt:?}");

    assert_eq!(pasted().as_deref(), Some(secret.expose()), "another process pastes the token");
    assert!(clipboard.holds(&secret).unwrap());
    assert!(!clipboard.holds(&token("other")).unwrap());
    let targets = targets();
    assert!(targets.contains("x-kde-passwordManagerHint"), "marked for managers: {targets}");

    eventually("the clipboard is cleared", Duration::from_secs(5), || {
        pasted().is_none_or(|text| text.is_empty())
    });
    assert!(!clipboard.holds(&secret).unwrap());
    // Nothing left to clear.
    assert!(!clipboard.clear_now().unwrap());
}

#[test]
#[ignore = "needs a display"]
fn clipboard_changed_by_someone_else_is_not_cleared() {
    let clipboard = SecretClipboard::new();
    let secret = token("b");
    clipboard.copy(&secret, Duration::from_secs(1)).expect("copy");
    assert_eq!(pasted().as_deref(), Some(secret.expose()));
    let other = OtherOwner::copy("the user's own text");
    std::thread::sleep(Duration::from_millis(1_500));
    assert_eq!(pasted().as_deref(), Some("the user's own text"), "the timer left it alone");
    assert!(!clipboard.clear_now().unwrap(), "clear_now leaves it alone too");
    assert_eq!(pasted().as_deref(), Some("the user's own text"));
    drop(other);
}

#[test]
#[ignore = "needs a display"]
fn clipboard_newer_copy_cancels_the_older_timer_and_clear_now_clears() {
    let clipboard = SecretClipboard::new();
    let first = token("c1");
    let second = token("c2");
    clipboard.copy(&first, Duration::from_millis(500)).expect("copy");
    clipboard.copy(&second, Duration::from_secs(30)).expect("copy");
    std::thread::sleep(Duration::from_millis(1_000));
    assert_eq!(pasted().as_deref(), Some(second.expose()), "the first timer did not clear");
    assert!(clipboard.clear_now().unwrap());
    assert!(pasted().is_none_or(|text| text.is_empty()));
    assert!(!clipboard.clear_now().unwrap());
}

#[test]
#[ignore = "needs a display"]
fn clipboard_dropping_the_last_handle_clears_it() {
    let clipboard = SecretClipboard::new();
    let secret = token("d");
    let other_handle = clipboard.clone();
    clipboard.copy(&secret, Duration::from_secs(60)).expect("copy");
    drop(clipboard);
    assert_eq!(pasted().as_deref(), Some(secret.expose()), "a clone still holds it");
    drop(other_handle);
    assert!(pasted().is_none_or(|text| text.is_empty()), "cleared when the last handle went");
}

/// Without any display the copy fails with a typed error that says what to do.
#[test]
fn clipboard_without_a_display_is_a_typed_error() {
    // Each test runs in its own process under nextest, and this is the only test of this
    // binary that runs outside the display session, so changing the environment is contained.
    std::env::remove_var("DISPLAY");
    std::env::remove_var("WAYLAND_DISPLAY");
    let clipboard = SecretClipboard::new();
    let err = clipboard.copy(&token("e"), Duration::from_secs(1)).unwrap_err();
    assert!(matches!(err, Error::ClipboardUnavailable(_)), "{err:?}");
    assert_eq!(err.code(), "clipboard_unavailable");
    // Each surface names its own way to show the token instead.
    let (desktop, cli) = (err.fix(Surface::Desktop).unwrap(), err.fix(Surface::Cli).unwrap());
    assert!(desktop.contains("Reveal") && !desktop.contains("--show"), "{desktop}");
    assert!(cli.contains("--show"), "{cli}");
    assert!(!err.detail().unwrap_or_default().contains("EAAG"), "no secret in the detail");
    assert!(clipboard.holds(&token("e")).is_err());
    assert!(!format!("{clipboard:?}").contains("EAAG"));
}
