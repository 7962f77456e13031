//! Request parameters: query string, form-encoded and multipart bodies merged into one bag, and the
//! three list encodings Meta's docs and SDKs use (spec §0).

use crate::errors::{GraphError, GraphResult};

/// Ordered parameters; later sources (the body) override earlier ones (the query string).
#[derive(Debug, Clone, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn from_query(query: &str) -> Self {
        let mut p = Self::default();
        p.extend_urlencoded(query.as_bytes());
        p
    }

    pub fn extend_urlencoded(&mut self, body: &[u8]) {
        for (k, v) in form_urlencoded::parse(body) {
            self.set(k.into_owned(), v.into_owned());
        }
    }

    /// Parses a `multipart/form-data` body (text fields only; file parts are kept as text).
    pub fn extend_multipart(&mut self, body: &[u8], boundary: &str) -> GraphResult<()> {
        let delim = format!("--{boundary}");
        let text = String::from_utf8_lossy(body);
        for part in text.split(delim.as_str()).skip(1) {
            if part.starts_with("--") {
                break;
            }
            let part = part.strip_prefix("\r\n").unwrap_or(part);
            let Some((head, value)) = part.split_once("\r\n\r\n") else {
                return Err(GraphError::param("Malformed multipart body"));
            };
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            let name = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
                .and_then(|l| l.split(';').map(str::trim).find_map(|p| p.strip_prefix("name=")))
                .map(|n| n.trim_matches('"').to_string());
            match name {
                Some(n) => self.set(n, value.to_string()),
                None => return Err(GraphError::param("Malformed multipart body")),
            }
        }
        Ok(())
    }

    pub fn set(&mut self, key: String, value: String) {
        if let Some(slot) = self.pairs.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        } else {
            self.pairs.push((key, value));
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// A present, non-empty value, or the documented "parameter is required" error.
    pub fn required(&self, key: &str) -> GraphResult<&str> {
        match self.get(key) {
            Some(v) if !v.trim().is_empty() => Ok(v),
            _ => Err(GraphError::missing_param(key)),
        }
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Graph booleans: `true`/`false`, `1`/`0`.
    pub fn bool(&self, key: &str) -> GraphResult<bool> {
        match self.get(key).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if v == "true" || v == "1" => Ok(true),
            Some(v) if v == "false" || v == "0" || v.is_empty() => Ok(false),
            Some(v) => Err(GraphError::param(format!("Param {key} must be a boolean, got {v}"))),
        }
    }

    pub fn list(&self, key: &str) -> GraphResult<Option<Vec<String>>> {
        self.get(key).map(parse_list).transpose()
    }
}

/// Parses a list value in any of the encodings seen in the wild: a JSON array (`["A","B"]`), a
/// single-quoted pseudo-JSON array (`['A', 'B']`), a comma-separated string (`A,B`) or one bare
/// value (`A`).
pub fn parse_list(raw: &str) -> GraphResult<Vec<String>> {
    let trimmed = raw.trim();
    if let Some(inner) = trimmed.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(GraphError::param(format!("Invalid list value: {raw}")));
        };
        if let Ok(serde_json::Value::Array(items)) = serde_json::from_str(trimmed) {
            return items
                .into_iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => Ok(s),
                    serde_json::Value::Number(n) => Ok(n.to_string()),
                    other => Err(GraphError::param(format!("Invalid list item: {other}"))),
                })
                .collect();
        }
        // Pseudo-JSON with single quotes, as in Meta's curl examples.
        return Ok(inner
            .split(',')
            .map(|s| s.trim().trim_matches(|c| c == '\'' || c == '"').trim().to_string())
            .filter(|s| !s.is_empty())
            .collect());
    }
    Ok(trimmed.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_encodings() {
        let want = vec!["MANAGE".to_string(), "ADVERTISE".to_string()];
        assert_eq!(parse_list(r#"["MANAGE","ADVERTISE"]"#).unwrap(), want);
        assert_eq!(parse_list("['MANAGE', 'ADVERTISE']").unwrap(), want);
        assert_eq!(parse_list("MANAGE,ADVERTISE").unwrap(), want);
        assert_eq!(parse_list("MANAGE").unwrap(), vec!["MANAGE".to_string()]);
        assert_eq!(parse_list("[1,2]").unwrap(), vec!["1".to_string(), "2".to_string()]);
        assert!(parse_list("[MANAGE").is_err());
    }

    #[test]
    fn multipart_fields() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAd Server\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nADMIN\r\n--XyZ--\r\n";
        let mut p = Params::from_query("role=EMPLOYEE&x=1");
        p.extend_multipart(body.as_bytes(), "XyZ").unwrap();
        assert_eq!(p.get("name"), Some("Ad Server"));
        assert_eq!(p.get("role"), Some("ADMIN"));
        assert_eq!(p.get("x"), Some("1"));
    }
}
