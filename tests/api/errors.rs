//! Bad input is answered with the right status and an RFC 9457 problem.

use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": \"cw.bif\", ")
        .send()
        .await
        .unwrap();
    assert_problem(response, 400).await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413() {
    let app = spawn_app_with(&[("MEDBORGER_MAX_BODY_BYTES", "1024")]).await;
    let response =
        app.post_json("/api/v1/auth/login", None, &json!({"username": "cw.bif", "password": "x".repeat(2000)})).await;
    assert_problem(response, 413).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("username=cw.bif")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415).await;
}

#[tokio::test]
async fn unknown_fields_are_refused_by_name() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    // Mass assignment: a client may not set fields the API does not take.
    let response = app
        .post_json("/api/v1/admin/teams", Some(&admin), &json!({"department": "bif", "name": "X", "version": 99}))
        .await;
    let body = assert_problem(response, 422).await;
    assert_eq!(body["errors"][0]["field"], "version");
    assert_eq!(body["errors"][0]["code"], "unknown_field");

    let response = app.post_json("/api/v1/auth/login", None, &json!({"username": "cw.bif"})).await;
    let body = assert_problem(response, 422).await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "required");
}

/// Issue 11: a value of the wrong type is named by its path, not as `body`,
/// in a registration's flat record as in any other body.
#[tokio::test]
async fn a_wrong_type_names_the_field_by_its_path() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let admin = app.login("admin").await.access;
    let mut citizen = crate::cases::refugee("010190-1234", 5, &app);
    citizen["given_name"] = json!(5);
    let problem = assert_problem(app.post_json("/api/v1/citizens", Some(&bif), &citizen).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "given_name", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "invalid");
    citizen["given_name"] = json!("Amina");
    citizen["needs"] = json!(["danish", "work_identity", 7]);
    let problem = assert_problem(app.post_json("/api/v1/citizens", Some(&bif), &citizen).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "needs[2]", "{problem}");
    citizen["needs"] = json!(["danish"]);
    citizen["favourite_colour"] = json!("blue");
    let problem = assert_problem(app.post_json("/api/v1/citizens", Some(&bif), &citizen).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "favourite_colour", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    citizen.as_object_mut().unwrap().remove("favourite_colour");
    citizen["cpr"] = json!(101901234);
    let problem = assert_problem(app.post_json("/api/v1/citizens", Some(&bif), &citizen).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "cpr", "{problem}");
    // Nested: a programme's milestone rule.
    let programme = json!({"code": "sprogcafe", "name_da": "Sprogcafé", "name_en": "Language café", "department": "kff",
                           "milestone_rules": [{"code": "first_visit", "name_da": 1}]});
    let problem = assert_problem(app.post_json("/api/v1/admin/programmes", Some(&admin), &programme).await, 422).await;
    let field = problem["errors"][0]["field"].as_str().unwrap();
    assert!(field.starts_with("milestone_rules[0]"), "{problem}");
    // Not JSON at all, or JSON with trailing rubbish, is a 400.
    for broken in ["{\"given_name\": ", "{} {}"] {
        let response = app
            .client
            .post(app.url("/api/v1/citizens"))
            .bearer_auth(&bif)
            .header("content-type", "application/json")
            .body(broken)
            .send()
            .await
            .unwrap();
        assert_problem(response, 400).await;
    }
}

/// Issue 11 (F8): a query parameter of the wrong type, or one the route
/// does not take, is a 422 naming it.
#[tokio::test]
async fn a_wrong_query_parameter_is_named() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let problem = assert_problem(app.get("/api/v1/caseload?limit=abc", Some(&bif)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "limit", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "invalid");
    let problem = assert_problem(app.get("/api/v1/referrals?colour=blue", Some(&bif)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "colour", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "unknown_field");
    assert_eq!(app.get("/api/v1/caseload?limit=5", Some(&bif)).await.status(), 200);
}

#[tokio::test]
async fn an_invalid_id_in_a_path_is_a_404() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    for path in ["/api/v1/admin/users/not-a-uuid", "/api/v1/admin/teams/123"] {
        assert_problem(app.get(path, Some(&admin)).await, 404).await;
    }
}

#[tokio::test]
async fn an_unknown_route_is_a_404_and_a_wrong_method_a_405() {
    let app = spawn_app().await;
    assert_problem(app.get("/api/v1/nothing-here", None).await, 404).await;
    // Outside the API a GET is the web client's page (tests/api/web.rs);
    // another method there is still a 404.
    assert_problem(app.client.post(app.url("/")).send().await.unwrap(), 404).await;

    let response = app.client.delete(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    assert_problem(response, 405).await;
    let response = app.get("/api/v1/auth/login", None).await;
    assert_eq!(response.headers()["allow"], "POST");
    assert_problem(response, 405).await;
}

/// `/citizens/search` is a route of its own, not `/citizens/{id}` with the id
/// `search`: other methods there are 405 with only its own method allowed.
#[tokio::test]
async fn a_literal_route_is_not_taken_for_an_id() {
    let app = spawn_app().await;
    for method in ["PATCH", "GET", "OPTIONS"] {
        let response =
            app.client.request(method.parse().unwrap(), app.url("/api/v1/citizens/search")).send().await.unwrap();
        assert_eq!(response.headers()["allow"], "POST", "{method}");
        assert_problem(response, 405).await;
    }
}

#[tokio::test]
async fn a_clients_request_id_never_becomes_the_requests_id() {
    // Issue 10, door 12: the service names each request itself; a client's
    // id is only logged beside it (side_doors has the audit's side).
    let app = spawn_app().await;
    for sent in ["lb-1234-abcd", "has spaces and \"quotes\""] {
        let response = app.client.get(app.url("/healthz")).header("x-request-id", sent).send().await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, sent);
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    }
}

async fn panics() -> &'static str {
    panic!("a bug in a handler")
}

async fn fine() -> &'static str {
    "fine"
}

/// The outermost middleware turns a panic into a 500 problem, and the worker
/// lives on to serve the next requests.
#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let server = HttpServer::new(|| {
        App::new()
            .route("/panic", web::get().to(panics))
            .route("/fine", web::get().to(fine))
            .wrap(from_fn(medborger::telemetry::request_context))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let response = client.get(format!("http://127.0.0.1:{port}/panic")).send().await.unwrap();
        let body = assert_problem(response, 500).await;
        assert!(body.get("detail").is_none(), "no internal detail: {body}");
        assert!(!body.to_string().contains("a bug in a handler"));
    }
    let response = client.get(format!("http://127.0.0.1:{port}/fine")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "fine");
}

#[tokio::test]
async fn a_database_that_is_away_is_a_503_not_a_500() {
    // Nothing listens on port 1.
    let settings =
        settings_for("postgres://medborger_test_app:x@127.0.0.1:1/nowhere", &[("MEDBORGER_DB_POOL_TIMEOUT_MS", "500")]);
    let app = spawn_server(settings, String::new()).await;
    let response = app.try_login("cw.bif", DEMO_PASSWORD).await;
    let body: Value = assert_problem(response, 503).await;
    assert!(!body.to_string().contains("127.0.0.1"), "no internal detail: {body}");
}
