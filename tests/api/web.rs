//! The web client is served by the same binary: its page for every client
//! route, its files with the right types, security headers on everything,
//! and the API's 404s unchanged.

use crate::helpers::*;

fn built_client() -> String {
    std::fs::read_to_string("web/dist/index.html")
        .expect("web/dist is missing: build the web client first (scripts/test and scripts/run do)")
}

#[tokio::test]
async fn the_client_is_served_at_the_root_and_for_its_own_routes() {
    let app = spawn_app().await;
    let index = built_client();
    for path in ["/", "/sagsstamme", "/borgere/01a2370b-abf0-73ae-a6a8-bcb6839fb3c1"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_eq!(headers["cache-control"], "no-cache");
        assert_eq!(response.text().await.unwrap(), index, "{path}");
    }
    // A file of the build, by the name index.html refers to.
    let script = index
        .split('"')
        .find(|s| s.starts_with("/assets/") && s.ends_with(".js"))
        .expect("index.html loads a script from /assets/");
    let response = app.get(script, None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().contains("javascript"));
    assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));

    assert_problem(app.get("/assets/no-such-file.js", None).await, 404).await;
    assert_problem(app.get("/api/v1/no-such-route", None).await, 404).await;
    assert_problem(app.get("/api/v1/citizens", None).await, 405).await;
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/", "/healthz", "/api/v1/me", "/api/v1/no-such-route"] {
        let response = app.get(path, None).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
}
