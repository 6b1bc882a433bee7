//! The authorisation matrix as data: route × demo user → expected status.
//! It runs twice: with the application's scope filters, and with them
//! switched off (a test-only setting), where row-level security alone must
//! give the same answers. Role checks (403) and field-level views (what a
//! mentor sees of a record) are the application's alone; they are marked.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

const ACTORS: [&str; 10] = [
    "cw.bif",
    "cw2.bif",
    "manager.bif",
    "mentor.bif",
    "mentor2.bif",
    "cw.sof",
    "specialist.sof",
    "cw.kff",
    "auditor",
    "admin",
];

/// (method, path, body, expected status per actor in ACTORS order).
/// {A}: a BIF citizen, {EA}: their enrolment mentored by mentor.bif;
/// {S}: a SOF citizen, {ES}: their enrolment, {R}: their restricted case.
/// 403s come from the policy table (roles); 404s from scope and RLS.
const MATRIX: &[(&str, &str, Option<&str>, [u16; 10])] = &[
    (
        "GET",
        "/api/v1/citizens/{A}",
        None,
        [200, 200, 200, 200, 404, 404, 404, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/citizens/{A}/enrolments",
        None,
        [200, 200, 200, 200, 404, 404, 404, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/enrolments/{EA}",
        None,
        [200, 200, 200, 200, 404, 404, 404, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/enrolments/{EA}/notes",
        None,
        [200, 200, 200, 200, 404, 404, 404, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/enrolments/{EA}/outcomes",
        None,
        [200, 200, 200, 403, 403, 404, 404, 404, 403, 403],
    ),
    (
        "POST",
        "/api/v1/citizens/{A}/cpr",
        Some("{}"),
        [200, 200, 200, 403, 403, 404, 404, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/citizens/{A}/access-log",
        None,
        [200, 200, 200, 403, 403, 404, 404, 404, 403, 403],
    ),
    (
        "POST",
        "/api/v1/enrolments/{EA}/notes",
        Some(r#"{"kind": "phone", "occurred_at": "2026-01-01T10:00:00Z", "text": "Matrix"}"#),
        [201, 201, 403, 201, 404, 404, 404, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/citizens/{S}",
        None,
        [404, 404, 404, 404, 404, 200, 200, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/enrolments/{ES}",
        None,
        [404, 404, 404, 404, 404, 200, 200, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/enrolments/{R}",
        None,
        [404, 404, 404, 404, 404, 404, 200, 404, 403, 403],
    ),
    (
        "GET",
        "/api/v1/enrolments/{R}/notes",
        None,
        [404, 404, 404, 404, 404, 404, 200, 404, 403, 403],
    ),
];

/// How many of citizen A / the restricted case each actor finds in lists:
/// (what, expected count per actor; None where the role may not ask).
const LISTS: &[(&str, [Option<usize>; 10])] = &[
    (
        "search for A by name",
        [
            Some(1),
            Some(1),
            Some(1),
            None,
            None,
            Some(0),
            Some(0),
            Some(0),
            None,
            None,
        ],
    ),
    (
        "A in the caseload",
        [
            Some(1),
            Some(0),
            Some(1),
            Some(1),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            None,
            None,
        ],
    ),
    (
        "the restricted case in the caseload",
        [
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(1),
            Some(0),
            None,
            None,
        ],
    ),
];

async fn run(unscoped: bool) -> usize {
    let overrides: &[(&str, &str)] = if unscoped {
        &[("MEDBORGER_TEST_ONLY_DISABLE_APP_SCOPE", "1")]
    } else {
        &[]
    };
    let app = spawn_app_with(overrides).await;
    let bif = app.login("cw.bif").await.access;
    let sof = app.login("cw.sof").await.access;
    let specialist = app.login("specialist.sof").await.access;
    let mut a = refugee("010190-1234", 30, &app);
    a["family_name"] = json!("Matrixsen");
    let a = register(&app, &bif, &a).await;
    let ea = enrol(&app, &bif, &id(&a), json!({"programme_code": "jobdansk"})).await;
    let mentor = app.user_id("mentor.bif").await;
    app.client
        .put(app.url(&format!("/api/v1/enrolments/{}/mentor", id(&ea))))
        .bearer_auth(&bif)
        .json(&json!({"mentor_id": mentor}))
        .send()
        .await
        .unwrap();
    let s = register(&app, &sof, &refugee("020291-2345", 30, &app)).await;
    let es = enrol(
        &app,
        &sof,
        &id(&s),
        json!({"programme_code": "housing_first"}),
    )
    .await;
    let restricted = enrol(
        &app,
        &specialist,
        &id(&s),
        json!({"programme_code": "negativ_social_kontrol"}),
    )
    .await;
    let fill = |path: &str| {
        path.replace("{A}", &id(&a))
            .replace("{EA}", &id(&ea))
            .replace("{S}", &id(&s))
            .replace("{ES}", &id(&es))
            .replace("{R}", &id(&restricted))
    };

    let mut cells = 0;
    let mut failures = Vec::new();
    for (i, user) in ACTORS.iter().enumerate() {
        let token = app.login(user).await.access;
        for (method, path, body, expected) in MATRIX {
            let mut req = app
                .client
                .request(method.parse().unwrap(), app.url(&fill(path)))
                .bearer_auth(&token);
            if let Some(body) = body {
                req = req
                    .header("content-type", "application/json")
                    .body(body.to_string());
            }
            let response = req.send().await.unwrap();
            let status = response.status().as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{user} {method} {path}: {status}, expected {}",
                    expected[i]
                ));
            }
            // Field level, the application's alone: a mentor never sees CPR or background.
            if !unscoped && *user == "mentor.bif" && *path == "/api/v1/citizens/{A}" {
                let body: Value = response.json().await.unwrap();
                if body.get("cpr_masked").is_some() || body.get("country_of_birth").is_some() {
                    failures.push("mentor.bif sees more than a mentor may".into());
                }
            }
            cells += 1;
        }
        for (what, expected) in LISTS {
            let found = match *what {
                "search for A by name" => {
                    let resp = app
                        .post_json(
                            "/api/v1/citizens/search",
                            Some(&token),
                            &json!({"name": "Matrixsen"}),
                        )
                        .await;
                    if resp.status() == 403 {
                        None
                    } else {
                        let page: Value = resp.json().await.unwrap();
                        Some(page["items"].as_array().unwrap().len())
                    }
                }
                _ => {
                    let resp = app.get("/api/v1/caseload?limit=200", Some(&token)).await;
                    if resp.status() == 403 {
                        None
                    } else {
                        let page: Value = resp.json().await.unwrap();
                        let target = if *what == "A in the caseload" {
                            id(&ea)
                        } else {
                            id(&restricted)
                        };
                        Some(
                            page["items"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .filter(|it| it["enrolment_id"] == json!(target))
                                .count(),
                        )
                    }
                }
            };
            if found != expected[i] {
                failures.push(format!(
                    "{user} {what}: {found:?}, expected {:?}",
                    expected[i]
                ));
            }
            cells += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong (unscoped: {unscoped}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    cells
}

#[tokio::test]
async fn the_matrix_holds_with_the_applications_checks() {
    assert_eq!(
        run(false).await,
        ACTORS.len() * (MATRIX.len() + LISTS.len())
    );
}

#[tokio::test]
async fn the_matrix_holds_with_row_level_security_alone() {
    assert_eq!(run(true).await, ACTORS.len() * (MATRIX.len() + LISTS.len()));
}
