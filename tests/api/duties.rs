//! Sessions and duties (issue 10, door 10): a password reset ends every
//! session, nobody changes their own roles or teams, nobody reviews their own
//! break-the-glass grant, and only the recording department withdraws a
//! consent.

use serde_json::{json, Value};

use crate::cases::*;
use crate::helpers::*;

async fn etag(app: &TestApp, path: &str, token: &str) -> String {
    app.get(path, Some(token)).await.headers()["etag"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn an_admins_password_reset_ends_every_session_of_the_user() {
    let app = spawn_app().await;
    // Two sessions, say the user's own and a thief's copy.
    let first = app.login("cw.bif").await;
    let second = app.login("cw.bif").await;
    let admin = app.login("admin").await.access;
    let path = format!("/api/v1/admin/users/{}", app.user_id("cw.bif").await);
    let tag = etag(&app, &path, &admin).await;
    let reset = app.patch_json(&path, &admin, Some(&tag), &json!({"password": "a new password for cw.bif"})).await;
    assert_eq!(reset.status(), 200);

    for tokens in [&first, &second] {
        // The refresh token taken before the reset no longer works…
        assert_problem(app.refresh(&tokens.refresh).await, 401).await;
        // …and neither does the access token.
        assert_problem(app.get("/api/v1/me", Some(&tokens.access)).await, 401).await;
    }
    let revoked: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM sessions s JOIN staff_users u ON u.id = s.user_id
              WHERE u.username = 'cw.bif' AND s.revoked_reason = 'password_reset'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(revoked, 2);
    // The new password signs in.
    app.login_with("cw.bif", "a new password for cw.bif").await;
}

async fn roles_and_teams(app: &TestApp, user: uuid::Uuid) -> (Vec<String>, String, i64) {
    let row = app
        .db()
        .await
        .query_one(
            "SELECT roles, department, (SELECT count(*) FROM staff_user_teams WHERE user_id = $1)
               FROM staff_users WHERE id = $1",
            &[&user],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test]
async fn nobody_changes_their_own_roles_teams_or_department() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let me = app.user_id("admin").await;
    let path = format!("/api/v1/admin/users/{me}");
    let tag = etag(&app, &path, &admin).await;
    let restricted: uuid::Uuid =
        app.db().await.query_one("SELECT id FROM teams WHERE restricted LIMIT 1", &[]).await.unwrap().get(0);
    let before = roles_and_teams(&app, me).await;
    for change in
        [json!({"roles": ["admin", "caseworker"]}), json!({"team_ids": [restricted]}), json!({"department": "sof"})]
    {
        let response = app.patch_json(&path, &admin, Some(&tag), &change).await;
        assert_problem(response, 403).await;
    }
    assert_eq!(roles_and_teams(&app, me).await, before);
    // The attempt is on record.
    let denied: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'denied'
               AND resource_type = 'staff_user' AND resource_id = $1",
            &[&me.to_string()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(denied, 3);
    // Their own name is still theirs to change.
    let renamed = app.patch_json(&path, &admin, Some(&tag), &json!({"full_name": "Ada Admin"})).await;
    assert_eq!(renamed.status(), 200);
}

#[tokio::test]
async fn nobody_reviews_their_own_break_the_glass_grant() {
    let app = spawn_app().await;
    let sof = app.login("cw.sof").await.access;
    let citizen = register(&app, &sof, &refugee("010190-1234", 30, &app)).await;
    // cw.bif is both caseworker and manager.
    app.db()
        .await
        .execute("UPDATE staff_users SET roles = '{caseworker,manager}' WHERE username = 'cw.bif'", &[])
        .await
        .unwrap();
    let both = app.login("cw.bif").await.access;
    let grant: Value = app
        .post_json(
            "/api/v1/access-grants",
            Some(&both),
            &json!({"citizen_id": id(&citizen), "reason": "Akut henvendelse; borgeren venter ved skranken"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/access-grants/{}/review", id(&grant));
    let own = app.post_json(&path, Some(&both), &json!({"comment": "Fint"})).await;
    assert_problem(own, 403).await;
    let reviewed: Option<uuid::Uuid> = app
        .db()
        .await
        .query_one("SELECT reviewed_by FROM access_grants WHERE id = $1", &[&id(&grant).parse::<uuid::Uuid>().unwrap()])
        .await
        .unwrap()
        .get(0);
    assert_eq!(reviewed, None);
    // Another manager of the department reviews it.
    let manager = app.login("manager.bif").await.access;
    let other = app.post_json(&path, Some(&manager), &json!({"comment": "Begrundet"})).await;
    assert_eq!(other.status(), 200);
}
