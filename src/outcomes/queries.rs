//! Database access for outcome measurements. Reach is checked on the
//! enrolment first.

use chrono::{DateTime, Months, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{CreateOutcomeRequest, MeasurementPoint, OutcomeView};
use crate::citizens::codes::{DanishLevel, EmploymentStatus};
use crate::db;
use crate::domain::{CitizenId, EnrolmentId, OutcomeId, UserId};
use crate::error::{ApiError, ApiResult};
use crate::schema::{enrolments, outcomes};

#[derive(Queryable, Selectable)]
#[diesel(table_name = outcomes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct OutcomeRow {
    pub id: OutcomeId,
    pub enrolment_id: EnrolmentId,
    pub measurement_point: String,
    pub measured_on: NaiveDate,
    pub employment_status: String,
    pub weekly_hours: Option<f32>,
    pub self_supporting: bool,
    pub in_education: bool,
    pub danish_level: Option<String>,
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl OutcomeRow {
    pub fn into_view(self) -> ApiResult<OutcomeView> {
        let corrupt = || ApiError::internal(anyhow::anyhow!("unexpected outcome code in the database"));
        Ok(OutcomeView {
            id: self.id.into(),
            enrolment_id: self.enrolment_id.into(),
            measurement_point: MeasurementPoint::parse(&self.measurement_point).ok_or_else(corrupt)?,
            measured_on: self.measured_on,
            employment_status: EmploymentStatus::parse(&self.employment_status).ok_or_else(corrupt)?,
            weekly_hours: self.weekly_hours,
            self_supporting: self.self_supporting,
            in_education: self.in_education,
            danish_level: self
                .danish_level
                .as_deref()
                .map(|d| DanishLevel::parse(d).ok_or_else(corrupt))
                .transpose()?,
            recorded_by: self.recorded_by.into(),
            created_at: self.created_at,
        })
    }
}

/// A follow-up point (6 or 12 months after the end) needs an enrolment that
/// has ended (409 otherwise) and a measurement date at least that long after
/// its end (422 otherwise).
async fn check_follow_up(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, body: &CreateOutcomeRequest,
) -> ApiResult<()> {
    let Some(months) = body.measurement_point.months_after_end() else {
        return Ok(());
    };
    let end: Option<NaiveDate> = enrolments::table.find(enrolment).select(enrolments::end_date).first(conn).await?;
    let Some(end) = end else {
        return Err(ApiError::Conflict(format!(
            "The enrolment has not ended: the measurement {months} months after the end can be recorded once it has ended."
        )));
    };
    let earliest = end
        .checked_add_months(Months::new(months))
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("end date out of range")))?;
    if body.measured_on < earliest {
        return Err(ApiError::invalid(
            "measured_on",
            "before_follow_up",
            format!("on or after {earliest}, {months} months after the enrolment ended"),
        ));
    }
    Ok(())
}

/// Records the measurement; 409 when its point is recorded already or is a
/// follow-up of an enrolment that has not ended.
pub async fn insert(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, citizen: CitizenId, body: &CreateOutcomeRequest,
    recorded_by: UserId, now: DateTime<Utc>,
) -> ApiResult<OutcomeRow> {
    check_follow_up(conn, enrolment, body).await?;
    let inserted = diesel::insert_into(outcomes::table)
        .values((
            outcomes::id.eq(Uuid::now_v7()),
            outcomes::enrolment_id.eq(enrolment),
            outcomes::citizen_id.eq(citizen),
            outcomes::measurement_point.eq(body.measurement_point.as_str()),
            outcomes::measured_on.eq(body.measured_on),
            outcomes::employment_status.eq(body.employment_status.as_str()),
            outcomes::weekly_hours.eq(body.weekly_hours),
            outcomes::self_supporting.eq(body.self_supporting),
            outcomes::in_education.eq(body.in_education),
            outcomes::danish_level.eq(body.danish_level.map(DanishLevel::as_str)),
            outcomes::recorded_by.eq(recorded_by),
            outcomes::created_at.eq(now),
        ))
        .returning(OutcomeRow::as_returning())
        .get_result(conn)
        .await;
    match inserted {
        Err(e) if db::is_unique_violation(&e) => {
            Err(ApiError::Conflict("That measurement point is already recorded for this enrolment.".into()))
        }
        other => Ok(other?),
    }
}

/// The enrolment's measurements, by the day they were measured.
pub async fn list(conn: &mut AsyncPgConnection, enrolment: EnrolmentId) -> ApiResult<Vec<OutcomeRow>> {
    Ok(outcomes::table
        .filter(outcomes::enrolment_id.eq(enrolment))
        .order(outcomes::measured_on)
        .select(OutcomeRow::as_select())
        .load(conn)
        .await?)
}
