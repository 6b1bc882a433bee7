//! Database access for consents.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::schema::consents;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = consents)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ConsentRow {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub purpose: String,
    pub departments: Vec<String>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_reference: String,
    pub recorded_by: Uuid,
    pub recorded_department: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
}

impl ConsentRow {
    /// Given, not expired and not withdrawn at `at`.
    pub fn valid_at(&self, at: DateTime<Utc>) -> bool {
        self.withdrawn_at.is_none() && self.given_at <= at && at < self.expires_at
    }

    pub fn covers(&self, department: &str) -> bool {
        self.departments.iter().any(|d| d == department)
    }

    pub fn into_view(self, at: DateTime<Utc>) -> ConsentView {
        ConsentView {
            valid: self.valid_at(at),
            id: self.id,
            citizen_id: self.citizen_id,
            purpose: self.purpose,
            departments: self.departments,
            given_at: self.given_at,
            expires_at: self.expires_at,
            document_reference: self.document_reference,
            recorded_by: self.recorded_by,
            recorded_department: self.recorded_department,
            recorded_at: self.recorded_at,
            withdrawn_at: self.withdrawn_at,
            withdrawal_reason: self.withdrawal_reason,
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ConsentView {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub purpose: String,
    /// The departments that may share with each other.
    pub departments: Vec<String>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_reference: String,
    pub recorded_by: Uuid,
    pub recorded_department: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
    /// Derived: given, not expired and not withdrawn now.
    pub valid: bool,
}

/// What a consent shows of another department's enrolment.
#[derive(Serialize, ToSchema, QueryableByName, Debug)]
pub struct EnrolmentSummary {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub programme_code: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub department: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    pub start_date: Option<NaiveDate>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    pub end_date: Option<NaiveDate>,
    /// The responsible team.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub team_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub team_name: String,
    /// The consent that shows it.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub consent_id: Uuid,
}

pub async fn list(conn: &mut AsyncPgConnection, citizen: Uuid) -> ApiResult<Vec<ConsentRow>> {
    Ok(consents::table
        .filter(consents::citizen_id.eq(citizen))
        .order(consents::id)
        .select(ConsentRow::as_select())
        .load(conn)
        .await?)
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    citizen: Uuid,
    id: Uuid,
    lock: bool,
) -> ApiResult<ConsentRow> {
    let query = consents::table
        .find(id)
        .filter(consents::citizen_id.eq(citizen))
        .select(ConsentRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await?
    } else {
        query.first(conn).await?
    })
}

/// A consent of the citizen valid at `at` that covers `department`.
pub async fn valid_covering(
    conn: &mut AsyncPgConnection,
    citizen: Uuid,
    department: &str,
    at: DateTime<Utc>,
) -> ApiResult<Option<Uuid>> {
    Ok(consents::table
        .filter(consents::citizen_id.eq(citizen))
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

/// Other departments' enrolments that a valid consent shows the caller.
pub async fn summaries(
    conn: &mut AsyncPgConnection,
    citizen: Uuid,
    at: DateTime<Utc>,
) -> ApiResult<Vec<EnrolmentSummary>> {
    Ok(
        diesel::sql_query("SELECT * FROM medborger_enrolment_summaries($1, $2)")
            .bind::<diesel::sql_types::Uuid, _>(citizen)
            .bind::<diesel::sql_types::Timestamptz, _>(at)
            .load(conn)
            .await?,
    )
}
