//! The emulator refuses what Meta's published schema does not have (meta-fidelity.md): unknown
//! edges and fields are `(#100)` errors, `business` is required on every `assigned_users` read,
//! secret-bearing endpoints are plain GETs only, and Meta's failure modes are reproducible
//! (an error after a committed write, usage headers that appear only after some calls).

mod common;

use common::{first, q, Env};
use serde_json::json;

fn nonexisting(r: &common::Resp, name: &str) {
    let e = r.err(100, None);
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(msg.contains("nonexisting field") && msg.contains(name), "{msg}");
}

#[tokio::test]
async fn a_system_users_edges_have_metas_names_and_fields() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let su = a.admin_system_user_id.clone().unwrap();
    let get = |path: String| {
        let env = &env;
        async move { env.get(&path).await }
    };
    // The names Meta's System User reference uses.
    for edge in [
        "assigned_pages",
        "assigned_ad_accounts",
        "assigned_product_catalogs",
        "assigned_ads_pixels",
        "assigned_instagram_accounts",
        "assigned_whatsapp_business_accounts",
        "assigned_apps",
        "assigned_applications",
    ] {
        get(format!("/v26.0/{su}/{edge}?access_token={t}")).await.ok();
    }
    // Names that exist nowhere in Meta's API, and the GET that only the emulator once answered.
    for edge in ["assigned_pixels", "assigned_instagram_assets", "applications"] {
        nonexisting(&get(format!("/v26.0/{su}/{edge}?access_token={t}")).await, edge);
    }
    // Per-edge fields: WABAs add `tasks` only; Instagram lists IGUser nodes with
    // `permitted_roles`; the business asset's `ig_user_id` is not an IGUser field.
    let waba = format!("/v26.0/{su}/assigned_whatsapp_business_accounts?access_token={t}");
    get(format!("{waba}&fields=id,name,tasks")).await.ok();
    nonexisting(&get(format!("{waba}&fields=id,permitted_tasks")).await, "permitted_tasks");
    let ig = format!("/v26.0/{su}/assigned_instagram_accounts?access_token={t}");
    get(format!("{ig}&fields=id,username,name,permitted_roles")).await.ok();
    nonexisting(&get(format!("{ig}&fields=id,ig_user_id")).await, "ig_user_id");
    nonexisting(&get(format!("{ig}&fields=id,tasks")).await, "tasks");
    // Edge fields are not node fields.
    let page = first(&env, "owned_pages").await;
    nonexisting(&get(format!("/v26.0/{page}?fields=id,tasks&access_token={t}")).await, "tasks");
    let biz = &a.id;
    nonexisting(
        &get(format!("/v26.0/{biz}/client_apps?fields=id,permitted_tasks&access_token={t}")).await,
        "permitted_tasks",
    );
    get(format!("/v26.0/{biz}/client_pages?fields=id,permitted_tasks&access_token={t}")).await.ok();
}

#[tokio::test]
async fn assigned_users_needs_the_business_on_every_kind() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    for edge in [
        "owned_pages",
        "owned_ad_accounts",
        "owned_product_catalogs",
        "owned_pixels",
        "owned_instagram_assets",
        "owned_whatsapp_business_accounts",
    ] {
        let asset = first(&env, edge).await;
        let r = env.get(&format!("/v26.0/{asset}/assigned_users?access_token={t}")).await;
        let e = r.err(100, None);
        assert!(e["error"]["message"].as_str().unwrap().contains("business"), "{edge}: {e}");
        env.get(&format!("/v26.0/{asset}/assigned_users?business={}&access_token={t}", a.id))
            .await
            .ok();
    }
}

#[tokio::test]
async fn secret_bearing_endpoints_are_plain_gets_only() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let app = &a.apps[0];
    let app_token = format!("{}|{}", app.id, app.secret);
    let debug = format!("/v26.0/debug_token?input_token={t}&access_token={}", q(&app_token));
    assert_eq!(env.get(&debug).await.ok()["data"]["is_valid"], true);
    // POST with a form body: refused.
    env.post("/v26.0/debug_token", &[("input_token", &t), ("access_token", &app_token)])
        .await
        .err(100, Some(33));
    env.post(
        "/v26.0/oauth/access_token",
        &[
            ("grant_type", "fb_exchange_token"),
            ("client_id", &app.id),
            ("client_secret", &app.secret),
            ("fb_exchange_token", &t),
        ],
    )
    .await
    .err(100, Some(33));
    // Inside a batch: the operation is refused, the batch itself answers.
    let batch = json!([
        {"method": "GET", "relative_url": format!("v26.0/debug_token?input_token={t}")},
        {"method": "GET", "relative_url": format!("v26.0/oauth/revoke?client_id={}&client_secret={}&revoke_token={t}", app.id, app.secret)},
        {"method": "GET", "relative_url": "v26.0/me?fields=id"},
    ]);
    let r = env.post("/v26.0/", &[("batch", &batch.to_string()), ("access_token", &t)]).await;
    let items = r.ok().as_array().unwrap();
    assert_eq!(items[0]["code"], 400, "{items:?}");
    assert_eq!(items[1]["code"], 400, "{items:?}");
    assert_eq!(items[2]["code"], 200, "{items:?}");
    // The revoke inside the batch did nothing: the token still works.
    env.get(&format!("/v26.0/me?access_token={t}")).await.ok();
}

#[tokio::test]
async fn a_write_can_be_made_and_still_answered_with_code_1_or_2() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let path = format!("/v26.0/{}/system_users", a.id);
    for (faults, status, code, subcode) in [
        (json!({"commit_then_error_next": 1}), 500, 2, None),
        (json!({"commit_then_error_next": 1, "transient_status": 400}), 400, 2, Some(1504044)),
        (json!({"commit_then_error_next": 1, "commit_then_error_code": 1}), 500, 1, Some(99)),
    ] {
        let name = format!("Committed {code} {status}");
        env.control("PUT", "/faults", faults).await;
        let r = env.post(&path, &[("name", &name), ("access_token", &t)]).await;
        assert_eq!((r.status, r.code(), r.subcode()), (status, Some(code), subcode), "{}", r.json);
        // Yet the system user exists.
        let list = env.get(&format!("{path}?limit=100&access_token={t}")).await;
        let made = list.ok()["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["name"] == name.as_str())
            .count();
        assert_eq!(made, 1, "{name}");
    }
    // A read is never answered that way: nothing was committed.
    env.control("PUT", "/faults", json!({"commit_then_error_rate": 1.0})).await;
    env.get(&format!("/v26.0/me?access_token={t}")).await.ok();
    let log = env.control("GET", "/requests", json!(null)).await;
    let faults: Vec<_> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["fault"] == "commit_then_error")
        .collect();
    assert_eq!(faults.len(), 3);
}

#[tokio::test]
async fn usage_headers_can_start_after_some_calls() {
    let env = Env::with(
        gatehouse_emulator::EmulatorConfig::new(gatehouse_emulator::Fixture::demo()).limits(
            gatehouse_emulator::LimitsConfig { usage_headers_after_calls: 2, ..Default::default() },
        ),
    )
    .await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let url = format!("/v26.0/{}/owned_ad_accounts?limit=1&access_token={t}", a.id);
    for call in 1..=3 {
        let r = env.get(&url).await;
        r.ok();
        let has = r.headers.contains_key("x-business-use-case-usage");
        assert_eq!(has, call > 2, "call {call}");
    }
}
