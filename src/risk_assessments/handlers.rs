//! HTTP handlers for risk assessments: parse, run the work in the request's
//! pipeline (`request::Ctx::run`), answer the view.

use actix_web::{get, post, web};

use super::dto::{CreateRiskAssessmentRequest, RiskAssessmentView};
use super::queries::{self, NewRiskAssessment};
use crate::audit::{Action, Resource};
use crate::domain::EnrolmentId;
use crate::enrolments::handlers::enrolment;
use crate::enrolments::queries as enrolments;
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{bounded_text, Json};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx};

/// Record a risk assessment (caseworkers of the enrolment's department or restricted team).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path, description = "The enrolment")),
    request_body = CreateRiskAssessmentRequest, responses((status = 201, body = RiskAssessmentView)))]
#[post("/enrolments/{id}/risk-assessments")]
pub async fn create_risk_assessment(
    ctx: Ctx, id: web::Path<EnrolmentId>, Json(body): Json<CreateRiskAssessmentRequest>,
) -> ApiResult<Answer> {
    let id = id.into_inner();
    let summary = bounded_text("summary", &body.summary, 1, 20_000)?;
    if body.assessed_at > ctx.now + chrono::Duration::minutes(5) {
        return Err(ApiError::invalid("assessed_at", "in_future", "cannot be in the future"));
    }
    create!(ctx, enrolment(id), &body, |conn, audit| {
        let row = enrolments::find_for_caseworker(conn, &ctx.reach, id).await?;
        let new = NewRiskAssessment {
            enrolment_id: id,
            citizen_id: row.citizen_id,
            level: body.level,
            assessed_at: body.assessed_at,
            summary: &summary,
            author_id: ctx.actor.user_id,
        };
        let assessment = queries::insert(conn, new, ctx.now).await?;
        audit.record(row.audited(Action::Create, Resource::RiskAssessment).resource_id(assessment.id));
        Answer::created(&assessment.into_view())
    })
}

/// The enrolment's risk assessments (its department's caseworkers and managers).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path, description = "The enrolment")),
    responses((status = 200, body = Vec<RiskAssessmentView>)))]
#[get("/enrolments/{id}/risk-assessments")]
pub async fn list_risk_assessments(ctx: Ctx, id: web::Path<EnrolmentId>) -> JsonResult<Vec<RiskAssessmentView>> {
    let id = id.into_inner();
    let views = run!(ctx, enrolment(id), |conn, audit| {
        let row = enrolments::find_for_caseworker(conn, &ctx.reach, id).await?;
        let rows = queries::list(conn, id).await?;
        audit.record(row.audited(Action::Read, Resource::RiskAssessment).resource_id(id));
        Ok(rows.into_iter().map(|r| r.into_view()).collect())
    });
    Ok(web::Json(views))
}
