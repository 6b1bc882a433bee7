//! The programme catalogue.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

#[tokio::test]
async fn every_signed_in_user_reads_the_seeded_catalogue() {
    let app = spawn_app().await;
    let mentor = app.login("mentor.bif").await.access;
    let (status, list) = get_json(&app, "/api/v1/programmes", &mentor).await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    for code in [
        "kobenhavnermodellen",
        "ukraine_saerlov",
        "selvforsorgelsesprogram",
        "danskuddannelse",
        "jobdansk",
        "mentor",
        "perspektiv",
        "negativ_social_kontrol",
        "welcome_house",
        "helhedsorienteret_familieindsats",
        "housing_first",
        "fritidsguide",
        "kontingentstotte",
        "feriecamp",
        "aktive_born_i_forening",
        "bogstart",
        "geist",
        "diabetes_rehabilitering",
        "etnisk_ressourceteam",
        "green_teams",
    ] {
        assert!(codes.contains(&code), "{code} is in the catalogue");
    }
    let nsk = list.as_array().unwrap().iter().find(|p| p["code"] == "negativ_social_kontrol").unwrap();
    assert_eq!(nsk["department"], "sof");
    assert_eq!(nsk["restricted"], true);
    let km = list.as_array().unwrap().iter().find(|p| p["code"] == "kobenhavnermodellen").unwrap();
    assert_eq!(km["milestone_rules"].as_array().unwrap().len(), 5);
    assert_problem(app.get("/api/v1/programmes", None).await, 401).await;
}

#[tokio::test]
async fn admins_add_programmes_and_change_their_milestone_rules() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let body = json!({
        "code": "sprogcafe", "name_da": "Sprogcafé", "name_en": "Language café", "department": "kff",
        "milestone_rules": [{"code": "first_visit", "name_da": "Første besøg", "name_en": "First visit",
                             "anchor": "enrolment_start", "offset_days": 7}]
    });
    let response = app.post_json("/api/v1/admin/programmes", Some(&admin), &body).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["milestone_rules"][0]["offset_days"], 7);
    assert_problem(app.post_json("/api/v1/admin/programmes", Some(&admin), &body).await, 409).await;

    let path = "/api/v1/admin/programmes/sprogcafe";
    let change = json!({"milestone_rules": [{"code": "first_visit", "name_da": "Første besøg",
                         "name_en": "First visit", "anchor": "enrolment_start", "offset_days": 14}]});
    assert_problem(app.patch_json(path, &admin, None, &change).await, 428).await;
    let response = app.patch_json(path, &admin, Some("\"1\""), &change).await;
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["milestone_rules"][0]["offset_days"], 14);
    assert_eq!(updated["version"], 2);

    // The new rule sets the deadline of a new enrolment.
    let kff = app.login("cw.kff").await.access;
    let citizen = register(&app, &kff, &refugee("010190-1234", 30, &app)).await;
    let e = enrol(&app, &kff, &id(&citizen), json!({"programme_code": "sprogcafe"})).await;
    assert_eq!(milestone(&e, "first_visit")["due_date"], json!(today(&app) + chrono::Duration::days(14)));

    let bad = json!({"code": "Bad Code", "name_da": "x", "name_en": "x", "department": "kff"});
    assert_problem(app.post_json("/api/v1/admin/programmes", Some(&admin), &bad).await, 422).await;
    let cw = app.login("cw.bif").await.access;
    assert_problem(app.post_json("/api/v1/admin/programmes", Some(&cw), &body).await, 403).await;
}

#[tokio::test]
async fn an_enrolment_update_needs_the_current_etag() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let citizen = register(&app, &bif, &refugee("010190-1234", 30, &app)).await;
    let e = enrol(&app, &bif, &id(&citizen), json!({"programme_code": "jobdansk"})).await;
    let path = format!("/api/v1/enrolments/{}", id(&e));
    let cw2 = app.user_id("cw2.bif").await;
    assert_problem(app.patch_json(&path, &bif, None, &json!({"goals": "x"})).await, 428).await;
    let response = app
        .patch_json(&path, &bif, Some("\"1\""), &json!({"goals": "Job i detail", "responsible_caseworker_id": cw2}))
        .await;
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["responsible_caseworker_id"], json!(cw2));
    assert_problem(app.patch_json(&path, &bif, Some("\"1\""), &json!({"goals": "y"})).await, 412).await;
    let mentor = app.user_id("mentor.bif").await;
    let response = app.patch_json(&path, &bif, Some("\"2\""), &json!({"responsible_caseworker_id": mentor})).await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "responsible_caseworker_id");
}
