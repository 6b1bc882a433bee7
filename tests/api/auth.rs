//! Signing in and out, tokens, throttling, and changes that take effect at once.

use std::time::Instant;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use medborger::tokens::{Claims, TokenKeys};
use serde_json::{json, Value};

use crate::helpers::*;

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get("/api/v1/me", Some(token)).await.status().as_u16()
}

#[tokio::test]
async fn a_demo_user_signs_in_and_sees_themselves() {
    let app = spawn_app().await;
    let response = app.try_login("cw.bif", DEMO_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    let expires_in = body["expires_in"].as_i64().unwrap();
    assert!((1..=900).contains(&expires_in), "access tokens live at most 15 minutes");
    assert!(body["refresh_token"].as_str().unwrap().len() >= 43);

    let me: Value = app.get("/api/v1/me", body["access_token"].as_str()).await.json().await.unwrap();
    assert_eq!(me["username"], "cw.bif");
    assert_eq!(me["department"], "bif");
    assert_eq!(me["roles"], json!(["caseworker"]));
    assert_eq!(me["teams"][0]["name"], "Jobcenter København, Integration");
    assert!(me.get("password_hash").is_none());
}

#[tokio::test]
async fn usernames_are_case_insensitive() {
    let app = spawn_app().await;
    assert_eq!(app.try_login("CW.BIF", DEMO_PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_cannot_be_told_apart() {
    let app = spawn_app().await;
    let mut bodies = Vec::new();
    let mut timings = Vec::new();
    for username in ["cw.bif", "no.such.user"] {
        // The fastest of three, so that a busy machine does not decide.
        let mut fastest = std::time::Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            let response = app.try_login(username, "not the right password").await;
            fastest = fastest.min(started.elapsed());
            let mut body = assert_problem(response, 401).await;
            body.as_object_mut().unwrap().remove("request_id");
            bodies.push(body);
        }
        timings.push(fastest);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "same status and body");
    // Both verify one argon2 hash; a missing verification would be ~100× faster.
    let (a, b) = (timings[0].as_secs_f64(), timings[1].as_secs_f64());
    assert!(a / b < 5.0 && b / a < 5.0, "comparable timing: {a:.3}s vs {b:.3}s");
}

#[tokio::test]
async fn repeated_failures_lock_the_username_for_a_while_but_not_forever() {
    let app = spawn_app().await;
    for attempt in 1..=5 {
        let response = app.try_login("cw.bif", "wrong password, attempt").await;
        assert_eq!(response.status(), 401, "attempt {attempt} is only refused");
    }
    // Now locked: even the right password is refused, with a hint when to retry.
    let locked = app.try_login("cw.bif", DEMO_PASSWORD).await;
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after));
    assert_problem(locked, 429).await;
    // Other users are not affected.
    assert_eq!(app.try_login("cw2.bif", DEMO_PASSWORD).await.status(), 200);

    app.clock.advance(Duration::seconds(31));
    // One more failure doubles the lock…
    assert_eq!(app.try_login("cw.bif", "wrong again").await.status(), 401);
    let locked = app.try_login("cw.bif", DEMO_PASSWORD).await;
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((31..=60).contains(&retry_after), "doubled: {retry_after}");

    // …and the lock never outlasts 15 minutes after the last failure.
    app.clock.advance(Duration::minutes(15));
    app.login("cw.bif").await;
}

#[tokio::test]
async fn unknown_usernames_are_throttled_like_known_ones() {
    let app = spawn_app().await;
    for _ in 1..=5 {
        assert_eq!(app.try_login("ghost.user", "whatever password").await.status(), 401);
    }
    assert_problem(app.try_login("ghost.user", "whatever password").await, 429).await;
}

/// Decodes the claims of one of our tokens (the test trusts it).
fn decode_claims(token: &str) -> Claims {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn forged_expired_and_misaddressed_tokens_are_refused() {
    let app = spawn_app().await;
    let tokens = app.login("cw.bif").await;
    let real = decode_claims(&tokens.access);
    let keys = TokenKeys::new(&app.settings.auth).unwrap();

    // The genuine claims re-signed with our key work: the test is sound.
    assert_eq!(me_status(&app, &keys.sign(&real).unwrap()).await, 200);

    let other_key = crate::helpers::settings_for("postgres://x@127.0.0.1/x", &[]);
    let other_keys = TokenKeys::new(&other_key.auth).unwrap();
    let mut wrong_aud = real.clone();
    wrong_aud.aud = "some-other-service".into();
    let mut wrong_iss = real.clone();
    wrong_iss.iss = "https://evil.example".into();
    let mut expired = real.clone();
    expired.iat -= 3600;
    expired.exp = expired.iat + 600;
    let mut long_lived = real.clone();
    long_lived.exp = long_lived.iat + 24 * 3600;

    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"at+jwt"}"#);
    let body = tokens.access.split('.').nth(1).unwrap();
    let alg_none = format!("{header_none}.{body}.");
    let header_hs = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"at+jwt"}"#);
    let alg_hs256 = format!("{header_hs}.{body}.{}", URL_SAFE_NO_PAD.encode([0u8; 32]));

    // A token the service has verified (and keeps as verified), with one
    // character of its signature changed.
    assert_eq!(me_status(&app, &tokens.access).await, 200);
    let at = tokens.access.len() - 10;
    let changed = if &tokens.access[at..=at] == "A" { "B" } else { "A" };
    let altered = format!("{}{changed}{}", &tokens.access[..at], &tokens.access[at + 1..]);

    let cases = [
        ("a verified token with its signature changed", altered),
        ("signed with another key", other_keys.sign(&real).unwrap()),
        ("alg none", alg_none),
        ("alg HS256", alg_hs256),
        ("wrong audience", keys.sign(&wrong_aud).unwrap()),
        ("wrong issuer", keys.sign(&wrong_iss).unwrap()),
        ("expired", keys.sign(&expired).unwrap()),
        ("lifetime over 15 minutes", keys.sign(&long_lived).unwrap()),
        ("a refresh token", tokens.refresh.clone()),
        ("garbage", "not-a-token".into()),
    ];
    for (what, token) in cases {
        let response = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(response.status(), 401, "{what}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
        assert_problem(response, 401).await;
    }
    assert_problem(app.get("/api/v1/me", None).await, 401).await;
}

#[tokio::test]
async fn an_access_token_expires_with_the_clock() {
    let app = spawn_app().await;
    let tokens = app.login("cw.bif").await;
    assert_eq!(me_status(&app, &tokens.access).await, 200);
    app.clock.advance(Duration::minutes(15));
    assert_eq!(me_status(&app, &tokens.access).await, 401);
    // The refresh token still gets a new one.
    let response = app.refresh(&tokens.refresh).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(me_status(&app, body["access_token"].as_str().unwrap()).await, 200);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_ends_the_session() {
    let app = spawn_app().await;
    let first = app.login("mentor.bif").await;

    let response = app.refresh(&first.refresh).await;
    assert_eq!(response.status(), 200);
    let second: Value = response.json().await.unwrap();
    let second_refresh = second["refresh_token"].as_str().unwrap().to_string();
    let second_access = second["access_token"].as_str().unwrap().to_string();
    assert_ne!(second_refresh, first.refresh);
    assert_eq!(me_status(&app, &second_access).await, 200);

    // The rotated token is dead; presenting it revokes the whole session.
    assert_problem(app.refresh(&first.refresh).await, 401).await;
    assert_problem(app.refresh(&second_refresh).await, 401).await;
    assert_eq!(me_status(&app, &second_access).await, 401);
    assert_eq!(me_status(&app, &first.access).await, 401);

    // Other sessions of the same user are untouched.
    let other = app.login("mentor.bif").await;
    assert_eq!(me_status(&app, &other.access).await, 200);

    let entries = app.audit_entries().await;
    assert!(entries.iter().any(|(a, o, _, _)| a == "refresh_reuse" && o == "denied"));
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = spawn_app().await;
    let tokens = app.login("cw.bif").await;
    let response = app.post_json("/api/v1/auth/logout", Some(&tokens.access), &json!({})).await;
    assert_eq!(response.status(), 204);
    assert_eq!(me_status(&app, &tokens.access).await, 401);
    assert_problem(app.refresh(&tokens.refresh).await, 401).await;
}

#[tokio::test]
async fn a_deactivated_user_is_refused_on_the_very_next_request() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let user = app.login("cw.bif").await;
    assert_eq!(me_status(&app, &user.access).await, 200);

    let id = app.user_id("cw.bif").await;
    let path = format!("/api/v1/admin/users/{id}");
    let etag = app.get(&path, Some(&admin.access)).await.headers()["etag"].to_str().unwrap().to_string();
    let response = app.patch_json(&path, &admin.access, Some(&etag), &json!({"active": false})).await;
    assert_eq!(response.status(), 200);

    assert_eq!(me_status(&app, &user.access).await, 401);
    assert_problem(app.refresh(&user.refresh).await, 401).await;
    let login = app.try_login("cw.bif", DEMO_PASSWORD).await;
    assert_problem(login, 401).await;
}

#[tokio::test]
async fn a_role_change_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    let user = app.login("manager.bif").await;
    assert_eq!(app.get("/api/v1/admin/users", Some(&user.access)).await.status(), 403);

    let id = app.user_id("manager.bif").await;
    let path = format!("/api/v1/admin/users/{id}");
    let etag = app.get(&path, Some(&admin.access)).await.headers()["etag"].to_str().unwrap().to_string();
    let response = app.patch_json(&path, &admin.access, Some(&etag), &json!({"roles": ["manager", "admin"]})).await;
    assert_eq!(response.status(), 200);

    // The old token described the old roles: refused, and a refresh gets current ones.
    assert_eq!(me_status(&app, &user.access).await, 401);
    let refreshed: Value = app.refresh(&user.refresh).await.json().await.unwrap();
    let access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/v1/admin/users", Some(access)).await.status(), 200);
    assert_eq!(decode_claims(access).roles, vec!["manager", "admin"]);
}

/// Issue 13 checks the session in the round trip that opens the request's
/// transaction, not in a query of its own: a token whose session has ended
/// must still be refused on every kind of route (a read, a list, a write
/// with an Idempotency-Key, a route the role may not use, an id that does
/// not exist), 401 each time, and leave no row and no audit entry behind.
/// The user's other session goes on working until the user is deactivated.
#[tokio::test]
async fn an_ended_session_is_refused_on_every_kind_of_route_and_leaves_nothing() {
    let app = spawn_app().await;
    let ended = app.login("cw.bif").await.access;
    let other = app.login("cw.bif").await.access;
    let citizen =
        crate::cases::id(&crate::cases::register(&app, &other, &crate::cases::refugee("010190-1234", 5, &app)).await);
    let enrolment = crate::cases::id(
        &crate::cases::enrol(&app, &other, &citizen, json!({"programme_code": "kobenhavnermodellen"})).await,
    );
    let citizen_path = format!("/api/v1/citizens/{citizen}");
    assert_eq!(app.get(&citizen_path, Some(&ended)).await.status(), 200);
    let logout = app.post_json("/api/v1/auth/logout", Some(&ended), &json!({})).await;
    assert_eq!(logout.status(), 204);

    let db = app.db().await;
    let rows = |table: &'static str| {
        let db = &db;
        async move { db.query_one(&format!("SELECT count(*) FROM {table}"), &[]).await.unwrap().get::<_, i64>(0) }
    };
    let (audit, notes) = (rows("audit_log").await, rows("notes").await);
    let note = json!({"kind": "phone", "occurred_at": chrono::Utc::now(), "text": "Ringede"});
    let refused = [
        ("read", app.get(&citizen_path, Some(&ended)).await),
        ("list", app.get("/api/v1/caseload?limit=50", Some(&ended)).await),
        ("unknown id", app.get(&format!("/api/v1/citizens/{}", uuid::Uuid::new_v4()), Some(&ended)).await),
        ("another role's route", app.get("/api/v1/reports/caseload", Some(&ended)).await),
        ("me", app.get("/api/v1/me", Some(&ended)).await),
        (
            "write",
            app.client
                .post(app.url(&format!("/api/v1/enrolments/{enrolment}/notes")))
                .bearer_auth(&ended)
                .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                .json(&note)
                .send()
                .await
                .unwrap(),
        ),
    ];
    for (what, response) in refused {
        let problem = assert_problem(response, 401).await;
        assert!(!problem.to_string().contains(&citizen), "{what}: {problem}");
    }
    assert_eq!(rows("audit_log").await, audit, "an ended session leaves no audit entry");
    assert_eq!(rows("notes").await, notes, "an ended session writes nothing");

    // The user's other session is untouched, until the user is deactivated.
    assert_eq!(app.get(&citizen_path, Some(&other)).await.status(), 200);
    let admin = app.login("admin").await;
    let user_path = format!("/api/v1/admin/users/{}", app.user_id("cw.bif").await);
    let etag = app.get(&user_path, Some(&admin.access)).await.headers()["etag"].to_str().unwrap().to_string();
    let deactivated = app.patch_json(&user_path, &admin.access, Some(&etag), &json!({"active": false})).await;
    assert_eq!(deactivated.status(), 200);
    assert_problem(app.get(&citizen_path, Some(&other)).await, 401).await;
    assert_problem(app.get("/api/v1/caseload?limit=50", Some(&other)).await, 401).await;
}
