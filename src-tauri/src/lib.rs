//! Gatehouse desktop shell: one-line Tauri commands over `gatehouse-commands` (`crates/`).

mod bindings;
mod commands;

pub use bindings::specta_builder;

/// Starts the desktop app. Returns only when the last window has closed.
pub fn run() {
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .manage(gatehouse_commands::AppState::new(gatehouse_commands::Environment::desktop()))
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Gatehouse could not start: {error}");
        std::process::exit(1);
    }
}
