//! Gatehouse desktop shell: one-line Tauri commands over `gatehouse-commands` (`crates/`).

mod bindings;
mod commands;
mod login_window;

pub use bindings::specta_builder;

/// Starts the desktop app. Returns only when the last window has closed.
pub fn run() {
    #[cfg(target_os = "linux")]
    webkit_renderer_for_this_machine();
    let builder = specta_builder();
    let app = tauri::Builder::default()
        .manage(gatehouse_commands::AppState::new(gatehouse_commands::Environment::desktop()))
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            main_window(app)?;
            quit_on_signals(app.handle().clone());
            sweep_kept_tokens(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(error) => {
            eprintln!("Gatehouse could not start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        // Tauri ends the process without running destructors: the clipboard and the kept
        // tokens are cleared here, whatever made the app quit.
        if let tauri::RunEvent::Exit = event {
            use tauri::Manager;
            handle.state::<gatehouse_commands::AppState>().shutdown();
        }
    });
}

/// SIGTERM and SIGHUP (a logout, `kill`) quit the app the normal way, so the exit clears the
/// clipboard and the kept tokens instead of the process just ending.
fn quit_on_signals(handle: tauri::AppHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut hup)) =
            (signal(SignalKind::terminate()), signal(SignalKind::hangup()))
        else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        handle.exit(0);
    });
    #[cfg(not(unix))]
    drop(handle);
}

/// Drops generated tokens kept past their time once a minute, so one nobody asks for again does
/// not wait in memory for the next command.
fn sweep_kept_tokens(handle: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        use tauri::Manager;
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            handle.state::<gatehouse_commands::AppState>().drop_stale_tokens();
        }
    });
}

/// The main window, made here rather than by tauri.conf.json (`"create": false`) so it carries
/// a navigation policy: it shows only the app's own pages, so a script in the page cannot take
/// the person (or a token in a URL) to another site, and it never opens another window.
fn main_window(app: &mut tauri::App) -> tauri::Result<()> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == "main").cloned() else {
        return Err(tauri::Error::WindowNotFound);
    };
    let dev_url = app.config().build.dev_url.clone();
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .on_navigation(move |url| is_own_page(url, dev_url.as_ref()))
        .on_new_window(|_, _| tauri::webview::NewWindowResponse::Deny)
        // A reload starts a new page: no dialog of the old one can ask for its tokens again,
        // and a script that reloads must not find them.
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Started {
                use tauri::Manager;
                webview.state::<gatehouse_commands::AppState>().drop_all_tokens();
            }
        })
        .build()?;
    Ok(())
}

/// The app's own pages: its custom protocol (`tauri://localhost`, or `http(s)://tauri.localhost`
/// on Windows), `about:blank`, and in a development build the dev server.
fn is_own_page(url: &tauri::Url, dev_url: Option<&tauri::Url>) -> bool {
    let custom_protocol = match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        "about" => url.path() == "blank",
        _ => false,
    };
    let dev_server = tauri::is_dev() && dev_url.is_some_and(|dev| dev.origin() == url.origin());
    custom_protocol || dev_server
}

#[cfg(test)]
mod tests {
    use super::is_own_page;

    #[test]
    fn the_window_shows_only_the_apps_own_pages() {
        let url = |u: &str| tauri::Url::parse(u).unwrap();
        assert!(is_own_page(&url("tauri://localhost/index.html#/settings"), None));
        assert!(is_own_page(&url("https://tauri.localhost/"), None));
        assert!(is_own_page(&url("about:blank"), None));
        for elsewhere in [
            "https://example.com/?token=EAA",
            "https://graph.facebook.com/",
            "http://localhost:1420/",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            assert!(!is_own_page(&url(elsewhere), None), "{elsewhere}");
        }
    }
}

/// WebKitGTK's DMA-BUF renderer (its default since 2.42) composites on the GPU. On a machine
/// without one (no DRM render node: virtual machines, remote desktops, Xvfb) Mesa emulates the
/// GPU in software: measured here (scripts/bench.sh), the first frame came 3x later (about
/// 750 ms against 250 ms after the page loaded) and the window took 90 MiB more; on some such
/// setups the window stays blank (tauri-apps/tauri#9304, t8y2/dbx#5255). WebKit's older renderer
/// is used there instead; a GPU keeps the new one, and a person's own setting always wins.
/// Called before any thread starts, as setting the environment requires.
#[cfg(target_os = "linux")]
fn webkit_renderer_for_this_machine() {
    let set_by_person = std::env::var_os(DISABLE_DMABUF).is_some();
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    });
    if use_older_renderer(set_by_person, render_node) {
        std::env::set_var(DISABLE_DMABUF, "1");
    }
}

#[cfg(target_os = "linux")]
const DISABLE_DMABUF: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

#[cfg(target_os = "linux")]
fn use_older_renderer(set_by_person: bool, render_node: bool) -> bool {
    !set_by_person && !render_node
}

#[cfg(all(test, target_os = "linux"))]
mod renderer_tests {
    #[test]
    fn the_older_renderer_only_without_a_gpu_and_never_over_a_persons_setting() {
        assert!(super::use_older_renderer(false, false));
        assert!(!super::use_older_renderer(false, true));
        assert!(!super::use_older_renderer(true, false));
        assert!(!super::use_older_renderer(true, true));
    }
}
