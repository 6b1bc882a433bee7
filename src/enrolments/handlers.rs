//! HTTP handlers for enrolments (forløb), their status, mentor and
//! milestones: parse, run the work in the request's pipeline
//! (`request::Ctx::run`), answer the view.

use actix_web::{get, patch, post, put, web, HttpResponse, HttpResponseBuilder};
use chrono::NaiveDate;

use super::domain::Status;
use super::dto::*;
use super::queries::{self, EnrolmentChangeset, Opening, Transition};
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::auth::Actor;
use crate::citizens::queries as citizens;
use crate::domain::{CitizenId, EnrolmentId, MilestoneId, Role};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{bounded_text, with_etag, IfMatch, Json};
use crate::idempotency::Answer;
use crate::programmes::queries as programmes;
use crate::request::{create, run, Ctx, Subject};
use crate::scope::View;

/// What a refusal on an enrolment (or on something of it) is recorded
/// against: the enrolment alone, as its citizen is not known until it is found.
pub fn enrolment(id: EnrolmentId) -> Subject {
    Subject::new(Resource::Enrolment, id)
}

/// The enrolment's view with its version as the ETag.
fn with_version(mut response: HttpResponseBuilder, view: EnrolmentView) -> HttpResponse {
    let version = view.version;
    with_etag(response.json(view), version)
}

/// Enrol a citizen in a programme of your department (caseworkers). A
/// restricted programme needs your restricted team. Milestones are created
/// from the programme's rules when the enrolment is active.
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path, description = "The citizen")),
    request_body = CreateEnrolmentRequest,
    responses((status = 201, body = EnrolmentView, headers(("Location" = String), ("ETag" = String)))))]
#[post("/citizens/{id}/enrolments")]
pub async fn create_enrolment(
    ctx: Ctx, citizen_id: web::Path<CitizenId>, Json(body): Json<CreateEnrolmentRequest>,
) -> ApiResult<Answer> {
    let citizen_id = citizen_id.into_inner();
    let goals = bounded_text("goals", &body.goals, 0, 4000)?;
    let status = body.status.unwrap_or(Status::Active);
    if !matches!(status, Status::Referred | Status::Active) {
        return Err(ApiError::invalid("status", "invalid", "an enrolment starts as referred or active"));
    }
    let today = ctx.today();
    let start_date = match status {
        Status::Active => Some(body.start_date.unwrap_or(today)),
        _ => body.start_date,
    };
    create!(ctx, Subject::citizen(citizen_id), &body, |conn, audit| {
        citizens::find_for_caseworker(conn, &ctx.reach, citizen_id, false).await?;
        let programme = programmes::find_requested(conn, &body.programme_code).await?;
        if !programme.active {
            return Err(ApiError::invalid("programme_code", "inactive", "the programme takes no new enrolments"));
        }
        if programme.department != ctx.department() {
            return Err(ApiError::Forbidden);
        }
        let department = ctx.department().to_string();
        let opening = Opening {
            citizen_id,
            programme: &programme,
            department: &department,
            caller: ctx.actor.user_id,
            team_id: body.team_id.map(Into::into),
            responsible_caseworker_id: body.responsible_caseworker_id.map(Into::into),
            status,
            start_date,
            goals: &goals,
            basis: "enrolment",
        };
        let id = queries::open(conn, &ctx.reach, opening, ctx.now).await?;
        let view = queries::view(conn, id, today).await?;
        audit.record(
            AuditEntry::success(Action::Create, Resource::Enrolment)
                .resource_id(id)
                .citizen(citizen_id)
                .within(programme.restricted.then_some(view.team_id)),
        );
        Ok(Answer::created(&view)?.at(format!("/api/v1/enrolments/{}", view.id)).version(view.version))
    })
}

/// A citizen's enrolments that you may see (a mentor: only the mentored one).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<EnrolmentView>)))]
#[get("/citizens/{id}/enrolments")]
pub async fn list_citizen_enrolments(ctx: Ctx, citizen_id: web::Path<CitizenId>) -> JsonResult<Vec<EnrolmentView>> {
    let citizen_id = citizen_id.into_inner();
    let views = run!(ctx, Subject::citizen(citizen_id), |conn, audit| {
        citizens::find_visible(conn, &ctx.reach, citizen_id, false).await?;
        let rows = queries::list_for_citizen(conn, &ctx.reach, citizen_id).await?;
        // The list is recorded against the citizen: one entry, not one per enrolment.
        audit
            .record(AuditEntry::success(Action::Read, Resource::Enrolment).resource_id(citizen_id).citizen(citizen_id));
        queries::views(conn, rows, ctx.today()).await
    });
    Ok(web::Json(views))
}

/// One enrolment with its milestones.
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path)),
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))))]
#[get("/enrolments/{id}")]
pub async fn find_enrolment(ctx: Ctx, id: web::Path<EnrolmentId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = run!(ctx, enrolment(id), |conn, audit| {
        let (row, _) = queries::find_visible(conn, &ctx.reach, id, false).await?;
        audit.record(row.audited(Action::Read, Resource::Enrolment).resource_id(id));
        queries::views(conn, vec![row], ctx.today()).await?.pop().ok_or(ApiError::NotFound)
    });
    Ok(with_version(HttpResponse::Ok(), view))
}

/// Change an enrolment's goals, responsible caseworker or team (`If-Match`).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path), IfMatch), request_body = UpdateEnrolmentRequest,
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))))]
#[patch("/enrolments/{id}")]
pub async fn update_enrolment(
    ctx: Ctx, id: web::Path<EnrolmentId>, Json(body): Json<UpdateEnrolmentRequest>, expected: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let goals = body.goals.as_deref().map(|g| bounded_text("goals", g, 0, 4000)).transpose()?;
    let new_team = body.team_id.map(Into::into);
    let new_caseworker = body.responsible_caseworker_id.map(Into::into);
    let view = run!(ctx, enrolment(id), |conn, audit| {
        let row = queries::find_for_caseworker(conn, &ctx.reach, id).await?;
        expected.check(row.version)?;
        let team = new_team.unwrap_or(row.team_id);
        if new_team.is_some() {
            queries::check_team(conn, team, &row.department, row.restricted, &ctx.reach).await?;
        }
        if let Some(cw) = new_caseworker {
            let team_required = row.restricted.then_some(team);
            queries::check_staff(conn, "responsible_caseworker_id", cw, &row.department, "caseworker", team_required)
                .await?;
        }
        let changes = EnrolmentChangeset {
            goals: goals.as_deref(),
            responsible_caseworker_id: new_caseworker,
            team_id: new_team,
            updated_at: ctx.now,
        };
        queries::update(conn, id, changes).await?;
        audit.record(row.audited(Action::Update, Resource::Enrolment).resource_id(id));
        queries::view(conn, id, ctx.today()).await
    });
    Ok(with_version(HttpResponse::Ok(), view))
}

/// Move an enrolment through its status machine; an invalid move answers 409
/// naming the allowed ones.
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path)), request_body = TransitionRequest,
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))))]
#[post("/enrolments/{id}/transitions")]
pub async fn transition_enrolment(
    ctx: Ctx, id: web::Path<EnrolmentId>, Json(body): Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let reason = bounded_text("reason", &body.reason, 1, 2000)?;
    let to = body.to;
    let today = ctx.today();
    let view = run!(ctx, enrolment(id), |conn, audit| {
        let row = queries::find_for_caseworker(conn, &ctx.reach, id).await?;
        let from = row.status()?;
        if !from.allowed_next().contains(&to) {
            return Err(not_allowed(from));
        }
        let starting = from == Status::Referred && to == Status::Active;
        let start_date = if starting { Some(row.start_date.unwrap_or(today)) } else { row.start_date };
        let end_date = if to.is_open() { None } else { Some(today) };
        let transition = Transition { to, reason: &reason, actor: ctx.actor.user_id, start_date, end_date };
        queries::record_transition(conn, &row, transition, ctx.now).await?;
        if !to.is_open() {
            queries::complete_referral(conn, id, ctx.now).await?;
        }
        if let (true, Some(start)) = (starting, start_date) {
            let programme = programmes::find(conn, &row.programme_code).await?;
            let dates = queries::anchor_dates(conn, row.citizen_id, start).await?;
            queries::create_milestones(conn, id, &programme.milestone_rules, &dates).await?;
        }
        audit.record(
            row.audited(Action::Transition, Resource::Enrolment).resource_id(id).purpose(Purpose::StatusChange),
        );
        queries::view(conn, id, today).await
    });
    Ok(with_version(HttpResponse::Ok(), view))
}

/// The 409 for a move the status machine does not allow from `from`.
fn not_allowed(from: Status) -> ApiError {
    let allowed: Vec<&str> = from.allowed_next().iter().map(|s| s.as_str()).collect();
    ApiError::Conflict(format!(
        "An enrolment that is {} can move to: {}.",
        from.as_str(),
        if allowed.is_empty() { "nothing (it is closed)".to_string() } else { allowed.join(", ") }
    ))
}

/// Assign a mentor of the department to the enrolment, or end the assignment
/// with `mentor_id: null` (caseworkers).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path)), request_body = AssignMentorRequest,
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))))]
#[put("/enrolments/{id}/mentor")]
pub async fn assign_mentor(
    ctx: Ctx, id: web::Path<EnrolmentId>, body: Json<AssignMentorRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mentor = body.into_inner().mentor_id.map(Into::into);
    let view = run!(ctx, enrolment(id), |conn, audit| {
        let row = queries::find_for_caseworker(conn, &ctx.reach, id).await?;
        if let Some(mentor) = mentor {
            if row.restricted {
                return Err(ApiError::Conflict("Restricted enrolments have no mentors.".into()));
            }
            queries::check_staff(conn, "mentor_id", mentor, &row.department, "mentor", None).await?;
        }
        queries::set_mentor(conn, id, mentor, ctx.now).await?;
        let purpose = if mentor.is_some() { Purpose::MentorAssigned } else { Purpose::MentorUnassigned };
        audit.record(row.audited(Action::Update, Resource::EnrolmentMentor).resource_id(id).purpose(purpose));
        queries::view(conn, id, ctx.today()).await
    });
    Ok(with_version(HttpResponse::Ok(), view))
}

/// Check off a milestone as met (caseworkers, and the enrolment's mentor).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path), ("milestone_id" = Uuid, Path)),
    request_body = MeetMilestoneRequest, responses((status = 200, body = EnrolmentView)))]
#[post("/enrolments/{id}/milestones/{milestone_id}/met")]
pub async fn meet_milestone(
    ctx: Ctx, path: web::Path<(EnrolmentId, MilestoneId)>, body: Json<MeetMilestoneRequest>,
) -> JsonResult<EnrolmentView> {
    let (id, milestone) = path.into_inner();
    let met_on = body.into_inner().met_on;
    if met_on > ctx.today() {
        return Err(ApiError::invalid("met_on", "in_future", "cannot be after today"));
    }
    close_milestone(&ctx, id, milestone, Closing::Met(met_on)).await.map(web::Json)
}

/// Waive a milestone with a reason (caseworkers).
#[utoipa::path(tag = "enrolments", params(("id" = Uuid, Path), ("milestone_id" = Uuid, Path)),
    request_body = WaiveMilestoneRequest, responses((status = 200, body = EnrolmentView)))]
#[post("/enrolments/{id}/milestones/{milestone_id}/waive")]
pub async fn waive_milestone(
    ctx: Ctx, path: web::Path<(EnrolmentId, MilestoneId)>, body: Json<WaiveMilestoneRequest>,
) -> JsonResult<EnrolmentView> {
    let (id, milestone) = path.into_inner();
    let reason = bounded_text("reason", &body.into_inner().reason, 1, 2000)?;
    close_milestone(&ctx, id, milestone, Closing::Waived(reason)).await.map(web::Json)
}

/// How a milestone is closed.
enum Closing {
    Met(NaiveDate),
    Waived(String),
}

async fn close_milestone(
    ctx: &Ctx, id: EnrolmentId, milestone: MilestoneId, closing: Closing,
) -> ApiResult<EnrolmentView> {
    let view = run!(ctx, enrolment(id), |conn, audit| {
        let (row, view) = queries::find_visible(conn, &ctx.reach, id, true).await?;
        let (met_on, waived, reason) = match &closing {
            Closing::Met(on) => (Some(*on), None, Purpose::MilestoneMet),
            Closing::Waived(why) => (None, Some(why.as_str()), Purpose::MilestoneWaived),
        };
        // Waiving a deadline is a caseworker's decision.
        if !may_write(&ctx.actor, view) || (waived.is_some() && view != View::Caseworker) {
            return Err(ApiError::NotFound);
        }
        let by = ctx.actor.user_id;
        queries::close_milestone(conn, id, milestone, met_on, waived, by, ctx.now).await?;
        audit.record(row.audited(Action::Update, Resource::Milestone).resource_id(milestone).purpose(reason));
        queries::view(conn, id, ctx.today()).await
    });
    Ok(view)
}

/// Whether the actor may write on an enrolment seen as `view`.
pub fn may_write(actor: &Actor, view: View) -> bool {
    match view {
        View::Caseworker => actor.has_role(Role::Caseworker),
        View::Mentor => actor.has_role(Role::Mentor),
    }
}
