//! Consent: what it opens to other departments (summaries, never notes),
//! withdrawal and expiry, and the programmes that need it.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

fn consent(departments: &[&str], expires_in: Duration) -> Value {
    let now = Utc::now();
    json!({
        "purpose": "Samarbejde om bolig og beskæftigelse",
        "departments": departments,
        "given_at": now - Duration::days(1),
        "expires_at": now + expires_in,
        "document_reference": "2026-123456"
    })
}

async fn record(app: &TestApp, token: &str, citizen: &str, body: &Value) -> Value {
    let response = app.post_json(&format!("/api/v1/citizens/{citizen}/consents"), Some(token), body).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "record consent: {text}");
    serde_json::from_str(&text).unwrap()
}

fn programmes(summaries: &Value) -> Vec<String> {
    summaries.as_array().unwrap().iter().map(|s| s["programme_code"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_valid_consent_shows_other_departments_enrolment_summaries_until_withdrawn_or_expired() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let c = id(&register(&app, &bif, &refugee("010190-1234", 30, &app)).await);
    let jobdansk = enrol(&app, &bif, &c, json!({"programme_code": "jobdansk", "goals": "Job i detail"})).await;
    register(&app, &sof, &refugee("010190-1234", 30, &app)).await;
    enrol(&app, &sof, &c, json!({"programme_code": "housing_first"})).await;
    enrol(&app, &specialist, &c, json!({"programme_code": "negativ_social_kontrol"})).await;
    let summaries = format!("/api/v1/citizens/{c}/enrolment-summaries");

    let (status, none) = get_json(&app, &summaries, &sof).await;
    assert_eq!(status, 200);
    assert_eq!(none, json!([]), "no consent, no summaries");

    // Invalid consents are refused with the field named.
    for (mut body, field) in [
        (consent(&["bif", "sof"], Duration::days(30)), "expires_at"),
        (consent(&["bif", "xyz"], Duration::days(30)), "departments"),
        (consent(&[], Duration::days(30)), "departments"),
        (consent(&["bif"], Duration::days(30)), "given_at"),
    ] {
        match field {
            "expires_at" => body["expires_at"] = body["given_at"].clone(),
            "given_at" => body["given_at"] = json!(Utc::now() + Duration::days(2)),
            _ => {}
        }
        let response = app.post_json(&format!("/api/v1/citizens/{c}/consents"), Some(&bif), &body).await;
        let problem = assert_problem(response, 422).await;
        assert!(problem.to_string().contains(field), "{field}: {problem}");
    }

    let given = record(&app, &bif, &c, &consent(&["bif", "sof"], Duration::days(30))).await;
    assert_eq!(given["valid"], true);
    assert_eq!(given["departments"], json!(["bif", "sof"]));

    // SOF now sees BIF's enrolment as a summary, and BIF sees SOF's; never
    // the restricted one, never goals or notes.
    let seen = get_ok(&app, &summaries, &sof).await;
    assert_eq!(programmes(&seen), ["jobdansk"]);
    let summary = &seen[0];
    assert_eq!(summary["id"], jobdansk["id"]);
    assert_eq!(summary["department"], "bif");
    assert_eq!(summary["status"], "active");
    assert!(summary["team_name"].is_string());
    assert!(summary["start_date"].is_string());
    assert!(summary.get("goals").is_none());
    assert_eq!(summary["consent_id"], given["id"]);
    let seen = get_ok(&app, &summaries, &bif).await;
    assert_eq!(programmes(&seen), ["housing_first"]);
    let seen = get_ok(&app, &summaries, &specialist).await;
    assert_eq!(programmes(&seen), ["jobdansk"]);
    // The enrolment itself and its notes stay closed.
    for path in [format!("/api/v1/enrolments/{}", id(&jobdansk)), format!("/api/v1/enrolments/{}/notes", id(&jobdansk))]
    {
        assert_problem(app.get(&path, Some(&sof)).await, 404).await;
    }
    // A department without an involvement sees nothing at all.
    let kff = app.login("cw.kff").await.access;
    assert_problem(app.get(&summaries, Some(&kff)).await, 404).await;
    // A consent that does not cover a department opens nothing to it.
    let consents = get_ok(&app, &format!("/api/v1/citizens/{c}/consents"), &sof).await;
    assert_eq!(consents.as_array().unwrap().len(), 1);

    // Withdrawal closes the view on the next request. Only the recording
    // department withdraws, on the citizen's word (issue 10, door 10): another
    // covered department is refused, and who withdrew is recorded.
    let withdraw = format!("/api/v1/citizens/{c}/consents/{}/withdraw", id(&given));
    let by_sof = app.post_json(&withdraw, Some(&sof), &json!({"reason": "Borgeren ringede"})).await;
    assert_problem(by_sof, 403).await;
    assert_eq!(get_ok(&app, &summaries, &sof).await.as_array().unwrap().len(), 1);
    let response = app.post_json(&withdraw, Some(&bif), &json!({"reason": "Borgeren ringede"})).await;
    assert_eq!(response.status(), 200);
    let withdrawn: Value = response.json().await.unwrap();
    assert_eq!(withdrawn["valid"], false);
    assert!(withdrawn["withdrawn_at"].is_string());
    assert_eq!(withdrawn["withdrawn_by"], json!(app.user_id("cw.bif").await));
    assert_problem(app.post_json(&withdraw, Some(&bif), &json!({})).await, 409).await;
    let seen = get_ok(&app, &summaries, &sof).await;
    assert_eq!(seen, json!([]));

    // So does expiry.
    record(&app, &bif, &c, &consent(&["bif", "sof"], Duration::days(2))).await;
    let seen = get_ok(&app, &summaries, &sof).await;
    assert_eq!(programmes(&seen), ["jobdansk"]);
    app.clock.advance(Duration::days(3));
    let sof = app.login("cw.sof").await.access;
    let seen = get_ok(&app, &summaries, &sof).await;
    assert_eq!(seen, json!([]));
    let consents = get_ok(&app, &format!("/api/v1/citizens/{c}/consents"), &sof).await;
    let valid: Vec<bool> = consents.as_array().unwrap().iter().map(|c| c["valid"].as_bool().unwrap()).collect();
    assert_eq!(valid, [false, false]);
    let audited: Vec<(String, String)> = app
        .db()
        .await
        .query(
            "SELECT action, coalesce(reason, '') FROM audit_log
              WHERE resource_type IN ('consent', 'consents') AND citizen_id = $1 ORDER BY id",
            &[&c.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected =
        [("create", ""), ("read", ""), ("denied", ""), ("update", "consent_withdrawn"), ("create", ""), ("read", "")];
    assert_eq!(audited, expected.map(|(a, r)| (a.to_string(), r.to_string())));
}

#[tokio::test]
async fn holistic_family_intervention_needs_a_valid_consent_also_through_a_referral() {
    let app = spawn_app().await;
    let sof = app.login("cw.sof").await.access;
    let bif = app.login("cw.bif").await.access;
    let c = id(&register(&app, &sof, &refugee("010190-1234", 30, &app)).await);
    let programme = json!({"programme_code": "helhedsorienteret_familieindsats"});
    let path = format!("/api/v1/citizens/{c}/enrolments");
    let refused = assert_problem(app.post_json(&path, Some(&sof), &programme).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("consent"));
    // A consent for other departments does not count.
    record(&app, &sof, &c, &consent(&["bif"], Duration::days(30))).await;
    assert_problem(app.post_json(&path, Some(&sof), &programme).await, 409).await;
    record(&app, &sof, &c, &consent(&["sof"], Duration::days(30))).await;
    assert_eq!(app.post_json(&path, Some(&sof), &programme).await.status(), 201);

    // Referred from BIF on a consent covering SOF: accepted.
    let b = id(&register(&app, &bif, &refugee("020291-2345", 30, &app)).await);
    let wrong = record(&app, &bif, &b, &consent(&["bif"], Duration::days(30))).await;
    let body = |consent: &Value| {
        json!({"citizen_id": b, "programme_code": "helhedsorienteret_familieindsats",
               "reason": "Familien har brug for en samlet indsats", "consent_id": consent["id"]})
    };
    let problem = assert_problem(app.post_json("/api/v1/referrals", Some(&bif), &body(&wrong)).await, 422).await;
    assert_eq!(problem["errors"][0]["code"], "not_covering");
    let right = record(&app, &bif, &b, &consent(&["bif", "sof"], Duration::days(30))).await;
    let response = app.post_json("/api/v1/referrals", Some(&bif), &body(&right)).await;
    assert_eq!(response.status(), 201);
    let referral: Value = response.json().await.unwrap();
    assert_eq!(referral["consent_id"], right["id"]);
    let response = app.post_json(&format!("/api/v1/referrals/{}/accept", id(&referral)), Some(&sof), &json!({})).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}
