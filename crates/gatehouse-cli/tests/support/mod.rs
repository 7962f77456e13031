//! Running the built `gatehouse` binary against an in-process emulator (demo fixture) through
//! a profile. `GATEHOUSE_KEYRING=mock` forgets secrets when a process ends, so every command
//! gets the profile's admin token and app secret on stdin (`--secrets-stdin`, two lines), and a
//! token, when the command reads one, as the third line.

#![allow(dead_code)] // Each test binary uses its own part of this.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use gatehouse_emulator::Fixture;
use gatehouse_testkit::BackgroundEmulator;
use serde_json::Value;

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }

    #[track_caller]
    pub fn ok(&self) -> &Self {
        assert_eq!(self.code, 0, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }
}

/// Runs the binary with its own config directory (and data directory inside it); `env` adds variables, `None` values remove
/// them.
pub fn gatehouse(
    config: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(&str, Option<&str>)],
) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.args(args)
        .env("GATEHOUSE_CONFIG_DIR", config)
        // The jobs and the audit log go beside it, never to the user's own data folder.
        .env("GATEHOUSE_DATA_DIR", config.join("data"))
        .env("GATEHOUSE_KEYRING", "mock")
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    let mut child = cmd.spawn().expect("spawn gatehouse");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        // A command refused before it reads stdin (a usage error) closes the pipe early.
        if let Err(e) = pipe.write_all(text.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
        }
    }
    let out = child.wait_with_output().expect("wait gatehouse");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The demo fixture served by an emulator in this process, and a profile `demo` pointing at it.
pub struct Portfolio {
    pub emulator: BackgroundEmulator,
    pub dir: tempfile::TempDir,
    pub business_id: String,
    pub app_id: String,
    /// The profile's two secret lines.
    secrets: String,
}

impl Portfolio {
    pub fn start() -> Self {
        let emulator = BackgroundEmulator::start(Fixture::demo());
        let b = &emulator.manifest().businesses[0];
        let app = &b.apps[0];
        let secrets = format!("{}\n{}\n", b.admin_token.clone().expect("admin token"), app.secret);
        let (business_id, app_id) = (b.id.clone(), app.id.clone());
        let dir = tempfile::tempdir().expect("tempdir");
        let portfolio = Portfolio { emulator, dir, business_id, app_id, secrets };
        let url = portfolio.emulator.url().to_owned();
        let args = [
            "--base-url",
            &url,
            "profile",
            "add",
            "demo",
            "--business",
            &portfolio.business_id,
            "--app",
            &portfolio.app_id,
        ];
        gatehouse(portfolio.dir.path(), &args, Some(&portfolio.secrets), &[]).ok();
        portfolio
    }

    /// `gatehouse --profile demo --secrets-stdin <args>`, with `token` as the third stdin line.
    pub fn run(&self, args: &[&str], token: Option<&str>) -> Out {
        self.run_env(args, token, &[])
    }

    pub fn run_env(&self, args: &[&str], token: Option<&str>, env: &[(&str, Option<&str>)]) -> Out {
        let mut all = vec!["--profile", "demo", "--secrets-stdin"];
        all.extend_from_slice(args);
        let out = gatehouse(self.dir.path(), &all, Some(&self.stdin(token)), env);
        for line in self.secrets.lines() {
            assert!(
                !out.stdout.contains(line) && !out.stderr.contains(line),
                "a profile secret was printed"
            );
        }
        out
    }

    /// What `run` writes on stdin: the profile's secrets, then the token if any.
    pub fn stdin(&self, token: Option<&str>) -> String {
        let mut stdin = self.secrets.clone();
        if let Some(t) = token {
            stdin.push_str(t);
            stdin.push('\n');
        }
        stdin
    }

    /// Creates a regular system user; returns its id.
    pub fn create_system_user(&self, name: &str) -> String {
        let out = self.run(&["system-users", "create", name, "--json"], None);
        out.ok().json()["id"].as_str().expect("id").to_owned()
    }

    /// The first `n` owned assets of a kind.
    pub fn assets(&self, kind: &str, n: usize) -> Vec<String> {
        let out = self.run(&["assets", "list", kind, "--json"], None);
        let doc = out.ok().json();
        let assets = doc["assets"].as_array().expect("assets");
        assets.iter().take(n).map(|a| a["id"].as_str().expect("id").to_owned()).collect()
    }

    /// `token generate … --json` with stdout a pipe: returns (document, token).
    pub fn generate(&self, system_user: &str, scopes: &str, expires: &str) -> (Value, String) {
        let out = self.run(
            &[
                "token",
                "generate",
                "--system-user",
                system_user,
                "--scopes",
                scopes,
                "--expires",
                expires,
                "--json",
            ],
            None,
        );
        let doc = out.ok().json();
        let token = doc["access_token"].as_str().expect("access_token").to_owned();
        assert!(!out.stderr.contains(&token), "the token went to stderr");
        (doc, token)
    }

    /// How many token generations the emulator received.
    pub fn generation_requests(&self) -> usize {
        self.emulator
            .request_log()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/access_tokens"))
            .count()
    }
}
