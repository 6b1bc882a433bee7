//! Concerns to the restricted team: write-only for the informant.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

#[tokio::test]
async fn an_informant_gets_a_receipt_and_the_team_an_inbox_from_which_it_opens_a_case() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 30, &app)).await;
    let c = id(&citizen);
    let concern =
        json!({"citizen_id": c, "text": "Borgeren fortæller om kontrol fra familien", "signs": ["isolation"]});

    let response = app.post_json("/api/v1/concerns", Some(&bif), &concern).await;
    assert_eq!(response.status(), 201);
    let receipt: Value = response.json().await.unwrap();
    let keys: Vec<&str> = receipt.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "received_at"], "a receipt, nothing more");
    assert_problem(app.get("/api/v1/concerns", Some(&bif)).await, 403).await;
    let kff = app.login("cw.kff").await.access;
    assert_problem(app.post_json("/api/v1/concerns", Some(&kff), &concern).await, 404).await;

    // The BIF access log does not even show that a concern exists.
    let log = get_ok(&app, &format!("/api/v1/citizens/{c}/access-log"), &bif).await;
    let log = log["items"].as_array().unwrap();
    assert!(!log.is_empty(), "BIF's own work is in the log");
    assert!(log.iter().all(|i| i["resource_type"] != "concern"));
    let filed: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE resource_type = 'concern' AND citizen_id = $1",
            &[&c.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(filed, 1, "the filing is audited; only the log hides it");

    let specialist = app.login("specialist.sof").await.access;
    let (status, inbox) = get_json(&app, "/api/v1/concerns", &specialist).await;
    assert_eq!(status, 200);
    assert_eq!(inbox[0]["id"], receipt["id"]);
    assert_eq!(inbox[0]["filed_by"], json!(app.user_id("cw.bif").await));
    assert_eq!(inbox[0]["filer_department"], "bif");

    let open = format!("/api/v1/concerns/{}/open", id(&receipt));
    assert_problem(app.post_json(&open, Some(&app.login("cw.sof").await.access), &json!({})).await, 404).await;
    let response = app.post_json(&open, Some(&specialist), &json!({"goals": "Sikkerhedsplan"})).await;
    assert_eq!(response.status(), 201);
    let case: Value = response.json().await.unwrap();
    assert_eq!(case["programme_code"], "negativ_social_kontrol");
    assert_problem(app.post_json(&open, Some(&specialist), &json!({})).await, 409).await;

    let (status, _) = get_json(&app, &format!("/api/v1/citizens/{c}"), &specialist).await;
    assert_eq!(status, 200);
    let list = get_ok(&app, &format!("/api/v1/citizens/{c}/enrolments"), &bif).await;
    assert_eq!(list, json!([]), "BIF never sees the restricted case");
    let own = get_ok(&app, &format!("/api/v1/citizens/{c}/enrolments"), &specialist).await;
    assert!(own.as_array().unwrap().iter().any(|e| e["id"] == case["id"]), "the team does: {own}");
    let inbox = get_ok(&app, "/api/v1/concerns", &specialist).await;
    assert_eq!(inbox[0]["opened_enrolment_id"], case["id"]);
}
