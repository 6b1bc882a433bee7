//! The command line: migrations, start-up checks and creating an administrator.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::helpers::*;

fn medborger(env: &[(&str, String)], args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_medborger"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MEDBORGER_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn dev_env(database_url: String) -> Vec<(&'static str, String)> {
    let mut env: Vec<(&'static str, String)> =
        medborger::config::generate_dev_keys().unwrap().into_iter().map(|(k, v)| (&*k.leak(), v)).collect();
    env.push(("DATABASE_URL", database_url));
    env
}

#[tokio::test]
async fn serve_refuses_pending_migrations_and_migrate_applies_them() {
    let admin = connect(&admin_url()).await;
    let db = format!("medborger_t_{}", uuid::Uuid::new_v4().simple());
    admin.batch_execute(&format!("CREATE DATABASE {db}")).await.unwrap();
    let mut env = dev_env(app_url(&db));
    env.push(("MEDBORGER_MIGRATION_DATABASE_URL", with_user_and_db(&admin_url(), None, &db)));
    env.push(("MEDBORGER_BIND", "127.0.0.1:0".into()));

    let (ok, out) = medborger(&env, &["serve"], None);
    assert!(!ok, "serve must refuse an unmigrated database: {out}");
    assert!(out.contains("medborger migrate"), "{out}");

    let (ok, out) = medborger(&env, &["migrate"], None);
    assert!(ok, "{out}");
    let (ok, out) = medborger(&env, &["migrate"], None);
    assert!(ok && out.contains("applied 0 migration(s)"), "idempotent: {out}");

    // The demo data set loads once; a second run leaves it as it is.
    let (ok, out) = medborger(&env, &["seed", "--demo"], None);
    assert!(ok && out.contains("demo citizens: 200 created"), "{out}");
    let (ok, out) = medborger(&env, &["seed", "demo"], None);
    assert!(ok && out.contains("already present"), "{out}");
    let owner = connect(&with_user_and_db(&admin_url(), None, &db)).await;
    let restricted: i64 =
        owner.query_one("SELECT count(*) FROM enrolments WHERE restricted", &[]).await.unwrap().get(0);
    assert!(restricted > 0, "the specialist team has cases");
    let (ok, _) = medborger(&env, &["seed"], None);
    assert!(!ok, "seed without saying what is refused");
}

#[tokio::test]
async fn production_refuses_development_keys_and_says_which() {
    let mut env = dev_env("postgres://nobody@127.0.0.1:1/none".into());
    env.push(("MEDBORGER_ENV", "production".into()));
    let (ok, out) = medborger(&env, &["serve"], None);
    assert!(!ok);
    assert!(out.contains("MEDBORGER_JWT_SIGNING_KEY") && out.contains("MEDBORGER_CPR_LOOKUP_KEY"), "{out}");

    let (ok, out) = medborger(&[("MEDBORGER_ENV", "production".into())], &["serve"], None);
    assert!(!ok);
    assert!(out.contains("missing configuration") && out.contains("DATABASE_URL"), "{out}");
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin() {
    let app = spawn_app().await;
    let env = dev_env(app_url(&app.db_name));
    let (ok, out) = medborger(
        &env,
        &["create-admin", "--username", "ops.admin", "--department", "okf"],
        Some("a sufficiently long secret\n"),
    );
    assert!(ok, "{out}");
    assert!(!out.contains("a sufficiently long secret"));
    let tokens = app.login_with("ops.admin", "a sufficiently long secret").await;
    assert_eq!(app.get("/api/v1/admin/users", Some(&tokens.access)).await.status(), 200);

    let (ok, out) = medborger(&env, &["create-admin", "--username", "ops.admin"], Some("another long secret\n"));
    assert!(!ok && out.contains("exists"), "{out}");
    let (ok, out) = medborger(&env, &["create-admin", "--username", "short.pw"], Some("short\n"));
    assert!(!ok && out.contains("at least 12"), "{out}");
}

#[tokio::test]
async fn audit_verify_reports_tampering_and_exits_non_zero() {
    let app = spawn_app().await;
    app.login("cw.bif").await;
    let mut env = dev_env(app_url(&app.db_name));
    env.push(("MEDBORGER_AUDIT_SEAL_LAG_SECS", "0".into()));
    let (ok, out) = medborger(&env, &["audit", "seal"], None);
    assert!(ok && out.contains("sealed"), "{out}");
    let (ok, out) = medborger(&env, &["audit", "verify"], None);
    assert!(ok && out.contains("intact"), "{out}");

    let id: i64 = app.db().await.query_one("SELECT max(id) FROM audit_log", &[]).await.unwrap().get(0);
    app.db().await.execute("UPDATE audit_log SET outcome = 'failure' WHERE id = $1", &[&id]).await.unwrap();
    let (ok, out) = medborger(&env, &["audit", "verify"], None);
    assert!(!ok, "{out}");
    assert!(out.contains(&format!("entry {id}")), "{out}");
}

#[tokio::test]
async fn import_and_retention_run_from_the_command_line() {
    let app = spawn_app().await;
    let mut env = dev_env(app_url(&app.db_name));
    env.push(("MEDBORGER_MIGRATION_DATABASE_URL", with_user_and_db(&admin_url(), None, &app.db_name)));
    let dir = std::env::temp_dir().join(format!("medborger-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("legacy.csv");
    std::fs::write(
        &file,
        "cpr,given_name,family_name\n010190-4001,Ny,Borger\n020290-4002,Anden,Borger\n320190-4003,Forkert,Dato\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (ok, out) = medborger(&env, &["import", "citizens", path, "--department", "sof"], None);
    assert!(ok, "{out}");
    assert!(out.contains("3 rows, 2 imported, 0 already registered, 1 refused"), "{out}");
    assert!(out.contains("import: 2/2 valid rows"), "plain progress lines off a terminal: {out}");
    let report = std::fs::read_to_string(dir.join("legacy.csv.report.csv")).unwrap();
    assert!(report.starts_with("line,reason\n4,cpr:"), "{report}");
    let (ok, out) = medborger(&env, &["import", "citizens", path, "--department", "sof"], None);
    assert!(ok && out.contains("0 imported, 2 already registered"), "{out}");
    let (ok, out) = medborger(&env, &["import", "citizens", path, "--department", "nowhere"], None);
    assert!(!ok && out.contains("--department"), "{out}");

    // Registered only, no enrolment: their registration is their last closure.
    let (ok, out) = medborger(&env, &["retention", "run", "--dry-run", "--as-of", "2040-01-01"], None);
    assert!(ok, "{out}");
    let start = out.find('{').unwrap();
    let report: serde_json::Value = serde_json::from_str(&out[start..]).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["anonymised"].as_array().unwrap().len(), 2);
    let (ok, out) = medborger(&env, &["retention", "run", "--as-of", "not-a-date"], None);
    assert!(!ok, "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
