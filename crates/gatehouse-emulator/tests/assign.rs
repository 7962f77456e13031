//! `assigned_users` per asset type, and On Behalf Of.

mod common;

use common::{first, proof, Env};
use serde_json::json;

async fn new_su(env: &Env, name: &str) -> String {
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    env.post(&format!("/v26.0/{}/system_users", a.id), &[("name", name), ("access_token", &t)])
        .await
        .ok()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn ad_account_assignment_rules() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let acct = first(&env, "owned_ad_accounts").await;
    let su = new_su(&env, "Ads").await;
    let path = format!("/v26.0/{acct}/assigned_users");
    // All three list encodings.
    for tasks in [r#"["MANAGE","ADVERTISE","ANALYZE"]"#, "['ADVERTISE', 'ANALYZE']", "ANALYZE"] {
        let r = env
            .post(
                &path,
                &[("user", &su), ("tasks", tasks), ("business", &a.id), ("access_token", &t)],
            )
            .await;
        assert_eq!(r.ok(), &json!({"success": true}));
    }
    // Unsupported combination and unknown task.
    env.post(&path, &[("user", &su), ("tasks", "MANAGE"), ("access_token", &t)])
        .await
        .err(100, Some(1752129));
    let r = env.post(&path, &[("user", &su), ("tasks", "MANAGE,FLY"), ("access_token", &t)]).await;
    r.err(100, None);
    assert!(r.json["error"]["message"].as_str().unwrap().contains("tasks[1]"));
    env.post(&path, &[("tasks", "ANALYZE"), ("access_token", &t)]).await.err(100, None);
    // GET needs `business`.
    env.get(&format!("{path}?access_token={t}")).await.err(100, None);
    let r = env.get(&format!("{path}?business={}&fields=id,name,tasks,permitted_tasks,user_type&summary=total_count&access_token={t}", a.id)).await;
    let d = r.ok();
    // The fixture's Reporting Server already holds this account.
    assert_eq!(d["summary"]["total_count"], 2);
    let mine = d["data"].as_array().unwrap().iter().find(|u| u["id"] == su.as_str()).unwrap();
    assert_eq!(mine["tasks"], json!(["ANALYZE"]));
    assert_eq!(mine["user_type"], "SYSTEM_USER");
    assert_eq!(
        mine["permitted_tasks"],
        json!(["MANAGE", "ADVERTISE", "ANALYZE", "DRAFT", "AA_ANALYZE"])
    );
    // DELETE.
    let r = env.delete(&format!("{path}?user={su}&access_token={t}")).await;
    assert_eq!(r.ok(), &json!({"success": true}));
    let r = env.get(&format!("{path}?business={}&access_token={t}", a.id)).await;
    assert!(r.ok()["data"].as_array().unwrap().iter().all(|u| u["id"] != su.as_str()));
    // Unknown asset: 100/33.
    env.post(
        "/v26.0/act_1/assigned_users",
        &[("user", &su), ("tasks", "ANALYZE"), ("access_token", &t)],
    )
    .await
    .err(100, Some(33));
}

#[tokio::test]
async fn per_type_task_enums_and_required_params() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let su = new_su(&env, "Assets").await;
    let post = |asset: String, tasks: Option<&'static str>| {
        let su = su.clone();
        let t = t.clone();
        let env = &env;
        async move {
            let mut form = vec![("user", su.as_str()), ("access_token", t.as_str())];
            if let Some(x) = tasks {
                form.push(("tasks", x));
            }
            env.post(&format!("/v26.0/{asset}/assigned_users"), &form).await
        }
    };
    let page = first(&env, "owned_pages").await;
    let catalog = first(&env, "owned_product_catalogs").await;
    let pixel = first(&env, "owned_pixels").await;
    let ig = first(&env, "owned_instagram_assets").await;
    let waba = first(&env, "owned_whatsapp_business_accounts").await;
    // Pages: tasks optional; DRAFT is not assignable; v26 task accepted.
    post(page.clone(), None).await.ok();
    post(page.clone(), Some("['DRAFT']")).await.err(100, None);
    post(page.clone(), Some("PROFILE_PLUS_CREATOR_MANAGEMENT,ANALYZE")).await.ok();
    // Catalogs, pixels, WABAs: tasks required, their own enums.
    for asset in [&catalog, &pixel, &waba] {
        post(asset.clone(), None).await.err(100, None);
    }
    post(catalog.clone(), Some("MANAGE_AR")).await.ok();
    post(catalog.clone(), Some("EDIT")).await.err(100, None);
    post(pixel.clone(), Some("['EDIT','UPLOAD']")).await.ok();
    post(waba.clone(), Some("MANAGE_TEMPLATES,VIEW_COST")).await.ok();
    post(waba.clone(), Some("ANALYZE")).await.err(100, None);
    post(ig.clone(), Some("CONTENT,MESSAGES")).await.ok();
    post(ig.clone(), Some("MANAGE")).await.err(100, None);
    // `business` is required on GET for every kind (SDK param checkers, REF-PAU, REF-WAU).
    for asset in [&catalog, &pixel, &page, &ig, &waba] {
        env.get(&format!("/v26.0/{asset}/assigned_users?access_token={t}")).await.err(100, None);
        let r = env
            .get(&format!("/v26.0/{asset}/assigned_users?business={}&access_token={t}", a.id))
            .await;
        assert!(r.ok()["data"].as_array().unwrap().iter().any(|u| u["id"] == su.as_str()));
    }
    // Pixels have no DELETE (SDK-CG); Pages do.
    env.delete(&format!("/v26.0/{pixel}/assigned_users?user={su}&access_token={t}"))
        .await
        .err(100, Some(33));
    env.delete(&format!("/v26.0/{page}/assigned_users?user={su}&access_token={t}")).await.ok();
    // Apps have no assigned_users edge.
    env.get(&format!("/v26.0/{}/assigned_users?access_token={t}", a.apps[0].id))
        .await
        .err(100, None);
    // The system user's assigned_* edges reflect it all.
    let r = env
        .get(&format!("/v26.0/{su}/assigned_product_catalogs?fields=id,tasks&access_token={t}"))
        .await;
    assert_eq!(r.ok()["data"][0]["tasks"], json!(["MANAGE_AR"]));
    let r = env.get(&format!("/v26.0/{su}/assigned_pages?access_token={t}")).await;
    assert_eq!(r.ok()["data"], json!([]));
}

#[tokio::test]
async fn only_admins_assign_and_shared_assets_are_capped() {
    let env = Env::demo().await;
    let a = env.agency();
    let admin = a.admin_token.clone().unwrap();
    let app = &a.apps[0];
    let su = new_su(&env, "Target").await;
    let acct = first(&env, "owned_ad_accounts").await;
    // An employee (even one with access to the asset) cannot assign: code 10.
    let emp = new_su(&env, "Emp").await;
    env.post(
        &format!("/v26.0/{emp}/applications"),
        &[("business_app", &app.id), ("access_token", &admin)],
    )
    .await
    .ok();
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &emp), ("tasks", "ANALYZE"), ("access_token", &admin)],
    )
    .await
    .ok();
    let p = proof(&admin, &app.secret);
    let et = env
        .post(
            &format!("/v26.0/{emp}/access_tokens"),
            &[
                ("business_app", &app.id),
                ("scope", "business_management"),
                ("appsecret_proof", &p),
                ("access_token", &admin),
            ],
        )
        .await
        .ok()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &su), ("tasks", "ANALYZE"), ("access_token", &et)],
    )
    .await
    .err(10, None);
    // A human admin can.
    let human = a.user_token.clone().unwrap();
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &su), ("tasks", "ANALYZE"), ("access_token", &human)],
    )
    .await
    .ok();
    // Client-shared ad accounts: the agency may assign up to what it was granted.
    let shared_page = first(&env, "client_pages").await;
    env.post(
        &format!("/v26.0/{shared_page}/assigned_users"),
        &[("user", &su), ("tasks", "ANALYZE,ADVERTISE"), ("access_token", &admin)],
    )
    .await
    .ok();
    env.post(
        &format!("/v26.0/{shared_page}/assigned_users"),
        &[("user", &su), ("tasks", "MESSAGING"), ("access_token", &admin)],
    )
    .await
    .err(10, None);
    // Users of another business cannot be assigned.
    let other_admin = env.m().businesses[1].admin_system_user_id.clone().unwrap();
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &other_admin), ("tasks", "ANALYZE"), ("access_token", &admin)],
    )
    .await
    .err(100, None);
    // Another business's assets are invisible: 100/33.
    let client_admin = env.m().businesses[1].admin_token.clone().unwrap();
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &su), ("tasks", "ANALYZE"), ("access_token", &client_admin)],
    )
    .await
    .err(100, Some(33));
}

#[tokio::test]
async fn on_behalf_of_flow() {
    let env = Env::demo().await;
    let a = env.agency();
    let app = &a.apps[0];
    let partner_admin = a.admin_token.clone().unwrap();
    let client = env
        .m()
        .businesses
        .iter()
        .find(|b| b.apps.is_empty() && b.developer_apps.is_empty())
        .unwrap();
    let client_user = client.user_token.clone().unwrap();
    // End and re-create the relationship with the client admin's token.
    let mb =
        format!("/v26.0/{}/managed_businesses?existing_client_business_id={}", a.id, client.id);
    let r = env.delete(&format!("{mb}&access_token={client_user}")).await;
    assert_eq!(r.ok(), &json!({"success": true}));
    let obo = format!("/v26.0/{}/access_token", client.id);
    let p = proof(&partner_admin, &app.secret);
    let form = [
        ("scope", "ads_management,pages_read_engagement"),
        ("app_id", app.id.as_str()),
        ("appsecret_proof", p.as_str()),
        ("access_token", partner_admin.as_str()),
    ];
    env.post(&obo, &form).await.err(10, None);
    // Only the client's admin may create it (the partner's admin may not).
    env.post(&format!("{mb}&access_token={partner_admin}"), &[]).await.err(10, None);
    let r = env.post(&format!("{mb}&access_token={client_user}"), &[]).await;
    assert_eq!(r.ok()["id"], client.id);
    // Without a proof: rejected.
    env.post(
        &obo,
        &form[..2]
            .iter()
            .copied()
            .chain([("access_token", partner_admin.as_str())])
            .collect::<Vec<_>>(),
    )
    .await
    .err(100, None);
    let r = env.post(&obo, &form).await;
    let ct = r.ok()["access_token"].as_str().unwrap().to_string();
    let me = env.get(&format!("/v26.0/me?fields=id,name,business&access_token={ct}")).await;
    assert_eq!(me.ok()["name"], format!("{} SYSTEM USER", client.name));
    assert_eq!(me.json["business"]["id"], client.id);
    let su = me.json["id"].as_str().unwrap().to_string();
    // The client's admin assigns a client asset to the new system user (D-OBO step 4).
    let t = client_user.clone();
    let acct = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?limit=1&access_token={t}", client.id))
        .await
        .ok()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.post(&format!("/v26.0/{acct}/assigned_users?user={su}&tasks=MANAGE,ADVERTISE,ANALYZE&access_token={t}"), &[]).await.ok();
    env.get(&format!("/v26.0/{acct}?access_token={ct}")).await.ok();
    // A second call reuses the same system user.
    let again = env.post(&obo, &form).await.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(env.get(&format!("/v26.0/me?access_token={again}")).await.ok()["id"], su);
    // The client sees the partner's app as a shared app.
    let apps = env.get(&format!("/v26.0/{}/client_apps?access_token={t}", client.id)).await;
    assert_eq!(apps.ok()["data"][0]["id"], app.id);
    // Scope the partner token lacks: 200. Unknown scope: 3962.
    let f2 = [
        ("scope", "whatsapp_business_messaging"),
        ("app_id", app.id.as_str()),
        ("appsecret_proof", p.as_str()),
        ("access_token", partner_admin.as_str()),
    ];
    env.post(&obo, &f2).await.err(200, None);
    let f3 = [
        ("scope", "ads_magic"),
        ("app_id", app.id.as_str()),
        ("appsecret_proof", p.as_str()),
        ("access_token", partner_admin.as_str()),
    ];
    env.post(&obo, &f3).await.err(3962, None);
    // Removing the relationship kills the OBO system user's tokens.
    env.delete(&format!("{mb}&access_token={partner_admin}")).await.ok();
    env.get(&format!("/v26.0/me?access_token={ct}")).await.err(190, Some(460));
}
