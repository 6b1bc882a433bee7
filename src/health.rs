//! Operational endpoints: liveness, readiness, metrics and the API document.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult, JsonResult};
use crate::metrics::Metrics;
use crate::state::{AppState, OpenApiJson};

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(tag = "operations", responses((status = 200, body = HealthStatus)))]
#[get("/healthz")]
pub async fn healthz() -> web::Json<HealthStatus> {
    web::Json(HealthStatus { status: "ok" })
}

/// Ready to serve: the database answers and every migration is applied (503 otherwise).
#[utoipa::path(tag = "operations", responses((status = 200, body = HealthStatus)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> JsonResult<HealthStatus> {
    // Its own short deadline, well under the pool's: a balancer must see an
    // outage (and the return) within a couple of seconds, whatever the pool
    // would wait for a connection.
    let unready = |what: &str| ApiError::Unavailable(format!("database: {what}"));
    let mut conn = tokio::time::timeout(READY_DEADLINE, state.pool.get())
        .await
        .map_err(|_| unready("no connection within the readiness deadline"))??;
    let checks = async {
        crate::db::ping(&mut conn).await.map_err(|e| unready(&e.to_string()))?;
        crate::db::pending_migrations(&mut conn).await.map_err(|e| ApiError::Unavailable(format!("{e:#}")))
    };
    let pending = match tokio::time::timeout(READY_DEADLINE, checks).await {
        Ok(Ok(pending)) => pending,
        Ok(Err(e)) => {
            crate::db::release_after_failure(&state.pool, conn);
            return Err(e);
        }
        Err(_) => {
            // A connection that does not answer is not given to anyone else.
            drop(crate::db::Pooled::take(conn));
            return Err(unready("no answer within the readiness deadline"));
        }
    };
    if !pending.is_empty() {
        return Err(ApiError::Unavailable(format!("pending migrations: {}", pending.join(", "))));
    }
    Ok(web::Json(HealthStatus { status: "ready" }))
}

/// How long /readyz waits for the database, for a connection and again for
/// its answers.
const READY_DEADLINE: std::time::Duration = std::time::Duration::from_millis(800);

/// Prometheus metrics (text exposition format).
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>, metrics: web::Data<Metrics>) -> ApiResult<HttpResponse> {
    let text = metrics.render(&state.pool).map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok().content_type("text/plain; version=0.0.4").body(text))
}

/// This OpenAPI 3.1 document.
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "application/json", body = Object)))]
#[get("/api/v1/openapi.json")]
pub async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(doc.0.clone())
}
