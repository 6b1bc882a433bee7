//! Faults: the database going away at any moment of a request (503 with
//! `Retry-After`, never 500), a connection lost during COMMIT (commit-unknown,
//! and a retry with the same key lands once), a statement over its timeout,
//! and a graceful stop that finishes what is in flight. `scripts/fault-test`
//! does the same against a real outage of a whole cluster.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use medborger::startup::Application;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::cases::*;
use crate::helpers::*;

/// Asserts a 503 problem that asks the client to come back later.
async fn assert_unavailable(response: reqwest::Response) -> Value {
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    let body = assert_problem(response, 503).await;
    let secs: u64 = retry_after.expect("a 503 carries Retry-After").parse().expect("Retry-After in seconds");
    assert!((1..=30).contains(&secs), "Retry-After {secs}");
    body
}

/// Where the tests' PostgreSQL listens, as host:port.
fn upstream() -> String {
    let url = admin_url();
    let rest = url.split_once("://").unwrap().1;
    let authority = rest.split('/').next().unwrap();
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:5432")
    }
}

/// A TCP proxy in front of PostgreSQL that, once armed, lets the next COMMIT
/// through to the server, withholds the server's answer and closes the
/// connection: the commit lands, but the service cannot know it did.
struct CommitCutter {
    port: u16,
    armed: Arc<AtomicBool>,
}

impl CommitCutter {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(false));
        let upstream = upstream();
        let trigger = armed.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = TcpStream::connect(&upstream).await.unwrap();
                tokio::spawn(Self::pipe(client, server, trigger.clone()));
            }
        });
        Self { port, armed }
    }

    async fn pipe(client: TcpStream, server: TcpStream, armed: Arc<AtomicBool>) {
        let (mut from_client, mut to_client) = client.into_split();
        let (mut from_server, mut to_server) = server.into_split();
        let cut = Arc::new(AtomicBool::new(false));
        let cut_answers = cut.clone();
        let answers = tokio::spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match from_server.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                // Set before the COMMIT goes up, so its answer never comes down.
                if cut_answers.load(Ordering::SeqCst) || to_client.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        });
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let commits = buf[..n].windows(6).any(|w| w == b"COMMIT");
            let cutting = commits && armed.swap(false, Ordering::SeqCst);
            if cutting {
                cut.store(true, Ordering::SeqCst);
            }
            if to_server.write_all(&buf[..n]).await.is_err() {
                break;
            }
            if cutting {
                // Let the server commit, then hang up on both sides.
                tokio::time::sleep(Duration::from_millis(300)).await;
                break;
            }
        }
        answers.abort();
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://{APP_ROLE}:{APP_ROLE}@127.0.0.1:{}/{db}", self.port)
    }
}

#[tokio::test]
async fn a_connection_lost_during_commit_is_commit_unknown_and_the_retry_lands_once() {
    let direct = spawn_app().await;
    let cutter = CommitCutter::start().await;
    let app = spawn_server(settings_for(&cutter.url(&direct.db_name), &[]), direct.db_name.clone()).await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let e = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "jobdansk"})).await;
    let note = |key: &str| {
        app.client
            .post(app.url(&format!("/api/v1/enrolments/{}/notes", id(&e))))
            .bearer_auth(&bif)
            .header("Idempotency-Key", key)
            .json(&json!({"kind": "phone", "occurred_at": "2026-01-05T10:00:00Z", "text": "Ringede"}))
            .send()
    };

    cutter.armed.store(true, Ordering::SeqCst);
    let lost = note("cut-1").await.unwrap();
    assert!(!cutter.armed.load(Ordering::SeqCst), "the note's COMMIT went through the cutter");
    let problem = assert_unavailable(lost).await;
    assert_eq!(problem["type"], "urn:medborger:problem:commit-unknown");

    // It did commit; the retry with the key answers the note, not a second one.
    let retry = note("cut-1").await.unwrap();
    assert_eq!(retry.status(), 201, "the retry is served");
    let retry: Value = retry.json().await.unwrap();
    let db = app.db().await;
    let notes: Vec<uuid::Uuid> =
        db.query("SELECT id FROM notes", &[]).await.unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(notes.len(), 1, "written once");
    assert_eq!(retry["id"], notes[0].to_string());
    let audited: i64 = db
        .query_one(
            "SELECT count(*) FROM audit_log WHERE resource_type = 'note' AND action = 'create' \
             AND resource_id = $1",
            &[&notes[0].to_string()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1, "and audited once");
    assert!(!captured_logs().contains("internal error"), "nothing was logged as a 500");
}

#[tokio::test]
async fn a_statement_over_its_timeout_is_a_503_problem() {
    let app = spawn_app_with(&[("MEDBORGER_DB_STATEMENT_TIMEOUT_MS", "300")]).await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    // Another session holds the table, so reading the citizen waits past
    // the statement timeout.
    let mut db = app.db().await;
    let holder = db.transaction().await.unwrap();
    holder.batch_execute("LOCK TABLE citizens IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let response = app.get(&format!("/api/v1/citizens/{}", id(&citizen)), Some(&bif)).await;
    let problem = assert_unavailable(response).await;
    assert_eq!(problem["type"], "urn:medborger:problem:service-unavailable");
    holder.rollback().await.unwrap();
    let (status, _) = get_json(&app, &format!("/api/v1/citizens/{}", id(&citizen)), &bif).await;
    assert_eq!(status, 200, "served again once the lock is gone");
}

#[tokio::test]
async fn a_connection_killed_in_the_middle_of_a_request_is_a_503_and_the_next_one_is_served() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let path = format!("/api/v1/citizens/{}", id(&citizen));
    let mut db = app.db().await;
    let holder = db.transaction().await.unwrap();
    holder.batch_execute("LOCK TABLE citizens IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let waiting = tokio::spawn({
        let request = app.client.get(app.url(&path)).bearer_auth(&bif);
        async move { request.send().await.unwrap() }
    });
    // Every connection of the service goes, the waiting one with them.
    let admin = connect(&admin_url()).await;
    let mut killed = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        killed = admin
            .query_one(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                 WHERE datname = $1 AND usename = $2 AND wait_event_type = 'Lock'",
                &[&app.db_name, &APP_ROLE],
            )
            .await
            .unwrap()
            .get::<_, i64>(0);
        if killed > 0 {
            break;
        }
    }
    assert!(killed > 0, "the request was waiting on the lock");
    assert_unavailable(waiting.await.unwrap()).await;
    holder.rollback().await.unwrap();
    admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = $1 AND usename = $2",
            &[&app.db_name, &APP_ROLE],
        )
        .await
        .unwrap();
    // The pool noticed: the next requests get fresh connections at once.
    for _ in 0..3 {
        let (status, _) = get_json(&app, &path, &bif).await;
        assert_eq!(status, 200, "served on a fresh connection");
    }
}

#[tokio::test]
async fn a_database_that_is_not_there_answers_503_with_retry_after() {
    let settings =
        settings_for("postgres://medborger_test_app:x@127.0.0.1:1/nowhere", &[("MEDBORGER_DB_POOL_TIMEOUT_MS", "500")]);
    let app = spawn_server(settings, String::new()).await;
    assert_unavailable(app.try_login("cw.bif", DEMO_PASSWORD).await).await;
    let started = std::time::Instant::now();
    assert_unavailable(app.get("/readyz", None).await).await;
    assert!(started.elapsed() < Duration::from_secs(2), "readiness is quick");
}

#[tokio::test]
async fn a_graceful_stop_finishes_every_request_in_flight_and_takes_no_new_ones() {
    let first = spawn_app().await;
    let app = Application::build(settings_for(&app_url(&first.db_name), &[]), Arc::new(first.clock.clone())).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"username": "cw.bif", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();
    let registered: Value = client
        .post(format!("{address}/api/v1/citizens"))
        .bearer_auth(&token)
        .json(&refugee("010190-1234", 5, &first))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("{address}/api/v1/citizens/{}", id(&registered));

    // Requests that wait on a lock are in flight when the stop comes.
    let mut db = first.db().await;
    let holder = db.transaction().await.unwrap();
    holder.batch_execute("LOCK TABLE citizens IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let in_flight: Vec<_> = (0..8)
        .map(|_| {
            // A connection each, so none is a keep-alive the stop may close.
            let request = reqwest::Client::new().get(&path).bearer_auth(&token);
            tokio::spawn(async move { request.send().await })
        })
        .collect();
    let admin = connect(&admin_url()).await;
    let mut waiting = 0;
    for _ in 0..100 {
        waiting = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = $1 AND usename = $2 AND wait_event_type = 'Lock'",
                &[&first.db_name, &APP_ROLE],
            )
            .await
            .unwrap()
            .get::<_, i64>(0);
        if waiting >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(waiting >= 2, "requests are in flight, waiting on the lock");
    let stopping = tokio::spawn(handle.stop(true));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = reqwest::Client::new().get(format!("{address}/healthz")).timeout(Duration::from_secs(2)).send().await;
    assert!(refused.is_err(), "a new connection is refused once stopping");
    holder.rollback().await.unwrap();
    for request in in_flight {
        let response = request.await.unwrap().expect("not cut off");
        assert_eq!(response.status(), 200, "finished");
        let body: Value = response.json().await.expect("a whole body");
        assert_eq!(body["id"], registered["id"]);
    }
    stopping.await.unwrap();
    server.await.unwrap().unwrap();
}

/// Issue 13 sends a request's audit entries and its COMMIT together. When
/// the entries are refused (here by a trigger the test adds as the owner),
/// the request fails, its work is not committed, and the connection goes
/// back to the pool clean: every later request is served, and a note
/// written then lands once with its entry.
#[tokio::test]
async fn refused_audit_entries_commit_nothing_and_the_pool_serves_on() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let e = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "jobdansk"})).await;
    let path = format!("/api/v1/enrolments/{}/notes", id(&e));
    let note = json!({"kind": "phone", "occurred_at": "2026-01-05T10:00:00Z", "text": "Ringede"});
    let owner = app.db().await;
    owner
        .batch_execute(
            "CREATE FUNCTION test_refuse_note_entries() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.resource_type = 'note' AND NEW.action = 'create' THEN
                     RAISE EXCEPTION 'refused for the test';
                 END IF;
                 RETURN NEW;
             END $$;
             CREATE TRIGGER test_refuse_note_entries BEFORE INSERT ON audit_log
                 FOR EACH ROW EXECUTE FUNCTION test_refuse_note_entries();",
        )
        .await
        .unwrap();
    let notes = || async { owner.query_one("SELECT count(*) FROM notes", &[]).await.unwrap().get::<_, i64>(0) };

    let refused = app.post_json(&path, Some(&bif), &note).await;
    assert_eq!(refused.status(), 500, "a write whose entries are refused fails");
    assert_eq!(notes().await, 0, "and nothing of it is committed");

    owner.batch_execute("DROP TRIGGER test_refuse_note_entries ON audit_log").await.unwrap();
    let citizen_path = format!("/api/v1/citizens/{}", id(&citizen));
    for _ in 0..20 {
        assert_eq!(app.get(&citizen_path, Some(&bif)).await.status(), 200, "every connection is clean");
    }
    let written = app.post_json(&path, Some(&bif), &note).await;
    assert_eq!(written.status(), 201);
    assert_eq!(notes().await, 1);
    let entries: i64 = owner
        .query_one("SELECT count(*) FROM audit_log WHERE resource_type = 'note' AND action = 'create'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(entries, 1, "the note that landed has its entry; the refused one has none");
}
