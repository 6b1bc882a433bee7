//! Retention: dry run against run, legal hold honoured, the anonymised
//! citizen still counted, audit entries pruned with the chain still whole.

use chrono::{Duration, Months};
use serde_json::json;

use crate::cases::*;
use crate::helpers::*;

/// A citizen with a completed Jobdansk enrolment, a note and a start outcome.
async fn closed_case(app: &TestApp, token: &str, cpr: &str) -> (String, String) {
    let c = id(&register(app, token, &refugee(cpr, 30, app)).await);
    let e = id(&enrol(app, token, &c, json!({"programme_code": "jobdansk"})).await);
    let path = format!("/api/v1/enrolments/{e}");
    ok(app
        .post_json(&format!("{path}/notes"), Some(token),
                   &json!({"kind": "meeting", "occurred_at": "2026-11-20T10:00:00Z", "text": "Borgeren fortalte om sin familie"}))
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{path}/outcomes"),
            Some(token),
            &json!({"measurement_point": "start", "measured_on": today(app), "employment_status": "wage_employment",
                           "weekly_hours": 37, "self_supporting": true, "danish_level": "b1"}),
        )
        .await)
    .await;
    ok(app.post_json(&format!("{path}/transitions"), Some(token), &json!({"to": "completed", "reason": "Job"})).await)
        .await;
    (c, e)
}

/// The command's clock on `day`: tests run retention "in the future".
fn noon(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

fn owner_url(app: &TestApp) -> String {
    with_user_and_db(&admin_url(), None, &app.db_name)
}

#[tokio::test]
async fn retention_anonymises_closed_cases_after_the_period_except_under_legal_hold() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let mut closed = Vec::new();
    for i in 0..5 {
        closed.push(closed_case(&app, &bif, &format!("0{}0190-10{}0", i + 1, i * 2)).await);
    }
    let (held, _) = closed_case(&app, &bif, "060190-1020").await;
    let open = id(&register(&app, &bif, &refugee("070190-1040", 30, &app)).await);
    enrol(&app, &bif, &open, json!({"programme_code": "jobdansk"})).await;
    // Registered only, but with a concern the restricted team has not handled.
    let concerned = id(&register(&app, &bif, &refugee("080190-1060", 30, &app)).await);
    ok(app.post_json("/api/v1/concerns", Some(&bif), &json!({"citizen_id": concerned, "text": "Bekymring"})).await)
        .await;

    // Legal hold: administrators only, audited, 404 for what does not exist.
    let admin = app.login("admin").await.access;
    let hold = json!({"hold": true, "reason": "Klagesag i Ankestyrelsen"});
    assert_problem(app.post_json(&format!("/api/v1/citizens/{held}/legal-hold"), Some(&bif), &hold).await, 403).await;
    assert_problem(
        app.post_json("/api/v1/citizens/00000000-0000-0000-0000-000000000000/legal-hold", Some(&admin), &hold).await,
        404,
    )
    .await;
    let set = ok(app.post_json(&format!("/api/v1/citizens/{held}/legal-hold"), Some(&admin), &hold).await).await;
    assert_eq!(set["legal_hold"], true);
    assert_eq!(audit_count(&app, "update", &held).await, 1);

    let manager = app.login("manager.bif").await.access;
    let before = ok(app.get("/api/v1/reports/outcomes", Some(&manager)).await).await;
    assert_eq!(before["points"][0]["total"]["people"], 6);

    let periods = medborger::retention::Periods { citizen_years: 5, audit_years: 10 };
    let too_early = today(&app) + Months::new(60) - Duration::days(1);
    let report =
        medborger::retention::run(&owner_url(&app), too_early, periods, true, chrono::Utc::now()).await.unwrap();
    assert!(report.anonymised.is_empty(), "not before five years");

    let as_of = today(&app) + Months::new(60) + Duration::days(1);
    let dry = medborger::retention::run(&owner_url(&app), as_of, periods, true, chrono::Utc::now()).await.unwrap();
    let mut would: Vec<String> = dry.anonymised.iter().map(|c| c.citizen_id.to_string()).collect();
    would.sort();
    let mut expected: Vec<String> = closed.iter().map(|(c, _)| c.clone()).collect();
    expected.sort();
    assert_eq!(would, expected);
    assert_eq!(dry.held.len(), 1);
    assert_eq!(dry.held[0].citizen_id.to_string(), held);
    assert_eq!(dry.anonymised[0].last_closure, today(&app));
    let (first, first_enrolment) = closed[0].clone();
    let record = get_ok(&app, &format!("/api/v1/citizens/{first}"), &bif).await;
    assert_eq!(record["given_name"], "Amina", "a dry run changes nothing");

    let refused = medborger::retention::run(&owner_url(&app), as_of, periods, false, chrono::Utc::now()).await;
    assert!(refused.unwrap_err().to_string().contains("future"), "only a dry run looks ahead");
    let done = medborger::retention::run(&owner_url(&app), as_of, periods, false, noon(as_of)).await.unwrap();
    assert_eq!(done.anonymised.len(), 5);
    let (status, record) = get_json(&app, &format!("/api/v1/citizens/{first}"), &bif).await;
    assert_eq!(status, 200);
    assert_eq!(record["lifecycle"], "anonymised");
    assert_eq!(record["given_name"], "[anonymiseret]");
    assert!(record["phone"].is_null());
    assert_eq!(record["birth_date"], "1990-01-01");
    assert_eq!(record["country_of_birth"], "SY", "codes stay");
    assert_problem(
        app.post_json(&format!("/api/v1/citizens/{first}/cpr"), Some(&bif), &json!({"purpose": "identity_check"}))
            .await,
        404,
    )
    .await;
    let notes = get_ok(&app, &format!("/api/v1/enrolments/{first_enrolment}/notes"), &bif).await;
    assert_eq!(notes["items"][0]["text"], "[anonymiseret]");
    let kept = get_ok(&app, &format!("/api/v1/citizens/{held}"), &bif).await;
    assert_eq!(kept["given_name"], "Amina", "legal hold");
    let still_open = get_ok(&app, &format!("/api/v1/citizens/{open}"), &bif).await;
    assert_eq!(still_open["lifecycle"], "active");
    // The CPR's lookup hash is gone: the number registers as someone new.
    let again = app.post_json("/api/v1/citizens", Some(&bif), &refugee("010190-1000", 30, &app)).await;
    assert_eq!(again.status(), 201);
    assert_eq!(audit_count(&app, "anonymise", &first).await, 1);

    // Reports still count them.
    let after = ok(app.get("/api/v1/reports/outcomes", Some(&manager)).await).await;
    assert_eq!(after["points"][0]["total"]["people"], 6);
    assert_eq!(after["points"][0]["total"]["wage_employment_pct"], 100.0);
}

#[tokio::test]
async fn old_audit_entries_go_in_whole_sealed_windows_and_the_chain_still_verifies() {
    use medborger::audit::seal::{self, Verdict};
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    register(&app, &bif, &refugee("010190-1000", 30, &app)).await;
    let pool = medborger::db::pool(&app.settings.database).unwrap();
    while seal::seal_once(&pool, Duration::zero()).await.unwrap() > 0 {}
    let db = app.db().await;
    let count = |sql: &'static str| {
        let db = &db;
        async move { db.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    let sealed_entries = count("SELECT count(*) FROM audit_log").await;
    assert!(sealed_entries > 0);

    let periods = medborger::retention::Periods { citizen_years: 5, audit_years: 1 };
    let as_of = today(&app) + Months::new(12) + Duration::days(1);
    let dry = medborger::retention::run(&owner_url(&app), as_of, periods, true, chrono::Utc::now()).await.unwrap();
    assert_eq!(dry.audit_entries_removed, sealed_entries);
    assert_eq!(count("SELECT count(*) FROM audit_log").await, sealed_entries, "dry run");
    let done = medborger::retention::run(&owner_url(&app), as_of, periods, false, noon(as_of)).await.unwrap();
    assert_eq!(done.audit_entries_removed, sealed_entries);
    assert_eq!(count("SELECT count(*) FROM audit_seals").await, 0);
    assert_eq!(count("SELECT count(*) FROM audit_prunes").await, 1);
    // Only the record of the pruning is left, and the chain still holds.
    assert_eq!(count("SELECT count(*) FROM audit_log WHERE action = 'prune'").await, 1);
    assert!(matches!(seal::verify_all(&pool).await.unwrap(), Verdict::Intact { .. }));
    // New entries seal onto the chain where the pruned part ended.
    app.login("cw.bif").await;
    while seal::seal_once(&pool, Duration::zero()).await.unwrap() > 0 {}
    match seal::verify_all(&pool).await.unwrap() {
        Verdict::Intact { seals, .. } => assert!(seals > 0),
        broken => panic!("{broken:?}"),
    }
}
