//! The audit foundation: what is recorded, that the service cannot rewrite it,
//! and that logs never carry secrets.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn logins_failures_refreshes_and_logouts_are_audited() {
    let app = spawn_app().await;
    let id = app.user_id("cw.bif").await;
    app.try_login("cw.bif", "not the password").await;
    app.try_login("nobody.here", "not the password").await;
    let tokens = app.login("cw.bif").await;
    let refreshed: serde_json::Value = app.refresh(&tokens.refresh).await.json().await.unwrap();
    app.post_json(
        "/api/v1/auth/logout",
        refreshed["access_token"].as_str(),
        &json!({}),
    )
    .await;

    let entries = app.audit_entries().await;
    let expected = [
        ("login_failed", "failure", Some(id)),
        ("login_failed", "failure", None),
        ("login", "success", Some(id)),
        ("refresh", "success", Some(id)),
        ("logout", "success", Some(id)),
    ];
    let got: Vec<(&str, &str, Option<uuid::Uuid>)> = entries
        .iter()
        .map(|(a, o, who, _)| (a.as_str(), o.as_str(), *who))
        .collect();
    assert_eq!(got, expected);

    let reasons: Vec<Option<String>> = app
        .db()
        .await
        .query(
            "SELECT reason FROM audit_log WHERE action = 'login_failed' ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        reasons,
        [
            Some("wrong_password".to_string()),
            Some("unknown_user".to_string())
        ]
    );
}

#[tokio::test]
async fn the_service_role_can_add_and_read_audit_entries_but_never_change_them() {
    let app = spawn_app().await;
    app.login("cw.bif").await;
    let db = app.app_db().await;
    let count: i64 = db
        .query_one("SELECT count(*) FROM audit_log", &[])
        .await
        .unwrap()
        .get(0);
    assert!(count >= 1);
    db.execute(
        "INSERT INTO audit_log (at, action, resource_type, outcome) VALUES (now(), 'read', 'test', 'success')",
        &[],
    )
    .await
    .unwrap();

    for statement in [
        "UPDATE audit_log SET outcome = 'failure'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "DROP TABLE audit_log",
    ] {
        let err = db.execute(statement, &[]).await.unwrap_err();
        let code = err.code().map(|c| c.code().to_string());
        assert!(
            code.as_deref() == Some("42501"),
            "{statement}: expected permission denied, got {err}"
        );
    }
    let after: i64 = db
        .query_one("SELECT count(*) FROM audit_log", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(after, count + 1);
}

#[tokio::test]
async fn the_service_role_owns_nothing_and_cannot_bypass_row_security() {
    let app = spawn_app().await;
    let db = app.app_db().await;
    let row = db
        .query_one(
            "SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                    (SELECT count(*) FROM pg_class c WHERE pg_has_role(current_user, c.relowner, 'USAGE')
                        AND c.relnamespace = 'public'::regnamespace)
             FROM pg_roles r WHERE r.rolname = current_user",
            &[],
        )
        .await
        .unwrap();
    assert!(!row.get::<_, bool>(0), "not a superuser");
    assert!(!row.get::<_, bool>(1), "no BYPASSRLS");
    assert!(!row.get::<_, bool>(2) && !row.get::<_, bool>(3));
    assert_eq!(row.get::<_, i64>(4), 0, "owns no table, sequence or index");
}

#[tokio::test]
async fn log_lines_never_contain_a_password_or_a_token() {
    let app = spawn_app().await;
    let wrong = "Wrong-Password-Sentinel-123";
    app.try_login("cw.bif", wrong).await;
    let tokens = app.login("cw.bif").await;
    let refreshed: serde_json::Value = app.refresh(&tokens.refresh).await.json().await.unwrap();
    let admin = app.login("admin").await.access;
    let new_password = "New-User-Password-Sentinel-456";
    app.post_json(
        "/api/v1/admin/users",
        Some(&admin),
        &json!({"username": "logged.user", "full_name": "X", "department": "bif",
                "roles": ["caseworker"], "password": new_password}),
    )
    .await;
    // A token in a query string must not be logged either.
    app.get(&format!("/api/v1/me?access_token={}", tokens.access), None)
        .await;
    app.get("/api/v1/me", Some("garbage.token.value")).await;

    let logs = captured_logs();
    assert!(
        logs.contains("request finished"),
        "logs were captured: {logs}"
    );
    for secret in [
        DEMO_PASSWORD,
        wrong,
        new_password,
        &tokens.access,
        &tokens.refresh,
        refreshed["access_token"].as_str().unwrap(),
        refreshed["refresh_token"].as_str().unwrap(),
        &admin,
        "garbage.token.value",
    ] {
        assert!(!logs.contains(secret), "a secret reached the log");
    }
}
