//! `Idempotency-Key` on every create (issue 11, docs/design.md §6): one
//! test per create, each through [`written_once`], the one check they share.

use serde_json::{json, Value};

use crate::cases::{enrol, id, refugee, register, today};
use crate::helpers::{assert_problem, spawn_app, TestApp};

/// What a create answered, as the client saw it.
#[derive(Debug, PartialEq)]
struct Seen {
    status: u16,
    location: Option<String>,
    etag: Option<String>,
    body: Value,
}

async fn post_with_key(app: &TestApp, token: &str, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(path)).bearer_auth(token).header("Idempotency-Key", key).json(body).send().await.unwrap()
}

async fn seen(response: reqwest::Response) -> Seen {
    let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_string());
    let (status, location, etag) = (response.status().as_u16(), header("location"), header("etag"));
    let body = response.json().await.unwrap();
    Seen { status, location, etag, body }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    app.db().await.query_one(&format!("SELECT count(*) FROM {table}"), &[]).await.unwrap().get(0)
}

async fn retries_audited(app: &TestApp) -> i64 {
    app.db()
        .await
        .query_one("SELECT count(*) FROM audit_log WHERE action = 'read' AND reason = 'idempotent_retry'", &[])
        .await
        .unwrap()
        .get(0)
}

/// The rule every create keeps: sent twice with one key and one body, it
/// writes one row to `table` and answers the same status, `Location`,
/// `ETag` and body both times, the retry audited as a read; the same key
/// with `other` (another body) is 409 and writes nothing. Returns the answer.
async fn written_once(app: &TestApp, token: &str, path: &str, body: Value, other: Value, table: &str) -> Value {
    let key = uuid::Uuid::new_v4().to_string();
    let (rows, retries) = (count(app, table).await, retries_audited(app).await);
    let first = seen(post_with_key(app, token, path, &key, &body).await).await;
    assert!(first.status == 201 || first.status == 200, "{path}: {first:?}");
    let again = seen(post_with_key(app, token, path, &key, &body).await).await;
    assert_eq!(again, first, "{path}: a retry answers the first result");
    assert_eq!(count(app, table).await, rows + 1, "{path}: written once");
    assert_eq!(retries_audited(app).await, retries + 1, "{path}: the retry is a recorded read");
    let problem = assert_problem(post_with_key(app, token, path, &key, &other).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("Idempotency-Key"), "{problem}");
    assert_eq!(count(app, table).await, rows + 1, "{path}: another body with the key writes nothing");
    first.body
}

/// `body` with `field` set to `value`: another request.
fn with(body: &Value, field: &str, value: Value) -> Value {
    let mut other = body.clone();
    other[field] = value;
    other
}

#[tokio::test]
async fn registering_a_citizen_is_written_once() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let body = refugee("010190-1234", 5, &app);
    let other = with(&body, "given_name", json!("Nadia"));
    let citizen = written_once(&app, &bif, "/api/v1/citizens", body.clone(), other, "citizens").await;
    assert_eq!(citizen["given_name"], "Amina");
    // A known CPR's registration (200, a receipt) is kept the same way.
    let sof = app.login("cw.sof").await.access;
    let known = with(&body, "basis", json!("citizen_present"));
    let receipt = written_once(
        &app,
        &sof,
        "/api/v1/citizens",
        known.clone(),
        with(&known, "phone", json!("+45 11")),
        "known_cpr_registrations",
    )
    .await;
    assert_eq!(receipt["already_registered"], true);
}

#[tokio::test]
async fn an_enrolment_is_written_once() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = id(&register(&app, &bif, &refugee("010190-1234", 5, &app)).await);
    let body = json!({"programme_code": "jobdansk"});
    let path = format!("/api/v1/citizens/{citizen}/enrolments");
    let e = written_once(&app, &bif, &path, body, json!({"programme_code": "kobenhavnermodellen"}), "enrolments").await;
    assert_eq!(e["programme_code"], "jobdansk");
}

#[tokio::test]
async fn a_note_an_outcome_and_a_risk_assessment_are_written_once() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = id(&register(&app, &bif, &refugee("010190-1234", 5, &app)).await);
    let e = id(&enrol(&app, &bif, &citizen, json!({"programme_code": "kobenhavnermodellen"})).await);
    let now = chrono::Utc::now();
    let note = json!({"kind": "phone", "occurred_at": now, "text": "Ringede"});
    let path = format!("/api/v1/enrolments/{e}/notes");
    written_once(&app, &bif, &path, note.clone(), with(&note, "text", json!("Noget andet")), "notes").await;
    let outcome = json!({"measurement_point": "start", "measured_on": today(&app), "employment_status": "unemployed",
                         "weekly_hours": 0, "self_supporting": false, "danish_level": "a1"});
    let path = format!("/api/v1/enrolments/{e}/outcomes");
    written_once(&app, &bif, &path, outcome.clone(), with(&outcome, "weekly_hours", json!(5)), "outcomes").await;
    let risk = json!({"level": "high", "assessed_at": now, "summary": "Trusler"});
    let path = format!("/api/v1/enrolments/{e}/risk-assessments");
    written_once(&app, &bif, &path, risk.clone(), with(&risk, "level", json!("low")), "risk_assessments").await;
}

#[tokio::test]
async fn a_consent_and_a_referral_are_written_once() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = id(&register(&app, &bif, &refugee("010190-1234", 5, &app)).await);
    let now = chrono::Utc::now();
    let consent = json!({"purpose": "Samarbejde", "departments": ["bif", "sof"], "given_at": now - chrono::Duration::days(1),
                         "expires_at": now + chrono::Duration::days(30), "document_reference": "2026-9"});
    let path = format!("/api/v1/citizens/{citizen}/consents");
    let given =
        written_once(&app, &bif, &path, consent.clone(), with(&consent, "purpose", json!("Andet")), "consents").await;
    assert_eq!(given["purpose"], "Samarbejde");
    let referral = json!({"citizen_id": citizen, "programme_code": "housing_first", "reason": "Bolig", "legal_basis": "SEL § 107"});
    let other = with(&referral, "reason", json!("Anden grund"));
    written_once(&app, &bif, "/api/v1/referrals", referral, other, "referrals").await;
}

#[tokio::test]
async fn a_concern_the_case_opened_from_it_and_a_grant_are_written_once() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = id(&register(&app, &bif, &refugee("010190-1234", 5, &app)).await);
    let concern = json!({"citizen_id": citizen, "text": "Bekymring", "signs": ["isolation"]});
    let receipt = written_once(
        &app,
        &bif,
        "/api/v1/concerns",
        concern.clone(),
        with(&concern, "text", json!("Anden")),
        "concerns",
    )
    .await;
    let specialist = app.login("specialist.sof").await.access;
    let path = format!("/api/v1/concerns/{}/open", id(&receipt));
    let goals = json!({"goals": "Sikkerhedsplan"});
    written_once(&app, &specialist, &path, goals, json!({"goals": "Andet"}), "enrolments").await;
    let kff = app.login("cw.kff").await.access;
    let grant = json!({"citizen_id": citizen, "reason": "Akut henvendelse; borgeren venter ved skranken"});
    let other = with(&grant, "reason", json!("En anden akut henvendelse ved skranken"));
    written_once(&app, &kff, "/api/v1/access-grants", grant, other, "access_grants").await;
}

#[tokio::test]
async fn a_user_a_team_and_a_programme_are_written_once() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let user = json!({"username": "new.user", "full_name": "Ny Bruger", "department": "bif",
                      "roles": ["caseworker"], "password": "a long enough passphrase"});
    // Another password is another request, though the password is not kept.
    let other = with(&user, "password", json!("another long passphrase"));
    let made = written_once(&app, &admin, "/api/v1/admin/users", user, other, "staff_users").await;
    assert!(made.get("password").is_none() && made.get("password_hash").is_none());
    let team = json!({"department": "buf", "name": "GEIST Team", "restricted": false});
    written_once(&app, &admin, "/api/v1/admin/teams", team.clone(), with(&team, "name", json!("GEIST")), "teams").await;
    let programme = json!({"code": "sprogcafe", "name_da": "Sprogcafé", "name_en": "Language café", "department": "kff",
                           "milestone_rules": []});
    let other = with(&programme, "name_da", json!("Sprogcafeen"));
    written_once(&app, &admin, "/api/v1/admin/programmes", programme, other, "programmes").await;
}

#[tokio::test]
async fn a_key_is_the_callers_own_and_a_refused_request_keeps_nothing() {
    let app = spawn_app().await;
    let (bif, sof) = (app.login("cw.bif").await.access, app.login("cw.sof").await.access);
    let key = "one-key-two-people";
    let mine = seen(post_with_key(&app, &bif, "/api/v1/citizens", key, &refugee("010190-1234", 5, &app)).await).await;
    assert_eq!(mine.status, 201);
    // The same key from someone else is theirs: no answer of another user's.
    let body = refugee("020290-1235", 5, &app);
    let theirs = seen(post_with_key(&app, &sof, "/api/v1/citizens", key, &body).await).await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.body["id"], mine.body["id"]);
    let stored: i64 =
        app.app_db().await.query_one("SELECT count(*) FROM idempotent_requests", &[]).await.unwrap().get(0);
    assert_eq!(stored, 0, "the service's role sees no kept answer outside a user's request");

    // A request refused inside its transaction keeps nothing: the key
    // still serves the corrected request.
    let c = id(&mine.body);
    let path = format!("/api/v1/citizens/{c}/enrolments");
    let wrong = json!({"programme_code": "no_such_programme"});
    assert_problem(post_with_key(&app, &bif, &path, "corrected", &wrong).await, 422).await;
    let right = json!({"programme_code": "jobdansk"});
    assert_eq!(post_with_key(&app, &bif, &path, "corrected", &right).await.status(), 201);

    // A malformed key is the client's mistake.
    let long = "k".repeat(129);
    assert_problem(post_with_key(&app, &bif, "/api/v1/citizens", &long, &body).await, 400).await;
    assert_problem(post_with_key(&app, &bif, "/api/v1/citizens", "", &body).await, 400).await;
}

#[tokio::test]
async fn concurrent_retries_write_once_and_a_key_is_forgotten_after_a_day() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = id(&register(&app, &bif, &refugee("010190-1234", 5, &app)).await);
    let e = id(&enrol(&app, &bif, &citizen, json!({"programme_code": "jobdansk"})).await);
    let path = format!("/api/v1/enrolments/{e}/notes");
    let note = json!({"kind": "phone", "occurred_at": chrono::Utc::now(), "text": "Ringede"});
    let sends = (0..8).map(|_| post_with_key(&app, &bif, &path, "burst", &note));
    let answers = futures_util::future::join_all(sends).await;
    let mut ids = Vec::new();
    for answer in answers {
        let answer = seen(answer).await;
        assert_eq!(answer.status, 201, "{answer:?}");
        ids.push(answer.body["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every concurrent retry answers the one note");
    assert_eq!(count(&app, "notes").await, 1);

    app.clock.advance(chrono::Duration::hours(24) + chrono::Duration::minutes(1));
    let bif = app.login("cw.bif").await.access;
    let later = seen(post_with_key(&app, &bif, &path, "burst", &note).await).await;
    assert_eq!(later.status, 201);
    assert_ne!(later.body["id"], ids[0], "after a day the key is new again");
    assert_eq!(count(&app, "notes").await, 2);
}
