//! Rate limiting (spec §9): real per-key counters in fixed windows, the usage headers computed
//! from them, and throttle errors when a configured budget is exceeded.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::errors::GraphError;
use crate::fixture::Tier;

/// Budgets per window. Defaults are generous so the demo never throttles by accident; tests and
/// tools lower them to exercise throttling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Business Use Case calls per business object per hour, Full tier.
    pub buc_calls_per_hour_full: u32,
    /// Business Use Case calls per business object per hour, Limited tier.
    pub buc_calls_per_hour_limited: u32,
    /// Platform calls per app per hour (user and app tokens): code 4.
    pub app_calls_per_hour: u32,
    /// Platform calls per person per hour (user tokens): code 17.
    pub user_calls_per_hour: u32,
    /// Writes per ad account per minute: code 613 / 1487742.
    pub ad_account_writes_per_minute: u32,
    /// Usage headers are left out of the first this many answers: Meta sends them "once enough
    /// calls have been made" (D-RL), so a client must not read a missing header as 0 %.
    pub usage_headers_after_calls: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            buc_calls_per_hour_full: 100_000,
            buc_calls_per_hour_limited: 10_000,
            app_calls_per_hour: 100_000,
            user_calls_per_hour: 10_000,
            ad_account_writes_per_minute: 600,
            usage_headers_after_calls: 0,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    count: u32,
}

/// What one request is counted against.
#[derive(Debug, Clone)]
pub struct Usage {
    /// User or app token: platform limits and `X-App-Usage`. Otherwise BUC.
    pub platform: bool,
    pub app_id: String,
    pub user_id: String,
    /// BUC key: the business object ID (business, ad account, Page, ...).
    pub buc_key: String,
    pub buc_type: &'static str,
    pub buc_code: u32,
    pub tier: Tier,
    /// Set for writes on an ad account (the 613 limit).
    pub ad_account_write: Option<String>,
}

#[derive(Debug, Default)]
pub struct Limiter {
    pub config: LimitsConfig,
    windows: HashMap<String, Window>,
    /// Calls recorded so far, for [`LimitsConfig::usage_headers_after_calls`].
    calls: u64,
}

fn pct(count: u32, budget: u32) -> u64 {
    (u64::from(count) * 100) / u64::from(budget.max(1))
}

impl Limiter {
    pub fn new(config: LimitsConfig) -> Self {
        Self { config, windows: HashMap::new(), calls: 0 }
    }

    /// Counts one call in the `key` window of `len` seconds; returns (count, seconds left).
    fn hit(&mut self, key: String, len: i64, now: i64) -> (u32, i64) {
        let w = self.windows.entry(key).or_insert(Window { start: now, count: 0 });
        if now >= w.start + len {
            *w = Window { start: now, count: 0 };
        }
        w.count += 1;
        (w.count, w.start + len - now)
    }

    /// Counts the call; returns the usage headers and, when over budget (or inside a forced
    /// throttling window of `forced` seconds), the throttle error to answer with.
    pub fn record(
        &mut self,
        u: &Usage,
        now: i64,
        forced: Option<u64>,
    ) -> (Vec<(String, String)>, Option<GraphError>) {
        let mut headers = Vec::new();
        let mut error = None;
        if u.platform {
            let (app_count, app_left) = self.hit(format!("app:{}", u.app_id), 3600, now);
            let (user_count, user_left) = self.hit(format!("user:{}", u.user_id), 3600, now);
            let app_pct = pct(app_count, self.config.app_calls_per_hour);
            let shown = if forced.is_some() { app_pct.max(100) } else { app_pct };
            headers.push((
                "x-app-usage".into(),
                json!({"call_count": shown, "total_cputime": shown / 2, "total_time": shown / 2})
                    .to_string(),
            ));
            if app_count > self.config.app_calls_per_hour {
                error = Some(platform_error(4, app_left as u64));
            } else if user_count > self.config.user_calls_per_hour {
                error = Some(platform_error(17, user_left as u64));
            } else if let Some(left) = forced {
                error = Some(platform_error(17, left));
            }
        } else {
            let budget = match u.tier {
                Tier::Full => self.config.buc_calls_per_hour_full,
                Tier::Limited => self.config.buc_calls_per_hour_limited,
            };
            let key = format!("buc:{}:{}", u.buc_key, u.buc_type);
            let (count, left) = self.hit(key, 3600, now);
            let over = count > budget;
            let regain_secs = match (over, forced) {
                (_, Some(f)) => f,
                (true, None) => left as u64,
                _ => 0,
            };
            let regain_min = regain_secs.div_ceil(60);
            let mut call_pct = pct(count, budget);
            if forced.is_some() {
                call_pct = call_pct.max(100);
            }
            let mut entry = json!({
                "type": u.buc_type,
                "call_count": call_pct,
                "total_cputime": call_pct / 2,
                "total_time": call_pct / 2,
                "estimated_time_to_regain_access": regain_min,
            });
            if u.buc_type == "ads_management" {
                // The header keeps the pre-2026 tier names (spec §9.2).
                entry["ads_api_access_tier"] = json!(match u.tier {
                    Tier::Full => "standard_access",
                    Tier::Limited => "development_access",
                });
            }
            let mut map = serde_json::Map::new();
            map.insert(u.buc_key.clone(), Value::Array(vec![entry]));
            headers.push(("x-business-use-case-usage".into(), Value::Object(map).to_string()));
            if over || forced.is_some() {
                error = Some(buc_error(u.buc_code, u.buc_type, regain_min));
            }
        }
        if error.is_none() {
            if let Some(acct) = &u.ad_account_write {
                let (count, left) = self.hit(format!("acctw:{acct}"), 60, now);
                if count > self.config.ad_account_writes_per_minute {
                    error = Some(
                        GraphError::new(
                            613,
                            "OAuthException",
                            "Calls to this api have exceeded the rate limit. There have been too \
                             many calls from this ad-account. Wait a bit and try again.",
                        )
                        .with_subcode(1487742)
                        .with_extra(
                            "error_data",
                            json!({"estimated_time_to_regain_access": (left as u64).div_ceil(60)}),
                        ),
                    );
                }
            }
        }
        self.calls += 1;
        if error.is_none() && self.calls <= u64::from(self.config.usage_headers_after_calls) {
            headers.clear();
        }
        (headers, error)
    }
}

fn platform_error(code: u32, left_secs: u64) -> GraphError {
    let msg =
        if code == 4 { "Application request limit reached" } else { "User request limit reached" };
    GraphError::new(code, "OAuthException", msg).with_extra(
        "error_data",
        json!({"estimated_time_to_regain_access": left_secs.div_ceil(60)}),
    )
}

fn buc_error(code: u32, buc_type: &str, regain_min: u64) -> GraphError {
    let what = match buc_type {
        "pages" => "this Page",
        "instagram" => "this Instagram account",
        "whatsapp_business_management" => "this WhatsApp Business Account",
        "catalog_management" => "this catalog",
        _ => "this ad-account",
    };
    let mut e = GraphError::new(
        code,
        "OAuthException",
        format!(
            "There have been too many calls to {what}. Wait a bit and try again. For more info, \
             please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
        ),
    )
    .with_extra("error_data", json!({"estimated_time_to_regain_access": regain_min}));
    if code == 80004 || code == 80000 {
        e = e.with_subcode(2446079);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buc() -> Usage {
        Usage {
            platform: false,
            app_id: "1".into(),
            user_id: "2".into(),
            buc_key: "100".into(),
            buc_type: "ads_management",
            buc_code: 80004,
            tier: Tier::Limited,
            ad_account_write: None,
        }
    }

    #[test]
    fn buc_budget_throttles_with_headers() {
        let mut l =
            Limiter::new(LimitsConfig { buc_calls_per_hour_limited: 4, ..Default::default() });
        for _ in 0..4 {
            assert!(l.record(&buc(), 1_000, None).1.is_none());
        }
        let (headers, err) = l.record(&buc(), 1_000, None);
        let err = err.unwrap();
        assert_eq!((err.code, err.subcode), (80004, Some(2446079)));
        let h: Value = serde_json::from_str(&headers[0].1).unwrap();
        assert_eq!(h["100"][0]["call_count"], 125);
        assert_eq!(h["100"][0]["estimated_time_to_regain_access"], 60);
        assert_eq!(h["100"][0]["ads_api_access_tier"], "development_access");
        // A new window resets the count.
        assert!(l.record(&buc(), 1_000 + 3_600, None).1.is_none());
    }

    #[test]
    fn platform_and_613() {
        let mut l = Limiter::new(LimitsConfig {
            user_calls_per_hour: 1,
            ad_account_writes_per_minute: 1,
            ..Default::default()
        });
        let mut u = buc();
        u.platform = true;
        assert!(l.record(&u, 0, None).1.is_none());
        assert_eq!(l.record(&u, 0, None).1.unwrap().code, 17);
        let mut w = buc();
        w.ad_account_write = Some("act_1".into());
        assert!(l.record(&w, 0, None).1.is_none());
        let e = l.record(&w, 0, None).1.unwrap();
        assert_eq!((e.code, e.subcode), (613, Some(1487742)));
        assert_eq!(l.record(&buc(), 0, Some(90)).1.unwrap().code, 80004);
    }
}
