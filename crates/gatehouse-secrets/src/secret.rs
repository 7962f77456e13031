//! The one secret type for access tokens and app secrets.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// How many bullets [`Secret::masked`] shows in front of the visible suffix. Fixed, so the mask
/// does not reveal the length.
const MASK_BULLETS: usize = 8;

/// A token or app secret held in memory.
///
/// - `Debug` is redacted: it shows only the length, never the value.
/// - There is no `Display` and no `Serialize`, so a secret cannot end up in a formatted string,
///   a log line or a serialized response by accident.
/// - The backing `String` is zeroized when the `Secret` is dropped ([`ZeroizeOnDrop`]).
/// - [`Secret::expose`] is the only way to read the value.
/// - `==` compares in constant time for equal lengths (the length is not treated as secret).
///
/// ```
/// use gatehouse_secrets::Secret;
///
/// let token = Secret::new(String::from("EAAB-example-token"));
/// assert_eq!(format!("{token:?}"), "Secret(***, 18 chars)");
/// assert_eq!(token.expose(), "EAAB-example-token");
/// // serde_json works in doc-tests: the two `compile_fail` examples below fail for the
/// // reason they state, not for a missing crate.
/// assert_eq!(serde_json::to_string("x").unwrap(), "\"x\"");
/// ```
///
/// A secret cannot be formatted with `{}`:
///
/// ```compile_fail
/// let secret = gatehouse_secrets::Secret::new("EAAB-token".to_owned());
/// let _ = format!("{}", secret); // no `Display`
/// ```
///
/// nor serialized:
///
/// ```compile_fail
/// let secret = gatehouse_secrets::Secret::new("EAAB-token".to_owned());
/// let _ = serde_json::to_string(&secret); // no `Serialize`
/// ```
///
/// Zeroizing has limits (see the `zeroize` docs): a copy made by [`Secret::expose`]'s caller,
/// by a `String` that reallocated before it was wrapped, or by the OS keyring client is not
/// wiped. Wrap a value as early as possible and never copy it out.
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret value. The `String` is moved, not copied.
    pub fn new(value: String) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret value. The only way to read it: keep the borrow short and never copy it into
    /// a `String` that outlives the call.
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

    /// A mask for showing that a secret is present without revealing it, such as
    /// `••••••••a1B2`: eight bullets and at most `visible_suffix` trailing characters.
    ///
    /// At most a quarter of the secret's characters are ever shown (none for secrets shorter
    /// than 4 characters), whatever `visible_suffix` asks for.
    ///
    /// ```
    /// use gatehouse_secrets::Secret;
    ///
    /// let token = Secret::new(String::from("EAABsbCS1iHgBAxyz0a1B2"));
    /// assert_eq!(token.masked(4), "••••••••a1B2");
    /// assert_eq!(token.masked(0), "••••••••");
    /// assert_eq!(Secret::new(String::from("abc")).masked(4), "••••••••");
    /// ```
    pub fn masked(&self, visible_suffix: usize) -> String {
        let chars = self.0.chars().count();
        let shown = visible_suffix.min(chars / 4);
        let mut out = String::with_capacity(MASK_BULLETS * 3 + shown * 4);
        out.extend(std::iter::repeat_n('•', MASK_BULLETS));
        out.extend(self.0.chars().skip(chars - shown));
        out
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
    /// The copy is a separate allocation, zeroized on drop as well.
    fn clone(&self) -> Self {
        Self::new(self.expose().to_owned())
    }
}

impl Zeroize for Secret {
    /// Wipes the value now; the secret is empty afterwards.
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// `Zeroizing<String>` wipes the value when the `Secret` is dropped.
impl ZeroizeOnDrop for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "EAABsbCS1iHgBAKZCZBvG9xZBq0TopSecretTokenValue";

    #[derive(Debug)]
    #[allow(dead_code)] // only formatted
    struct Profile {
        name: String,
        token: Secret,
        app_secret: Option<Secret>,
        many: Vec<Secret>,
    }

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::new(TOKEN.to_owned());
        let debug = format!("{secret:?}");
        assert_eq!(debug, format!("Secret(***, {} chars)", TOKEN.len()));
        assert!(!debug.contains(TOKEN));
        assert!(!format!("{secret:#?}").contains(TOKEN));
    }

    #[test]
    fn debug_of_a_containing_struct_is_redacted() {
        let profile = Profile {
            name: "acme".into(),
            token: Secret::new(TOKEN.to_owned()),
            app_secret: Some(Secret::new("0123456789abcdef0123456789abcdef".to_owned())),
            many: vec![Secret::new(TOKEN.to_owned()), Secret::from(String::from("s3cr3t-v4lue"))],
        };
        for debug in [format!("{profile:?}"), format!("{profile:#?}")] {
            assert!(debug.contains("acme"));
            assert!(!debug.contains(TOKEN), "{debug}");
            assert!(!debug.contains("0123456789abcdef"), "{debug}");
            assert!(!debug.contains("s3cr3t"), "{debug}");
            // no fragment of the token either
            assert!(!debug.contains("TopSecret"), "{debug}");
        }
    }

    #[test]
    fn debug_counts_characters_not_bytes() {
        assert_eq!(format!("{:?}", Secret::new("ééé".into())), "Secret(***, 3 chars)");
    }

    #[test]
    fn expose_returns_the_value_and_new_does_not_copy() {
        let value = TOKEN.to_owned();
        let ptr = value.as_ptr();
        let secret = Secret::new(value);
        assert_eq!(secret.expose(), TOKEN);
        assert_eq!(secret.expose().as_ptr(), ptr, "the String was moved, not copied");
        assert_eq!(secret.len(), TOKEN.len());
        assert!(!secret.is_empty());
    }

    #[test]
    fn equality() {
        let a = Secret::new(TOKEN.to_owned());
        assert_eq!(a, a.clone());
        assert_ne!(a, Secret::new(format!("{TOKEN}x")));
        assert_ne!(a, Secret::new(TOKEN.replace('E', "F")));
        assert_eq!(Secret::new(String::new()), Secret::new(String::new()));
    }

    #[test]
    fn clone_is_a_separate_allocation() {
        let a = Secret::new(TOKEN.to_owned());
        let b = a.clone();
        assert_ne!(a.expose().as_ptr(), b.expose().as_ptr());
    }

    #[test]
    fn masked_reveals_at_most_the_suffix() {
        let s = Secret::new(TOKEN.to_owned());
        assert_eq!(s.masked(4), format!("••••••••{}", &TOKEN[TOKEN.len() - 4..]));
        assert_eq!(s.masked(0), "••••••••");
        // never more than a quarter of the secret
        let short = Secret::new("abcdefgh".to_owned());
        assert_eq!(short.masked(100), "••••••••gh");
        assert_eq!(Secret::new(String::new()).masked(4), "••••••••");
        // multi-byte characters are not split
        assert_eq!(Secret::new("ééééé€€€".into()).masked(2), "••••••••€€");
    }

    #[test]
    fn zeroize_wipes_the_value() {
        let mut s = Secret::new(TOKEN.to_owned());
        s.zeroize();
        assert!(s.is_empty());
        assert_eq!(s.expose(), "");
    }

    #[test]
    fn zeroized_on_drop_by_type() {
        // A compile-time proof: `Secret` is `ZeroizeOnDrop` and its field is `Zeroizing`, whose
        // `Drop` wipes the buffer (inspecting freed memory would need `unsafe`, which the
        // workspace forbids).
        fn assert_zeroize_on_drop<T: ZeroizeOnDrop>() {}
        assert_zeroize_on_drop::<Secret>();
        assert_zeroize_on_drop::<Zeroizing<String>>();
    }

    #[test]
    fn debug_never_contains_generated_values() {
        // A small deterministic fuzz: many values of many lengths and alphabets.
        let alphabet: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=é€😀"
                .chars()
                .collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2000 {
            let len = 4 + (next() % 400) as usize;
            let value: String =
                (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let secret = Secret::new(value.clone());
            let wrapped = Some(vec![secret.clone()]);
            for text in [format!("{secret:?}"), format!("{wrapped:?}"), format!("{wrapped:#?}")] {
                assert!(!text.contains(&value), "{text}");
            }
            let masked = secret.masked(4);
            assert!(!masked.contains(&value) || len < 4, "{masked}");
        }
    }

    #[test]
    fn secret_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Secret>();
    }
}
