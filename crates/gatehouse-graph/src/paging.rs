//! Cursor paging as an async stream of pages (spec §10.1), with progress (`n of total_count`).
//!
//! The end of a list is the absence of `paging.next` (a page may be short or empty and still have
//! one). `next` is followed only on the base origin, with any `access_token` in it stripped; a
//! `next` elsewhere falls back to the `after` cursor on the original request.
//!
//! With [`crate::PagingMode::Chained`], an asset listing asks for several pages per batch
//! request, each chained to the previous one's cursor, and goes back to plain paging at the
//! first page it cannot trust ([`fetch_chained`]).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use url::Url;

use crate::auth::Credentials;
use crate::error::GraphError;
use crate::transport::{Call, GraphClient};

/// How far a listing got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Progress {
    /// Items received so far.
    pub fetched: u64,
    /// `summary.total_count`, when the edge reports it.
    pub total: Option<u64>,
    /// Pages received so far.
    pub pages: u32,
}

impl fmt::Display for Progress {
    /// `120 of 10000`, or `120` when the total is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.total {
            Some(t) => write!(f, "{} of {}", self.fetched, t),
            None => write!(f, "{}", self.fetched),
        }
    }
}

/// One page of a listing.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Progress after this page.
    pub progress: Progress,
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<Page<T>, GraphError>> + Send>>;

/// A listing: a `Stream` of pages. Dropping it stops fetching.
pub struct Paged<T> {
    inner: BoxStream<T>,
}

impl<T> fmt::Debug for Paged<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Paged")
    }
}

impl<T> Stream for Paged<T> {
    type Item = Result<Page<T>, GraphError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T: Send + 'static> Paged<T> {
    /// A listing that fails at once (an invalid argument detected before any request).
    pub(crate) fn failed(err: GraphError) -> Self {
        Paged { inner: Box::pin(stream::once(async move { Err(err) })) }
    }

    /// Fetches every page; returns the items and the final progress.
    pub async fn collect_all(mut self) -> Result<(Vec<T>, Progress), GraphError> {
        let mut out = Vec::new();
        let mut progress = Progress::default();
        while let Some(page) = self.next().await {
            let page = page?;
            progress = page.progress;
            out.extend(page.items);
        }
        Ok((out, progress))
    }

    /// Fetches pages until `pred` matches an item, and returns it (stops fetching there).
    pub async fn find(mut self, mut pred: impl FnMut(&T) -> bool) -> Result<Option<T>, GraphError> {
        while let Some(page) = self.next().await {
            if let Some(hit) = page?.items.into_iter().find(|i| pred(i)) {
                return Ok(Some(hit));
            }
        }
        Ok(None)
    }

    /// The items one by one.
    pub fn items(self) -> impl Stream<Item = Result<T, GraphError>> + Send {
        self.flat_map(|page| match page {
            Ok(p) => stream::iter(p.items.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })
    }
}

/// Where the next page comes from.
enum Next {
    First,
    Url(Url),
    Cursor(String),
    Done,
}

struct State<T> {
    client: GraphClient,
    creds: Credentials,
    base: Call,
    limit: u32,
    next: Next,
    progress: Progress,
    last_url: Option<Url>,
    /// `paging.cursors.after` of the last page: where a chained batch continues from.
    after: Option<String>,
    /// Pages per chained batch while chaining; `None` once plain (from the start, or after a
    /// fallback, for the rest of the listing).
    chain: Option<usize>,
    /// Pages a chained batch brought that the stream has not yielded yet.
    ready: VecDeque<Page<T>>,
}

/// The smallest `limit` the pager falls back to when a server rejects a larger one.
const MIN_LIMIT: u32 = 25;

/// A listing of `base`'s pages. `chainable`: the listing may chain its pages through batch
/// requests when the client's [`crate::PagingMode`] says so (the asset edges, which run to many
/// pages; a short listing would only pay for the chain's operations past its end).
pub(crate) fn paged<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    creds: Credentials,
    base: Call,
    limit: u32,
    chainable: bool,
) -> Paged<T> {
    let chain = if chainable { client.config().paging.pages_per_batch() } else { None };
    let state = State::<T> {
        client,
        creds,
        base,
        limit: limit.max(1),
        next: Next::First,
        progress: Progress::default(),
        last_url: None,
        after: None,
        chain,
        ready: VecDeque::new(),
    };
    let s = stream::try_unfold(state, |mut st| async move {
        match fetch_page(&mut st).await? {
            Some(page) => Ok(Some((page, st))),
            None => Ok(None),
        }
    });
    Paged { inner: Box::pin(s) }
}

async fn fetch_page<T: DeserializeOwned>(st: &mut State<T>) -> Result<Option<Page<T>>, GraphError> {
    loop {
        if let Some(page) = st.ready.pop_front() {
            return Ok(Some(page));
        }
        if let Some(per_batch) = st.chain {
            let from = match &st.next {
                Next::First => Some(None),
                Next::Done => None,
                _ => st.after.clone().map(Some),
            };
            match from {
                // Either queues pages or turns chaining off: the loop always moves on.
                Some(after) => fetch_chained(st, after, per_batch).await,
                None => st.chain = None,
            }
            continue;
        }
        let call = match &st.next {
            Next::Done => return Ok(None),
            Next::First => st.base.clone().param("limit", st.limit.to_string()),
            Next::Cursor(after) => {
                st.base.clone().param("limit", st.limit.to_string()).param("after", after.clone())
            }
            Next::Url(u) => Call::follow(u.clone()),
        };
        let raw = match st.client.execute(Some(&st.creds), &call).await {
            Ok(raw) => raw,
            // UNCONFIRMED: per-edge `limit` caps. A server that rejects our page size (instead of
            // capping it silently) gets a smaller one on the first page.
            Err(GraphError::InvalidInput { ref details, .. })
                if matches!(st.next, Next::First)
                    && st.limit > MIN_LIMIT
                    && details.message.to_ascii_lowercase().contains("limit")
                    && !details.message.to_ascii_lowercase().contains("cursor") =>
            {
                st.limit = (st.limit / 2).max(MIN_LIMIT);
                continue;
            }
            Err(e) => return Err(e),
        };
        let parsed = read_page(st, raw.body)?;
        return Ok(Some(accept(st, parsed)));
    }
}

/// One chained batch: queues the pages it can trust, in order, and stops at the first page
/// without `next` (the operations after it read past the end: an empty page, then a reference
/// that cannot resolve). Anything else that is not a good page (the batch refused, an operation
/// `null` or failed, a body left out, a page repeating items already seen in the batch, a
/// cursor missing) turns chaining off; plain paging then goes on from the last trusted page's
/// `next`, or from the start, so nothing is lost or listed twice.
async fn fetch_chained<T: DeserializeOwned>(
    st: &mut State<T>,
    after: Option<String>,
    per_batch: usize,
) {
    let pages = match (&after, st.progress.total) {
        // Later batches ask for no more pages than `total_count` says are left.
        (Some(_), Some(total)) => {
            let left = total.saturating_sub(st.progress.fetched);
            usize::try_from(left.div_ceil(u64::from(st.limit))).unwrap_or(per_batch)
        }
        _ => per_batch,
    }
    .clamp(1, per_batch);
    let answers = match st.client.chained_pages_request(
        &st.creds,
        &st.base,
        st.limit,
        after.as_deref(),
        pages,
    ) {
        Ok(call) => st.client.run_chained(&st.creds, &call).await,
        Err(e) => Err(e),
    };
    let Ok(answers) = answers else {
        st.chain = None;
        return;
    };
    let mut seen: HashSet<String> = HashSet::new();
    for i in 0..pages {
        let Some(body) = answers.get(i).and_then(chained_page_body) else { break };
        let ids = item_ids(&body);
        if i > 0 && ids.iter().any(|id| seen.contains(*id)) {
            break;
        }
        seen.extend(ids.into_iter().map(str::to_owned));
        let Ok(parsed) = read_page(st, body) else { break };
        let page = accept(st, parsed);
        st.ready.push_back(page);
        if matches!(st.next, Next::Done) {
            return;
        }
        if st.after.is_none() {
            break;
        }
        if i + 1 == pages {
            // Every page good and more to come: the next batch chains on from `after`.
            return;
        }
    }
    st.chain = None;
}

/// A chained operation's page: its body when it answered 2xx with a `data` array.
fn chained_page_body(answer: &Value) -> Option<Value> {
    match crate::batch::item_result(answer) {
        Ok(body) if body.get("data").is_some_and(Value::is_array) => Some(body),
        _ => None,
    }
}

/// The `id`s of a page's items (items without one are not compared).
pub(crate) fn item_ids(body: &Value) -> Vec<&str> {
    body.get("data")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| i.get("id").and_then(Value::as_str)).collect())
        .unwrap_or_default()
}

/// A page read but not yet taken into the listing's state.
struct Parsed<T> {
    items: Vec<T>,
    total: Option<u64>,
    next: Next,
    /// The `next` URL followed, for the repeat check.
    next_url: Option<Url>,
    after: Option<String>,
}

/// Reads a page without changing the listing (a chained page that fails here is fetched again
/// by plain paging).
fn read_page<T: DeserializeOwned>(st: &State<T>, mut body: Value) -> Result<Parsed<T>, GraphError> {
    let data = match body.get_mut("data").map(Value::take) {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => {
            return Err(GraphError::unexpected(Some(200), "a list response without a data array"))
        }
        Some(_) => return Err(GraphError::unexpected(Some(200), "data is not an array")),
    };
    let mut items = Vec::with_capacity(data.len());
    for item in data {
        items.push(serde_json::from_value::<T>(item).map_err(|e| {
            GraphError::unexpected(Some(200), format!("a list item could not be read: {e}"))
        })?);
    }
    let total = body
        .pointer("/summary/total_count")
        .and_then(crate::error::as_i64)
        .and_then(|t| u64::try_from(t).ok());
    let next_raw = body.pointer("/paging/next").and_then(Value::as_str);
    let after = body
        .pointer("/paging/cursors/after")
        .and_then(Value::as_str)
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    let (next, next_url) = match next_raw {
        None => (Next::Done, None),
        Some(raw) => match st.client.same_origin_url(raw) {
            Ok(url) => {
                if st.last_url.as_ref() == Some(&url) {
                    return Err(GraphError::unexpected(
                        Some(200),
                        "paging.next repeats the previous page",
                    ));
                }
                (Next::Url(url.clone()), Some(url))
            }
            // A `next` on another host is never followed; the cursor on our own host is.
            Err(e) => match &after {
                Some(a) => (Next::Cursor(a.clone()), None),
                None => return Err(e),
            },
        },
    };
    Ok(Parsed { items, total, next, next_url, after })
}

/// Takes a read page into the listing: progress, where the next page comes from.
fn accept<T>(st: &mut State<T>, parsed: Parsed<T>) -> Page<T> {
    if parsed.total.is_some() {
        st.progress.total = parsed.total;
    }
    st.progress.fetched += parsed.items.len() as u64;
    st.progress.pages += 1;
    if parsed.next_url.is_some() {
        st.last_url = parsed.next_url;
    }
    st.next = parsed.next;
    st.after = parsed.after;
    Page { items: parsed.items, progress: st.progress }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_display() {
        let p = Progress { fetched: 120, total: Some(10_000), pages: 3 };
        assert_eq!(p.to_string(), "120 of 10000");
        assert_eq!(Progress { total: None, ..p }.to_string(), "120");
    }
}
