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

/// Every command of the bindings is on the ACL's list (src-tauri/build.rs) and granted to the
/// main window (tauri.conf.json), and nothing else is: a command missing from either fails in
/// the real window only ("not allowed"), which no other test would catch.
#[test]
fn every_command_is_listed_for_the_acl_and_granted_to_the_window() {
    let root = env!("CARGO_MANIFEST_DIR");
    let bindings = std::fs::read_to_string(format!("{root}/ui/src/bindings.ts")).unwrap();
    let mut exported: Vec<String> = bindings
        .split("__TAURI_INVOKE")
        .skip(2) // the text before the first, and the import
        .filter_map(|rest| rest.split_once("(\"")?.1.split('"').next().map(str::to_owned))
        .collect();
    exported.sort_unstable();
    exported.dedup();
    assert!(exported.len() > 30, "the bindings were read: {exported:?}");

    let build = std::fs::read_to_string(format!("{root}/src-tauri/build.rs")).unwrap();
    let list = build.split_once("const COMMANDS").unwrap().1.split_once("];").unwrap().0;
    let mut acl: Vec<String> = list.split('"').skip(1).step_by(2).map(str::to_owned).collect();
    acl.sort_unstable();
    assert_eq!(acl, exported, "src-tauri/build.rs COMMANDS is the bindings' command list");

    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/tauri.conf.json")).unwrap())
            .unwrap();
    let mut granted: Vec<String> = conf["app"]["security"]["capabilities"][0]["permissions"]
        .as_array()
        .expect("the main window's permissions")
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(|c| c.replace('-', "_")))
        .collect();
    granted.sort_unstable();
    assert_eq!(granted, exported, "tauri.conf.json grants exactly the bindings' commands");
}
