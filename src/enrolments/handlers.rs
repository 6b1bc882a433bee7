//! HTTP handlers for enrolments (forløb), their status, mentor and milestones.

use actix_web::http::header;
use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::domain::Status;
use super::dto::*;
use super::queries::{self, EnrolmentChangeset, Opening, Transition};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::citizens::queries as citizens;
use crate::db;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::http::{bounded_text, if_match, with_etag};
use crate::programmes::queries as programmes;
use crate::scope::{Reach, View};
use crate::state::AppState;

async fn entry(
    conn: &mut AsyncPgConnection,
    now: chrono::DateTime<chrono::Utc>,
    who: &AuditActor,
    action: Action,
    resource: Resource,
    id: Uuid,
    citizen: Uuid,
) -> ApiResult<()> {
    audit::record(
        conn,
        now,
        who,
        AuditEntry::new(action, resource, Outcome::Success)
            .resource_id(id)
            .citizen(citizen),
    )
    .await
}

/// Enrol a citizen in a programme of your department (caseworkers). A
/// restricted programme needs your restricted team. Milestones are created
/// from the programme's rules when the enrolment is active.
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path, description = "The citizen")),
    request_body = CreateEnrolmentRequest,
    responses((status = 201, body = EnrolmentView, headers(("Location" = String), ("ETag" = String)))),
)]
#[post("/citizens/{id}/enrolments")]
pub async fn create_enrolment(
    state: web::Data<AppState>,
    actor: Actor,
    citizen_id: web::Path<Uuid>,
    body: web::Json<CreateEnrolmentRequest>,
) -> ApiResult<HttpResponse> {
    let citizen_id = citizen_id.into_inner();
    let body = body.into_inner();
    let goals = bounded_text("goals", &body.goals, 0, 4000)?;
    let status = body.status.unwrap_or(Status::Active);
    if !matches!(status, Status::Referred | Status::Active) {
        return Err(ApiError::invalid(
            "status",
            "invalid",
            "an enrolment starts as referred or active",
        ));
    }
    let now = state.clock.now();
    let today = now.date_naive();
    let start_date = match status {
        Status::Active => Some(body.start_date.unwrap_or(today)),
        _ => body.start_date,
    };
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let actor_id = actor.user_id.0;
    let department = actor.department.to_string();
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_for_caseworker(conn, &reach, citizen_id.into(), false).await?;
            let programme = match programmes::find(conn, &body.programme_code).await {
                Err(ApiError::NotFound) => {
                    return Err(ApiError::invalid(
                        "programme_code",
                        "unknown",
                        "no such programme",
                    ))
                }
                other => other?,
            };
            if !programme.active {
                return Err(ApiError::invalid(
                    "programme_code",
                    "inactive",
                    "the programme takes no new enrolments",
                ));
            }
            if programme.department.as_str() != department {
                return Err(ApiError::Forbidden);
            }
            let id = queries::open(
                conn,
                &reach,
                Opening {
                    citizen_id,
                    programme: &programme,
                    department: &department,
                    caller: actor_id,
                    team_id: body.team_id,
                    responsible_caseworker_id: body.responsible_caseworker_id,
                    status,
                    start_date,
                    goals: &goals,
                    basis: "enrolment",
                },
                now,
            )
            .await?;
            entry(
                conn,
                now,
                &who,
                Action::Create,
                Resource::Enrolment,
                id,
                citizen_id,
            )
            .await?;
            queries::view(conn, id, today).await
        }
        .scope_boxed()
    })
    .await;
    let view = crate::request::on_not_found(
        &state,
        &actor,
        Resource::Citizen,
        citizen_id,
        Some(citizen_id),
        result,
    )
    .await?;
    let version = view.version;
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/enrolments/{}", view.id)))
        .json(view);
    Ok(with_etag(response, version))
}

/// A citizen's enrolments that you may see (a mentor: only the mentored one).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<EnrolmentView>)),
)]
#[get("/citizens/{id}/enrolments")]
pub async fn list_citizen_enrolments(
    state: web::Data<AppState>,
    actor: Actor,
    citizen_id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<EnrolmentView>>> {
    let citizen_id = citizen_id.into_inner();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_visible(conn, &reach, citizen_id.into(), false).await?;
            let rows = queries::list_for_citizen(conn, &reach, citizen_id).await?;
            entry(
                conn,
                now,
                &who,
                Action::Read,
                Resource::Enrolment,
                citizen_id,
                citizen_id,
            )
            .await?;
            queries::views(conn, rows, now.date_naive()).await
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(
            &state,
            &actor,
            Resource::Citizen,
            citizen_id,
            Some(citizen_id),
            result,
        )
        .await?,
    ))
}

/// One enrolment with its milestones.
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))),
)]
#[get("/enrolments/{id}")]
pub async fn find_enrolment(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let (row, _) = queries::find_visible(conn, &reach, id, false).await?;
            entry(
                conn,
                now,
                &who,
                Action::Read,
                Resource::Enrolment,
                id,
                row.citizen_id,
            )
            .await?;
            queries::views(conn, vec![row], now.date_naive())
                .await?
                .pop()
                .ok_or(ApiError::NotFound)
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    let version = view.version;
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}

/// Change an enrolment's goals, responsible caseworker or team (`If-Match`).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    request_body = UpdateEnrolmentRequest,
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))),
)]
#[patch("/enrolments/{id}")]
pub async fn update_enrolment(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<UpdateEnrolmentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let goals = body
        .goals
        .as_deref()
        .map(|g| bounded_text("goals", g, 0, 4000))
        .transpose()?;
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = queries::find_for_caseworker(conn, &reach, id).await?;
            if row.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let team = body.team_id.unwrap_or(row.team_id);
            if body.team_id.is_some() {
                queries::check_team(conn, team, &row.department, row.restricted, &reach).await?;
            }
            if let Some(cw) = body.responsible_caseworker_id {
                let team_required = row.restricted.then_some(team);
                queries::check_staff(
                    conn,
                    "responsible_caseworker_id",
                    cw,
                    &row.department,
                    "caseworker",
                    team_required,
                )
                .await?;
            }
            queries::update(
                conn,
                id,
                EnrolmentChangeset {
                    goals: goals.as_deref(),
                    responsible_caseworker_id: body.responsible_caseworker_id,
                    team_id: body.team_id,
                    updated_at: now,
                },
            )
            .await?;
            entry(
                conn,
                now,
                &who,
                Action::Update,
                Resource::Enrolment,
                id,
                row.citizen_id,
            )
            .await?;
            queries::view(conn, id, now.date_naive()).await
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    let version = view.version;
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}

/// Move an enrolment through its status machine; an invalid move answers 409
/// naming the allowed ones.
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path)),
    request_body = TransitionRequest,
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))),
)]
#[post("/enrolments/{id}/transitions")]
pub async fn transition_enrolment(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<TransitionRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let reason = bounded_text("reason", &body.reason, 1, 2000)?;
    let now = state.clock.now();
    let today = now.date_naive();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let actor_id = actor.user_id.0;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = queries::find_for_caseworker(conn, &reach, id).await?;
            let from = row.status()?;
            let to = body.to;
            if !from.allowed_next().contains(&to) {
                let allowed: Vec<&str> = from.allowed_next().iter().map(|s| s.as_str()).collect();
                return Err(ApiError::Conflict(format!(
                    "An enrolment that is {} can move to: {}.",
                    from.as_str(),
                    if allowed.is_empty() {
                        "nothing (it is closed)".to_string()
                    } else {
                        allowed.join(", ")
                    }
                )));
            }
            let starting = from == Status::Referred && to == Status::Active;
            let start_date = if starting {
                Some(row.start_date.unwrap_or(today))
            } else {
                row.start_date
            };
            let end_date = if to.is_open() { None } else { Some(today) };
            let transition = Transition {
                to,
                reason: &reason,
                actor: actor_id,
                start_date,
                end_date,
            };
            queries::record_transition(conn, &row, transition, now).await?;
            if !to.is_open() {
                queries::complete_referral(conn, id, now).await?;
            }
            if let (true, Some(start)) = (starting, start_date) {
                let programme = programmes::find(conn, &row.programme_code).await?;
                let dates = queries::anchor_dates(conn, row.citizen_id, start).await?;
                queries::create_milestones(conn, id, &programme.milestone_rules, &dates).await?;
            }
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Transition, Resource::Enrolment, Outcome::Success)
                    .resource_id(id)
                    .citizen(row.citizen_id)
                    .reason(format!("{} → {}: {reason}", from.as_str(), to.as_str())),
            )
            .await?;
            queries::view(conn, id, today).await
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    let version = view.version;
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}

/// Assign a mentor of the department to the enrolment, or end the assignment
/// with `mentor_id: null` (caseworkers).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path)),
    request_body = AssignMentorRequest,
    responses((status = 200, body = EnrolmentView, headers(("ETag" = String)))),
)]
#[put("/enrolments/{id}/mentor")]
pub async fn assign_mentor(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<AssignMentorRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mentor = body.into_inner().mentor_id;
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = queries::find_for_caseworker(conn, &reach, id).await?;
            if let Some(mentor) = mentor {
                if row.restricted {
                    return Err(ApiError::Conflict(
                        "Restricted enrolments have no mentors.".into(),
                    ));
                }
                queries::check_staff(conn, "mentor_id", mentor, &row.department, "mentor", None)
                    .await?;
            }
            queries::set_mentor(conn, id, mentor, now).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Update, Resource::EnrolmentMentor, Outcome::Success)
                    .resource_id(id)
                    .citizen(row.citizen_id)
                    .reason(match mentor {
                        Some(m) => format!("mentor assigned: {m}"),
                        None => "mentor assignment ended".to_string(),
                    }),
            )
            .await?;
            queries::view(conn, id, now.date_naive()).await
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    let version = view.version;
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}

/// Check off a milestone as met (caseworkers, and the enrolment's mentor).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path), ("milestone_id" = Uuid, Path)),
    request_body = MeetMilestoneRequest,
    responses((status = 200, body = EnrolmentView)),
)]
#[post("/enrolments/{id}/milestones/{milestone_id}/met")]
pub async fn meet_milestone(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<MeetMilestoneRequest>,
) -> ApiResult<web::Json<EnrolmentView>> {
    let (id, milestone) = path.into_inner();
    let met_on = body.into_inner().met_on;
    close_milestone(&state, &actor, id, milestone, Some(met_on), None)
        .await
        .map(web::Json)
}

/// Waive a milestone with a reason (caseworkers).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path), ("milestone_id" = Uuid, Path)),
    request_body = WaiveMilestoneRequest,
    responses((status = 200, body = EnrolmentView)),
)]
#[post("/enrolments/{id}/milestones/{milestone_id}/waive")]
pub async fn waive_milestone(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<WaiveMilestoneRequest>,
) -> ApiResult<web::Json<EnrolmentView>> {
    let (id, milestone) = path.into_inner();
    let reason = bounded_text("reason", &body.into_inner().reason, 1, 2000)?;
    close_milestone(&state, &actor, id, milestone, None, Some(reason))
        .await
        .map(web::Json)
}

async fn close_milestone(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    milestone: Uuid,
    met_on: Option<NaiveDate>,
    waived: Option<String>,
) -> ApiResult<EnrolmentView> {
    let now = state.clock.now();
    if met_on.is_some_and(|d| d > now.date_naive()) {
        return Err(ApiError::invalid(
            "met_on",
            "in_future",
            "cannot be after today",
        ));
    }
    let who = AuditActor::from(actor);
    let reach = Reach::of(actor);
    let actor_id = actor.user_id.0;
    let writer = actor.clone();
    let result = db::transaction(&state.pool, actor.into(), move |conn| {
        async move {
            let (row, view) = queries::find_visible(conn, &reach, id, true).await?;
            // Waiving a deadline is a caseworker's decision.
            if !may_write(&writer, view) || (waived.is_some() && view != View::Caseworker) {
                return Err(ApiError::NotFound);
            }
            queries::close_milestone(
                conn,
                id,
                milestone,
                met_on,
                waived.as_deref(),
                actor_id,
                now,
            )
            .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Update, Resource::Milestone, Outcome::Success)
                    .resource_id(milestone)
                    .citizen(row.citizen_id)
                    .reason(if waived.is_some() { "waived" } else { "met" }),
            )
            .await?;
            queries::view(conn, id, now.date_naive()).await
        }
        .scope_boxed()
    })
    .await;
    crate::request::on_not_found(state, actor, Resource::Enrolment, id, None, result).await
}

/// Whether the actor may write on an enrolment seen as `view`.
pub fn may_write(actor: &Actor, view: View) -> bool {
    match view {
        View::Caseworker => actor.has_role(Role::Caseworker),
        View::Mentor => actor.has_role(Role::Mentor),
    }
}
