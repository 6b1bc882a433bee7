//! Database access for referrals.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::citizens::codes::District;
use crate::citizens::queries::CitizenRow;
use crate::cpr::{mask_from_birth_date, Sex};
use crate::error::{ApiError, ApiResult};
use crate::schema::{citizens, referrals};
use crate::scope::{self, Reach};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Sent,
    Accepted,
    Declined,
    Completed,
    Withdrawn,
}

impl ReferralStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
        }
    }

    fn parse(s: &str) -> ApiResult<Self> {
        [
            Self::Sent,
            Self::Accepted,
            Self::Declined,
            Self::Completed,
            Self::Withdrawn,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unexpected referral status {s}")))
    }
}

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = referrals)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ReferralRow {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub programme_code: String,
    pub from_department: String,
    pub to_department: String,
    pub sent_by: Uuid,
    pub sent_at: DateTime<Utc>,
    pub reason: String,
    pub consent_id: Option<Uuid>,
    pub legal_basis: Option<String>,
    pub status: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub enrolment_id: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl ReferralRow {
    pub fn status(&self) -> ApiResult<ReferralStatus> {
        ReferralStatus::parse(&self.status)
    }
}

/// The citizen's core record as a referral carries it: who they are, how to
/// reach them, their language; no background and no case content.
#[derive(Serialize, ToSchema, Debug)]
pub struct ReferredCitizen {
    pub id: Uuid,
    pub cpr_masked: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub given_name: String,
    pub family_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub district: Option<District>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
}

impl ReferredCitizen {
    fn from_row(row: &CitizenRow) -> ApiResult<Self> {
        let corrupt = |what: &str| ApiError::internal(anyhow::anyhow!("unexpected {what}"));
        Ok(Self {
            id: row.id,
            cpr_masked: mask_from_birth_date(row.birth_date),
            birth_date: row.birth_date,
            sex: row.sex.parse::<Sex>().map_err(|_| corrupt("sex"))?,
            given_name: row.given_name.clone(),
            family_name: row.family_name.clone(),
            phone: row.phone.clone(),
            email: row.email.clone(),
            address: row.address.clone(),
            district: row
                .district
                .as_deref()
                .map(|d| District::parse(d).ok_or_else(|| corrupt("district")))
                .transpose()?,
            preferred_language: row.preferred_language.clone(),
            interpreter_needed: row.interpreter_needed,
        })
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ReferralView {
    pub id: Uuid,
    pub citizen: ReferredCitizen,
    pub programme_code: String,
    pub from_department: String,
    /// The programme's department, which decides.
    pub to_department: String,
    pub sent_by: Uuid,
    pub sent_at: DateTime<Utc>,
    pub reason: String,
    pub consent_id: Option<Uuid>,
    pub legal_basis: Option<String>,
    pub status: ReferralStatus,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was declined or withdrawn.
    pub decision_reason: Option<String>,
    /// The enrolment that accepting it created.
    pub enrolment_id: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

/// A referral the caller's department sent or received, or 404.
pub async fn find(
    conn: &mut AsyncPgConnection,
    reach: &Reach,
    id: Uuid,
    lock: bool,
) -> ApiResult<ReferralRow> {
    let query = referrals::table
        .find(id)
        .filter(scope::referrals_visible(reach))
        .select(ReferralRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await?
    } else {
        query.first(conn).await?
    })
}

pub enum Direction {
    Incoming,
    Outgoing,
}

/// One page of the department's inbox or outbox, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    reach: &Reach,
    department: &str,
    direction: Direction,
    status: Option<ReferralStatus>,
    after: Option<Uuid>,
    limit: i64,
) -> ApiResult<Vec<ReferralRow>> {
    let mut query = referrals::table
        .filter(scope::referrals_visible(reach))
        .select(ReferralRow::as_select())
        .order(referrals::id)
        .limit(limit + 1)
        .into_boxed();
    query = match direction {
        Direction::Incoming => query.filter(referrals::to_department.eq(department.to_string())),
        Direction::Outgoing => query.filter(referrals::from_department.eq(department.to_string())),
    };
    if let Some(status) = status {
        query = query.filter(referrals::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(referrals::id.gt(after));
    }
    Ok(query.load(conn).await?)
}

/// Views of `rows` with their citizens (one query). A referral whose citizen
/// the caller cannot read is left out rather than shown half.
pub async fn views(
    conn: &mut AsyncPgConnection,
    rows: Vec<ReferralRow>,
) -> ApiResult<Vec<ReferralView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.citizen_id).collect();
    let found: Vec<CitizenRow> = citizens::table
        .filter(citizens::id.eq_any(&ids))
        .select(CitizenRow::as_select())
        .load(conn)
        .await?;
    let by_id: HashMap<Uuid, CitizenRow> = found.into_iter().map(|c| (c.id, c)).collect();
    let mut views = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(citizen) = by_id.get(&r.citizen_id) else {
            continue;
        };
        views.push(ReferralView {
            status: r.status()?,
            citizen: ReferredCitizen::from_row(citizen)?,
            id: r.id,
            programme_code: r.programme_code,
            from_department: r.from_department,
            to_department: r.to_department,
            sent_by: r.sent_by,
            sent_at: r.sent_at,
            reason: r.reason,
            consent_id: r.consent_id,
            legal_basis: r.legal_basis,
            decided_at: r.decided_at,
            decision_reason: r.decision_reason,
            enrolment_id: r.enrolment_id,
            closed_at: r.closed_at,
            version: r.version,
        });
    }
    Ok(views)
}

pub async fn view(conn: &mut AsyncPgConnection, row: ReferralRow) -> ApiResult<ReferralView> {
    views(conn, vec![row])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}
