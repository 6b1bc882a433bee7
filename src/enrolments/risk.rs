//! Risk assessments, and the Barnets Lov interlock: for a child in a
//! restricted enrolment, contact with the parents is refused until a risk
//! assessment is recorded.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::queries::{self as enrolments, EnrolmentRow};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;
use crate::schema::{citizens, risk_assessments};
use crate::scope::Reach;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRiskAssessmentRequest {
    pub level: RiskLevel,
    pub assessed_at: DateTime<Utc>,
    pub summary: String,
}

#[derive(Serialize, ToSchema, Queryable, Selectable, Debug)]
#[diesel(table_name = risk_assessments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct RiskAssessmentView {
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub level: String,
    pub assessed_at: DateTime<Utc>,
    pub summary: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
}

fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Refuses contact with the family of a child in a restricted enrolment
/// that has no risk assessment yet (409).
pub async fn check_family_contact(
    conn: &mut AsyncPgConnection,
    enrolment: &EnrolmentRow,
    today: NaiveDate,
) -> ApiResult<()> {
    if !enrolment.restricted {
        return Ok(());
    }
    let birth: NaiveDate = citizens::table
        .find(enrolment.citizen_id)
        .select(citizens::birth_date)
        .first(conn)
        .await?;
    if age_on(birth, today) >= 18 {
        return Ok(());
    }
    let assessed: i64 = risk_assessments::table
        .filter(risk_assessments::enrolment_id.eq(enrolment.id))
        .count()
        .get_result(conn)
        .await?;
    if assessed == 0 {
        return Err(ApiError::Conflict(
            "Barnets Lov: record a risk assessment before any contact with the child's parents is logged.".into(),
        ));
    }
    Ok(())
}

/// Record a risk assessment (caseworkers of the enrolment's department or restricted team).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path, description = "The enrolment")),
    request_body = CreateRiskAssessmentRequest,
    responses((status = 201, body = RiskAssessmentView)),
)]
#[post("/enrolments/{id}/risk-assessments")]
pub async fn create_risk_assessment(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<CreateRiskAssessmentRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let summary = bounded_text("summary", &body.summary, 1, 20_000)?;
    let now = actor.now;
    if body.assessed_at > now + chrono::Duration::minutes(5) {
        return Err(ApiError::invalid(
            "assessed_at",
            "in_future",
            "cannot be in the future",
        ));
    }
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let author = actor.user_id.0;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = enrolments::find_for_caseworker(conn, &reach, id).await?;
            let assessment = Uuid::now_v7();
            diesel::insert_into(risk_assessments::table)
                .values((
                    risk_assessments::id.eq(assessment),
                    risk_assessments::enrolment_id.eq(id),
                    risk_assessments::citizen_id.eq(row.citizen_id),
                    risk_assessments::level.eq(body.level.as_str()),
                    risk_assessments::assessed_at.eq(body.assessed_at),
                    risk_assessments::summary.eq(&summary),
                    risk_assessments::author_id.eq(author),
                    risk_assessments::created_at.eq(now),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::RiskAssessment, Outcome::Success)
                    .resource_id(assessment)
                    .citizen(row.citizen_id),
            )
            .await?;
            Ok(risk_assessments::table
                .find(assessment)
                .select(RiskAssessmentView::as_select())
                .first::<RiskAssessmentView>(conn)
                .await?)
        }
        .scope_boxed()
    })
    .await;
    let view =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The enrolment's risk assessments (its department's caseworkers and managers).
#[utoipa::path(
    tag = "enrolments",
    params(("id" = Uuid, Path, description = "The enrolment")),
    responses((status = 200, body = Vec<RiskAssessmentView>)),
)]
#[get("/enrolments/{id}/risk-assessments")]
pub async fn list_risk_assessments(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<RiskAssessmentView>>> {
    let id = id.into_inner();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let now = actor.now;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = enrolments::find_for_caseworker(conn, &reach, id).await?;
            let list: Vec<RiskAssessmentView> = risk_assessments::table
                .filter(risk_assessments::enrolment_id.eq(id))
                .order(risk_assessments::assessed_at)
                .select(RiskAssessmentView::as_select())
                .load(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::RiskAssessment, Outcome::Success)
                    .resource_id(id)
                    .citizen(row.citizen_id),
            )
            .await?;
            Ok(list)
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::age_on;
    use chrono::NaiveDate;

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age_on(d(2008, 6, 15), d(2026, 6, 14)), 17);
        assert_eq!(age_on(d(2008, 6, 15), d(2026, 6, 15)), 18);
    }
}
