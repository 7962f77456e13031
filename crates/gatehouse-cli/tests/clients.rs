//! `gatehouse clients`: Business On Behalf Of from the command line against the emulator: remove
//! the demo's link, link the client again with its admin's token (read from stdin, never
//! printed), get the client system user's token, give it a client asset, list, remove.

mod support;

use std::io::{Read, Write};

use support::Portfolio;

/// The client's first ad account, read from the emulator with the client admin's token.
fn first_ad_account(base: &str, client: &str, token: &str) -> String {
    let url = url::Url::parse(base).unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", url.port().unwrap())).unwrap();
    write!(
        stream,
        "GET /v26.0/{client}/owned_ad_accounts?limit=1&access_token={token} HTTP/1.1\r\nHost: \
         127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    // A chunked body: the JSON object is between its first `{` and last `}`.
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["data"][0]["id"].as_str().unwrap().to_owned()
}

#[test]
fn link_token_assign_list_and_remove_a_client() {
    let p = Portfolio::start();
    let manifest = p.emulator.manifest().clone();
    let client = manifest
        .businesses
        .iter()
        .find(|b| b.apps.is_empty() && b.developer_apps.is_empty())
        .unwrap()
        .clone();
    let client_admin = client.user_token.clone().unwrap();

    p.run(&["clients", "remove", "--client", &client.id], None).ok();
    let listed = p.run(&["--json", "clients", "list"], None);
    let listed = listed.ok().json();
    assert_eq!(listed["clients"], serde_json::json!([]));
    // Meta's client relationships (it shares assets with the agency), named, not linked.
    let others = listed["not_linked"].as_array().unwrap();
    assert!(others
        .iter()
        .any(|c| c["id"] == client.id.as_str() && c["name"] == client.name.as_str()));

    let linked = p.run(&["clients", "link", "--client", &client.id], Some(&client_admin));
    let linked = linked.ok();
    assert!(
        linked.stderr.contains("appears in the client's Business Settings"),
        "{}",
        linked.stderr
    );
    assert!(!linked.stderr.contains(&client_admin) && !linked.stdout.contains(&client_admin));
    let listed = p.run(&["--json", "clients", "list"], None);
    let listed = listed.ok().json();
    assert_eq!(listed["clients"][0], client.id.as_str());
    assert_eq!(listed["linked"][0]["name"], client.name.as_str());

    let token = p.run(
        &[
            "clients",
            "token",
            "--client",
            &client.id,
            "--scopes",
            "ads_read",
            "--name",
            "Agency CLI",
            "--show",
        ],
        None,
    );
    let token = token.ok();
    assert!(token.stderr.contains("“Agency CLI”"), "{}", token.stderr);
    let su =
        token.stderr.split("“Agency CLI” (").nth(1).unwrap().split(')').next().unwrap().to_owned();
    assert!(token.stdout.trim().len() > 20, "the token on stdout");

    let account = first_ad_account(p.emulator.url(), &client.id, &client_admin);
    let assigned = p.run(
        &[
            "clients",
            "assign",
            "--client",
            &client.id,
            "--system-user",
            &su,
            "--kind",
            "ad-account",
            "--tasks",
            "ANALYZE",
            &account,
        ],
        Some(&client_admin),
    );
    assert!(assigned.ok().stdout.contains(&format!("ok    {account}")), "{}", assigned.stdout);

    p.run(&["clients", "remove", "--client", &client.id], None).ok();
    let listed = p.run(&["--json", "clients", "list"], None);
    let listed = listed.ok().json();
    assert_eq!(listed["clients"], serde_json::json!([]));
    // Meta's client relationships (it shares assets with the agency), named, not linked.
    let others = listed["not_linked"].as_array().unwrap();
    assert!(others
        .iter()
        .any(|c| c["id"] == client.id.as_str() && c["name"] == client.name.as_str()));
    let log = p.run(&["--json", "audit", "list", "--search", &client.id], None);
    let actions: Vec<String> = log
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        actions,
        vec![
            "client_removed",
            "asset_assigned",
            "token_generated",
            "client_linked",
            "client_removed"
        ],
        "newest first"
    );
}
