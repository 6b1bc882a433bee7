//! Operational endpoints: liveness, readiness, metrics and the API document.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
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
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<web::Json<HealthStatus>> {
    let mut conn = state.pool.get().await?;
    crate::db::ping(&mut conn)
        .await
        .map_err(|e| ApiError::Unavailable(format!("database: {e}")))?;
    let pending = crate::db::pending_migrations(&mut conn)
        .await
        .map_err(|e| ApiError::Unavailable(format!("{e:#}")))?;
    if !pending.is_empty() {
        return Err(ApiError::Unavailable(format!(
            "pending migrations: {}",
            pending.join(", ")
        )));
    }
    Ok(web::Json(HealthStatus { status: "ready" }))
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "text/plain", body = String)))]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
) -> ApiResult<HttpResponse> {
    let text = metrics.render(&state.pool).map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(text))
}

/// This OpenAPI 3.1 document.
#[utoipa::path(tag = "operations", responses((status = 200, content_type = "application/json", body = Object)))]
#[get("/api/v1/openapi.json")]
pub async fn openapi_json(doc: web::Data<OpenApiJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.0.clone())
}
