//! The SQL of consents, and of the enrolment summaries they open.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{ConsentView, EnrolmentSummary, NewConsent};
use crate::domain::{CitizenId, ConsentId, DepartmentCode, UserId};
use crate::error::ApiResult;
use crate::schema::consents;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = consents)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ConsentRow {
    pub id: ConsentId,
    pub citizen_id: CitizenId,
    pub purpose: String,
    pub departments: Vec<String>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_reference: String,
    pub recorded_by: UserId,
    pub recorded_department: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by: Option<UserId>,
    pub withdrawal_reason: Option<String>,
}

impl ConsentRow {
    /// Given, not expired and not withdrawn at `at`.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.withdrawn_at.is_none() && self.given_at <= at && at < self.expires_at
    }

    pub fn covers(&self, department: DepartmentCode) -> bool {
        self.departments.iter().any(|d| d == department.as_str())
    }

    pub fn into_view(self, at: DateTime<Utc>) -> ConsentView {
        ConsentView {
            valid: self.valid_at(at),
            id: self.id.into(),
            citizen_id: self.citizen_id.into(),
            purpose: self.purpose,
            departments: self.departments,
            given_at: self.given_at,
            expires_at: self.expires_at,
            document_reference: self.document_reference,
            recorded_by: self.recorded_by.into(),
            recorded_department: self.recorded_department,
            recorded_at: self.recorded_at,
            withdrawn_at: self.withdrawn_at,
            withdrawn_by: self.withdrawn_by.map(Into::into),
            withdrawal_reason: self.withdrawal_reason,
        }
    }
}

/// A citizen's consents, oldest first.
pub async fn list(conn: &mut AsyncPgConnection, citizen: CitizenId) -> ApiResult<Vec<ConsentRow>> {
    Ok(consents::table
        .filter(consents::citizen_id.eq(citizen))
        .order(consents::id)
        .select(ConsentRow::as_select())
        .load(conn)
        .await?)
}

/// A consent of the citizen, or 404.
pub async fn find(
    conn: &mut AsyncPgConnection, citizen: CitizenId, id: ConsentId, lock: bool,
) -> ApiResult<ConsentRow> {
    let query = consents::table.find(id).filter(consents::citizen_id.eq(citizen)).select(ConsentRow::as_select());
    Ok(if lock { query.for_update().first(conn).await? } else { query.first(conn).await? })
}

/// Who records a consent, and for which department.
pub struct Recorder {
    pub user: UserId,
    pub department: DepartmentCode,
}

pub async fn insert(
    conn: &mut AsyncPgConnection, citizen: CitizenId, new: &NewConsent, by: Recorder, now: DateTime<Utc>,
) -> ApiResult<ConsentRow> {
    let departments: Vec<&str> = new.departments.iter().map(|d| d.as_str()).collect();
    Ok(diesel::insert_into(consents::table)
        .values((
            consents::id.eq(ConsentId(Uuid::now_v7())),
            consents::citizen_id.eq(citizen),
            consents::purpose.eq(&new.purpose),
            consents::departments.eq(departments),
            consents::given_at.eq(new.given_at),
            consents::expires_at.eq(new.expires_at),
            consents::document_reference.eq(&new.document_reference),
            consents::recorded_by.eq(by.user),
            consents::recorded_department.eq(by.department.as_str()),
            consents::recorded_at.eq(now),
        ))
        .returning(ConsentRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Withdraws a consent; the record stays.
pub async fn withdraw(
    conn: &mut AsyncPgConnection, id: ConsentId, by: UserId, reason: Option<&str>, now: DateTime<Utc>,
) -> ApiResult<ConsentRow> {
    Ok(diesel::update(consents::table.find(id))
        .set((consents::withdrawn_at.eq(now), consents::withdrawn_by.eq(by), consents::withdrawal_reason.eq(reason)))
        .returning(ConsentRow::as_returning())
        .get_result(conn)
        .await?)
}

/// A consent of the citizen valid at `at` that covers `department`.
pub async fn valid_covering(
    conn: &mut AsyncPgConnection, citizen: impl Into<CitizenId>, department: &str, at: DateTime<Utc>,
) -> ApiResult<Option<ConsentId>> {
    Ok(consents::table
        .filter(consents::citizen_id.eq(citizen.into()))
        .filter(consents::withdrawn_at.is_null())
        .filter(consents::given_at.le(at))
        .filter(consents::expires_at.gt(at))
        .filter(consents::departments.contains(vec![department.to_string()]))
        .order(consents::expires_at.desc())
        .select(consents::id)
        .first(conn)
        .await
        .optional()?)
}

/// A row of `medborger_enrolment_summaries`.
#[derive(QueryableByName, Debug)]
struct SummaryRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    programme_code: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    department: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    start_date: Option<NaiveDate>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    end_date: Option<NaiveDate>,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    team_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    team_name: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    consent_id: Uuid,
}

impl SummaryRow {
    fn into_view(self) -> EnrolmentSummary {
        EnrolmentSummary {
            id: self.id,
            programme_code: self.programme_code,
            department: self.department,
            status: self.status,
            start_date: self.start_date,
            end_date: self.end_date,
            team_id: self.team_id,
            team_name: self.team_name,
            consent_id: self.consent_id,
        }
    }
}

/// Other departments' enrolments that a valid consent shows the caller. The
/// database function decides, so row-level security keeps the rest closed.
pub async fn summaries(
    conn: &mut AsyncPgConnection, citizen: CitizenId, at: DateTime<Utc>,
) -> ApiResult<Vec<EnrolmentSummary>> {
    let rows: Vec<SummaryRow> = crate::db::prepared("SELECT * FROM medborger_enrolment_summaries($1, $2)")
        .bind::<diesel::sql_types::Uuid, _>(citizen)
        .bind::<diesel::sql_types::Timestamptz, _>(at)
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(SummaryRow::into_view).collect())
}
