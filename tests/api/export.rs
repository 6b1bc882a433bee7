//! The citizen's export (indsigt): complete, restricted work only for its
//! team, the informant redacted with the reason recorded, audited.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

fn len(doc: &Value, key: &str) -> usize {
    doc[key].as_array().unwrap_or_else(|| panic!("{key} in {doc}")).len()
}

#[tokio::test]
async fn the_export_holds_one_of_everything_and_redacts_what_it_must() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let kff = app.login("cw.kff").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let c = id(&register(&app, &bif, &refugee("010190-1234", 30, &app)).await);
    let export = format!("/api/v1/citizens/{c}/export");
    assert_problem(app.get(&export, Some(&kff)).await, 404).await;
    assert_problem(app.get(&export, Some(&app.login("mentor.bif").await.access)).await, 403).await;
    assert_problem(app.get(&export, Some(&app.login("auditor").await.access)).await, 403).await;

    // One of everything.
    let e = enrol(&app, &bif, &c, json!({"programme_code": "kobenhavnermodellen"})).await;
    let enr = format!("/api/v1/enrolments/{}", id(&e));
    let now = Utc::now();
    let first = ok(app
        .post_json(
            &format!("{enr}/notes"),
            Some(&bif),
            &json!({"kind": "meeting", "occurred_at": now, "text": "Første samtale"}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{enr}/notes"),
            Some(&bif),
            &json!({"kind": "meeting", "occurred_at": now, "text": "Første samtale (rettet)",
                           "supersedes": first["id"], "correction_reason": "Forkert dato"}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            &format!("{enr}/outcomes"),
            Some(&bif),
            &json!({"measurement_point": "start", "measured_on": today(&app), "employment_status": "unemployed",
                           "weekly_hours": 0, "self_supporting": false, "danish_level": "a1"}),
        )
        .await)
    .await;
    ok(app.post_json(&format!("{enr}/transitions"), Some(&bif), &json!({"to": "paused", "reason": "Sygdom"})).await)
        .await;
    let consent = ok(app
        .post_json(
            &format!("/api/v1/citizens/{c}/consents"),
            Some(&bif),
            &json!({"purpose": "Samarbejde", "departments": ["bif", "sof"],
                           "given_at": now - Duration::days(1), "expires_at": now + Duration::days(30),
                           "document_reference": "2026-77"}),
        )
        .await)
    .await;
    let referral = ok(app
        .post_json(
            "/api/v1/referrals",
            Some(&bif),
            &json!({"citizen_id": c, "programme_code": "housing_first", "reason": "Bolig",
                           "consent_id": consent["id"]}),
        )
        .await)
    .await;
    let accepted =
        ok(app.post_json(&format!("/api/v1/referrals/{}/accept", id(&referral)), Some(&sof), &json!({})).await).await;
    let housing = accepted["enrolment_id"].as_str().unwrap().to_string();
    ok(app
        .post_json(
            &format!("/api/v1/enrolments/{housing}/notes"),
            Some(&sof),
            &json!({"kind": "meeting", "occurred_at": now, "text": "SOF-journal: fortroligt"}),
        )
        .await)
    .await;
    let restricted = enrol(&app, &specialist, &c, json!({"programme_code": "negativ_social_kontrol"})).await;
    ok(app
        .post_json(
            &format!("/api/v1/enrolments/{}/risk-assessments", id(&restricted)),
            Some(&specialist),
            &json!({"level": "high", "assessed_at": now, "summary": "Trusler"}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            "/api/v1/concerns",
            Some(&bif),
            &json!({"citizen_id": c, "text": "Bekymring", "signs": ["isolation"]}),
        )
        .await)
    .await;
    ok(app
        .post_json(
            "/api/v1/access-grants",
            Some(&kff),
            &json!({"citizen_id": c, "reason": "Borgeren henvender sig akut i Borgerservice"}),
        )
        .await)
    .await;

    // A caseworker of an involved department: everything but restricted work.
    let response = app.get(&export, Some(&bif)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let text = response.text().await.unwrap();
    assert!(!text.contains("negativ_social_kontrol"), "restricted work leaked: {text}");
    assert!(!text.contains("Trusler"));
    assert!(!text.contains("SOF-journal"), "another department's notes");
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["citizen"]["cpr"], "010190-1234");
    assert_eq!(doc["citizen"]["given_name"], "Amina");
    assert!(doc["citizen"].get("cpr_ciphertext").is_none());
    assert!(doc["citizen"].get("cpr_hash").is_none());
    // No internal columns; times as the rest of the API writes them (issue 11).
    assert!(!text.contains("idempotency_key") && !text.contains("request_hash"), "{text}");
    assert!(!text.contains("+00:00"), "times in UTC with Z: {text}");
    let note = &doc["enrolments"][0]["notes"][0];
    let at = doc["citizen"]["created_at"].as_str().or_else(|| note["created_at"].as_str()).unwrap();
    assert!(at.ends_with('Z'), "{at}");
    let departments: Vec<&str> =
        doc["involvements"].as_array().unwrap().iter().map(|i| i["department"].as_str().unwrap()).collect();
    // Under the caller's own row-level security (issue 10, door 3): its
    // department's involvement; sof's work shows as the consented summary.
    assert_eq!(departments, ["bif"]);
    let programmes: Vec<&str> =
        doc["enrolments"].as_array().unwrap().iter().map(|e| e["programme_code"].as_str().unwrap()).collect();
    assert_eq!(programmes, ["kobenhavnermodellen"], "its own department's in full");
    assert_eq!(len(&doc, "other_departments_enrolments"), 1);
    let other = &doc["other_departments_enrolments"][0];
    assert_eq!(other["programme_code"], "housing_first");
    assert_eq!(other["department"], "sof");
    assert!(other.get("goals").is_none(), "a summary");
    assert_eq!(len(&doc, "notes"), 2, "current and superseded");
    assert_eq!(doc["notes"][1]["supersedes"], first["id"]);
    assert_eq!(len(&doc, "outcomes"), 1);
    assert!(len(&doc, "milestones") >= 3);
    assert_eq!(len(&doc, "enrolment_transitions"), 1);
    assert_eq!(len(&doc, "referrals"), 1);
    assert_eq!(doc["referrals"][0]["status"], "accepted");
    assert_eq!(len(&doc, "consents"), 1);
    // Another department's break-the-glass grant (and its reason) is not
    // bif's to see: the export runs under bif's row-level security (issue
    // 10, doors 3 and 5); the access log still records the access.
    assert_eq!(len(&doc, "access_grants"), 0);
    assert_eq!(len(&doc, "concerns"), 0, "the restricted team's");
    assert_eq!(len(&doc, "risk_assessments"), 0);
    let log = doc["access_log"].as_array().unwrap();
    assert!(log.iter().any(|a| a["action"] == "break_glass" && a["department"] == "kff"));
    assert!(log.iter().all(|a| a.get("actor_id").is_none()), "no staff in the log");
    assert!(!text.contains("\"filed_by\""));

    // The restricted team's member gets its work too, the informant redacted.
    let doc: Value = ok(app.get(&export, Some(&specialist)).await).await;
    assert_eq!(len(&doc, "enrolments"), 2, "SOF's, the restricted one included");
    assert_eq!(len(&doc, "other_departments_enrolments"), 1);
    assert_eq!(len(&doc, "notes"), 1, "SOF's own note; BIF's stay with BIF");
    assert_eq!(doc["notes"][0]["text"], "SOF-journal: fortroligt");
    assert!(
        doc["access_log"].as_array().unwrap().iter().all(|a| a["resource_type"] != "concern"),
        "the filing of a concern would name the informant"
    );
    assert_eq!(len(&doc, "risk_assessments"), 1);
    assert_eq!(len(&doc, "concerns"), 1);
    let concern = &doc["concerns"][0];
    assert_eq!(concern["text"], "Bekymring");
    assert!(concern["informant"].is_null());
    assert!(concern.get("filed_by").is_none());
    assert!(concern.get("filer_department").is_none());
    assert!(concern["informant_redacted"].as_str().unwrap().contains("§ 15"));

    let reasons: Vec<Option<String>> = app
        .db()
        .await
        .query(
            "SELECT reason FROM audit_log WHERE action = 'export' AND citizen_id = $1 ORDER BY id",
            &[&c.parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0], None);
    assert_eq!(reasons[1].as_deref(), Some("informant_redacted"));

    // Door 5: the export's access log is the access-log endpoint's, for the
    // department and for the restricted team alike: no refused attempt (kff
    // was refused above), no filing of the concern.
    for token in [&bif, &specialist] {
        let doc: Value = ok(app.get(&export, Some(token)).await).await;
        let endpoint = ok(app.get(&format!("/api/v1/citizens/{c}/access-log?limit=200"), Some(token)).await).await;
        let shape = |items: &Value| -> Vec<String> {
            items
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    format!(
                        "{} {} {} {} {}",
                        a["department"], a["roles"], a["action"], a["resource_type"], a["purpose"]
                    )
                })
                .collect()
        };
        let (exported, answered) = (shape(&doc["access_log"]), shape(&endpoint["items"]));
        // The export itself is logged after the document is made.
        assert_eq!(exported[..], answered[..exported.len()]);
        assert!(exported.iter().all(|a| !a.contains("\"denied\"") && !a.contains("\"concern\"")), "{exported:?}");
    }

    // A consent between SOF and KFF is SOF's to export, not BIF's: it would
    // tell BIF of work it has no part in.
    let now = Utc::now();
    let between = json!({"purpose": "Samarbejde om bolig", "departments": ["sof", "kff"],
                         "given_at": now - Duration::days(1), "expires_at": now + Duration::days(30),
                         "document_reference": "2026-78"});
    ok(app.post_json(&format!("/api/v1/citizens/{c}/consents"), Some(&sof), &between).await).await;
    let of = |doc: &Value| -> Vec<String> {
        doc["consents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["document_reference"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(of(&ok(app.get(&export, Some(&bif)).await).await), ["2026-77"]);
    assert_eq!(of(&ok(app.get(&export, Some(&sof)).await).await), ["2026-77", "2026-78"]);
}
