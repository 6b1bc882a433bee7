//! HTTP handlers for concerns.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::citizens::queries as citizens;
use crate::db;
use crate::enrolments::domain::Status;
use crate::enrolments::dto::EnrolmentView;
use crate::enrolments::queries::{self as enrolments, NewEnrolment};
use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;
use crate::programmes::queries as programmes;
use crate::schema::concerns;
use crate::scope::Reach;
use crate::state::AppState;

/// The restricted programme a concern opens.
const PROGRAMME: &str = "negativ_social_kontrol";

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileConcernRequest {
    pub citizen_id: Uuid,
    pub text: String,
    /// Observed signs, as short phrases (at most 10).
    #[serde(default)]
    pub signs: Vec<String>,
}

/// All the informant gets back.
#[derive(Serialize, ToSchema)]
pub struct ConcernReceipt {
    pub id: Uuid,
    pub received_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema, Queryable, Selectable, Debug)]
#[diesel(table_name = concerns)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ConcernView {
    pub id: Uuid,
    pub citizen_id: Uuid,
    /// The informant.
    pub filed_by: Uuid,
    pub filer_department: String,
    pub text: String,
    pub signs: Vec<String>,
    pub received_at: DateTime<Utc>,
    pub opened_enrolment_id: Option<Uuid>,
    pub handled_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    #[serde(default)]
    pub goals: String,
}

#[derive(QueryableByName)]
struct Team {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    team: Option<Uuid>,
}

/// File a concern about a citizen you can see, to the restricted team. You
/// get a receipt and can read nothing more of it.
#[utoipa::path(tag = "concerns", request_body = FileConcernRequest, responses((status = 201, body = ConcernReceipt)))]
#[post("/concerns")]
pub async fn file_concern(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<FileConcernRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let text = bounded_text("text", &body.text, 1, 20_000)?;
    let signs: Vec<String> = body
        .signs
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if signs.len() > 10 || signs.iter().any(|s| s.chars().count() > 200) {
        return Err(ApiError::invalid(
            "signs",
            "invalid",
            "at most 10 signs of at most 200 characters",
        ));
    }
    let citizen = body.citizen_id;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_visible(conn, &reach, citizen.into(), false).await?;
            let team: Team = diesel::sql_query("SELECT medborger_concern_team() AS team")
                .get_result(conn)
                .await?;
            let team = team.team.ok_or_else(|| {
                ApiError::Unavailable("no restricted team receives concerns".into())
            })?;
            let id = Uuid::now_v7();
            // No RETURNING: the informant may not read the concern back.
            diesel::insert_into(concerns::table)
                .values((
                    concerns::id.eq(id),
                    concerns::citizen_id.eq(citizen),
                    concerns::team_id.eq(team),
                    concerns::filed_by.eq(user),
                    concerns::filer_department.eq(&department),
                    concerns::text.eq(&text),
                    concerns::signs.eq(&signs),
                    concerns::received_at.eq(now),
                ))
                .execute(conn)
                .await?;
            // Even that a concern exists is for the team's eyes.
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Concern, Outcome::Success)
                    .resource_id(id)
                    .citizen(citizen)
                    .restricted_to(team),
            )
            .await?;
            Ok(ConcernReceipt {
                id,
                received_at: now,
            })
        }
        .scope_boxed()
    })
    .await;
    let receipt = crate::request::on_not_found(
        &state,
        &actor,
        Resource::Citizen,
        citizen,
        Some(citizen),
        result,
    )
    .await?;
    Ok(HttpResponse::Created().json(receipt))
}

/// The restricted team's inbox of concerns, oldest first, with the informant.
#[utoipa::path(tag = "concerns", responses((status = 200, body = Vec<ConcernView>)))]
#[get("/concerns")]
pub async fn list_concerns(
    state: web::Data<AppState>,
    actor: Actor,
) -> ApiResult<web::Json<Vec<ConcernView>>> {
    let teams: Vec<Uuid> = actor.restricted_teams();
    if teams.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let who = AuditActor::from(&actor);
    let now = actor.now;
    let list = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let list: Vec<ConcernView> = concerns::table
                .filter(concerns::team_id.eq_any(&teams))
                .order(concerns::received_at)
                .select(ConcernView::as_select())
                .limit(500)
                .load(conn)
                .await?;
            let entries: Vec<AuditEntry> = list
                .iter()
                .map(|c| {
                    AuditEntry::new(Action::Read, Resource::Concern, Outcome::Success)
                        .resource_id(c.id)
                        .citizen(c.citizen_id)
                })
                .collect();
            if !entries.is_empty() {
                audit::record_many(conn, now, &who, entries).await?;
            }
            Ok(list)
        }
        .scope_boxed()
    })
    .await?;
    Ok(web::Json(list))
}

/// Open a restricted case (negative social control) from a concern, owned by
/// the receiving team with you responsible.
#[utoipa::path(
    tag = "concerns",
    params(("id" = Uuid, Path)),
    request_body = OpenCaseRequest,
    responses((status = 201, body = EnrolmentView, headers(("Location" = String)))),
)]
#[post("/concerns/{id}/open")]
pub async fn open_case(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<OpenCaseRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let goals = body.into_inner().goals.trim().to_string();
    if goals.chars().count() > 4000 {
        return Err(ApiError::invalid(
            "goals",
            "too_long",
            "at most 4000 characters",
        ));
    }
    let teams: Vec<Uuid> = actor.restricted_teams();
    let who = AuditActor::from(&actor);
    let now = actor.now;
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let concern: ConcernView = concerns::table
                .find(id)
                .filter(concerns::team_id.eq_any(&teams))
                .select(ConcernView::as_select())
                .for_update()
                .first(conn)
                .await?;
            if concern.opened_enrolment_id.is_some() {
                return Err(ApiError::Conflict(
                    "A case is already opened from this concern.".into(),
                ));
            }
            let team: Uuid = concerns::table
                .find(id)
                .select(concerns::team_id)
                .first(conn)
                .await?;
            let programme = programmes::find(conn, PROGRAMME).await?;
            if programme.department.as_str() != department {
                return Err(ApiError::Forbidden);
            }
            citizens::ensure_involvement(
                conn,
                concern.citizen_id,
                &department,
                Some(team),
                "enrolment",
                now,
            )
            .await?;
            let enrolment = enrolments::insert(
                conn,
                NewEnrolment {
                    citizen_id: concern.citizen_id.into(),
                    programme_code: PROGRAMME,
                    department: &department,
                    restricted: true,
                    team_id: team.into(),
                    responsible_caseworker_id: user.into(),
                    status: Status::Active,
                    start_date: Some(now.date_naive()),
                    goals: &goals,
                },
                now,
            )
            .await?;
            let dates =
                enrolments::anchor_dates(conn, concern.citizen_id.into(), now.date_naive()).await?;
            enrolments::create_milestones(conn, enrolment, &programme.milestone_rules, &dates)
                .await?;
            diesel::update(concerns::table.find(id))
                .set((
                    concerns::opened_enrolment_id.eq(enrolment),
                    concerns::handled_at.eq(now),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Enrolment, Outcome::Success)
                    .resource_id(enrolment)
                    .citizen(concern.citizen_id)
                    .reason(format!("opened from concern {id}")),
            )
            .await?;
            enrolments::view(conn, enrolment, now.date_naive()).await
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Concern, id, None, result).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/enrolments/{}", view.id)))
        .json(view))
}
