//! Issue 10, doors 3 and 8: what the service's own database role cannot do,
//! whatever it sets. Every test here connects as that role (`app_db`), as an
//! attacker holding the service's credentials would.

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
    "idempotent_requests",
];

/// Rows of every personal table, as the service role sees them with `settings`.
async fn counts(db: &tokio_postgres::Client, settings: &[(&str, &str)]) -> Vec<(String, i64)> {
    db.batch_execute("BEGIN").await.unwrap();
    for (name, value) in settings {
        db.execute("SELECT set_config($1, $2, true)", &[&format!("medborger.{name}"), value]).await.unwrap();
    }
    let mut out = Vec::new();
    for table in PERSONAL_TABLES {
        let n: i64 = db.query_one(&format!("SELECT count(*) FROM {table}"), &[]).await.unwrap().get(0);
        out.push((table.to_string(), n));
    }
    db.batch_execute("ROLLBACK").await.unwrap();
    out
}

/// Door 3: `medborger.system = on` (and any other setting) shows the
/// service's role nothing; the flag widens no context.
#[tokio::test]
async fn the_service_role_cannot_switch_row_level_security_off_with_a_setting() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1017", 30, &app)).await;
    enrol(&app, &bif, &id(&citizen), serde_json::json!({"programme_code": "jobdansk"})).await;
    register(&app, &sof, &refugee("020290-1022", 30, &app)).await;
    let owner = app.db().await;
    let total: i64 = owner.query_one("SELECT count(*) FROM citizens", &[]).await.unwrap().get(0);
    assert!(total >= 2);

    let db = app.app_db().await;
    let system: bool = db.query_one("SELECT medborger_system()", &[]).await.unwrap().get(0);
    assert!(!system, "the service's role is not the system");

    // The flag alone, and the flag with every other setting set to nonsense.
    for settings in [
        vec![("system", "on")],
        vec![
            ("system", "on"),
            ("user_id", "00000000-0000-0000-0000-000000000000"),
            ("department", ""),
            ("roles", "admin,auditor"),
            ("teams", ""),
        ],
    ] {
        for (table, n) in counts(&db, &settings).await {
            assert_eq!(n, 0, "{table} with {settings:?}");
        }
    }

    // A real caseworker's context shows the same with or without the flag.
    let bif_id = app.user_id("cw.bif").await.to_string();
    let context = [("user_id", bif_id.as_str()), ("department", "bif"), ("roles", "caseworker")];
    let plain = counts(&db, &context).await;
    let mut flagged = context.to_vec();
    flagged.push(("system", "on"));
    assert_eq!(plain, counts(&db, &flagged).await, "the flag widens nothing");
    let citizens = plain.iter().find(|(t, _)| t == "citizens").unwrap().1;
    assert!(citizens < total, "bif does not see sof's citizen");

    // The auditors' aggregate functions answer nobody else, and never rows.
    db.batch_execute("BEGIN").await.unwrap();
    db.execute("SELECT set_config('medborger.system', 'on', true)", &[]).await.unwrap();
    let n: i64 = db
        .query_one("SELECT count(*) FROM medborger_audit_report_team_breakdown(ARRAY['bif','sof'], '{}')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "the aggregate report is for auditors only");
    db.batch_execute("ROLLBACK").await.unwrap();
}

/// Seals everything written so far, through the service's pool.
async fn seal_all(pool: &medborger::db::DbPool) {
    while medborger::audit::seal::seal_once(pool, chrono::Duration::zero()).await.unwrap() > 0 {}
}

/// Door 8: as the service's role, no back-dated entry, no seal of its own,
/// no change of a column its routes do not change.
#[tokio::test]
async fn the_service_role_cannot_forge_history() {
    let app = spawn_app().await;
    app.login("cw.bif").await;
    app.login("admin").await;
    let pool = medborger::db::pool(&app.settings.database).unwrap();
    seal_all(&pool).await;
    let (_, head) = medborger::audit::seal::head(&pool).await.unwrap().unwrap();

    let db = app.app_db().await;
    // A back-dated entry (before the chain, inside a sealed window) or one
    // dated ahead: the database dates it itself, by its own transaction.
    for at in ["'2000-01-01T00:00:00Z'::timestamptz", "now() - interval '1 minute'", "now() + interval '1 year'"] {
        let row = db
            .query_one(
                &format!(
                    "INSERT INTO audit_log (at, action, resource_type, outcome) \
                     VALUES ({at}, 'read', 'citizen', 'success') RETURNING at = now() AS stamped"
                ),
                &[],
            )
            .await
            .unwrap();
        assert!(row.get::<_, bool>("stamped"), "an entry dated {at} kept its date");
    }
    // So is an entry the service writes: the access log's times are the
    // database's, whatever the service's clock says.
    app.clock.advance(chrono::Duration::days(400));
    app.login("cw.bif").await;
    let future: i64 = app
        .db()
        .await
        .query_one("SELECT count(*) FROM audit_log WHERE at > now() + interval '1 day'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(future, 0, "an entry took the service's clock");
    // A seal of its own: refused outright, and through the sealer's function
    // unless it is the chain's next link.
    let refused = db
        .execute(
            "INSERT INTO audit_seals (window_start, window_end, entry_ids, entry_digests, prev_hash, hash, sealed_at)
             VALUES (now(), now() + interval '100 years', '{}', '', decode(repeat('00', 32), 'hex'),
                     decode(repeat('00', 32), 'hex'), now())",
            &[],
        )
        .await;
    assert!(refused.is_err(), "the service inserted a seal");
    let forged = db
        .execute(
            "SELECT medborger_append_seal(now(), now() + interval '100 years', '{}', '',
                     decode(repeat('00', 32), 'hex'), decode(repeat('11', 32), 'hex'), now())",
            &[],
        )
        .await;
    assert!(forged.is_err(), "a seal that does not continue the chain");
    // Columns no route changes.
    for update in [
        "UPDATE access_grants SET expires_at = now() + interval '1 year'",
        "UPDATE access_grants SET reason = 'x'",
        "UPDATE concerns SET filed_by = NULL",
        "UPDATE concerns SET text = 'x'",
        "UPDATE staff_users SET username = 'x'",
        // A user's access changes only beside its audit entry (the audited
        // administration route); these are refused at commit.
        "UPDATE staff_users SET roles = '{admin,caseworker}' WHERE username = 'admin'",
        "UPDATE staff_users SET password_hash = 'x' WHERE username = 'cw.bif'",
        "UPDATE staff_users SET active = true, department = 'sof' WHERE username = 'cw.bif'",
        "INSERT INTO staff_users (id, username, full_name, department, roles, password_hash, created_at, updated_at)
         VALUES (gen_random_uuid(), 'intruder', 'Ind Trænger', 'bif', '{admin}', 'x', now(), now())",
        "INSERT INTO staff_user_teams (user_id, team_id)
         SELECT u.id, t.id FROM staff_users u, teams t WHERE u.username = 'cw.sof' AND t.restricted LIMIT 1",
        "DELETE FROM staff_user_teams",
        "UPDATE citizens SET legal_hold = true",
        "UPDATE citizens SET cpr_hash = NULL",
    ] {
        let refused = db.execute(update, &[]).await;
        let error = refused.expect_err(update);
        assert!(
            error.to_string().contains("permission denied")
                || format!("{error:?}").contains("InsufficientPrivilege")
                || format!("{error:?}").contains("42501"),
            "{update}: {error:?}"
        );
    }

    // Even beside an entry of its own, nobody's entry changes their own roles.
    let admin = app.user_id("admin").await.to_string();
    let own = db
        .batch_execute(&format!(
            "BEGIN;
             INSERT INTO audit_log (at, actor_id, actor_roles, action, resource_type, resource_id, outcome)
             VALUES (now(), '{admin}', '{{admin}}', 'update', 'staff_user', '{admin}', 'success');
             UPDATE staff_users SET roles = '{{admin,caseworker}}' WHERE id = '{admin}';
             COMMIT;"
        ))
        .await;
    assert!(own.is_err(), "an administrator gave themselves the caseworker role");
    db.batch_execute("ROLLBACK").await.ok();
    let roles: Vec<String> =
        app.db().await.query_one("SELECT roles FROM staff_users WHERE username = 'admin'", &[]).await.unwrap().get(0);
    assert_eq!(roles, vec!["admin".to_string()]);

    // The owner rewrites an old entry and re-seals everything: the chain is
    // intact again, but no longer leads to the published head.
    assert!(medborger::audit::seal::leads_to(&pool, &head).await.unwrap());
    let owner = app.db().await;
    owner
        .batch_execute(
            "UPDATE audit_log SET reason = 'rewritten' WHERE id = (SELECT min(id) FROM audit_log);
             DELETE FROM audit_seals;",
        )
        .await
        .unwrap();
    seal_all(&pool).await;
    assert!(matches!(
        medborger::audit::seal::verify_all(&pool).await.unwrap(),
        medborger::audit::seal::Verdict::Intact { .. }
    ));
    assert!(!medborger::audit::seal::leads_to(&pool, &head).await.unwrap(), "verify --head must see the rewrite");
}

/// Issue 13 sends a request's audit entries and its COMMIT in one round
/// trip; the COMMIT's batch first requires that the transaction wrote its
/// entries. Were the two ever to arrive the other way round, or the entries
/// never sent, the work is rolled back, not committed without them.
#[tokio::test]
async fn the_requests_commit_refuses_a_transaction_without_its_audit_entries() {
    let app = spawn_app().await;
    let user = app.user_id("cw.bif").await;
    let db = app.app_db().await;
    let count = |id: uuid::Uuid| {
        let db = &db;
        async move { db.query_one("SELECT count(*) FROM sessions WHERE id = $1", &[&id]).await.unwrap().get::<_, i64>(0) }
    };
    let commit = "SELECT medborger_require_audited(); COMMIT";

    // Work with no entry: the COMMIT is refused and the work is undone.
    let bare = uuid::Uuid::new_v4();
    db.batch_execute(&format!(
        "BEGIN; INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('{bare}', '{user}', now(), now())"
    ))
    .await
    .unwrap();
    let refused = db.batch_execute(commit).await.unwrap_err();
    let refused = refused.as_db_error().expect("refused by the database");
    assert_eq!(refused.constraint(), Some("medborger_unaudited"), "{refused:?}");
    db.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(count(bare).await, 0, "nothing of the unaudited work is committed");

    // The same work with its entries (the service's statement sets the mark).
    let audited = uuid::Uuid::new_v4();
    db.batch_execute(&format!(
        "BEGIN; INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('{audited}', '{user}', now(), now()); \
         SELECT set_config('medborger.audited', 'on', true)"
    ))
    .await
    .unwrap();
    db.batch_execute(commit).await.unwrap();
    assert_eq!(count(audited).await, 1);

    // The mark ends with its transaction: the next one needs its own.
    let next = uuid::Uuid::new_v4();
    db.batch_execute(&format!(
        "BEGIN; INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('{next}', '{user}', now(), now())"
    ))
    .await
    .unwrap();
    assert!(db.batch_execute(commit).await.is_err());
    db.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(count(next).await, 0);
}
