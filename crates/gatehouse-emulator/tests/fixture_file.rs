//! JSON fixtures from a file: references, per-app flags and validation.

mod common;

use common::{proof, Env};
use gatehouse_emulator::{Emulator, EmulatorConfig, EmulatorError, Fixture};
use serde_json::json;

fn small() -> Fixture {
    Fixture::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/small.json"))
        .expect("fixture")
}

#[tokio::test]
async fn loads_a_file_fixture() {
    let env = Env::with(EmulatorConfig::new(small())).await;
    let m = env.m();
    assert_eq!(m.fixture, "small");
    let a = &m.businesses[0];
    assert_eq!(a.id, "1000000000001");
    assert_eq!(a.apps[0].secret, "0123456789abcdef0123456789abcdef");
    assert_eq!(a.admin_system_user_id.as_deref(), Some("6100000000001"));
    assert_eq!(a.clients, ["2000000000001"]);
    assert_eq!(a.system_user_quota.map(|q| (q.regular, q.admin)), Some((1, 1)));
    // The client has no app: its admin logs in through the partner's app; no admin SU.
    let c = &m.businesses[1];
    assert!(c.admin_token.is_none() && c.user_token.is_some());
    // require_app_secret: every call needs the proof.
    let t = a.admin_token.clone().unwrap();
    let p = proof(&t, &a.apps[0].secret);
    env.get(&format!("/v26.0/me?access_token={t}")).await.err(100, None);
    let accts = env.get(&format!("/v26.0/{}/owned_ad_accounts?fields=id,tos_accepted,account_status&access_token={t}&appsecret_proof={p}", a.id)).await;
    let d = &accts.ok()["data"];
    assert_eq!(d[1], json!({"id": "act_3000000000002", "tos_accepted": {}, "account_status": 2}));
    let pages = env
        .get(&format!(
            "/v26.0/{}/client_pages?fields=id,permitted_tasks&access_token={t}&appsecret_proof={p}",
            a.id
        ))
        .await;
    assert_eq!(
        pages.ok()["data"][0],
        json!({"id": "1091000000001", "permitted_tasks": ["ADVERTISE", "ANALYZE"]})
    );
    // installed_apps: [] means nothing installed; the assignment is in place.
    let w = env
        .get(&format!("/v26.0/6100000000002/assigned_apps?access_token={t}&appsecret_proof={p}"))
        .await;
    assert_eq!(w.ok()["data"], json!([]));
    let w = env
        .get(&format!(
            "/v26.0/6100000000002/assigned_ad_accounts?access_token={t}&appsecret_proof={p}"
        ))
        .await;
    assert_eq!(w.ok()["data"][0]["id"], "act_3000000000001");
    // The fixture's limits apply: 3 business-level ads_management calls per hour, used above.
    env.get(&format!("/v26.0/{}?access_token={t}&appsecret_proof={p}", a.id))
        .await
        .err(80004, Some(2446079));
}

#[tokio::test]
async fn rejects_bad_fixtures() {
    let unknown_key = Fixture::from_json(r#"{"businesses": [], "nope": 1}"#);
    assert!(matches!(unknown_key, Err(EmulatorError::Fixture(_))));
    let dup = r#"{"businesses": [{"id": "1", "name": "a"}, {"id": "1", "name": "b"}]}"#;
    let err =
        Emulator::start(EmulatorConfig::new(Fixture::from_json(dup).unwrap())).await.err().unwrap();
    assert!(err.to_string().contains("duplicate ID 1"), "{err}");
    let unknown = r#"{"businesses": [{"id": "1", "name": "a", "clients": ["9"]}]}"#;
    assert!(Emulator::start(EmulatorConfig::new(Fixture::from_json(unknown).unwrap()))
        .await
        .is_err());
    let task = r#"{"businesses": [{"id": "1", "name": "a", "people": [{"id": "2", "name": "p", "role": "ADMIN"}],
        "pages": [{"id": "3", "name": "x"}], "assignments": [{"asset": "3", "user": "2", "tasks": ["FLY"]}]}]}"#;
    assert!(Emulator::start(EmulatorConfig::new(Fixture::from_json(task).unwrap())).await.is_err());
    assert!(matches!(
        Fixture::parse_arg("/nonexistent.json"),
        Err(EmulatorError::FixtureIo { .. })
    ));
    assert!(Fixture::parse_arg("scale:x").is_err());
}
