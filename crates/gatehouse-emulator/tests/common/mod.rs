//! A tiny HTTP/1 client for driving the emulator in tests (127.0.0.1 only).

#![allow(dead_code)]

use std::collections::HashMap;

use bytes::Bytes;
use gatehouse_emulator::{Emulator, EmulatorConfig, Fixture, Manifest, RunningEmulator};
use http_body_util::{BodyExt, Full};
use serde_json::Value;
use tokio::net::TcpStream;

pub struct Resp {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub json: Value,
}

impl Resp {
    pub fn code(&self) -> Option<u64> {
        self.json["error"]["code"].as_u64()
    }

    pub fn subcode(&self) -> Option<u64> {
        self.json["error"]["error_subcode"].as_u64()
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, 200, "expected 200, got {}: {}", self.status, self.json);
        &self.json
    }

    #[track_caller]
    pub fn err(&self, code: u64, subcode: Option<u64>) -> &Value {
        assert_eq!((self.code(), self.subcode()), (Some(code), subcode), "body: {}", self.json);
        assert_eq!(self.status, 400, "body: {}", self.json);
        &self.json
    }
}

pub struct Env {
    pub emu: RunningEmulator,
    pub port: u16,
}

impl Env {
    pub async fn demo() -> Self {
        Self::with(EmulatorConfig::new(Fixture::demo())).await
    }

    pub async fn with(config: EmulatorConfig) -> Self {
        let emu = Emulator::start(config).await.expect("start");
        let port = emu.url().rsplit(':').next().and_then(|p| p.parse().ok()).expect("port");
        Self { emu, port }
    }

    pub fn m(&self) -> &Manifest {
        self.emu.manifest()
    }

    /// One request; the answer's status, headers and bytes.
    async fn exchange(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Result<(u16, HashMap<String, String>, Bytes), String> {
        let stream =
            TcpStream::connect(("127.0.0.1", self.port)).await.map_err(|e| e.to_string())?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, conn) = hyper::client::conn::http1::handshake::<_, Full<Bytes>>(io)
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        let mut req = hyper::Request::builder().method(method).uri(path);
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req = req.header("host", "127.0.0.1");
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(Bytes::from(body))).map_err(|e| e.to_string())?;
        let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let bytes = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, headers, bytes))
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Result<Resp, String> {
        let (status, headers, bytes) =
            self.exchange(method, path, content_type, body, headers).await?;
        let json = serde_json::from_slice(&bytes).map_err(|e| format!("{e}: {bytes:?}"))?;
        Ok(Resp { status, headers, json })
    }

    /// Any answer, as status, headers and text (the login dialog answers HTML and redirects).
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> (u16, HashMap<String, String>, String) {
        let (content_type, body) = match form {
            Some(pairs) => (
                Some("application/x-www-form-urlencoded"),
                form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish(),
            ),
            None => (None, String::new()),
        };
        let (status, headers, bytes) =
            self.exchange(method, path, content_type, body.into_bytes(), &[]).await.expect("send");
        (status, headers, String::from_utf8_lossy(&bytes).into_owned())
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, Vec::new(), &[]).await.expect("GET")
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None, Vec::new(), &[]).await.expect("DELETE")
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.try_post(path, form).await.expect("POST")
    }

    pub async fn try_post(&self, path: &str, form: &[(&str, &str)]) -> Result<Resp, String> {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        self.send("POST", path, Some("application/x-www-form-urlencoded"), body.into_bytes(), &[])
            .await
    }

    pub async fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let r = self
            .send(
                method,
                &format!("/__emulator{path}"),
                Some("application/json"),
                body.to_string().into_bytes(),
                &[("x-emulator-control", &self.m().control_secret)],
            )
            .await
            .expect("control");
        assert_eq!(r.status, 200, "{}", r.json);
        r.json
    }

    pub fn agency(&self) -> &gatehouse_emulator::ManifestBusiness {
        &self.m().businesses[0]
    }
}

pub fn q(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub fn proof(token: &str, secret: &str) -> String {
    gatehouse_emulator::appsecret_proof_hex(secret, token)
}

/// The ID of the agency's first asset on a Business edge (`owned_pages`, …).
pub async fn first(env: &Env, edge: &str) -> String {
    let a = env.agency();
    let t = a.admin_token.clone().unwrap();
    env.get(&format!("/v26.0/{}/{edge}?limit=1&access_token={t}", a.id)).await.ok()["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}
