//! The caseload's handler: whose caseload the caller may see, then one
//! query in the request's pipeline (`request::Ctx::run`).

use actix_web::{get, web};

use super::dto::{decode_cursor, encode_cursor, CaseloadPage, CaseloadParams};
use super::queries::{self, CaseloadFilter};
use crate::audit::{Action, AuditEntry, Resource};
use crate::domain::{Role, UserId};
use crate::enrolments::queries::check_staff;
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{page_limit, Query};
use crate::request::{run, Ctx, Subject};

/// Open enrolments with the next deadline, overdue milestones and days since
/// the last note; sorted by the next due date.
#[utoipa::path(tag = "caseload", params(CaseloadParams), responses((status = 200, body = CaseloadPage)))]
#[get("/caseload")]
pub async fn caseload(ctx: Ctx, params: Query<CaseloadParams>) -> JsonResult<CaseloadPage> {
    let p = params.into_inner();
    let limit = page_limit(p.limit)?;
    let after = p
        .cursor
        .as_deref()
        .map(|c| {
            decode_cursor(c).ok_or_else(|| ApiError::invalid("cursor", "invalid", "is not a cursor this API gave out"))
        })
        .transpose()?;
    if p.silent_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(ApiError::invalid("silent_days", "out_of_range", "1–3650"));
    }
    let me = ctx.actor.user_id;
    let is_manager = ctx.actor.has_role(Role::Manager);
    let is_caseworker = ctx.actor.has_role(Role::Caseworker);
    let named = p.caseworker_id.map(UserId::from);
    // Whose caseload: a mentor's mentees, a caseworker's own, or (managers)
    // anyone's in the department.
    let (mentor, responsible) = match (ctx.reach.department.is_some(), named) {
        (false, None) => (Some(me), None),
        (false, Some(_)) => return Err(ApiError::Forbidden),
        (true, Some(cw)) if cw != me && !is_manager => return Err(ApiError::Forbidden),
        (true, Some(cw)) => (None, Some(cw)),
        (true, None) if is_caseworker => (None, Some(me)),
        (true, None) => (None, None),
    };
    let (department, teams) = ctx.reach.department.clone().map(|(d, t)| (d.as_str(), t)).unwrap_or_default();
    let today = ctx.today();
    let filter = CaseloadFilter {
        department,
        teams: &teams,
        responsible,
        mentor,
        programme: p.programme.as_deref(),
        status: p.status,
        overdue_only: p.overdue_only.unwrap_or(false),
        silent_since: p.silent_days.map(|d| ctx.now - chrono::Duration::days(d)),
        today,
        after,
        limit: limit + 1,
    };
    let rows = run!(ctx, Subject::none(), |conn, audit| {
        if let Some(cw) = responsible.filter(|cw| *cw != me) {
            check_staff(conn, "caseworker_id", cw, filter.department, "caseworker", None)
                .await
                .map_err(|_| ApiError::NotFound)?;
        }
        let rows = queries::page(conn, filter).await?;
        // One entry per citizen shown; an empty page is recorded once.
        let read = || AuditEntry::success(Action::Read, Resource::Caseload);
        audit.listed(
            rows.iter().take(limit as usize).map(|r| read().resource_id(r.enrolment_id).citizen(r.citizen_id)),
            read(),
        );
        Ok(rows)
    });
    let more = rows.len() as i64 > limit;
    let next_cursor = if more {
        rows.get(limit as usize - 1).map(|r| encode_cursor(r.sort_key, r.enrolment_id.into()))
    } else {
        None
    };
    let items = rows.into_iter().take(limit as usize).map(|r| r.into_item(today)).collect::<ApiResult<_>>()?;
    Ok(web::Json(CaseloadPage { items, next_cursor }))
}
