//! Fault injection (set at start from flags or the fixture, changed at run time through the
//! control endpoint). Every draw uses the seeded RNG so a failing run replays.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::rng::Rng;

/// What to break. Rates are probabilities in `[0, 1]`; `*_next` counts fail exactly the next N
/// matching requests (deterministic tests prefer those).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Fixed latency added before every matching request is handled.
    pub latency_ms: u64,
    /// Uniform extra latency in `[0, jitter_ms]`.
    pub jitter_ms: u64,
    /// Code 2, `is_transient: true`, with HTTP `transient_status` (default 500). Nothing is applied.
    pub transient_error_rate: f64,
    pub transient_error_next: u32,
    pub transient_status: Option<u16>,
    /// The connection is reset (RST) before the request is handled. Nothing is applied.
    pub reset_rate: f64,
    pub reset_next: u32,
    /// Slow bodies: the response is sent in `slow_body_chunk_bytes` chunks (default 64) with this
    /// delay between them. 0 = off.
    pub slow_body_delay_ms: u64,
    pub slow_body_chunk_bytes: Option<usize>,
    /// Commit-then-drop: a write is applied, then the connection is reset instead of answered.
    pub commit_then_drop_rate: f64,
    pub commit_then_drop_next: u32,
    /// Commit-then-error: a write is applied, then answered with Meta's unknown-error code
    /// (`commit_then_error_code`, 2 by default, or 1) and HTTP `transient_status` (500 by
    /// default). Meta has been seen doing this (meta-fidelity §4.6). With code 2 and HTTP 400 the
    /// body is 2/1504044 with `is_transient: false`, the other variant seen on Marketing API calls.
    pub commit_then_error_rate: f64,
    pub commit_then_error_next: u32,
    pub commit_then_error_code: Option<u32>,
    /// Throttling window: for this many seconds from when it is set, matching calls fail with the
    /// throttle code of their rate-limit bucket (80004, 80001, 17, 4, ...).
    pub throttle_for_secs: u64,
    /// Only requests whose path contains this string are affected (all when absent).
    /// `chained_cursors` ignores it.
    pub path_contains: Option<String>,
    /// How a batch substitutes a `{result=…}` reference into a paging cursor (`after=`,
    /// `before=`): the way most plausible for Meta, or broken, so a client's fallback to plain
    /// paging can be tested.
    pub chained_cursors: ChainedCursors,
}

/// What a batch does with a reference substituted into `after=` or `before=`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainedCursors {
    /// URL-encoded like any substituted query value: the edge gets the cursor intact.
    #[default]
    Accepted,
    /// The cursor arrives mangled (here: as its JSON text, quotes included), so the edge
    /// refuses it: code 100 "The cursor specified is invalid or has expired".
    Refused,
    /// The reference is replaced by nothing: `after=` is empty and the edge answers its first
    /// page again.
    Ignored,
}

/// Meta's unknown-error answers (meta-fidelity §1 item 3b): code 2 `is_transient: true` with
/// HTTP 500, code 2/1504044 `is_transient: false` with HTTP 400, code 1/99 with HTTP 500.
pub fn transient_error(code: u32, status: u16) -> crate::errors::GraphError {
    use crate::errors::GraphError;
    match (code, status) {
        (1, _) => GraphError::new(1, "OAuthException", "An unknown error occurred")
            .with_subcode(99)
            .with_status(status),
        (_, 400) => GraphError::new(2, "OAuthException", "Service temporarily unavailable")
            .with_subcode(1504044)
            .with_status(400),
        _ => GraphError::new(2, "OAuthException", "Service temporarily unavailable")
            .transient()
            .with_status(status),
    }
}

/// Decisions for one request before it is handled.
#[derive(Debug, Default, Clone, Copy)]
pub struct PreDecision {
    pub delay: Duration,
    pub reset: bool,
    pub transient_status: Option<u16>,
    /// Seconds left in the throttling window.
    pub throttle_remaining: Option<u64>,
}

#[derive(Debug)]
pub struct Faults {
    pub config: FaultConfig,
    rng: Rng,
    /// Unix seconds at which the throttling window ends.
    throttle_until: Option<i64>,
}

impl Faults {
    pub fn new(config: FaultConfig, rng: Rng, now: i64) -> Self {
        let mut f = Self { config: FaultConfig::default(), rng, throttle_until: None };
        f.set(config, now);
        f
    }

    pub fn set(&mut self, config: FaultConfig, now: i64) {
        self.throttle_until =
            (config.throttle_for_secs > 0).then(|| now + config.throttle_for_secs as i64);
        self.config = config;
    }

    fn matches(&self, path: &str) -> bool {
        self.config.path_contains.as_deref().is_none_or(|p| path.contains(p))
    }

    fn take(next: &mut u32, rate: f64, rng: &mut Rng) -> bool {
        if *next > 0 {
            *next -= 1;
            return true;
        }
        rng.chance(rate)
    }

    pub fn before(&mut self, path: &str, now: i64) -> PreDecision {
        if !self.matches(path) {
            return PreDecision::default();
        }
        let c = &mut self.config;
        let jitter = if c.jitter_ms > 0 { self.rng.below(c.jitter_ms + 1) } else { 0 };
        let delay = Duration::from_millis(c.latency_ms + jitter);
        let reset = Self::take(&mut c.reset_next, c.reset_rate, &mut self.rng);
        let transient = !reset
            && Self::take(&mut c.transient_error_next, c.transient_error_rate, &mut self.rng);
        let throttle_remaining = self.throttle_until.and_then(|until| {
            if until > now {
                Some((until - now) as u64)
            } else {
                None
            }
        });
        PreDecision {
            delay,
            reset,
            // UNCONFIRMED: whether codes 1/2 come with HTTP 500 or 400; 500 unless configured.
            transient_status: transient.then(|| c.transient_status.unwrap_or(500)),
            throttle_remaining,
        }
    }

    /// After a request applied a write: the error to answer with instead of the result.
    pub fn error_after_commit(&mut self, path: &str) -> Option<crate::errors::GraphError> {
        if !self.matches(path) {
            return None;
        }
        let c = &mut self.config;
        if !Self::take(&mut c.commit_then_error_next, c.commit_then_error_rate, &mut self.rng) {
            return None;
        }
        let status = c.transient_status.unwrap_or(500);
        Some(transient_error(c.commit_then_error_code.unwrap_or(2), status))
    }

    /// After a request applied a write: whether to lose the response.
    pub fn drop_after_commit(&mut self, path: &str) -> bool {
        if !self.matches(path) {
            return false;
        }
        let c = &mut self.config;
        Self::take(&mut c.commit_then_drop_next, c.commit_then_drop_rate, &mut self.rng)
    }

    /// `(chunk bytes, delay)` when slow bodies are on for this path.
    pub fn slow_body(&self, path: &str) -> Option<(usize, Duration)> {
        (self.config.slow_body_delay_ms > 0 && self.matches(path)).then(|| {
            (
                self.config.slow_body_chunk_bytes.unwrap_or(64).max(1),
                Duration::from_millis(self.config.slow_body_delay_ms),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_counts_and_filters() {
        let cfg = FaultConfig {
            transient_error_next: 2,
            path_contains: Some("system_users".into()),
            ..FaultConfig::default()
        };
        let mut f = Faults::new(cfg, Rng::new(1), 0);
        assert!(f.before("/v26.0/1/owned_pages", 0).transient_status.is_none());
        assert_eq!(f.before("/v26.0/1/system_users", 0).transient_status, Some(500));
        assert!(f.before("/1/system_users", 0).transient_status.is_some());
        assert!(f.before("/1/system_users", 0).transient_status.is_none());
    }

    #[test]
    fn rates_are_seeded() {
        let cfg = FaultConfig { reset_rate: 0.5, ..FaultConfig::default() };
        let run = |seed| {
            let mut f = Faults::new(cfg.clone(), Rng::new(seed), 0);
            (0..64).map(|_| f.before("/x", 0).reset).collect::<Vec<_>>()
        };
        assert_eq!(run(9), run(9));
        assert!(run(9).iter().any(|r| *r) && run(9).iter().any(|r| !*r));
    }

    #[test]
    fn throttle_window_expires() {
        let cfg = FaultConfig { throttle_for_secs: 120, ..FaultConfig::default() };
        let mut f = Faults::new(cfg, Rng::new(1), 1_000);
        assert_eq!(f.before("/x", 1_030).throttle_remaining, Some(90));
        assert_eq!(f.before("/x", 1_121).throttle_remaining, None);
    }
}
