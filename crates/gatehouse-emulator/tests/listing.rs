//! Listing edges: paging, fields, search, summaries and visibility.

mod common;

use common::{proof, q, Env};
use serde_json::json;

fn path_of(url: &str, port: u16) -> String {
    let prefix = format!("http://127.0.0.1:{port}");
    assert!(url.starts_with(&prefix), "next link on the emulator's own host: {url}");
    url[prefix.len()..].to_string()
}

#[tokio::test]
async fn cursor_paging_walks_every_item_once() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let first = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?access_token={t}&summary=total_count", a.id))
        .await;
    let body = first.ok();
    assert_eq!(body["data"].as_array().unwrap().len(), 25, "default page size");
    let total = body["summary"]["total_count"].as_u64().unwrap();
    assert_eq!(total, 2_000);
    assert!(body["paging"]["cursors"]["after"].is_string());
    assert!(body["paging"].get("previous").is_none());
    // Walk by `next` with the maximum page size (limit above the cap is clamped to 500).
    let mut seen = std::collections::HashSet::new();
    let mut next = Some(format!(
        "/v26.0/{}/owned_ad_accounts?access_token={t}&limit=10000&fields=id,name",
        a.id
    ));
    let mut pages = 0;
    while let Some(p) = next {
        let r = env.get(&p).await;
        let data = r.ok()["data"].as_array().unwrap().clone();
        assert!(data.len() <= 500);
        for item in &data {
            assert!(seen.insert(item["id"].as_str().unwrap().to_string()), "duplicate");
            assert_eq!(item.as_object().unwrap().len(), 2);
        }
        pages += 1;
        next = r.json["paging"]["next"].as_str().map(|u| path_of(u, env.port));
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(pages, 4);
    // `before` goes back.
    let p2 = env.get(&format!("/v26.0/{}/owned_ad_accounts?access_token={t}&limit=5", a.id)).await;
    let after = p2.json["paging"]["cursors"]["after"].as_str().unwrap().to_string();
    let p3 = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?access_token={t}&limit=5&after={after}", a.id))
        .await;
    let prev = path_of(p3.json["paging"]["previous"].as_str().unwrap(), env.port);
    assert_eq!(env.get(&prev).await.json["data"], p2.json["data"]);
    // A garbage cursor is code 100.
    env.get(&format!("/v26.0/{}/owned_ad_accounts?access_token={t}&after=bm9wZQ", a.id))
        .await
        .err(100, None);
}

#[tokio::test]
async fn fields_nested_unknown_and_defaults() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let r = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?limit=3&fields=id,account_id,name,currency,account_status,tos_accepted,business{{id,name}}&access_token={t}", a.id))
        .await;
    let acct = &r.ok()["data"][0];
    assert!(acct["id"].as_str().unwrap().starts_with("act_"));
    assert_eq!(
        acct["account_id"].as_str().unwrap(),
        acct["id"].as_str().unwrap().trim_start_matches("act_")
    );
    assert_eq!(acct["currency"].as_str().unwrap().len(), 3);
    assert!(acct["account_status"].is_u64());
    assert!(acct["tos_accepted"].is_object());
    assert_eq!(acct["business"], json!({"id": a.id, "name": a.name}));
    // Defaults.
    let r = env.get(&format!("/v26.0/{}/owned_pages?limit=1&access_token={t}", a.id)).await;
    let keys: Vec<String> = r.ok()["data"][0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["id", "name"]);
    // Unknown field: 100.
    let r =
        env.get(&format!("/v26.0/{}/owned_pages?fields=id,colour&access_token={t}", a.id)).await;
    r.err(100, None);
    assert!(r.json["error"]["message"].as_str().unwrap().contains("nonexisting field (colour)"));
    // `owner_business` only where Meta's SDK has it: a client's pixel names its owner, an
    // InstagramBusinessAsset has no such field.
    let r = env
        .get(&format!("/v26.0/{}/client_pixels?fields=id,owner_business&access_token={t}", a.id))
        .await;
    let owner = &r.ok()["data"][0]["owner_business"];
    assert!(owner["id"].is_string() && owner["id"] != a.id.as_str(), "{owner}");
    let r = env
        .get(&format!(
            "/v26.0/{}/client_instagram_assets?fields=id,owner_business&access_token={t}",
            a.id
        ))
        .await;
    r.err(100, None);
    // Nested edges in fields on a node, with a limit.
    let r = env
        .get(&format!("/v26.0/{}?fields=id,name,owned_pages.limit(2){{id,name,category}},owned_apps&access_token={t}", a.id))
        .await;
    let body = r.ok();
    assert_eq!(body["owned_pages"]["data"].as_array().unwrap().len(), 2);
    assert!(body["owned_pages"]["data"][0]["category"].is_string());
    let next = body["owned_pages"]["paging"]["next"].as_str().unwrap();
    let nested_next = env.get(&path_of(next, env.port)).await;
    assert_eq!(nested_next.ok()["data"].as_array().unwrap().len(), 2);
    assert_eq!(body["owned_apps"]["data"][0]["id"], a.apps[0].id);
    // Nested unknown field is also 100; a syntax error is 2500.
    env.get(&format!("/v26.0/{}?fields=owned_pages{{nope}}&access_token={t}", a.id))
        .await
        .err(100, None);
    env.get(&format!("/v26.0/{}?fields=owned_pages{{id&access_token={t}", a.id))
        .await
        .err(2500, None);
}

#[tokio::test]
async fn every_owned_and_client_edge_lists() {
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
        "owned_apps",
        "client_pages",
        "client_ad_accounts",
        "client_product_catalogs",
        "client_pixels",
        "client_instagram_assets",
        "client_whatsapp_business_accounts",
        "adspixels",
        "business_users",
        "managed_businesses",
    ] {
        let r =
            env.get(&format!("/v26.0/{}/{edge}?summary=total_count&access_token={t}", a.id)).await;
        let n = r.ok()["summary"]["total_count"].as_u64().unwrap();
        assert!(n > 0, "{edge} is empty");
    }
    // Client assets carry the tasks granted to this business.
    let r = env
        .get(&format!(
            "/v26.0/{}/client_ad_accounts?limit=1&fields=id,permitted_tasks&access_token={t}",
            a.id
        ))
        .await;
    assert_eq!(r.ok()["data"][0]["permitted_tasks"], json!(["MANAGE", "ADVERTISE", "ANALYZE"]));
    let r =
        env.get(&format!("/v26.0/{}/owned_instagram_assets?limit=1&access_token={t}", a.id)).await;
    let ig = &r.ok()["data"][0];
    assert!(ig["ig_username"].is_string() && ig["ig_user_id"].is_string());
}

#[tokio::test]
async fn search_query_on_ad_accounts() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let r = env.get(&format!("/v26.0/{}/owned_ad_accounts?search_query={}&summary=total_count&limit=500&access_token={t}", a.id, q("kestrel bikes – uk"))).await;
    let body = r.ok();
    let n = body["summary"]["total_count"].as_u64().unwrap();
    assert!(n > 0 && n < 100, "{n}");
    for item in body["data"].as_array().unwrap() {
        assert!(item["name"].as_str().unwrap().to_lowercase().contains("kestrel bikes – uk"));
    }
    // By ID.
    let id = body["data"][0]["account_id"].as_str().unwrap().to_string();
    let r = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?search_query={id}&access_token={t}", a.id))
        .await;
    assert_eq!(r.ok()["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn employee_sees_only_its_assets() {
    let env = Env::demo().await;
    let a = env.agency();
    let admin = a.admin_token.clone().unwrap();
    let app = &a.apps[0];
    // The fixture's "Reporting Server" employee has 5 ad accounts, 1 Page, 1 catalog, 1 WABA.
    let list = env.get(&format!("/v26.0/{}/system_users?access_token={admin}", a.id)).await;
    let reporting =
        list.ok()["data"].as_array().unwrap().iter().find(|u| u["role"] == "EMPLOYEE").unwrap()
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    let p = proof(&admin, &app.secret);
    let tok = env
        .post(
            &format!("/v26.0/{reporting}/access_tokens"),
            &[
                ("business_app", &app.id),
                ("scope", "business_management,ads_read"),
                ("appsecret_proof", &p),
                ("access_token", &admin),
            ],
        )
        .await
        .ok()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?summary=total_count&access_token={tok}", a.id))
        .await;
    assert_eq!(r.ok()["summary"]["total_count"], 5);
    let mine = r.json["data"][0]["id"].as_str().unwrap().to_string();
    env.get(&format!("/v26.0/{mine}?access_token={tok}")).await.ok();
    let all =
        env.get(&format!("/v26.0/{}/owned_ad_accounts?limit=10&access_token={admin}", a.id)).await;
    let not_mine = all.json["data"][9]["id"].as_str().unwrap().to_string();
    env.get(&format!("/v26.0/{not_mine}?access_token={tok}")).await.err(100, Some(33));
    // Its assigned_* edges, with tasks.
    let r = env.get(&format!("/v26.0/me/assigned_ad_accounts?fields=id,account_id,tasks,permitted_tasks&access_token={tok}")).await;
    let d = r.ok()["data"].as_array().unwrap();
    assert_eq!(d.len(), 5);
    assert_eq!(d[0]["tasks"], json!(["ADVERTISE", "ANALYZE"]));
    assert_eq!(
        d[0]["permitted_tasks"],
        json!(["MANAGE", "ADVERTISE", "ANALYZE", "DRAFT", "AA_ANALYZE"])
    );
    for edge in
        ["assigned_pages", "assigned_product_catalogs", "assigned_whatsapp_business_accounts"]
    {
        let r = env.get(&format!("/v26.0/{reporting}/{edge}?access_token={admin}")).await;
        assert_eq!(r.ok()["data"].as_array().unwrap().len(), 1, "{edge}");
    }
    // Field expansion of assigned edges on the node (D-PERM).
    let r = env.get(&format!("/v26.0/{reporting}?fields=id,name,assigned_pages{{id,name,tasks}}&access_token={admin}")).await;
    assert_eq!(r.ok()["assigned_pages"]["data"][0]["tasks"], json!(["ANALYZE", "ADVERTISE"]));
    // A token without business_management cannot list business assets.
    let (_, plain) = {
        let su = env
            .post(
                &format!("/v26.0/{}/system_users", a.id),
                &[("name", "NoBM"), ("access_token", &admin)],
            )
            .await
            .ok()["id"]
            .as_str()
            .unwrap()
            .to_string();
        env.post(
            &format!("/v26.0/{su}/applications"),
            &[("business_app", &app.id), ("access_token", &admin)],
        )
        .await
        .ok();
        let t = env
            .post(
                &format!("/v26.0/{su}/access_tokens"),
                &[
                    ("business_app", &app.id),
                    ("scope", "ads_read"),
                    ("appsecret_proof", &p),
                    ("access_token", &admin),
                ],
            )
            .await;
        (su, t.ok()["access_token"].as_str().unwrap().to_string())
    };
    env.get(&format!("/v26.0/{}/owned_ad_accounts?access_token={plain}", a.id))
        .await
        .err(200, None);
    env.get(&format!("/v26.0/{}?fields=owned_ad_accounts&access_token={plain}", a.id))
        .await
        .err(200, None);
    // Nested system_users needs an admin, like the edge itself.
    env.get(&format!("/v26.0/{}?fields=system_users&access_token={tok}", a.id)).await.err(10, None);
    let r = env
        .get(&format!("/v26.0/{}?fields=system_users{{id,role}}&access_token={admin}", a.id))
        .await;
    assert!(r.ok()["system_users"]["data"].as_array().unwrap().len() >= 2);
}
