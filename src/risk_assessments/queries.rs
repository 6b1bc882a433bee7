//! Database access for risk assessments, and the interlock's check. Reach
//! is checked on the enrolment first.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::domain::is_child;
use super::dto::{RiskAssessmentView, RiskLevel};
use crate::domain::{CitizenId, EnrolmentId, RiskAssessmentId, UserId};
use crate::enrolments::queries::EnrolmentRow;
use crate::error::{ApiError, ApiResult};
use crate::schema::{citizens, risk_assessments};

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = risk_assessments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct RiskAssessmentRow {
    pub id: RiskAssessmentId,
    pub enrolment_id: EnrolmentId,
    pub level: String,
    pub assessed_at: DateTime<Utc>,
    pub summary: String,
    pub author_id: UserId,
    pub created_at: DateTime<Utc>,
}

impl RiskAssessmentRow {
    pub fn into_view(self) -> RiskAssessmentView {
        RiskAssessmentView {
            id: self.id.into(),
            enrolment_id: self.enrolment_id.into(),
            level: self.level,
            assessed_at: self.assessed_at,
            summary: self.summary,
            author_id: self.author_id.into(),
            created_at: self.created_at,
        }
    }
}

pub struct NewRiskAssessment<'a> {
    pub enrolment_id: EnrolmentId,
    pub citizen_id: CitizenId,
    pub level: RiskLevel,
    pub assessed_at: DateTime<Utc>,
    pub summary: &'a str,
    pub author_id: UserId,
}

pub async fn insert(
    conn: &mut AsyncPgConnection, new: NewRiskAssessment<'_>, now: DateTime<Utc>,
) -> ApiResult<RiskAssessmentRow> {
    Ok(diesel::insert_into(risk_assessments::table)
        .values((
            risk_assessments::id.eq(Uuid::now_v7()),
            risk_assessments::enrolment_id.eq(new.enrolment_id),
            risk_assessments::citizen_id.eq(new.citizen_id),
            risk_assessments::level.eq(new.level.as_str()),
            risk_assessments::assessed_at.eq(new.assessed_at),
            risk_assessments::summary.eq(new.summary),
            risk_assessments::author_id.eq(new.author_id),
            risk_assessments::created_at.eq(now),
        ))
        .returning(RiskAssessmentRow::as_returning())
        .get_result(conn)
        .await?)
}

/// The enrolment's risk assessments, oldest first.
pub async fn list(conn: &mut AsyncPgConnection, enrolment: EnrolmentId) -> ApiResult<Vec<RiskAssessmentRow>> {
    Ok(risk_assessments::table
        .filter(risk_assessments::enrolment_id.eq(enrolment))
        .order(risk_assessments::assessed_at)
        .select(RiskAssessmentRow::as_select())
        .load(conn)
        .await?)
}

/// Refuses contact with the family of a child in a restricted enrolment
/// that has no risk assessment yet (409).
pub async fn check_family_contact(
    conn: &mut AsyncPgConnection, enrolment: &EnrolmentRow, today: NaiveDate,
) -> ApiResult<()> {
    if !enrolment.restricted {
        return Ok(());
    }
    let birth: NaiveDate = citizens::table.find(enrolment.citizen_id).select(citizens::birth_date).first(conn).await?;
    if !is_child(birth, today) {
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
