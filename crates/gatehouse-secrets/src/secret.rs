//! The one secret type for access tokens and app secrets.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A token or app secret held in memory.
///
/// - `Debug` is redacted: it shows only the length, never the value.
/// - There is no `Display` and no `Serialize`, so a secret cannot end up in a
///   formatted string, a log line or a serialized response by accident.
/// - The backing `String` is zeroized when the `Secret` is dropped.
/// - [`Secret::expose`] is the only way to read the value.
///
/// ```compile_fail
/// let secret = gatehouse_secrets::Secret::new("EAAB-token".to_owned());
/// let _ = format!("{}", secret); // no `Display`
/// ```
///
/// ```compile_fail
/// let secret = gatehouse_secrets::Secret::new("EAAB-token".to_owned());
/// let _ = serde_json::to_string(&secret); // no `Serialize`
/// ```
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value. The `String` is moved, not copied.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret value. The only way to read it: keep the borrow short and
    /// never copy it into a `String` that outlives the call.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Length of the secret in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(***, {} chars)", self.0.chars().count())
    }
}

impl PartialEq for Secret {
    /// Constant-time in the content (the length is not secret).
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl Clone for Secret {
    /// The copy is a separate zeroizing allocation.
    fn clone(&self) -> Self {
        Self::new(self.expose().to_owned())
    }
}
