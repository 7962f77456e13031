//! Batch requests (spec §10.3): chunks of at most 50 operations, a bounded number of batches in
//! flight, one result per operation in request order. Only failed (transient) or `null` items
//! are sent again, and only when they are safe to repeat.

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};

use crate::auth::Credentials;
use crate::error::{GraphError, UnsafeOperation};
use crate::events::{GraphEvent, WaitReason};
use crate::transport::{throttle_eta, Call, GraphClient, Safety, Target};
use crate::usage::Usage;

/// Meta's maximum number of operations per batch.
pub const MAX_BATCH: usize = 50;

/// The outcome of one batch operation: the parsed JSON body of a 2xx answer, or its error.
pub type BatchItemResult = Result<Value, GraphError>;

impl GraphClient {
    /// Runs `ops` as batches; the result vector is in the order of `ops`.
    pub(crate) async fn run_batch(
        &self,
        creds: &Credentials,
        ops: Vec<Call>,
    ) -> Vec<BatchItemResult> {
        let policy = &self.shared.config.batch;
        let chunk = policy.chunk_size.clamp(1, MAX_BATCH);
        let concurrency = policy.concurrency.max(1);
        let total = ops.len();
        let indexed: Vec<(usize, Call)> = ops.into_iter().enumerate().collect();
        let chunks: Vec<Vec<(usize, Call)>> = indexed.chunks(chunk).map(<[_]>::to_vec).collect();
        let done: Vec<Vec<(usize, BatchItemResult)>> = stream::iter(chunks)
            .map(|c| self.run_chunk(creds, c))
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let mut out: Vec<Option<BatchItemResult>> = (0..total).map(|_| None).collect();
        for (i, r) in done.into_iter().flatten() {
            if let Some(slot) = out.get_mut(i) {
                *slot = Some(r);
            }
        }
        out.into_iter()
            .map(|r| r.unwrap_or_else(|| Err(GraphError::unexpected(None, "batch item lost"))))
            .collect()
    }

    async fn run_chunk(
        &self,
        creds: &Credentials,
        ops: Vec<(usize, Call)>,
    ) -> Vec<(usize, BatchItemResult)> {
        let max_rounds = self.shared.config.batch.max_rounds.max(1);
        let max_wait = self.shared.config.retry.max_throttle_wait;
        let retry_rejected = self.shared.config.retry.retry_rejected_writes;
        let mut finished: Vec<(usize, BatchItemResult)> = Vec::with_capacity(ops.len());
        let mut pending = ops;
        let mut last_err: Vec<Option<GraphError>> = vec![None; pending.len()];
        for round in 1..=max_rounds {
            let outer = match self.batch_request(creds, &pending) {
                Ok(c) => c,
                Err(e) => {
                    finished.extend(pending.drain(..).map(|(i, _)| (i, Err(e.clone()))));
                    break;
                }
            };
            let answer = self.execute(Some(creds), &outer).await;
            let (items, cause): (Vec<Value>, Option<String>) = match answer {
                Ok(raw) => match raw.body {
                    Value::Array(a) => (a, None),
                    other => {
                        let e = GraphError::unexpected(
                            Some(raw.status),
                            format!("a batch answer that is not an array: {}", kind_of(&other)),
                        );
                        finished.extend(pending.drain(..).map(|(i, _)| (i, Err(e.clone()))));
                        break;
                    }
                },
                // The whole batch may or may not have run: safe items go again, unsafe ones are
                // reported as unknown.
                Err(GraphError::OutcomeUnknown { cause, .. }) => (Vec::new(), Some(cause)),
                Err(e) => {
                    finished.extend(pending.drain(..).map(|(i, _)| (i, Err(e.clone()))));
                    break;
                }
            };
            let mut retry: Vec<(usize, Call)> = Vec::new();
            let mut retry_err: Vec<Option<GraphError>> = Vec::new();
            let mut wait = Duration::ZERO;
            let mut throttled_until: Option<Duration> = None;
            // The rate-limit error that stopped operations this round: when the wait is too
            // long, every operation still to send ends with it (they were not refused on their
            // own: an operation lost in the same round must wait for the window too, not stop
            // the job as if Meta were down).
            let mut throttle_err: Option<GraphError> = None;
            for (k, (i, call)) in pending.drain(..).enumerate() {
                let item = items.get(k).cloned().unwrap_or(Value::Null);
                if item.is_null() {
                    match &call.safety {
                        Safety::Idempotent => {
                            retry_err.push(last_err.get(k).cloned().flatten());
                            retry.push((i, call));
                        }
                        Safety::Unsafe(op) => finished.push((
                            i,
                            Err(GraphError::OutcomeUnknown {
                                operation: op.clone(),
                                cause: cause.clone().unwrap_or_else(|| {
                                    "the batch answered null for this operation".into()
                                }),
                            }),
                        )),
                    }
                    continue;
                }
                match item_result(&item) {
                    Ok(v) => finished.push((i, Ok(v))),
                    Err((err, body)) => {
                        let retryable = (call.safety == Safety::Idempotent && err.is_transient())
                            || (err.is_throttle() && retry_rejected);
                        if retryable {
                            if let Some(eta) = throttle_eta(&body, &Usage::default()) {
                                throttled_until = Some(throttled_until.map_or(eta, |t| t.max(eta)));
                            }
                            if err.is_throttle() && throttle_err.is_none() {
                                throttle_err = Some(err.clone());
                            }
                            retry_err.push(Some(err));
                            retry.push((i, call));
                        } else {
                            finished.push((i, Err(err)));
                        }
                    }
                }
            }
            if retry.is_empty() {
                break;
            }
            let final_err = |e: Option<GraphError>| {
                e.unwrap_or_else(|| GraphError::ServiceUnavailable {
                    details: Box::new(crate::ErrorDetails::local(
                        "the batch operation did not complete",
                    )),
                })
            };
            if let Some(eta) = throttled_until {
                if eta > max_wait {
                    let until = self.clock().now() + eta;
                    for ((i, _), e) in retry.into_iter().zip(retry_err) {
                        let e = throttle_err.clone().or(e);
                        finished.push((i, Err(final_err(e).with_until(until))));
                    }
                    break;
                }
                wait = eta;
            }
            if round == max_rounds {
                for ((i, _), e) in retry.into_iter().zip(retry_err) {
                    finished.push((i, Err(final_err(e))));
                }
                break;
            }
            wait = wait.max(self.backoff(round));
            self.events.emit(GraphEvent::WaitingUntil {
                until: self.clock().now() + wait,
                wait,
                reason: WaitReason::BatchRetry { items: retry.len() },
                next_attempt: round + 1,
            });
            self.clock().sleep(wait).await;
            pending = retry;
            last_err = retry_err;
        }
        finished
    }

    /// The outer `POST /{version}/` with `batch=[…]` and `include_headers=false`.
    fn batch_request(
        &self,
        creds: &Credentials,
        ops: &[(usize, Call)],
    ) -> Result<Call, GraphError> {
        let version = self.version().to_owned();
        // The proof also goes into each operation: Meta applies the outer one to the batch, but
        // a server that checks operations one by one (the emulator) needs it there.
        // UNCONFIRMED: whether graph.facebook.com needs it per operation; it accepts it there.
        let proof = creds.proof();
        let mut list = Vec::with_capacity(ops.len());
        let mut all_safe = true;
        for (_, call) in ops {
            if call.safety != Safety::Idempotent {
                all_safe = false;
            }
            let mut call = call.clone();
            if let Some(p) = &proof {
                call.params.push(("appsecret_proof".into(), p.to_string()));
            }
            let mut op = json!({
                "method": call.method.as_str(),
                "relative_url": call.relative_url(&version)?,
            });
            if call.method == Method::POST && !call.params.is_empty() {
                let body = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(call.params.iter())
                    .finish();
                op["body"] = Value::String(body);
            }
            list.push(op);
        }
        let safety = if all_safe {
            Safety::Idempotent
        } else {
            Safety::Unsafe(UnsafeOperation::Other { description: "batch request".into() })
        };
        let mut objects: Vec<String> = ops.iter().filter_map(|(_, c)| c.object()).collect();
        objects.sort();
        objects.dedup();
        Ok(Call {
            extra_objects: objects,
            method: Method::POST,
            target: Target::Path(Vec::new()),
            params: vec![
                ("batch".into(), Value::Array(list).to_string()),
                ("include_headers".into(), "false".into()),
            ],
            safety,
            declared: Some(crate::endpoints::Endpoint::BATCH.params),
        })
    }
}

impl GraphClient {
    /// The batch of a chained listing: `pages` reads of `base` named `p0`, `p1`, …; `p0` asks
    /// for the page after cursor `after` (the first page when `None`), and each later one for
    /// the page after its predecessor's last item, through
    /// `{result=p{i-1}:$.paging.cursors.after}`.
    /// Every body is asked for (`omit_response_on_success: false`): Meta leaves out a referenced
    /// operation's body by default (Koala's spec, meta-login.md §6).
    ///
    /// UNCONFIRMED: how Meta substitutes the cursor. Its cursors are base64 and may end in `=`
    /// (the paging guide's example: `MTAxNTExOTQ1MjAwNzI5NDE=`); a raw `=` in a query value
    /// still parses, but `+` or `/` would not, and no source says whether Meta URL-encodes what it
    /// substitutes. The reference has to stay raw (Meta looks for `{result=` in the text), so
    /// the caller checks each chained page instead and falls back to plain paging.
    pub(crate) fn chained_pages_request(
        &self,
        creds: &Credentials,
        base: &Call,
        limit: u32,
        after: Option<&str>,
        pages: usize,
    ) -> Result<Call, GraphError> {
        let version = self.version().to_owned();
        let proof = creds.proof();
        let mut list = Vec::with_capacity(pages);
        for i in 0..pages.clamp(1, MAX_BATCH) {
            let mut call = base.clone().param("limit", limit.to_string());
            if let (0, Some(cursor)) = (i, after) {
                call = call.param("after", cursor);
            }
            if let Some(p) = &proof {
                call.params.push(("appsecret_proof".into(), p.to_string()));
            }
            let mut relative_url = call.relative_url(&version)?;
            if i > 0 {
                relative_url
                    .push_str(&format!("&after={{result=p{}:$.paging.cursors.after}}", i - 1));
            }
            list.push(json!({
                "method": "GET",
                "name": format!("p{i}"),
                "omit_response_on_success": false,
                "relative_url": relative_url,
            }));
        }
        Ok(Call {
            extra_objects: base.object().into_iter().collect(),
            method: Method::POST,
            target: Target::Path(Vec::new()),
            params: vec![
                ("batch".into(), Value::Array(list).to_string()),
                ("include_headers".into(), "false".into()),
            ],
            safety: Safety::Idempotent,
            declared: Some(crate::endpoints::Endpoint::BATCH.params),
        })
    }

    /// Sends a [`Self::chained_pages_request`] once (no retries: the caller falls back to plain
    /// paging) and returns its elements as they came, `null`s included.
    pub(crate) async fn run_chained(
        &self,
        creds: &Credentials,
        call: &Call,
    ) -> Result<Vec<Value>, GraphError> {
        let raw = self.execute_once(Some(creds), call).await?;
        match raw.body {
            Value::Array(items) => Ok(items),
            other => Err(GraphError::unexpected(
                Some(raw.status),
                format!("a batch answer that is not an array: {}", kind_of(&other)),
            )),
        }
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One batch element `{"code": 200, "body": "<json>"}` → its body, or its error with the body.
pub(crate) fn item_result(item: &Value) -> Result<Value, (GraphError, Value)> {
    let code = item.get("code").and_then(crate::error::as_i64).unwrap_or(0);
    let status = u16::try_from(code).unwrap_or(0);
    let body = match item.get("body") {
        Some(Value::String(s)) if s.trim().is_empty() => Value::Null,
        Some(Value::String(s)) => {
            serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
        }
        // Tolerate servers that embed the body as JSON rather than as a string.
        Some(other) => other.clone(),
        None => Value::Null,
    };
    if (200..300).contains(&status) && body.get("error").is_none() {
        Ok(body)
    } else {
        let err = if status == 0 {
            GraphError::unexpected(None, "a batch item without a status code")
        } else {
            GraphError::from_api(status, &body)
        };
        Err((err, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_errors::Explain;

    #[test]
    fn items_parse() {
        let ok = json!({"code": 200, "body": "{\"success\":true}"});
        assert_eq!(item_result(&ok).unwrap(), json!({"success": true}));
        let embedded = json!({"code": 200, "body": {"id": "1"}});
        assert_eq!(item_result(&embedded).unwrap()["id"], "1");
        let err = json!({"code": 400, "body": "{\"error\":{\"message\":\"(#100) ...\",\"type\":\"OAuthException\",\"code\":100,\"error_subcode\":1752129,\"fbtrace_id\":\"x\"}}"});
        let (e, _) = item_result(&err).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert_eq!(e.fbtrace_id(), Some("x"));
        let throttled = json!({"code": 400, "body": "{\"error\":{\"code\":80004,\"error_data\":{\"estimated_time_to_regain_access\":2}}}"});
        let (e, body) = item_result(&throttled).unwrap_err();
        assert!(e.is_throttle());
        assert_eq!(throttle_eta(&body, &Usage::default()), Some(Duration::from_secs(120)));
        assert!(item_result(&json!({"body": "{}"})).is_err());
    }
}
