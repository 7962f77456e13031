// The app's own commands go through Tauri's ACL: each listed command gets `allow-*`/`deny-*`
// permissions, and only the capability in tauri.conf.json grants them to the `main` window.
const COMMANDS: &[&str] = &[
    "app_info",
    "keyring_status",
    "portfolio_overview",
    "create_system_user",
    "rename_system_user",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
