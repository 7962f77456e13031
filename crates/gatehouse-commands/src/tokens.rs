//! Tokens: the readiness check, generation, the copy-once dialog's actions, and inspecting,
//! refreshing and revoking a pasted token. A token stays in Rust; the webview gets a handle and
//! its last characters, and the token itself only through `reveal_token`.

use std::time::Duration;

use gatehouse_core::{
    parse_scopes, AppChoice, CopyReceipt, GeneratedToken, Preflight, Revoked, ScopeCatalog,
    TokenExpiry, TokenReport, TokenStep,
};
use gatehouse_secrets::Secret;
use serde::{Deserialize, Serialize};
use specta::Type;
use zeroize::Zeroizing;

use crate::error::{internal, CommandFailure};
use crate::{AppState, CommandError};

/// Characters of a token the dialog shows unmasked.
const VISIBLE_SUFFIX: usize = 4;

/// What to generate.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct TokenRequest {
    pub system_user_id: String,
    pub app_id: String,
    /// Meta permission names as chosen; dependencies are added by the engine.
    pub scopes: Vec<String>,
    pub expiry: TokenExpiry,
}

/// A token kept in Rust's memory, as the webview sees it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct IssuedToken {
    pub handle: String,
    /// The last characters, for a masked display.
    pub last_chars: String,
    pub length: u32,
    /// What Meta says the token can do (`debug_token`).
    pub post_check: TokenReport,
    /// Why the post-check could not run, when it could not (the token was issued anyway).
    pub post_check_error: Option<String>,
}

pub(crate) fn issue(state: &AppState, generated: GeneratedToken) -> IssuedToken {
    let GeneratedToken { token, post_check, post_check_error } = generated;
    let owner = post_check.user_id.clone();
    let chars: Zeroizing<Vec<char>> = Zeroizing::new(token.expose().chars().collect());
    let last_chars: String = chars[chars.len().saturating_sub(VISIBLE_SUFFIX)..].iter().collect();
    let length = u32::try_from(chars.len()).unwrap_or(u32::MAX);
    IssuedToken {
        handle: state.keep_token(token, owner),
        last_chars,
        length,
        post_check,
        post_check_error,
    }
}

/// Permissions grouped with one sentence each, and presets for common jobs.
pub fn scope_catalog() -> ScopeCatalog {
    gatehouse_core::scope_catalog()
}

/// The apps a token for this system user can be generated with; unusable ones say why.
pub async fn token_apps(
    state: &AppState,
    system_user_id: String,
) -> Result<Vec<AppChoice>, CommandError> {
    Ok(state.portfolio().await?.token_apps(&system_user_id).await?)
}

/// The engine's readiness check. Changes nothing.
pub async fn token_preflight(
    state: &AppState,
    request: TokenRequest,
) -> Result<Preflight, CommandError> {
    let scopes = parse_scopes(&request.scopes)?;
    let portfolio = state.portfolio().await?;
    Ok(portfolio.token_preflight(&request.system_user_id, &request.app_id, &scopes).await?)
}

/// Installs an app for a system user (needed before a token can be generated with it).
pub async fn install_app(
    state: &AppState,
    system_user_id: String,
    app_id: String,
) -> Result<(), CommandError> {
    Ok(state.portfolio().await?.install_app(&system_user_id, &app_id).await?)
}

/// Generates a token once (a lost answer is reported as "may have been issued", never resent)
/// and keeps it in memory; steps go to `on_step`.
pub async fn generate_token(
    state: &AppState,
    request: TokenRequest,
    on_step: impl Fn(TokenStep) + Send + Sync,
) -> Result<IssuedToken, CommandError> {
    let scopes = parse_scopes(&request.scopes)?;
    let portfolio = state.portfolio().await?;
    let generated = portfolio
        .generate_token_with_progress(
            &request.system_user_id,
            &request.app_id,
            &scopes,
            request.expiry,
            on_step,
        )
        .await?;
    Ok(issue(state, generated))
}

/// Copies a kept token to the clipboard from Rust, marked for clipboard managers to skip, and
/// clears it after `clear_after_secs` if it still holds the token. The clipboard may block for
/// a moment, so it runs off the async workers.
pub async fn copy_token(
    state: &AppState,
    handle: String,
    clear_after_secs: Option<u32>,
) -> Result<CopyReceipt, CommandError> {
    // Settings' choice within the engine's bounds, or the default when nothing was chosen.
    let secs = gatehouse_core::CLEAR_AFTER.pick(clear_after_secs);
    let copy = state.with_token(&handle, |token, _| Ok(Secret::new(token.expose().to_owned())))?;
    let clipboard = state.clipboard();
    let receipt = tokio::task::spawn_blocking(move || {
        clipboard.copy(&copy, Duration::from_secs(u64::from(secs)))
    })
    .await
    .map_err(|e| internal(e.to_string()))??;
    Ok(receipt)
}

/// The token itself, for the user who asked to see it: the only way a token reaches the
/// webview, and only once per token (the dialog keeps what it was shown).
pub fn reveal_token(state: &AppState, handle: String) -> Result<RevealedToken, CommandError> {
    state.reveal_once(&handle).map(RevealedToken)
}

/// A token's text on its way to the window: a plain string in the answer, and this process's
/// copy wiped once the answer is sent (the webview's copy is the window's to drop).
#[derive(Type)]
pub struct RevealedToken(#[specta(type = String)] Zeroizing<String>);

impl RevealedToken {
    /// The text (tests).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Serialize for RevealedToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl std::fmt::Debug for RevealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RevealedToken(<redacted>)")
    }
}

/// Keeps a copy of a kept token in the OS keychain (opt-in), under the portfolio and the
/// system user it belongs to. A later copy for the same system user replaces it.
pub async fn keep_token_in_keychain(state: &AppState, handle: String) -> Result<(), CommandError> {
    let (key, copy) = state.with_token(&handle, |token, system_user_id| {
        let id = system_user_id.ok_or(CommandFailure::KeychainOwnerUnknown)?;
        let key = gatehouse_core::inventory::kept_token_key(&state.active_id(), id)
            .map_err(|e| internal(e.to_string()))?;
        Ok((key, Secret::new(token.expose().to_owned())))
    })?;
    state.secrets()?.set(&key, &copy).await?;
    Ok(())
}

/// Drops a kept token from memory, and clears the clipboard if it still holds it.
pub async fn forget_token(state: &AppState, handle: String) -> Result<(), CommandError> {
    let Some(token) = state.take_token(&handle) else { return Ok(()) };
    let clipboard = state.clipboard();
    tokio::task::spawn_blocking(move || {
        if clipboard.holds(&token).unwrap_or(false) {
            clipboard.clear_now()?;
        }
        Ok::<_, gatehouse_core::Error>(())
    })
    .await
    .map_err(|e| internal(e.to_string()))??;
    Ok(())
}

/// `debug_token` on a pasted token.
pub async fn inspect_token(state: &AppState, token: String) -> Result<TokenReport, CommandError> {
    let token = Secret::new(token);
    Ok(state.portfolio().await?.inspect_token(&token).await?)
}

/// Exchanges a 60-day token for a new one, kept in memory like a generated one.
pub async fn refresh_token(state: &AppState, token: String) -> Result<IssuedToken, CommandError> {
    let token = Secret::new(token);
    let portfolio = state.portfolio().await?;
    let app_secret = app_secret(&portfolio)?;
    let refreshed = portfolio.refresh_token(&token, app_secret).await?;
    Ok(issue(state, refreshed))
}

/// Revokes a pasted token.
pub async fn revoke_token(state: &AppState, token: String) -> Result<Revoked, CommandError> {
    let token = Secret::new(token);
    let portfolio = state.portfolio().await?;
    let app_secret = app_secret(&portfolio)?;
    Ok(portfolio.revoke_token(&token, app_secret).await?)
}

pub(crate) fn app_secret(portfolio: &gatehouse_core::Portfolio) -> Result<&Secret, CommandError> {
    Ok(portfolio.session().credentials().app_secret().ok_or(CommandFailure::AppSecretMissing)?)
}
