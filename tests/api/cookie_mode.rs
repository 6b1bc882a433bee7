//! The web client's HttpOnly refresh cookie mode (web/README.md, "The
//! contract with the Rust side", item 3).

use serde_json::{json, Value};

use crate::helpers::*;

const MODE: (&str, &str) = ("X-Medborger-Refresh", "cookie");

/// The `medborger_refresh` Set-Cookie of a response, whole.
fn set_cookie(response: &reqwest::Response) -> String {
    let cookies: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .filter(|v| v.starts_with("medborger_refresh="))
        .collect();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    cookies[0].to_string()
}

/// The cookie's value.
fn value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim_start_matches("medborger_refresh=").to_string()
}

async fn cookie_login(app: &TestApp) -> (String, String) {
    let response = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header(MODE.0, MODE.1)
        .json(&json!({"username": "cw.bif", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = set_cookie(&response);
    let body: Value = response.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    (body["access_token"].as_str().unwrap().to_string(), cookie)
}

async fn cookie_refresh(app: &TestApp, cookie: &str, with_header: bool) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("Cookie", format!("medborger_refresh={cookie}"))
        .json(&json!({}));
    if with_header {
        req = req.header(MODE.0, MODE.1);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn login_in_cookie_mode_sets_an_httponly_cookie_and_leaves_the_body_without_the_refresh_token() {
    let app = spawn_app().await;
    let (access, cookie) = cookie_login(&app).await;
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth", "Max-Age=43200"] {
        assert!(cookie.split("; ").any(|a| a == attribute), "{attribute} in {cookie}");
    }
    assert!(value(&cookie).len() >= 43);
    assert_eq!(app.get("/api/v1/me", Some(&access)).await.status(), 200);
    // JSON mode stays as it was for other clients.
    let json_mode = app.try_login("cw.bif", DEMO_PASSWORD).await;
    assert!(json_mode.headers().get("set-cookie").is_none());
    let body: Value = json_mode.json().await.unwrap();
    assert!(body["refresh_token"].is_string());
}

#[tokio::test]
async fn refresh_in_cookie_mode_reads_and_rotates_the_cookie_and_reuse_ends_the_session() {
    let app = spawn_app().await;
    let (_, first) = cookie_login(&app).await;
    let response = cookie_refresh(&app, &value(&first), true).await;
    assert_eq!(response.status(), 200);
    let second = set_cookie(&response);
    assert_ne!(value(&first), value(&second), "rotated");
    assert!(second.contains("HttpOnly"));
    let body: Value = response.json().await.unwrap();
    assert!(body.get("refresh_token").is_none());
    let access = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/me", Some(&access)).await.status(), 200);

    // The rotated cookie presented again: the whole session ends.
    assert_problem(cookie_refresh(&app, &value(&first), true).await, 401).await;
    assert_problem(cookie_refresh(&app, &value(&second), true).await, 401).await;
    assert_eq!(app.get("/api/v1/me", Some(&access)).await.status(), 401);
}

#[tokio::test]
async fn a_refresh_cookie_without_the_header_is_refused_as_cross_site() {
    let app = spawn_app().await;
    let (_, cookie) = cookie_login(&app).await;
    assert_problem(cookie_refresh(&app, &value(&cookie), false).await, 403).await;
    // The refusal used nothing up: with the header the same cookie works.
    assert_eq!(cookie_refresh(&app, &value(&cookie), true).await.status(), 200);
    // No cookie at all in cookie mode is simply not signed in.
    let none =
        app.client.post(app.url("/api/v1/auth/refresh")).header(MODE.0, MODE.1).json(&json!({})).send().await.unwrap();
    assert_problem(none, 401).await;
}

#[tokio::test]
async fn logout_clears_the_refresh_cookie() {
    let app = spawn_app().await;
    let (access, cookie) = cookie_login(&app).await;
    let response = app.client.post(app.url("/api/v1/auth/logout")).bearer_auth(&access).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let cleared = set_cookie(&response);
    assert_eq!(value(&cleared), "");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(cleared.contains("Path=/api/v1/auth"), "{cleared}");
    assert_problem(cookie_refresh(&app, &value(&cookie), true).await, 401).await;
}
