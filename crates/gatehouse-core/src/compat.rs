//! The compatibility check (`gatehouse doctor`, Settings → Check compatibility): read-only calls
//! against a connected portfolio that exercise every read the app relies on, each answer's shape
//! (field names and JSON types, never values) compared with what the emulator answers to the same
//! call. The report holds no ID, name or token, so a user can paste it into a bug report.
//!
//! Nothing here writes to the portfolio checked. The reference side is a throwaway portfolio
//! (`gatehouse_demo::compatibility_check` starts a demo emulator for it); it is given one
//! assignment of every kind first, so every edge has an item whose shape can be compared.

use std::collections::BTreeMap;

use gatehouse_graph::{
    AssetKind, Assignment, ChainedPagingProbe, Endpoint, GraphError, Relation, SecretParams,
    Session, TaskSet, Usage,
};
use serde::Serialize;
use serde_json::Value;

use crate::{Portfolio, Result};
use gatehouse_errors::{ErrorCode, Explain};

/// What one probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProbeStatus {
    /// Answered with the shape the emulator gives.
    Ok,
    /// Answered, but fields are missing or have another type.
    Differs,
    /// Refused (Meta's error code in the result) or not answered.
    Refused,
    /// Not tried: what it needs is not there (a business without Pages has no Page to probe).
    Skipped,
}

impl ProbeStatus {
    /// The status in words, for a badge.
    pub fn label(self) -> &'static str {
        match self {
            ProbeStatus::Ok => "As expected",
            ProbeStatus::Differs => "Differs",
            ProbeStatus::Refused => "Refused",
            ProbeStatus::Skipped => "Not tried",
        }
    }
}

/// One read and its verdict. Nothing in it names the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProbeResult {
    /// Stable identifier: `business`, `assets.owned_pages`, `system_user.assigned_pages`, …
    pub probe: String,
    /// The call, as method and path pattern: `GET /{system-user}/assigned_pages`.
    pub call: String,
    pub status: ProbeStatus,
    /// [`ProbeStatus::label`].
    pub status_label: String,
    /// Meta's error code and subcode when refused.
    pub graph_code: Option<i32>,
    pub graph_subcode: Option<i32>,
    /// Gatehouse's error code when refused (`network`, `missing_permission`, …).
    pub error_code: Option<ErrorCode>,
    /// `missing data[].tasks`, `data[].id is number, expected string`: names and types only.
    pub differences: Vec<String>,
    /// Usage headers on the answer (`X-Business-Use-Case-Usage: ads_management`, …).
    pub usage_headers: Vec<String>,
    /// A read the app relies on. The others are there to learn something (whether Meta accepts
    /// `debug_token` inside a batch) and are not counted as problems.
    pub required: bool,
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompatReport {
    pub gatehouse_version: String,
    /// The Graph API version every call was pinned to.
    pub api_version: String,
    /// Counts over the required probes.
    pub ok: u32,
    pub differs: u32,
    pub refused: u32,
    pub skipped: u32,
    /// The counts in words: "31 as expected, 1 differs, 0 refused, 2 not tried (Graph API
    /// v26.0)."
    pub summary: String,
    pub probes: Vec<ProbeResult>,
}

impl CompatReport {
    /// Every read the app relies on answered as the emulator does.
    pub fn compatible(&self) -> bool {
        self.differs == 0 && self.refused == 0
    }

    /// What the check learnt about chained paging (the probe [`CHAINED_PAGING_PROBE`]).
    pub fn chained_paging(&self) -> ChainedPaging {
        let Some(p) = self.probes.iter().find(|p| p.probe == CHAINED_PAGING_PROBE) else {
            return ChainedPaging::NotTried("this check did not try it".to_owned());
        };
        let mut parts = p.differences.clone();
        match (p.graph_code, p.graph_subcode, &p.error_code) {
            (Some(code), Some(sub), _) => parts.push(format!("Meta code {code}/{sub}")),
            (Some(code), None, _) => parts.push(format!("Meta code {code}")),
            (None, _, Some(code)) => parts.push(code.to_string()),
            (None, _, None) => {}
        }
        let why = parts.join(", ");
        match p.status {
            ProbeStatus::Ok => ChainedPaging::Accepted,
            ProbeStatus::Skipped => ChainedPaging::NotTried(why),
            ProbeStatus::Refused | ProbeStatus::Differs => ChainedPaging::Refused(why),
        }
    }
}

/// The compatibility check's probe of chained paging: one batch whose second operation takes
/// its cursor from the first's answer, compared with plain paging.
pub const CHAINED_PAGING_PROBE: &str = "paging.chained";

/// Whether a portfolio's server answered chained paging as plain paging (the product uses it
/// only then: [`crate::profiles::ProfileStore::open`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainedPaging {
    Accepted,
    /// Why not, in words that name nothing of the portfolio.
    Refused(String),
    /// Not tried (why): nothing to compare.
    NotTried(String),
}

impl ChainedPaging {
    /// The report's closing line.
    pub fn line(&self) -> String {
        match self {
            ChainedPaging::Accepted => "Chained paging: accepted. A saved portfolio lists its \
                assets several pages per request after this check."
                .to_owned(),
            ChainedPaging::Refused(why) => {
                format!("Chained paging: refused ({why}). Listings ask for one page per request.")
            }
            ChainedPaging::NotTried(why) => {
                format!("Chained paging: not tried ({why}). Listings ask for one page per request.")
            }
        }
    }
}

impl CompatReport {
    /// The report as plain text, one probe a line: what `gatehouse doctor` prints and the
    /// Settings screen copies.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Gatehouse {} compatibility check, Graph API {}\n{} ok, {} differ, {} refused, {} \
             skipped\n\n",
            self.gatehouse_version,
            self.api_version,
            self.ok,
            self.differs,
            self.refused,
            self.skipped
        );
        for p in &self.probes {
            let status = match p.status {
                ProbeStatus::Ok => "ok",
                ProbeStatus::Differs => "DIFFERS",
                ProbeStatus::Refused => "REFUSED",
                ProbeStatus::Skipped => "skipped",
            };
            let note = if p.required { "" } else { " (informational)" };
            out.push_str(&format!("{status:8} {}{note}", p.call));
            if let Some(code) = p.graph_code {
                out.push_str(&format!("  (Meta code {code}"));
                if let Some(sub) = p.graph_subcode {
                    out.push_str(&format!("/{sub}"));
                }
                out.push(')');
            } else if let Some(code) = &p.error_code {
                out.push_str(&format!("  ({code})"));
            }
            if !p.usage_headers.is_empty() {
                out.push_str(&format!("  [{}]", p.usage_headers.join("; ")));
            }
            out.push('\n');
            for d in &p.differences {
                out.push_str(&format!("         - {d}\n"));
            }
        }
        out.push('\n');
        out.push_str(&self.chained_paging().line());
        out.push('\n');
        out
    }
}

/// A probe's answer: a body, or the error.
type Answer = std::result::Result<(Value, Usage), GraphError>;

/// One probe's identifier, its call pattern and its answer (`None`: not tried).
type Probed = (String, String, Option<Answer>);

/// Runs the probes against `session` for `business_id`. Only GETs (and the debug_token GET).
async fn run_probes(session: &Session, business_id: &str) -> Vec<Probed> {
    let mut answers = Vec::new();
    let small = |n: u32| vec![("limit", n.to_string())];
    let me = session.probe(&Endpoint::ME, "me", &[]).await;
    let me_id = me.as_ref().ok().and_then(|(v, _)| v["id"].as_str().map(str::to_owned));
    answers.push(("me".into(), "GET /me".into(), Some(me)));
    let business = session.probe(&Endpoint::BUSINESS, business_id, &[]).await;
    answers.push(("business".into(), "GET /{business}".into(), Some(business)));
    let users = session.probe(&Endpoint::SYSTEM_USERS, business_id, &small(25)).await;
    // The system user to look at: the token's own when it is one, else the first listed.
    let listed: Vec<String> = users
        .as_ref()
        .ok()
        .and_then(|(v, _)| v["data"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_owned))
        .collect();
    let system_user = me_id.filter(|id| listed.contains(id)).or_else(|| listed.first().cloned());
    answers.push(("system_users".into(), "GET /{business}/system_users".into(), Some(users)));
    let mut first_asset: BTreeMap<AssetKind, String> = BTreeMap::new();
    for kind in AssetKind::ALL {
        for relation in [Relation::Owned, Relation::Client] {
            let endpoint = Endpoint::assets(kind, relation);
            let edge = endpoint.edge.unwrap_or_default();
            let answer = session.probe(&endpoint, business_id, &small(1)).await;
            if relation == Relation::Owned {
                if let Some(id) =
                    answer.as_ref().ok().and_then(|(v, _)| v["data"][0]["id"].as_str())
                {
                    first_asset.insert(kind, id.to_owned());
                }
            }
            answers.push((
                format!("assets.{edge}"),
                format!("GET /{{business}}/{edge}"),
                Some(answer),
            ));
        }
    }
    let su = system_user.as_deref();
    let node = match su {
        Some(id) => Some(session.probe(&Endpoint::SYSTEM_USER, id, &[]).await),
        None => None,
    };
    answers.push(("system_user".into(), "GET /{system-user}".into(), node));
    for kind in AssetKind::ALL {
        let endpoint = Endpoint::system_user_assets(kind);
        let edge = endpoint.edge.unwrap_or_default();
        let answer = match su {
            Some(id) => Some(session.probe(&endpoint, id, &small(5)).await),
            None => None,
        };
        answers.push((
            format!("system_user.{edge}"),
            format!("GET /{{system-user}}/{edge}"),
            answer,
        ));
    }
    // The apps edge's second name (the SDK's): the client asks it when `assigned_apps` is refused.
    let apps = match su {
        Some(id) => Some(session.probe(&Endpoint::SYSTEM_USER_APPS_SDK, id, &small(5)).await),
        None => None,
    };
    answers.push((
        "system_user.assigned_applications".into(),
        "GET /{system-user}/assigned_applications".into(),
        apps,
    ));
    for kind in AssetKind::ALL.into_iter().filter(|k| k.has_assigned_users()) {
        let endpoint = Endpoint::assigned_users(kind);
        let answer = match first_asset.get(&kind) {
            Some(id) => {
                let params = [("business", business_id.to_owned()), ("limit", "5".to_owned())];
                Some(session.probe(&endpoint, &kind.node_id(id), &params).await)
            }
            None => None,
        };
        answers.push((
            format!("assigned_users.{kind}"),
            format!("GET /{{{kind}}}/assigned_users?business="),
            answer,
        ));
    }
    // debug_token of the portfolio's own token: the documented GET, then the batch form Meta
    // does not document (whether it is accepted is worth knowing, see SecretParams).
    let debug = session.probe_own_token(SecretParams::Query).await.map(|v| (v, Usage::default()));
    answers.push(("debug_token".into(), "GET /debug_token".into(), Some(debug)));
    // Only whether it is accepted matters, not the shape.
    let batched =
        session.probe_own_token(SecretParams::Batch).await.map(|_| (Value::Null, Usage::default()));
    answers.push((
        "debug_token.batched".into(),
        "POST / (batch) with GET /debug_token".into(),
        Some(batched),
    ));
    answers
}

/// Chained paging against plain paging on the first listing here with two pages of one item
/// (ad accounts, Pages, system users): read-only, four calls. Informational: the product
/// remembers the verdict for the profile and chains only where it was accepted.
async fn probe_chained_paging(session: &Session, business_id: &str) -> ProbeResult {
    let candidates = [
        Endpoint::assets(AssetKind::AdAccount, Relation::Owned),
        Endpoint::assets(AssetKind::AdAccount, Relation::Client),
        Endpoint::assets(AssetKind::Page, Relation::Owned),
        Endpoint::assets(AssetKind::Page, Relation::Client),
        Endpoint::SYSTEM_USERS,
    ];
    let params = [("summary", "total_count".to_owned())];
    let mut result = ProbeResult {
        probe: CHAINED_PAGING_PROBE.to_owned(),
        call: "POST / (batch): two pages of a listing, the second's cursor a {result=…} \
               reference"
            .to_owned(),
        status: ProbeStatus::Skipped,
        status_label: String::new(),
        graph_code: None,
        graph_subcode: None,
        error_code: None,
        differences: vec!["no listing here has two items to page through".to_owned()],
        usage_headers: Vec::new(),
        required: false,
    };
    for endpoint in &candidates {
        let edge = endpoint.edge.unwrap_or_default();
        let found = session.probe_chained_paging(endpoint, business_id, &params, 1).await;
        let (status, reason, error) = match found {
            Ok(ChainedPagingProbe::NotEnoughItems) => continue,
            Err(e) => {
                // Plain paging failed here (the other probes report it): try the next listing.
                if result.error_code.is_none() {
                    result.differences = vec![format!("plain paging of {edge} failed")];
                    set_error(&mut result, &e);
                }
                continue;
            }
            Ok(ChainedPagingProbe::Accepted) => (ProbeStatus::Ok, None, None),
            Ok(ChainedPagingProbe::Refused { reason, error }) => {
                (ProbeStatus::Refused, Some(reason), error)
            }
        };
        result.call = format!(
            "POST / (batch): GET /{{business}}/{edge} twice, the second after={{result=…}}"
        );
        result.status = status;
        result.differences = reason.into_iter().collect();
        (result.graph_code, result.graph_subcode, result.error_code) = (None, None, None);
        if let Some(e) = &error {
            set_error(&mut result, e);
        }
        break;
    }
    result.status_label = result.status.label().to_owned();
    result
}

fn set_error(result: &mut ProbeResult, e: &GraphError) {
    result.graph_code = e.graph_code().and_then(|c| i32::try_from(c).ok());
    result.graph_subcode = e.graph_subcode().and_then(|c| i32::try_from(c).ok());
    result.error_code = Some(e.code());
}

/// `path → JSON type` of every field in `v`; list items are merged under `[]`.
fn shape(v: &Value, prefix: &str, out: &mut BTreeMap<String, &'static str>) {
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if !prefix.is_empty() {
        let slot = out.entry(prefix.to_owned()).or_insert(kind);
        if *slot == "null" {
            *slot = kind;
        }
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                shape(child, &p, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                shape(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// What `real` lacks or types differently from `expected`. A field is only missing when the
/// object that should hold it is there (an empty list has no items to compare). Cursors and
/// paging links are not compared: they come and go with the data.
pub(crate) fn differences(expected: &Value, real: &Value) -> Vec<String> {
    let (mut want, mut got) = (BTreeMap::new(), BTreeMap::new());
    shape(expected, "", &mut want);
    shape(real, "", &mut got);
    let mut out = Vec::new();
    for (path, ty) in &want {
        // Lists may be empty: their items are compared field by field, not missed as a whole.
        if path.starts_with("paging") || path.ends_with("[]") {
            continue;
        }
        let parent = match path.rfind(['.', '[']) {
            Some(i) => &path[..i],
            None => "",
        };
        match got.get(path) {
            None if parent.is_empty() || got.contains_key(parent) => {
                out.push(format!("missing {path}"));
            }
            Some(real_ty) if real_ty != ty && *real_ty != "null" && *ty != "null" => {
                out.push(format!("{path} is {real_ty}, expected {ty}"));
            }
            _ => {}
        }
    }
    out
}

/// The usage headers one answer carried, by name and use case (no IDs, no numbers).
fn usage_headers(u: &Usage) -> Vec<String> {
    let mut out = Vec::new();
    if u.app_percent.is_some() {
        out.push("X-App-Usage".to_owned());
    }
    if u.page_percent.is_some() {
        out.push("X-Page-Usage".to_owned());
    }
    if u.ad_account_percent.is_some() {
        out.push("X-Ad-Account-Usage".to_owned());
    }
    let mut cases: Vec<&str> = u.business_use_cases.iter().map(|b| b.use_case.as_str()).collect();
    cases.sort_unstable();
    cases.dedup();
    if !cases.is_empty() {
        out.push(format!("X-Business-Use-Case-Usage: {}", cases.join(", ")));
    }
    out
}

fn verdict(
    probe: String,
    call: String,
    expected: Option<&Answer>,
    real: Option<Answer>,
) -> ProbeResult {
    let mut r = ProbeResult {
        probe,
        call,
        status: ProbeStatus::Skipped,
        status_label: String::new(),
        graph_code: None,
        graph_subcode: None,
        error_code: None,
        differences: Vec::new(),
        usage_headers: Vec::new(),
        required: true,
    };
    match real {
        None => {}
        Some(Err(e)) => {
            r.status = ProbeStatus::Refused;
            r.graph_code = e.graph_code().and_then(|c| i32::try_from(c).ok());
            r.graph_subcode = e.graph_subcode().and_then(|c| i32::try_from(c).ok());
            r.error_code = Some(e.code());
        }
        Some(Ok((body, usage))) => {
            r.usage_headers = usage_headers(&usage);
            r.differences = match expected {
                Some(Ok((want, _))) => differences(want, &body),
                _ => Vec::new(),
            };
            r.status =
                if r.differences.is_empty() { ProbeStatus::Ok } else { ProbeStatus::Differs };
        }
    }
    r.status_label = r.status.label().to_owned();
    r
}

/// Gives the reference emulator's system user one assignment of every kind and the app, so
/// every `assigned_*` edge lists an item whose shape can be compared.
async fn seed_reference(portfolio: &Portfolio) -> Result<()> {
    let session = portfolio.session();
    let business = portfolio.business_id();
    let (users, _) = session.system_users(business).collect_all().await?;
    let me = session.me().await?;
    let Some(su) = users.iter().find(|u| u.id == me.id).or(users.first()) else {
        return Ok(());
    };
    for (kind, task) in [
        (AssetKind::Page, "ANALYZE"),
        (AssetKind::AdAccount, "ANALYZE"),
        (AssetKind::Catalog, "ADVERTISE"),
        (AssetKind::Pixel, "ANALYZE"),
        (AssetKind::Instagram, "ANALYZE"),
        (AssetKind::WhatsappBusinessAccount, "MANAGE"),
    ] {
        let (assets, _) = session
            .assets(business, kind, Relation::Owned, &Default::default())
            .collect_all()
            .await?;
        if let Some(asset) = assets.first() {
            let tasks = TaskSet::parse(kind, &[task])?;
            let assignment =
                Assignment { asset_id: asset.id.clone(), user_id: su.id.clone(), tasks };
            session.assign(&assignment).await?;
        }
    }
    if let Some(app) = portfolio.app_id() {
        session.install_app(&su.id, app).await?;
    }
    Ok(())
}

/// Runs the compatibility check against `portfolio`: read-only probes, compared with the
/// answers of `model` (a throwaway emulated portfolio, which this seeds with one assignment of
/// every kind) to the same probes.
pub async fn check(portfolio: &Portfolio, model: &Portfolio) -> Result<CompatReport> {
    seed_reference(model).await?;
    let expected = run_probes(model.session(), model.business_id()).await;
    let real = run_probes(portfolio.session(), portfolio.business_id()).await;
    let mut probes = Vec::new();
    for ((probe, call, want), (_, _, got)) in expected.iter().zip(real) {
        probes.push(verdict(probe.clone(), call.clone(), want.as_ref(), got));
    }
    // Not relied on alone: the batch form is only learnt about, and the client uses whichever
    // of the apps edge's two names Meta answers (and copes without either).
    let informational =
        ["debug_token.batched", "system_user.assigned_apps", "system_user.assigned_applications"];
    for p in probes.iter_mut().filter(|p| informational.contains(&p.probe.as_str())) {
        p.required = false;
    }
    probes.push(probe_chained_paging(portfolio.session(), portfolio.business_id()).await);
    let count = |s: ProbeStatus| {
        let n = probes.iter().filter(|p| p.required && p.status == s).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    let api_version = portfolio.session().client().config().api_version.to_string();
    let (ok, differs, refused, skipped) = (
        count(ProbeStatus::Ok),
        count(ProbeStatus::Differs),
        count(ProbeStatus::Refused),
        count(ProbeStatus::Skipped),
    );
    let summary = format!(
        "{ok} {}, {differs} {}, {refused} {}, {skipped} {} (Graph API {api_version}).",
        ProbeStatus::Ok.label().to_lowercase(),
        if differs == 1 { "differs" } else { "differ" },
        ProbeStatus::Refused.label().to_lowercase(),
        ProbeStatus::Skipped.label().to_lowercase(),
    );
    Ok(CompatReport {
        gatehouse_version: env!("CARGO_PKG_VERSION").to_owned(),
        api_version,
        ok,
        differs,
        refused,
        skipped,
        summary,
        probes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_are_compared_by_name_and_type_only() {
        let want = json!({"data": [{"id": "1", "name": "A", "tasks": ["MANAGE"]}], "summary": {"total_count": 3}});
        let same = json!({"data": [{"id": "9", "name": "Other", "tasks": []}, {"id": "8", "name": "B", "tasks": ["X"]}], "summary": {"total_count": 1}});
        assert_eq!(differences(&want, &same), Vec::<String>::new());
        let changed = json!({"data": [{"id": 9, "name": "Other"}]});
        assert_eq!(
            differences(&want, &changed),
            ["data[].id is number, expected string", "missing data[].tasks", "missing summary"]
        );
        // An empty list has no items to compare.
        assert_eq!(
            differences(&want, &json!({"data": [], "summary": {"total_count": 0}})),
            Vec::<String>::new()
        );
    }
}
