//! The token inventory: what Gatehouse knows of every token it generated, refreshed or
//! inspected (portfolio, system user, app, permissions, assets, issue and expiry, a
//! [`Fingerprint`] and the last check), never the token itself. Meta lists no system user's
//! tokens, so this is the only place an admin sees "which tokens are out there, and when do
//! they end". Kept in the local database beside the audit log, updated by the same
//! [`crate::Portfolio`] operations (generate, refresh, inspect, revoke, invalidate all).

use gatehouse_graph::Secret;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::audit::Fingerprint;
use crate::store::{Store, StoreError, StoreResult};
use crate::{TokenKind, TokenReport};

/// How Gatehouse came to know the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    Generated,
    /// A 60-day token's refresh (it replaces another; that one works until its own expiry).
    Refreshed,
    /// Pasted into Inspect.
    Inspected,
}

impl TokenSource {
    fn as_str(self) -> &'static str {
        match self {
            TokenSource::Generated => "generated",
            TokenSource::Refreshed => "refreshed",
            TokenSource::Inspected => "inspected",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        [TokenSource::Generated, TokenSource::Refreshed, TokenSource::Inspected]
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("token source {s:?}")))
    }

    pub fn label(self) -> &'static str {
        match self {
            TokenSource::Generated => "Generated here",
            TokenSource::Refreshed => "Refreshed here",
            TokenSource::Inspected => "Inspected here",
        }
    }
}

/// What Gatehouse last learnt of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    /// Works, and does not expire within the warning period (or never).
    Active,
    /// Works, and expires within the warning period.
    ExpiresSoon,
    /// Its expiry has passed.
    Expired,
    /// Revoked through Gatehouse.
    Revoked,
    /// Every token of its system user was invalidated through Gatehouse.
    Invalidated,
    /// Meta said it no longer works (at the last check).
    Invalid,
}

impl TokenState {
    fn stored(self) -> &'static str {
        match self {
            TokenState::Revoked => "revoked",
            TokenState::Invalidated => "invalidated",
            TokenState::Invalid => "invalid",
            _ => "active",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        Ok(match s {
            "active" => TokenState::Active,
            "revoked" => TokenState::Revoked,
            "invalidated" => TokenState::Invalidated,
            "invalid" => TokenState::Invalid,
            other => return Err(StoreError::Corrupt(format!("token status {other:?}"))),
        })
    }

    /// It can no longer be used.
    pub fn is_dead(self) -> bool {
        matches!(
            self,
            TokenState::Expired
                | TokenState::Revoked
                | TokenState::Invalidated
                | TokenState::Invalid
        )
    }
}

/// One token of the inventory (metadata only).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InventoryToken {
    pub fingerprint: Fingerprint,
    pub portfolio_id: String,
    pub business_id: String,
    pub kind: TokenKind,
    pub kind_label: String,
    /// The system user (or person) it belongs to, when Meta said.
    pub user_id: Option<String>,
    pub app_id: Option<String>,
    pub scopes: Vec<String>,
    /// The assets its permissions are limited to (IDs), when Meta said.
    pub asset_ids: Vec<String>,
    pub issued_at_unix: Option<f64>,
    pub expires_at_unix: Option<f64>,
    pub never_expires: bool,
    pub source: TokenSource,
    pub source_label: String,
    /// The fingerprint hash of the token this one replaced (a refresh).
    pub replaces: Option<String>,
    pub state: TokenState,
    /// It still works (not expired, revoked, invalidated or found invalid).
    pub working: bool,
    /// A 60-day token that still works: it can be exchanged for a new 60-day one.
    pub refreshable: bool,
    /// "Expires in 12 days", "Never expires", "Expired 3 days ago", "Revoked", …
    pub state_label: String,
    /// Days until it expires (negative once expired), when it expires.
    pub days_left: Option<f64>,
    pub last_check_at_unix: f64,
    /// What the last check (or change) found, in words.
    pub last_check: String,
    pub first_seen_at_unix: f64,
}

/// Where the keychain keeps the copy of a system user's token that a person chose to keep (one
/// per system user and portfolio; a later copy replaces it). A demo portfolio's colon
/// (`demo:agency`) becomes a dot, which no saved profile's id can contain, so the two never share
/// an entry.
pub fn kept_token_key(
    portfolio_id: &str,
    system_user_id: &str,
) -> Result<gatehouse_secrets::SecretKey, gatehouse_secrets::InvalidKey> {
    gatehouse_secrets::SecretKey::new(
        portfolio_id.replace(':', "."),
        gatehouse_secrets::SecretKind::SystemUserToken {
            system_user_id: system_user_id.to_owned(),
        },
    )
}

/// The keychain's copy of `token` (of the inventory) and its entry, when the copy kept for its
/// system user is this very token; `Ok(None)` when no copy is kept or another token's is; an
/// error when the keychain did not answer (locked, no service), which is not "no copy".
pub async fn kept_copy(
    secrets: &gatehouse_secrets::SecretStore,
    token: &InventoryToken,
) -> Result<Option<(Secret, gatehouse_secrets::SecretKey)>, gatehouse_secrets::SecretStoreError> {
    let Some(user) = token.user_id.as_deref() else { return Ok(None) };
    let Ok(key) = kept_token_key(&token.portfolio_id, user) else { return Ok(None) };
    Ok(secrets
        .get(&key)
        .await?
        .filter(|copy| Fingerprint::of(copy).hash == token.fingerprint.hash)
        .map(|copy| (copy, key)))
}

/// The inventory token a person names by its fingerprint: the 16 hex digits of its hash, or its
/// last characters (at least 4) when only one token ends so.
pub fn find_by_fingerprint<'a>(
    tokens: &'a [InventoryToken],
    named: &str,
) -> crate::Result<&'a InventoryToken> {
    let unknown = |why: String| crate::Error::FingerprintUnknown(why);
    let named = named.trim().trim_start_matches('…');
    if let Some(t) = tokens.iter().find(|t| t.fingerprint.hash == named) {
        return Ok(t);
    }
    // Longer than a hash and not one: it may be the token itself, which is never repeated.
    if named.chars().count() > 16 {
        return Err(unknown(
            "that is not a fingerprint (the last 6 characters or the 16-digit hash), and a \
             token itself is never put on a command line or repeated"
                .to_owned(),
        ));
    }
    if named.chars().count() < 4 {
        return Err(unknown(format!(
            "“{named}” is too short: give the token's last 6 characters or its hash"
        )));
    }
    let ending: Vec<&InventoryToken> =
        tokens.iter().filter(|t| t.fingerprint.last.ends_with(named)).collect();
    match ending.as_slice() {
        [one] => Ok(one),
        [] => Err(unknown(format!(
            "no token Gatehouse knows of ends with “{named}” or has that hash"
        ))),
        many => Err(unknown(format!(
            "{} tokens end with “{named}”: give the hash instead ({})",
            many.len(),
            many.iter().map(|t| t.fingerprint.hash.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// A working, never-expiring system-user token of the inventory, for tests.
#[cfg(test)]
pub(crate) fn sample_token(user_id: &str, scopes: &[&str]) -> InventoryToken {
    InventoryToken {
        fingerprint: Fingerprint { last: "abc123".into(), hash: "0123456789abcdef".into() },
        portfolio_id: "p".into(),
        business_id: "b".into(),
        kind: TokenKind::SystemUser,
        kind_label: "System user".into(),
        user_id: Some(user_id.into()),
        app_id: Some("55".into()),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        asset_ids: vec![],
        issued_at_unix: None,
        expires_at_unix: None,
        never_expires: true,
        source: TokenSource::Generated,
        source_label: "Generated here".into(),
        replaces: None,
        state: TokenState::Active,
        working: true,
        refreshable: false,
        state_label: "Never expires".into(),
        days_left: None,
        last_check_at_unix: 0.0,
        last_check: String::new(),
        first_seen_at_unix: 0.0,
    }
}

/// Days before expiry a token counts as expiring soon, unless the person chose otherwise.
pub const DEFAULT_WARN_DAYS: u32 = 7;

/// How many days ahead the expiry reminder looks: the default and the bounds (a 60-day token's
/// whole life at most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReminderDays {
    pub default: u32,
    pub min: u32,
    pub max: u32,
}

pub const REMINDER_DAYS: ReminderDays =
    ReminderDays { default: DEFAULT_WARN_DAYS, min: 1, max: 60 };

impl Store {
    /// Adds or updates the token `token` as `report` describes it (a token seen again keeps
    /// how it was first seen, unless it is now generated or refreshed here).
    pub(crate) fn note_token(
        &self,
        portfolio_id: &str,
        business_id: &str,
        token: &Secret,
        report: &TokenReport,
        source: TokenSource,
        replaces: Option<&Fingerprint>,
    ) -> StoreResult<()> {
        let fp = Fingerprint::of(token);
        let now = crate::jobs::now_unix();
        let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        let assets: Vec<String> = {
            let mut ids: Vec<String> =
                report.scope_targets.iter().flat_map(|t| t.target_ids.iter().cloned()).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let check = if report.verified {
            "Meta said it works".to_owned()
        } else {
            "Issued; Meta's check could not run".to_owned()
        };
        let conn = self.lock();
        conn.execute(
            "INSERT INTO token_inventory (hash, last_chars, portfolio_id, business_id, kind,
                 user_id, app_id, scopes, assets, issued_at, expires_at, never_expires, source,
                 replaces, status, last_check_at, last_check, first_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'active', ?15, ?16, ?15)
             ON CONFLICT (hash) DO UPDATE SET
                 kind = excluded.kind, user_id = excluded.user_id, app_id = excluded.app_id,
                 scopes = excluded.scopes, assets = excluded.assets,
                 issued_at = excluded.issued_at, expires_at = excluded.expires_at,
                 never_expires = excluded.never_expires,
                 source = CASE WHEN excluded.source = 'inspected' THEN source ELSE excluded.source END,
                 replaces = coalesce(excluded.replaces, replaces),
                 status = 'active', last_check_at = excluded.last_check_at,
                 last_check = excluded.last_check",
            params![
                fp.hash,
                fp.last,
                portfolio_id,
                business_id,
                kind_str(report.kind),
                report.user_id,
                report.app_id,
                json(&report.scopes),
                json(&assets),
                report.issued_at_unix,
                report.expires_at_unix,
                report.never_expires,
                source.as_str(),
                replaces.map(|r| r.hash.clone()),
                now,
                check,
            ],
        )?;
        Ok(())
    }

    /// Records what became of a token Gatehouse knows (revoked, found invalid).
    pub(crate) fn mark_token(
        &self,
        token: &Secret,
        state: TokenState,
        check: &str,
    ) -> StoreResult<()> {
        let fp = Fingerprint::of(token);
        self.lock().execute(
            "UPDATE token_inventory SET status = ?2, last_check = ?3, last_check_at = ?4
             WHERE hash = ?1",
            params![fp.hash, state.stored(), check, crate::jobs::now_unix()],
        )?;
        Ok(())
    }

    /// Every known token of system user `user_id` in the business stops working.
    pub(crate) fn mark_user_tokens(
        &self,
        business_id: &str,
        user_id: &str,
        state: TokenState,
        check: &str,
    ) -> StoreResult<()> {
        self.lock().execute(
            "UPDATE token_inventory SET status = ?3, last_check = ?4, last_check_at = ?5
             WHERE business_id = ?1 AND user_id = ?2 AND status = 'active'",
            params![business_id, user_id, state.stored(), check, crate::jobs::now_unix()],
        )?;
        Ok(())
    }

    /// The inventory (one portfolio's, or all), the soonest expiry first, then those that never
    /// expire, then the dead ones. `now` and `warn_days` decide "expires soon".
    pub fn token_inventory(
        &self,
        portfolio_id: Option<&str>,
        now: f64,
        warn_days: u32,
    ) -> StoreResult<Vec<InventoryToken>> {
        let conn = self.lock();
        let mut stmt = conn.prepare(
            "SELECT * FROM token_inventory WHERE ?1 IS NULL OR portfolio_id = ?1
             ORDER BY first_seen_at",
        )?;
        let rows = stmt.query_map(params![portfolio_id], |r| {
            Ok(RawToken {
                hash: r.get("hash")?,
                last: r.get("last_chars")?,
                portfolio_id: r.get("portfolio_id")?,
                business_id: r.get("business_id")?,
                kind: r.get("kind")?,
                user_id: r.get("user_id")?,
                app_id: r.get("app_id")?,
                scopes: r.get("scopes")?,
                assets: r.get("assets")?,
                issued_at: r.get("issued_at")?,
                expires_at: r.get("expires_at")?,
                never_expires: r.get("never_expires")?,
                source: r.get("source")?,
                replaces: r.get("replaces")?,
                status: r.get("status")?,
                last_check_at: r.get("last_check_at")?,
                last_check: r.get("last_check")?,
                first_seen_at: r.get("first_seen_at")?,
            })
        })?;
        let mut tokens = Vec::new();
        for row in rows {
            tokens.push(row?.token(now, warn_days)?);
        }
        tokens.sort_by(|a, b| order(a).partial_cmp(&order(b)).unwrap_or(std::cmp::Ordering::Equal));
        Ok(tokens)
    }

    /// The inventory's entry for `token`, when Gatehouse knows it.
    pub fn known_token(&self, token: &Secret) -> StoreResult<Option<String>> {
        let fp = Fingerprint::of(token);
        Ok(self
            .lock()
            .query_row("SELECT hash FROM token_inventory WHERE hash = ?1", params![fp.hash], |r| {
                r.get(0)
            })
            .optional()?)
    }
}

/// A row as stored.
struct RawToken {
    hash: String,
    last: String,
    portfolio_id: String,
    business_id: String,
    kind: String,
    user_id: Option<String>,
    app_id: Option<String>,
    scopes: String,
    assets: String,
    issued_at: Option<f64>,
    expires_at: Option<f64>,
    never_expires: bool,
    source: String,
    replaces: Option<String>,
    status: String,
    last_check_at: f64,
    last_check: String,
    first_seen_at: f64,
}

impl RawToken {
    fn token(self, now: f64, warn_days: u32) -> StoreResult<InventoryToken> {
        let list = |s: &str| -> StoreResult<Vec<String>> {
            serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("token list: {e}")))
        };
        let kind = parse_kind(&self.kind);
        let source = TokenSource::parse(&self.source)?;
        let days_left =
            self.expires_at.filter(|_| !self.never_expires).map(|at| (at - now) / 86_400.0);
        let state = match (TokenState::parse(&self.status)?, days_left) {
            (TokenState::Active, Some(d)) if d <= 0.0 => TokenState::Expired,
            (TokenState::Active, Some(d)) if d <= f64::from(warn_days) => TokenState::ExpiresSoon,
            (s, _) => s,
        };
        Ok(InventoryToken {
            fingerprint: Fingerprint { last: self.last, hash: self.hash },
            portfolio_id: self.portfolio_id,
            business_id: self.business_id,
            kind,
            kind_label: kind.label().to_owned(),
            user_id: self.user_id,
            app_id: self.app_id,
            scopes: list(&self.scopes)?,
            asset_ids: list(&self.assets)?,
            issued_at_unix: self.issued_at,
            expires_at_unix: self.expires_at,
            never_expires: self.never_expires,
            source,
            source_label: source.label().to_owned(),
            replaces: self.replaces,
            state,
            working: !state.is_dead(),
            refreshable: !state.is_dead() && !self.never_expires && self.expires_at.is_some(),
            state_label: state_label(state, self.never_expires, days_left),
            days_left,
            last_check_at_unix: self.last_check_at,
            last_check: self.last_check,
            first_seen_at_unix: self.first_seen_at,
        })
    }
}

/// Soonest expiry first; never-expiring after; dead ones last.
fn order(t: &InventoryToken) -> (u8, f64) {
    match (t.state.is_dead(), t.expires_at_unix.filter(|_| !t.never_expires)) {
        (false, Some(at)) => (0, at),
        (false, None) => (1, t.first_seen_at_unix),
        (true, _) => (2, -t.last_check_at_unix),
    }
}

fn state_label(state: TokenState, never: bool, days_left: Option<f64>) -> String {
    let days = |d: f64| {
        let n = d.abs().ceil().max(1.0) as u64;
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    match (state, days_left) {
        (TokenState::Revoked, _) => "Revoked".to_owned(),
        (TokenState::Invalidated, _) => "Invalidated with all its system user's tokens".to_owned(),
        (TokenState::Invalid, _) => "No longer works".to_owned(),
        (TokenState::Expired, Some(d)) => format!("Expired {} ago", days(d)),
        (_, Some(d)) if d < 1.0 => "Expires within a day".to_owned(),
        (_, Some(d)) => format!("Expires in {}", days(d)),
        _ if never => "Never expires".to_owned(),
        _ => "Expiry unknown".to_owned(),
    }
}

fn kind_str(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::SystemUser => "system_user",
        TokenKind::User => "user",
        TokenKind::Page => "page",
        TokenKind::App => "app",
        TokenKind::Unknown => "unknown",
    }
}

fn parse_kind(s: &str) -> TokenKind {
    [TokenKind::SystemUser, TokenKind::User, TokenKind::Page, TokenKind::App]
        .into_iter()
        .find(|k| kind_str(*k) == s)
        .unwrap_or(TokenKind::Unknown)
}

/// The tokens' expiry dates as an iCalendar file (RFC 5545), one all-day event per token that
/// expires and still works, to put in a calendar; the event names the token by fingerprint.
pub fn calendar(tokens: &[InventoryToken], now: f64) -> String {
    let stamp = crate::audit::iso_utc(now).replace(['-', ':'], "");
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Gatehouse//Token expiry//EN\r\nCALSCALE:GREGORIAN\r\n",
    );
    for t in tokens.iter().filter(|t| !t.state.is_dead() && !t.never_expires) {
        let Some(at) = t.expires_at_unix else { continue };
        let day = crate::audit::iso_utc(at).get(..10).unwrap_or_default().replace('-', "");
        let who = t.user_id.as_deref().map(|u| format!(" of {u}")).unwrap_or_default();
        let summary = format!("Token …{}{who} expires", t.fingerprint.last);
        let description = format!(
            "Portfolio {}, app {}. Permissions: {}. Refresh it in Gatehouse before then, or generate \
             a new one and update where it is used.",
            t.portfolio_id,
            t.app_id.as_deref().unwrap_or("unknown"),
            t.scopes.join(", ")
        );
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(&format!("UID:gatehouse-token-{}@gatehouse\r\n", t.fingerprint.hash));
        out.push_str(&format!("DTSTAMP:{stamp}\r\n"));
        out.push_str(&format!("DTSTART;VALUE=DATE:{day}\r\n"));
        out.push_str(&fold(&format!("SUMMARY:{}", ics_text(&summary))));
        out.push_str(&fold(&format!("DESCRIPTION:{}", ics_text(&description))));
        // A reminder a week before.
        out.push_str("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-P7D\r\n");
        out.push_str(&fold(&format!("DESCRIPTION:{}", ics_text(&summary))));
        out.push_str("END:VALARM\r\nEND:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// RFC 5545 TEXT: backslash, semicolon, comma and newline escaped.
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// A content line folded at 75 octets (RFC 5545 §3.1), on character boundaries.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// A reminder of tokens about to end, for a desktop notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExpiryNotice {
    pub count: u32,
    pub title: String,
    pub body: String,
}

/// The working tokens of `tokens` that expire within `within_days` of `now`, as a notice (none
/// when there are none). The soonest first, at most five named.
pub fn expiry_notice(
    tokens: &[InventoryToken],
    now: f64,
    within_days: u32,
) -> Option<ExpiryNotice> {
    let horizon = now + f64::from(within_days) * 86_400.0;
    let mut soon: Vec<&InventoryToken> = tokens
        .iter()
        .filter(|t| t.working && !t.never_expires)
        .filter(|t| t.expires_at_unix.is_some_and(|at| at > now && at <= horizon))
        .collect();
    if soon.is_empty() {
        return None;
    }
    soon.sort_by(|a, b| {
        a.expires_at_unix.partial_cmp(&b.expires_at_unix).unwrap_or(std::cmp::Ordering::Equal)
    });
    let count = u32::try_from(soon.len()).unwrap_or(u32::MAX);
    let title = if count == 1 {
        format!("A token expires within {within_days} days")
    } else {
        format!("{count} tokens expire within {within_days} days")
    };
    let mut lines: Vec<String> = soon
        .iter()
        .take(5)
        .map(|t| {
            format!(
                "…{} ({}): {}",
                t.fingerprint.last,
                t.portfolio_id,
                t.state_label.to_lowercase()
            )
        })
        .collect();
    if soon.len() > 5 {
        lines.push(format!("and {} more", soon.len() - 5));
    }
    lines.push("Refresh them in Gatehouse (Tokens).".to_owned());
    Some(ExpiryNotice { count, title, body: lines.join("\n") })
}

#[cfg(test)]
mod fingerprint_tests {
    use super::*;

    #[test]
    fn a_token_is_found_by_its_hash_or_its_ending_and_never_echoed() {
        let mut a = sample_token("1", &[]);
        a.fingerprint = Fingerprint { last: "abc123".into(), hash: "00000000000000aa".into() };
        let mut b = sample_token("2", &[]);
        b.fingerprint = Fingerprint { last: "zzc123".into(), hash: "00000000000000bb".into() };
        let tokens = [a, b];
        let found = |s: &str| find_by_fingerprint(&tokens, s).map(|t| t.fingerprint.hash.clone());
        assert_eq!(found("00000000000000bb").unwrap(), "00000000000000bb");
        assert_eq!(found("…abc123").unwrap(), "00000000000000aa");
        let why = |s: &str| match find_by_fingerprint(&tokens, s) {
            Err(crate::Error::FingerprintUnknown(why)) => why,
            other => panic!("{other:?}"),
        };
        assert!(why("c123").contains("2 tokens end with"), "ambiguous");
        assert!(why("12").contains("too short"));
        assert!(why("nothing").contains("no token Gatehouse knows of"));
        // Something as long as a token (a made-up value, not one Meta issued).
        let pasted = "pasted-by-mistake-0123456789-abc123";
        assert!(!why(pasted).contains("pasted-by-mistake"), "a pasted token is not repeated");
    }

    #[test]
    fn a_demo_portfolio_keeps_its_copies_apart_from_saved_ones() {
        let key = kept_token_key("demo:agency", "61").unwrap();
        assert_eq!(key.profile_id(), "demo.agency");
    }
}
