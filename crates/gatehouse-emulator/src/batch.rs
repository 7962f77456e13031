//! Batch requests (spec §10.3): up to 50 operations run in order through the same router; `null`
//! for an operation that did not complete (a failed dependency or an injected fault); JSONPath
//! references to earlier named results.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value};

use crate::errors::{GraphError, GraphResult};
use crate::faults::ChainedCursors;
use crate::params::Params;
use crate::routes::{Ctx, Request};

pub const MAX_BATCH: usize = 50;

/// Resolves `$.a.b.0.c` (also `$.data[0].id` and `$.data.*.id`, which joins with commas).
fn json_path(v: &Value, path: &str) -> Option<String> {
    let path = path.trim().strip_prefix('$')?.replace('[', ".").replace(']', "");
    let mut cur = vec![v];
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = cur
            .into_iter()
            .flat_map(|c| -> Vec<&Value> {
                match (c, part) {
                    (Value::Array(items), "*") => items.iter().collect(),
                    (Value::Array(items), i) => {
                        i.parse::<usize>().ok().and_then(|i| items.get(i)).into_iter().collect()
                    }
                    (Value::Object(m), k) => m.get(k).into_iter().collect(),
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    if cur.is_empty() {
        return None;
    }
    Some(
        cur.iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Where substituted text goes: a path keeps a value as it is (an ID), a query string or a
/// form body gets it URL-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    RelativeUrl,
    FormBody,
}

/// Replaces `{result=name:$.path}` with values from earlier operations.
///
/// UNCONFIRMED: whether Meta URL-encodes what it substitutes. Its documented uses substitute IDs
/// (`?ids={result=get-friends:$.data.*.id}`), which read the same either way; a value in a
/// query string or form body is encoded here, as a careful server would, so a base64 cursor's
/// `=` or `+` arrives intact. `cursors` breaks references substituted into `after=`/`before=`
/// on purpose ([`ChainedCursors`]).
fn substitute(
    text: &str,
    results: &HashMap<String, Value>,
    place: Place,
    cursors: ChainedCursors,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{result=") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 8..];
        let end = after.find('}').ok_or("unterminated {result=...}")?;
        let (name, path) = after[..end].split_once(':').ok_or("missing JSONPath")?;
        let body = results.get(name).ok_or_else(|| format!("no result named {name}"))?;
        let value = json_path(body, path).ok_or_else(|| format!("no value at {path}"))?;
        let in_query = place == Place::FormBody || out.contains('?');
        let param = out.rsplit(['?', '&']).next().unwrap_or("");
        let cursor = in_query && (param == "after=" || param == "before=");
        let value = match (cursor, cursors) {
            (true, ChainedCursors::Refused) => Value::String(value).to_string(),
            (true, ChainedCursors::Ignored) => String::new(),
            _ => value,
        };
        if in_query {
            out.extend(form_urlencoded::byte_serialize(value.as_bytes()));
        } else {
            out.push_str(&value);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The names later operations reference (`{result=name:…}`).
fn referenced_names(ops: &[Value]) -> HashSet<String> {
    let mut names = HashSet::new();
    for op in ops {
        for key in ["relative_url", "body"] {
            let mut rest = op.get(key).and_then(Value::as_str).unwrap_or("");
            while let Some(start) = rest.find("{result=") {
                rest = &rest[start + 8..];
                if let Some((name, _)) = rest.split_once(':') {
                    names.insert(name.to_owned());
                }
            }
        }
    }
    names
}

/// Runs a batch; `drop_op(path)` says whether an operation is lost before it runs (faults).
pub fn run(
    ctx: &mut Ctx<'_>,
    outer: &Request,
    cursors: ChainedCursors,
    drop_op: &mut dyn FnMut(&str) -> bool,
) -> GraphResult<Value> {
    let raw = outer.params.required("batch")?;
    let ops: Vec<Value> = match serde_json::from_str(raw) {
        Ok(Value::Array(ops)) => ops,
        _ => return Err(GraphError::param("The parameter batch must be a JSON-encoded array")),
    };
    if ops.len() > MAX_BATCH {
        return Err(GraphError::param(format!(
            "Too many requests in batch message. Maximum batch size is {MAX_BATCH}"
        )));
    }
    let include_headers =
        outer.params.get("include_headers").is_none_or(|v| v != "false" && v != "0");
    let outer_token =
        outer.params.get("access_token").map(str::to_string).or_else(|| outer.bearer.clone());
    let referenced = referenced_names(&ops);
    let mut results: HashMap<String, Value> = HashMap::new();
    let mut outcomes: HashMap<String, bool> = HashMap::new();
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let name = op.get("name").and_then(Value::as_str).map(str::to_string);
        let depends = op.get("depends_on").and_then(Value::as_str);
        if depends.is_some_and(|d| outcomes.get(d) != Some(&true)) {
            if let Some(n) = name {
                outcomes.insert(n, false);
            }
            out.push(Value::Null);
            continue;
        }
        let element =
            run_op(ctx, &op, outer_token.as_deref(), &results, include_headers, cursors, drop_op);
        let ok = element.as_ref().is_some_and(|(code, _, _)| *code == 200);
        if let Some(n) = &name {
            outcomes.insert(n.clone(), ok);
            if let Some((_, body, _)) = &element {
                results.insert(n.clone(), body.clone());
            }
        }
        out.push(match element {
            None => Value::Null,
            Some((code, body, headers)) => {
                let mut e = json!({ "code": code });
                if include_headers {
                    e["headers"] = Value::Array(
                        headers.into_iter().map(|(k, v)| json!({"name": k, "value": v})).collect(),
                    );
                }
                // A referenced operation's body is left out unless asked for (Koala's spec:
                // the parent's result is nil without `omit_response_on_success: false`).
                // UNCONFIRMED: whether Meta then sends `{"code": 200}` without a body, as
                // here, or `null`.
                let omit = op
                    .get("omit_response_on_success")
                    .and_then(Value::as_bool)
                    .unwrap_or(name.as_ref().is_some_and(|n| referenced.contains(n)));
                if !(omit && code == 200) {
                    e["body"] = json!(body.to_string());
                }
                e
            }
        });
    }
    Ok(Value::Array(out))
}

type OpResult = Option<(u16, Value, Vec<(String, String)>)>;

fn run_op(
    ctx: &mut Ctx<'_>,
    op: &Value,
    outer_token: Option<&str>,
    results: &HashMap<String, Value>,
    include_headers: bool,
    cursors: ChainedCursors,
    drop_op: &mut dyn FnMut(&str) -> bool,
) -> OpResult {
    let fail = |ctx: &mut Ctx<'_>, e: GraphError| {
        let trace = ctx.st.trace_rng.fbtrace_id();
        Some((e.status, e.to_json(&trace), Vec::new()))
    };
    let method = op.get("method").and_then(Value::as_str).unwrap_or("GET").to_ascii_uppercase();
    let Some(url) = op.get("relative_url").and_then(Value::as_str) else {
        return fail(ctx, GraphError::missing_param("relative_url"));
    };
    let url = match substitute(url, results, Place::RelativeUrl, cursors) {
        Ok(u) => u,
        Err(e) => return fail(ctx, GraphError::param(e)),
    };
    let body = match op
        .get("body")
        .and_then(Value::as_str)
        .map(|b| substitute(b, results, Place::FormBody, cursors))
        .transpose()
    {
        Ok(b) => b,
        Err(e) => return fail(ctx, GraphError::param(e)),
    };
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let path = format!("/{}", path.trim_start_matches('/'));
    if drop_op(&path) {
        return None;
    }
    let mut params = Params::from_query(query);
    let query_pairs = params.pairs().to_vec();
    if let Some(b) = &body {
        params.extend_urlencoded(b.as_bytes());
    }
    let mut bearer = None;
    if let Some(Value::Array(hs)) = op.get("headers") {
        for h in hs {
            let (Some(n), Some(v)) =
                (h.get("name").and_then(Value::as_str), h.get("value").and_then(Value::as_str))
            else {
                continue;
            };
            if n.eq_ignore_ascii_case("authorization") {
                bearer = v.strip_prefix("Bearer ").map(str::to_string);
            }
        }
    }
    if params.get("access_token").is_none() && bearer.is_none() {
        bearer = outer_token.map(str::to_string);
    }
    let req = Request { method, path, params, query: query_pairs, bearer, in_batch: true };
    let resp = ctx.handle(&req);
    let mut headers = Vec::new();
    if include_headers {
        headers.push(("Content-Type".to_string(), "text/javascript; charset=UTF-8".to_string()));
        headers.extend(resp.headers);
    }
    Some((resp.status, resp.body, headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_and_substitution() {
        let v = json!({"id": "42", "data": [{"id": "a"}, {"id": "b"}]});
        assert_eq!(json_path(&v, "$.id").as_deref(), Some("42"));
        assert_eq!(json_path(&v, "$.data[1].id").as_deref(), Some("b"));
        assert_eq!(json_path(&v, "$.data.*.id").as_deref(), Some("a,b"));
        let mut r = HashMap::new();
        r.insert("su".to_string(), v);
        r.insert("p0".to_string(), json!({"paging": {"cursors": {"after": "MTox+w=="}}}));
        let sub = |text: &str, place, cursors| substitute(text, &r, place, cursors);
        let accepted = ChainedCursors::Accepted;
        assert_eq!(
            sub("{result=su:$.id}/applications", Place::RelativeUrl, accepted).unwrap(),
            "42/applications"
        );
        assert!(sub("{result=nope:$.id}", Place::RelativeUrl, accepted).is_err());
        // Query values and form bodies are encoded; a list stays comma-joined once decoded.
        assert_eq!(
            sub("x?ids={result=su:$.data.*.id}", Place::RelativeUrl, accepted).unwrap(),
            "x?ids=a%2Cb"
        );
        assert_eq!(sub("user={result=su:$.id}", Place::FormBody, accepted).unwrap(), "user=42");
        let chained = "v26.0/1/owned_pages?limit=2&after={result=p0:$.paging.cursors.after}";
        assert_eq!(
            sub(chained, Place::RelativeUrl, accepted).unwrap(),
            "v26.0/1/owned_pages?limit=2&after=MTox%2Bw%3D%3D"
        );
        assert_eq!(
            sub(chained, Place::RelativeUrl, ChainedCursors::Refused).unwrap(),
            "v26.0/1/owned_pages?limit=2&after=%22MTox%2Bw%3D%3D%22"
        );
        assert_eq!(
            sub(chained, Place::RelativeUrl, ChainedCursors::Ignored).unwrap(),
            "v26.0/1/owned_pages?limit=2&after="
        );
        // Only cursors are broken on purpose.
        assert_eq!(
            sub("x?ids={result=su:$.id}", Place::RelativeUrl, ChainedCursors::Refused).unwrap(),
            "x?ids=42"
        );
    }

    #[test]
    fn referenced_operations_are_found() {
        let ops = vec![
            json!({"name": "a", "relative_url": "me"}),
            json!({"relative_url": "x?after={result=a:$.paging.cursors.after}"}),
            json!({"relative_url": "y", "body": "user={result=b:$.id}"}),
        ];
        let names = referenced_names(&ops);
        assert!(names.contains("a") && names.contains("b") && names.len() == 2);
    }
}
