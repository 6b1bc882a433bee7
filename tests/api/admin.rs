//! Administering staff users and teams.

use serde_json::{json, Value};

use crate::helpers::*;

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/admin/users"),
    ("POST", "/api/v1/admin/users"),
    ("GET", "/api/v1/admin/users/00000000-0000-0000-0000-000000000000"),
    ("PATCH", "/api/v1/admin/users/00000000-0000-0000-0000-000000000000"),
    ("GET", "/api/v1/admin/teams"),
    ("POST", "/api/v1/admin/teams"),
    ("GET", "/api/v1/admin/teams/00000000-0000-0000-0000-000000000000"),
    ("PATCH", "/api/v1/admin/teams/00000000-0000-0000-0000-000000000000"),
];

#[tokio::test]
async fn nobody_but_an_admin_may_use_the_admin_routes() {
    let app = spawn_app().await;
    for user in ["cw.bif", "manager.bif", "auditor", "mentor.bif", "specialist.sof"] {
        let token = app.login(user).await.access;
        for (method, path) in ADMIN_ROUTES {
            let response = app
                .client
                .request(method.parse().unwrap(), app.url(path))
                .bearer_auth(&token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{user} {method} {path}");
            assert_problem(response, 403).await;
        }
    }
    // Without a token: 401, not 403.
    assert_problem(app.get("/api/v1/admin/users", None).await, 401).await;
    // Denials are audited.
    let denied = app.audit_entries().await.into_iter().filter(|(a, o, _, _)| a == "denied" && o == "denied").count();
    assert_eq!(denied, 5 * ADMIN_ROUTES.len());
}

async fn team_id(app: &TestApp, name: &str) -> uuid::Uuid {
    app.db().await.query_one("SELECT id FROM teams WHERE name = $1", &[&name]).await.unwrap().get(0)
}

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_sign_in() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let team = team_id(&app, "Mentorkorps").await;
    let response = app
        .post_json(
            "/api/v1/admin/users",
            Some(&admin),
            &json!({
                "username": "new.mentor",
                "full_name": "  Ny Mentor  ",
                "department": "bif",
                "roles": ["mentor", "mentor"],
                "team_ids": [team],
                "password": "a long enough passphrase"
            }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let user: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/admin/users/{}", user["id"].as_str().unwrap()));
    assert_eq!(user["full_name"], "Ny Mentor");
    assert_eq!(user["roles"], json!(["mentor"]));
    assert_eq!(user["team_ids"], json!([team]));
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());

    let fetched: Value = app.get(&location, Some(&admin)).await.json().await.unwrap();
    assert_eq!(fetched, user);

    let tokens = app.login_with("new.mentor", "a long enough passphrase").await;
    let me: Value = app.get("/api/v1/me", Some(&tokens.access)).await.json().await.unwrap();
    assert_eq!(me["teams"][0]["name"], "Mentorkorps");

    // The stored hash is argon2id with OWASP's parameters.
    let hash: String = app
        .db()
        .await
        .query_one("SELECT password_hash FROM staff_users WHERE username = 'new.mentor'", &[])
        .await
        .unwrap()
        .get(0);
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");

    let taken = app
        .post_json(
            "/api/v1/admin/users",
            Some(&admin),
            &json!({"username": "new.mentor", "full_name": "X", "department": "bif",
                    "roles": ["mentor"], "password": "another long passphrase"}),
        )
        .await;
    assert_problem(taken, 409).await;
}

#[tokio::test]
async fn invalid_users_are_refused_naming_every_bad_field() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let response = app
        .post_json(
            "/api/v1/admin/users",
            Some(&admin),
            &json!({"username": "Bad Name!", "full_name": "", "department": "bif",
                    "roles": [], "password": "short"}),
        )
        .await;
    let body = assert_problem(response, 422).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["username", "full_name", "roles", "password"]);

    // 12 characters is enough, and there are no composition rules; 257 is too many.
    for (password, status) in [("aaaaaaaaaaaa", 201), (&"x".repeat(257)[..], 422), ("elevenchars", 422)] {
        let response = app
            .post_json(
                "/api/v1/admin/users",
                Some(&admin),
                &json!({"username": format!("u{}", password.len()), "full_name": "X",
                        "department": "kff", "roles": ["caseworker"], "password": password}),
            )
            .await;
        assert_eq!(response.status(), status, "password of {} characters", password.len());
    }

    // A team of another department.
    let sof_team = team_id(&app, "Etnisk Konsulentteam").await;
    let response = app
        .post_json(
            "/api/v1/admin/users",
            Some(&admin),
            &json!({"username": "sneaky", "full_name": "X", "department": "bif",
                    "roles": ["caseworker"], "team_ids": [sof_team],
                    "password": "a long enough passphrase"}),
        )
        .await;
    let body = assert_problem(response, 422).await;
    assert_eq!(body["errors"][0]["field"], "team_ids");
}

#[tokio::test]
async fn updates_need_the_current_etag() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let id = app.user_id("cw.kff").await;
    let path = format!("/api/v1/admin/users/{id}");

    let missing = app.patch_json(&path, &admin, None, &json!({"full_name": "A"})).await;
    assert_problem(missing, 428).await;

    let etag = app.get(&path, Some(&admin)).await.headers()["etag"].to_str().unwrap().to_string();
    let first = app.patch_json(&path, &admin, Some(&etag), &json!({"full_name": "A"})).await;
    assert_eq!(first.status(), 200);
    assert_ne!(first.headers()["etag"].to_str().unwrap(), etag);

    let stale = app.patch_json(&path, &admin, Some(&etag), &json!({"full_name": "B"})).await;
    assert_problem(stale, 412).await;
    let user: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
    assert_eq!(user["full_name"], "A");

    let unknown = app
        .patch_json(
            "/api/v1/admin/users/00000000-0000-0000-0000-000000000000",
            &admin,
            Some("\"1\""),
            &json!({"full_name": "A"}),
        )
        .await;
    assert_problem(unknown, 404).await;
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let id = app.user_id("admin").await;
    let path = format!("/api/v1/admin/users/{id}");
    let etag = app.get(&path, Some(&admin)).await.headers()["etag"].to_str().unwrap().to_string();
    assert_problem(app.patch_json(&path, &admin, Some(&etag), &json!({"active": false})).await, 409).await;
    // Changing one's own roles is refused outright (issue 10, door 10).
    assert_problem(app.patch_json(&path, &admin, Some(&etag), &json!({"roles": ["auditor"]})).await, 403).await;
}

#[tokio::test]
async fn users_are_listed_a_page_at_a_time() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/admin/users?limit=3&cursor={c}"),
            None => "/api/v1/admin/users?limit=3".to_string(),
        };
        let page: Value = app.get(&path, Some(&admin)).await.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|u| u["username"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mut expected: Vec<String> = medborger::seed::demo_usernames().iter().map(|s| s.to_string()).collect();
    let mut sorted = seen.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "every user exactly once");

    assert_problem(app.get("/api/v1/admin/users?limit=0", Some(&admin)).await, 422).await;
    assert_problem(app.get("/api/v1/admin/users?limit=201", Some(&admin)).await, 422).await;
    assert_problem(app.get("/api/v1/admin/users?cursor=bogus", Some(&admin)).await, 422).await;
    let problem = assert_problem(app.get("/api/v1/admin/users?offset=3", Some(&admin)).await, 422).await;
    assert_eq!(problem["errors"][0]["field"], "offset");
}

#[tokio::test]
async fn teams_are_created_renamed_and_deactivated() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let response = app
        .post_json(
            "/api/v1/admin/teams",
            Some(&admin),
            &json!({"department": "buf", "name": "GEIST Team", "restricted": false}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let team: Value = response.json().await.unwrap();
    let path = format!("/api/v1/admin/teams/{}", team["id"].as_str().unwrap());

    let dup =
        app.post_json("/api/v1/admin/teams", Some(&admin), &json!({"department": "buf", "name": "GEIST Team"})).await;
    assert_problem(dup, 409).await;

    let renamed = app.patch_json(&path, &admin, Some("\"1\""), &json!({"name": "GEIST", "active": false})).await;
    assert_eq!(renamed.status(), 200);
    let team: Value = renamed.json().await.unwrap();
    assert_eq!(team["name"], "GEIST");
    assert_eq!(team["active"], false);

    let list: Value = app.get("/api/v1/admin/teams", Some(&admin)).await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().iter().any(|t| t["name"] == "GEIST"));

    let bad = app.post_json("/api/v1/admin/teams", Some(&admin), &json!({"department": "xyz", "name": "A"})).await;
    assert_problem(bad, 422).await;
}

#[tokio::test]
async fn making_a_team_unrestricted_invalidates_its_members_tokens() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let specialist = app.login("specialist.sof").await;
    let bystander = app.login("cw.sof").await;
    let team = team_id(&app, "Etnisk Konsulentteam").await;
    let response = app
        .patch_json(&format!("/api/v1/admin/teams/{team}"), &admin, Some("\"1\""), &json!({"restricted": false}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.get("/api/v1/me", Some(&specialist.access)).await.status(), 401);
    assert_eq!(app.get("/api/v1/me", Some(&bystander.access)).await.status(), 200);
}

#[tokio::test]
async fn every_admin_change_is_audited() {
    let app = spawn_app().await;
    let admin_token = app.login("admin").await.access;
    let admin_id = app.user_id("admin").await;
    let response = app
        .post_json("/api/v1/admin/teams", Some(&admin_token), &json!({"department": "tmf", "name": "Green Teams"}))
        .await;
    let team: Value = response.json().await.unwrap();
    app.patch_json(
        &format!("/api/v1/admin/teams/{}", team["id"].as_str().unwrap()),
        &admin_token,
        Some("\"1\""),
        &json!({"active": false}),
    )
    .await;
    let id = app.user_id("cw.kff").await;
    app.patch_json(&format!("/api/v1/admin/users/{id}"), &admin_token, Some("\"1\""), &json!({"full_name": "Omdøbt"}))
        .await;

    let rows = app
        .db()
        .await
        .query(
            "SELECT action, resource_type, resource_id, actor_id, actor_department, request_id, reason
             FROM audit_log WHERE resource_type IN ('team', 'staff_user') AND actor_id IS NOT NULL ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    let got: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        got,
        [
            ("create".to_string(), "team".to_string()),
            ("deactivate".into(), "team".into()),
            ("update".into(), "staff_user".into())
        ]
    );
    for row in &rows {
        assert_eq!(row.get::<_, Option<uuid::Uuid>>(3), Some(admin_id));
        assert_eq!(row.get::<_, Option<String>>(4).as_deref(), Some("okf"));
        assert!(row.get::<_, Option<String>>(5).is_some(), "request id recorded");
    }
    assert_eq!(rows[2].get::<_, Option<String>>(6).as_deref(), Some("changed: full_name"));
    assert_eq!(rows[2].get::<_, Option<String>>(2), Some(id.to_string()));
}

#[tokio::test]
async fn the_staff_list_names_colleagues_of_the_own_department_only() {
    let app = spawn_app().await;
    let bif = app.login("cw.bif").await.access;
    let names = |page: &Value| -> Vec<String> {
        let mut names: Vec<String> =
            page["items"].as_array().unwrap().iter().map(|s| s["full_name"].as_str().unwrap().to_string()).collect();
        names.sort();
        names
    };
    let get = |path: String, token: String| {
        let app = &app;
        async move {
            let response = app.get(&path, Some(&token)).await;
            assert_eq!(response.status(), 200, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };

    // The mentors to pick from: BIF's, and nobody else's.
    let mentors = get("/api/v1/staff?role=mentor".into(), bif.clone()).await;
    assert_eq!(names(&mentors), ["Demo Mentor BIF", "Demo Mentor To BIF"]);
    assert!(mentors["items"][0].get("username").is_none());

    // Names for ids: a SOF colleague's id is left out for BIF.
    let (mentor, sof) = (app.user_id("mentor.bif").await, app.user_id("cw.sof").await);
    let named = get(format!("/api/v1/staff?ids={mentor},{sof}"), bif.clone()).await;
    assert_eq!(names(&named), ["Demo Mentor BIF"]);
    let sof_token = app.login("cw.sof").await.access;
    let theirs = get(format!("/api/v1/staff?ids={mentor},{sof}"), sof_token).await;
    assert_eq!(names(&theirs), ["Demo Sagsbehandler SOF"]);

    // Paged, bounded, and audited as a search.
    let first = get("/api/v1/staff?limit=1".into(), bif.clone()).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert!(first["next_cursor"].is_string());
    assert_problem(app.get("/api/v1/staff?ids=nope", Some(&bif)).await, 422).await;
    let admin = app.login("admin").await.access;
    assert_problem(app.get("/api/v1/staff", Some(&admin)).await, 403).await;
    let searches = app
        .audit_entries()
        .await
        .into_iter()
        .filter(|(action, outcome, _, resource)| action == "search" && resource == "staff_user" && outcome == "success")
        .count();
    assert_eq!(searches, 4, "one entry per page read, none for a refused one");
}
