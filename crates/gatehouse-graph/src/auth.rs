//! Credentials and `appsecret_proof` (spec §0.2).

use std::sync::Arc;

use gatehouse_secrets::Secret;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The token a session calls with, and the app secret when it is known.
///
/// With an app secret, every request carries `appsecret_proof` (required by apps with "Require
/// App Secret" on, and always by token generation and On Behalf Of, spec §0.2).
#[derive(Clone)]
pub struct Credentials {
    pub(crate) token: Arc<Secret>,
    pub(crate) app_secret: Option<Arc<Secret>>,
}

impl Credentials {
    /// A token without an app secret.
    pub fn token(token: Secret) -> Self {
        Self { token: Arc::new(token), app_secret: None }
    }

    /// A token with the secret of the app it was generated for.
    pub fn with_app_secret(token: Secret, app_secret: Secret) -> Self {
        Self { token: Arc::new(token), app_secret: Some(Arc::new(app_secret)) }
    }

    /// An app access token `{app-id}|{app-secret}` (for `debug_token`, spec §3.6). No proof is
    /// sent with it (the secret is already in the token).
    pub fn app_token(app_id: &str, app_secret: &Secret) -> Self {
        let mut value = String::with_capacity(app_id.len() + 1 + app_secret.len());
        value.push_str(app_id);
        value.push('|');
        value.push_str(app_secret.expose());
        Self::token(Secret::new(value))
    }

    pub fn has_app_secret(&self) -> bool {
        self.app_secret.is_some()
    }

    /// The app secret, for workflows that sign with it (refresh, revoke).
    pub fn app_secret(&self) -> Option<&Secret> {
        self.app_secret.as_deref()
    }

    /// The token's proof, when the app secret is known.
    /// The proof is as good as the token for this app: wiped when the request is built.
    pub(crate) fn proof(&self) -> Option<zeroize::Zeroizing<String>> {
        self.app_secret.as_ref().map(|s| zeroize::Zeroizing::new(appsecret_proof(&self.token, s)))
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("token", &self.token)
            .field("app_secret", &self.app_secret.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// `lowercase_hex(HMAC_SHA256(key = app_secret, message = access_token))` (spec §0.2, plain form).
pub fn appsecret_proof(token: &Secret, app_secret: &Secret) -> String {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(app_secret.expose().as_bytes()) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(token.expose().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_matches_reference_vectors() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let proof = appsecret_proof(
            &Secret::new("what do ya want for nothing?".into()),
            &Secret::new("Jefe".into()),
        );
        assert_eq!(proof, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Computed independently: printf 'EAAB-token' | openssl dgst -sha256 -hmac 'app-secret'
        let proof =
            appsecret_proof(&Secret::new("EAAB-token".into()), &Secret::new("app-secret".into()));
        assert_eq!(proof, "294c307ff2427ed2140908ec13f483ef7f7d7819a8fc32fb535cf6ada2327ab2");
    }

    #[test]
    fn credentials_debug_is_redacted() {
        let c = Credentials::with_app_secret(
            Secret::new("EAAB-secret-token".into()),
            Secret::new("shh-app".into()),
        );
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("EAAB-secret-token") && !dbg.contains("shh-app"), "{dbg}");
        assert!(c.proof().is_some());
        assert!(Credentials::token(Secret::new("t".into())).proof().is_none());
        let app = Credentials::app_token("555", &Secret::new("zq-app-pw".into()));
        assert_eq!(app.token.expose(), "555|zq-app-pw");
        assert!(!format!("{app:?}").contains("zq-app-pw"));
    }
}
