//! Events the client reports while it works, so a caller can show "waiting until 14:05" instead
//! of a frozen progress bar.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gatehouse_errors::ErrorCode;

use serde::{Serialize, Serializer};
use tokio::sync::mpsc;

/// Why the client is waiting.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WaitReason {
    /// Throttled by Meta (`graph_code` 4, 17, 32, 341, 613, 800xx or HTTP 429); when Meta said
    /// how long, `estimated` is `true`.
    RateLimited { error_code: ErrorCode, graph_code: Option<i64>, estimated: bool },
    /// A transient failure (server error, reset, timeout) is being retried with backoff.
    Retrying { error_code: ErrorCode, graph_code: Option<i64> },
    /// The usage headers approach 100%: requests are spaced out.
    Pacing { usage_percent: f64 },
    /// Items of a batch failed transiently or came back `null`; they are sent again.
    BatchRetry { items: usize },
}

/// Something the client did that the caller may want to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum GraphEvent {
    /// The client waits until `until` before its next attempt.
    WaitingUntil {
        #[serde(serialize_with = "unix_ms")]
        until: SystemTime,
        #[serde(serialize_with = "millis")]
        wait: Duration,
        reason: WaitReason,
        /// The attempt about to be made after the wait (2 = first retry). 0 for pacing.
        next_attempt: u32,
    },
}

fn unix_ms<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let ms = t.duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    s.serialize_u64(u64::try_from(ms).unwrap_or(u64::MAX))
}

fn millis<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Where events go: a callback (cheap to clone). The default drops them.
#[derive(Clone, Default)]
pub struct EventSink(Option<Arc<dyn Fn(GraphEvent) + Send + Sync>>);

impl EventSink {
    /// Calls `f` for each event (from the task making the request; keep it quick).
    pub fn from_fn(f: impl Fn(GraphEvent) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(f)))
    }

    /// A sink feeding an unbounded channel.
    pub fn channel() -> (Self, mpsc::UnboundedReceiver<GraphEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Self::from_fn(move |e| drop(tx.send(e))), rx)
    }

    pub fn none() -> Self {
        Self(None)
    }

    pub(crate) fn emit(&self, event: GraphEvent) {
        if let Some(f) = &self.0 {
            f(event);
        }
    }
}

impl fmt::Debug for EventSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "EventSink(set)" } else { "EventSink(none)" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_for_the_ui() {
        let e = GraphEvent::WaitingUntil {
            until: UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            wait: Duration::from_millis(1500),
            reason: WaitReason::RateLimited {
                error_code: ErrorCode::RateLimited,
                graph_code: Some(80004),
                estimated: true,
            },
            next_attempt: 2,
        };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["event"], "waiting_until");
        assert_eq!(v["until"], 1_700_000_000_123u64);
        assert_eq!(v["wait"], 1500);
        assert_eq!(v["reason"]["kind"], "rate_limited");
        assert_eq!(v["reason"]["graph_code"], 80004);
    }

    #[tokio::test]
    async fn channel_sink_delivers() {
        let (sink, mut rx) = EventSink::channel();
        sink.emit(GraphEvent::WaitingUntil {
            until: SystemTime::now(),
            wait: Duration::ZERO,
            reason: WaitReason::Pacing { usage_percent: 80.0 },
            next_attempt: 0,
        });
        assert!(matches!(rx.recv().await, Some(GraphEvent::WaitingUntil { .. })));
        EventSink::none().emit(GraphEvent::WaitingUntil {
            until: SystemTime::now(),
            wait: Duration::ZERO,
            reason: WaitReason::BatchRetry { items: 1 },
            next_attempt: 2,
        });
    }
}
