//! Gatehouse desktop shell: thin async Tauri commands over the engine crates in `crates/`.

mod bindings;
mod commands;
mod error;
mod state;

pub use bindings::specta_builder;
pub use error::CommandError;

/// Starts the desktop app. Returns only when the last window has closed.
pub fn run() {
    let builder = specta_builder();
    let result = tauri::Builder::default()
        .manage(state::AppState::new())
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
