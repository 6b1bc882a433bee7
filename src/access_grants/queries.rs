//! The SQL of break-the-glass grants.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::GrantView;
use crate::domain::{CitizenId, DepartmentCode, GrantId, UserId};
use crate::error::ApiResult;
use crate::schema::{access_grants, citizens};
use crate::scope::{self, Reach};

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = access_grants)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct GrantRow {
    pub id: GrantId,
    pub user_id: UserId,
    pub department: String,
    pub citizen_id: CitizenId,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
}

impl GrantRow {
    pub fn into_view(self) -> GrantView {
        GrantView {
            id: self.id.into(),
            user_id: self.user_id.into(),
            department: self.department,
            citizen_id: self.citizen_id.into(),
            reason: self.reason,
            granted_at: self.granted_at,
            expires_at: self.expires_at,
            reviewed_by: self.reviewed_by.map(Into::into),
            reviewed_at: self.reviewed_at,
            review_comment: self.review_comment,
        }
    }
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Whether the citizen exists at all; a database function that looks past
/// row-level security, since the caller by definition cannot see them.
pub async fn citizen_exists(conn: &mut AsyncPgConnection, citizen: CitizenId) -> ApiResult<bool> {
    let found: Exists = diesel::sql_query("SELECT medborger_citizen_exists($1) AS exists")
        .bind::<diesel::sql_types::Uuid, _>(citizen)
        .get_result(conn)
        .await?;
    Ok(found.exists)
}

/// Whether the caller already reaches the citizen through their department
/// (or a live grant).
pub async fn reaches(conn: &mut AsyncPgConnection, reach: &Reach, citizen: CitizenId) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(citizens::table.find(citizen).filter(scope::citizens_by_department(reach))))
        .get_result(conn)
        .await?)
}

pub struct NewGrant<'a> {
    pub user_id: UserId,
    pub department: DepartmentCode,
    pub citizen_id: CitizenId,
    pub reason: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewGrant<'_>, now: DateTime<Utc>) -> ApiResult<GrantRow> {
    Ok(diesel::insert_into(access_grants::table)
        .values((
            access_grants::id.eq(GrantId(Uuid::now_v7())),
            access_grants::user_id.eq(new.user_id),
            access_grants::department.eq(new.department.as_str()),
            access_grants::citizen_id.eq(new.citizen_id),
            access_grants::reason.eq(new.reason),
            access_grants::granted_at.eq(now),
            access_grants::expires_at.eq(new.expires_at),
        ))
        .returning(GrantRow::as_returning())
        .get_result(conn)
        .await?)
}

/// The department's grants, oldest first (at most 500); `pending`: only
/// those not yet reviewed.
pub async fn list(conn: &mut AsyncPgConnection, department: DepartmentCode, pending: bool) -> ApiResult<Vec<GrantRow>> {
    let mut query = access_grants::table
        .filter(access_grants::department.eq(department.as_str()))
        .order(access_grants::granted_at)
        .select(GrantRow::as_select())
        .limit(500)
        .into_boxed();
    if pending {
        query = query.filter(access_grants::reviewed_at.is_null());
    }
    Ok(query.load(conn).await?)
}

/// A grant of the department, locked, or 404.
pub async fn find_in_department(
    conn: &mut AsyncPgConnection, id: GrantId, department: DepartmentCode,
) -> ApiResult<GrantRow> {
    Ok(access_grants::table
        .find(id)
        .filter(access_grants::department.eq(department.as_str()))
        .select(GrantRow::as_select())
        .for_update()
        .first(conn)
        .await?)
}

pub async fn review(
    conn: &mut AsyncPgConnection, id: GrantId, reviewer: UserId, comment: &str, now: DateTime<Utc>,
) -> ApiResult<GrantRow> {
    Ok(diesel::update(access_grants::table.find(id))
        .set((
            access_grants::reviewed_by.eq(reviewer),
            access_grants::reviewed_at.eq(now),
            access_grants::review_comment.eq(comment),
        ))
        .returning(GrantRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Whether `user` holds a live break-the-glass grant on the citizen: a
/// writing request does not reach the citizen through it, but must know it
/// is there to refuse (a registration under a grant opens nothing, a
/// second grant is not needed).
pub async fn holds_grant(
    conn: &mut AsyncPgConnection, user: UserId, citizen: CitizenId, now: DateTime<Utc>,
) -> ApiResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(
        access_grants::table
            .filter(access_grants::user_id.eq(user.0))
            .filter(access_grants::citizen_id.eq(citizen.0))
            .filter(access_grants::expires_at.gt(now)),
    ))
    .get_result(conn)
    .await?)
}
