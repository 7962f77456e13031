//! Cursor pagination (spec §10.1). A cursor is the opaque base64 of `position:id`; the position
//! makes every page O(limit) to produce, the ID validates it (and relocates it when the list has
//! shifted, e.g. after an unassignment). Cursors keep base64's `=` padding, as the cursors in
//! Meta's paging guide do (`"after": "MTAxNTExOTQ1MjAwNzI5NDE="`), so a client that pastes one
//! into a URL unencoded is tested against it.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::errors::{GraphError, GraphResult};
use crate::params::Params;

pub const DEFAULT_LIMIT: usize = 25;

#[derive(Debug, Clone)]
pub struct PageParams {
    pub limit: usize,
    pub after: Option<String>,
    pub before: Option<String>,
    pub summary: bool,
}

impl PageParams {
    /// Reads `limit`, `after`, `before` and `summary`; `limit` is capped at the edge's maximum.
    // UNCONFIRMED: whether Meta clamps an over-large limit or errors; we clamp, as most edges do.
    pub fn from_params(p: &Params, max: usize) -> GraphResult<Self> {
        let limit = match p.get("limit") {
            None => DEFAULT_LIMIT,
            Some(v) => v.trim().parse::<usize>().map_err(|_| {
                GraphError::param(format!("Param limit must be an integer, got {v}"))
            })?,
        };
        let summary = p
            .get("summary")
            .map(|s| s.split(',').any(|x| x.trim() == "total_count" || x.trim() == "true"))
            .unwrap_or(false);
        Ok(Self {
            limit: limit.clamp(1, max),
            after: p.get("after").filter(|s| !s.is_empty()).map(str::to_string),
            before: p.get("before").filter(|s| !s.is_empty()).map(str::to_string),
            summary,
        })
    }

    pub fn nested(limit: Option<usize>, max: usize) -> Self {
        Self {
            limit: limit.unwrap_or(DEFAULT_LIMIT).clamp(1, max),
            after: None,
            before: None,
            summary: false,
        }
    }
}

/// One page: positions into the underlying list, and what is around it.
#[derive(Debug)]
pub struct Page {
    pub positions: Vec<usize>,
    pub has_next: bool,
    pub has_prev: bool,
    pub first_cursor: Option<String>,
    pub last_cursor: Option<String>,
    pub total: Option<usize>,
}

pub fn encode_cursor(pos: usize, id: &str) -> String {
    URL_SAFE.encode(format!("{pos}:{id}"))
}

fn decode_cursor(cursor: &str, len: usize, id_at: &dyn Fn(usize) -> String) -> GraphResult<usize> {
    let invalid = || GraphError::param("The cursor specified is invalid or has expired");
    let raw = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(invalid)?;
    let (pos, id) = raw.split_once(':').ok_or_else(invalid)?;
    let pos: usize = pos.parse().map_err(|_| invalid())?;
    if pos < len && id_at(pos) == id {
        return Ok(pos);
    }
    // The list shifted under the cursor: find the item again (rare, so a scan is fine).
    (0..len).find(|&i| id_at(i) == id).ok_or_else(invalid)
}

/// Pages through a list of `len` items, keeping those for which `keep` holds.
pub fn paginate(
    len: usize,
    id_at: &dyn Fn(usize) -> String,
    keep: &dyn Fn(usize) -> bool,
    pp: &PageParams,
) -> GraphResult<Page> {
    let mut positions = Vec::with_capacity(pp.limit.min(len));
    let (has_next, has_prev);
    if let Some(before) = &pp.before {
        let end = decode_cursor(before, len, id_at)?;
        let mut i = end;
        while i > 0 && positions.len() < pp.limit {
            i -= 1;
            if keep(i) {
                positions.push(i);
            }
        }
        positions.reverse();
        has_prev = (0..i).rev().any(keep);
        has_next = true;
    } else {
        let start = match &pp.after {
            Some(after) => decode_cursor(after, len, id_at)? + 1,
            None => 0,
        };
        let mut i = start;
        while i < len && positions.len() < pp.limit {
            if keep(i) {
                positions.push(i);
            }
            i += 1;
        }
        has_next = (i..len).any(keep);
        has_prev = pp.after.is_some() && (0..start).any(keep);
    }
    let total = pp.summary.then(|| (0..len).filter(|&i| keep(i)).count());
    Ok(Page {
        first_cursor: positions.first().map(|&p| encode_cursor(p, &id_at(p))),
        last_cursor: positions.last().map(|&p| encode_cursor(p, &id_at(p))),
        positions,
        has_next,
        has_prev,
        total,
    })
}

/// Where `next`/`previous` links point: the emulator's own absolute URL of the edge, with the
/// request's other query parameters kept.
#[derive(Debug, Clone)]
pub struct LinkBase {
    pub url: String,
    pub query: Vec<(String, String)>,
}

impl LinkBase {
    fn link(&self, limit: usize, key: &str, cursor: &str) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.query {
            if !matches!(k.as_str(), "after" | "before" | "limit") {
                ser.append_pair(k, v);
            }
        }
        ser.append_pair("limit", &limit.to_string());
        ser.append_pair(key, cursor);
        format!("{}?{}", self.url, ser.finish())
    }
}

/// `{"data": [...], "paging": {...}, "summary": {...}}`.
pub fn envelope(data: Vec<Value>, page: &Page, pp: &PageParams, links: &LinkBase) -> Value {
    let mut out = Map::new();
    out.insert("data".into(), Value::Array(data));
    if let (Some(first), Some(last)) = (&page.first_cursor, &page.last_cursor) {
        let mut paging = Map::new();
        paging.insert("cursors".into(), json!({"before": first, "after": last}));
        if page.has_prev {
            paging.insert("previous".into(), json!(links.link(pp.limit, "before", first)));
        }
        if page.has_next {
            paging.insert("next".into(), json!(links.link(pp.limit, "after", last)));
        }
        out.insert("paging".into(), Value::Object(paging));
    }
    if let Some(total) = page.total {
        out.insert("summary".into(), json!({ "total_count": total }));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("id{i}")).collect()
    }

    #[test]
    fn walks_forward_and_back() {
        let list = ids(60);
        let id_at = |i: usize| list[i].clone();
        let all = |_: usize| true;
        let mut pp = PageParams::nested(Some(25), 100);
        let p1 = paginate(60, &id_at, &all, &pp).unwrap();
        assert_eq!(p1.positions, (0..25).collect::<Vec<_>>());
        assert!(p1.has_next && !p1.has_prev);
        pp.after = p1.last_cursor.clone();
        let p2 = paginate(60, &id_at, &all, &pp).unwrap();
        assert_eq!(p2.positions[0], 25);
        pp.after = p2.last_cursor.clone();
        let p3 = paginate(60, &id_at, &all, &pp).unwrap();
        assert_eq!(p3.positions.len(), 10);
        assert!(!p3.has_next && p3.has_prev);
        pp.after = None;
        pp.before = p3.first_cursor.clone();
        let back = paginate(60, &id_at, &all, &pp).unwrap();
        assert_eq!(back.positions, (25..50).collect::<Vec<_>>());
    }

    #[test]
    fn filtered_and_invalid() {
        let list = ids(100);
        let id_at = |i: usize| list[i].clone();
        let even = |i: usize| i.is_multiple_of(2);
        let mut pp = PageParams::nested(Some(10), 100);
        pp.summary = true;
        let p = paginate(100, &id_at, &even, &pp).unwrap();
        assert_eq!(p.total, Some(50));
        assert_eq!(p.positions[9], 18);
        pp.after = Some("garbage!".into());
        assert_eq!(paginate(100, &id_at, &even, &pp).unwrap_err().code, 100);
        // A cursor whose position moved is relocated by ID.
        pp.after = Some(encode_cursor(3, "id10"));
        assert_eq!(paginate(100, &id_at, &even, &pp).unwrap().positions[0], 12);
    }
}
