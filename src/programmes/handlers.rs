//! HTTP handlers for the programme catalogue: reading it is not personal
//! data (no audit entry); admins' changes are audited.

use actix_web::{get, patch, post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::dto::{CreateProgrammeRequest, Programme, UpdateProgrammeRequest};
use super::queries;
use crate::audit::{Action, AuditEntry, Resource};
use crate::error::{ApiResult, JsonResult};
use crate::http::{with_etag, IfMatch, Json};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx, Subject};

/// The programme catalogue with milestone rules.
#[utoipa::path(tag = "programmes", responses((status = 200, body = Vec<Programme>)))]
#[get("/programmes")]
pub async fn list_programmes(ctx: Ctx) -> JsonResult<Vec<Programme>> {
    let list = ctx.run_unaudited(|conn| async move { queries::list(conn).await }.scope_boxed()).await?;
    Ok(web::Json(list))
}

/// Add a programme to the catalogue (admins).
#[utoipa::path(tag = "admin", request_body = CreateProgrammeRequest,
    responses((status = 201, body = Programme, headers(("Location" = String), ("ETag" = String)))))]
#[post("/admin/programmes")]
pub async fn create_programme(ctx: Ctx, Json(body): Json<CreateProgrammeRequest>) -> ApiResult<Answer> {
    body.validate()?;
    create!(ctx, Subject::none(), &body, |conn, audit| {
        let p = queries::insert(conn, &body).await?;
        audit.record(AuditEntry::success(Action::Create, Resource::Programme).resource_id(&p.code));
        Ok(Answer::created(&p)?.at(format!("/api/v1/admin/programmes/{}", p.code)).version(p.version))
    })
}

/// Change a programme or replace its milestone rules (admins; `If-Match`).
#[utoipa::path(tag = "admin", params(("code" = String, Path), IfMatch), request_body = UpdateProgrammeRequest,
    responses((status = 200, body = Programme, headers(("ETag" = String)))))]
#[patch("/admin/programmes/{code}")]
pub async fn update_programme(
    ctx: Ctx, code: web::Path<String>, Json(body): Json<UpdateProgrammeRequest>, expected: IfMatch,
) -> ApiResult<HttpResponse> {
    let code = code.into_inner();
    body.validate()?;
    let programme = run!(ctx, Subject::none(), |conn, audit| {
        let p = queries::update(conn, &code, expected, &body).await?;
        audit.record(AuditEntry::success(Action::Update, Resource::Programme).resource_id(&p.code));
        Ok(p)
    });
    let version = programme.version;
    Ok(with_etag(HttpResponse::Ok().json(programme), version))
}
