//! A tiny scripted HTTP/1.1 server for transport tests: every request is recorded, and a
//! closure decides the reply, including faults (delays, dropped connections, redirects).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    pub fn query(&self) -> Vec<(String, String)> {
        let q = self.target.split_once('?').map(|(_, q)| q).unwrap_or("");
        url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.body.as_bytes()).into_owned().collect()
    }
    /// A parameter from the query or the form body.
    pub fn param(&self, name: &str) -> Option<String> {
        self.query().into_iter().chain(self.form()).find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

pub enum Reply {
    Json(u16, Value),
    JsonWithHeaders(u16, Value, Vec<(String, String)>),
    Raw(u16, String),
    Delay(Duration, Box<Reply>),
    /// Close the connection without answering (after the request was read).
    Drop,
    /// Never answer.
    Hang,
    Redirect(String),
}

pub type Handler = dyn Fn(&Req, usize) -> Reply + Send + Sync;

pub struct TestServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Req>>>,
    count: Arc<AtomicUsize>,
}

impl TestServer {
    /// Starts a server; `handler(req, n)` gets the 0-based index of the request.
    pub async fn start(handler: impl Fn(&Req, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, cnt) = (requests.clone(), count.clone());
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else { return };
                let (h, reqs, cnt) = (handler.clone(), reqs.clone(), cnt.clone());
                tokio::spawn(async move { serve(sock, h, reqs, cnt).await });
            }
        });
        Self { addr, requests, count }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&tmp[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let first = lines.next()?;
    let mut parts = first.split(' ');
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = sock.read(&mut tmp).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Some(Req { method, target, headers, body: String::from_utf8_lossy(&body).to_string() })
}

async fn serve(
    mut sock: TcpStream,
    h: Arc<Handler>,
    reqs: Arc<Mutex<Vec<Req>>>,
    cnt: Arc<AtomicUsize>,
) {
    let Some(req) = read_request(&mut sock).await else { return };
    let n = cnt.fetch_add(1, Ordering::SeqCst);
    reqs.lock().unwrap().push(req.clone());
    let mut reply = h(&req, n);
    loop {
        match reply {
            Reply::Delay(d, next) => {
                tokio::time::sleep(d).await;
                reply = *next;
            }
            Reply::Drop => return,
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Reply::Json(status, v) => return write(&mut sock, status, &v.to_string(), &[]).await,
            Reply::JsonWithHeaders(status, v, hs) => {
                return write(&mut sock, status, &v.to_string(), &hs).await
            }
            Reply::Raw(status, body) => return write(&mut sock, status, &body, &[]).await,
            Reply::Redirect(loc) => {
                return write(&mut sock, 302, "", &[("Location".into(), loc)]).await;
            }
        }
    }
}

async fn write(sock: &mut TcpStream, status: u16, body: &str, headers: &[(String, String)]) {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    let _ = sock.write_all(out.as_bytes()).await;
    let _ = sock.shutdown().await;
}
