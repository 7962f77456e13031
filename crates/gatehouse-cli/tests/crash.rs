//! Killed mid-job: `gatehouse assign` is SIGKILLed while a bulk assignment of 600 ad accounts
//! is half sent (each request delayed by the emulator). The next process shows what was done
//! and what is left, offers to finish it, and finishing it ends exact.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gatehouse_emulator::FaultConfig;
use support::Portfolio;

#[test]
fn a_job_killed_mid_run_is_shown_and_finished_exactly() {
    let p = Portfolio::start();
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_owned();
    let user = p.create_system_user("Crash Test");
    let ids = p.assets("ad-accounts", 600);
    assert_eq!(ids.len(), 600);
    let emulator = p.emulator.kit().emulator();
    emulator.set_faults(FaultConfig { latency_ms: 120, ..FaultConfig::default() });
    let writes_before = emulator.request_log().iter().filter(|r| r.write).count();

    let mut args = vec!["--profile", "demo", "--secrets-stdin", "assign", "ad-accounts"];
    args.extend(ids.iter().map(String::as_str));
    args.extend(["--system-user", &user, "--tasks", "ANALYZE"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(&args)
        .env("GATEHOUSE_CONFIG_DIR", p.dir.path())
        .env("GATEHOUSE_DATA_DIR", &data_dir)
        .env("GATEHOUSE_KEYRING", "mock")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn gatehouse");
    child.stdin.take().unwrap().write_all(p.stdin(None).as_bytes()).unwrap();

    // Killed once a few batches have landed: some of the job is done, some is not.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let writes = emulator.request_log().iter().filter(|r| r.write).count() - writes_before;
        if writes >= 5 {
            break;
        }
        assert!(Instant::now() < deadline, "the job did not get going");
        assert!(child.try_wait().unwrap().is_none(), "the job ended before it was killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    emulator.set_faults(FaultConfig::default());

    let env = [("GATEHOUSE_DATA_DIR", Some(data_dir.as_str()))];
    let list = p.run_env(&["jobs", "list", "--json"], None, &env);
    let doc = list.ok().json();
    let job = &doc["jobs"][0];
    let (succeeded, pending) =
        (job["succeeded"].as_u64().unwrap(), job["pending"].as_u64().unwrap());
    assert_eq!(job["status"], "interrupted", "{job}");
    assert!(succeeded > 0 && pending > 0, "some done, some left: {job}");
    assert_eq!(succeeded + pending, 600, "{job}");
    let plain = p.run_env(&["jobs", "list"], None, &env);
    assert!(plain.ok().stdout.contains("interrupted"), "{}", plain.stdout);

    let job_id = job["id"].as_str().unwrap();
    let resumed = p.run_env(&["jobs", "resume", job_id, "--json"], None, &env);
    let done = resumed.ok().json();
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["succeeded"], 600, "{done}");

    // Exactly the 600 accounts, each with exactly the asked task, held once.
    let snapshot = emulator.state_snapshot();
    let held: Vec<(String, Vec<String>)> = snapshot["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["user"] == user.as_str())
        .map(|a| {
            let tasks = a["tasks"].as_array().unwrap().iter();
            (a["asset"].as_str().unwrap().to_owned(), tasks.map(|t| t.to_string()).collect())
        })
        .collect();
    assert_eq!(held.len(), 600);
    let plain_id = |id: &str| id.trim_start_matches("act_").to_owned();
    let mut want: Vec<String> = ids.iter().map(|i| plain_id(i)).collect();
    let mut got: Vec<String> = held.iter().map(|(a, _)| plain_id(a)).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(held.iter().all(|(_, tasks)| tasks == &["\"ANALYZE\""]), "{held:?}");
}
