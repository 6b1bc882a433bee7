//! Issue 13, past one machine: two `medborger serve` processes on one
//! database, as behind a load balancer, behave as one. PostgreSQL holds all
//! the state: an Idempotency-Key's answer, login throttling, sessions and
//! the audit chain's sealer (an advisory lock).

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

/// A `medborger serve` process of this test's build, and what it logged.
struct Instance {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

impl Instance {
    fn logged(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Starts the binary on a free port with `env`; answers it once `/readyz` is 200.
async fn start(env: &HashMap<String, String>, db_name: String) -> (Instance, TestApp) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::env::temp_dir().join(format!("medborger-scale-out-{port}.log"));
    let file = std::fs::File::create(&log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_medborger"))
        .arg("serve")
        .envs(env)
        .env("MEDBORGER_BIND", format!("127.0.0.1:{port}"))
        .env("MEDBORGER_LOG", "info")
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("starting medborger serve");
    let instance = Instance { child, log };
    let settings = settings_for(&env["DATABASE_URL"], &[]);
    let app = TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::new(),
        clock: Default::default(),
        settings,
        db_name,
    };
    for _ in 0..300 {
        if let Ok(r) = app.client.get(app.url("/readyz")).send().await {
            if r.status() == 200 {
                return (instance, app);
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the instance did not become ready:\n{}", instance.logged());
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn two_processes_on_one_database_behave_as_one() {
    let db_name = fresh_database().await;
    // Both seal every second, a second behind: they compete for every window.
    let env = service_env(
        &app_url(&db_name),
        &[("MEDBORGER_AUDIT_SEAL_INTERVAL_SECS", "1"), ("MEDBORGER_AUDIT_SEAL_LAG_SECS", "1")],
    );
    // `a` owns the test database (dropped when the test passes).
    let (first, a) = start(&env, db_name).await;
    let (second, b) = start(&env, String::new()).await;

    // An Idempotency-Key retry sent to the other process answers the first result.
    let token = a.login("cw.bif").await.access;
    let before = count(&a, "SELECT count(*) FROM citizens").await;
    let body = refugee("010190-1234", 30, &a);
    let send = |app: &TestApp| {
        app.client
            .post(app.url("/api/v1/citizens"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "scale-out-1")
            .json(&body)
            .send()
    };
    let created = send(&a).await.unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].clone();
    let created: Value = created.json().await.unwrap();
    let retried = send(&b).await.unwrap();
    assert_eq!(retried.status(), 201, "the retry on the other process");
    assert_eq!(retried.headers()["location"], location);
    assert_eq!(retried.json::<Value>().await.unwrap(), created);
    assert_eq!(count(&a, "SELECT count(*) FROM citizens").await, before + 1, "written once");
    assert_eq!(count(&a, "SELECT count(*) FROM audit_log WHERE reason = 'idempotent_retry'").await, 1);

    // Login throttling counts across both: five failures, alternating, lock
    // the username on both, even for the right password.
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(app.try_login("cw.kff", "a wrong guess here").await.status(), 401);
    }
    assert_problem(a.try_login("cw.kff", DEMO_PASSWORD).await, 429).await;
    assert_problem(b.try_login("cw.kff", DEMO_PASSWORD).await, 429).await;

    // A session ended through one is refused by the other, access and refresh.
    let tokens = a.login("cw2.bif").await;
    assert_eq!(b.get("/api/v1/me", Some(&tokens.access)).await.status(), 200);
    let logout = a.post_json("/api/v1/auth/logout", Some(&tokens.access), &json!({})).await;
    assert!(logout.status().is_success(), "{}", logout.status());
    assert_eq!(b.get("/api/v1/me", Some(&tokens.access)).await.status(), 401);
    assert_eq!(b.refresh(&tokens.refresh).await.status(), 401);

    // Only one process seals at a time: with both sealing every second, the
    // chain has one link per window and verifies, and neither logged a
    // failed or refused seal.
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let pool = medborger::db::pool(&a.settings.database).unwrap();
    match medborger::audit::seal::verify_all(&pool).await.unwrap() {
        medborger::audit::seal::Verdict::Intact { seals, entries, .. } => {
            assert!(seals >= 1 && entries > 0, "{seals} seals of {entries} entries");
        }
        broken => panic!("{broken:?}"),
    }
    let unsealed = count(
        &a,
        "SELECT count(*) FROM audit_log l WHERE l.at < now() - interval '3 seconds'
            AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE l.id = ANY (s.entry_ids))",
    )
    .await;
    assert_eq!(unsealed, 0, "entries older than the lag left unsealed");
    for instance in [&first, &second] {
        let log = instance.logged();
        assert!(log.contains("listening"), "{log}");
        assert!(!log.contains("sealing failed") && !log.contains("\"level\":\"ERROR\""), "{log}");
    }
}
