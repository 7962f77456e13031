//! A business's verification and two-factor setting, typed and in words, as the connection
//! check and the overview show them (Meta's `verification_status` and `two_factor_type`).

use serde::Serialize;

/// Where Meta's business verification stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    Verified,
    NotVerified,
    /// `pending`, `pending_submission`, `pending_need_more_info`.
    Pending,
    Rejected,
    /// Not reported, or a word Gatehouse does not know (the label has it).
    #[default]
    Unknown,
}

/// Who must use two-factor authentication in the business.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TwoFactor {
    AdminRequired,
    AllRequired,
    NotRequired,
    /// Not reported, or a word Gatehouse does not know (the label has it).
    #[default]
    Unknown,
}

impl Verification {
    /// Meta's word, typed, and its label.
    pub fn from_meta(word: Option<&str>) -> (Self, String) {
        let known = match word {
            Some("verified") => (Verification::Verified, "Verified"),
            Some("not_verified") => (Verification::NotVerified, "Not verified"),
            Some("pending" | "pending_submission" | "pending_need_more_info") => {
                (Verification::Pending, "Verification pending")
            }
            Some("rejected") => (Verification::Rejected, "Verification rejected"),
            None => (Verification::Unknown, "Unknown"),
            Some(other) => return (Verification::Unknown, in_words(other)),
        };
        (known.0, known.1.to_owned())
    }
}

impl TwoFactor {
    /// Meta's word, typed, and its label.
    pub fn from_meta(word: Option<&str>) -> (Self, String) {
        let known = match word {
            Some("admin_required") => (TwoFactor::AdminRequired, "Required for admins"),
            Some("all_required") => (TwoFactor::AllRequired, "Required for everyone"),
            Some("none") => (TwoFactor::NotRequired, "Not required"),
            None => (TwoFactor::Unknown, "Unknown"),
            Some(other) => return (TwoFactor::Unknown, in_words(other)),
        };
        (known.0, known.1.to_owned())
    }
}

/// `some_word` as "Some word".
pub(crate) fn in_words(word: &str) -> String {
    let lower = word.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metas_words_are_typed_and_labelled() {
        assert_eq!(Verification::from_meta(Some("verified")).0, Verification::Verified);
        assert_eq!(
            Verification::from_meta(Some("pending_need_more_info")),
            (Verification::Pending, "Verification pending".to_owned())
        );
        assert_eq!(
            Verification::from_meta(Some("in_review")),
            (Verification::Unknown, "In review".to_owned())
        );
        assert_eq!(TwoFactor::from_meta(Some("none")).1, "Not required");
        assert_eq!(TwoFactor::from_meta(None), (TwoFactor::Unknown, "Unknown".to_owned()));
    }
}
