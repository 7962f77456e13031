//! The Sign in with Meta window: Meta's login dialog (or the emulator's, in demo mode and
//! tests) in a window of its own. It has no access to Gatehouse's commands (the capability in
//! tauri.conf.json grants them to the `main` window only, and remote pages get no IPC), keeps no
//! cookies or storage after it closes (incognito), opens no other window, and shows only the
//! dialog's own origin and Meta's login pages. When it reaches the login redirect it stops
//! there (the redirect page itself is never loaded), closes, and hands the address to the
//! engine. Closing it is a cancel.
//!
//! UNCONFIRMED against Meta (../shared/reference/meta-login.md §5.1): whether WebKitGTK's
//! navigation callback sees the redirect with its fragment on every platform, and whether
//! Meta keeps allowing embedded webviews; pasting a token stays the fallback.

use std::sync::{Arc, Mutex};

use gatehouse_commands::{login, CommandError};
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

const LABEL: &str = "meta-login";

/// Opens the window at `dialog_url` and waits for the address it ends on.
pub async fn run(app: &tauri::AppHandle, dialog_url: &str) -> Result<String, CommandError> {
    let start =
        tauri::Url::parse(dialog_url).map_err(|e| gatehouse_commands::internal(e.to_string()))?;
    let dialog = start.clone();
    close(app);
    let (answer, landed) = tokio::sync::oneshot::channel::<Option<String>>();
    let answer = Arc::new(Mutex::new(Some(answer)));
    let send = {
        let answer = answer.clone();
        move |value: Option<String>| {
            if let Some(tx) =
                answer.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
            {
                let _ = tx.send(value);
            }
        }
    };
    let on_answer = send.clone();
    let handle = app.clone();
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::External(start))
        .title("Sign in with Meta")
        .inner_size(560.0, 720.0)
        .incognito(true)
        .on_navigation(move |url| {
            if login::is_sign_in_answer(url.as_str()) {
                on_answer(Some(url.to_string()));
                // Closed from outside the callback (the webview is busy deciding).
                let handle = handle.clone();
                tauri::async_runtime::spawn(async move {
                    if let Some(w) = handle.get_webview_window(LABEL) {
                        let _ = w.close();
                    }
                });
                return false;
            }
            allowed(url, &dialog)
        })
        .on_new_window(|_, _| tauri::webview::NewWindowResponse::Deny)
        .build()
        .map_err(|e| {
            gatehouse_commands::internal(format!("the sign-in window could not open: {e}"))
        })?;
    let on_close = send;
    window.on_window_event(move |event| {
        if matches!(event, tauri::WindowEvent::Destroyed) {
            on_close(None);
        }
    });
    match landed.await {
        Ok(Some(url)) => Ok(url),
        // Closed before Meta answered: the person cancelled.
        _ => Err(CommandError::from(gatehouse_core::Error::LoginCancelled)),
    }
}

/// Closes the window if it is open (the person cancelled from Gatehouse's own window).
pub fn close(app: &tauri::AppHandle) {
    if let Some(window) = app.get_webview_window(LABEL) {
        let _ = window.close();
    }
}

/// The dialog's own origin, and Meta's login pages (log in, two-factor checks, consent), over
/// HTTPS only.
fn allowed(url: &tauri::Url, dialog: &tauri::Url) -> bool {
    if url.origin() == dialog.origin() {
        return true;
    }
    url.scheme() == "https"
        && url.host_str().is_some_and(|h| h == "facebook.com" || h.ends_with(".facebook.com"))
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn the_sign_in_window_shows_only_the_dialog_and_metas_login_pages() {
        let url = |u: &str| tauri::Url::parse(u).unwrap();
        let emulator = url("http://127.0.0.1:4000/v26.0/dialog/oauth");
        assert!(allowed(&url("http://127.0.0.1:4000/dialog/oauth/answer"), &emulator));
        assert!(allowed(&url("https://www.facebook.com/login.php?next=x"), &emulator));
        assert!(allowed(&url("https://m.facebook.com/checkpoint/"), &emulator));
        for elsewhere in [
            "http://www.facebook.com/",
            "https://facebook.com.evil.example/",
            "https://evil.example/?token=x",
            "http://127.0.0.1:4001/",
            "file:///etc/passwd",
        ] {
            assert!(!allowed(&url(elsewhere), &emulator), "{elsewhere}");
        }
    }
}
