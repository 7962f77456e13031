//! Usage headers (spec §9.2) and pacing: the closer usage gets to 100%, the longer the client
//! waits before each request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use crate::config::PacingPolicy;
use crate::error::as_i64;

/// One Business Use Case entry of `X-Business-Use-Case-Usage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BusinessUseCaseUsage {
    /// The business object the entry is keyed by (ad account, Page, business …).
    pub object_id: String,
    /// `ads_management`, `pages`, … (other strings UNCONFIRMED, spec §9.2).
    pub use_case: String,
    pub call_count: f64,
    pub total_cputime: f64,
    pub total_time: f64,
    /// `estimated_time_to_regain_access`, converted from minutes.
    pub regain_access_in: Option<Duration>,
    /// `ads_api_access_tier` (`development_access` / `standard_access`, old names).
    pub access_tier: Option<String>,
}

/// What the usage headers of one response said. Absent headers do not mean zero usage.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Usage {
    /// Highest of `X-App-Usage`'s three percentages.
    pub app_percent: Option<f64>,
    /// Highest of `X-Page-Usage`'s percentages.
    pub page_percent: Option<f64>,
    /// `X-Ad-Account-Usage.acc_id_util_pct`.
    pub ad_account_percent: Option<f64>,
    /// `X-Ad-Account-Usage.reset_time_duration` (seconds).
    // UNCONFIRMED: the unit of reset_time_duration; seconds is what community code assumes.
    pub ad_account_reset_in: Option<Duration>,
    pub business_use_cases: Vec<BusinessUseCaseUsage>,
}

fn pct(obj: &Value, key: &str) -> Option<f64> {
    obj.get(key).and_then(|v| v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))
}

fn max3(obj: &Value) -> Option<f64> {
    ["call_count", "total_time", "total_cputime"]
        .iter()
        .filter_map(|k| pct(obj, k))
        .fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |a| a.max(v))))
}

fn header_json(headers: &HeaderMap, name: &str) -> Option<Value> {
    let raw = headers.get(name)?.to_str().ok()?;
    serde_json::from_str(raw).ok()
}

impl Usage {
    /// Parses the usage headers of a response. Malformed headers are ignored.
    pub fn from_headers(headers: &HeaderMap) -> Usage {
        let mut u = Usage {
            app_percent: header_json(headers, "x-app-usage").as_ref().and_then(max3),
            page_percent: header_json(headers, "x-page-usage").as_ref().and_then(max3),
            ..Usage::default()
        };
        if let Some(ad) = header_json(headers, "x-ad-account-usage") {
            u.ad_account_percent = pct(&ad, "acc_id_util_pct");
            u.ad_account_reset_in = ad
                .get("reset_time_duration")
                .and_then(as_i64)
                .filter(|s| *s > 0)
                .map(|s| Duration::from_secs(s.unsigned_abs()));
        }
        if let Some(Value::Object(map)) = header_json(headers, "x-business-use-case-usage") {
            for (object_id, entries) in map {
                let list = match entries {
                    Value::Array(a) => a,
                    obj @ Value::Object(_) => vec![obj],
                    _ => continue,
                };
                for e in list {
                    let minutes = e.get("estimated_time_to_regain_access").and_then(as_i64);
                    u.business_use_cases.push(BusinessUseCaseUsage {
                        object_id: object_id.clone(),
                        use_case: e.get("type").and_then(Value::as_str).unwrap_or("").to_owned(),
                        call_count: pct(&e, "call_count").unwrap_or(0.0),
                        total_cputime: pct(&e, "total_cputime").unwrap_or(0.0),
                        total_time: pct(&e, "total_time").unwrap_or(0.0),
                        regain_access_in: minutes
                            .filter(|m| *m > 0)
                            .map(|m| Duration::from_secs(m.unsigned_abs() * 60)),
                        access_tier: e
                            .get("ads_api_access_tier")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                    });
                }
            }
        }
        u
    }

    pub fn is_empty(&self) -> bool {
        *self == Usage::default()
    }

    /// The highest percentage across all headers.
    pub fn max_percent(&self) -> Option<f64> {
        let bucs = self
            .business_use_cases
            .iter()
            .map(|b| b.call_count.max(b.total_cputime).max(b.total_time));
        [self.app_percent, self.page_percent, self.ad_account_percent]
            .into_iter()
            .flatten()
            .chain(bucs)
            .fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |a| a.max(v))))
    }

    /// The longest `estimated_time_to_regain_access` (or ad-account reset when usage is at 100%).
    pub fn regain_access_in(&self) -> Option<Duration> {
        let buc = self.business_use_cases.iter().filter_map(|b| b.regain_access_in).max();
        let ad = self
            .ad_account_reset_in
            .filter(|_| self.ad_account_percent.is_some_and(|p| p >= 100.0));
        buc.into_iter().chain(ad).max()
    }
}

/// Ad-account IDs appear with and without `act_`; usage keys are compared without it.
pub(crate) fn object_key(id: &str) -> &str {
    id.strip_prefix("act_").unwrap_or(id)
}

/// Upper bound of remembered per-object usages (old ones are dropped first).
const MAX_OBJECTS: usize = 10_000;

#[derive(Debug, Default)]
struct PacerState {
    /// App- and Page-level usage: applies to every request.
    global: Option<(f64, Instant)>,
    /// Business Use Case (and ad-account) usage per business object: applies to requests on
    /// that object only, so one busy ad account does not slow down the others.
    objects: HashMap<String, (f64, Instant)>,
    /// The latest `ads_api_access_tier` seen.
    access_tier: Option<String>,
}

/// Remembers the latest usage and turns it into a delay before the next request.
#[derive(Debug)]
pub(crate) struct Pacer {
    policy: PacingPolicy,
    state: Mutex<PacerState>,
}

impl Pacer {
    pub(crate) fn new(policy: PacingPolicy) -> Self {
        Self { policy, state: Mutex::new(PacerState::default()) }
    }

    /// Records a response's usage. `target` is the object the request was about (its first path
    /// segment), to which `X-Ad-Account-Usage` belongs.
    pub(crate) fn observe(&self, usage: &Usage, target: Option<&str>) {
        let Ok(mut s) = self.state.lock() else { return };
        let now = Instant::now();
        let global = [usage.app_percent, usage.page_percent]
            .into_iter()
            .flatten()
            .fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |a| a.max(v))));
        if let Some(g) = global {
            s.global = Some((g, now));
        }
        let mut per_object: Vec<(String, f64)> = Vec::new();
        if let Some(t) = usage.business_use_cases.iter().find_map(|b| b.access_tier.clone()) {
            s.access_tier = Some(t);
        }
        for b in &usage.business_use_cases {
            let p = b.call_count.max(b.total_cputime).max(b.total_time);
            per_object.push((object_key(&b.object_id).to_owned(), p));
        }
        if let (Some(p), Some(t)) = (usage.ad_account_percent, target) {
            per_object.push((object_key(t).to_owned(), p));
        }
        let memory = self.policy.memory;
        if s.objects.len() + per_object.len() > MAX_OBJECTS {
            s.objects.retain(|_, (_, at)| at.elapsed() <= memory);
        }
        for (k, p) in per_object {
            let e = s.objects.entry(k).or_insert((p, now));
            // Several BUC types on one object: keep the highest of this response.
            if e.1 == now {
                e.0 = e.0.max(p)
            } else {
                *e = (p, now)
            }
        }
    }

    /// The latest `ads_api_access_tier` header value.
    pub(crate) fn access_tier(&self) -> Option<String> {
        self.state.lock().ok().and_then(|s| s.access_tier.clone())
    }

    /// `(delay, percent)` before a request on `targets`; zero below the start threshold.
    pub(crate) fn delay(&self, targets: &[&str]) -> (Duration, f64) {
        let Ok(s) = self.state.lock() else { return (Duration::ZERO, 0.0) };
        let fresh = |v: Option<&(f64, Instant)>| {
            v.filter(|(_, at)| at.elapsed() <= self.policy.memory).map(|(p, _)| *p)
        };
        let p = std::iter::once(fresh(s.global.as_ref()))
            .chain(targets.iter().map(|t| fresh(s.objects.get(object_key(t)))))
            .flatten()
            .fold(0.0_f64, f64::max);
        (pacing_delay(&self.policy, p), p)
    }
}

/// Quadratic from 0 at `start_percent` to `max_delay` at 100%.
pub(crate) fn pacing_delay(policy: &PacingPolicy, percent: f64) -> Duration {
    if !percent.is_finite() || percent < policy.start_percent || policy.start_percent >= 100.0 {
        return Duration::ZERO;
    }
    let x = ((percent - policy.start_percent) / (100.0 - policy.start_percent)).clamp(0.0, 1.0);
    policy.max_delay.mul_f64(x * x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn parses_the_three_headers() {
        let h = headers(&[
            ("x-app-usage", r#"{"call_count": 28, "total_time": 25, "total_cputime": 25}"#),
            (
                "x-business-use-case-usage",
                r#"{"112130216863063": [{"type": "pages", "call_count": 1, "total_cputime": 1, "total_time": 1, "estimated_time_to_regain_access": 0}], "66782684": [{"type": "ads_management", "call_count": 95, "total_cputime": 20, "total_time": 20, "estimated_time_to_regain_access": 19, "ads_api_access_tier": "development_access"}]}"#,
            ),
            (
                "x-ad-account-usage",
                r#"{"acc_id_util_pct": 9.67, "reset_time_duration": 100, "ads_api_access_tier": "standard_access"}"#,
            ),
        ]);
        let u = Usage::from_headers(&h);
        assert_eq!(u.app_percent, Some(28.0));
        assert_eq!(u.ad_account_percent, Some(9.67));
        assert_eq!(u.business_use_cases.len(), 2);
        let ads = u.business_use_cases.iter().find(|b| b.object_id == "66782684").unwrap();
        assert_eq!(ads.use_case, "ads_management");
        assert_eq!(ads.regain_access_in, Some(Duration::from_secs(19 * 60)));
        assert_eq!(ads.access_tier.as_deref(), Some("development_access"));
        assert_eq!(u.max_percent(), Some(95.0));
        assert_eq!(u.regain_access_in(), Some(Duration::from_secs(19 * 60)));
    }

    #[test]
    fn malformed_headers_are_ignored() {
        let u = Usage::from_headers(&headers(&[
            ("x-app-usage", "not json"),
            ("x-business-use-case-usage", "[1]"),
        ]));
        assert!(u.is_empty());
        assert_eq!(u.max_percent(), None);
    }

    #[test]
    fn pacing_grows_toward_100() {
        let p = PacingPolicy {
            start_percent: 60.0,
            max_delay: Duration::from_secs(4),
            memory: Duration::from_secs(60),
        };
        assert_eq!(pacing_delay(&p, 10.0), Duration::ZERO);
        assert_eq!(pacing_delay(&p, 60.0), Duration::ZERO);
        assert_eq!(pacing_delay(&p, 80.0), Duration::from_secs(1));
        assert_eq!(pacing_delay(&p, 100.0), Duration::from_secs(4));
        assert_eq!(pacing_delay(&p, 250.0), Duration::from_secs(4));
        assert!(pacing_delay(&p, 90.0) > pacing_delay(&p, 85.0));
        assert_eq!(pacing_delay(&PacingPolicy::off(), 100.0), Duration::ZERO);
        let pacer = Pacer::new(p);
        assert_eq!(pacer.delay(&[]).0, Duration::ZERO);
        pacer.observe(&Usage { app_percent: Some(80.0), ..Usage::default() }, None);
        assert_eq!(pacer.delay(&[]), (Duration::from_secs(1), 80.0));
        pacer.observe(&Usage::default(), None); // no header: keeps the last value
        assert_eq!(pacer.delay(&["x"]).1, 80.0);
    }

    #[test]
    fn pacing_is_per_business_object() {
        let p = PacingPolicy {
            start_percent: 60.0,
            max_delay: Duration::from_secs(4),
            memory: Duration::from_secs(60),
        };
        let pacer = Pacer::new(p);
        let busy = BusinessUseCaseUsage {
            object_id: "222".into(),
            use_case: "ads_management".into(),
            call_count: 100.0,
            total_cputime: 1.0,
            total_time: 1.0,
            regain_access_in: None,
            access_tier: None,
        };
        pacer.observe(
            &Usage { business_use_cases: vec![busy], ..Usage::default() },
            Some("act_222"),
        );
        assert_eq!(pacer.delay(&["act_222"]), (Duration::from_secs(4), 100.0));
        assert_eq!(pacer.delay(&["222"]).1, 100.0);
        assert_eq!(pacer.delay(&["act_333"]), (Duration::ZERO, 0.0));
        assert_eq!(pacer.delay(&[]), (Duration::ZERO, 0.0));
        pacer.observe(
            &Usage { ad_account_percent: Some(80.0), ..Usage::default() },
            Some("act_333"),
        );
        assert_eq!(pacer.delay(&["act_333", "act_444"]).1, 80.0);
    }
}
