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
//! UNCONFIRMED: the exact page, the fragment's other fields, and `response_type=code` (not
//! served: Gatehouse asks for `token`).

use std::fmt::Write as _;

use crate::params::Params;
use crate::state::{State, TokenKind, UserKind};

/// The one redirect Meta allows a desktop app's login window.
pub const LOGIN_SUCCESS: &str = "https://www.facebook.com/connect/login_success.html";
/// A login token's life: short, so the client exchanges it for a 60-day one.
const SHORT_LIVED_SECS: i64 = 3_600;

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
            answer(st, &params)
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
    if p.get("response_type").unwrap_or("code") != "token" {
        return Err(page(
            400,
            "Not served by the emulator",
            "The emulator's login dialog answers response_type=token only.",
        ));
    }
    // Facebook Login for Business names a configuration instead of permissions; the emulator's
    // configurations give what Gatehouse needs to set itself up.
    let scopes = match (p.get("scope"), p.get("config_id")) {
        (Some(s), _) => {
            s.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
        }
        (None, Some(_)) => vec!["business_management".to_owned()],
        (None, None) => vec!["public_profile".to_owned()],
    };
    Ok(Request { app, redirect, state: p.get("state").unwrap_or_default().to_owned(), scopes })
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
    ] {
        let _ = write!(html, "<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value));
    }
    html.push_str("<ul class=\"people\">");
    for user in &st.users {
        if user.kind != UserKind::Person {
            continue;
        }
        let business = &st.businesses[user.business].name;
        let _ = write!(
            html,
            "<li><button type=\"submit\" name=\"person\" value=\"{}\">Continue as {}</button> \
             <span>{} of {}</span></li>",
            escape(&user.id),
            escape(&user.name),
            user.role.as_str().to_ascii_lowercase(),
            escape(business),
        );
    }
    html.push_str(
        "</ul><button type=\"submit\" name=\"cancel\" value=\"1\">Cancel</button></form>",
    );
    LoginAnswer::Page { status: 200, html: wrap("Log in with Facebook", &html) }
}

fn answer(st: &mut State, p: &Params) -> LoginAnswer {
    let req = match request(st, &{
        // The answer carries the request as hidden fields, scope already resolved.
        let mut q = Params::from_query("");
        for k in ["client_id", "redirect_uri", "state", "scope"] {
            if let Some(v) = p.get(k) {
                q.set(k.to_owned(), v.to_owned());
            }
        }
        q.set("response_type".to_owned(), "token".to_owned());
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
    let person = p
        .get("person")
        .and_then(|id| st.users.iter().position(|u| u.id == id && u.kind == UserKind::Person));
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
    let expires = st.now() + SHORT_LIVED_SECS;
    let t = st.issue_token(TokenKind::User, person, req.app, req.scopes.clone(), expires);
    st.writes += 1;
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
