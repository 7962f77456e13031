//! Meta's login dialog, as a desktop app meets it (Facebook Login, "Manually build a login
//! flow"): `GET /{version}/dialog/oauth?client_id&redirect_uri&state&response_type=token&scope`
//! (or `config_id`, Facebook Login for Business) shows a page where a person of the fixture
//! signs in or cancels; the answer is a redirect to `redirect_uri` with the token in the
//! fragment, or the error in the query. On www.facebook.com in reality; here on the emulator's
//! own origin, so demo mode and tests run the whole flow.
//!
//! Modelled (sources in ../shared/reference/meta-login.md): the desktop redirect
//! `https://www.facebook.com/connect/login_success.html` is the only one allowed ("URL
//! Blocked" otherwise); the token is short-lived (an hour), to be exchanged for a 60-day one; a
//! cancel is `error=access_denied&error_reason=user_denied`; a person with no role on the app
//! (an app in Development mode) gets the same plus `error_code=200` ("Permissions error").
//! `response_type=code` is served too (Meta's manual flow; some Facebook Login for Business
//! configurations may answer with a code whatever is asked): the redirect carries `?code=`,
//! exchanged once at `/oauth/access_token` with the app secret and the same `redirect_uri`.
//! UNCONFIRMED: the exact page and the fragment's other fields.
//!
//! Like Meta's dialog, the person may untick permissions ("Edit access"); the token then has
//! only those left. The control endpoint's `login` sets who is signed in to Facebook in the
//! dialog's browser (the dialog then offers "Continue as" that person only, as Meta does) and,
//! for tests of the login window's confinement, a script the page runs.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::params::Params;
use crate::state::{State, TokenKind, UserKind};

/// The one redirect Meta allows a desktop app's login window.
pub const LOGIN_SUCCESS: &str = "https://www.facebook.com/connect/login_success.html";
/// A login token's life: short, so the client exchanges it for a 60-day one.
const SHORT_LIVED_SECS: i64 = 3_600;

/// The dialog's browser, as the control endpoint sets it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginBrowser {
    /// The person signed in to Facebook there: the dialog offers only them. None: everyone in
    /// the fixture (demo mode, where the person picks who they are).
    pub signed_in_as: Option<String>,
    /// Script the dialog page runs (tests of what a page in the login window can reach).
    pub script: Option<String>,
}

/// The fixture's person with this ID.
pub fn person(st: &State, id: &str) -> Option<usize> {
    st.users.iter().position(|u| u.id == id && u.kind == UserKind::Person)
}

/// A code the dialog answered, until it is exchanged (once).
#[derive(Debug, Clone)]
pub struct LoginCode {
    pub token: crate::state::TokenIx,
    /// The exchange must name the same `redirect_uri`.
    pub redirect: String,
}

/// Always granted with any login (Meta's default permission).
const PUBLIC_PROFILE: &str = "public_profile";

/// What the server sends back: an HTML page, or a redirect.
pub enum LoginAnswer {
    Page { status: u16, html: String },
    Redirect(String),
}

/// Whether `path` is the dialog (`/dialog/oauth`, with or without a version) or its answer.
pub fn is_login_path(path: &str) -> bool {
    login_route(path).is_some()
}

fn login_route(path: &str) -> Option<&'static str> {
    let rest = path.trim_start_matches('/');
    let rest = match rest.split_once('/') {
        Some((v, r)) if v.starts_with('v') && v[1..].contains('.') => r,
        _ => rest,
    };
    match rest.trim_end_matches('/') {
        "dialog/oauth" => Some("dialog"),
        "dialog/oauth/answer" => Some("answer"),
        _ => None,
    }
}

/// Answers `GET /dialog/oauth` (the page) and `POST /dialog/oauth/answer` (the person's choice).
pub fn handle(st: &mut State, method: &str, path: &str, query: &str, body: &[u8]) -> LoginAnswer {
    match (method, login_route(path)) {
        ("GET", Some("dialog")) => dialog(st, &Params::from_query(query)),
        ("POST", Some("answer")) => {
            let mut params = Params::from_query("");
            params.extend_urlencoded(body);
            // Repeated fields (one per permission left ticked); `Params` keeps one per name.
            let ticked: Vec<String> = form_urlencoded::parse(body)
                .filter(|(k, _)| k == "grant")
                .map(|(_, v)| v.into_owned())
                .collect();
            answer(st, &params, &ticked)
        }
        _ => {
            page(405, "Not available", "This address takes GET (the dialog) or POST (the answer).")
        }
    }
}

/// The request's app and redirect, checked as Meta checks them before showing anything.
struct Request {
    app: usize,
    redirect: String,
    state: String,
    scopes: Vec<String>,
    /// `code` (the answer is a code to exchange) rather than `token`.
    code: bool,
}

fn request(st: &State, p: &Params) -> Result<Request, LoginAnswer> {
    let client_id = p.get("client_id").unwrap_or_default();
    let app =
        st.assets.iter().position(|a| a.id == client_id && a.app().is_some()).ok_or_else(|| {
            page(200, "Invalid App ID", "The provided app ID does not look like a valid app ID.")
        })?;
    let redirect = p.get("redirect_uri").unwrap_or_default().to_owned();
    if redirect != LOGIN_SUCCESS {
        return Err(page(
            200,
            "URL Blocked",
            "This redirect failed because the redirect URI is not whitelisted in the app's Client \
             OAuth Settings. Make sure Client and Web OAuth Login are on and add all your app \
             domains as Valid OAuth Redirect URIs.",
        ));
    }
    // Meta's default is `code`.
    let code = match p.get("response_type").unwrap_or("code") {
        "token" => false,
        "code" => true,
        other => {
            return Err(page(
                400,
                "Not served by the emulator",
                &format!(
                    "The emulator's login dialog answers response_type=token or code, not {other}."
                ),
            ))
        }
    };
    // Facebook Login for Business names a configuration instead of permissions; the emulator's
    // configurations give what Gatehouse needs to set itself up.
    let scopes = match (p.get("scope"), p.get("config_id")) {
        (Some(s), _) => {
            s.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
        }
        (None, Some(_)) => vec!["business_management".to_owned()],
        (None, None) => vec!["public_profile".to_owned()],
    };
    Ok(Request {
        app,
        redirect,
        state: p.get("state").unwrap_or_default().to_owned(),
        scopes,
        code,
    })
}

fn dialog(st: &State, p: &Params) -> LoginAnswer {
    let req = match request(st, p) {
        Ok(r) => r,
        Err(answer) => return answer,
    };
    let app = &st.assets[req.app];
    let mut html = String::new();
    let _ = write!(
        html,
        "<h1>Log in to {app}</h1><p>{app} is asking for: {scopes}.</p>\
         <form method=\"post\" action=\"/dialog/oauth/answer\">",
        app = escape(&app.name),
        scopes = escape(&req.scopes.join(", ")),
    );
    for (name, value) in [
        ("client_id", app.id.as_str()),
        ("redirect_uri", req.redirect.as_str()),
        ("state", req.state.as_str()),
        ("scope", &req.scopes.join(",")),
        ("response_type", if req.code { "code" } else { "token" }),
        ("edit_access", "1"),
    ] {
        let _ = write!(html, "<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value));
    }
    // The person is signed in to Facebook in this browser, or (demo) picks who they are.
    let signed_in = st.login_browser.signed_in_as.as_deref().and_then(|id| person(st, id));
    html.push_str("<ul class=\"people\">");
    let mut first = true;
    for (ix, user) in st.users.iter().enumerate() {
        if user.kind != UserKind::Person || signed_in.is_some_and(|p| p != ix) {
            continue;
        }
        let business = &st.businesses[user.business].name;
        let _ = write!(
            html,
            "<li><button type=\"submit\" name=\"person\" value=\"{}\"{}>Continue as {}</button> \
             <span>{} of {}</span></li>",
            escape(&user.id),
            if first { " autofocus" } else { "" },
            escape(&user.name),
            user.role.as_str().to_ascii_lowercase(),
            escape(business),
        );
        first = false;
    }
    html.push_str("</ul>");
    // Meta's "Edit access": each permission but the default one can be unticked.
    let editable: Vec<&String> = req.scopes.iter().filter(|s| *s != PUBLIC_PROFILE).collect();
    if !editable.is_empty() {
        html.push_str("<details><summary>Edit access</summary><ul>");
        for scope in editable {
            let _ = write!(
                html,
                "<li><label><input type=\"checkbox\" name=\"grant\" value=\"{0}\" checked> {0}</label></li>",
                escape(scope)
            );
        }
        html.push_str("</ul></details>");
    }
    html.push_str("<button type=\"submit\" name=\"cancel\" value=\"1\">Cancel</button></form>");
    if let Some(script) = &st.login_browser.script {
        // Set by the control endpoint only: a test's probe of the login window.
        let _ = write!(html, "<script>{script}</script>");
    }
    LoginAnswer::Page { status: 200, html: wrap("Log in with Facebook", &html) }
}

fn answer(st: &mut State, p: &Params, ticked: &[String]) -> LoginAnswer {
    let req = match request(st, &{
        // The answer carries the request as hidden fields, scope already resolved.
        let mut q = Params::from_query("");
        for k in ["client_id", "redirect_uri", "state", "scope", "config_id"] {
            if let Some(v) = p.get(k) {
                q.set(k.to_owned(), v.to_owned());
            }
        }
        q.set("response_type".to_owned(), p.get("response_type").unwrap_or("token").to_owned());
        q
    }) {
        Ok(r) => r,
        Err(answer) => return answer,
    };
    let state = form(&req.state);
    if p.get("cancel").is_some() {
        return LoginAnswer::Redirect(format!(
            "{}?error=access_denied&error_description=Permissions+error.\
             &error_reason=user_denied&state={state}#_=_",
            req.redirect
        ));
    }
    let person = p.get("person").and_then(|id| person(st, id));
    let Some(person) = person else {
        return page(400, "Who is signing in?", "Choose a person, or cancel.");
    };
    // A person with no role on the app: Development mode lets only the app's roles in.
    let business = &st.businesses[st.users[person].business];
    let has_role = business.owned.iter().flatten().any(|&a| a == req.app)
        || business.developer_apps.contains(&req.app);
    if !has_role {
        return LoginAnswer::Redirect(format!(
            "{}?error=access_denied&error_code=200&error_description=Permissions+error.\
             &error_reason=user_denied&state={state}#_=_",
            req.redirect
        ));
    }
    // Unticked under "Edit access": not granted (the default permission always is).
    let granted: Vec<String> = if p.get("edit_access").is_some() {
        req.scopes.iter().filter(|s| *s == PUBLIC_PROFILE || ticked.contains(s)).cloned().collect()
    } else {
        req.scopes.clone()
    };
    let expires = st.now() + SHORT_LIVED_SECS;
    let t = st.issue_token(TokenKind::User, person, req.app, granted, expires);
    st.writes += 1;
    if req.code {
        let code = format!("AQ{}", st.rng.alnum(40));
        st.login_codes.insert(code.clone(), LoginCode { token: t, redirect: req.redirect.clone() });
        return LoginAnswer::Redirect(format!("{}?code={code}&state={state}#_=_", req.redirect));
    }
    LoginAnswer::Redirect(format!(
        "{}#access_token={}&data_access_expiration_time={}&expires_in={SHORT_LIVED_SECS}&state={state}",
        req.redirect,
        st.tokens[t].value,
        st.now() + 90 * 86_400,
    ))
}

fn form(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(status: u16, title: &str, message: &str) -> LoginAnswer {
    LoginAnswer::Page {
        status,
        html: wrap(title, &format!("<h1>{}</h1><p>{}</p>", escape(title), escape(message))),
    }
}

fn wrap(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>body{{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}\
         button{{font:inherit;padding:.5rem 1rem;margin:.25rem 0}}li{{list-style:none}}</style></head>\
         <body><p><strong>Meta's login dialog, emulated on this computer</strong></p>{body}</body></html>",
        escape(title)
    )
}
