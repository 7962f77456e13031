//! `fields=` selection (spec §10.2): `a,b,edge{x,y},edge.limit(5){x}`.

use crate::errors::{GraphError, GraphResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// `edge{...}`: the nested selection.
    pub children: Option<Vec<Field>>,
    /// `edge.limit(n)`.
    pub limit: Option<usize>,
}

impl Field {
    pub fn plain(name: &str) -> Self {
        Self { name: name.to_string(), children: None, limit: None }
    }
}

fn syntax(msg: &str) -> GraphError {
    GraphError::new(2500, "OAuthException", format!("Syntax error \"{msg}\""))
}

/// Parses a `fields` value. An empty value selects nothing in particular (defaults apply).
pub fn parse(input: &str) -> GraphResult<Vec<Field>> {
    let chars: Vec<char> = input.chars().collect();
    let mut pos = 0;
    let fields = parse_list(&chars, &mut pos)?;
    if pos != chars.len() {
        return Err(syntax(&format!("Expected end of string instead of \"{}\".", chars[pos])));
    }
    Ok(fields)
}

fn parse_list(c: &[char], pos: &mut usize) -> GraphResult<Vec<Field>> {
    let mut out = Vec::new();
    loop {
        skip_ws(c, pos);
        if *pos >= c.len() || c[*pos] == '}' {
            return Ok(out);
        }
        let start = *pos;
        while *pos < c.len() && (c[*pos].is_ascii_alphanumeric() || c[*pos] == '_') {
            *pos += 1;
        }
        if start == *pos {
            return Err(syntax(&format!("Unexpected character \"{}\"", c[*pos])));
        }
        let mut field = Field::plain(&c[start..*pos].iter().collect::<String>());
        // Modifiers such as `.limit(10)`; others are accepted and ignored.
        while *pos < c.len() && c[*pos] == '.' {
            *pos += 1;
            let m = *pos;
            while *pos < c.len() && c[*pos] != '(' {
                *pos += 1;
            }
            let modifier: String = c[m..*pos].iter().collect();
            if *pos >= c.len() {
                return Err(syntax("Expected \"(\""));
            }
            *pos += 1;
            let a = *pos;
            while *pos < c.len() && c[*pos] != ')' {
                *pos += 1;
            }
            if *pos >= c.len() {
                return Err(syntax("Expected \")\""));
            }
            let arg: String = c[a..*pos].iter().collect();
            *pos += 1;
            if modifier == "limit" {
                field.limit = Some(arg.trim().parse().map_err(|_| syntax("Invalid limit"))?);
            }
        }
        skip_ws(c, pos);
        if *pos < c.len() && c[*pos] == '{' {
            *pos += 1;
            let children = parse_list(c, pos)?;
            if *pos >= c.len() || c[*pos] != '}' {
                return Err(syntax("Expected \"}\""));
            }
            *pos += 1;
            field.children = Some(children);
        }
        out.push(field);
        skip_ws(c, pos);
        if *pos < c.len() && c[*pos] == ',' {
            *pos += 1;
        }
    }
}

fn skip_ws(c: &[char], pos: &mut usize) {
    while *pos < c.len() && c[*pos].is_whitespace() {
        *pos += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_limits() {
        let f = parse("id,name,assigned_pages.limit(2){id,tasks},x{y{z}}").unwrap();
        assert_eq!(f.len(), 4);
        assert_eq!(f[2].name, "assigned_pages");
        assert_eq!(f[2].limit, Some(2));
        assert_eq!(f[2].children.as_ref().unwrap()[1].name, "tasks");
        assert_eq!(f[3].children.as_ref().unwrap()[0].children.as_ref().unwrap()[0].name, "z");
        assert_eq!(parse("id{").unwrap_err().code, 2500);
        assert_eq!(parse("id}").unwrap_err().code, 2500);
    }
}
