//! Regenerates `ui/src/bindings.ts` from the command registry. The file is committed; the test
//! script fails when this test changes it (`git diff --exit-code`), so stale bindings never land.

use specta_typescript::Typescript;

#[test]
fn export_typescript_bindings() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/bindings.ts");
    let header = "// Generated from the Rust commands by tests/bindings.rs. Do not edit by hand.";
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    gatehouse_desktop::specta_builder()
        .export(Typescript::default().header(header), path)
        .expect("bindings export");
    let written = std::fs::read_to_string(path).expect("bindings written");
    assert!(written.contains("appInfo"), "the app_info command is exported");
    assert!(
        written == committed,
        "ui/src/bindings.ts was stale and has been regenerated: commit the new file"
    );
}
