//! HTTP handlers for referrals.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::queries::{self, Direction, ReferralRow, ReferralStatus, ReferralView};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::citizens::queries as citizens;
use crate::consents::queries as consents;
use crate::db;
use crate::enrolments::domain::Status;
use crate::enrolments::queries::{self as enrolments, Opening};
use crate::error::{ApiError, ApiResult};
use crate::http::{bounded_text, Page, PageParams};
use crate::programmes::queries as programmes;
use crate::schema::referrals;
use crate::scope::Reach;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendReferralRequest {
    pub citizen_id: Uuid,
    /// A programme of another department (not a restricted one: those take
    /// concerns).
    pub programme_code: String,
    /// Why, for the receiving department (1–4000 characters).
    pub reason: String,
    /// A valid consent of the citizen covering the receiving department …
    pub consent_id: Option<Uuid>,
    /// … or the legal basis for referring without one (e.g. "LAB § 8").
    pub legal_basis: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AcceptReferralRequest {
    /// A team of your department; defaults to yours.
    pub team_id: Option<Uuid>,
    /// Defaults to you.
    pub responsible_caseworker_id: Option<Uuid>,
    /// `referred` or `active` (default).
    pub status: Option<Status>,
    /// Defaults to today for an active enrolment.
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub goals: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineReferralRequest {
    /// Why (1–2000 characters); the sender sees it.
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawReferralRequest {
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
pub enum ReferralDirection {
    Incoming,
    Outgoing,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReferralListParams {
    /// `incoming` (default): sent to your department; `outgoing`: sent by it.
    pub direction: Option<ReferralDirection>,
    pub status: Option<ReferralStatus>,
    /// Items per page, 1–200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn read_entry(r: &ReferralRow) -> AuditEntry {
    AuditEntry::new(Action::Read, Resource::Referral, Outcome::Success)
        .resource_id(r.id)
        .citizen(r.citizen_id)
}

fn update_entry(r: &ReferralRow, what: &str) -> AuditEntry {
    AuditEntry::new(Action::Update, Resource::Referral, Outcome::Success)
        .resource_id(r.id)
        .citizen(r.citizen_id)
        .reason(what.to_string())
}

/// The referral, locked, if it waits for a decision and the caller's
/// department is the one that may make this move.
async fn waiting(
    conn: &mut AsyncPgConnection,
    reach: &Reach,
    id: Uuid,
    department: &str,
    receiver: bool,
) -> ApiResult<ReferralRow> {
    let row = queries::find(conn, reach, id, true).await?;
    let side = if receiver {
        &row.to_department
    } else {
        &row.from_department
    };
    if side != department {
        return Err(ApiError::Forbidden);
    }
    let status = row.status()?;
    if status != ReferralStatus::Sent {
        return Err(ApiError::Conflict(format!(
            "The referral is {}; only a sent referral can be decided or withdrawn.",
            status.as_str()
        )));
    }
    Ok(row)
}

async fn set_status(
    conn: &mut AsyncPgConnection,
    row: &ReferralRow,
    to: ReferralStatus,
    by: Uuid,
    reason: Option<&str>,
    enrolment: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<()> {
    diesel::update(referrals::table.find(row.id))
        .set((
            referrals::status.eq(to.as_str()),
            referrals::decided_by.eq(by),
            referrals::decided_at.eq(now),
            referrals::decision_reason.eq(reason),
            referrals::enrolment_id.eq(enrolment),
            referrals::closed_at.eq((to != ReferralStatus::Accepted).then_some(now)),
            referrals::version.eq(referrals::version + 1),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Refer a citizen you work with to another department's programme, on the
/// citizen's consent or a stated legal basis (caseworkers).
#[utoipa::path(
    tag = "referrals",
    request_body = SendReferralRequest,
    responses((status = 201, body = ReferralView, headers(("Location" = String)))),
)]
#[post("/referrals")]
pub async fn send_referral(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<SendReferralRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let reason = bounded_text("reason", &body.reason, 1, 4000)?;
    let legal_basis = body
        .legal_basis
        .as_deref()
        .map(|b| bounded_text("legal_basis", b, 1, 500))
        .transpose()?;
    if body.consent_id.is_none() && legal_basis.is_none() {
        return Err(ApiError::invalid(
            "legal_basis",
            "required",
            "a referral needs the citizen's consent (consent_id) or a stated legal basis (legal_basis)",
        ));
    }
    let citizen = body.citizen_id;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_for_caseworker(conn, &reach, citizen.into(), false).await?;
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
            let to = programme.department.to_string();
            let refused = if !programme.active {
                Some(("inactive", "the programme takes no new enrolments"))
            } else if programme.restricted {
                Some((
                    "restricted",
                    "restricted programmes take concerns (POST /api/v1/concerns), not referrals",
                ))
            } else if to == department {
                Some((
                    "own_department",
                    "a programme of your own department: enrol the citizen directly",
                ))
            } else {
                None
            };
            if let Some((code, message)) = refused {
                return Err(ApiError::invalid("programme_code", code, message));
            }
            if let Some(consent) = body.consent_id {
                let found = match consents::find(conn, citizen, consent, false).await {
                    Err(ApiError::NotFound) => None,
                    other => Some(other?),
                };
                let problem = match &found {
                    None => Some(("unknown", "no such consent of this citizen")),
                    Some(c) if !c.valid_at(now) => {
                        Some(("not_valid", "the consent is withdrawn or expired"))
                    }
                    Some(c) if !c.covers(&to) => Some((
                        "not_covering",
                        "the consent does not cover the receiving department",
                    )),
                    Some(_) => None,
                };
                if let Some((code, message)) = problem {
                    return Err(ApiError::invalid("consent_id", code, message));
                }
            }
            let open: i64 = referrals::table
                .filter(referrals::citizen_id.eq(citizen))
                .filter(referrals::programme_code.eq(&programme.code))
                .filter(referrals::status.eq(ReferralStatus::Sent.as_str()))
                .count()
                .get_result(conn)
                .await?;
            if open > 0 {
                return Err(ApiError::Conflict(
                    "The citizen is already referred to this programme and waiting for a decision."
                        .into(),
                ));
            }
            let id = Uuid::now_v7();
            diesel::insert_into(referrals::table)
                .values((
                    referrals::id.eq(id),
                    referrals::citizen_id.eq(citizen),
                    referrals::programme_code.eq(&programme.code),
                    referrals::from_department.eq(&department),
                    referrals::to_department.eq(&to),
                    referrals::sent_by.eq(user),
                    referrals::sent_at.eq(now),
                    referrals::reason.eq(&reason),
                    referrals::consent_id.eq(body.consent_id),
                    referrals::legal_basis.eq(&legal_basis),
                    referrals::status.eq(ReferralStatus::Sent.as_str()),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Referral, Outcome::Success)
                    .resource_id(id)
                    .citizen(citizen)
                    .reason(format!("to {to}")),
            )
            .await?;
            let row = queries::find(conn, &reach, id, false).await?;
            queries::view(conn, row).await
        }
        .scope_boxed()
    })
    .await;
    let view = crate::request::on_not_found(
        &state,
        &actor,
        Resource::Citizen,
        citizen,
        Some(citizen),
        result,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/referrals/{}", view.id)))
        .json(view))
}

/// Your department's referrals: the inbox (`direction=incoming`, default) or
/// the ones it sent (`outgoing`), oldest first.
#[utoipa::path(
    tag = "referrals",
    params(ReferralListParams),
    responses((status = 200, body = Page<ReferralView>)),
)]
#[get("/referrals")]
pub async fn list_referrals(
    state: web::Data<AppState>,
    actor: Actor,
    params: web::Query<ReferralListParams>,
) -> ApiResult<web::Json<Page<ReferralView>>> {
    let params = params.into_inner();
    let page = PageParams {
        limit: params.limit,
        cursor: params.cursor,
    };
    let (limit, after) = (page.limit()?, page.after()?);
    let direction = match params.direction.unwrap_or(ReferralDirection::Incoming) {
        ReferralDirection::Incoming => Direction::Incoming,
        ReferralDirection::Outgoing => Direction::Outgoing,
    };
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let department = actor.department.to_string();
    let page = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let rows = queries::list(
                conn,
                &reach,
                &department,
                direction,
                params.status,
                after,
                limit,
            )
            .await?;
            let page = Page::from_rows(rows, limit, |r| r.id);
            let entries: Vec<AuditEntry> = page.items.iter().map(read_entry).collect();
            if !entries.is_empty() {
                audit::record_many(conn, now, &who, entries).await?;
            }
            Ok(Page {
                items: queries::views(conn, page.items).await?,
                next_cursor: page.next_cursor,
            })
        }
        .scope_boxed()
    })
    .await?;
    Ok(web::Json(page))
}

/// One referral your department sent or received.
#[utoipa::path(tag = "referrals", params(("id" = Uuid, Path)), responses((status = 200, body = ReferralView)))]
#[get("/referrals/{id}")]
pub async fn find_referral(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ReferralView>> {
    let id = id.into_inner();
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = queries::find(conn, &reach, id, false).await?;
            audit::record(conn, now, &who, read_entry(&row)).await?;
            queries::view(conn, row).await
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Referral, id, None, result).await?,
    ))
}

/// Accept a referral to your department: your department becomes involved
/// with the citizen and the enrolment is created (caseworkers of the
/// receiving department).
#[utoipa::path(
    tag = "referrals",
    params(("id" = Uuid, Path)),
    request_body = AcceptReferralRequest,
    responses((status = 200, body = ReferralView)),
)]
#[post("/referrals/{id}/accept")]
pub async fn accept_referral(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<AcceptReferralRequest>,
) -> ApiResult<web::Json<ReferralView>> {
    let id = id.into_inner();
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
    let now = actor.now;
    let start_date = match status {
        Status::Active => Some(body.start_date.unwrap_or(now.date_naive())),
        _ => body.start_date,
    };
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = waiting(conn, &reach, id, &department, true).await?;
            let programme = programmes::find(conn, &row.programme_code).await?;
            let enrolment = enrolments::open(
                conn,
                &reach,
                Opening {
                    citizen_id: row.citizen_id.into(),
                    programme: &programme,
                    department: &department,
                    caller: user.into(),
                    team_id: body.team_id.map(Into::into),
                    responsible_caseworker_id: body.responsible_caseworker_id.map(Into::into),
                    status,
                    start_date,
                    goals: &goals,
                    basis: "referral",
                },
                now,
            )
            .await?;
            set_status(
                conn,
                &row,
                ReferralStatus::Accepted,
                user,
                None,
                Some(enrolment.into()),
                now,
            )
            .await?;
            audit::record_many(
                conn,
                now,
                &who,
                vec![
                    update_entry(&row, "accepted"),
                    AuditEntry::new(Action::Create, Resource::Enrolment, Outcome::Success)
                        .resource_id(enrolment)
                        .citizen(row.citizen_id)
                        .reason(format!("from referral {id}")),
                ],
            )
            .await?;
            let row = queries::find(conn, &reach, id, false).await?;
            queries::view(conn, row).await
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Referral, id, None, result).await?,
    ))
}

/// Decline a referral to your department, with a reason the sender sees.
#[utoipa::path(
    tag = "referrals",
    params(("id" = Uuid, Path)),
    request_body = DeclineReferralRequest,
    responses((status = 200, body = ReferralView)),
)]
#[post("/referrals/{id}/decline")]
pub async fn decline_referral(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<DeclineReferralRequest>,
) -> ApiResult<web::Json<ReferralView>> {
    let reason = bounded_text("reason", &body.reason, 1, 2000)?;
    close(
        state,
        actor,
        id.into_inner(),
        ReferralStatus::Declined,
        Some(reason),
    )
    .await
}

/// Withdraw a referral your department sent, while it waits for a decision.
#[utoipa::path(
    tag = "referrals",
    params(("id" = Uuid, Path)),
    request_body = WithdrawReferralRequest,
    responses((status = 200, body = ReferralView)),
)]
#[post("/referrals/{id}/withdraw")]
pub async fn withdraw_referral(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<WithdrawReferralRequest>,
) -> ApiResult<web::Json<ReferralView>> {
    let reason = body
        .into_inner()
        .reason
        .map(|r| bounded_text("reason", &r, 1, 2000))
        .transpose()?;
    close(
        state,
        actor,
        id.into_inner(),
        ReferralStatus::Withdrawn,
        reason,
    )
    .await
}

/// Declines (the receiver) or withdraws (the sender) a waiting referral.
async fn close(
    state: web::Data<AppState>,
    actor: Actor,
    id: Uuid,
    to: ReferralStatus,
    reason: Option<String>,
) -> ApiResult<web::Json<ReferralView>> {
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let receiver = to == ReferralStatus::Declined;
            let row = waiting(conn, &reach, id, &department, receiver).await?;
            set_status(conn, &row, to, user, reason.as_deref(), None, now).await?;
            audit::record(conn, now, &who, update_entry(&row, to.as_str())).await?;
            let row = queries::find(conn, &reach, id, false).await?;
            queries::view(conn, row).await
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Referral, id, None, result).await?,
    ))
}
