//! Bulk jobs through the built `gatehouse` binary on the demo portfolio, each test with its own
//! `GATEHOUSE_DATA_DIR`: assign and unassign saved as jobs, `jobs list|show|resume`, retrying
//! failed items, resuming a job another process left pending, and unknown jobs.

use std::path::Path;
use std::process::{Command, Stdio};

use gatehouse_core::jobs::{AssetChange, ChangeAction, JobRequest};
use gatehouse_core::store::{Store, DB_FILE};
use gatehouse_graph::AssetKind;
use serde_json::Value;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", self.stdout))
    }
}

/// `gatehouse --demo <args>` with its own config and data directory.
fn demo(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .arg("--demo")
        .args(args)
        .env("GATEHOUSE_CONFIG_DIR", dir)
        .env("GATEHOUSE_DATA_DIR", dir)
        .env_remove("GATEHOUSE_KEYRING")
        .stdin(Stdio::null())
        .output()
        .expect("run gatehouse");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(out: &Out) {
    assert_eq!(out.code, 0, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
}

/// The demo's regular system user and three of its ad accounts (the demo fixture is the same
/// in every process).
fn user_and_accounts(dir: &Path) -> (String, Vec<String>) {
    let users = demo(dir, &["system-users", "list", "--json"]);
    ok(&users);
    let user = users.json()["system_users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["role"] == "regular")
        .expect("a regular system user")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let accounts = demo(dir, &["assets", "list", "ad-accounts", "--json"]);
    ok(&accounts);
    let ids = accounts.json()["assets"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    (user, ids)
}

#[test]
fn assign_is_saved_as_a_job_that_list_and_show_report() {
    let dir = tempfile::tempdir().unwrap();
    let (user, ids) = user_and_accounts(dir.path());
    let mut args = vec!["assign", "ad-accounts"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--system-user", &user, "--tasks", "ANALYZE", "--json"]);
    let out = demo(dir.path(), &args);
    ok(&out);
    let doc = out.json();
    let job_id = doc["job_id"].as_str().expect("job id").to_owned();
    assert_eq!((doc["succeeded"].as_u64(), doc["failed"].as_u64()), (Some(3), Some(0)));
    assert_eq!(doc["status"], "completed");
    assert!(out.stderr.contains("3 of 3 done"), "progress on stderr: {}", out.stderr);
    assert!(dir.path().join(DB_FILE).exists(), "the job is in the data directory");

    let list = demo(dir.path(), &["jobs", "list", "--json"]);
    ok(&list);
    let jobs = list.json()["jobs"].as_array().unwrap().clone();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0]["id"], job_id.as_str());
    assert_eq!(jobs[0]["status"], "completed");
    assert_eq!(jobs[0]["total"], 3);

    let plain = demo(dir.path(), &["jobs", "list"]);
    ok(&plain);
    assert!(
        plain.stdout.starts_with(&format!("{job_id}\tcompleted\t3/3 done")),
        "{}",
        plain.stdout
    );

    let show = demo(dir.path(), &["jobs", "show", &job_id, "--json"]);
    ok(&show);
    let report = show.json();
    assert_eq!(report["summary"]["system_user_id"], user.as_str());
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["status"] == "succeeded" && i["tasks"][0] == "ANALYZE"));

    // Unassign is a job too.
    let out = demo(dir.path(), &["unassign", "ad-accounts", &ids[0], "--system-user", &user]);
    ok(&out);
    assert_eq!(out.stdout.trim(), format!("ok\t{}", ids[0]));
    let list = demo(dir.path(), &["jobs", "list", "--json"]);
    assert_eq!(list.json()["jobs"].as_array().unwrap().len(), 2);
}

#[test]
fn resume_with_retry_failed_keeps_the_items_error() {
    let dir = tempfile::tempdir().unwrap();
    let (user, ids) = user_and_accounts(dir.path());
    let out = demo(
        dir.path(),
        &[
            "assign",
            "ad-accounts",
            &ids[0],
            "act_999",
            "--system-user",
            &user,
            "--tasks",
            "ANALYZE",
            "--json",
        ],
    );
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let doc = out.json();
    let job_id = doc["job_id"].as_str().unwrap().to_owned();
    assert_eq!(doc["status"], "completed_with_failures");

    let out = demo(dir.path(), &["jobs", "resume", &job_id, "--retry-failed", "--json"]);
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let doc = out.json();
    assert_eq!((doc["succeeded"].as_u64(), doc["failed"].as_u64()), (Some(1), Some(1)));
    let bad = &doc["results"][1];
    assert_eq!((bad["asset_id"].as_str(), bad["ok"].as_bool()), (Some("act_999"), Some(false)));
    for field in ["code", "message", "fix"] {
        assert!(bad["error"][field].as_str().is_some_and(|s| !s.is_empty()), "{bad}");
    }
    assert!(out.stderr.contains("1 items to run"), "{}", out.stderr);
}

#[test]
fn a_job_left_pending_by_another_process_is_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let (user, ids) = user_and_accounts(dir.path());
    let job = {
        let store = Store::open(dir.path().join(DB_FILE)).unwrap();
        store
            .create_job(&JobRequest {
                portfolio_id: "demo".into(),
                system_user_id: user.clone(),
                system_user_name: "Reporting".into(),
                changes: ids
                    .iter()
                    .map(|id| AssetChange {
                        kind: AssetKind::AdAccount,
                        asset_id: id.clone(),
                        asset_name: String::new(),
                        action: ChangeAction::Assign,
                        tasks: vec!["ADVERTISE".into(), "ANALYZE".into()],
                    })
                    .collect(),
            })
            .unwrap()
    };
    let out = demo(dir.path(), &["jobs", "resume", &job.id]);
    ok(&out);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines, ids.iter().map(|id| format!("ok\t{id}")).collect::<Vec<_>>());
    let store = Store::open(dir.path().join(DB_FILE)).unwrap();
    assert!(store.unfinished_jobs("demo").unwrap().is_empty());
}

#[test]
fn an_unknown_job_is_a_profile_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = demo(dir.path(), &["jobs", "show", "job-nope", "--json"]);
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.json()["error"]["code"], "job_not_found");
}
