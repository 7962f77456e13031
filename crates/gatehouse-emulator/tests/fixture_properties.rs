//! A fixture file is input too (`--fixture path.json`): any text, and the demo fixture with
//! any part deleted or replaced by any JSON, is a fixture or a fixture error, never a panic
//! while parsing or building the state. 300 mutations (each builds a whole portfolio);
//! `PROPTEST_CASES` sets more on demand.

use gatehouse_emulator::{Emulator, EmulatorConfig, Fixture};
use proptest::prelude::*;
use serde_json::Value;

fn cases(default: u32) -> ProptestConfig {
    let cases =
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(default);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

fn small_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!(["x", 1, null])),
    ]
}

/// Every path to a value in `v`, depth first.
fn paths(v: &Value, at: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            m.iter().for_each(|(k, c)| paths(c, [at.clone(), vec![k.clone()]].concat(), out))
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .take(3)
            .for_each(|(i, c)| paths(c, [at.clone(), vec![i.to_string()]].concat(), out)),
        _ => {}
    }
}

fn at_mut<'v>(v: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |v, k| match v {
        Value::Object(m) => m.get_mut(k),
        Value::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

fn demo_json() -> Value {
    // A small portfolio of the same shape as the demo's, so each case builds quickly.
    serde_json::to_value(Fixture::scale(20).unwrap()).unwrap()
}

proptest! {
    #![proptest_config(cases(300))]

    #[test]
    fn any_text_is_a_fixture_or_an_error(text in prop_oneof![".{0,200}", "\\{.{0,200}"]) {
        if let Ok(fixture) = Fixture::from_json(&text) {
            let _ = Emulator::plan(&EmulatorConfig::new(fixture));
        }
    }

    #[test]
    fn a_mutated_fixture_builds_or_is_refused(picks in prop::collection::vec((any::<prop::sample::Index>(), prop::option::of(small_json())), 1..4)) {
        let mut fixture = demo_json();
        for (pick, replacement) in picks {
            let mut all = Vec::new();
            paths(&fixture, Vec::new(), &mut all);
            let path = pick.get(&all).clone();
            let Some((last, parent)) = path.split_last() else { continue };
            let Some(parent) = at_mut(&mut fixture, parent) else { continue };
            match (parent, replacement) {
                (Value::Object(m), None) => { m.remove(last); }
                (Value::Object(m), Some(v)) => { m.insert(last.clone(), v); }
                (Value::Array(a), None) => { if let Ok(i) = last.parse::<usize>() { if i < a.len() { a.remove(i); } } }
                (Value::Array(a), Some(v)) => { if let Ok(i) = last.parse::<usize>() { if i < a.len() { a[i] = v; } } }
                _ => {}
            }
        }
        if let Ok(fixture) = Fixture::from_json(&fixture.to_string()) {
            let _ = Emulator::plan(&EmulatorConfig::new(fixture));
        }
    }
}
