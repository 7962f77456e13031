//! Typed names for the secrets Gatehouse keeps in the OS keyring.

use std::fmt;
use std::str::FromStr;

/// Longest profile or system-user id accepted in a [`SecretKey`].
pub const MAX_ID_LEN: usize = 64;

/// Which secret of a portfolio profile an entry holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretKind {
    /// The admin (or admin system user) token the profile connects with.
    AdminToken,
    /// The app secret of the profile's Meta app (for `appsecret_proof`).
    AppSecret,
    /// A token generated for one system user of the portfolio.
    SystemUserToken {
        /// The system user's id (Meta ids are digits).
        system_user_id: String,
    },
}

/// The name of one secret in the keyring: a profile id plus a [`SecretKind`].
///
/// It renders to the keyring's "user" attribute (see [`SecretKey::user`]), for example
/// `profile/acme/admin-token` or `profile/acme/system-user/6100000001/token`. It never contains
/// secret material: ids are restricted to `[A-Za-z0-9._-]`, 1 to [`MAX_ID_LEN`] characters, so
/// the rendering is unambiguous and parses back with [`FromStr`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    profile_id: String,
    kind: SecretKind,
}

/// A profile or system-user id that cannot name a keyring entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidKey {
    /// The id is empty.
    #[error("the {field} is empty")]
    Empty {
        /// `"profile id"` or `"system user id"`.
        field: &'static str,
    },
    /// The id is longer than [`MAX_ID_LEN`].
    #[error("the {field} is longer than {MAX_ID_LEN} characters")]
    TooLong {
        /// `"profile id"` or `"system user id"`.
        field: &'static str,
    },
    /// The id has a character outside `[A-Za-z0-9._-]`.
    #[error("the {field} may only contain letters, digits, '.', '_' and '-'")]
    BadCharacter {
        /// `"profile id"` or `"system user id"`.
        field: &'static str,
    },
    /// A keyring user string that is not one of Gatehouse's.
    #[error("not a Gatehouse keyring entry name")]
    Unrecognised,
}

fn check_id(field: &'static str, id: &str) -> Result<(), InvalidKey> {
    if id.is_empty() {
        return Err(InvalidKey::Empty { field });
    }
    if id.len() > MAX_ID_LEN {
        return Err(InvalidKey::TooLong { field });
    }
    if !id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')) {
        return Err(InvalidKey::BadCharacter { field });
    }
    Ok(())
}

impl SecretKey {
    /// A key for `kind` in profile `profile_id`, after checking both ids.
    pub fn new(profile_id: impl Into<String>, kind: SecretKind) -> Result<Self, InvalidKey> {
        let profile_id = profile_id.into();
        check_id("profile id", &profile_id)?;
        if let SecretKind::SystemUserToken { system_user_id } = &kind {
            check_id("system user id", system_user_id)?;
        }
        Ok(Self { profile_id, kind })
    }

    /// The admin token of a profile.
    pub fn admin_token(profile_id: impl Into<String>) -> Result<Self, InvalidKey> {
        Self::new(profile_id, SecretKind::AdminToken)
    }

    /// The app secret of a profile.
    pub fn app_secret(profile_id: impl Into<String>) -> Result<Self, InvalidKey> {
        Self::new(profile_id, SecretKind::AppSecret)
    }

    /// The token of one system user of a profile.
    pub fn system_user_token(
        profile_id: impl Into<String>,
        system_user_id: impl Into<String>,
    ) -> Result<Self, InvalidKey> {
        Self::new(profile_id, SecretKind::SystemUserToken { system_user_id: system_user_id.into() })
    }

    /// The profile this secret belongs to.
    pub fn profile_id(&self) -> &str {
        &self.profile_id
    }

    /// Which secret of the profile this is.
    pub fn kind(&self) -> &SecretKind {
        &self.kind
    }

    /// The keyring "user" attribute for this key (same as `to_string()`).
    pub fn user(&self) -> String {
        self.to_string()
    }

    /// A human label for keyring managers such as Seahorse.
    pub fn label(&self) -> String {
        match &self.kind {
            SecretKind::AdminToken => format!("Gatehouse admin token ({})", self.profile_id),
            SecretKind::AppSecret => format!("Gatehouse app secret ({})", self.profile_id),
            SecretKind::SystemUserToken { system_user_id } => {
                format!("Gatehouse system user {system_user_id} token ({})", self.profile_id)
            }
        }
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let profile = &self.profile_id;
        match &self.kind {
            SecretKind::AdminToken => write!(f, "profile/{profile}/admin-token"),
            SecretKind::AppSecret => write!(f, "profile/{profile}/app-secret"),
            SecretKind::SystemUserToken { system_user_id } => {
                write!(f, "profile/{profile}/system-user/{system_user_id}/token")
            }
        }
    }
}

impl FromStr for SecretKey {
    type Err = InvalidKey;

    /// Parses a keyring "user" string written by [`SecretKey::user`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            ["profile", profile, "admin-token"] => Self::admin_token(*profile),
            ["profile", profile, "app-secret"] => Self::app_secret(*profile),
            ["profile", profile, "system-user", user, "token"] => {
                Self::system_user_token(*profile, *user)
            }
            _ => Err(InvalidKey::Unrecognised),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_parses_back() {
        let keys = [
            SecretKey::admin_token("acme").unwrap(),
            SecretKey::app_secret("acme-2.b_c").unwrap(),
            SecretKey::system_user_token("acme", "6100000001").unwrap(),
        ];
        let users: Vec<String> = keys.iter().map(SecretKey::user).collect();
        assert_eq!(
            users,
            [
                "profile/acme/admin-token",
                "profile/acme-2.b_c/app-secret",
                "profile/acme/system-user/6100000001/token"
            ]
        );
        for (key, user) in keys.iter().zip(&users) {
            assert_eq!(&user.parse::<SecretKey>().unwrap(), key);
        }
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(
            SecretKey::admin_token("").unwrap_err(),
            InvalidKey::Empty { field: "profile id" }
        );
        assert_eq!(
            SecretKey::admin_token("a/b").unwrap_err(),
            InvalidKey::BadCharacter { field: "profile id" }
        );
        assert_eq!(
            SecretKey::admin_token("é").unwrap_err(),
            InvalidKey::BadCharacter { field: "profile id" }
        );
        assert_eq!(
            SecretKey::admin_token("x".repeat(MAX_ID_LEN + 1)).unwrap_err(),
            InvalidKey::TooLong { field: "profile id" }
        );
        assert!(SecretKey::admin_token("x".repeat(MAX_ID_LEN)).is_ok());
        assert_eq!(
            SecretKey::system_user_token("acme", "1 2").unwrap_err(),
            InvalidKey::BadCharacter { field: "system user id" }
        );
        assert_eq!(
            "profile/acme/other".parse::<SecretKey>().unwrap_err(),
            InvalidKey::Unrecognised
        );
        assert_eq!(
            "profile/a/b/admin-token".parse::<SecretKey>().unwrap_err(),
            InvalidKey::Unrecognised
        );
    }

    #[test]
    fn labels_name_the_profile() {
        let key = SecretKey::system_user_token("acme", "61").unwrap();
        assert_eq!(key.label(), "Gatehouse system user 61 token (acme)");
    }
}
