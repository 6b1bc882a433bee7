//! The SQL of referrals: rows within the caller's reach, sending, deciding,
//! and the citizens a referral carries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::domain::ReferralStatus;
use super::dto::{ReferralDirection, ReferralView, ReferredCitizen};
use crate::citizens::queries::CitizenRow;
use crate::domain::{CitizenId, ConsentId, DepartmentCode, EnrolmentId, ReferralId, UserId};
use crate::error::{ApiError, ApiResult};
use crate::schema::{citizens, referrals};
use crate::scope::{self, Reach};

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = referrals)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ReferralRow {
    pub id: ReferralId,
    pub citizen_id: CitizenId,
    pub programme_code: String,
    pub from_department: String,
    pub to_department: String,
    pub sent_by: UserId,
    pub sent_at: DateTime<Utc>,
    pub reason: String,
    pub consent_id: Option<ConsentId>,
    pub legal_basis: Option<String>,
    pub status: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub enrolment_id: Option<EnrolmentId>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
}

impl ReferralRow {
    pub fn status(&self) -> ApiResult<ReferralStatus> {
        ReferralStatus::parse(&self.status)
    }

    fn into_view(self, citizen: ReferredCitizen) -> ApiResult<ReferralView> {
        Ok(ReferralView {
            status: self.status()?,
            citizen,
            id: self.id.into(),
            programme_code: self.programme_code,
            from_department: self.from_department,
            to_department: self.to_department,
            sent_by: self.sent_by.into(),
            sent_at: self.sent_at,
            reason: self.reason,
            consent_id: self.consent_id.map(Into::into),
            legal_basis: self.legal_basis,
            decided_at: self.decided_at,
            decision_reason: self.decision_reason,
            enrolment_id: self.enrolment_id.map(Into::into),
            closed_at: self.closed_at,
            version: self.version,
        })
    }
}

/// A referral the caller's department sent or received, or 404.
pub async fn find(conn: &mut AsyncPgConnection, reach: &Reach, id: ReferralId, lock: bool) -> ApiResult<ReferralRow> {
    let query = referrals::table.find(id).filter(scope::referrals_visible(reach)).select(ReferralRow::as_select());
    Ok(if lock { query.for_update().first(conn).await? } else { query.first(conn).await? })
}

/// One page of the department's inbox or outbox, oldest first.
pub async fn list(
    conn: &mut AsyncPgConnection, reach: &Reach, department: DepartmentCode, direction: ReferralDirection,
    status: Option<ReferralStatus>, after: Option<ReferralId>, limit: i64,
) -> ApiResult<Vec<ReferralRow>> {
    let mut query = referrals::table
        .filter(scope::referrals_visible(reach))
        .select(ReferralRow::as_select())
        .order(referrals::id)
        .limit(limit + 1)
        .into_boxed();
    let department = department.as_str();
    query = match direction {
        ReferralDirection::Incoming => query.filter(referrals::to_department.eq(department)),
        ReferralDirection::Outgoing => query.filter(referrals::from_department.eq(department)),
    };
    if let Some(status) = status {
        query = query.filter(referrals::status.eq(status.as_str()));
    }
    if let Some(after) = after {
        query = query.filter(referrals::id.gt(after));
    }
    Ok(query.load(conn).await?)
}

/// Whether the citizen already has a referral to the programme that waits
/// for a decision.
pub async fn waiting_exists(conn: &mut AsyncPgConnection, citizen: CitizenId, programme: &str) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        referrals::table
            .filter(referrals::citizen_id.eq(citizen))
            .filter(referrals::programme_code.eq(programme))
            .filter(referrals::status.eq(ReferralStatus::Sent.as_str())),
    ))
    .get_result(conn)
    .await?)
}

pub struct NewReferral<'a> {
    pub citizen_id: CitizenId,
    pub programme_code: &'a str,
    pub from_department: DepartmentCode,
    pub to_department: DepartmentCode,
    pub sent_by: UserId,
    pub reason: &'a str,
    pub consent_id: Option<ConsentId>,
    pub legal_basis: Option<&'a str>,
}

/// Sends a referral: it waits in the receiving department's inbox.
pub async fn insert(conn: &mut AsyncPgConnection, new: NewReferral<'_>, now: DateTime<Utc>) -> ApiResult<ReferralRow> {
    Ok(diesel::insert_into(referrals::table)
        .values((
            referrals::id.eq(ReferralId(uuid::Uuid::now_v7())),
            referrals::citizen_id.eq(new.citizen_id),
            referrals::programme_code.eq(new.programme_code),
            referrals::from_department.eq(new.from_department.as_str()),
            referrals::to_department.eq(new.to_department.as_str()),
            referrals::sent_by.eq(new.sent_by),
            referrals::sent_at.eq(now),
            referrals::reason.eq(new.reason),
            referrals::consent_id.eq(new.consent_id),
            referrals::legal_basis.eq(new.legal_basis),
            referrals::status.eq(ReferralStatus::Sent.as_str()),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await?)
}

/// A decision on a waiting referral.
pub struct Decided<'a> {
    pub status: ReferralStatus,
    pub by: UserId,
    /// Why it was declined or withdrawn.
    pub reason: Option<&'a str>,
    /// The enrolment accepting it created.
    pub enrolment: Option<EnrolmentId>,
}

/// Records the decision; every decision but acceptance also closes it.
pub async fn decide(
    conn: &mut AsyncPgConnection, id: ReferralId, d: Decided<'_>, now: DateTime<Utc>,
) -> ApiResult<ReferralRow> {
    Ok(diesel::update(referrals::table.find(id))
        .set((
            referrals::status.eq(d.status.as_str()),
            referrals::decided_by.eq(d.by),
            referrals::decided_at.eq(now),
            referrals::decision_reason.eq(d.reason),
            referrals::enrolment_id.eq(d.enrolment),
            referrals::closed_at.eq((d.status != ReferralStatus::Accepted).then_some(now)),
            referrals::version.eq(referrals::version + 1),
        ))
        .returning(ReferralRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Views of `rows` with their citizens (one query). A referral whose citizen
/// the caller cannot read is left out rather than shown half.
pub async fn views(conn: &mut AsyncPgConnection, rows: Vec<ReferralRow>) -> ApiResult<Vec<ReferralView>> {
    let ids: Vec<CitizenId> = rows.iter().map(|r| r.citizen_id).collect();
    let found: Vec<CitizenRow> =
        citizens::table.filter(citizens::id.eq_any(&ids)).select(CitizenRow::as_select()).load(conn).await?;
    let by_id: HashMap<CitizenId, CitizenRow> = found.into_iter().map(|c| (c.id.into(), c)).collect();
    let mut views = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(citizen) = by_id.get(&r.citizen_id) else {
            continue;
        };
        let citizen = ReferredCitizen::from_row(citizen)?;
        views.push(r.into_view(citizen)?);
    }
    Ok(views)
}

/// The view of one referral, or 404 when its citizen is out of reach.
pub async fn view(conn: &mut AsyncPgConnection, row: ReferralRow) -> ApiResult<ReferralView> {
    views(conn, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}
