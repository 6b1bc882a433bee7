//! HTTP handlers for consents and the enrolment summaries they open: parse,
//! run the work in the request's pipeline (`request::Ctx::run`), answer the
//! view.

use actix_web::{get, post, web};

use super::dto::*;
use super::queries::{self, Recorder};
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::citizens::queries as citizens;
use crate::domain::{CitizenId, ConsentId};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{bounded_text, Json};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx, Subject};

/// Record a citizen's consent (caseworkers of a department that works with
/// the citizen).
#[utoipa::path(tag = "consents", params(("id" = Uuid, Path, description = "The citizen")),
    request_body = RecordConsentRequest, responses((status = 201, body = ConsentView, headers(("Location" = String)))))]
#[post("/citizens/{id}/consents")]
pub async fn record_consent(
    ctx: Ctx, citizen: web::Path<CitizenId>, Json(body): Json<RecordConsentRequest>,
) -> ApiResult<Answer> {
    let citizen = citizen.into_inner();
    let new = body.clone().validate(ctx.now)?;
    create!(ctx, Subject::citizen(citizen), &body, |conn, audit| {
        citizens::find_for_caseworker(conn, &ctx.reach, citizen, false).await?;
        let by = Recorder { user: ctx.actor.user_id, department: ctx.department() };
        let row = queries::insert(conn, citizen, &new, by, ctx.now).await?;
        audit.record(AuditEntry::success(Action::Create, Resource::Consent).resource_id(row.id).citizen(citizen));
        let location = format!("/api/v1/citizens/{citizen}/consents/{}", row.id);
        Ok(Answer::created(&row.into_view(ctx.now))?.at(location))
    })
}

/// A citizen's consents, withdrawn and expired ones included.
#[utoipa::path(tag = "consents", params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<ConsentView>)))]
#[get("/citizens/{id}/consents")]
pub async fn list_consents(ctx: Ctx, citizen: web::Path<CitizenId>) -> JsonResult<Vec<ConsentView>> {
    let citizen = citizen.into_inner();
    let views = run!(ctx, Subject::citizen(citizen), |conn, audit| {
        citizens::find_for_caseworker(conn, &ctx.reach, citizen, false).await?;
        let rows = queries::list(conn, citizen).await?;
        audit.record(AuditEntry::success(Action::Read, Resource::Consent).resource_id(citizen).citizen(citizen));
        Ok(rows.into_iter().map(|r| r.into_view(ctx.now)).collect())
    });
    Ok(web::Json(views))
}

/// Withdraw a consent. What it showed other departments is gone on their
/// next request; the record stays.
#[utoipa::path(tag = "consents", params(("id" = Uuid, Path, description = "The citizen"), ("consent_id" = Uuid, Path)),
    request_body = WithdrawConsentRequest, responses((status = 200, body = ConsentView)))]
#[post("/citizens/{id}/consents/{consent_id}/withdraw")]
pub async fn withdraw_consent(
    ctx: Ctx, path: web::Path<(CitizenId, ConsentId)>, body: Json<WithdrawConsentRequest>,
) -> JsonResult<ConsentView> {
    let (citizen, id) = path.into_inner();
    let reason = body.into_inner().reason.map(|r| bounded_text("reason", &r, 1, 2000)).transpose()?;
    let subject = Subject::new(Resource::Consent, id).of(citizen);
    let view = run!(ctx, subject, |conn, audit| {
        citizens::find_for_caseworker(conn, &ctx.reach, citizen, false).await?;
        let row = queries::find(conn, citizen, id, true).await?;
        // Only the department that recorded the consent withdraws it,
        // on the citizen's word; `withdrawn_by` names who did.
        if row.recorded_department != ctx.department().as_str() {
            return Err(ApiError::Forbidden);
        }
        if row.withdrawn_at.is_some() {
            return Err(ApiError::Conflict("The consent is already withdrawn.".into()));
        }
        let row = queries::withdraw(conn, id, ctx.actor.user_id, reason.as_deref(), ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::Update, Resource::Consent)
                .resource_id(id)
                .citizen(citizen)
                .purpose(Purpose::ConsentWithdrawn),
        );
        Ok(row.into_view(ctx.now))
    });
    Ok(web::Json(view))
}

/// Other departments' enrolments of the citizen that a valid consent covering
/// your department shows you: programme, status, dates and team, never
/// notes. Empty without such a consent; never a restricted enrolment.
#[utoipa::path(tag = "consents", params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<EnrolmentSummary>)))]
#[get("/citizens/{id}/enrolment-summaries")]
pub async fn enrolment_summaries(ctx: Ctx, citizen: web::Path<CitizenId>) -> JsonResult<Vec<EnrolmentSummary>> {
    let citizen = citizen.into_inner();
    let summaries = run!(ctx, Subject::citizen(citizen), |conn, audit| {
        citizens::find_for_caseworker(conn, &ctx.reach, citizen, false).await?;
        let summaries = queries::summaries(conn, citizen, ctx.now).await?;
        let mut entry =
            AuditEntry::success(Action::Read, Resource::EnrolmentSummary).resource_id(citizen).citizen(citizen);
        // A consent opened what the caller saw (the consent itself says
        // which departments, under its own access rules).
        if !summaries.is_empty() {
            entry = entry.purpose(Purpose::UnderConsent);
        }
        audit.record(entry);
        Ok(summaries)
    });
    Ok(web::Json(summaries))
}
