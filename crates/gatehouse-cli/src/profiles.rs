//! Portfolio profiles live in `gatehouse_core::profiles` (the desktop app shares them); the CLI
//! uses them as they are.

pub use gatehouse_core::profiles::*;
