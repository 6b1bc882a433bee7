//! Issue 10, doors 1 and 2: knowing a CPR opens nothing, and a restricted
//! team's registration leaves no ordinary trace.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

/// What a restricted team hears in confidence.
fn confided(cpr: &str, app: &TestApp) -> Value {
    let mut body = refugee(cpr, 100, app);
    body["phone"] = json!("+45 99 88 77 66");
    body["email"] = json!("skjult@example.org");
    body["address"] = json!("Krisecentret, Hemmelig Vej 1");
    body["needs"] = json!(["negative_social_control", "danish"]);
    body
}

async fn search_cpr(app: &TestApp, token: &str, cpr: &str) -> Value {
    let response = app.post_json("/api/v1/citizens/search", Some(token), &json!({ "cpr": cpr })).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn registering_a_known_cpr_needs_a_basis_answers_only_what_was_sent_and_is_reviewed() {
    let app = spawn_app().await;
    let sof = app.login("cw.sof").await.access;
    let bif = app.login("cw.bif").await.access;
    let manager = app.login("manager.bif").await.access;

    let mut first = refugee("010190-1234", 100, &app);
    first["address"] = json!("Sofies Gade 3");
    let citizen = register(&app, &sof, &first).await;
    let citizen_id = id(&citizen);

    // Knowing the CPR is not a basis: 422, nothing opened, nothing recorded.
    let mut again = refugee("0101901234", 100, &app);
    again["given_name"] = json!("Amina B.");
    let response = app.post_json("/api/v1/citizens", Some(&bif), &again).await;
    let problem = assert_problem(response, 422).await;
    assert!(problem.to_string().contains("basis"), "{problem}");
    let (status, _) = get_json(&app, &format!("/api/v1/citizens/{citizen_id}"), &bif).await;
    assert_eq!(status, 404);
    assert_eq!(audit_count(&app, "register_known", &citizen_id).await, 0);

    // With a stated basis: involved, answered with what BIF sent, audited as
    // its own action and listed for BIF's managers.
    again["basis"] = json!("citizen_present");
    let response = app.post_json("/api/v1/citizens", Some(&bif), &again).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], citizen["id"]);
    assert_eq!(body["already_registered"], true);
    assert_eq!(body["basis"], "citizen_present");
    assert_eq!(body["submitted"]["given_name"], "Amina B.");
    assert!(!body.to_string().contains("Sofies Gade"), "nothing SOF recorded that BIF did not send: {body}");
    assert_eq!(audit_count(&app, "register_known", &citizen_id).await, 1);
    assert_eq!(audit_count(&app, "read", &citizen_id).await, 0);

    let review = get_ok(&app, "/api/v1/known-cpr-registrations", &manager).await;
    let rows = review.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{review}");
    assert_eq!(rows[0]["citizen_id"], citizen["id"]);
    assert_eq!(rows[0]["basis"], "citizen_present");
    assert_eq!(rows[0]["registered_by"], app.user_id("cw.bif").await.to_string());
    // A caseworker does not review; SOF's list is not BIF's.
    let response = app.get("/api/v1/known-cpr-registrations", Some(&bif)).await;
    assert_eq!(response.status(), 403);

    // A bad basis is refused.
    again["basis"] = json!("i_know_the_number");
    let response = app.post_json("/api/v1/citizens", Some(&bif), &again).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn a_citizen_known_only_to_a_restricted_team_leaks_nothing_on_registration() {
    let app = spawn_app().await;
    let specialist = app.login("specialist.sof").await.access;
    let sof = app.login("cw.sof").await.access;
    let bif = app.login("cw.bif").await.access;

    let citizen = register(&app, &specialist, &confided("010190-1234", &app)).await;
    let citizen_id = id(&citizen);
    let path = format!("/api/v1/citizens/{citizen_id}");
    // The team sees what it recorded.
    let own = get_ok(&app, &path, &specialist).await;
    assert_eq!(own["phone"], "+45 99 88 77 66");
    assert!(own["needs"].as_array().unwrap().contains(&json!("negative_social_control")));

    // Door 2: SOF's ordinary caseworker finds nothing.
    let found = search_cpr(&app, &sof, "010190-1234").await;
    assert_eq!(found["items"], json!([]), "{found}");
    let (status, _) = get_json(&app, &path, &sof).await;
    assert_eq!(status, 404);

    // Door 1: BIF registers the same CPR on a stated basis.
    let mut body = refugee("010190-1234", 100, &app);
    body["phone"] = json!("+45 11 11 11 11");
    body["basis"] = json!("citizen_application");
    let response = app.post_json("/api/v1/citizens", Some(&bif), &body).await;
    assert_eq!(response.status(), 200);
    let answer = response.text().await.unwrap();
    for secret in ["negative_social_control", "99 88 77 66", "skjult", "Krisecentret", "restricted", "team"] {
        assert!(!answer.contains(secret), "{secret} leaked: {answer}");
    }
    // Nor does the record BIF now reads carry anything the team recorded.
    let response = app.get(&path, Some(&bif)).await;
    assert_eq!(response.status(), 200);
    let record = response.text().await.unwrap();
    for secret in ["negative_social_control", "99 88 77 66", "skjult", "Krisecentret"] {
        assert!(!record.contains(secret), "{secret} leaked: {record}");
    }
    // The team's record is unchanged.
    let own = get_ok(&app, &path, &specialist).await;
    assert_eq!(own["address"], "Krisecentret, Hemmelig Vej 1");
    // And SOF still finds nothing.
    let found = search_cpr(&app, &sof, "010190-1234").await;
    assert_eq!(found["items"], json!([]), "{found}");
}

#[tokio::test]
async fn a_team_members_changes_to_confided_fields_stay_with_the_team() {
    let app = spawn_app().await;
    let specialist = app.login("specialist.sof").await.access;
    let bif = app.login("cw.bif").await.access;

    let citizen = register(&app, &specialist, &confided("010190-1234", &app)).await;
    let citizen_id = id(&citizen);
    let path = format!("/api/v1/citizens/{citizen_id}");
    let mut body = refugee("010190-1234", 100, &app);
    body["basis"] = json!("statutory_duty");
    register(&app, &bif, &body).await;

    let response = app
        .patch_json(&path, &specialist, Some("\"1\""), &json!({ "phone": "+45 22 22 22 22", "given_name": "Amina Ny" }))
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let bif_view = get_ok(&app, &path, &bif).await;
    assert_eq!(bif_view["given_name"], "Amina Ny", "the shared record");
    assert_ne!(bif_view["phone"], "+45 22 22 22 22", "the team's phone");
    let own = get_ok(&app, &path, &specialist).await;
    assert_eq!(own["phone"], "+45 22 22 22 22");
}

/// Door 7: an audit entry belongs to the team that owns the resource, not
/// to the actor's teams. A restricted-team member's ordinary work shows in
/// the department's access log; their restricted work stays with the team.
#[tokio::test]
async fn audit_entries_are_tagged_by_the_resources_team_not_the_actors() {
    let app = spawn_app().await;
    let sof = app.login("cw.sof").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let citizen = register(&app, &sof, &refugee("010190-1234", 30, &app)).await;
    let c = id(&citizen);
    let ordinary = enrol(&app, &sof, &c, json!({"programme_code": "housing_first"})).await;
    let restricted = enrol(&app, &specialist, &c, json!({"programme_code": "negativ_social_kontrol"})).await;
    let before = get_ok(&app, &format!("/api/v1/citizens/{c}/access-log"), &sof).await;
    let count_reads = |log: &Value| {
        log.as_array().unwrap().iter().filter(|e| e["action"] == "read" && e["resource_type"] == "enrolment").count()
    };
    get_ok(&app, &format!("/api/v1/enrolments/{}", id(&ordinary)), &specialist).await;
    get_ok(&app, &format!("/api/v1/enrolments/{}", id(&restricted)), &specialist).await;
    let after = get_ok(&app, &format!("/api/v1/citizens/{c}/access-log"), &sof).await;
    let log = |v: &Value| v.get("items").cloned().unwrap_or_else(|| v.clone());
    assert_eq!(
        count_reads(&log(&after)),
        count_reads(&log(&before)) + 1,
        "the specialist's read of the ordinary enrolment is SOF's to see, the restricted one is not"
    );

    let team: Option<uuid::Uuid> = app
        .db()
        .await
        .query_one("SELECT team_id FROM enrolments WHERE id = $1", &[&id(&restricted).parse::<uuid::Uuid>().unwrap()])
        .await
        .unwrap()
        .get(0);
    for (enrolment, expected) in [(&ordinary, None), (&restricted, team)] {
        let tags: Vec<Option<uuid::Uuid>> = app
            .db()
            .await
            .query(
                "SELECT restricted_team_id FROM audit_log \
                 WHERE resource_type = 'enrolment' AND resource_id = $1",
                &[&id(enrolment)],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(!tags.is_empty());
        assert!(tags.iter().all(|t| *t == expected), "{tags:?}, expected all {expected:?}");
    }
}

/// Door 12: a client cannot choose the id its access is audited under; its
/// own `X-Request-Id` is only logged beside the service's.
#[tokio::test]
async fn a_clients_request_id_is_a_correlation_field_not_the_audits() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 100, &app)).await;
    let forged = "chosen-by-the-client-42";
    let path = format!("/api/v1/citizens/{}", id(&citizen));
    let response =
        app.client.get(app.url(&path)).bearer_auth(&bif).header("X-Request-Id", forged).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let served = response.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(served, forged, "the answer names the service's id");
    assert!(uuid::Uuid::parse_str(&served).is_ok(), "{served}");

    let citizen_id: uuid::Uuid = id(&citizen).parse().unwrap();
    let db = app.db().await;
    let reads: Vec<Option<String>> = db
        .query("SELECT request_id FROM audit_log WHERE action = 'read' AND citizen_id = $1", &[&citizen_id])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(reads, vec![Some(served)], "the read is audited under the service's id");
    let forged_rows: i64 =
        db.query_one("SELECT count(*) FROM audit_log WHERE request_id = $1", &[&forged]).await.unwrap().get(0);
    assert_eq!(forged_rows, 0);
}

/// Door 6: the citizen's access log and the auditors' view carry a purpose
/// category, never the free text of a transition, a grant or its review, nor
/// a staff member's id; the text stays with its record.
#[tokio::test]
async fn audit_purposes_are_categories_without_case_content_or_staff_ids() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 5, &app)).await;
    let enrolment = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "kobenhavnermodellen"})).await;
    let enrolment_path = format!("/api/v1/enrolments/{}", id(&enrolment));
    let illness = "Sygdom: indlagt på psykiatrisk afdeling";
    ok(app
        .post_json(&format!("{enrolment_path}/transitions"), Some(&bif), &json!({"to": "paused", "reason": illness}))
        .await)
    .await;
    let mentor = app.user_id("mentor.bif").await.to_string();
    let assigned = app
        .client
        .put(app.url(&format!("{enrolment_path}/mentor")))
        .bearer_auth(&bif)
        .json(&json!({"mentor_id": mentor}))
        .send()
        .await
        .unwrap();
    assert_eq!(assigned.status(), 200);
    // A break-the-glass look by BIF at a citizen SOF works with, reviewed.
    let sof = app.login("cw.sof").await.access;
    let other = register(&app, &sof, &refugee("020290-2345", 5, &app)).await;
    let why = "Borgeren står i receptionen og fortæller om vold i hjemmet";
    let grant =
        ok(app.post_json("/api/v1/access-grants", Some(&bif), &json!({"citizen_id": id(&other), "reason": why})).await)
            .await;
    let manager = app.login("manager.bif").await.access;
    let comment = "Rimeligt: borgeren var i akut krise";
    ok(app
        .post_json(
            &format!("/api/v1/access-grants/{}/review", id(&grant)),
            Some(&manager),
            &json!({"comment": comment}),
        )
        .await)
    .await;

    // A reassignment by the manager, a legal hold by an administrator.
    let moved = "Sagsbehandleren er sygemeldt med stress";
    let to = app.user_id("cw.bif").await;
    let reassign = json!({"to_caseworker_id": to, "enrolment_ids": [id(&enrolment)], "reason": moved});
    ok(app.post_json("/api/v1/reports/caseload/reassign", Some(&manager), &reassign).await).await;
    let admin = app.login("admin").await.access;
    let held = "Klagesag i Ankestyrelsen om anbringelse";
    let hold = json!({"hold": true, "reason": held});
    ok(app.post_json(&format!("/api/v1/citizens/{}/legal-hold", id(&citizen)), Some(&admin), &hold).await).await;

    let auditor = app.login("auditor").await.access;
    let mut purposes = Vec::new();
    for (citizen, involved) in [(&citizen, &bif), (&other, &sof)] {
        let log = ok(app.get(&format!("/api/v1/citizens/{}/access-log", id(citizen)), Some(involved)).await).await;
        let audited =
            ok(app.get(&format!("/api/v1/audit?citizen_id={}&limit=200", id(citizen)), Some(&auditor)).await).await;
        for (who, seen) in [("access log", log.to_string()), ("auditor", audited.to_string())] {
            for secret in [illness, why, comment, moved, held, mentor.as_str()] {
                assert!(!seen.contains(secret), "{who} shows {secret:?}: {seen}");
            }
        }
        purposes
            .extend(log["items"].as_array().unwrap().iter().filter_map(|e| e["purpose"].as_str().map(String::from)));
    }
    for category in [
        "status_change",
        "mentor_assigned",
        "break_the_glass",
        "grant_reviewed",
        "caseload_reassignment",
        "legal_hold_set",
    ] {
        assert!(purposes.iter().any(|p| p == category), "{category} in {purposes:?}");
    }
    // The text stays with its record, for those who may read that record.
    let grants = ok(app.get("/api/v1/access-grants?review=all", Some(&manager)).await).await;
    assert!(grants.to_string().contains(why) && grants.to_string().contains(comment), "{grants}");
    let db = app.db().await;
    let kept: Vec<String> = db
        .query("SELECT reason FROM enrolment_reassignments UNION ALL SELECT reason FROM legal_hold_changes", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(kept, [moved, held]);
}
