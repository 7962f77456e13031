//! `gatehouse audit`: what the command line changed is in the audit log as the command line's,
//! listed, filtered, verified and exported; a wrong kind of change is a usage error.

mod support;

use support::gatehouse;

#[test]
fn changes_made_from_the_command_line_are_listed_verified_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path();
    gatehouse(config, &["--demo", "--json", "system-users", "create", "Audit CLI"], None, &[]).ok();
    // Refused by Meta: the demo agency has its one admin system user.
    let refused = gatehouse(
        config,
        &["--demo", "system-users", "create", "Second Admin", "--admin"],
        None,
        &[],
    );
    assert_ne!(refused.code, 0);

    let list = gatehouse(config, &["--demo", "--json", "audit", "list"], None, &[]);
    let entries = list.ok().json();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{entries:#?}");
    assert_eq!(entries[0]["outcome"], "failed");
    assert_eq!(entries[0]["error_code"], "system_user_limit");
    assert_eq!(entries[1]["action"], "system_user_created");
    assert_eq!(entries[1]["actor"], "cli");
    assert_eq!(entries[1]["portfolio_id"], "demo");
    assert_eq!(entries[1]["target_name"], "Audit CLI");

    let text = gatehouse(config, &["--demo", "audit", "list", "--outcome", "succeeded"], None, &[]);
    let text = &text.ok().stdout;
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("cli")
            && text.contains("System user created")
            && text.contains("“Audit CLI”")
    );

    let other = gatehouse(
        config,
        &["--demo", "--json", "audit", "list", "--action", "token_revoked"],
        None,
        &[],
    );
    assert_eq!(other.ok().json().as_array().unwrap().len(), 0);
    let bad = gatehouse(config, &["--demo", "audit", "list", "--action", "nonsense"], None, &[]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("system_user_created"), "the names are listed: {}", bad.stderr);

    let verify = gatehouse(config, &["audit", "verify"], None, &[]);
    assert!(
        verify.ok().stdout.contains("All 2 entries are as Gatehouse wrote them"),
        "{}",
        verify.stdout
    );

    let file = dir.path().join("audit.csv");
    let file_arg = file.to_str().unwrap();
    gatehouse(config, &["audit", "export", "--all", "--format", "csv", "-o", file_arg], None, &[])
        .ok();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.starts_with("seq,time (UTC),portfolio"));
    let again = gatehouse(
        config,
        &["audit", "export", "--all", "--format", "csv", "-o", file_arg],
        None,
        &[],
    );
    assert_ne!(again.code, 0, "an existing file is not replaced");
}

/// The demo agency's Reporting Server (each --demo command starts the demo afresh, with it).
fn reporting_server(config: &std::path::Path) -> String {
    let listed = gatehouse(config, &["--demo", "--json", "system-users", "list"], None, &[]);
    let users = listed.ok().json();
    users["system_users"]
        .as_array()
        .unwrap_or_else(|| panic!("{users}"))
        .iter()
        .find(|u| u["name"] == "Reporting Server")
        .unwrap_or_else(|| panic!("{users}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn generated_tokens_are_in_the_inventory_by_fingerprint_and_in_the_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path();
    let id = reporting_server(config);
    let generated = gatehouse(
        config,
        &[
            "--demo",
            "token",
            "generate",
            "--system-user",
            &id,
            "--scopes",
            "ads_read",
            "--expires",
            "60d",
            "--show",
        ],
        None,
        &[],
    );
    let token = generated.ok().stdout.trim().to_owned();
    assert!(token.len() > 20, "the token on stdout: {token}");

    let list = gatehouse(config, &["--demo", "--json", "token", "list"], None, &[]);
    let tokens = list.ok().json();
    let tokens = tokens.as_array().unwrap();
    assert_eq!(tokens.len(), 1, "{tokens:#?}");
    assert_eq!(tokens[0]["fingerprint"]["last"], &token[token.len() - 6..]);
    assert_eq!(tokens[0]["user_id"], id.as_str());
    assert_eq!(tokens[0]["source"], "generated");
    assert!(!list.stdout.contains(&token), "never the token");

    let file = dir.path().join("expiry.ics");
    gatehouse(config, &["--demo", "token", "calendar", "-o", file.to_str().unwrap()], None, &[])
        .ok();
    let ics = std::fs::read_to_string(&file).unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
    assert!(!ics.contains(&token));
}

#[test]
fn a_lost_or_leaked_token_is_guided_by_fingerprint_and_kept_verbs_say_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path();
    let id = reporting_server(config);
    let args = [
        "--demo",
        "token",
        "generate",
        "--system-user",
        &id,
        "--scopes",
        "ads_read",
        "--expires",
        "never",
        "--show",
    ];
    let token = gatehouse(config, &args, None, &[]).ok().stdout.trim().to_owned();
    let last = &token[token.len() - 6..];

    // Leaked, no copy kept: stopped first, by invalidating the system user's tokens.
    let leaked = gatehouse(config, &["--demo", "token", "rescue", "leaked", last], None, &[]);
    let text = leaked.ok().stdout.clone();
    assert!(text.starts_with(&format!("Leaked: token …{last}")), "{text}");
    let steps: Vec<&str> = text.lines().filter(|l| l.starts_with(char::is_numeric)).collect();
    assert!(steps[0].starts_with("1. Stop it now."), "{text}");
    assert!(steps[1].starts_with("2. Make a replacement."), "{text}");
    assert!(
        text.contains(&format!("gatehouse --demo token invalidate --system-user {id}")),
        "{text}"
    );
    assert!(!text.contains(&token), "never the token");
    // Lost, no copy: the old one is stopped before a replacement exists (invalidating after
    // would stop the replacement too).
    let lost = gatehouse(config, &["--demo", "--json", "token", "rescue", "lost", last], None, &[]);
    let guide = lost.ok().json();
    assert_eq!(guide["case"], "lost");
    let actions: Vec<&str> =
        guide["steps"].as_array().unwrap().iter().map(|s| s["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["invalidate_all", "replace", "update_where_used"]);

    // Acting with the keychain's copy needs one; an unknown fingerprint is said as such.
    let revoke =
        gatehouse(config, &["--demo", "--json", "token", "revoke", "--kept", last], None, &[]);
    assert_ne!(revoke.code, 0);
    assert_eq!(revoke.json()["error"]["code"], "no_kept_copy", "{}", revoke.stdout);
    let unknown =
        gatehouse(config, &["--demo", "--json", "token", "rescue", "lost", "zzzzzz"], None, &[]);
    assert_ne!(unknown.code, 0);
    assert_eq!(unknown.json()["error"]["code"], "fingerprint_unknown", "{}", unknown.stdout);
    assert!(unknown.json()["error"]["fix"].as_str().unwrap().contains("gatehouse token list"));

    // The CLI's own way to stop it: every token of the system user.
    let done =
        gatehouse(config, &["--demo", "token", "invalidate", "--system-user", &id], None, &[]);
    assert!(done.ok().stdout.contains("is invalidated"));
}
