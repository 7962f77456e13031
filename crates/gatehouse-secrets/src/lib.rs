//! Gatehouse secrets: the one [`Secret`] type for tokens and app secrets.

mod secret;

pub use secret::Secret;
