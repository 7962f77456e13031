//! Gatehouse's command layer: the body of every command the desktop UI can call, as plain async
//! functions over [`AppState`]. No Tauri here: `src-tauri/` wraps each function in a one-line
//! Tauri command (and generates the TypeScript bindings from those), and the dev/test host
//! (`crates/gatehouse-devhost`) serves the same functions over HTTP on 127.0.0.1, so the UI's
//! tests run against the real engine.
//!
//! A command that reports progress takes a callback; each surface turns it into its own
//! channel (a Tauri `Channel`, a streamed HTTP response).

pub mod app;
pub mod audit;
pub mod clients;
mod clipboard;
pub mod console;
mod error;
pub mod inventory;
pub mod jobs;
pub mod login;
pub mod matrix;
pub mod portfolio;
pub mod portfolios;
mod state;
pub mod tokens;

pub use clipboard::{Clipboard, MemoryClipboard};
pub use error::{internal, CommandError, CommandFailure};
pub use state::{AppState, Environment, GraphTarget, DEMO_ID, KEEP_TOKENS_FOR};
