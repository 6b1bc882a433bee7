//! Login throttling (issue 10, door 9): attempts are counted before the
//! password is checked, by account and source, and password verifications
//! run under a bound.

use reqwest::StatusCode;
use serde_json::json;
use tokio::task::JoinSet;

use crate::helpers::*;

/// A login as if from `source`, through the header the proxy would set.
async fn login_from(app: &TestApp, source: Option<&str>, username: &str, password: &str) -> reqwest::Response {
    let mut req =
        app.client.post(app.url("/api/v1/auth/login")).json(&json!({"username": username, "password": password}));
    if let Some(s) = source {
        req = req.header("X-Forwarded-For", s);
    }
    req.send().await.unwrap()
}

/// Fires `logins` (username, password) at once; answers their statuses and
/// Retry-After headers.
async fn burst(app: &TestApp, logins: Vec<(String, String)>) -> Vec<(StatusCode, Option<String>)> {
    let mut set = JoinSet::new();
    for (username, password) in logins {
        let client = app.client.clone();
        let url = app.url("/api/v1/auth/login");
        set.spawn(async move {
            let r = client.post(url).json(&json!({"username": username, "password": password})).send().await.unwrap();
            let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
            (r.status(), retry)
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}

#[tokio::test]
async fn parallel_wrong_guesses_are_all_counted_and_none_slips_past_the_lock() {
    let app = spawn_app().await;
    let guesses = (0..20).map(|i| ("cw.bif".to_string(), format!("wrong guess number {i}"))).collect();
    let answers = burst(&app, guesses).await;
    let count = |s: u16| answers.iter().filter(|(st, _)| st.as_u16() == s).count();
    // Exactly the five free attempts got as far as a password check (a 503
    // is one that found every verification slot busy: counted, not checked).
    assert_eq!(count(401) + count(503), 5, "{answers:?}");
    assert_eq!(count(429), 15, "{answers:?}");
    assert!(answers.iter().filter(|(s, _)| s.as_u16() == 429).all(|(_, retry)| retry.is_some()));
    // Locked now: even the right password is refused.
    assert_problem(app.try_login("cw.bif", DEMO_PASSWORD).await, 429).await;
    let failures: i32 = app
        .db()
        .await
        .query_one("SELECT failures FROM login_throttle WHERE username = 'cw.bif'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(failures, 5);
}

#[tokio::test]
async fn a_user_locked_from_one_source_still_signs_in_from_another() {
    let app = spawn_app_with(&[("MEDBORGER_TRUSTED_PROXY_HEADER", "X-Forwarded-For")]).await;
    let attacker = "203.0.113.7";
    for _ in 0..5 {
        let r = login_from(&app, Some(attacker), "cw.bif", "the attacker's guess").await;
        assert_eq!(r.status(), 401);
    }
    let locked = login_from(&app, Some(attacker), "cw.bif", DEMO_PASSWORD).await;
    assert_problem(locked, 429).await;
    // A client cannot forge its way out: the proxy appends the address it
    // saw, and only the last entry counts.
    let forged = login_from(&app, Some(&format!("198.51.100.2, {attacker}")), "cw.bif", DEMO_PASSWORD).await;
    assert_problem(forged, 429).await;
    // The user at their own desk signs in.
    let user = login_from(&app, Some("198.51.100.2"), "cw.bif", DEMO_PASSWORD).await;
    assert_eq!(user.status(), 200);
}

#[tokio::test]
async fn without_a_trusted_proxy_the_forwarded_header_is_not_believed() {
    let app = spawn_app().await;
    for i in 0..5 {
        let source = format!("203.0.113.{i}");
        let r = login_from(&app, Some(&source), "cw.bif", "a guess").await;
        assert_eq!(r.status(), 401);
    }
    let other = login_from(&app, Some("198.51.100.2"), "cw.bif", DEMO_PASSWORD).await;
    assert_problem(other, 429).await;
}

#[tokio::test]
async fn password_verifications_run_under_a_bound_and_the_excess_gets_503() {
    let app =
        spawn_app_with(&[("MEDBORGER_PASSWORD_VERIFICATIONS", "1"), ("MEDBORGER_PASSWORD_QUEUE_WAIT_MS", "0")]).await;
    // Different (unknown) usernames, so throttling plays no part.
    let logins = (0..16).map(|i| (format!("nobody.{i}"), "some password".to_string())).collect();
    let answers = burst(&app, logins).await;
    let overloaded: Vec<_> = answers.iter().filter(|(s, _)| s.as_u16() == 503).collect();
    assert!(!overloaded.is_empty(), "{answers:?}");
    assert!(overloaded.iter().all(|(_, retry)| retry.as_deref() == Some("1")));
    assert!(answers.iter().any(|(s, _)| s.as_u16() == 401), "{answers:?}");
    assert!(answers.iter().all(|(s, _)| [401, 503].contains(&s.as_u16())));
    // Once the burst is over a login gets through.
    app.login("cw.bif").await;
}
