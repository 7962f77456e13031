//! A hello-world Tauri 2 window, the baseline `scripts/bench.sh` measures Gatehouse's memory
//! against: one window with one line of HTML from its own scheme, nothing of Gatehouse.

use std::borrow::Cow;

use tauri::http::Response;
use tauri::{WebviewUrl, WebviewWindowBuilder};

const PAGE: &[u8] = b"<!doctype html><meta charset=utf-8><title>Hello</title><h1>Hello, world</h1>";

fn main() {
    tauri::Builder::default()
        .register_uri_scheme_protocol("hello", |_, _| {
            Response::builder()
                .header("content-type", "text/html")
                .body(Cow::Borrowed(PAGE))
                .unwrap_or_default()
        })
        .setup(|app| {
            let url = WebviewUrl::CustomProtocol("hello://localhost/".parse()?);
            WebviewWindowBuilder::new(app, "hello", url)
                .title("Hello")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("the hello window runs");
}
