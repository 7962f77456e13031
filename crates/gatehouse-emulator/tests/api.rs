//! End-to-end rules of the emulated Graph API, driven over HTTP on 127.0.0.1.

mod common;

use common::{proof, Env};
use gatehouse_emulator::{EmulatorConfig, Fixture};
use serde_json::json;

/// Creates an EMPLOYEE system user in the agency, installs the app, returns (su id, token).
async fn employee_with_token(env: &Env, scope: &str, sixty: bool) -> (String, String) {
    let a = env.agency();
    let admin = a.admin_token.clone().unwrap();
    let app = &a.apps[0];
    let su = env
        .post(
            &format!("/v26.0/{}/system_users", a.id),
            &[("name", "Worker"), ("role", "EMPLOYEE"), ("access_token", &admin)],
        )
        .await;
    let su_id = su.ok()["id"].as_str().unwrap().to_string();
    env.post(
        &format!("/v26.0/{su_id}/applications"),
        &[("business_app", &app.id), ("access_token", &admin)],
    )
    .await
    .ok();
    let p = proof(&admin, &app.secret);
    let mut form = vec![
        ("business_app", app.id.as_str()),
        ("scope", scope),
        ("appsecret_proof", &p),
        ("access_token", &admin),
    ];
    if sixty {
        form.push(("set_token_expires_in_60_days", "true"));
    }
    let t = env.post(&format!("/v26.0/{su_id}/access_tokens"), &form).await;
    (su_id, t.ok()["access_token"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn manifest_and_determinism() {
    let env = Env::demo().await;
    let m = env.m();
    assert!(m.url.starts_with("http://127.0.0.1:"));
    let a = env.agency();
    assert_eq!(a.apps[0].tier, gatehouse_emulator::Tier::Full);
    assert!(a.admin_token.as_ref().unwrap().starts_with("EAA"));
    assert!(a.admin_token.as_ref().unwrap().len() > 150);
    assert!(a.user_token.is_some());
    assert_eq!(a.clients.len(), 3);
    assert!(m
        .businesses
        .iter()
        .any(|b| b.apps.len() == 1 && b.apps[0].tier == gatehouse_emulator::Tier::Limited));
    let j = serde_json::to_value(m).unwrap();
    for key in ["id", "name", "admin_token", "user_token", "clients", "apps"] {
        assert!(j["businesses"][0].get(key).is_some(), "{key}");
    }
    assert_eq!(j["businesses"][0]["apps"][0]["tier"], "FULL");
    // Same fixture and seed: same IDs and tokens; another seed: other tokens.
    let again = Env::demo().await;
    assert_eq!(again.agency().admin_token, a.admin_token);
    assert_eq!(again.agency().id, a.id);
    let other = Env::with(EmulatorConfig::new(Fixture::demo()).seed(2)).await;
    assert_ne!(other.agency().admin_token, a.admin_token);
}

#[tokio::test]
async fn versions_token_transport_and_bodies() {
    let env = Env::demo().await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    let me1 = env.get(&format!("/v26.0/me?access_token={t}")).await;
    let me2 = env.get(&format!("/me?access_token={t}")).await;
    let me3 = env.get(&format!("/v21.0/me?access_token={t}")).await;
    assert_eq!(me1.ok(), me2.ok());
    assert_eq!(me1.json, me3.json);
    assert_eq!(me1.json["name"], "Gatehouse Admin");
    let bearer = format!("Bearer {t}");
    let me4 = env
        .send("GET", "/v26.0/me", None, Vec::new(), &[("authorization", &bearer)])
        .await
        .unwrap();
    assert_eq!(me4.ok(), &me1.json);
    // Form body token, then multipart.
    let r = env
        .post(
            &format!("/v26.0/{}/system_users", a.id),
            &[("name", "Form SU"), ("access_token", &t)],
        )
        .await;
    let form_id = r.ok()["id"].as_str().unwrap().to_string();
    let boundary = "XbOuNdArY";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nMultipart SU\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"access_token\"\r\n\r\n{t}\r\n--{boundary}--\r\n"
    );
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = env
        .send("POST", &format!("/v26.0/{}/system_users", a.id), Some(&ct), body.into_bytes(), &[])
        .await
        .unwrap();
    let mp_id = r.ok()["id"].as_str().unwrap().to_string();
    let list = env.get(&format!("/v26.0/{}/system_users?access_token={t}&limit=100", a.id)).await;
    let names: Vec<&str> =
        list.ok()["data"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Form SU") && names.contains(&"Multipart SU"));
    assert_ne!(form_id, mp_id);
    // Read-after-write: `fields` on the POST.
    let r = env
        .post(
            &format!("/v26.0/{}/system_users", a.id),
            &[
                ("name", "RAW SU"),
                ("role", "EMPLOYEE"),
                ("fields", "id,name,role"),
                ("access_token", &t),
            ],
        )
        .await;
    assert_eq!(r.ok()["name"], "RAW SU");
    assert_eq!(r.json["role"], "EMPLOYEE");
    // Query parameters on a POST work too (the OBO guide style).
    let r =
        env.post(&format!("/v26.0/{}/system_users?name=QuerySU&access_token={t}", a.id), &[]).await;
    r.ok();
    // No token at all.
    env.get("/v26.0/me").await.err(104, None);
}

#[tokio::test]
async fn error_envelope_is_exact() {
    let env = Env::demo().await;
    let t = env.agency().admin_token.clone().unwrap();
    let r = env.get(&format!("/v26.0/999999999?access_token={t}")).await;
    let e = &r.err(100, Some(33))["error"];
    let mut keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["code", "error_subcode", "fbtrace_id", "is_transient", "message", "type"]);
    assert_eq!(e["type"], "GraphMethodException");
    assert_eq!(e["is_transient"], false);
    assert!(e["message"]
        .as_str()
        .unwrap()
        .starts_with("Unsupported get request. Object with ID '999999999'"));
    let r = env
        .post(&format!("/v26.0/{}/system_users", env.agency().id), &[("access_token", &t)])
        .await;
    let e = &r.err(100, None)["error"];
    assert!(e["message"].as_str().unwrap().starts_with("(#100) "), "{e}");
    assert!(e.get("error_subcode").is_none());
    // Unknown trailing path components: 2500.
    let r = env.get(&format!("/v26.0/me/accounts/extra?access_token={t}")).await;
    r.err(2500, None);
    assert_eq!(r.json["error"]["message"], "(#2500) Unknown path components: /extra");
}

#[tokio::test]
async fn dead_tokens_get_190_with_subcodes() {
    let env = Env::demo().await;
    env.get("/v26.0/me?access_token=EAAnotatoken").await.err(190, None);
    let a = env.agency();
    let app = &a.apps[0];
    let admin = a.admin_token.clone().unwrap();

    let (_, expiring) = employee_with_token(&env, "ads_read", true).await;
    env.get(&format!("/v26.0/me?access_token={expiring}")).await.ok();
    env.control("POST", "/expire_tokens", json!({"token": expiring})).await;
    let r = env.get(&format!("/v26.0/me?access_token={expiring}")).await;
    r.err(190, Some(463));
    assert!(r.json["error"]["message"].as_str().unwrap().contains("Session has expired"));

    let (_, revoked) = employee_with_token(&env, "ads_read", false).await;
    let rv = env
        .get(&format!(
            "/v26.0/oauth/revoke?client_id={}&client_secret={}&revoke_token={revoked}&access_token={admin}",
            app.id, app.secret
        ))
        .await;
    assert_eq!(rv.ok(), &json!({"success": "true"}));
    env.get(&format!("/v26.0/me?access_token={revoked}")).await.err(190, Some(467));

    let (su, invalidated) = employee_with_token(&env, "ads_read", false).await;
    let r = env.delete(&format!("/v26.0/{su}/access_tokens?access_token={admin}")).await;
    assert_eq!(r.ok(), &json!({"success": true}));
    env.get(&format!("/v26.0/me?access_token={invalidated}")).await.err(190, Some(460));
    // New tokens can be generated afterwards.
    let p = proof(&admin, &app.secret);
    let r = env
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
    let fresh = r.ok()["access_token"].as_str().unwrap().to_string();
    env.get(&format!("/v26.0/me?access_token={fresh}")).await.ok();
    // The clock moves expiry too.
    let (_, sixty) = employee_with_token(&env, "ads_read", true).await;
    env.control("POST", "/clock", json!({"advance_secs": 61 * 24 * 3600})).await;
    env.get(&format!("/v26.0/me?access_token={sixty}")).await.err(190, Some(463));
    env.get(&format!("/v26.0/me?access_token={fresh}")).await.ok();
}

#[tokio::test]
async fn appsecret_proof_plain_timestamped_and_wrong() {
    let env = Env::demo().await;
    let a = env.agency();
    let app = &a.apps[0];
    let admin = a.admin_token.clone().unwrap();
    let su = a.admin_system_user_id.clone().unwrap();
    let path = format!("/v26.0/{su}/access_tokens");
    let base = [
        ("business_app", app.id.as_str()),
        ("scope", "ads_read"),
        ("access_token", admin.as_str()),
    ];
    // Missing: always required on token generation.
    let r = env.post(&path, &base).await;
    r.err(100, None);
    assert_eq!(
        r.json["error"]["message"],
        "API calls from the server require an appsecret_proof argument"
    );
    // Wrong.
    let mut form = base.to_vec();
    form.push(("appsecret_proof", "deadbeef"));
    let r = env.post(&path, &form).await;
    r.err(100, None);
    assert_eq!(r.json["error"]["message"], "Invalid appsecret_proof provided in the API argument");
    assert_eq!(r.json["error"]["type"], "GraphMethodException");
    // Plain.
    let p = proof(&admin, &app.secret);
    let mut form = base.to_vec();
    form.push(("appsecret_proof", &p));
    env.post(&path, &form).await.ok();
    // Time-stamped: HMAC(token|time) with appsecret_time.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let tp = proof(&format!("{admin}|{now}"), &app.secret);
    let mut form = base.to_vec();
    form.push(("appsecret_proof", &tp));
    form.push(("appsecret_time", &now));
    env.post(&path, &form).await.ok();
    // Stale time-stamped proof (over 5 minutes).
    let old = (now.parse::<i64>().unwrap() - 600).to_string();
    let tp = proof(&format!("{admin}|{old}"), &app.secret);
    let mut form = base.to_vec();
    form.push(("appsecret_proof", &tp));
    form.push(("appsecret_time", &old));
    env.post(&path, &form).await.err(100, None);
    // A wrong proof fails any call, even where it is optional.
    env.get(&format!("/v26.0/me?access_token={admin}&appsecret_proof=00")).await.err(100, None);
}

#[tokio::test]
async fn require_app_secret_apps_need_proof_everywhere() {
    let mut fixture = Fixture::demo();
    fixture.businesses[0].apps[0].require_app_secret = true;
    let env = Env::with(EmulatorConfig::new(fixture)).await;
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    env.get(&format!("/v26.0/me?access_token={t}")).await.err(100, None);
    let p = proof(&t, &a.apps[0].secret);
    env.get(&format!("/v26.0/me?access_token={t}&appsecret_proof={p}")).await.ok();
}

#[tokio::test]
async fn system_user_limits_by_tier() {
    let env = Env::demo().await;
    let a = env.agency();
    let admin = a.admin_token.clone().unwrap();
    let path = format!("/v26.0/{}/system_users", a.id);
    // Full tier: 1 admin (taken) + 10 regular (1 taken).
    env.post(&path, &[("name", "Second admin"), ("role", "ADMIN"), ("access_token", &admin)])
        .await
        .err(3965, None);
    for i in 0..9 {
        let name = format!("Employee {i}");
        let r = env.post(&path, &[("name", &name), ("access_token", &admin)]).await;
        assert!(r.ok()["id"].as_str().unwrap().chars().all(|c| c.is_ascii_digit()));
    }
    let r = env
        .post(&path, &[("name", "One too many"), ("role", "EMPLOYEE"), ("access_token", &admin)])
        .await;
    r.err(3949, None);
    assert!(r.json["error"]["message"].as_str().unwrap().contains("maximum number of system user"));
    // Limited tier client: 1 + 1.
    let limited = env
        .m()
        .businesses
        .iter()
        .find(|b| b.apps.first().is_some_and(|x| x.tier == gatehouse_emulator::Tier::Limited))
        .unwrap();
    let lt = limited.admin_token.clone().unwrap();
    let lpath = format!("/v26.0/{}/system_users", limited.id);
    env.post(&lpath, &[("name", "Only one"), ("access_token", &lt)]).await.ok();
    env.post(&lpath, &[("name", "Second"), ("access_token", &lt)]).await.err(3949, None);
    env.post(&lpath, &[("name", "Admin 2"), ("role", "ADMIN"), ("access_token", &lt)])
        .await
        .err(3965, None);
    // A business without an app: 104001.
    let no_app = env.m().businesses.iter().find(|b| b.apps.is_empty()).unwrap();
    let ut = no_app.user_token.clone().unwrap();
    env.post(
        &format!("/v26.0/{}/system_users", no_app.id),
        &[("name", "x"), ("access_token", &ut)],
    )
    .await
    .err(104001, None);
    // Bad role.
    env.post(&lpath, &[("name", "x"), ("role", "KING"), ("access_token", &lt)])
        .await
        .err(100, None);
}

/// A business whose admin develops an app it has not claimed: no system users until it claims
/// the app; claiming twice is 3944; another business's app cannot be claimed.
#[tokio::test]
async fn claiming_a_developer_app_lets_the_business_have_system_users() {
    let env = Env::demo().await;
    let harbor = env.m().businesses.iter().find(|b| !b.developer_apps.is_empty()).unwrap().clone();
    assert!(harbor.apps.is_empty() && harbor.admin_token.is_none());
    let app = harbor.developer_apps[0].clone();
    let ut = harbor.user_token.clone().unwrap();
    let owned = format!("/v26.0/{}/owned_apps", harbor.id);
    let users = format!("/v26.0/{}/system_users", harbor.id);
    // The admin's token is issued for the developer app, which the business does not own yet.
    let me = env.get(&format!("/v26.0/debug_token?input_token={ut}&access_token={ut}")).await;
    assert_eq!(me.ok()["data"]["app_id"], app.id.as_str());
    let listed = env.get(&format!("{owned}?access_token={ut}")).await;
    assert_eq!(listed.ok()["data"], json!([]));
    env.post(&users, &[("name", "Too early"), ("access_token", &ut)]).await.err(104001, None);

    // Unknown app, another business's app, a missing parameter.
    env.post(&owned, &[("app_id", "5579999999999"), ("access_token", &ut)]).await.err(100, None);
    let agency_app = env.agency().apps[0].id.clone();
    env.post(&owned, &[("app_id", &agency_app), ("access_token", &ut)]).await.err(200, None);
    env.post(&owned, &[("access_token", &ut)]).await.err(100, None);

    let claimed = env.post(&owned, &[("app_id", &app.id), ("access_token", &ut)]).await;
    assert_eq!(claimed.ok()["access_status"], "CONFIRMED");
    let listed = env.get(&format!("{owned}?fields=id,name&access_token={ut}")).await;
    assert_eq!(listed.ok()["data"], json!([{"id": app.id, "name": app.name}]));
    env.post(&owned, &[("app_id", &app.id), ("access_token", &ut)]).await.err(3944, None);
    // Now it can have system users, and the app can be installed on them.
    let created = env.post(&users, &[("name", "Orders Server"), ("access_token", &ut)]).await;
    let su = created.ok()["id"].as_str().unwrap().to_owned();
    env.post(
        &format!("/v26.0/{su}/applications"),
        &[("business_app", &app.id), ("access_token", &ut)],
    )
    .await
    .ok();
}

#[tokio::test]
async fn system_user_list_rename_read_and_no_delete() {
    let env = Env::demo().await;
    let a = env.agency();
    let admin = a.admin_token.clone().unwrap();
    let r = env
        .get(&format!("/v26.0/{}/system_users?summary=total_count&access_token={admin}", a.id))
        .await;
    let body = r.ok();
    assert_eq!(body["summary"]["total_count"], 2);
    assert_eq!(
        body["data"][0],
        json!({"id": a.admin_system_user_id.clone().unwrap(), "name": "Gatehouse Admin", "role": "ADMIN"})
    );
    assert_eq!(body["data"][1]["role"], "EMPLOYEE");
    let su = body["data"][1]["id"].as_str().unwrap().to_string();
    // Created without role: EMPLOYEE.
    let created = env
        .post(
            &format!("/v26.0/{}/system_users", a.id),
            &[("name", "No role"), ("access_token", &admin)],
        )
        .await;
    let cid = created.ok()["id"].as_str().unwrap().to_string();
    let read =
        env.get(&format!("/v26.0/{cid}?fields=id,name,role,created_by&access_token={admin}")).await;
    assert_eq!(read.ok()["role"], "EMPLOYEE");
    assert_eq!(read.json["created_by"]["id"], a.admin_system_user_id.clone().unwrap());
    // Rename.
    let r = env
        .post(
            &format!("/v26.0/{}/system_users", a.id),
            &[("system_user_id", &su), ("name", "Renamed"), ("access_token", &admin)],
        )
        .await;
    assert_eq!(r.ok(), &json!({"success": true}));
    assert_eq!(env.get(&format!("/v26.0/{su}?access_token={admin}")).await.ok()["name"], "Renamed");
    // No delete through the API.
    env.delete(&format!("/v26.0/{su}?access_token={admin}")).await.err(100, Some(33));
    assert_eq!(env.get(&format!("/v26.0/{su}?access_token={admin}")).await.ok()["name"], "Renamed");
    // Only admins list or create system users.
    let (_, emp) = employee_with_token(&env, "business_management", false).await;
    env.get(&format!("/v26.0/{}/system_users?access_token={emp}", a.id)).await.err(10, None);
    env.post(&format!("/v26.0/{}/system_users", a.id), &[("name", "x"), ("access_token", &emp)])
        .await
        .err(10, None);
    // Other businesses' system users are invisible.
    let other = env.m().businesses[1].admin_token.clone().unwrap();
    env.get(&format!("/v26.0/{su}?access_token={other}")).await.err(100, Some(33));
}

#[tokio::test]
async fn token_generation_rules_and_debug_token() {
    let env = Env::demo().await;
    let a = env.agency();
    let app = &a.apps[0];
    let admin = a.admin_token.clone().unwrap();
    let su = env
        .post(
            &format!("/v26.0/{}/system_users", a.id),
            &[("name", "Fresh"), ("access_token", &admin)],
        )
        .await;
    let su = su.ok()["id"].as_str().unwrap().to_string();
    let p = proof(&admin, &app.secret);
    let gen = |scope: &'static str| {
        let su = su.clone();
        let admin = admin.clone();
        let p = p.clone();
        let app_id = app.id.clone();
        let env = &env;
        async move {
            env.post(
                &format!("/v26.0/{su}/access_tokens"),
                &[
                    ("business_app", app_id.as_str()),
                    ("scope", scope),
                    ("appsecret_proof", &p),
                    ("access_token", &admin),
                ],
            )
            .await
        }
    };
    // Not installed yet.
    let r = gen("ads_read").await;
    r.err(100, None);
    assert!(r.json["error"]["message"].as_str().unwrap().contains("not installed"));
    let r = env
        .post(
            &format!("/v26.0/{su}/applications"),
            &[("business_app", &app.id), ("access_token", &admin)],
        )
        .await;
    assert_eq!(r.ok(), &json!({"success": true}));
    // Unknown scope: 3962. JSON-array scope works (what SDKs send).
    gen("ads_managment").await.err(3962, None);
    gen(r#"["ads_read","business_management"]"#).await.ok();
    let tok = gen("ads_management,pages_show_list,pages_read_engagement,business_management")
        .await
        .ok()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    // Assign an ad account so granular scopes carry target IDs.
    let acct = env
        .get(&format!("/v26.0/{}/owned_ad_accounts?limit=1&access_token={admin}", a.id))
        .await
        .ok()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.post(
        &format!("/v26.0/{acct}/assigned_users"),
        &[("user", &su), ("tasks", "['ADVERTISE', 'ANALYZE']"), ("access_token", &admin)],
    )
    .await
    .ok();
    let d = env
        .get(&format!(
            "/v26.0/debug_token?input_token={tok}&access_token={}|{}",
            app.id, app.secret
        ))
        .await;
    let data = &d.ok()["data"];
    assert_eq!(data["type"], "SYSTEM_USER");
    assert_eq!(data["expires_at"], 0);
    assert_eq!(data["is_valid"], true);
    assert_eq!(data["app_id"], app.id);
    assert_eq!(data["user_id"], su);
    assert_eq!(data["application"], app.name);
    let gs = data["granular_scopes"].as_array().unwrap();
    let ads = gs.iter().find(|g| g["scope"] == "ads_management").unwrap();
    assert_eq!(ads["target_ids"], json!([acct.trim_start_matches("act_")]));
    let bm = gs.iter().find(|g| g["scope"] == "business_management").unwrap();
    assert_eq!(bm["target_ids"], json!([a.id]));
    // A 60-day token has a real expiry; the token itself may be the caller.
    let (_, sixty) = employee_with_token(&env, "ads_read", true).await;
    let d = env.get(&format!("/v26.0/debug_token?input_token={sixty}&access_token={sixty}")).await;
    let exp = d.ok()["data"]["expires_at"].as_i64().unwrap();
    let issued = d.json["data"]["issued_at"].as_i64().unwrap();
    assert_eq!(exp - issued, 60 * 24 * 3600);
    // An unknown input token is reported, not an error.
    let d = env.get(&format!("/v26.0/debug_token?input_token=EAAbogus&access_token={admin}")).await;
    assert_eq!(d.ok()["data"]["is_valid"], false);
    // must_use_expiring_tokens.
    let mut fixture = Fixture::demo();
    fixture.businesses[0].apps[0].must_use_expiring_tokens = true;
    let env2 = Env::with(EmulatorConfig::new(fixture)).await;
    let a2 = env2.agency();
    let t2 = a2.admin_token.clone().unwrap();
    let p2 = proof(&t2, &a2.apps[0].secret);
    let path = format!("/v26.0/{}/access_tokens", a2.admin_system_user_id.clone().unwrap());
    env2.post(
        &path,
        &[
            ("business_app", &a2.apps[0].id),
            ("scope", "ads_read"),
            ("appsecret_proof", &p2),
            ("access_token", &t2),
        ],
    )
    .await
    .err(100, None);
    env2.post(
        &path,
        &[
            ("business_app", &a2.apps[0].id),
            ("scope", "ads_read"),
            ("set_token_expires_in_60_days", "true"),
            ("appsecret_proof", &p2),
            ("access_token", &t2),
        ],
    )
    .await
    .ok();
}

#[tokio::test]
async fn refresh_keeps_old_token_and_rejects_expired() {
    let env = Env::demo().await;
    let app = env.agency().apps[0].clone();
    let (_, tok) = employee_with_token(&env, "ads_read", true).await;
    let url = |t: &str, secret: &str| {
        format!(
            "/v26.0/oauth/access_token?grant_type=fb_exchange_token&client_id={}&client_secret={secret}&set_token_expires_in_60_days=true&fb_exchange_token={t}",
            app.id
        )
    };
    let r = env.get(&url(&tok, &app.secret)).await;
    let new = r.ok()["access_token"].as_str().unwrap().to_string();
    assert_eq!(r.json["token_type"], "bearer");
    assert!(r.json["expires_in"].as_i64().unwrap() > 5_000_000);
    assert_ne!(new, tok);
    env.get(&format!("/v26.0/me?access_token={tok}")).await.ok();
    env.get(&format!("/v26.0/me?access_token={new}")).await.ok();
    env.get(&url(&tok, "wrongsecret")).await.err(1, None);
    env.control("POST", "/expire_tokens", json!({"token": tok})).await;
    env.get(&url(&tok, &app.secret)).await.err(190, Some(463));
}

#[tokio::test]
async fn me_and_page_tokens() {
    let env = Env::demo().await;
    let a = env.agency();
    let admin = a.admin_token.clone().unwrap();
    let me = env.get(&format!("/v26.0/me?access_token={admin}")).await;
    assert_eq!(me.ok()["id"], a.admin_system_user_id.clone().unwrap());
    let (su, tok) = employee_with_token(&env, "pages_show_list,pages_read_engagement", false).await;
    let page =
        env.get(&format!("/v26.0/{}/owned_pages?limit=1&access_token={admin}", a.id)).await.ok()
            ["data"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
    env.post(
        &format!("/v26.0/{page}/assigned_users"),
        &[("user", &su), ("tasks", r#"["ANALYZE","ADVERTISE"]"#), ("access_token", &admin)],
    )
    .await
    .ok();
    let acc = env.get(&format!("/v26.0/me/accounts?access_token={tok}")).await;
    let d = &acc.ok()["data"];
    assert_eq!(d.as_array().unwrap().len(), 1);
    assert_eq!(d[0]["id"], page);
    assert_eq!(d[0]["tasks"], json!(["ANALYZE", "ADVERTISE"]));
    assert!(d[0]["category_list"].is_array());
    let pt = d[0]["access_token"].as_str().unwrap().to_string();
    assert!(pt.starts_with("EAA"));
    // The Page token is stable and acts as the Page.
    let again = env.get(&format!("/v26.0/me/accounts?access_token={tok}")).await;
    assert_eq!(again.json["data"][0]["access_token"], pt.as_str());
    assert_eq!(env.get(&format!("/v26.0/me?access_token={pt}")).await.ok()["id"], page);
    let dbg = env.get(&format!("/v26.0/debug_token?input_token={pt}&access_token={tok}")).await;
    assert_eq!(dbg.ok()["data"]["type"], "PAGE");
    assert_eq!(dbg.json["data"]["profile_id"], page);
    // Without pages_show_list: no Pages.
    let (_, nopages) = employee_with_token(&env, "ads_read", false).await;
    assert_eq!(
        env.get(&format!("/v26.0/me/accounts?access_token={nopages}")).await.ok()["data"],
        json!([])
    );
}
