//! The keyring store on the mock backend: behaviour, error states, timeouts, redaction.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use gatehouse_errors::Explain;
use gatehouse_secrets::{
    Backend, MockFault, Secret, SecretKey, SecretKind, SecretStore, SecretStoreError, StoreConfig,
    MAX_SECRET_BYTES,
};

const TOKEN: &str = "EAABwzLixnjYBO7ZBsuperSECRETtokenVALUE0123456789";

fn unique_service() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!("dev.gatehouse.test.{}.{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}

fn store() -> SecretStore {
    SecretStore::mock(unique_service()).unwrap()
}

fn secret(value: &str) -> Secret {
    Secret::new(value.to_owned())
}

#[test]
fn set_get_overwrite_delete() {
    let store = store();
    let key = SecretKey::admin_token("acme").unwrap();
    assert!(store.get_blocking(&key).unwrap().is_none(), "missing is None, not an error");

    store.set_blocking(&key, &secret(TOKEN)).unwrap();
    assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), TOKEN);

    store.set_blocking(&key, &secret("second")).unwrap();
    assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), "second");

    assert!(store.delete_blocking(&key).unwrap());
    assert!(store.get_blocking(&key).unwrap().is_none());
    assert!(!store.delete_blocking(&key).unwrap(), "delete is idempotent");
}

#[test]
fn keys_are_independent() {
    let store = store();
    let keys = [
        SecretKey::admin_token("acme").unwrap(),
        SecretKey::app_secret("acme").unwrap(),
        SecretKey::admin_token("globex").unwrap(),
        SecretKey::system_user_token("acme", "61001").unwrap(),
        SecretKey::system_user_token("acme", "61002").unwrap(),
    ];
    for (i, key) in keys.iter().enumerate() {
        store.set_blocking(key, &secret(&format!("value-{i}"))).unwrap();
    }
    for (i, key) in keys.iter().enumerate() {
        assert_eq!(store.get_blocking(key).unwrap().unwrap().expose(), format!("value-{i}"));
    }
    assert!(store.delete_blocking(&keys[0]).unwrap());
    assert!(store.get_blocking(&keys[0]).unwrap().is_none());
    assert_eq!(store.get_blocking(&keys[1]).unwrap().unwrap().expose(), "value-1");
}

#[test]
fn mock_stores_do_not_share_values() {
    let key = SecretKey::admin_token("acme").unwrap();
    let a = store();
    let b = SecretStore::mock(a.config().service.clone()).unwrap();
    a.set_blocking(&key, &secret("a")).unwrap();
    assert!(b.get_blocking(&key).unwrap().is_none());
}

#[test]
fn clones_share_the_worker() {
    let key = SecretKey::app_secret("acme").unwrap();
    let a = store();
    let b = a.clone();
    a.set_blocking(&key, &secret("shared")).unwrap();
    assert_eq!(b.get_blocking(&key).unwrap().unwrap().expose(), "shared");
    drop(a);
    assert_eq!(b.get_blocking(&key).unwrap().unwrap().expose(), "shared");
}

#[test]
fn empty_and_too_long_secrets_are_refused_before_the_keyring() {
    let store = store();
    let key = SecretKey::admin_token("acme").unwrap();
    let err = store.set_blocking(&key, &secret("")).unwrap_err();
    assert!(matches!(err, SecretStoreError::EmptySecret), "{err:?}");

    let long = "x".repeat(MAX_SECRET_BYTES + 1);
    let err = store.set_blocking(&key, &Secret::new(long.clone())).unwrap_err();
    assert!(
        matches!(err, SecretStoreError::TooLong { len, max } if len == long.len() && max == MAX_SECRET_BYTES),
        "{err:?}"
    );
    assert_eq!(err.code(), "keyring_secret_too_long");
    assert!(!format!("{err} {err:?}").contains("xxxx"));

    store.set_blocking(&key, &Secret::new("x".repeat(MAX_SECRET_BYTES))).unwrap();
    assert_eq!(store.get_blocking(&key).unwrap().unwrap().len(), MAX_SECRET_BYTES);
}

#[test]
fn injected_faults_map_to_typed_errors_then_clear() {
    let store = store();
    let key = SecretKey::admin_token("acme").unwrap();
    store.set_blocking(&key, &secret(TOKEN)).unwrap();
    let cases = [
        (MockFault::NoSecretService, "keyring_no_secret_service"),
        (MockFault::Locked, "keyring_locked"),
        (MockFault::PromptDismissed, "keyring_locked"),
        (MockFault::NoDefaultCollection, "keyring_no_default_collection"),
        (MockFault::AccessDenied, "keyring_access_denied"),
        (MockFault::Platform("disk on fire".into()), "keyring_platform_error"),
    ];
    for (fault, code) in cases {
        for op in ["get", "set", "delete"] {
            store.inject_mock_fault(fault.clone()).unwrap();
            let err = match op {
                "get" => store.get_blocking(&key).map(|_| ()),
                "set" => store.set_blocking(&key, &secret(TOKEN)),
                _ => store.delete_blocking(&key).map(|_| ()),
            }
            .unwrap_err();
            assert_eq!(err.code(), code, "{op} with {fault:?}: {err:?}");
            assert!(!err.explanation().is_empty());
            let text = format!("{err} {err:?}");
            assert!(!text.contains(TOKEN), "{text}");
            // The fault is one-shot and did not change the stored value.
            assert_eq!(
                store.get_blocking(&key).unwrap().unwrap().expose(),
                TOKEN,
                "{op} {fault:?}"
            );
        }
    }
}

#[test]
fn probe_reports_status() {
    let store = store();
    let status = store.probe_blocking();
    assert!(status.is_ready(), "{status:?}");
    assert_eq!(status.code(), "keyring_ready");

    store.inject_mock_fault(MockFault::Locked).unwrap();
    let status = store.probe_blocking();
    assert_eq!(status.code(), "keyring_locked");
    assert!(!status.is_ready());

    store.inject_mock_fault(MockFault::NoSecretService).unwrap();
    assert_eq!(store.probe_blocking().code(), "keyring_no_secret_service");

    store.inject_mock_fault(MockFault::NoDefaultCollection).unwrap();
    assert_eq!(store.probe_blocking().code(), "keyring_no_default_collection");

    assert!(store.probe_blocking().is_ready());
}

#[test]
fn faults_cannot_be_injected_into_the_real_keyring() {
    // Creating the store does not connect, so this runs anywhere.
    let store = SecretStore::new(StoreConfig::new(Backend::Native)).unwrap();
    assert!(store.inject_mock_fault(MockFault::Locked).is_err());
}

#[test]
fn a_stuck_keyring_times_out_and_stale_writes_are_dropped() {
    let timeout = Duration::from_millis(200);
    let store = SecretStore::new(
        StoreConfig::new(Backend::Mock).with_service(unique_service()).with_timeout(timeout),
    )
    .unwrap();
    let key = SecretKey::admin_token("acme").unwrap();

    // The first call blocks the worker for 1 s, like an unanswered unlock dialog.
    store.inject_mock_fault(MockFault::Stall(Duration::from_millis(1000))).unwrap();
    let started = Instant::now();
    let err = store.get_blocking(&key).unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, SecretStoreError::Timeout { timeout: t } if t == timeout), "{err:?}");
    assert_eq!(err.code(), "keyring_timeout");
    assert!(waited >= timeout && waited < Duration::from_millis(900), "{waited:?}");

    // Queued behind the stuck call: times out too, and must not be written later.
    let err = store.set_blocking(&key, &secret("late")).unwrap_err();
    assert_eq!(err.code(), "keyring_timeout");

    // Once the worker is free again, calls work, and the timed-out write never happened.
    std::thread::sleep(Duration::from_millis(1000));
    assert!(store.get_blocking(&key).unwrap().is_none());
    store.set_blocking(&key, &secret("now")).unwrap();
    assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), "now");
}

#[test]
fn concurrent_callers_are_serialized() {
    let store = store();
    std::thread::scope(|scope| {
        for t in 0..8 {
            let store = store.clone();
            scope.spawn(move || {
                let key = SecretKey::system_user_token("acme", format!("{t}")).unwrap();
                for i in 0..50 {
                    let value = format!("token-{t}-{i}");
                    store.set_blocking(&key, &Secret::new(value.clone())).unwrap();
                    assert_eq!(store.get_blocking(&key).unwrap().unwrap().expose(), value);
                }
            });
        }
    });
}

#[tokio::test]
async fn async_api_on_a_current_thread_runtime() {
    let store = store();
    let key = SecretKey::app_secret("acme").unwrap();
    assert!(store.probe().await.is_ready());
    assert!(store.get(&key).await.unwrap().is_none());
    store.set(&key, &secret(TOKEN)).await.unwrap();
    assert_eq!(store.get(&key).await.unwrap().unwrap().expose(), TOKEN);
    assert!(store.delete(&key).await.unwrap());
    assert!(!store.delete(&key).await.unwrap());

    store.inject_mock_fault(MockFault::Locked).unwrap();
    assert_eq!(store.get(&key).await.unwrap_err().code(), "keyring_locked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_timeout() {
    let store = SecretStore::new(
        StoreConfig::new(Backend::Mock)
            .with_service(unique_service())
            .with_timeout(Duration::from_millis(100)),
    )
    .unwrap();
    let key = SecretKey::app_secret("acme").unwrap();
    store.inject_mock_fault(MockFault::Stall(Duration::from_millis(500))).unwrap();
    let err = store.get(&key).await.unwrap_err();
    assert_eq!(err.code(), "keyring_timeout");
    // A status probe behind the stuck call reports the timeout as "unavailable".
    let status = store.probe().await;
    assert_eq!(status.code(), "keyring_timeout");
}

#[test]
fn nothing_formatted_contains_the_secret() {
    let store = store();
    let key = SecretKey::admin_token("acme").unwrap();
    let value = secret(TOKEN);
    store.set_blocking(&key, &value).unwrap();
    let got = store.get_blocking(&key).unwrap();
    let texts = [
        format!("{store:?}"),
        format!("{key:?} {key}"),
        format!("{value:?}"),
        format!("{got:?}"),
        format!("{:?}", store.probe_blocking()),
    ];
    for text in texts {
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}

#[test]
fn async_futures_are_send() {
    // Tauri commands need `Send` futures.
    fn assert_send<T: Send>(_: &T) {}
    let store = store();
    let key = SecretKey::admin_token("acme").unwrap();
    let value = secret("v");
    assert_send(&store.set(&key, &value));
    assert_send(&store.get(&key));
    assert_send(&store.delete(&key));
    assert_send(&store.probe());
    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync_clone::<SecretStore>();
    assert_send_sync_clone::<SecretStoreError>();
}

#[tokio::test]
async fn self_check_round_trips_and_leaves_nothing_behind() {
    let store = store();
    let elapsed = store.self_check().await.expect("self-check on a working store");
    assert!(elapsed < Duration::from_secs(5));
    let key =
        SecretKey::new(gatehouse_secrets::SELF_CHECK_PROFILE, SecretKind::AppSecret).expect("key");
    assert_eq!(store.get(&key).await.expect("get"), None, "the test entry was deleted");

    // A profile can have any valid id, even one that looks like the check's: its secret is
    // never touched by the check.
    let real = SecretKey::app_secret("gatehouse-self-check").expect("a valid profile id");
    store.set(&real, &secret("the profile app secret")).await.expect("set");
    store.self_check().await.expect("self-check");
    assert!(store.get(&real).await.expect("get").is_some(), "the profile's secret is still there");

    store.inject_mock_fault(MockFault::Locked).expect("inject");
    let error = store.self_check().await.expect_err("a locked keyring fails the check");
    assert_eq!(error.code(), "keyring_locked");
}
