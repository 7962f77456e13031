//! The emulated login dialog: the page, a person signing in (a short-lived token in the
//! redirect's fragment, exchanged for a 60-day one), a cancel, a person with no role on the app
//! (Development mode), and the requests Meta refuses (unknown app, another redirect).

mod common;

use common::{q, Env};
use gatehouse_emulator::{API_VERSION, LOGIN_SUCCESS};

fn dialog(app: &str, redirect: &str) -> String {
    format!(
        "/{API_VERSION}/dialog/oauth?client_id={app}&redirect_uri={}&state=s-123&response_type=token&scope=business_management",
        q(redirect)
    )
}

/// The fragment's or query's parameters of a redirect.
fn params_of(location: &str, part: char) -> Vec<(String, String)> {
    let tail = location.split_once(part).map(|(_, t)| t).unwrap_or("");
    let tail = if part == '?' { tail.split('#').next().unwrap_or("") } else { tail };
    form_urlencoded::parse(tail.as_bytes()).into_owned().collect()
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn a_person_signs_in_and_the_token_is_in_the_fragment() {
    let env = Env::demo().await;
    let b = env.agency().clone();
    let app = &b.apps[0];
    let (status, _, html) = env.raw("GET", &dialog(&app.id, LOGIN_SUCCESS), None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("Log in to {}", app.name)) && html.contains("Continue as"),
        "{html}"
    );
    assert!(html.contains("business_management"));

    let person = b.user_id.clone().expect("the agency's admin person");
    let form = [
        ("client_id", app.id.as_str()),
        ("redirect_uri", LOGIN_SUCCESS),
        ("state", "s-123"),
        ("scope", "business_management"),
        ("person", person.as_str()),
    ];
    let (status, headers, _) = env.raw("POST", "/dialog/oauth/answer", Some(&form)).await;
    assert_eq!(status, 302);
    assert_eq!(headers.get("cache-control").map(String::as_str), Some("no-store"));
    let location = &headers["location"];
    assert!(location.starts_with(&format!("{LOGIN_SUCCESS}#")), "{location}");
    let fragment = params_of(location, '#');
    assert_eq!(get(&fragment, "state"), Some("s-123"));
    assert_eq!(get(&fragment, "expires_in"), Some("3600"));
    let token = get(&fragment, "access_token").expect("a token").to_owned();

    // It is the person's, for the app, and it exchanges for a 60-day token.
    let me = env.get(&format!("/{API_VERSION}/me?access_token={token}")).await;
    assert_eq!(me.ok()["id"], person.as_str());
    let long = env
        .get(&format!(
            "/{API_VERSION}/oauth/access_token?grant_type=fb_exchange_token&client_id={}&client_secret={}&fb_exchange_token={token}",
            app.id, app.secret
        ))
        .await;
    assert_eq!(long.ok()["expires_in"], 60 * 86_400);
    let businesses =
        env.get(&format!("/{API_VERSION}/me/businesses?fields=id,name&access_token={token}")).await;
    assert_eq!(businesses.ok()["data"][0]["id"], b.id.as_str());
}

#[tokio::test]
async fn cancel_and_a_person_without_a_role_on_the_app_are_errors_in_the_query() {
    let env = Env::demo().await;
    let b = env.agency().clone();
    let app = &b.apps[0];
    let base = [("client_id", app.id.as_str()), ("redirect_uri", LOGIN_SUCCESS), ("state", "s-9")];

    let cancel = [base.as_slice(), &[("cancel", "1")]].concat();
    let (status, headers, _) = env.raw("POST", "/dialog/oauth/answer", Some(&cancel)).await;
    assert_eq!(status, 302);
    let query = params_of(&headers["location"], '?');
    assert_eq!(get(&query, "error"), Some("access_denied"));
    assert_eq!(get(&query, "error_reason"), Some("user_denied"));
    assert_eq!(get(&query, "error_code"), None, "a cancel has no code");
    assert_eq!(get(&query, "state"), Some("s-9"));

    // A person of another business, with no role on this app.
    let other = env.m().businesses.iter().find(|o| o.id != b.id && o.user_id.is_some()).unwrap();
    let outsider = [base.as_slice(), &[("person", other.user_id.as_deref().unwrap())]].concat();
    let (_, headers, _) = env.raw("POST", "/dialog/oauth/answer", Some(&outsider)).await;
    let query = params_of(&headers["location"], '?');
    assert_eq!(get(&query, "error_code"), Some("200"), "{}", headers["location"]);
    assert!(!headers["location"].contains("access_token"));
}

#[tokio::test]
async fn an_unknown_app_or_another_redirect_is_refused_on_the_page() {
    let env = Env::demo().await;
    let app = env.agency().apps[0].id.clone();
    let (_, headers, html) = env.raw("GET", &dialog("123", LOGIN_SUCCESS), None).await;
    assert!(html.contains("Invalid App ID") && !headers.contains_key("location"));
    let (_, headers, html) = env.raw("GET", &dialog(&app, "https://evil.example/cb"), None).await;
    assert!(html.contains("URL Blocked") && !headers.contains_key("location"), "{html}");
    let (_, _, html) = env
        .raw(
            "GET",
            &format!(
                "/dialog/oauth?client_id={app}&redirect_uri={}&response_type=id_token",
                q(LOGIN_SUCCESS)
            ),
            None,
        )
        .await;
    assert!(html.contains("response_type=token"), "{html}");
}

#[tokio::test]
async fn a_permission_unticked_under_edit_access_is_not_granted() {
    let env = Env::demo().await;
    let b = env.agency().clone();
    let app = &b.apps[0];
    let (_, _, html) = env.raw("GET", &dialog(&app.id, LOGIN_SUCCESS), None).await;
    assert!(html.contains("Edit access") && html.contains("name=\"grant\""), "{html}");
    let person = b.user_id.clone().unwrap();
    let base = [
        ("client_id", app.id.as_str()),
        ("redirect_uri", LOGIN_SUCCESS),
        ("state", "s-1"),
        ("scope", "business_management,ads_read"),
        ("person", person.as_str()),
        ("edit_access", "1"),
    ];
    let scopes_of = |location: &str| {
        let token = get(&params_of(location, '#'), "access_token").unwrap().to_owned();
        let app_token = format!("{}|{}", app.id, app.secret);
        (token, app_token)
    };
    // Both left ticked (repeated fields), then one unticked.
    for (ticked, expected) in [
        (vec!["business_management", "ads_read"], vec!["business_management", "ads_read"]),
        (vec!["ads_read"], vec!["ads_read"]),
    ] {
        let grants: Vec<(&str, &str)> = ticked.iter().map(|s| ("grant", *s)).collect();
        let form = [base.as_slice(), &grants].concat();
        let (status, headers, _) = env.raw("POST", "/dialog/oauth/answer", Some(&form)).await;
        assert_eq!(status, 302);
        let (token, app_token) = scopes_of(&headers["location"]);
        let info = env
            .get(&format!(
                "/{API_VERSION}/debug_token?input_token={token}&access_token={}",
                q(&app_token)
            ))
            .await;
        let scopes: Vec<String> =
            serde_json::from_value(info.ok()["data"]["scopes"].clone()).unwrap();
        assert_eq!(scopes, expected, "ticked {ticked:?}");
    }
}

#[tokio::test]
async fn the_browsers_signed_in_person_is_the_only_one_offered_and_a_probe_script_runs() {
    let env = Env::demo().await;
    let b = env.agency().clone();
    let app = &b.apps[0];
    let person = b.user_id.clone().unwrap();
    let (_, _, everyone) = env.raw("GET", &dialog(&app.id, LOGIN_SUCCESS), None).await;
    assert!(everyone.matches("Continue as").count() > 1, "demo: every person of the fixture");

    let set = env
        .control("POST", "/login", serde_json::json!({"signed_in_as": person, "script": "probe()"}))
        .await;
    assert_eq!(set["signed_in_as"], person.as_str());
    let (_, _, html) = env.raw("GET", &dialog(&app.id, LOGIN_SUCCESS), None).await;
    assert_eq!(html.matches("Continue as").count(), 1, "{html}");
    assert!(html.contains(&format!("value=\"{person}\" autofocus")), "{html}");
    assert!(html.contains("<script>probe()</script>"));

    let refused = env
        .send(
            "POST",
            "/__emulator/login",
            Some("application/json"),
            serde_json::json!({"signed_in_as": b.id}).to_string().into_bytes(),
            &[("x-emulator-control", &env.m().control_secret)],
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 400);
    assert!(
        refused.json["error"].as_str().unwrap_or("").contains("not a person"),
        "{}",
        refused.json
    );
}
