//! HTTP handlers for the programme catalogue.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::queries::{self, CreateProgrammeRequest, Programme, UpdateProgrammeRequest};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::{if_match, with_etag};
use crate::state::AppState;

/// The programme catalogue with milestone rules.
#[utoipa::path(tag = "programmes", responses((status = 200, body = Vec<Programme>)))]
#[get("/programmes")]
pub async fn list_programmes(
    state: web::Data<AppState>,
    actor: Actor,
) -> ApiResult<web::Json<Vec<Programme>>> {
    let list = db::transaction(&state.pool, (&actor).into(), |conn| {
        async move { queries::list(conn).await }.scope_boxed()
    })
    .await?;
    Ok(web::Json(list))
}

/// Add a programme to the catalogue (admins).
#[utoipa::path(
    tag = "admin",
    request_body = CreateProgrammeRequest,
    responses((status = 201, body = Programme, headers(("Location" = String), ("ETag" = String)))),
)]
#[post("/admin/programmes")]
pub async fn create_programme(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<CreateProgrammeRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    queries::validate_new(&body)?;
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let programme = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let p = queries::insert(conn, &body).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Programme, Outcome::Success)
                    .resource_id(&p.code),
            )
            .await?;
            Ok(p)
        }
        .scope_boxed()
    })
    .await?;
    let version = programme.version;
    let response = HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/admin/programmes/{}", programme.code),
        ))
        .json(programme);
    Ok(with_etag(response, version))
}

/// Change a programme or replace its milestone rules (admins; `If-Match`).
#[utoipa::path(
    tag = "admin",
    params(("code" = String, Path), ("If-Match" = String, Header, description = "The programme's version as ETag")),
    request_body = UpdateProgrammeRequest,
    responses((status = 200, body = Programme, headers(("ETag" = String)))),
)]
#[patch("/admin/programmes/{code}")]
pub async fn update_programme(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    code: web::Path<String>,
    body: web::Json<UpdateProgrammeRequest>,
) -> ApiResult<HttpResponse> {
    let code = code.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    if let Some(rules) = &body.milestone_rules {
        queries::validate_rules(rules)?;
    }
    for (field, v) in [("name_da", &body.name_da), ("name_en", &body.name_en)] {
        if v.as_deref()
            .is_some_and(|v| v.trim().is_empty() || v.chars().count() > 200)
        {
            return Err(ApiError::invalid(field, "invalid", "1–200 characters"));
        }
    }
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let programme = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let p = queries::update(conn, &code, expected, &body).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Update, Resource::Programme, Outcome::Success)
                    .resource_id(&p.code),
            )
            .await?;
            Ok(p)
        }
        .scope_boxed()
    })
    .await?;
    let version = programme.version;
    Ok(with_etag(HttpResponse::Ok().json(programme), version))
}
