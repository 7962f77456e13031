//! Tauri commands, one module per area. Commands live in modules, not in `lib.rs`: a command
//! defined at the crate root collides with the macro's generated names (E0255).

pub mod app;
pub mod jobs;
pub mod portfolio;
pub mod portfolios;
pub mod tokens;
