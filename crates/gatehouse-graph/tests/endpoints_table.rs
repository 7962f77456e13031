//! Writes the client's endpoint table (`Endpoint::all`) to `tests/conformance/endpoints.json` at
//! the repository's root, where `tests/conformance/test_meta_sdk.py` checks every call against
//! Meta's official Python Business SDK. The file is committed; the test script fails when this
//! test changes it, so the table the SDK check reads is never stale.

use gatehouse_graph::Endpoint;

#[test]
fn export_the_endpoint_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/conformance/endpoints.json");
    // In the order of their JSON, without repeats: the file changes only when the table does.
    let mut all = Endpoint::all();
    all.sort_by_cached_key(|e| serde_json::to_string(e).expect("serializable"));
    all.dedup();
    let json = serde_json::to_string_pretty(&all).expect("serializable") + "\n";
    if std::fs::read_to_string(path).ok().as_deref() != Some(json.as_str()) {
        std::fs::write(path, &json).expect("endpoint table written");
        panic!("tests/conformance/endpoints.json was stale and has been rewritten: commit it");
    }
    assert!(all.iter().any(|e| e.edge == Some("assigned_ads_pixels")));
    assert!(all
        .iter()
        .all(|e| e.node != gatehouse_graph::NodeType::Root || e.documented.is_some()));
}
