//! Audit completeness: each kind of request writes exactly its entries —
//! no fewer (an access unrecorded) and no more (noise that hides one).
//! Entries are matched to requests by the request id they carry.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

struct Steps<'a> {
    app: &'a TestApp,
    failures: Vec<String>,
    count: usize,
}

impl Steps<'_> {
    /// Sends a request and checks its status and the entries (action
    /// resource_type outcome) it left, in order. Returns the body.
    async fn check(
        &mut self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
        status: u16,
        expected: &[&str],
    ) -> Value {
        let mut req = self
            .app
            .client
            .request(method.parse().unwrap(), self.app.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let response = req.send().await.unwrap();
        let got_status = response.status().as_u16();
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let entries: Vec<String> = self
            .app
            .db()
            .await
            .query(
                "SELECT action || ' ' || resource_type || ' ' || outcome FROM audit_log
                  WHERE request_id = $1 ORDER BY id",
                &[&request_id],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        if got_status != status || entries != expected {
            self.failures.push(format!(
                "{method} {path}: {got_status} {entries:?}, expected {status} {expected:?}"
            ));
        }
        self.count += 1;
        body
    }
}

#[tokio::test]
async fn every_kind_of_request_writes_exactly_its_audit_entries() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let kff = app.login("cw.kff").await.access;
    let manager = app.login("manager.bif").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let auditor = app.login("auditor").await.access;
    let mentor = app.login("mentor.bif").await.access;
    let mut s = Steps {
        app: &app,
        failures: Vec::new(),
        count: 0,
    };
    let now = chrono::Utc::now();

    // Citizens.
    let a = s
        .check(
            &bif,
            "POST",
            "/api/v1/citizens",
            Some(refugee("010190-1234", 30, &app)),
            201,
            &["create citizen success"],
        )
        .await;
    let c = id(&a);
    let cit = format!("/api/v1/citizens/{c}");
    s.check(
        &sof,
        "POST",
        "/api/v1/citizens",
        Some(refugee("010190-1234", 30, &app)),
        200,
        &["read citizen success"],
    )
    .await;
    s.check(&bif, "GET", &cit, None, 200, &["read citizen success"])
        .await;
    s.check(&kff, "GET", &cit, None, 404, &["denied citizen denied"])
        .await;
    s.check(
        &bif,
        "POST",
        "/api/v1/citizens/search",
        Some(json!({"name": "Testesen"})),
        200,
        &["search citizen success"],
    )
    .await;
    s.check(
        &bif,
        "POST",
        &format!("{cit}/cpr"),
        Some(json!({})),
        200,
        &["reveal citizen_cpr success"],
    )
    .await;

    // Enrolments, milestones, notes, outcomes.
    let e = s
        .check(
            &bif,
            "POST",
            &format!("{cit}/enrolments"),
            Some(json!({"programme_code": "kobenhavnermodellen"})),
            201,
            &["create enrolment success"],
        )
        .await;
    let enr = format!("/api/v1/enrolments/{}", id(&e));
    s.check(
        &bif,
        "GET",
        &format!("{cit}/enrolments"),
        None,
        200,
        &["read enrolment success"],
    )
    .await;
    s.check(&bif, "GET", &enr, None, 200, &["read enrolment success"])
        .await;
    s.check(&sof, "GET", &enr, None, 404, &["denied enrolment denied"])
        .await;
    let mentor_id = app.user_id("mentor.bif").await;
    s.check(
        &bif,
        "PUT",
        &format!("{enr}/mentor"),
        Some(json!({"mentor_id": mentor_id})),
        200,
        &["update enrolment_mentor success"],
    )
    .await;
    let first = e["milestones"][0]["id"].as_str().unwrap().to_string();
    s.check(
        &mentor,
        "POST",
        &format!("{enr}/milestones/{first}/met"),
        Some(json!({"met_on": today(&app)})),
        200,
        &["update milestone success"],
    )
    .await;
    let note = json!({"kind": "meeting", "occurred_at": now, "text": "Samtale", "shared_with_mentor": true});
    s.check(
        &bif,
        "POST",
        &format!("{enr}/notes"),
        Some(note),
        201,
        &["create note success"],
    )
    .await;
    s.check(
        &mentor,
        "GET",
        &format!("{enr}/notes"),
        None,
        200,
        &["read note success"],
    )
    .await;
    let outcome = json!({"measurement_point": "start", "measured_on": today(&app), "employment_status": "unemployed",
                         "weekly_hours": 0, "self_supporting": false, "danish_level": "a1"});
    s.check(
        &bif,
        "POST",
        &format!("{enr}/outcomes"),
        Some(outcome),
        201,
        &["create outcome success"],
    )
    .await;
    s.check(
        &bif,
        "GET",
        &format!("{enr}/outcomes"),
        None,
        200,
        &["read outcome success"],
    )
    .await;
    s.check(
        &bif,
        "GET",
        "/api/v1/caseload",
        None,
        200,
        &["read caseload success"],
    )
    .await;

    // Consent, summaries, referrals.
    let consent = json!({"purpose": "Samarbejde", "departments": ["bif", "sof"], "given_at": now - chrono::Duration::days(1),
                         "expires_at": now + chrono::Duration::days(30), "document_reference": "2026-9"});
    let given = s
        .check(
            &bif,
            "POST",
            &format!("{cit}/consents"),
            Some(consent),
            201,
            &["create consent success"],
        )
        .await;
    s.check(
        &sof,
        "GET",
        &format!("{cit}/consents"),
        None,
        200,
        &["read consent success"],
    )
    .await;
    s.check(
        &sof,
        "GET",
        &format!("{cit}/enrolment-summaries"),
        None,
        200,
        &["read enrolment_summary success"],
    )
    .await;
    s.check(
        &bif,
        "POST",
        &format!("{cit}/consents/{}/withdraw", id(&given)),
        Some(json!({})),
        200,
        &["update consent success"],
    )
    .await;
    let referral = json!({"citizen_id": c, "programme_code": "housing_first", "reason": "Bolig", "legal_basis": "SEL § 107"});
    let r = s
        .check(
            &bif,
            "POST",
            "/api/v1/referrals",
            Some(referral),
            201,
            &["create referral success"],
        )
        .await;
    let refp = format!("/api/v1/referrals/{}", id(&r));
    s.check(
        &sof,
        "GET",
        "/api/v1/referrals",
        None,
        200,
        &["read referral success"],
    )
    .await;
    s.check(&sof, "GET", &refp, None, 200, &["read referral success"])
        .await;
    s.check(&kff, "GET", &refp, None, 404, &["denied referral denied"])
        .await;
    // The sender sees the referral but may not decide it.
    s.check(
        &bif,
        "POST",
        &format!("{refp}/accept"),
        Some(json!({})),
        403,
        &["denied referral denied"],
    )
    .await;
    s.check(
        &sof,
        "POST",
        &format!("{refp}/accept"),
        Some(json!({})),
        200,
        &["update referral success", "create enrolment success"],
    )
    .await;

    // Break-the-glass and its review.
    let reason = "Borgeren står i Borgerservice og har akut brug for hjælp";
    let grant = s
        .check(
            &kff,
            "POST",
            "/api/v1/access-grants",
            Some(json!({"citizen_id": c, "reason": reason})),
            201,
            &["break_glass citizen success"],
        )
        .await;
    s.check(&kff, "GET", &cit, None, 200, &["read citizen success"])
        .await;
    s.check(
        &manager,
        "POST",
        &format!("/api/v1/access-grants/{}/review", id(&grant)),
        Some(json!({"comment": "OK"})),
        404,
        &["denied access_grant denied"],
    )
    .await;

    // Concerns and restricted work.
    s.check(
        &bif,
        "POST",
        "/api/v1/concerns",
        Some(json!({"citizen_id": c, "text": "Bekymring"})),
        201,
        &["create concern success"],
    )
    .await;
    s.check(
        &specialist,
        "GET",
        "/api/v1/concerns",
        None,
        200,
        &["read concern success"],
    )
    .await;

    // The audit trail itself.
    s.check(
        &bif,
        "GET",
        &format!("{cit}/access-log"),
        None,
        200,
        &["read access_log success"],
    )
    .await;
    s.check(
        &auditor,
        "GET",
        "/api/v1/audit?limit=5",
        None,
        200,
        &["read audit_log success"],
    )
    .await;

    assert!(
        s.failures.is_empty(),
        "{} of {} requests audited wrongly:\n{}",
        s.failures.len(),
        s.count,
        s.failures.join("\n")
    );
}
