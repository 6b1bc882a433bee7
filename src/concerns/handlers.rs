//! HTTP handlers for concerns: parse, run the work in the request's
//! pipeline (`request::Ctx::run`), answer the receipt or view.

use actix_web::{get, post, web};

use super::dto::*;
use super::queries::{self, ConcernRow, NewConcern};
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::citizens::queries as citizens;
use crate::domain::{CitizenId, ConcernId, TeamId};
use crate::enrolments::domain::Status;
use crate::enrolments::dto::EnrolmentView;
use crate::enrolments::queries::{self as enrolments, NewEnrolment};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::Json;
use crate::idempotency::Answer;
use crate::programmes::queries as programmes;
use crate::request::{create, run, Ctx, Subject};

/// The restricted programme a concern opens.
const PROGRAMME: &str = "negativ_social_kontrol";

/// The restricted teams the caller belongs to: whose concerns they read.
fn teams_of(ctx: &Ctx) -> Vec<TeamId> {
    ctx.actor.restricted_teams().into_iter().map(TeamId).collect()
}

/// File a concern about a citizen you can see, to the restricted team. You
/// get a receipt and can read nothing more of it.
#[utoipa::path(tag = "concerns", request_body = FileConcernRequest, responses((status = 201, body = ConcernReceipt)))]
#[post("/concerns")]
pub async fn file_concern(ctx: Ctx, Json(body): Json<FileConcernRequest>) -> ApiResult<Answer> {
    let (text, signs) = body.validate()?;
    let citizen = CitizenId(body.citizen_id);
    create!(ctx, Subject::citizen(citizen), &body, |conn, audit| {
        citizens::find_visible(conn, &ctx.reach, citizen, false).await?;
        let team = queries::receiving_team(conn)
            .await?
            .ok_or_else(|| ApiError::Unavailable("no restricted team receives concerns".into()))?;
        let new = NewConcern {
            citizen_id: citizen,
            team_id: team,
            filed_by: ctx.actor.user_id,
            filer_department: ctx.department(),
            text: &text,
            signs: &signs,
        };
        let id = queries::insert(conn, new, ctx.now).await?;
        // Even that a concern exists is for the team's eyes.
        audit.record(
            AuditEntry::success(Action::Create, Resource::Concern)
                .resource_id(id)
                .citizen(citizen)
                .restricted_to(team.into()),
        );
        Answer::created(&ConcernReceipt { id: id.into(), received_at: ctx.now })
    })
}

/// The restricted team's inbox of concerns, oldest first, with the informant.
#[utoipa::path(tag = "concerns", responses((status = 200, body = Vec<ConcernView>)))]
#[get("/concerns")]
pub async fn list_concerns(ctx: Ctx) -> JsonResult<Vec<ConcernView>> {
    let teams = teams_of(&ctx);
    if teams.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let rows = run!(ctx, Subject::none(), |conn, audit| {
        let rows = queries::inbox(conn, &teams).await?;
        let read = || AuditEntry::success(Action::Read, Resource::Concern);
        audit.listed(rows.iter().map(|c| read().resource_id(c.id).citizen(c.citizen_id)), read());
        Ok(rows)
    });
    Ok(web::Json(rows.into_iter().map(ConcernRow::into_view).collect()))
}

/// Open a restricted case (negative social control) from a concern, owned by
/// the receiving team with you responsible.
#[utoipa::path(tag = "concerns", params(("id" = Uuid, Path)), request_body = OpenCaseRequest,
    responses((status = 201, body = EnrolmentView, headers(("Location" = String)))))]
#[post("/concerns/{id}/open")]
pub async fn open_case(ctx: Ctx, id: web::Path<ConcernId>, Json(body): Json<OpenCaseRequest>) -> ApiResult<Answer> {
    let id = id.into_inner();
    let claim = ctx.claim(&body)?;
    let goals = body.goals()?;
    let teams = teams_of(&ctx);
    create!(ctx, Subject::new(Resource::Concern, id), claimed claim, |conn, audit| {
        let concern = queries::find_for_team(conn, id, &teams).await?;
        if concern.opened_enrolment_id.is_some() {
            return Err(ApiError::Conflict("A case is already opened from this concern.".into()));
        }
        let programme = programmes::find(conn, PROGRAMME).await?;
        let department = ctx.department();
        if programme.department != department {
            return Err(ApiError::Forbidden);
        }
        let (citizen, team) = (concern.citizen_id, concern.team_id);
        citizens::ensure_involvement(
            conn,
            citizen.into(),
            department.as_str(),
            Some(team.into()),
            "enrolment",
            ctx.now,
        )
        .await?;
        let new = NewEnrolment {
            citizen_id: citizen,
            programme_code: PROGRAMME,
            department: department.as_str(),
            restricted: true,
            team_id: team,
            responsible_caseworker_id: ctx.actor.user_id,
            status: Status::Active,
            start_date: Some(ctx.today()),
            goals: &goals,
        };
        let enrolment = enrolments::insert(conn, new, ctx.now).await?;
        let dates = enrolments::anchor_dates(conn, citizen, ctx.today()).await?;
        enrolments::create_milestones(conn, enrolment, &programme.milestone_rules, &dates).await?;
        queries::mark_opened(conn, id, enrolment, ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::Create, Resource::Enrolment)
                .resource_id(enrolment)
                .citizen(citizen)
                .restricted_to(team.into())
                .purpose(Purpose::FromConcern),
        );
        let view = enrolments::view(conn, enrolment, ctx.today()).await?;
        Ok(Answer::created(&view)?.at(format!("/api/v1/enrolments/{}", view.id)).version(view.version))
    })
}
