//! One emulator harness for every crate's tests (see README.md).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gatehouse_emulator::{Emulator, EmulatorConfig, Fixture, ManifestBusiness, RunningEmulator};
use gatehouse_graph::{
    ClientConfig, Credentials, GraphClient, PacingPolicy, RetryPolicy, Secret, Session,
    VirtualClock,
};

/// The emulator on 127.0.0.1 and a virtual clock it follows.
pub struct TestEmulator {
    emulator: Arc<RunningEmulator>,
    clock: Arc<VirtualClock>,
}

impl TestEmulator {
    /// Starts the emulator with `fixture` and default settings.
    pub async fn start(fixture: Fixture) -> Self {
        Self::with(EmulatorConfig::new(fixture)).await
    }

    /// Starts the emulator with `config`.
    pub async fn with(config: EmulatorConfig) -> Self {
        let emulator = Arc::new(Emulator::start(config).await.expect("the emulator starts"));
        let clock = VirtualClock::new();
        // The emulator's clock moves in whole seconds: carry the fractions.
        let moved_ms = AtomicI64::new(0);
        let follower = Arc::downgrade(&emulator);
        clock.on_advance(move |by| {
            let Some(emulator) = follower.upgrade() else { return };
            let by_ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
            let before = moved_ms.fetch_add(by_ms, Ordering::SeqCst);
            let secs = (before + by_ms) / 1000 - before / 1000;
            if secs > 0 {
                let body = format!("{{\"advance_secs\":{secs}}}");
                let (status, answer) = emulator.control("POST", "/clock", "", body.as_bytes());
                assert_eq!(status, 200, "the emulator's clock moved: {answer}");
            }
        });
        Self { emulator, clock }
    }

    pub fn emulator(&self) -> &RunningEmulator {
        &self.emulator
    }

    pub fn url(&self) -> &str {
        self.emulator.url()
    }

    /// The clock the client of [`Self::client_config`] waits on.
    pub fn clock(&self) -> &Arc<VirtualClock> {
        &self.clock
    }

    /// The first business with an admin system-user token and an app.
    pub fn agency(&self) -> ManifestBusiness {
        self.emulator
            .manifest()
            .businesses
            .iter()
            .find(|b| b.admin_token.is_some() && !b.apps.is_empty())
            .cloned()
            .expect("a business with an admin token and an app")
    }

    /// A client config for this emulator: quick retries, pacing off, the virtual clock.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::with_base_url(self.url());
        config.retry = quick_retries();
        config.batch.max_rounds = 12;
        config.pacing = PacingPolicy::off();
        config.clock = self.clock.clone();
        config
    }

    /// A client on [`Self::client_config`].
    pub fn client(&self) -> GraphClient {
        GraphClient::new(self.client_config()).expect("a client for the emulator")
    }

    /// The agency's admin system user, with its app's secret for appsecret_proof.
    pub fn admin_session(&self) -> Session {
        let b = self.agency();
        self.client().session(Credentials::with_app_secret(
            Secret::new(b.admin_token.clone().expect("an admin token")),
            Secret::new(b.apps[0].secret.clone()),
        ))
    }
}

/// The emulator on a runtime of its own, for synchronous tests that drive a binary (the CLI)
/// against it. Derefs to the emulator.
pub struct BackgroundEmulator {
    kit: TestEmulator,
    // Dropped after the emulator (fields drop in order).
    _runtime: tokio::runtime::Runtime,
}

impl BackgroundEmulator {
    pub fn start(fixture: Fixture) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the emulator");
        let kit = runtime.block_on(TestEmulator::start(fixture));
        Self { kit, _runtime: runtime }
    }

    pub fn kit(&self) -> &TestEmulator {
        &self.kit
    }
}

impl std::ops::Deref for BackgroundEmulator {
    type Target = RunningEmulator;

    fn deref(&self) -> &RunningEmulator {
        self.kit.emulator()
    }
}

/// Retries that give up late but start fast (tests inject many faults).
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        retry_rejected_writes: false,
        max_attempts: 8,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(400),
        budget: Duration::from_secs(30),
        max_throttle_wait: Duration::from_secs(3),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_graph::Clock;

    #[tokio::test]
    async fn the_emulators_clock_follows_the_virtual_one() {
        let env = TestEmulator::start(Fixture::demo()).await;
        let now = |env: &TestEmulator| {
            let (_, answer) = env.emulator().control("POST", "/clock", "", b"{\"advance_secs\":0}");
            answer["now"].as_i64().expect("now")
        };
        let before = now(&env);
        env.clock().sleep(Duration::from_millis(600)).await;
        env.clock().sleep(Duration::from_millis(600)).await;
        env.clock().sleep(Duration::from_secs(3600)).await;
        let moved = now(&env) - before;
        assert!((3601..=3602).contains(&moved), "{moved}");
    }
}
