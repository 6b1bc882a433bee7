//! Health, readiness, metrics, the API document and the policy's coverage.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn health_and_readiness_answer_when_all_is_well() {
    let app = spawn_app().await;
    let response = app.get("/healthz", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    assert_eq!(app.get("/readyz", None).await.status(), 200);
}

#[tokio::test]
async fn readiness_is_503_while_the_database_is_unreachable() {
    let settings =
        settings_for("postgres://medborger_test_app:x@127.0.0.1:1/nowhere", &[("MEDBORGER_DB_POOL_TIMEOUT_MS", "500")]);
    let app = spawn_server(settings, String::new()).await;
    assert_eq!(app.get("/healthz", None).await.status(), 200, "alive all the same");
    assert_problem(app.get("/readyz", None).await, 503).await;
}

#[tokio::test]
async fn readiness_is_503_while_migrations_are_pending() {
    let admin = connect(&admin_url()).await;
    let db = format!("medborger_t_{}", uuid::Uuid::new_v4().simple());
    admin.batch_execute(&format!("CREATE DATABASE {db}")).await.unwrap();
    let owner = with_user_and_db(&admin_url(), None, &db);
    // Every migration but the newest: the schema is there and the service's
    // role can read it, so only the pending migration can make it unready.
    let migrate = |all_but_last: bool| {
        let owner = owner.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::migration::MigrationSource;
            use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
            use diesel_migrations::MigrationHarness;
            let mut conn: AsyncConnectionWrapper<diesel_async::AsyncPgConnection> =
                diesel::Connection::establish(&owner).unwrap();
            let mut all = MigrationSource::<diesel::pg::Pg>::migrations(&medborger::db::MIGRATIONS).unwrap();
            all.sort_by_key(|m| m.name().version().to_string());
            if all_but_last {
                all.pop();
            }
            let applied = conn.applied_migrations().unwrap();
            for m in all.iter().filter(|m| !applied.contains(&m.name().version())) {
                conn.run_migration(m.as_ref()).unwrap();
            }
        })
    };
    migrate(true).await.unwrap();
    let app = spawn_server(settings_for(&app_url(&db), &[]), db).await;
    let reachable = app.app_db().await.query_one("SELECT 1", &[]).await;
    assert!(reachable.is_ok(), "the database answers the service's role");
    assert_problem(app.get("/readyz", None).await, 503).await;

    migrate(false).await.unwrap();
    assert_eq!(app.get("/readyz", None).await.status(), 200, "ready once the last migration is applied");
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern() {
    let app = spawn_app().await;
    let admin = app.login("admin").await.access;
    let id = app.user_id("cw.bif").await;
    app.get(&format!("/api/v1/admin/users/{id}"), Some(&admin)).await;
    app.get("/api/v1/no/such/path", None).await;
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"medborger_http_requests_total{method="GET",route="/api/v1/admin/users/{id}",status="200"} 1"#),
        "{text}"
    );
    assert!(text.contains(r#"route="unmatched",status="404""#));
    assert!(text.contains("medborger_http_request_duration_seconds_bucket"));
    assert!(text.contains("medborger_db_pool_max_connections 4"));
    assert!(!text.contains(&id.to_string()), "ids never become labels");
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let app = spawn_app().await;
    let served = app.get("/api/v1/openapi.json", None).await.text().await.unwrap();
    let committed = std::fs::read_to_string("openapi/openapi.json").unwrap_or_default();
    assert!(
        served == committed,
        "openapi/openapi.json is stale; regenerate it with\n    cargo run --quiet -- openapi > openapi/openapi.json"
    );
    let doc: Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
}

/// Each link names an operation of the document and parameters it takes,
/// and the fix-up of utoipa's `operation_id` touched links only.
#[test]
fn every_link_leads_to_an_operation_of_the_document() {
    let as_written = medborger::openapi::document().to_pretty_json().unwrap();
    let doc: Value = serde_json::from_str(&medborger::openapi::document_json()).unwrap();
    let mut operations = std::collections::BTreeMap::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            let params: BTreeSet<String> = op["parameters"]
                .as_array()
                .map(|ps| ps.iter().map(|p| p["name"].as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            operations.insert(op["operationId"].as_str().unwrap().to_string(), params);
        }
    }
    let mut links = 0;
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for response in op["responses"].as_object().unwrap().values() {
                for (name, link) in response["links"].as_object().into_iter().flatten() {
                    links += 1;
                    let target = link["operationId"].as_str().unwrap_or_default();
                    let params =
                        operations.get(target).unwrap_or_else(|| panic!("link {name} names no operation: {link}"));
                    for param in link["parameters"].as_object().unwrap().keys() {
                        assert!(params.contains(param), "link {name}: {target} takes no {param}");
                    }
                }
            }
        }
    }
    assert!(links >= 30, "{links} links");
    assert_eq!(as_written.matches(medborger::openapi::LINK_OPERATION_ID_AS_WRITTEN).count(), links);
}

/// Every registered route has a rule in the policy table, and every rule a route.
#[test]
fn every_route_is_covered_by_the_access_policy() {
    let doc = medborger::openapi::document();
    let mut routes = BTreeSet::new();
    for (path, item) in &doc.paths.paths {
        for (verb, op) in [
            ("get", &item.get),
            ("post", &item.post),
            ("patch", &item.patch),
            ("put", &item.put),
            ("delete", &item.delete),
            ("head", &item.head),
            ("options", &item.options),
            ("trace", &item.trace),
        ] {
            if op.is_some() {
                routes.insert((verb.to_string(), path.clone()));
            }
        }
    }
    let rules: BTreeSet<(String, String)> =
        medborger::auth::policy::RULES.iter().map(|r| (r.verb.as_lower().to_string(), r.path.to_string())).collect();
    let uncovered: Vec<_> = routes.difference(&rules).collect();
    assert!(uncovered.is_empty(), "routes without a policy rule: {uncovered:?}");
    let stale: Vec<_> = rules.difference(&routes).collect();
    assert!(stale.is_empty(), "policy rules without a route: {stale:?}");
}

#[tokio::test]
async fn every_operation_documents_its_security_and_errors() {
    let doc: Value = serde_json::to_value(medborger::openapi::document()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            let rule = medborger::auth::policy::rule_for(verb, path).unwrap();
            let public = rule.access == medborger::auth::policy::Access::Public;
            // A public operation says so (`security: []`), as Redocly's
            // `security-defined` asks; the others require the bearer token.
            let expected = if public { serde_json::json!([]) } else { serde_json::json!([{ "bearer": [] }]) };
            assert_eq!(op["security"], expected, "{verb} {path} security");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{verb} {path}");
            if !public {
                assert!(responses.contains_key("401"), "{verb} {path}");
            }
        }
    }
}

#[tokio::test]
async fn every_pooled_connection_carries_statement_and_idle_timeouts() {
    use diesel::sql_types::Text;
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        value: String,
    }
    let app = spawn_app_with(&[
        ("MEDBORGER_DB_STATEMENT_TIMEOUT_MS", "1234"),
        ("MEDBORGER_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", "4321"),
    ])
    .await;
    let pool = medborger::db::pool(&app.settings.database).unwrap();
    let mut conn = pool.get().await.unwrap();
    for (name, expected) in [("statement_timeout", "1234ms"), ("idle_in_transaction_session_timeout", "4321ms")] {
        let setting: Setting = diesel::sql_query(format!("SELECT current_setting('{name}') AS value"))
            .get_result(&mut conn)
            .await
            .unwrap();
        assert_eq!(setting.value, expected, "{name}");
    }
    // A statement over the limit is cancelled, and the API answers 503, not 500.
    let err = diesel::sql_query("SELECT pg_sleep(2)").execute(&mut conn).await.unwrap_err();
    assert!(matches!(medborger::error::ApiError::from(err), medborger::error::ApiError::Unavailable(_)));
}
