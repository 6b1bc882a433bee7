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
    app.post_json("/api/v1/auth/logout", refreshed["access_token"].as_str(), &json!({})).await;

    let entries = app.audit_entries().await;
    let expected = [
        ("login_failed", "failure", Some(id)),
        ("login_failed", "failure", None),
        ("login", "success", Some(id)),
        ("refresh", "success", Some(id)),
        ("logout", "success", Some(id)),
    ];
    let got: Vec<(&str, &str, Option<uuid::Uuid>)> =
        entries.iter().map(|(a, o, who, _)| (a.as_str(), o.as_str(), *who)).collect();
    assert_eq!(got, expected);

    let reasons: Vec<Option<String>> = app
        .db()
        .await
        .query("SELECT reason FROM audit_log WHERE action = 'login_failed' ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(reasons, [Some("wrong_password".to_string()), Some("unknown_user".to_string())]);
}

#[tokio::test]
async fn the_service_role_can_add_and_read_audit_entries_but_never_change_them() {
    let app = spawn_app().await;
    app.login("cw.bif").await;
    let db = app.app_db().await;
    let count: i64 = db.query_one("SELECT count(*) FROM audit_log", &[]).await.unwrap().get(0);
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
        assert!(code.as_deref() == Some("42501"), "{statement}: expected permission denied, got {err}");
    }
    let after: i64 = db.query_one("SELECT count(*) FROM audit_log", &[]).await.unwrap().get(0);
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
    app.get(&format!("/api/v1/me?access_token={}", tokens.access), None).await;
    app.get("/api/v1/me", Some("garbage.token.value")).await;

    let logs = captured_logs();
    assert!(logs.contains("request finished"), "logs were captured: {logs}");
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

mod sealing {
    use chrono::Duration;
    use medborger::audit::seal::{seal_once, verify_all, Verdict};

    use crate::helpers::*;

    /// Some audited activity, sealed after the lag has passed.
    async fn sealed_app() -> (TestApp, medborger::db::DbPool) {
        let app = spawn_app().await;
        app.login("cw.bif").await;
        app.try_login("cw.bif", "wrong password!").await;
        app.login("admin").await;
        let pool = medborger::db::pool(&app.settings.database).unwrap();
        let sealed = seal_once(&pool, Duration::zero()).await.unwrap();
        assert!(sealed >= 3, "sealed {sealed}");
        (app, pool)
    }

    async fn newest_entry(app: &TestApp) -> i64 {
        app.db().await.query_one("SELECT max(id) FROM audit_log", &[]).await.unwrap().get(0)
    }

    #[tokio::test]
    async fn sealed_entries_verify_and_seals_chain() {
        let (app, pool) = sealed_app().await;
        assert!(matches!(verify_all(&pool).await.unwrap(), Verdict::Intact { seals: 1, .. }));
        // Nothing new in the window: no empty seal.
        assert_eq!(seal_once(&pool, Duration::zero()).await.unwrap(), 0);
        app.login("cw.kff").await;
        // Too fresh to seal yet: the lag is the database's time, not the service's.
        app.clock.advance(Duration::minutes(2));
        assert_eq!(seal_once(&pool, Duration::seconds(60)).await.unwrap(), 0);
        assert_eq!(seal_once(&pool, Duration::zero()).await.unwrap(), 1);
        match verify_all(&pool).await.unwrap() {
            Verdict::Intact { seals, head, .. } => {
                assert_eq!(seals, 2);
                assert_eq!(head.len(), 64);
            }
            broken => panic!("{broken:?}"),
        }
    }

    #[tokio::test]
    async fn changing_a_sealed_entry_as_the_owner_is_detected_and_named() {
        let (app, pool) = sealed_app().await;
        let victim = newest_entry(&app).await;
        app.db()
            .await
            .execute("UPDATE audit_log SET reason = 'nothing happened' WHERE id = $1", &[&victim])
            .await
            .unwrap();
        match verify_all(&pool).await.unwrap() {
            Verdict::Broken { entry, problem, .. } => {
                assert_eq!(entry, Some(victim));
                assert!(problem.contains("changed"), "{problem}");
            }
            intact => panic!("tampering went unnoticed: {intact:?}"),
        }
    }

    #[tokio::test]
    async fn deleting_or_backdating_entries_and_editing_seals_are_detected() {
        let (app, pool) = sealed_app().await;
        let victim = newest_entry(&app).await;
        let owner = app.db().await;
        owner.execute("DELETE FROM audit_log WHERE id = $1", &[&victim]).await.unwrap();
        assert!(matches!(verify_all(&pool).await.unwrap(), Verdict::Broken { entry: Some(e), .. } if e == victim));

        let (app, pool) = sealed_app().await;
        // The service's own role can no longer slip a back-dated entry into
        // a sealed window (issue 10, door 8): the database dates it now, so
        // the chain stays intact. The owner can, and is caught.
        let backdate = "INSERT INTO audit_log (at, action, resource_type, outcome)
                 VALUES ((SELECT min(at) FROM audit_log) + interval '1 microsecond', 'read', 'citizen', 'success')";
        app.app_db().await.execute(backdate, &[]).await.unwrap();
        assert!(matches!(verify_all(&pool).await.unwrap(), Verdict::Intact { .. }));
        app.db().await.execute(backdate, &[]).await.unwrap();
        match verify_all(&pool).await.unwrap() {
            Verdict::Broken { problem, .. } => assert!(problem.contains("added"), "{problem}"),
            intact => panic!("{intact:?}"),
        }

        let (app, pool) = sealed_app().await;
        app.db()
            .await
            .execute(
                "UPDATE audit_seals SET entry_ids = entry_ids[2:], entry_digests = substring(entry_digests from 33)",
                &[],
            )
            .await
            .unwrap();
        assert!(matches!(verify_all(&pool).await.unwrap(), Verdict::Broken { entry: None, .. }));
    }

    #[tokio::test]
    async fn the_service_role_cannot_rewrite_seals() {
        let (app, _pool) = sealed_app().await;
        let db = app.app_db().await;
        for statement in ["UPDATE audit_seals SET hash = prev_hash", "DELETE FROM audit_seals"] {
            let err = db.execute(statement, &[]).await.unwrap_err();
            assert_eq!(err.code().unwrap().code(), "42501", "{statement}");
        }
    }
}

mod reading {
    use serde_json::{json, Value};

    use crate::cases::*;
    use crate::helpers::*;

    #[tokio::test]
    async fn managers_read_their_department_auditors_everything_others_nothing() {
        let app = spawn_app().await;
        let bif = app.login("cw.bif").await.access;
        let sof = app.login("cw.sof").await.access;
        let bif_citizen = register(&app, &bif, &refugee("010190-1234", 30, &app)).await;
        let mut body = refugee("020291-2345", 30, &app);
        body["family_name"] = json!("Sofsen");
        let sof_citizen = register(&app, &sof, &body).await;

        let manager = app.login("manager.bif").await.access;
        let (status, page) = get_json(&app, "/api/v1/audit?limit=200", &manager).await;
        assert_eq!(status, 200);
        let citizens: Vec<&Value> = page["items"].as_array().unwrap().iter().map(|e| &e["citizen_id"]).collect();
        assert!(citizens.contains(&&bif_citizen["id"]));
        assert!(!citizens.contains(&&sof_citizen["id"]), "nothing of SOF's own citizens");
        assert!(page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_department"] == "bif" || e["citizen_id"] == bif_citizen["id"]));

        let auditor = app.login("auditor").await.access;
        let all = get_ok(&app, &format!("/api/v1/audit?citizen_id={}", id(&sof_citizen)), &auditor).await;
        assert_eq!(all["items"][0]["action"], "create");
        let one = get_ok(&app, "/api/v1/audit?limit=1&action=login", &auditor).await;
        assert_eq!(one["items"].as_array().unwrap().len(), 1);
        let cursor = one["next_cursor"].as_str().unwrap();
        let next = get_ok(&app, &format!("/api/v1/audit?limit=1&action=login&cursor={cursor}"), &auditor).await;
        assert!(next["items"][0]["id"].as_i64() < one["items"][0]["id"].as_i64());

        for user in ["cw.bif", "mentor.bif", "admin"] {
            let token = app.login(user).await.access;
            assert_problem(app.get("/api/v1/audit", Some(&token)).await, 403).await;
        }
    }

    #[tokio::test]
    async fn the_access_log_names_departments_and_roles_never_staff_and_hides_restricted_work() {
        let app = spawn_app().await;
        let sof = app.login("cw.sof").await.access;
        let specialist = app.login("specialist.sof").await.access;
        let bif = app.login("cw.bif").await.access;
        let citizen = register(&app, &sof, &refugee("010190-1234", 30, &app)).await;
        let c = id(&citizen);
        register(&app, &bif, &refugee("010190-1234", 30, &app)).await; // BIF becomes involved
        enrol(&app, &specialist, &c, json!({"programme_code": "negativ_social_kontrol"})).await;
        get_json(&app, &format!("/api/v1/citizens/{c}"), &specialist).await;

        let path = format!("/api/v1/citizens/{c}/access-log");
        let (status, log) = get_json(&app, &path, &bif).await;
        assert_eq!(status, 200);
        let items = log["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["department"] == "sof" && i["action"] == "create"));
        assert!(items.iter().any(|i| i["department"] == "bif"));
        for item in items {
            let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["action", "at", "department", "purpose", "resource_type", "roles"]);
            assert_ne!(item["resource_type"], "enrolment", "the restricted enrolment's creation is hidden");
        }
        let specialist_id = app.user_id("specialist.sof").await.to_string();
        assert!(!log.to_string().contains(&specialist_id));

        // The team sees its own work; the BIF manager's audit view does not.
        let own = get_ok(&app, &path, &specialist).await;
        assert!(own["items"].as_array().unwrap().iter().any(|i| i["resource_type"] == "enrolment"));
        let manager = app.login("manager.bif").await.access;
        let audit = get_ok(&app, &format!("/api/v1/audit?citizen_id={c}&limit=200"), &manager).await;
        let items = audit["items"].as_array().unwrap();
        assert!(!items.is_empty(), "BIF's own entries are there");
        assert!(items.iter().all(|e| e["resource_type"] != "enrolment"));

        let kff = app.login("cw.kff").await.access;
        assert_problem(app.get(&path, Some(&kff)).await, 404).await;
        assert!(audit_count(&app, "read", &c).await >= 3, "reading the log is itself logged");
    }

    /// Issue 13: the access log comes a page at a time, oldest first, along
    /// the per-citizen index; the pages together are the whole log.
    #[tokio::test]
    async fn the_access_log_pages_with_a_cursor() {
        let app = spawn_app().await;
        let bif = app.login("cw.bif").await.access;
        let c = id(&register(&app, &bif, &refugee("010190-1234", 30, &app)).await);
        for _ in 0..6 {
            get_ok(&app, &format!("/api/v1/citizens/{c}"), &bif).await;
        }
        let path = format!("/api/v1/citizens/{c}/access-log");
        let all = get_ok(&app, &format!("{path}?limit=200"), &bif).await;
        assert!(all.get("next_cursor").is_none(), "one page holds it all");
        let all = all["items"].as_array().unwrap().clone();
        assert!(all.len() >= 7, "{all:?}");
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("{path}?limit=3&cursor={c}"),
                None => format!("{path}?limit=3"),
            };
            let page = get_ok(&app, &url, &bif).await;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 3);
            paged.extend(items.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        // Each page's own read is logged after it was made: the pages hold
        // at least the log as it was, in the same order.
        assert_eq!(paged[..all.len()], all[..]);
        assert_problem(app.get(&format!("{path}?cursor=not-a-cursor"), Some(&bif)).await, 422).await;
        assert_problem(app.get(&format!("{path}?limit=0"), Some(&bif)).await, 422).await;
    }
}
