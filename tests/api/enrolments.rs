//! Enrolments, milestones, notes, outcomes, mentors and the caseload.

use chrono::{Duration, Months};
use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

#[tokio::test]
async fn milestones_follow_the_three_rule_sets() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let t = today(&app);

    // Københavnermodellen counts from arrival (and the start for the mentor).
    let refugee_body = refugee("010190-1234", 10, &app);
    let arrival = t - Duration::days(10);
    let citizen = register(&app, &bif, &refugee_body).await;
    let km = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "kobenhavnermodellen", "goals": "Job"})).await;
    assert_eq!(km["status"], "active");
    assert_eq!(km["start_date"], json!(t));
    let due = |code: &str| milestone(&km, code)["due_date"].as_str().unwrap().to_string();
    assert_eq!(due("asylum_centre_interview"), arrival.to_string());
    assert_eq!(due("company_internship_started"), (arrival + Months::new(1)).to_string());
    assert_eq!(due("mentor_assigned"), (t + Duration::days(14)).to_string());
    assert_eq!(due("health_assessment_offered"), (arrival + Months::new(3)).to_string());
    assert_eq!(due("mentor_period_ends"), (arrival + Months::new(12)).to_string());
    // Due at arrival, 10 days before the citizen was registered: it does
    // not apply (see `the_arrival_interview_...` below).
    assert_eq!(milestone(&km, "asylum_centre_interview")["overdue"], false);
    assert_eq!(milestone(&km, "company_internship_started")["overdue"], false);

    // The Ukraine special act counts from visitation and arrival.
    let mut ukrainian = refugee("020292-2345", 20, &app);
    ukrainian["residence_basis"] = json!("ukraine_special_act");
    ukrainian["country_of_birth"] = json!("UA");
    let visitation = t - Duration::days(17);
    let citizen = register(&app, &bif, &ukrainian).await;
    let ua = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "ukraine_saerlov"})).await;
    assert_eq!(milestone(&ua, "welcome_interview")["due_date"], json!(visitation + Duration::days(14)));
    assert_eq!(milestone(&ua, "programme_started")["due_date"], json!((t - Duration::days(20)) + Months::new(3)));

    // Danskuddannelse: the entitlement ends five years after the start.
    let start = t - Duration::days(40);
    let du = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "danskuddannelse", "start_date": start})).await;
    assert_eq!(milestone(&du, "entitlement_ends")["due_date"], json!(start + Months::new(60)));

    // Without an arrival date the Københavnermodel's deadlines cannot be set.
    let mut unknown = refugee("030393-3456", 10, &app);
    unknown["arrival_date"] = json!(null);
    unknown["visitation_date"] = json!(null);
    let citizen = register(&app, &bif, &unknown).await;
    let response = app
        .post_json(
            &format!("/api/v1/citizens/{}/enrolments", id(&citizen)),
            Some(&bif),
            &json!({"programme_code": "kobenhavnermodellen"}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "arrival_date");
}

#[tokio::test]
async fn only_the_owning_department_enrols_and_restricted_programmes_need_the_team() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let citizen = register(&app, &sof, &refugee("010190-1234", 100, &app)).await;
    let enrolments = format!("/api/v1/citizens/{}/enrolments", id(&citizen));

    // SOF may not enrol in BIF's programme; BIF cannot see the citizen.
    assert_problem(app.post_json(&enrolments, Some(&sof), &json!({"programme_code": "jobdansk"})).await, 403).await;
    assert_problem(app.post_json(&enrolments, Some(&bif), &json!({"programme_code": "jobdansk"})).await, 404).await;
    // A SOF caseworker outside the restricted team cannot open a restricted case.
    let response = app.post_json(&enrolments, Some(&sof), &json!({"programme_code": "negativ_social_kontrol"})).await;
    assert_problem(response, 422).await;

    let housing = enrol(&app, &sof, &id(&citizen), json!({"programme_code": "housing_first"})).await;
    let restricted = enrol(&app, &specialist, &id(&citizen), json!({"programme_code": "negativ_social_kontrol"})).await;

    // For everyone outside the team the restricted enrolment does not exist.
    let list = get_ok(&app, &enrolments, &sof).await;
    let ids: Vec<String> = list.as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [id(&housing)]);
    let path = format!("/api/v1/enrolments/{}", id(&restricted));
    assert_problem(app.get(&path, Some(&sof)).await, 404).await;
    let manager = app.login("manager.bif").await.access;
    assert_problem(app.get(&path, Some(&manager)).await, 404).await;
    let found: Value = app
        .post_json("/api/v1/citizens/search", Some(&sof), &json!({"programme": "negativ_social_kontrol"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"], json!([]));

    // The team sees both.
    let list = get_ok(&app, &enrolments, &specialist).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, _) = get_json(&app, &path, &specialist).await;
    assert_eq!(status, 200);
    let caseload = get_ok(&app, "/api/v1/caseload", &specialist).await;
    assert_eq!(caseload["items"][0]["enrolment_id"], restricted["id"]);
}

#[tokio::test]
async fn the_status_machine_refuses_invalid_moves_naming_the_allowed_ones() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 10, &app)).await;
    let referred =
        enrol(&app, &bif, &id(&citizen), json!({"programme_code": "kobenhavnermodellen", "status": "referred"})).await;
    assert_eq!(referred["milestones"], json!([]), "no deadlines before the start");
    let transitions = format!("/api/v1/enrolments/{}/transitions", id(&referred));
    let go = |to: &str| {
        let body = json!({"to": to, "reason": "test"});
        let app = &app;
        let bif = bif.clone();
        let transitions = transitions.clone();
        async move { app.post_json(&transitions, Some(&bif), &body).await }
    };

    let problem = assert_problem(go("paused").await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("active, cancelled"), "{problem}");
    let started: Value = go("active").await.json().await.unwrap();
    assert_eq!(started["status"], "active");
    assert_eq!(started["milestones"].as_array().unwrap().len(), 5, "milestones created at the start");
    assert_eq!(go("paused").await.status(), 200);
    assert_eq!(go("active").await.status(), 200);
    let done: Value = go("completed").await.json().await.unwrap();
    assert_eq!(done["end_date"], json!(today(&app)));
    let problem = assert_problem(go("active").await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("closed"));

    let missing_reason = app.post_json(&transitions, Some(&bif), &json!({"to": "active", "reason": ""})).await;
    assert_problem(missing_reason, 422).await;
    assert_eq!(audit_count(&app, "transition", &id(&citizen)).await, 4);
    report_rollups_are_kept(&app).await;
}

#[tokio::test]
async fn milestones_are_met_or_waived_once_and_become_overdue_with_time() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let km = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "kobenhavnermodellen"})).await;
    let internship = milestone(&km, "company_internship_started")["id"].as_str().unwrap().to_string();
    let health = milestone(&km, "health_assessment_offered")["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/enrolments/{}/milestones", id(&km));

    app.clock.advance(Duration::days(40));
    // Moving the clock expired the token too.
    let bif = app.login("cw.bif").await.access;
    let now = get_ok(&app, &format!("/api/v1/enrolments/{}", id(&km)), &bif).await;
    assert_eq!(milestone(&now, "company_internship_started")["overdue"], true);

    let met = app.post_json(&format!("{base}/{internship}/met"), Some(&bif), &json!({"met_on": today(&app)})).await;
    assert_eq!(met.status(), 200);
    let met: Value = met.json().await.unwrap();
    assert_eq!(milestone(&met, "company_internship_started")["overdue"], false);
    let again = app.post_json(&format!("{base}/{internship}/met"), Some(&bif), &json!({"met_on": today(&app)})).await;
    assert_problem(again, 409).await;

    let waived = app
        .post_json(&format!("{base}/{health}/waive"), Some(&bif), &json!({"reason": "Declined by the citizen"}))
        .await;
    assert_eq!(waived.status(), 200);
    let unknown = app
        .post_json(
            &format!("{base}/00000000-0000-0000-0000-000000000000/met"),
            Some(&bif),
            &json!({"met_on": today(&app)}),
        )
        .await;
    assert_problem(unknown, 404).await;
    report_rollups_are_kept(&app).await;
}

async fn write_note(app: &TestApp, token: &str, enrolment: &str, body: Value, key: Option<&str>) -> reqwest::Response {
    let mut req =
        app.client.post(app.url(&format!("/api/v1/enrolments/{enrolment}/notes"))).bearer_auth(token).json(&body);
    if let Some(key) = key {
        req = req.header("Idempotency-Key", key);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn notes_are_never_overwritten_a_correction_keeps_both() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let e = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "jobdansk"})).await;
    let now = chrono::Utc::now();
    let first: Value = write_note(
        &app,
        &bif,
        &id(&e),
        json!({"kind": "meeting", "occurred_at": now, "text": "Mødt 3 timer", "measures": {"attendance_hours": 3}}),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let correction = write_note(
        &app,
        &bif,
        &id(&e),
        json!({"kind": "meeting", "occurred_at": now, "text": "Mødt 4 timer", "supersedes": first["id"],
               "correction_reason": "Forkert timeantal"}),
        None,
    )
    .await;
    assert_eq!(correction.status(), 201);
    let correction: Value = correction.json().await.unwrap();

    let page = get_ok(&app, &format!("/api/v1/enrolments/{}/notes", id(&e)), &bif).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "both remain readable");
    assert_eq!(items[0]["id"], correction["id"]);
    assert_eq!(items[0]["current"], true);
    assert_eq!(items[1]["text"], "Mødt 3 timer", "the original exactly as written");
    assert_eq!(items[1]["current"], false);
    assert_eq!(items[1]["superseded_by"], correction["id"]);

    let twice = write_note(
        &app,
        &bif,
        &id(&e),
        json!({"kind": "meeting", "occurred_at": now, "text": "x", "supersedes": first["id"], "correction_reason": "y"}),
        None,
    )
    .await;
    assert_problem(twice, 409).await;
    let no_reason = write_note(
        &app,
        &bif,
        &id(&e),
        json!({"kind": "meeting", "occurred_at": now, "text": "x", "supersedes": correction["id"]}),
        None,
    )
    .await;
    assert_problem(no_reason, 422).await;
    // The service's role cannot rewrite the journal either.
    let err = app.app_db().await.execute("UPDATE notes SET text = 'changed'", &[]).await.unwrap_err();
    assert_eq!(err.code().unwrap().code(), "42501");
}

/// A citizen with two BIF enrolments, the second mentored by mentor.bif.
async fn mentored(app: &TestApp) -> (String, Value, Value, String) {
    let bif = app.login("cw.bif").await.access;
    let citizen = register(app, &bif, &refugee("010190-1234", 5, app)).await;
    let other = enrol(app, &bif, &id(&citizen), json!({"programme_code": "jobdansk"})).await;
    let km = enrol(app, &bif, &id(&citizen), json!({"programme_code": "kobenhavnermodellen"})).await;
    let mentor = app.user_id("mentor.bif").await;
    let response = app
        .client
        .put(app.url(&format!("/api/v1/enrolments/{}/mentor", id(&km))))
        .bearer_auth(&bif)
        .json(&json!({"mentor_id": mentor}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    (id(&citizen), other, km, bif)
}

#[tokio::test]
async fn a_mentor_sees_only_their_mentee_and_only_what_mentors_may() {
    let app = spawn_app().await;
    let (citizen, other, km, bif) = mentored(&app).await;
    let mentor = app.login("mentor.bif").await.access;
    let now = chrono::Utc::now();
    write_note(&app, &bif, &id(&km), json!({"kind": "meeting", "occurred_at": now, "text": "Intern vurdering"}), None)
        .await;
    write_note(
        &app,
        &bif,
        &id(&km),
        json!({"kind": "meeting", "occurred_at": now, "text": "Til mentor", "shared_with_mentor": true}),
        None,
    )
    .await;

    let (status, record) = get_json(&app, &format!("/api/v1/citizens/{citizen}"), &mentor).await;
    assert_eq!(status, 200);
    let keys: Vec<&str> = record.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "address",
            "email",
            "family_name",
            "given_name",
            "id",
            "interpreter_needed",
            "phone",
            "preferred_language",
            "view"
        ]
    );
    assert_eq!(record["view"], "mentor");
    let text = record.to_string();
    assert!(!text.contains("010190") && !text.contains("cpr") && !text.contains("SY"));

    let list = get_ok(&app, &format!("/api/v1/citizens/{citizen}/enrolments"), &mentor).await;
    let ids: Vec<String> = list.as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, [id(&km)], "never the other enrolments");
    assert_problem(app.get(&format!("/api/v1/enrolments/{}", id(&other)), Some(&mentor)).await, 404).await;
    assert_problem(
        app.post_json(&format!("/api/v1/citizens/{citizen}/cpr"), Some(&mentor), &json!({"purpose": "identity_check"}))
            .await,
        403,
    )
    .await;

    // Notes: the mentor's own and those shared with mentors.
    let own = write_note(
        &app,
        &mentor,
        &id(&km),
        json!({"kind": "mentor_session", "occurred_at": now, "text": "Gåtur og snak"}),
        None,
    )
    .await;
    assert_eq!(own.status(), 201);
    let notes = get_ok(&app, &format!("/api/v1/enrolments/{}/notes", id(&km)), &mentor).await;
    let texts: Vec<&str> = notes["items"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Gåtur og snak", "Til mentor"]);
    assert_problem(
        write_note(
            &app,
            &mentor,
            &id(&other),
            json!({"kind": "mentor_session", "occurred_at": now, "text": "x"}),
            None,
        )
        .await,
        404,
    )
    .await;

    // Check-offs on the mentored enrolment only; waiving is for caseworkers.
    let internship = milestone(&km, "company_internship_started")["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/enrolments/{}/milestones/{internship}", id(&km));
    let met = app.post_json(&format!("{base}/met"), Some(&mentor), &json!({"met_on": today(&app)})).await;
    assert_eq!(met.status(), 200);
    let health = milestone(&km, "health_assessment_offered")["id"].as_str().unwrap().to_string();
    let waive = app
        .post_json(
            &format!("/api/v1/enrolments/{}/milestones/{health}/waive", id(&km)),
            Some(&mentor),
            &json!({"reason": "x"}),
        )
        .await;
    assert_problem(waive, 403).await;

    let caseload = get_ok(&app, "/api/v1/caseload", &mentor).await;
    let items = caseload["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["enrolment_id"], km["id"]);
}

#[tokio::test]
async fn another_mentor_cannot_see_the_mentee() {
    let app = spawn_app().await;
    let (citizen, _, km, bif) = mentored(&app).await;
    let mentor2 = app.login("mentor2.bif").await.access;
    assert_problem(app.get(&format!("/api/v1/citizens/{citizen}"), Some(&mentor2)).await, 404).await;
    assert_problem(app.get(&format!("/api/v1/enrolments/{}", id(&km)), Some(&mentor2)).await, 404).await;
    let caseload = get_ok(&app, "/api/v1/caseload", &mentor2).await;
    assert_eq!(caseload["items"], json!([]));

    // Ending the assignment ends the mentor's access at once.
    let mentor = app.login("mentor.bif").await.access;
    app.client
        .put(app.url(&format!("/api/v1/enrolments/{}/mentor", id(&km))))
        .bearer_auth(&bif)
        .json(&json!({"mentor_id": null}))
        .send()
        .await
        .unwrap();
    assert_problem(app.get(&format!("/api/v1/citizens/{citizen}"), Some(&mentor)).await, 404).await;
}

#[tokio::test]
async fn the_caseload_sorts_by_deadline_filters_and_respects_who_asks() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let bif2 = app.login("cw2.bif").await.access;
    // Registered 45 and 35 days after arriving: the internship (a month after
    // arrival) is overdue for both, the arrival interview does not apply.
    let soon = register(&app, &bif, &refugee("010190-1234", 45, &app)).await;
    let later = register(&app, &bif, &refugee("020291-2345", 35, &app)).await;
    let mine_late = enrol(&app, &bif, &id(&later), json!({"programme_code": "kobenhavnermodellen"})).await;
    let mine_soon = enrol(&app, &bif, &id(&soon), json!({"programme_code": "kobenhavnermodellen"})).await;
    let theirs = register(&app, &bif2, &refugee("030393-3456", 2, &app)).await;
    let cw2_case = enrol(&app, &bif2, &id(&theirs), json!({"programme_code": "jobdansk"})).await;
    let now = chrono::Utc::now();
    write_note(&app, &bif, &id(&mine_late), json!({"kind": "phone", "occurred_at": now, "text": "Hej"}), None).await;

    let page = get_ok(&app, "/api/v1/caseload", &bif).await;
    let ids: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|i| i["enrolment_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id(&mine_soon), id(&mine_late)], "soonest deadline first; only my own");
    let first = &page["items"][0];
    assert_eq!(first["given_name"], "Amina");
    assert_eq!(first["next_due_milestone"], "company_internship_started");
    assert_eq!(first["overdue_milestones"], 1);
    assert_eq!(first["days_since_last_note"], Value::Null);
    assert_eq!(page["items"][1]["days_since_last_note"], 0);

    let overdue = get_ok(&app, "/api/v1/caseload?overdue_only=true", &bif).await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 2, "both have the internship overdue");
    app.clock.advance(Duration::days(31));
    let bif = app.login("cw.bif").await.access;
    let manager = app.login("manager.bif").await.access;
    let silent = get_ok(&app, "/api/v1/caseload?silent_days=30", &bif).await;
    assert_eq!(silent["items"].as_array().unwrap().len(), 2);
    let page1 = get_ok(&app, "/api/v1/caseload?limit=1", &bif).await;
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = get_ok(&app, &format!("/api/v1/caseload?limit=1&cursor={cursor}"), &bif).await;
    assert_eq!(page2["items"][0]["enrolment_id"], mine_late["id"]);
    assert!(page2.get("next_cursor").is_none());

    // A caseworker may not look at a colleague's caseload; a manager may.
    let cw2 = app.user_id("cw2.bif").await;
    assert_problem(app.get(&format!("/api/v1/caseload?caseworker_id={cw2}"), Some(&bif)).await, 403).await;
    let theirs_page = get_ok(&app, &format!("/api/v1/caseload?caseworker_id={cw2}"), &manager).await;
    assert_eq!(theirs_page["items"][0]["enrolment_id"], cw2_case["id"]);
    assert_eq!(theirs_page["items"].as_array().unwrap().len(), 1);
    let department = get_ok(&app, "/api/v1/caseload", &manager).await;
    assert_eq!(department["items"].as_array().unwrap().len(), 3);
    // The department's first page (a statement of its own) is in deadline
    // order, and the later pages (another statement) go on from it.
    let items = |page: &Value| page["items"].as_array().unwrap().clone();
    let due = |i: &Value| i["next_due_date"].as_str().unwrap_or("9999-12-31").to_string();
    let whole = items(&department);
    assert!(whole.windows(2).all(|w| due(&w[0]) <= due(&w[1])), "{whole:?}");
    let mut paged = Vec::new();
    let mut path = "/api/v1/caseload?limit=1".to_string();
    loop {
        let page = get_ok(&app, &path, &manager).await;
        paged.extend(items(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/caseload?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(paged, whole);
    let filtered = get_ok(&app, "/api/v1/caseload?programme=jobdansk", &manager).await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    // Meeting the soonest deadline moves the case along: its next deadline
    // is the following milestone, with one overdue milestone fewer.
    next_deadlines_are_kept(&app).await;
    report_rollups_are_kept(&app).await;
    let row_of = |page: &Value| {
        page["items"].as_array().unwrap().iter().find(|i| i["enrolment_id"] == mine_soon["id"]).unwrap().clone()
    };
    let before = row_of(&get_ok(&app, "/api/v1/caseload", &bif).await);
    assert_eq!(before["next_due_milestone"], "company_internship_started");
    let internship =
        mine_soon["milestones"].as_array().unwrap().iter().find(|m| m["code"] == "company_internship_started").unwrap()
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    let met = app
        .post_json(
            &format!("/api/v1/enrolments/{}/milestones/{internship}/met", id(&mine_soon)),
            Some(&bif),
            &json!({"met_on": today(&app)}),
        )
        .await;
    assert_eq!(met.status(), 200);
    next_deadlines_are_kept(&app).await;
    report_rollups_are_kept(&app).await;
    let after = row_of(&get_ok(&app, "/api/v1/caseload", &bif).await);
    assert_ne!(after["next_due_milestone"], "company_internship_started");
    assert!(after["next_due_date"].as_str() > before["next_due_date"].as_str(), "{before} {after}");
    assert_eq!(after["overdue_milestones"], before["overdue_milestones"].as_i64().unwrap() - 1);
    assert_problem(app.get("/api/v1/caseload?limit=500", Some(&bif)).await, 422).await;
    let problem = assert_problem(app.get("/api/v1/caseload?status=bogus", Some(&bif)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "status");
}

#[tokio::test]
async fn outcomes_are_recorded_once_per_measurement_point() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let e = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "jobdansk"})).await;
    let path = format!("/api/v1/enrolments/{}/outcomes", id(&e));
    let body = json!({"measurement_point": "start", "measured_on": today(&app), "employment_status": "unemployed",
                      "weekly_hours": 0, "self_supporting": false, "danish_level": "a1"});
    assert_eq!(app.post_json(&path, Some(&bif), &body).await.status(), 201);
    assert_problem(app.post_json(&path, Some(&bif), &body).await, 409).await;
    let mut bad = body.clone();
    bad["weekly_hours"] = json!(100);
    bad["measurement_point"] = json!("end");
    assert_problem(app.post_json(&path, Some(&bif), &bad).await, 422).await;
    let list = get_ok(&app, &path, &bif).await;
    assert_eq!(list[0]["employment_status"], "unemployed");
    let mentor = app.login("mentor.bif").await.access;
    assert_problem(app.get(&path, Some(&mentor)).await, 403).await;
    report_rollups_are_kept(&app).await;
}

#[tokio::test]
async fn each_read_and_write_of_case_data_is_audited() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let c = id(&citizen);
    let e = enrol(&app, &bif, &c, json!({"programme_code": "jobdansk"})).await;
    get_json(&app, &format!("/api/v1/citizens/{c}"), &bif).await;
    get_json(&app, &format!("/api/v1/citizens/{c}/enrolments"), &bif).await;
    get_json(&app, &format!("/api/v1/enrolments/{}", id(&e)), &bif).await;
    write_note(&app, &bif, &id(&e), json!({"kind": "phone", "occurred_at": chrono::Utc::now(), "text": "x"}), None)
        .await;
    get_json(&app, &format!("/api/v1/enrolments/{}/notes", id(&e)), &bif).await;
    get_json(&app, "/api/v1/caseload", &bif).await;

    let rows = app
        .db()
        .await
        .query(
            "SELECT action, resource_type FROM audit_log WHERE citizen_id = $1 ORDER BY id",
            &[&c.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap();
    let got: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let expected = [
        ("create", "citizen"),
        ("create", "enrolment"),
        ("read", "citizen"),
        ("read", "enrolment"),
        ("read", "enrolment"),
        ("create", "note"),
        ("read", "note"),
        ("read", "caseload"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, r)| (a.to_string(), r.to_string())).collect();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn barnets_lov_no_contact_with_a_childs_parents_before_a_risk_assessment() {
    let app = spawn_app().await;
    let specialist = app.login("specialist.sof").await.access;
    let child = register(&app, &specialist, &refugee("150611-4123", 30, &app)).await;
    let adult = register(&app, &specialist, &refugee("150680-1123", 30, &app)).await;
    let case = enrol(&app, &specialist, &id(&child), json!({"programme_code": "negativ_social_kontrol"})).await;
    let adult_case = enrol(&app, &specialist, &id(&adult), json!({"programme_code": "negativ_social_kontrol"})).await;
    let now = chrono::Utc::now();
    let contact = json!({"kind": "parent_contact", "occurred_at": now, "text": "Ringede til forældrene"});

    let refused = write_note(&app, &specialist, &id(&case), contact.clone(), None).await;
    let problem = assert_problem(refused, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("risk assessment"));
    let meeting = json!({"kind": "meeting", "occurred_at": now, "text": "Samtale med den unge alene"});
    assert_eq!(write_note(&app, &specialist, &id(&case), meeting, None).await.status(), 201);
    // An adult's family may be contacted without one.
    assert_eq!(write_note(&app, &specialist, &id(&adult_case), contact.clone(), None).await.status(), 201);

    let path = format!("/api/v1/enrolments/{}/risk-assessments", id(&case));
    let assessment = json!({"level": "high", "assessed_at": now, "summary": "Trusler fra familien"});
    let sof = app.login("cw.sof").await.access;
    assert_problem(app.post_json(&path, Some(&sof), &assessment).await, 404).await;
    assert_eq!(app.post_json(&path, Some(&specialist), &assessment).await.status(), 201);
    let list = get_ok(&app, &path, &specialist).await;
    assert_eq!(list[0]["level"], "high");
    assert_problem(app.get(&path, Some(&sof)).await, 404).await;

    assert_eq!(write_note(&app, &specialist, &id(&case), contact, None).await.status(), 201);
}

/// Assigns `mentor` (a username) to the enrolment; returns the enrolment.
async fn assign_mentor(app: &TestApp, token: &str, enrolment: &Value, mentor: &str) -> Value {
    let mentor = app.user_id(mentor).await;
    let response = app
        .client
        .put(app.url(&format!("/api/v1/enrolments/{}/mentor", id(enrolment))))
        .bearer_auth(token)
        .json(&json!({"mentor_id": mentor}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_arrival_interview_does_not_apply_to_a_refugee_registered_after_arriving() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let t = today(&app);

    // Registered ten days after arriving: the interview at the asylum centre
    // (due on the arrival day) is not overdue from day one; it is recorded
    // as not applicable, and the caseload shows nothing overdue.
    let km = refugee_enrolled(&app, &bif, "010190-1234", 10, "kobenhavnermodellen").await;
    let interview = milestone(&km, "asylum_centre_interview");
    assert_eq!(interview["overdue"], false);
    assert_eq!(interview["met_on"], Value::Null);
    assert!(
        interview["waived_reason"].as_str().is_some_and(|r| r.contains("registreret efter ankomsten")),
        "{interview}"
    );
    // The other deadlines counted from arrival still apply.
    let internship = milestone(&km, "company_internship_started");
    assert_eq!(internship["waived_reason"], Value::Null);
    let caseload = get_ok(&app, "/api/v1/caseload", &bif).await;
    assert_eq!(caseload["items"][0]["overdue_milestones"], 0);
    let overdue = get_ok(&app, "/api/v1/caseload?overdue_only=true", &bif).await;
    assert_eq!(overdue["items"].as_array().unwrap().len(), 0);
    // A caseworker cannot meet what does not apply.
    let met = app
        .post_json(
            &format!("/api/v1/enrolments/{}/milestones/{}/met", id(&km), interview["id"].as_str().unwrap()),
            Some(&bif),
            &json!({"met_on": t}),
        )
        .await;
    assert_problem(met, 409).await;

    // Registered on the arrival day: the interview is due today, still open.
    let km = refugee_enrolled(&app, &bif, "020291-2345", 0, "kobenhavnermodellen").await;
    let interview = milestone(&km, "asylum_centre_interview");
    assert_eq!(interview["due_date"], json!(t));
    assert_eq!(interview["waived_reason"], Value::Null);
    assert_eq!(interview["met_on"], Value::Null);
}

#[tokio::test]
async fn assigning_a_mentor_meets_the_mentor_milestone() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let t = today(&app);
    let km = refugee_enrolled(&app, &bif, "010190-1234", 10, "kobenhavnermodellen").await;
    assert_eq!(milestone(&km, "mentor_assigned")["met_on"], Value::Null);

    // Twenty days on, the milestone (due 14 days after the start) is overdue
    // until a mentor is assigned; the assignment meets it that day.
    app.clock.advance(Duration::days(20));
    let bif = app.login("cw.bif").await.access;
    let late = get_ok(&app, &format!("/api/v1/enrolments/{}", id(&km)), &bif).await;
    assert_eq!(milestone(&late, "mentor_assigned")["overdue"], true);
    let assigned = assign_mentor(&app, &bif, &km, "mentor.bif").await;
    let m = milestone(&assigned, "mentor_assigned");
    assert_eq!(m["met_on"], json!(t + Duration::days(20)));
    assert_eq!(m["overdue"], false);
    // Ending and changing the assignment later leaves it met on that day.
    assign_mentor(&app, &bif, &km, "mentor2.bif").await;
    let again = get_ok(&app, &format!("/api/v1/enrolments/{}", id(&km)), &bif).await;
    assert_eq!(milestone(&again, "mentor_assigned")["met_on"], json!(t + Duration::days(20)));

    // A mentor assigned while the enrolment is only referred: the milestone
    // is created met when the enrolment starts.
    let other = register(&app, &bif, &refugee("020291-2345", 10, &app)).await;
    let referred =
        enrol(&app, &bif, &id(&other), json!({"programme_code": "kobenhavnermodellen", "status": "referred"})).await;
    assign_mentor(&app, &bif, &referred, "mentor.bif").await;
    let started = ok(app
        .post_json(
            &format!("/api/v1/enrolments/{}/transitions", id(&referred)),
            Some(&bif),
            &json!({"to": "active", "reason": "Borgeren er startet"}),
        )
        .await)
    .await;
    assert_eq!(milestone(&started, "mentor_assigned")["met_on"], json!(t + Duration::days(20)));
    report_rollups_are_kept(&app).await;
}

#[tokio::test]
async fn follow_up_outcomes_wait_for_the_end_of_the_enrolment() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let e = refugee_enrolled(&app, &bif, "010190-1234", 5, "jobdansk").await;
    let path = format!("/api/v1/enrolments/{}/outcomes", id(&e));
    let measured = |point: &str, on: chrono::NaiveDate| {
        json!({"measurement_point": point, "measured_on": on, "employment_status": "wage_employment",
               "weekly_hours": 37, "self_supporting": true, "danish_level": "b1"})
    };

    // Six months after an end that has not come: refused, nothing recorded.
    let problem =
        assert_problem(app.post_json(&path, Some(&bif), &measured("end_plus_6m", today(&app))).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("not ended"), "{problem}");
    assert_problem(app.post_json(&path, Some(&bif), &measured("end_plus_12m", today(&app))).await, 409).await;
    assert_eq!(get_ok(&app, &path, &bif).await, json!([]));

    // Ended today: the 6-month measurement is due six months on, not before.
    ok(app
        .post_json(
            &format!("/api/v1/enrolments/{}/transitions", id(&e)),
            Some(&bif),
            &json!({"to": "completed", "reason": "Job"}),
        )
        .await)
    .await;
    let ended = today(&app);
    let problem = assert_problem(app.post_json(&path, Some(&bif), &measured("end_plus_6m", ended)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "measured_on");
    app.clock.advance(Duration::days(200));
    let bif = app.login("cw.bif").await.access;
    let six = ended + Months::new(6);
    let response = app.post_json(&path, Some(&bif), &measured("end_plus_6m", six)).await;
    assert_eq!(response.status(), 201);
    let list = get_ok(&app, &path, &bif).await;
    assert_eq!(list[0]["measurement_point"], "end_plus_6m");
    // One spelling: the API's is the report's and the export's.
    let problem = assert_problem(app.post_json(&path, Some(&bif), &measured("end_plus6m", six)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "measurement_point");
    assert_eq!(list[0]["measured_on"], json!(six));
}

/// The city's day, not UTC's: from 23:00 UTC (22:00 in summer) Copenhagen is
/// already on the next date, and a caseworker there records what happened
/// "today". Neither the outcome nor the milestone may be refused as in the
/// future, and the enrolment starts on that date.
#[tokio::test]
async fn today_is_copenhagens_date_after_utc_midnight_there() {
    use chrono::{NaiveTime, Utc};
    use medborger::clock::Clock;
    let app = spawn_app().await;
    let now = app.clock.now();
    let mut late = now.date_naive().and_time(NaiveTime::from_hms_opt(23, 30, 0).unwrap()).and_utc();
    if late < now {
        late += Duration::days(1);
    }
    app.clock.advance(late - app.clock.now());
    let copenhagen = late.date_naive() + Duration::days(1);
    assert_eq!(today(&app), copenhagen, "the test's own idea of the day");
    assert!(app.clock.now() < late + Duration::minutes(5) && Utc::now() < app.clock.now());

    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let km = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "kobenhavnermodellen"})).await;
    assert_eq!(km["start_date"], json!(copenhagen));
    let internship = milestone(&km, "company_internship_started")["id"].as_str().unwrap().to_string();
    let met = app
        .post_json(
            &format!("/api/v1/enrolments/{}/milestones/{internship}/met", id(&km)),
            Some(&bif),
            &json!({"met_on": copenhagen}),
        )
        .await;
    assert_eq!(met.status(), 200);
    let outcome = json!({"measurement_point": "start", "measured_on": copenhagen, "employment_status": "unemployed",
                         "self_supporting": false});
    let recorded = app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&km)), Some(&bif), &outcome).await;
    assert_eq!(recorded.status(), 201);
    // The day after is still the future.
    let tomorrow = json!({"measurement_point": "end", "measured_on": copenhagen + Duration::days(1),
                          "employment_status": "unemployed", "self_supporting": false});
    let problem = assert_problem(
        app.post_json(&format!("/api/v1/enrolments/{}/outcomes", id(&km)), Some(&bif), &tomorrow).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "measured_on");
}

/// Issue 11 (F6): a new note's `Location` answers, with what the reader may
/// see there: a mentor only notes shared with mentors (or their own).
#[tokio::test]
async fn a_note_answers_at_its_location() {
    let app = spawn_app().await;
    let (_, _, km, bif) = mentored(&app).await;
    let now = chrono::Utc::now();
    let internal = json!({"kind": "meeting", "occurred_at": now, "text": "Intern vurdering"});
    let written = write_note(&app, &bif, &id(&km), internal, None).await;
    assert_eq!(written.status(), 201);
    let location = written.headers()["location"].to_str().unwrap().to_string();
    let written: Value = written.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/notes/{}", id(&written)));
    assert_eq!(get_ok(&app, &location, &bif).await, written);
    let mentor = app.login("mentor.bif").await.access;
    assert_problem(app.get(&location, Some(&mentor)).await, 404).await;
    let shared = json!({"kind": "meeting", "occurred_at": now, "text": "Aftale", "shared_with_mentor": true});
    let shared: Value = write_note(&app, &bif, &id(&km), shared, None).await.json().await.unwrap();
    assert_eq!(get_ok(&app, &format!("/api/v1/notes/{}", id(&shared)), &mentor).await["text"], "Aftale");
    let sof = app.login("cw.sof").await.access;
    assert_problem(app.get(&location, Some(&sof)).await, 404).await;
    assert_problem(app.get("/api/v1/notes/00000000-0000-0000-0000-000000000000", Some(&bif)).await, 404).await;
}
