//! The Graph API error envelope (spec §8.1) and the errors the emulator produces.

use serde_json::{json, Map, Value};

/// One Graph API error, rendered as `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphError {
    pub status: u16,
    pub message: String,
    pub kind: &'static str,
    pub code: u32,
    pub subcode: Option<u32>,
    pub is_transient: bool,
    /// Extra keys merged into the error object (e.g. `error_data`).
    pub extra: Option<Map<String, Value>>,
}

impl GraphError {
    /// A Graph error whose message gets the usual `(#code)` prefix. HTTP 400 by default.
    // UNCONFIRMED: the HTTP status of code 190 (400 is what client code observes; some Meta APIs
    // answer 401); we use 400 for every Graph error except injected transient ones.
    pub fn new(code: u32, kind: &'static str, message: impl AsRef<str>) -> Self {
        Self {
            status: 400,
            message: format!("(#{code}) {}", message.as_ref()),
            kind,
            code,
            subcode: None,
            is_transient: false,
            extra: None,
        }
    }

    /// A Graph error whose message is used verbatim (190 and 100/33 messages carry no prefix in
    /// the wild).
    pub fn raw(code: u32, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            message: message.into(),
            kind,
            code,
            subcode: None,
            is_transient: false,
            extra: None,
        }
    }

    pub fn with_subcode(mut self, subcode: u32) -> Self {
        self.subcode = Some(subcode);
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn transient(mut self) -> Self {
        self.is_transient = true;
        self
    }

    pub fn with_extra(mut self, key: &str, value: Value) -> Self {
        self.extra.get_or_insert_with(Map::new).insert(key.to_string(), value);
        self
    }

    /// Code 100, `OAuthException`: an invalid or missing parameter.
    pub fn param(message: impl AsRef<str>) -> Self {
        Self::new(100, "OAuthException", message)
    }

    pub fn missing_param(name: &str) -> Self {
        Self::param(format!("The parameter {name} is required"))
    }

    /// Code 100 subcode 33: the object does not exist, is not visible to the caller, or does not
    /// support the operation. Meta uses the same text for all three so as not to leak existence.
    pub fn unsupported(method: &str, id: &str) -> Self {
        Self::raw(
            100,
            "GraphMethodException",
            format!(
                "Unsupported {} request. Object with ID '{id}' does not exist, cannot be loaded due \
                 to missing permissions, or does not support this operation. Please read the Graph \
                 API documentation at https://developers.facebook.com/docs/graph-api",
                method.to_ascii_lowercase()
            ),
        )
        .with_subcode(33)
    }

    pub fn nonexisting_field(field: &str, node_type: &str) -> Self {
        Self::param(format!(
            "Tried accessing nonexisting field ({field}) on node type ({node_type})"
        ))
    }

    /// Code 2500 for trailing path segments the API does not know.
    pub fn unknown_path(components: &str) -> Self {
        Self::new(2500, "OAuthException", format!("Unknown path components: {components}"))
    }

    /// Code 10: the caller's role does not allow the action.
    pub fn permission(message: impl AsRef<str>) -> Self {
        Self::new(10, "OAuthException", message)
    }

    /// Code 200: the token lacks a permission (scope).
    pub fn missing_scope(scope: &str) -> Self {
        Self::new(
            200,
            "OAuthException",
            format!("Requires {scope} permission to manage the object"),
        )
    }

    /// The JSON body: `{"error": {...}}` with `fbtrace_id` supplied by the caller.
    pub fn to_json(&self, fbtrace_id: &str) -> Value {
        let mut err = Map::new();
        err.insert("message".into(), json!(self.message));
        err.insert("type".into(), json!(self.kind));
        err.insert("code".into(), json!(self.code));
        if let Some(sub) = self.subcode {
            err.insert("error_subcode".into(), json!(sub));
        }
        err.insert("is_transient".into(), json!(self.is_transient));
        if let Some(extra) = &self.extra {
            for (k, v) in extra {
                err.insert(k.clone(), v.clone());
            }
        }
        err.insert("fbtrace_id".into(), json!(fbtrace_id));
        json!({ "error": err })
    }
}

/// Errors of the library API (starting, loading fixtures), as opposed to Graph errors.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot read fixture {path}: {source}")]
    FixtureIo { path: String, source: std::io::Error },
    #[error("invalid fixture: {0}")]
    Fixture(String),
    #[error("cannot bind 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("invalid configuration: {0}")]
    Config(String),
}

pub type GraphResult<T> = Result<T, GraphError>;
