//! The test harness: each test gets its own database, cloned from one
//! template that is migrated and seeded with the demo users once, and its own
//! server on a free port, running as the application's restricted role.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, LazyLock, Mutex};

use medborger::clock::OffsetClock;
use medborger::config::Settings;
use medborger::startup::Application;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use tokio_postgres::NoTls;

pub const DEMO_PASSWORD: &str = medborger::seed::DEFAULT_DEMO_PASSWORD;
pub const APP_ROLE: &str = "medborger_test_app";

/// Everything the service logged in this test process.
pub static LOGS: LazyLock<Arc<Mutex<Vec<u8>>>> = LazyLock::new(Default::default);

#[derive(Clone)]
struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

/// The superuser URL `scripts/test` found or started.
pub fn admin_url() -> String {
    std::env::var("MEDBORGER_TEST_DATABASE_URL")
        .expect("MEDBORGER_TEST_DATABASE_URL is not set: run the tests with scripts/test")
}

/// `url` with another user (and password) and database.
pub fn with_user_and_db(url: &str, user: Option<(&str, &str)>, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let (creds, host_and_db) = rest.rsplit_once('@').map(|(c, h)| (Some(c), h)).unwrap_or((None, rest));
    let host = host_and_db.split('/').next().unwrap_or(host_and_db);
    let creds = match (user, creds) {
        (Some((u, p)), _) => format!("{u}:{p}@"),
        (None, Some(c)) => format!("{c}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{creds}{host}/{db}")
}

pub async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) =
        tokio_postgres::connect(url, NoTls).await.unwrap_or_else(|e| panic!("connecting to the test database: {e}"));
    tokio::spawn(connection);
    client
}

/// A name that changes whenever the migrations or the demo seed change.
fn template_name() -> String {
    let mut material = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir("migrations").unwrap().flatten().map(|e| e.path()).collect();
    dirs.sort();
    for dir in dirs {
        for file in ["up.sql", "down.sql"] {
            material.extend(std::fs::read(dir.join(file)).unwrap_or_default());
        }
    }
    material.extend(std::fs::read("src/seed.rs").unwrap());
    let digest = ring::digest::digest(&ring::digest::SHA256, &material);
    let hex: String = digest.as_ref()[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("medborger_tpl_{hex}")
}

/// Creates the template once per change, serialised across test processes
/// by an advisory lock.
async fn ensure_template(admin: &tokio_postgres::Client) -> String {
    let name = template_name();
    admin.execute("SELECT pg_advisory_lock(725201)", &[]).await.unwrap();
    let exists = admin.query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name]).await.unwrap().is_some();
    if !exists {
        admin
            .batch_execute(&format!(
                "DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medborger_app') THEN
                        CREATE ROLE medborger_app NOLOGIN NOBYPASSRLS;
                    END IF;
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                        CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_ROLE}' NOSUPERUSER NOBYPASSRLS;
                    END IF;
                 END $$;
                 GRANT medborger_app TO {APP_ROLE};"
            ))
            .await
            .unwrap();
        // Left over if a test process died while building.
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}_building")).await.unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {name}_building")).await.unwrap();
        let building = format!("{name}_building");
        let owner_url = with_user_and_db(&admin_url(), None, &building);
        medborger::db::run_migrations(&owner_url).await.expect("migrating the template");
        let settings = settings_for(&app_url(&building), &[]);
        let pool = medborger::db::pool(&settings.database).unwrap();
        medborger::seed::seed_demo(&pool, DEMO_PASSWORD.to_string().into()).await.expect("seeding the template");
        pool.close();
        drop(pool);
        // Wait until the pool's connections are gone, then publish atomically.
        for _ in 0..50 {
            let n: i64 = admin
                .query_one("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", &[&building])
                .await
                .unwrap()
                .get(0);
            if n == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        admin.batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}")).await.unwrap();
    }
    admin.execute("SELECT pg_advisory_unlock(725201)", &[]).await.unwrap();
    name
}

pub fn app_url(db: &str) -> String {
    with_user_and_db(&admin_url(), Some((APP_ROLE, APP_ROLE)), db)
}

/// The environment of a service as production would have it, with fresh
/// development keys.
pub fn service_env(database_url: &str, overrides: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = medborger::config::generate_dev_keys().unwrap().into_iter().collect();
    env.insert("DATABASE_URL".into(), database_url.into());
    env.insert("MEDBORGER_BIND".into(), "127.0.0.1:0".into());
    env.insert("MEDBORGER_WORKERS".into(), "2".into());
    env.insert("MEDBORGER_DB_POOL_SIZE".into(), "4".into());
    for (k, v) in overrides {
        env.insert(k.to_string(), v.to_string());
    }
    env
}

/// Settings as production would have them, with fresh development keys.
pub fn settings_for(database_url: &str, overrides: &[(&str, &str)]) -> Settings {
    let env = service_env(database_url, overrides);
    Settings::from_lookup(|k| env.get(k).cloned()).unwrap()
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: OffsetClock,
    pub settings: Settings,
    /// The test's own database.
    pub db_name: String,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    medborger::telemetry::init("info,medborger=debug", || LogWriter);
    let db_name = fresh_database().await;
    let settings = settings_for(&app_url(&db_name), overrides);
    spawn_server(settings, db_name).await
}

/// A new database of this test's own, migrated and with the demo users.
pub async fn fresh_database() -> String {
    let admin = connect(&admin_url()).await;
    let template = ensure_template(&admin).await;
    let db_name = format!("medborger_t_{}", uuid::Uuid::new_v4().simple());
    admin.batch_execute(&format!("CREATE DATABASE {db_name} TEMPLATE {template}")).await.unwrap();
    db_name
}

/// A server for `settings` (which may point anywhere, even nowhere).
pub async fn spawn_server(settings: Settings, db_name: String) -> TestApp {
    medborger::telemetry::init("info,medborger=debug", || LogWriter);
    let clock = OffsetClock::default();
    let app = Application::build(settings.clone(), Arc::new(clock.clone())).unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        clock,
        settings,
        db_name,
    }
}

impl Drop for TestApp {
    /// A passed test's database goes; a failed one's stays for inspection
    /// (scripts/test removes those at its next start).
    fn drop(&mut self) {
        if std::thread::panicking() || !self.db_name.starts_with("medborger_t_") {
            return;
        }
        let db = std::mem::take(&mut self.db_name);
        let url = admin_url();
        // Drop cannot await; a thread of its own runs the statement.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let admin = connect(&url).await;
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await;
            });
        })
        .join();
    }
}

pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// A superuser connection to this test's database, to check its state.
    pub async fn db(&self) -> tokio_postgres::Client {
        connect(&with_user_and_db(&admin_url(), None, &self.db_name)).await
    }

    /// A connection as the application's own database role.
    pub async fn app_db(&self) -> tokio_postgres::Client {
        connect(&app_url(&self.db_name)).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn patch_json(&self, path: &str, token: &str, etag: Option<&str>, body: &Value) -> Response {
        let mut req = self.client.patch(self.url(path)).bearer_auth(token).json(body);
        if let Some(e) = etag {
            req = req.header("If-Match", e);
        }
        req.send().await.unwrap()
    }

    pub async fn try_login(&self, username: &str, password: &str) -> Response {
        self.post_json("/api/v1/auth/login", None, &json!({"username": username, "password": password})).await
    }

    /// Signs in a demo user; panics unless it works.
    pub async fn login(&self, username: &str) -> Tokens {
        self.login_with(username, DEMO_PASSWORD).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Tokens {
        let response = self.try_login(username, password).await;
        assert_eq!(response.status(), StatusCode::OK, "login as {username}");
        let body: Value = response.json().await.unwrap();
        Tokens {
            access: body["access_token"].as_str().unwrap().to_string(),
            refresh: body["refresh_token"].as_str().unwrap().to_string(),
        }
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        self.post_json("/api/v1/auth/refresh", None, &json!({"refresh_token": refresh_token})).await
    }

    /// The id of a demo user.
    pub async fn user_id(&self, username: &str) -> uuid::Uuid {
        self.db().await.query_one("SELECT id FROM staff_users WHERE username = $1", &[&username]).await.unwrap().get(0)
    }

    /// Audit entries (action, outcome, actor id, resource type) in order.
    pub async fn audit_entries(&self) -> Vec<(String, String, Option<uuid::Uuid>, String)> {
        self.db()
            .await
            .query(
                "SELECT action, outcome, actor_id, resource_type FROM audit_log
                 WHERE resource_type <> 'seed' AND NOT (resource_type = 'staff_user' AND actor_id IS NULL)
                 ORDER BY id",
                &[],
            )
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect()
    }
}

/// Asserts a problem+json answer with `status`; returns its body.
pub async fn assert_problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response.headers().get("x-request-id").expect("x-request-id header").to_str().unwrap().to_string();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"].as_str().unwrap().starts_with("urn:medborger:problem:"));
    assert!(body["title"].is_string());
    assert_eq!(body["request_id"], request_id, "problem names the request id");
    body
}

/// A pool of the schema owner's connections to the app's database: what the
/// command line's bulk work (import, demo data) runs as.
pub fn owner_pool(app: &TestApp) -> medborger::db::DbPool {
    let url = with_user_and_db(&admin_url(), None, &app.db_name);
    medborger::db::owner_pool(&app.settings.database, &url).unwrap()
}
