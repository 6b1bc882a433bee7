//! HTTP handlers for access grants: parse, run the work in the request's
//! pipeline (`request::Ctx::run`), answer the view.

use actix_web::{get, post, web};

use super::dto::*;
use super::queries::{self, GrantRow, NewGrant};
use super::GRANT_LIFETIME;
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::domain::{CitizenId, GrantId};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{bounded_text, Json, Query};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx, Subject};

/// Break the glass: open a citizen outside your scope for three hours
/// (caseworkers). Restricted enrolments stay closed. Audited as `break_glass`.
#[utoipa::path(tag = "access-grants", request_body = CreateGrantRequest,
    responses((status = 201, body = GrantView, headers(("Location" = String)))))]
#[post("/access-grants")]
pub async fn create_grant(ctx: Ctx, Json(body): Json<CreateGrantRequest>) -> ApiResult<Answer> {
    let reason = bounded_text("reason", &body.reason, 20, 2000)?;
    let citizen = CitizenId(body.citizen_id);
    create!(ctx, Subject::citizen(citizen), &body, |conn, audit| {
        if !queries::citizen_exists(conn, citizen).await? {
            return Err(ApiError::NotFound);
        }
        if queries::reaches(conn, &ctx.reach, citizen).await?
            || queries::holds_grant(conn, ctx.actor.user_id, citizen, ctx.now).await?
        {
            return Err(ApiError::Conflict("You can already see this citizen; no grant is needed.".into()));
        }
        let new = NewGrant {
            user_id: ctx.actor.user_id,
            department: ctx.department(),
            citizen_id: citizen,
            reason: &reason,
            expires_at: ctx.now + GRANT_LIFETIME,
        };
        let grant = queries::insert(conn, new, ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::BreakGlass, Resource::Citizen)
                .resource_id(grant.id)
                .citizen(citizen)
                .purpose(Purpose::BreakTheGlass),
        );
        let grant = grant.into_view();
        Ok(Answer::created(&grant)?.at(format!("/api/v1/access-grants/{}", grant.id)))
    })
}

/// Grants of your department's caseworkers awaiting review (managers).
#[utoipa::path(tag = "access-grants", params(GrantListParams), responses((status = 200, body = Vec<GrantView>)))]
#[get("/access-grants")]
pub async fn list_grants(ctx: Ctx, params: Query<GrantListParams>) -> JsonResult<Vec<GrantView>> {
    let pending = params.pending_only()?;
    let grants = run!(ctx, Subject::none(), |conn, audit| {
        let grants = queries::list(conn, ctx.department(), pending).await?;
        // A grant names its citizen: one entry each (issue 10, door 12).
        let read = || AuditEntry::success(Action::Read, Resource::AccessGrant);
        audit.listed(grants.iter().map(|g| read().resource_id(g.id).citizen(g.citizen_id)), read());
        Ok(grants)
    });
    Ok(web::Json(grants.into_iter().map(GrantRow::into_view).collect()))
}

/// Mark a grant reviewed, with a comment (managers of the grantee's department).
#[utoipa::path(tag = "access-grants", params(("id" = Uuid, Path)), request_body = ReviewGrantRequest,
    responses((status = 200, body = GrantView)))]
#[post("/access-grants/{id}/review")]
pub async fn review_grant(ctx: Ctx, id: web::Path<GrantId>, body: Json<ReviewGrantRequest>) -> JsonResult<GrantView> {
    let id = id.into_inner();
    let comment = bounded_text("comment", &body.into_inner().comment, 1, 2000)?;
    // A grant names a citizen: a look at another department's is recorded.
    let grant = run!(ctx, Subject::new(Resource::AccessGrant, id), |conn, audit| {
        let grant = queries::find_in_department(conn, id, ctx.department()).await?;
        // Separation of duties: nobody reviews their own grant.
        if grant.user_id == ctx.actor.user_id {
            return Err(ApiError::Forbidden);
        }
        if grant.reviewed_at.is_some() {
            return Err(ApiError::Conflict("The grant is reviewed already.".into()));
        }
        let grant = queries::review(conn, id, ctx.actor.user_id, &comment, ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::Review, Resource::AccessGrant)
                .resource_id(id)
                .citizen(grant.citizen_id)
                .purpose(Purpose::GrantReviewed),
        );
        Ok(grant.into_view())
    });
    Ok(web::Json(grant))
}
