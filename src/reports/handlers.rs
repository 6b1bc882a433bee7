//! HTTP handlers for the reports: parse, check the report's scope, run the
//! queries in the request's pipeline (`request::Ctx::run`) with the report's
//! audit entry, answer JSON or CSV.

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::dto::*;
use super::queries::{self, Period, Selection};
use super::{caseload, csv, deadlines, outcomes, ReportScope};
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::domain::{DepartmentCode, EnrolmentId, UserId};
use crate::enrolments::queries::check_staff;
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{Json, Query};
use crate::request::{run, Ctx, Subject};

/// The caseload audit of your department (managers; a restricted team's
/// manager also sees the team's restricted work) or of every department
/// (auditors): every team and the totals, with a page of caseworkers in name
/// order (`limit`, `cursor`). JSON, or with `Accept: text/csv` the whole
/// report, every caseworker, as CSV.
#[utoipa::path(tag = "reports", params(ReportParams),
    responses((status = 200, description = "The report", content((CaseloadReport = "application/json"), (String = "text/csv")))))]
#[get("/reports/caseload")]
pub async fn caseload_report(ctx: Ctx, req: HttpRequest, params: Query<ReportParams>) -> ApiResult<HttpResponse> {
    let scope = ReportScope::of(&ctx.actor, params.department)?;
    let page = params.page(csv::wants_csv(&req))?;
    let report = run!(ctx, Subject::none(), |conn, audit| {
        let rows = queries::caseload(conn, &scope, ctx.now, ctx.today(), page).await?;
        audit.record(AuditEntry::success(Action::Read, Resource::ReportCaseload).reason(scope.audit_reason(None)));
        Ok(caseload::build(&scope, ctx.now, rows))
    });
    csv::respond(&req, &report, caseload::table, "caseload")
}

/// Move enrolments to another caseworker of your department, all or none,
/// each move audited (managers).
#[utoipa::path(tag = "reports", request_body = ReassignRequest, responses((status = 200, body = ReassignResult)))]
#[post("/reports/caseload/reassign")]
pub async fn reassign(ctx: Ctx, Json(body): Json<ReassignRequest>) -> JsonResult<ReassignResult> {
    // Leaves room in the audit entry for the ids around it.
    let reason = crate::http::bounded_text("reason", &body.reason, 1, 1800)?;
    let selection = match (body.enrolment_ids, body.from_caseworker_id) {
        (Some(ids), None) if !ids.is_empty() && ids.len() <= 5_000 => {
            Selection::These(ids.into_iter().map(EnrolmentId).collect())
        }
        (None, Some(from)) => Selection::AllOf(UserId(from)),
        _ => {
            return Err(ApiError::invalid(
                "enrolment_ids",
                "required",
                "name 1–5000 enrolment_ids or a from_caseworker_id, not both",
            ))
        }
    };
    let to = UserId(body.to_caseworker_id);
    let teams = ctx.actor.restricted_teams();
    let moved = run!(ctx, Subject::none(), |conn, audit| {
        let department = ctx.department();
        let found = queries::lock_open_enrolments(conn, &selection, department, &teams).await?;
        if let Selection::These(ids) = &selection {
            let mut wanted = ids.clone();
            wanted.sort();
            wanted.dedup();
            if wanted.len() != found.len() {
                return Err(ApiError::invalid(
                    "enrolment_ids",
                    "not_found",
                    "every enrolment must be an open enrolment of your department",
                ));
            }
        }
        // The new caseworker must belong to every restricted team involved.
        let mut teams_needed: std::collections::BTreeSet<Option<uuid::Uuid>> =
            found.iter().map(|e| e.restricted.then_some(e.team_id)).collect();
        teams_needed.insert(None);
        for team in teams_needed {
            check_staff(conn, "to_caseworker_id", to, department.as_str(), "caseworker", team.map(Into::into)).await?;
        }
        let ids: Vec<EnrolmentId> = found.iter().map(|e| e.id).collect();
        queries::reassign(conn, &found, to, &reason, ctx.actor.user_id, ctx.now).await?;
        audit.extend(found.iter().map(|e| {
            AuditEntry::success(Action::Update, Resource::Enrolment)
                .resource_id(e.id)
                .citizen(e.citizen_id)
                .purpose(Purpose::CaseloadReassignment)
        }));
        if found.is_empty() {
            // Nothing moved is still a look at the caseworker's cases.
            audit.record(
                AuditEntry::success(Action::Search, Resource::Enrolment).purpose(Purpose::CaseloadReassignment),
            );
        }
        Ok(ids)
    });
    Ok(web::Json(ReassignResult { moved: moved.len(), enrolment_ids: moved.into_iter().map(Into::into).collect() }))
}

/// A period report's scope (refused before any work when the caller may not
/// have it) and its programme ('' for all).
fn scoped(
    ctx: &Ctx, department: Option<DepartmentCode>, programme: &Option<String>,
) -> ApiResult<(ReportScope, String)> {
    let scope = ReportScope::of(&ctx.actor, department)?;
    if programme.as_deref().is_some_and(|p| !crate::programmes::dto::is_code(p)) {
        return Err(ApiError::invalid(
            "programme",
            "invalid",
            "a programme code: 2–64 lower-case letters, digits or _",
        ));
    }
    Ok((scope, programme.clone().unwrap_or_default()))
}

/// Milestones due in a period by programme: met on time, late, overdue,
/// waived, pending, and the share met on time; for managers also the list of
/// overdue ones in their department. JSON, or CSV with `Accept: text/csv`.
#[utoipa::path(tag = "reports", params(PeriodParams),
    responses((status = 200, description = "The report", content((DeadlineReport = "application/json"), (String = "text/csv")))))]
#[get("/reports/deadlines")]
pub async fn deadlines_report(ctx: Ctx, req: HttpRequest, params: Query<PeriodParams>) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let (scope, programme) = scoped(&ctx, params.department, &params.programme)?;
    let period = Period::new(&params, ctx.today(), &programme)?;
    let today = ctx.today();
    let (from, to) = (period.from, period.to);
    let (scope, period) = (&scope, &period);
    let report = run!(ctx, Subject::none(), |conn, audit| {
        let milestones = deadlines::published(queries::deadline_counts(conn, scope, period, today).await?, scope);
        let overdue = if scope.aggregate_only {
            None
        } else {
            Some(queries::overdue_milestones(conn, scope, period, today).await?)
        };
        audit.record(
            AuditEntry::success(Action::Read, Resource::ReportDeadlines).reason(scope.audit_reason(Some((from, to)))),
        );
        // The overdue list names citizens: each shown is a read of theirs.
        audit.extend(overdue.iter().flatten().map(|o| {
            AuditEntry::success(Action::Read, Resource::Milestone)
                .resource_id(o.enrolment_id)
                .citizen(o.citizen_id)
                .purpose(Purpose::OverdueList)
        }));
        Ok(DeadlineReport { departments: scope.department_list(), from, to, as_of: ctx.now, milestones, overdue })
    });
    csv::respond(&req, &report, deadlines::table, "deadlines")
}

/// Outcomes of the department's citizens by measurement point and group,
/// beside the policy's baselines, for a whole quarter, half-year or year
/// (`period=2026-Q3`; this year by default); cells under five people suppressed.
/// Managers: their department; auditors: any or all. JSON, or CSV with
/// `Accept: text/csv`.
#[utoipa::path(tag = "reports", params(OutcomeParams),
    responses((status = 200, description = "The report", content((OutcomeReport = "application/json"), (String = "text/csv")))))]
#[get("/reports/outcomes")]
pub async fn outcomes_report(ctx: Ctx, req: HttpRequest, params: Query<OutcomeParams>) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let (scope, programme) = scoped(&ctx, params.department, &params.programme)?;
    let period = Period::whole(&params, ctx.today(), &programme)?;
    let (from, to) = (period.from, period.to);
    let (scope, period) = (&scope, &period);
    let report = run!(ctx, Subject::none(), |conn, audit| {
        let tallies = queries::outcome_tallies(conn, scope, period).await?;
        audit.record(
            AuditEntry::success(Action::Read, Resource::ReportOutcomes).reason(scope.audit_reason(Some((from, to)))),
        );
        Ok(outcomes::build(scope, period, ctx.now, &tallies))
    });
    csv::respond(&req, &report, outcomes::table, "outcomes")
}
