//! Citizens: registration, CPR handling, the record and search, by department.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

#[tokio::test]
async fn a_caseworker_registers_a_citizen_and_a_second_department_gains_an_involvement() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;

    let response = app.post_json("/api/v1/citizens", Some(&bif), &refugee("010190-1234", 100, &app)).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(response.headers()["etag"], "\"1\"");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let citizen: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/citizens/{}", id(&citizen)));
    assert_eq!(citizen["cpr_masked"], "010190-****");
    assert_eq!(citizen["birth_date"], "1990-01-01");
    assert_eq!(citizen["sex"], "female");
    assert_eq!(citizen["origin"]["group"], "indvandrer");
    assert_eq!(citizen["origin"]["region"], "ikke_vestlig");
    assert_eq!(citizen["origin"]["menapt"], true);
    assert_eq!(citizen["origin"]["etnisk_minoritetsbaggrund"], true);
    assert!(!citizen.to_string().contains("1234"), "the CPR's serial never appears");

    // SOF does not know the citizen…
    let (status, _) = get_json(&app, &location, &sof).await;
    assert_eq!(status, 404);
    // …until it registers the same CPR with a stated basis (issue 10): the
    // existing citizen, now involving SOF.
    let mut body = refugee("0101901234", 100, &app);
    body["basis"] = json!("citizen_present");
    let again = app.post_json("/api/v1/citizens", Some(&sof), &body).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(id(&again), id(&citizen));
    let (status, _) = get_json(&app, &location, &sof).await;
    assert_eq!(status, 200);

    assert_eq!(audit_count(&app, "create", &id(&citizen)).await, 1);
    assert_eq!(audit_count(&app, "denied", &id(&citizen)).await, 1);
    let stored: Vec<u8> = app.db().await.query_one("SELECT cpr_ciphertext FROM citizens", &[]).await.unwrap().get(0);
    assert!(!String::from_utf8_lossy(&stored).contains("0101901234"), "stored encrypted");
}

#[tokio::test]
async fn cpr_numbers_are_validated_by_date_and_century_but_not_by_modulus_11() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let cases = [
        ("010190-1238", 201, "passes modulus 11"),
        ("0101901235", 201, "fails modulus 11, issued since 2007"),
        ("290200-4234", 201, "29 February 2000 (7th digit 4, year 00 → 2000)"),
        ("290200-1234", 422, "29 February 1900 does not exist (7th digit 1 → 1900)"),
        ("320190-1234", 422, "no 32nd day"),
        ("011390-1234", 422, "no 13th month"),
        ("01019O-1234", 422, "a letter"),
        ("010190-123", 422, "too short"),
        ("010190-12345", 422, "too long"),
        ("0101-901234", 422, "dash in the wrong place"),
    ];
    for (cpr, status, why) in cases {
        let mut body = refugee(cpr, 100, &app);
        body["arrival_date"] = json!(null);
        body["visitation_date"] = json!(null);
        let response = app.post_json("/api/v1/citizens", Some(&bif), &body).await;
        assert_eq!(response.status().as_u16(), status, "{cpr}: {why}");
        if status == 422 {
            let problem = assert_problem(response, 422).await;
            assert_eq!(problem["errors"][0]["field"], "cpr", "{why}");
            assert!(!problem.to_string().contains(cpr), "the CPR is not echoed");
        }
    }
}

#[tokio::test]
async fn the_cpr_is_masked_unless_revealed_and_revealing_is_audited() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("150385-4321", 30, &app)).await;
    let path = format!("/api/v1/citizens/{}", id(&citizen));
    let record = get_ok(&app, &path, &bif).await;
    assert_eq!(record["cpr_masked"], "150385-****");
    assert_eq!(record["sex"], "male");
    // The whole record says so: the document's CitizenResponse tells the
    // two views apart by `view`.
    assert_eq!(record["view"], "full");

    let response = app.post_json(&format!("{path}/cpr"), Some(&bif), &json!({"purpose": "identity_check"})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let revealed: Value = response.json().await.unwrap();
    assert_eq!(revealed["cpr"], "150385-4321");
    assert_eq!(audit_count(&app, "reveal", &id(&citizen)).await, 1);
    // The purpose is recorded with the reveal, as a category.
    let reason: Option<String> = app
        .db()
        .await
        .query_one(
            "SELECT reason FROM audit_log WHERE action = 'reveal' AND citizen_id = $1",
            &[&id(&citizen).parse::<uuid::Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(reason.as_deref(), Some("identity_check"));

    // Without a purpose, or with one not on the list: 400, nothing shown,
    // no reveal recorded.
    let no_body = app.client.post(app.url(&format!("{path}/cpr"))).bearer_auth(&bif).send().await.unwrap();
    for response in [
        no_body,
        app.post_json(&format!("{path}/cpr"), Some(&bif), &json!({})).await,
        app.post_json(&format!("{path}/cpr"), Some(&bif), &json!({"purpose": "curiosity"})).await,
    ] {
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem = assert_problem(response, 400).await;
        assert!(problem["detail"].as_str().unwrap().contains("purpose"));
        assert!(!problem.to_string().contains("4321"));
    }
    assert_eq!(audit_count(&app, "reveal", &id(&citizen)).await, 1);

    // Another department cannot, and its attempt is recorded as denied.
    let kff = app.login("cw.kff").await.access;
    assert_problem(app.post_json(&format!("{path}/cpr"), Some(&kff), &json!({"purpose": "identity_check"})).await, 404)
        .await;
    assert_eq!(audit_count(&app, "reveal", &id(&citizen)).await, 1);
    assert_eq!(audit_count(&app, "denied", &id(&citizen)).await, 1);
    let logs = captured_logs();
    assert!(!logs.contains("150385-4321") && !logs.contains("1503854321"), "no CPR in the logs");
}

#[tokio::test]
async fn other_departments_find_nothing_of_a_citizen_they_are_not_involved_with() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let kff = app.login("cw.kff").await.access;
    let bif_only = register(&app, &bif, &refugee("010190-1234", 100, &app)).await;
    let mut sof_body = refugee("020291-2345", 100, &app);
    sof_body["family_name"] = json!("Sofsen");
    let sof_only = register(&app, &sof, &sof_body).await;
    enrol(&app, &bif, &id(&bif_only), json!({"programme_code": "jobdansk"})).await;

    for (token, hidden) in [(&sof, &bif_only), (&kff, &bif_only), (&bif, &sof_only)] {
        let path = format!("/api/v1/citizens/{}", id(hidden));
        assert_problem(app.get(&path, Some(token)).await, 404).await;
        assert_problem(app.get(&format!("{path}/enrolments"), Some(token)).await, 404).await;
        let patch = app.patch_json(&path, token, Some("\"1\""), &json!({"given_name": "X"})).await;
        assert_problem(patch, 404).await;
        let cpr = if id(hidden) == id(&bif_only) { "010190-1234" } else { "020291-2345" };
        let found: Value =
            app.post_json("/api/v1/citizens/search", Some(token), &json!({"cpr": cpr})).await.json().await.unwrap();
        assert_eq!(found["items"], json!([]), "CPR search");
        let name = hidden["family_name"].as_str().unwrap();
        let found: Value =
            app.post_json("/api/v1/citizens/search", Some(token), &json!({"name": name})).await.json().await.unwrap();
        assert_eq!(found["items"], json!([]), "name search");
    }
    let caseload = get_ok(&app, "/api/v1/caseload", &sof).await;
    assert_eq!(caseload["items"], json!([]));
    // Auditors and admins see no case content at all.
    for user in ["auditor", "admin"] {
        let token = app.login(user).await.access;
        let path = format!("/api/v1/citizens/{}", id(&bif_only));
        assert_problem(app.get(&path, Some(&token)).await, 403).await;
    }
}

#[tokio::test]
async fn search_finds_by_cpr_name_district_and_programme_and_audits_each_hit() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let a = register(&app, &bif, &refugee("010190-1234", 100, &app)).await;
    let mut other = refugee("020291-2345", 100, &app);
    other["family_name"] = json!("Hansen");
    other["district"] = json!("valby");
    let b = register(&app, &bif, &other).await;
    enrol(&app, &bif, &id(&b), json!({"programme_code": "jobdansk"})).await;

    let search = |body: Value| {
        let app = &app;
        let bif = bif.clone();
        async move {
            let response = app.post_json("/api/v1/citizens/search", Some(&bif), &body).await;
            assert_eq!(response.status(), 200, "{body}");
            let page: Value = response.json().await.unwrap();
            page["items"].as_array().unwrap().iter().map(id).collect::<Vec<_>>()
        }
    };
    assert_eq!(search(json!({"cpr": "0101901234"})).await, [id(&a)]);
    assert_eq!(search(json!({"name": "hans"})).await, [id(&b)]);
    assert_eq!(search(json!({"name": "amina"})).await.len(), 2);
    assert_eq!(search(json!({"district": "valby"})).await, [id(&b)]);
    assert_eq!(search(json!({"programme": "jobdansk"})).await, [id(&b)]);
    assert_eq!(search(json!({"name": "%"})).await, Vec::<String>::new(), "wildcards are literal");

    let page: Value = app
        .post_json("/api/v1/citizens/search", Some(&bif), &json!({"name": "amina", "limit": 1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next: Value = app
        .post_json("/api/v1/citizens/search", Some(&bif), &json!({"name": "amina", "limit": 1, "cursor": cursor}))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(next["items"][0]["id"], page["items"][0]["id"]);
    assert!(next.get("next_cursor").is_none());
    assert!(page["items"][0]["cpr_masked"].as_str().unwrap().ends_with("-****"));

    for bad in [json!({}), json!({"cpr": "010190-1234", "name": "x"}), json!({"cpr": "nonsense"})] {
        assert_problem(app.post_json("/api/v1/citizens/search", Some(&bif), &bad).await, 422).await;
    }
    assert_eq!(audit_count(&app, "search", &id(&a)).await, 3, "CPR, 'amina' and its first page");
}

#[tokio::test]
async fn updates_need_the_etag_and_recompute_the_origin() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 100, &app)).await;
    let path = format!("/api/v1/citizens/{}", id(&citizen));

    assert_problem(app.patch_json(&path, &bif, None, &json!({"phone": null})).await, 428).await;
    let change = json!({
        "country_of_birth": "DK", "citizenship": "DK",
        "mother_country_of_birth": "DK", "mother_citizenship": "DK",
        "phone": null
    });
    let response = app.patch_json(&path, &bif, Some("\"1\""), &change).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["origin"]["group"], "dansk_oprindelse");
    assert_eq!(updated["origin"]["etnisk_minoritetsbaggrund"], false);
    assert_eq!(updated["phone"], Value::Null);
    assert_eq!(updated["given_name"], "Amina", "untouched fields stay");

    assert_problem(app.patch_json(&path, &bif, Some("\"1\""), &json!({"given_name": "B"})).await, 412).await;
    assert_eq!(audit_count(&app, "update", &id(&citizen)).await, 1);

    // `If-Match: *` matches whatever is current (RFC 9110 §13.1.1).
    let any = app.patch_json(&path, &bif, Some("*"), &json!({"given_name": "Amira"})).await;
    assert_eq!(any.status(), 200);
    assert_eq!(any.headers()["etag"], "\"3\"");
    assert_problem(app.patch_json(&path, &bif, Some("not-a-tag"), &json!({"given_name": "C"})).await, 412).await;
    assert_eq!(audit_count(&app, "update", &id(&citizen)).await, 2);
}

#[tokio::test]
async fn bad_citizen_input_is_refused_with_the_field_named() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let base = refugee("010190-1234", 100, &app);
    let tomorrow = (today(&app) + chrono::Duration::days(1)).to_string();
    let cases: Vec<(&str, Value, u16)> = vec![
        ("unknown field", json!({"cpr_hash": "x"}), 422),
        ("oversize name", json!({"given_name": "x".repeat(201)}), 422),
        ("blank name", json!({"family_name": "  "}), 422),
        ("bad date", json!({"arrival_date": "2024-13-01"}), 422),
        ("future arrival", json!({"arrival_date": tomorrow}), 422),
        ("country name, not code", json!({"country_of_birth": "Syria"}), 422),
        ("unknown district", json!({"district": "aarhus"}), 422),
        ("bad language", json!({"preferred_language": "Arabic"}), 422),
        ("bad e-mail", json!({"email": "not-an-address"}), 422),
    ];
    for (why, change, status) in cases {
        let mut body = base.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let response = app.post_json("/api/v1/citizens", Some(&bif), &body).await;
        let problem = assert_problem(response, status).await;
        assert!(problem["errors"].as_array().is_some_and(|e| !e.is_empty()), "{why}: {problem}");
    }
}
