//! The engine's one clock: what time it is (rate-limit windows, `until` in wait events, token
//! expiry) and how waits the engine decides on are slept (backoff, throttles, pacing, a job
//! waiting out a rate limit).
//!
//! Hand-written rather than `tokio::time::pause`: tokio's paused clock needs a current-thread
//! runtime and auto-advances whenever the runtime idles, which fires the HTTP timeouts of
//! requests still on a real socket. [`VirtualClock`] virtualises only the engine's own waits, so
//! tests of throttling windows and expiry run at once while network timeouts stay real.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A wait the clock sleeps.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where the engine's time comes from. [`SystemClock`] in the app; [`VirtualClock`] in tests.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The wall-clock time now.
    fn now(&self) -> SystemTime;

    /// Waits `duration` of this clock's time.
    fn sleep(&self, duration: Duration) -> Sleep<'_>;

    /// Seconds since the Unix epoch (0 before it).
    fn unix_now(&self) -> f64 {
        self.now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
    }
}

/// The real clock: the OS's wall clock and tokio's timers.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

type AdvanceHook = Box<dyn Fn(Duration) + Send + Sync>;

/// Virtual time for tests: it starts at the real time, and a sleep returns at once with the
/// clock moved on to the sleep's end (sleeps that overlap move it once, to the latest end).
/// Hooks hear every move, so an emulator's clock can follow.
#[derive(Default)]
pub struct VirtualClock {
    state: Mutex<VirtualState>,
    hooks: Mutex<Vec<AdvanceHook>>,
}

#[derive(Default)]
struct VirtualState {
    start: Option<SystemTime>,
    elapsed: Duration,
}

impl fmt::Debug for VirtualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualClock").field("elapsed", &self.elapsed()).finish_non_exhaustive()
    }
}

impl VirtualClock {
    pub fn new() -> Arc<Self> {
        let clock = Self::default();
        clock.lock().start = Some(SystemTime::now());
        Arc::new(clock)
    }

    /// Calls `hook` with how far the clock moved, each time it moves.
    pub fn on_advance(&self, hook: impl Fn(Duration) + Send + Sync + 'static) {
        self.hooks.lock().unwrap_or_else(|p| p.into_inner()).push(Box::new(hook));
    }

    /// How much virtual time has passed since the clock was made.
    pub fn elapsed(&self) -> Duration {
        self.lock().elapsed
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: Duration) {
        let target = self.elapsed() + by;
        self.advance_to(target);
    }

    fn advance_to(&self, target: Duration) {
        let moved = {
            let mut state = self.lock();
            let moved = target.saturating_sub(state.elapsed);
            state.elapsed = state.elapsed.max(target);
            moved
        };
        if moved > Duration::ZERO {
            for hook in self.hooks.lock().unwrap_or_else(|p| p.into_inner()).iter() {
                hook(moved);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VirtualState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> SystemTime {
        let state = self.lock();
        state.start.unwrap_or(UNIX_EPOCH) + state.elapsed
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        let end = self.elapsed() + duration;
        Box::pin(async move {
            self.advance_to(end);
            // Still a suspension point, as a real sleep is.
            tokio::task::yield_now().await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[tokio::test]
    async fn virtual_sleeps_return_at_once_and_move_the_clock() {
        let clock = VirtualClock::new();
        let heard = Arc::new(AtomicU64::new(0));
        let h = heard.clone();
        clock.on_advance(move |d| {
            h.fetch_add(u64::try_from(d.as_millis()).unwrap(), Ordering::SeqCst);
        });
        let before = clock.now();
        let started = std::time::Instant::now();
        clock.sleep(Duration::from_secs(3600)).await;
        assert!(started.elapsed() < Duration::from_secs(1), "no real wait");
        assert_eq!(clock.now().duration_since(before).unwrap(), Duration::from_secs(3600));
        // Two overlapping sleeps move the clock to the later end, once.
        let (a, b) = (clock.sleep(Duration::from_secs(10)), clock.sleep(Duration::from_secs(20)));
        tokio::join!(a, b);
        assert_eq!(clock.elapsed(), Duration::from_secs(3620));
        assert_eq!(heard.load(Ordering::SeqCst), 3_620_000);
    }

    #[tokio::test]
    async fn the_system_clock_sleeps_for_real() {
        let started = std::time::Instant::now();
        SystemClock.sleep(Duration::from_millis(30)).await;
        assert!(started.elapsed() >= Duration::from_millis(30));
        assert!(SystemClock.unix_now() > 1.7e9);
    }
}
