//! Property tests of everything the client parses from a server it does not control (error
//! envelopes, batch items, usage headers, throttle hints, messages) and of the path segments
//! it builds from user input: no panic, no hang, every rejection a worded error. 1,000 cases per
//! property in the test command; `PROPTEST_CASES` sets more on demand.

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{json, Value};

use crate::error::{field_in, permission_in};
use crate::transport::{segment, throttle_eta};
use crate::usage::Usage;
use crate::{AssetKind, GraphError, TaskSet};
use gatehouse_errors::{Explain, Surface};

/// Any JSON, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{0,14}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A Graph error envelope with plausible and implausible values in each field.
fn envelope() -> impl Strategy<Value = Value> {
    let code = prop_oneof![
        prop::sample::select(vec![1i64, 2, 4, 10, 17, 32, 80004, 100, 102, 190, 200, 368, 613]),
        any::<i64>(),
    ];
    (code, proptest::option::of(any::<i64>()), ".{0,80}", any_json(), any_json(), any::<bool>())
        .prop_map(|(code, subcode, message, data, odd, transient)| {
            json!({"error": {
                "code": code, "error_subcode": subcode, "message": message,
                "type": "OAuthException", "error_data": data, "fbtrace_id": odd,
                "is_transient": transient, "error_user_msg": message,
            }})
        })
}

fn worded(e: &GraphError) -> Result<(), TestCaseError> {
    prop_assert!(!e.explanation().is_empty(), "no words: {e:?}");
    prop_assert!(e.fix(Surface::Desktop).is_some_and(|f| !f.is_empty()), "no fix: {e:?}");
    prop_assert!(!e.code().to_string().is_empty());
    let _ = e.report();
    Ok(())
}

/// 1,000 cases, or `PROPTEST_CASES`.
pub(crate) fn cases() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn any_error_answer_becomes_a_worded_error(status in 100u16..600, body in prop_oneof![envelope(), any_json()]) {
        let e = GraphError::from_api(status, &body);
        worded(&e)?;
        let _ = e.is_transient();
        let _ = e.rate_limited_until();
    }

    #[test]
    fn any_batch_item_is_a_result_or_a_worded_error(item in prop_oneof![
        any_json(),
        (100u16..600, any_json()).prop_map(|(code, body)| json!({"code": code, "body": body.to_string()})),
        (100u16..600, envelope()).prop_map(|(code, body)| json!({"code": code, "body": body.to_string()})),
    ]) {
        if let Err((e, _)) = crate::batch::item_result(&item) {
            worded(&e)?;
        }
    }

    #[test]
    fn usage_headers_of_any_text_are_read_or_ignored(
        app in ".{0,120}", business in ".{0,200}", account in ".{0,120}",
        numbers in prop::collection::vec(any::<f64>(), 0..6),
    ) {
        let mut headers = HeaderMap::new();
        let structured = json!({"1": [{"type": "ads_management", "call_count": numbers.first(),
            "total_time": numbers.get(1), "total_cputime": numbers.get(2),
            "estimated_time_to_regain_access": numbers.get(3)}]}).to_string();
        for (name, value) in [("x-app-usage", app.as_str()), ("x-business-use-case-usage", business.as_str()),
                              ("x-ad-account-usage", account.as_str()), ("x-business-use-case-usage", structured.as_str())] {
            if let Ok(v) = HeaderValue::from_str(value) {
                headers.append(HeaderName::from_static(name), v);
            }
        }
        let usage = Usage::from_headers(&headers);
        if let Some(p) = usage.max_percent() {
            prop_assert!(p.is_finite(), "{p}");
        }
        let _ = usage.regain_access_in();
        let _ = throttle_eta(&json!({}), &usage);
    }

    #[test]
    fn throttle_hints_in_any_body_are_bounded(body in prop_oneof![envelope(), any_json()]) {
        if let Some(eta) = throttle_eta(&body, &Usage::default()) {
            prop_assert!(eta.as_secs() <= 366 * 86_400, "{eta:?}");
        }
    }

    #[test]
    fn messages_are_searched_without_panicking(message in ".{0,300}", data in any_json()) {
        let _ = permission_in(&message);
        let _ = field_in(&message, Some(&data));
    }

    /// A path segment built from typed input never smuggles a path, a query or a fragment.
    #[test]
    fn segments_from_any_input_are_one_plain_segment_or_refused(input in ".{0,60}") {
        match segment(&input) {
            Ok(s) => {
                prop_assert!(!s.is_empty());
                prop_assert!(!s.contains(['/', '?', '#', '\\', '%', ' ']) && s != "." && s != "..", "{s:?}");
            }
            Err(e) => worded(&e)?,
        }
    }

    #[test]
    fn task_names_of_any_text_are_parsed_or_refused(names in prop::collection::vec(".{0,20}", 0..5), kind in 0usize..8) {
        let kind = AssetKind::ALL[kind % AssetKind::ALL.len()];
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Err(e) = TaskSet::parse(kind, &names) {
            worded(&e)?;
        }
        let _ = AssetKind::parse(names.first().copied().unwrap_or(""));
        let _ = crate::Scope::parse(names.first().copied().unwrap_or(""));
    }
}
