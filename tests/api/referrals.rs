//! Referrals between departments: consent or legal basis, the receiver's
//! inbox with only the core record, accept, decline, withdraw, completion.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

const BASIS: &str = "Lov om aktiv beskæftigelsesindsats § 8";

async fn send(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json("/api/v1/referrals", Some(token), &body).await
}

async fn sent(app: &TestApp, token: &str, body: Value) -> Value {
    let response = send(app, token, body).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "send referral: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn note(app: &TestApp, token: &str, enrolment: &str, text: &str) {
    let response = app
        .post_json(
            &format!("/api/v1/enrolments/{enrolment}/notes"),
            Some(token),
            &json!({"kind": "meeting", "occurred_at": "2026-11-20T10:00:00Z", "text": text}),
        )
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn a_referral_reaches_the_receivers_inbox_with_only_the_core_record_and_accepting_opens_the_case() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let kff = app.login("cw.kff").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 30, &app)).await;
    let c = id(&citizen);
    let jobdansk = enrol(&app, &bif, &c, json!({"programme_code": "jobdansk"})).await;
    note(&app, &bif, &id(&jobdansk), "Fortroligt: borgeren fortalte om gæld").await;

    // No consent and no legal basis: 422 naming the field.
    let bare = json!({"citizen_id": c, "programme_code": "housing_first", "reason": "Hjemløs"});
    let problem = assert_problem(send(&app, &bif, bare).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "legal_basis");
    // Programmes that do not take referrals.
    for (programme, code) in
        [("jobdansk", "own_department"), ("negativ_social_kontrol", "restricted"), ("no_such_programme", "unknown")]
    {
        let body = json!({"citizen_id": c, "programme_code": programme, "reason": "x", "legal_basis": BASIS});
        let problem = assert_problem(send(&app, &bif, body).await, 422).await;
        assert_eq!(problem["errors"][0]["code"], code, "{programme}");
    }
    // Only from a citizen the sender's department works with.
    let body = json!({"citizen_id": c, "programme_code": "jobdansk", "reason": "x", "legal_basis": BASIS});
    assert_problem(send(&app, &kff, body).await, 404).await;

    let referral = sent(
        &app,
        &bif,
        json!({"citizen_id": c, "programme_code": "housing_first",
               "reason": "Borgeren er hjemløs efter skilsmisse", "legal_basis": BASIS}),
    )
    .await;
    let r = id(&referral);
    assert_eq!(referral["status"], "sent");
    assert_eq!(referral["to_department"], "sof");
    let duplicate = json!({"citizen_id": c, "programme_code": "housing_first", "reason": "igen", "legal_basis": BASIS});
    assert_problem(send(&app, &bif, duplicate).await, 409).await;

    // The receiving department's inbox carries the core record and the reason only.
    let response = app.get("/api/v1/referrals?direction=incoming", Some(&sof)).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains("gæld"), "never the sender's notes: {text}");
    let inbox: Value = serde_json::from_str(&text).unwrap();
    let items = inbox["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item["id"], r);
    assert_eq!(item["reason"], "Borgeren er hjemløs efter skilsmisse");
    assert_eq!(item["citizen"]["given_name"], "Amina");
    assert_eq!(item["citizen"]["cpr_masked"], "010190-****");
    assert!(item["citizen"].get("country_of_birth").is_none());
    assert!(item["citizen"].get("needs").is_none());
    // Before accepting, the rest stays closed to the receiver.
    assert_problem(app.get(&format!("/api/v1/citizens/{c}"), Some(&sof)).await, 404).await;
    // The sender sees it among the outgoing; a third department nowhere.
    let outgoing = get_ok(&app, "/api/v1/referrals?direction=outgoing", &bif).await;
    assert_eq!(outgoing["items"][0]["id"], r);
    let incoming = get_ok(&app, "/api/v1/referrals", &bif).await;
    assert_eq!(incoming["items"], json!([]));
    let other = get_ok(&app, "/api/v1/referrals", &kff).await;
    assert_eq!(other["items"], json!([]));
    assert_problem(app.get(&format!("/api/v1/referrals/{r}"), Some(&kff)).await, 404).await;
    let accept = format!("/api/v1/referrals/{r}/accept");
    assert_problem(app.post_json(&accept, Some(&kff), &json!({})).await, 404).await;
    // Only the receiver decides.
    assert_problem(app.post_json(&accept, Some(&bif), &json!({})).await, 403).await;

    let response = app.post_json(&accept, Some(&sof), &json!({"goals": "Egen bolig"})).await;
    assert_eq!(response.status(), 200);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    let enrolment = accepted["enrolment_id"].as_str().unwrap().to_string();
    let (status, opened) = get_json(&app, &format!("/api/v1/enrolments/{enrolment}"), &sof).await;
    assert_eq!(status, 200);
    assert_eq!(opened["programme_code"], "housing_first");
    assert_eq!(opened["status"], "active");
    assert_eq!(opened["goals"], "Egen bolig");
    let (status, _) = get_json(&app, &format!("/api/v1/citizens/{c}"), &sof).await;
    assert_eq!(status, 200, "accepting made the department involved");
    // Still never the sender's notes.
    assert_problem(app.get(&format!("/api/v1/enrolments/{}/notes", id(&jobdansk)), Some(&sof)).await, 404).await;
    assert_problem(app.post_json(&accept, Some(&sof), &json!({})).await, 409).await;

    // Closing the enrolment completes the referral.
    let response = app
        .post_json(
            &format!("/api/v1/enrolments/{enrolment}/transitions"),
            Some(&sof),
            &json!({"to": "completed", "reason": "Bolig fundet"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let done = get_ok(&app, &format!("/api/v1/referrals/{r}"), &bif).await;
    assert_eq!(done["status"], "completed");
    assert!(done["closed_at"].is_string());

    let entries: Vec<(String, String, String)> = app
        .db()
        .await
        .query(
            "SELECT action, resource_type, actor_department FROM audit_log
              WHERE resource_type IN ('referral', 'enrolment') AND citizen_id = $1 ORDER BY id",
            &[&c.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect();
    let expected = [
        ("create", "enrolment", "bif"),
        ("create", "referral", "bif"),
        ("read", "referral", "sof"),
        ("read", "referral", "bif"),
        ("update", "referral", "sof"),
        ("create", "enrolment", "sof"),
        ("read", "enrolment", "sof"),
        ("transition", "enrolment", "sof"),
        ("read", "referral", "bif"),
    ];
    let expected: Vec<(String, String, String)> =
        expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect();
    assert_eq!(entries, expected);
    let denied: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'denied' AND resource_type = 'referral'
                AND resource_id = $1 AND actor_department = 'kff'",
            &[&r.as_str()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(denied, 2, "kff's read and accept of the referral");
}

#[tokio::test]
async fn the_receiver_declines_with_a_reason_and_the_sender_may_withdraw_while_it_waits() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let c = id(&register(&app, &bif, &refugee("010190-1234", 30, &app)).await);
    let referral = sent(
        &app,
        &bif,
        json!({"citizen_id": c, "programme_code": "housing_first", "reason": "Bolig", "legal_basis": BASIS}),
    )
    .await;
    let decline = format!("/api/v1/referrals/{}/decline", id(&referral));
    assert_problem(app.post_json(&decline, Some(&sof), &json!({})).await, 422).await;
    assert_problem(app.post_json(&decline, Some(&sof), &json!({"reason": " "})).await, 422).await;
    let response = app.post_json(&decline, Some(&sof), &json!({"reason": "Borgeren har allerede bolig"})).await;
    assert_eq!(response.status(), 200);
    let outgoing = get_ok(&app, "/api/v1/referrals?direction=outgoing", &bif).await;
    assert_eq!(outgoing["items"][0]["status"], "declined");
    assert_eq!(outgoing["items"][0]["decision_reason"], "Borgeren har allerede bolig");
    assert_problem(app.get(&format!("/api/v1/citizens/{c}"), Some(&sof)).await, 404).await;
    assert_problem(
        app.post_json(&format!("/api/v1/referrals/{}/accept", id(&referral)), Some(&sof), &json!({})).await,
        409,
    )
    .await;

    let again = sent(
        &app,
        &bif,
        json!({"citizen_id": c, "programme_code": "housing_first", "reason": "Ny situation", "legal_basis": BASIS}),
    )
    .await;
    let withdraw = format!("/api/v1/referrals/{}/withdraw", id(&again));
    assert_problem(app.post_json(&withdraw, Some(&sof), &json!({})).await, 403).await;
    let response = app.post_json(&withdraw, Some(&bif), &json!({"reason": "Fejl"})).await;
    assert_eq!(response.status(), 200);
    let withdrawn: Value = response.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    let waiting = get_ok(&app, "/api/v1/referrals?status=sent", &sof).await;
    assert_eq!(waiting["items"], json!([]));
    let all = get_ok(&app, "/api/v1/referrals", &sof).await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let problem = assert_problem(app.get("/api/v1/referrals?direction=sideways", Some(&sof)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "direction");
    assert_problem(app.get("/api/v1/referrals", Some(&app.login("mentor.bif").await.access)).await, 403).await;
}
