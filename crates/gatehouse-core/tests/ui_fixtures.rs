//! Data the UI's tests need from the engine, written from the engine itself so the UI's mock
//! never carries a copy of a product rule or a label. Each file is committed; the test script
//! fails when this test changes one (like the bindings).

use gatehouse_core::TokenKind;

fn write(name: &str, value: &serde_json::Value) {
    let path = format!("{}/../../ui/src/generated/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = serde_json::to_string_pretty(value).expect("serializable") + "\n";
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).expect("written");
        panic!("ui/src/generated/{name} was stale and has been rewritten: commit it");
    }
}

#[test]
fn token_kinds_and_their_labels() {
    let kinds = [
        TokenKind::SystemUser,
        TokenKind::User,
        TokenKind::Page,
        TokenKind::App,
        TokenKind::Unknown,
    ];
    let table: serde_json::Map<String, serde_json::Value> = kinds
        .iter()
        .map(|k| {
            let key = serde_json::to_value(k).unwrap().as_str().unwrap().to_owned();
            (key, serde_json::Value::String(k.label().to_owned()))
        })
        .collect();
    assert_eq!(table["system_user"], "System user token");
    write("token-kind-labels.json", &serde_json::Value::Object(table));
}
