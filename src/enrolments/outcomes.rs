//! Outcome measurements (principle C: effect is documented): at the start and
//! end of an enrolment and 6 and 12 months after.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use super::dto::{CreateOutcomeRequest, MeasurementPoint, OutcomeView};
use super::queries as enrolments;
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::citizens::codes::{DanishLevel, EmploymentStatus};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::schema::outcomes;
use crate::scope::Reach;
use crate::state::AppState;

#[derive(Queryable, Selectable)]
#[diesel(table_name = outcomes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct OutcomeRow {
    id: Uuid,
    enrolment_id: Uuid,
    measurement_point: String,
    measured_on: NaiveDate,
    employment_status: String,
    weekly_hours: Option<f32>,
    self_supporting: bool,
    in_education: bool,
    danish_level: Option<String>,
    recorded_by: Uuid,
    created_at: DateTime<Utc>,
}

impl OutcomeRow {
    fn into_view(self) -> ApiResult<OutcomeView> {
        let corrupt =
            || ApiError::internal(anyhow::anyhow!("unexpected outcome code in the database"));
        Ok(OutcomeView {
            id: self.id,
            enrolment_id: self.enrolment_id,
            measurement_point: MeasurementPoint::parse(&self.measurement_point)
                .ok_or_else(corrupt)?,
            measured_on: self.measured_on,
            employment_status: EmploymentStatus::parse(&self.employment_status)
                .ok_or_else(corrupt)?,
            weekly_hours: self.weekly_hours,
            self_supporting: self.self_supporting,
            in_education: self.in_education,
            danish_level: self
                .danish_level
                .as_deref()
                .map(|d| DanishLevel::parse(d).ok_or_else(corrupt))
                .transpose()?,
            recorded_by: self.recorded_by,
            created_at: self.created_at,
        })
    }
}

/// Record an outcome measurement (caseworkers); one per measurement point.
#[utoipa::path(
    tag = "outcomes",
    params(("id" = Uuid, Path, description = "The enrolment")),
    request_body = CreateOutcomeRequest,
    responses((status = 201, body = OutcomeView)),
)]
#[post("/enrolments/{id}/outcomes")]
pub async fn create_outcome(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<CreateOutcomeRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let now = state.clock.now();
    if body
        .weekly_hours
        .is_some_and(|h| !(0.0..=80.0).contains(&h))
    {
        return Err(ApiError::invalid(
            "weekly_hours",
            "out_of_range",
            "0–80 hours",
        ));
    }
    if body.measured_on > now.date_naive() {
        return Err(ApiError::invalid(
            "measured_on",
            "in_future",
            "cannot be after today",
        ));
    }
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let recorder = actor.user_id.0;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = enrolments::find_for_caseworker(conn, &reach, id).await?;
            let outcome_id = Uuid::now_v7();
            let inserted = diesel::insert_into(outcomes::table)
                .values((
                    outcomes::id.eq(outcome_id),
                    outcomes::enrolment_id.eq(id),
                    outcomes::citizen_id.eq(row.citizen_id),
                    outcomes::measurement_point.eq(body.measurement_point.as_str()),
                    outcomes::measured_on.eq(body.measured_on),
                    outcomes::employment_status.eq(body.employment_status.as_str()),
                    outcomes::weekly_hours.eq(body.weekly_hours),
                    outcomes::self_supporting.eq(body.self_supporting),
                    outcomes::in_education.eq(body.in_education),
                    outcomes::danish_level.eq(body.danish_level.map(DanishLevel::as_str)),
                    outcomes::recorded_by.eq(recorder),
                    outcomes::created_at.eq(now),
                ))
                .execute(conn)
                .await;
            match inserted {
                Err(e) if db::is_unique_violation(&e) => {
                    return Err(ApiError::Conflict(
                        "That measurement point is already recorded for this enrolment.".into(),
                    ))
                }
                other => other?,
            };
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Outcome, Outcome::Success)
                    .resource_id(outcome_id)
                    .citizen(row.citizen_id),
            )
            .await?;
            outcomes::table
                .find(outcome_id)
                .select(OutcomeRow::as_select())
                .first::<OutcomeRow>(conn)
                .await?
                .into_view()
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The enrolment's outcome measurements (caseworkers and managers).
#[utoipa::path(
    tag = "outcomes",
    params(("id" = Uuid, Path, description = "The enrolment")),
    responses((status = 200, body = Vec<OutcomeView>)),
)]
#[get("/enrolments/{id}/outcomes")]
pub async fn list_outcomes(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<OutcomeView>>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = enrolments::find_for_caseworker(conn, &reach, id).await?;
            let rows: Vec<OutcomeRow> = outcomes::table
                .filter(outcomes::enrolment_id.eq(id))
                .order(outcomes::measured_on)
                .select(OutcomeRow::as_select())
                .load(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::Outcome, Outcome::Success)
                    .resource_id(id)
                    .citizen(row.citizen_id),
            )
            .await?;
            rows.into_iter().map(OutcomeRow::into_view).collect()
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?,
    ))
}
