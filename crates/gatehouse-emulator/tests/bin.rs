//! The binary prints exactly one JSON line when ready, serves it, and stops on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

#[test]
fn ready_line_then_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse-emulator"))
        .args(["--fixture", "scale:1000", "--port", "0", "--seed", "3"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut reader = BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line).expect("ready line");
    let m: serde_json::Value = serde_json::from_str(&line).expect("JSON manifest");
    let url = m["url"].as_str().expect("url");
    assert!(url.starts_with("http://127.0.0.1:"));
    let biz = &m["businesses"][0];
    for key in ["id", "name", "admin_token", "user_token", "clients", "apps"] {
        assert!(biz.get(key).is_some(), "{key}");
    }
    assert_eq!(biz["apps"][0]["tier"], "FULL");
    assert!(biz["apps"][0]["secret"].is_string());

    // It serves: a raw HTTP/1.1 request over loopback.
    let port: u16 = url.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
    let token = biz["admin_token"].as_str().expect("token");
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    use std::io::Write;
    write!(s, "GET /v26.0/me?access_token={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("Gatehouse Admin"));

    let status = Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .expect("kill");
    assert!(status.success());
    assert!(child.wait().expect("wait").success());
    // Exactly one line was printed.
    let mut rest = String::new();
    reader.read_to_string(&mut rest).expect("rest");
    assert!(rest.is_empty(), "{rest}");
}

#[test]
fn bad_arguments_fail_cleanly() {
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse-emulator"))
        .args(["--fixture", "scale:0"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse-emulator"))
        .args(["--limits", "{\"nope\": 1}"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse-emulator"))
        .args(["--bogus"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}
