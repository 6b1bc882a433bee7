//! HTTP handlers for outcome measurements: parse, run the work in the
//! request's pipeline (`request::Ctx::run`), answer the view.

use actix_web::{get, post, web};

use super::dto::{CreateOutcomeRequest, OutcomeView};
use super::queries::{self, OutcomeRow};
use crate::audit::{Action, Resource};
use crate::domain::EnrolmentId;
use crate::enrolments::handlers::enrolment;
use crate::enrolments::queries as enrolments;
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::Json;
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx};

/// Record an outcome measurement (caseworkers); one per measurement point.
#[utoipa::path(tag = "outcomes", params(("id" = Uuid, Path, description = "The enrolment")),
    request_body = CreateOutcomeRequest, responses((status = 201, body = OutcomeView)))]
#[post("/enrolments/{id}/outcomes")]
pub async fn create_outcome(
    ctx: Ctx, id: web::Path<EnrolmentId>, Json(body): Json<CreateOutcomeRequest>,
) -> ApiResult<Answer> {
    let id = id.into_inner();
    if body.weekly_hours.is_some_and(|h| !(0.0..=80.0).contains(&h)) {
        return Err(ApiError::invalid("weekly_hours", "out_of_range", "0–80 hours"));
    }
    if body.measured_on > ctx.today() {
        return Err(ApiError::invalid("measured_on", "in_future", "cannot be after today"));
    }
    create!(ctx, enrolment(id), &body, |conn, audit| {
        let row = enrolments::find_for_caseworker(conn, &ctx.reach, id).await?;
        let outcome = queries::insert(conn, id, row.citizen_id, &body, ctx.actor.user_id, ctx.now).await?;
        audit.record(row.audited(Action::Create, Resource::Outcome).resource_id(outcome.id));
        Answer::created(&outcome.into_view()?)
    })
}

/// The enrolment's outcome measurements (caseworkers and managers).
#[utoipa::path(tag = "outcomes", params(("id" = Uuid, Path, description = "The enrolment")),
    responses((status = 200, body = Vec<OutcomeView>)))]
#[get("/enrolments/{id}/outcomes")]
pub async fn list_outcomes(ctx: Ctx, id: web::Path<EnrolmentId>) -> JsonResult<Vec<OutcomeView>> {
    let id = id.into_inner();
    let views = run!(ctx, enrolment(id), |conn, audit| {
        let row = enrolments::find_for_caseworker(conn, &ctx.reach, id).await?;
        let rows = queries::list(conn, id).await?;
        audit.record(row.audited(Action::Read, Resource::Outcome).resource_id(id));
        rows.into_iter().map(OutcomeRow::into_view).collect()
    });
    Ok(web::Json(views))
}
