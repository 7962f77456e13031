// The app's own commands go through Tauri's ACL: each listed command gets `allow-*`/`deny-*`
// permissions, and only the capability in tauri.conf.json grants them to the `main` window.
const COMMANDS: &[&str] = &[
    "app_info",
    "keyring_status",
    "check_compatibility",
    "list_portfolios",
    "switch_portfolio",
    "check_connection",
    "claim_app_for_connection",
    "save_portfolio",
    "confirm_graph_url",
    "sign_in_with_meta",
    "check_business",
    "audit_log",
    "verify_audit_log",
    "export_audit_log",
    "token_inventory",
    "export_token_calendar",
    "set_up_gatehouse",
    "cancel_sign_in",
    "remove_portfolio",
    "portfolio_overview",
    "claim_app",
    "create_system_user",
    "rename_system_user",
    "access_counts",
    "system_user_access",
    "asset_kinds",
    "list_assets",
    "review_changes",
    "create_job",
    "run_job",
    "cancel_job",
    "retry_failed",
    "discard_job",
    "unfinished_jobs",
    "job_report",
    "scope_catalog",
    "token_apps",
    "token_preflight",
    "install_app",
    "generate_token",
    "copy_token",
    "reveal_token",
    "keep_token_in_keychain",
    "forget_token",
    "inspect_token",
    "refresh_token",
    "revoke_token",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
