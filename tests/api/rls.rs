//! Row-level security: the database alone keeps departments and restricted
//! teams apart, whatever the application asks.

use serde_json::json;

use crate::cases::*;
use crate::helpers::*;

const PERSONAL_TABLES: &[&str] = &[
    "citizens",
    "involvements",
    "enrolments",
    "enrolment_transitions",
    "milestones",
    "notes",
    "outcomes",
    "access_grants",
    "risk_assessments",
    "concerns",
    "consents",
    "referrals",
    "citizen_restricted_data",
    "known_cpr_registrations",
    "enrolment_reassignments",
    "legal_hold_changes",
    "idempotent_requests",
];

#[tokio::test]
async fn every_personal_data_table_forces_row_level_security_and_the_role_cannot_bypass_it() {
    let app = spawn_app().await;
    let db = app.app_db().await;
    for table in PERSONAL_TABLES {
        let row = db
            .query_one(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1 AND relnamespace = 'public'::regnamespace",
                &[table],
            )
            .await
            .unwrap();
        assert!(row.get::<_, bool>(0) && row.get::<_, bool>(1), "{table}: RLS enabled and forced");
    }
    // Every table that refers to a citizen or an enrolment is in the list
    // (the audit log aside: append-only, read through the audit endpoints).
    let referring: Vec<String> = db
        .query(
            "SELECT DISTINCT table_name::text FROM information_schema.columns
              WHERE table_schema = 'public' AND column_name IN ('citizen_id', 'enrolment_id')
                AND table_name <> 'audit_log' ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for table in &referring {
        assert!(PERSONAL_TABLES.contains(&table.as_str()), "{table} holds personal data but is not checked");
    }
    let bypass: bool =
        db.query_one("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user", &[]).await.unwrap().get(0);
    assert!(!bypass);
}

/// Counts rows of `table` (matching `filter`) as the database shows them to `user`.
async fn visible(app: &TestApp, user: &str, table: &str, filter: &str) -> i64 {
    let db = app.app_db().await;
    let id = app.user_id(user).await.to_string();
    let (department, roles, teams): (String, Vec<String>, Vec<String>) = {
        let owner = app.db().await;
        let row = owner
            .query_one(
                "SELECT u.department, u.roles, coalesce(array_agg(t.team_id::text) FILTER (WHERE t.team_id IS NOT NULL), '{}')
                 FROM staff_users u LEFT JOIN staff_user_teams t ON t.user_id = u.id WHERE u.id = $1::text::uuid GROUP BY 1, 2",
                &[&id],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1), row.get(2))
    };
    db.batch_execute("BEGIN").await.unwrap();
    db.execute(
        "SELECT set_config('medborger.user_id', $1, true), set_config('medborger.department', $2, true),
                set_config('medborger.roles', array_to_string($3::text[], ','), true),
                set_config('medborger.teams', array_to_string($4::text[], ','), true)",
        &[&id, &department, &roles, &teams],
    )
    .await
    .unwrap();
    let n: i64 = db.query_one(&format!("SELECT count(*) FROM {table} WHERE {filter}"), &[]).await.unwrap().get(0);
    db.batch_execute("ROLLBACK").await.unwrap();
    n
}

#[tokio::test]
async fn the_database_alone_hides_other_departments_and_restricted_cases() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let bif_citizen = register(&app, &bif, &refugee("010190-1234", 30, &app)).await;
    let e = enrol(&app, &bif, &id(&bif_citizen), json!({"programme_code": "jobdansk"})).await;
    app.post_json(
        &format!("/api/v1/enrolments/{}/notes", id(&e)),
        Some(&bif),
        &json!({"kind": "phone", "occurred_at": chrono::Utc::now(), "text": "Hemmeligt"}),
    )
    .await;
    let sof_citizen = register(&app, &sof, &refugee("020291-2345", 30, &app)).await;
    let restricted =
        enrol(&app, &specialist, &id(&sof_citizen), json!({"programme_code": "negativ_social_kontrol"})).await;

    let bif_id = format!("'{}'", id(&bif_citizen));
    for table in ["citizens", "enrolments", "notes", "involvements"] {
        let column = if table == "citizens" { "id" } else { "citizen_id" };
        let filter = format!("{column} = {bif_id}");
        assert!(visible(&app, "cw.bif", table, &filter).await >= 1, "BIF sees its own {table}");
        for outsider in ["cw.sof", "cw.kff", "specialist.sof", "mentor.bif", "auditor", "admin"] {
            assert_eq!(visible(&app, outsider, table, &filter).await, 0, "{outsider} sees no {table} of BIF's citizen");
        }
    }
    let restricted_filter = format!("id = '{}'", id(&restricted));
    assert_eq!(visible(&app, "specialist.sof", "enrolments", &restricted_filter).await, 1);
    for outsider in ["cw.sof", "cw.bif", "manager.bif"] {
        assert_eq!(visible(&app, outsider, "enrolments", &restricted_filter).await, 0, "{outsider}");
    }
    // Without any caller set, nothing at all.
    let db = app.app_db().await;
    let n: i64 = db.query_one("SELECT count(*) FROM citizens", &[]).await.unwrap().get(0);
    assert_eq!(n, 0);
}

#[tokio::test]
async fn two_departments_taking_turns_on_one_pooled_connection_see_nothing_of_each_other() {
    let app = spawn_app_with(&[("MEDBORGER_DB_POOL_SIZE", "1"), ("MEDBORGER_WORKERS", "1")]).await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let bif_citizen = register(&app, &bif, &refugee("010190-1234", 30, &app)).await;
    let mut body = refugee("020291-2345", 30, &app);
    body["family_name"] = json!("Sofsen");
    let sof_citizen = register(&app, &sof, &body).await;
    for _ in 0..10 {
        for (token, own, other) in [(&bif, &bif_citizen, &sof_citizen), (&sof, &sof_citizen, &bif_citizen)] {
            let (status, _) = get_json(&app, &format!("/api/v1/citizens/{}", id(own)), token).await;
            assert_eq!(status, 200);
            let (status, _) = get_json(&app, &format!("/api/v1/citizens/{}", id(other)), token).await;
            assert_eq!(status, 404);
            let found: serde_json::Value = app
                .post_json("/api/v1/citizens/search", Some(token), &json!({"name": "a"}))
                .await
                .json()
                .await
                .unwrap();
            let ids: Vec<String> = found["items"].as_array().unwrap().iter().map(id).collect();
            assert_eq!(ids, [id(own)]);
        }
    }
}

#[tokio::test]
async fn the_service_role_may_change_only_a_referrals_decision_and_a_consents_withdrawal() {
    let app = spawn_app().await;
    let db = app.app_db().await;
    for statement in [
        "UPDATE referrals SET to_department = 'kff'",
        "UPDATE referrals SET reason = 'x'",
        "UPDATE consents SET expires_at = now() + interval '10 years'",
        "UPDATE consents SET departments = '{bif,sof,kff}'",
    ] {
        let err = db.execute(statement, &[]).await.unwrap_err();
        let code = err.code().map(|c| c.code().to_string());
        assert_eq!(code.as_deref(), Some("42501"), "{statement}: {err}");
    }
    for statement in [
        "UPDATE referrals SET status = status WHERE false",
        "UPDATE consents SET withdrawn_at = withdrawn_at WHERE false",
    ] {
        db.execute(statement, &[]).await.unwrap();
    }
}
