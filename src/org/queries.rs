//! Database access for departments, teams and staff users.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{DepartmentView, StaffMember, TeamView, UserView};
use crate::domain::{parse_roles, DepartmentCode, Role, TeamId, UserId};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::IfMatch;
use crate::schema::{departments, staff_user_teams, staff_users, teams};

#[derive(Queryable, Selectable)]
#[diesel(table_name = staff_users)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct UserRow {
    id: UserId,
    username: String,
    full_name: String,
    department: String,
    roles: Vec<String>,
    active: bool,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = teams)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct TeamRow {
    id: TeamId,
    department: String,
    name: String,
    restricted: bool,
    active: bool,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn department(code: &str) -> ApiResult<DepartmentCode> {
    code.parse().map_err(|_| ApiError::internal(anyhow::anyhow!("unknown department code in the database")))
}

impl UserRow {
    fn into_view(self, team_ids: Vec<TeamId>) -> ApiResult<UserView> {
        Ok(UserView {
            id: self.id.into(),
            username: self.username,
            full_name: self.full_name,
            department: department(&self.department)?,
            roles: parse_roles(&self.roles).map_err(ApiError::internal)?,
            team_ids: team_ids.into_iter().map(Uuid::from).collect(),
            active: self.active,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

impl TeamRow {
    fn into_view(self) -> ApiResult<TeamView> {
        Ok(TeamView {
            id: self.id.into(),
            department: department(&self.department)?,
            name: self.name,
            restricted: self.restricted,
            active: self.active,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

pub async fn list_departments(conn: &mut AsyncPgConnection) -> ApiResult<Vec<DepartmentView>> {
    departments::table
        .order(departments::code)
        .select((departments::code, departments::name_da, departments::name_en))
        .load::<(String, String, String)>(conn)
        .await?
        .into_iter()
        .map(|(code, name_da, name_en)| Ok(DepartmentView { code: department(&code)?, name_da, name_en }))
        .collect()
}

async fn team_ids_of(conn: &mut AsyncPgConnection, users: &[UserId]) -> ApiResult<HashMap<UserId, Vec<TeamId>>> {
    let rows: Vec<(UserId, TeamId)> = staff_user_teams::table
        .filter(staff_user_teams::user_id.eq_any(users))
        .order((staff_user_teams::user_id, staff_user_teams::team_id))
        .select((staff_user_teams::user_id, staff_user_teams::team_id))
        .load(conn)
        .await?;
    let mut map: HashMap<UserId, Vec<TeamId>> = HashMap::new();
    for (user, team) in rows {
        map.entry(user).or_default().push(team);
    }
    Ok(map)
}

/// Users in creation order (ids are UUIDv7), `limit + 1` rows from `after`.
pub async fn list_users(conn: &mut AsyncPgConnection, after: Option<Uuid>, limit: i64) -> ApiResult<Vec<UserView>> {
    let mut query =
        staff_users::table.select(UserRow::as_select()).order(staff_users::id).limit(limit + 1).into_boxed();
    if let Some(after) = after {
        query = query.filter(staff_users::id.gt(after));
    }
    let rows: Vec<UserRow> = query.load(conn).await?;
    let ids: Vec<UserId> = rows.iter().map(|r| r.id).collect();
    let mut teams = team_ids_of(conn, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let t = teams.remove(&r.id).unwrap_or_default();
            r.into_view(t)
        })
        .collect()
}

pub async fn find_user(conn: &mut AsyncPgConnection, id: UserId) -> ApiResult<UserView> {
    let row: UserRow = staff_users::table.find(id).select(UserRow::as_select()).first(conn).await?;
    let teams = team_ids_of(conn, &[id]).await?.remove(&id).unwrap_or_default();
    row.into_view(teams)
}

/// Every team must exist, be active and belong to `department`.
async fn check_teams(conn: &mut AsyncPgConnection, department: DepartmentCode, ids: &[TeamId]) -> ApiResult<()> {
    let found: i64 = teams::table
        .filter(teams::id.eq_any(ids))
        .filter(teams::department.eq(department.as_str()))
        .filter(teams::active.eq(true))
        .count()
        .get_result(conn)
        .await?;
    if found as usize != ids.len() {
        return Err(ApiError::Validation(vec![FieldError::new(
            "team_ids",
            "invalid",
            "every team must exist, be active and belong to the user's department",
        )]));
    }
    Ok(())
}

async fn set_teams(conn: &mut AsyncPgConnection, user: UserId, ids: &[TeamId]) -> ApiResult<()> {
    diesel::delete(staff_user_teams::table.filter(staff_user_teams::user_id.eq(user))).execute(conn).await?;
    let rows: Vec<_> =
        ids.iter().map(|t| (staff_user_teams::user_id.eq(user), staff_user_teams::team_id.eq(*t))).collect();
    diesel::insert_into(staff_user_teams::table).values(rows).execute(conn).await?;
    Ok(())
}

pub struct NewUser {
    pub username: String,
    pub full_name: String,
    pub department: DepartmentCode,
    pub roles: Vec<Role>,
    pub team_ids: Vec<TeamId>,
    pub password_hash: String,
}

fn role_names(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|r| r.as_str()).collect()
}

pub async fn insert_user(conn: &mut AsyncPgConnection, new: NewUser, now: DateTime<Utc>) -> ApiResult<UserView> {
    check_teams(conn, new.department, &new.team_ids).await?;
    let inserted = diesel::insert_into(staff_users::table)
        .values((
            staff_users::id.eq(UserId(Uuid::now_v7())),
            staff_users::username.eq(&new.username),
            staff_users::full_name.eq(&new.full_name),
            staff_users::department.eq(new.department.as_str()),
            staff_users::roles.eq(role_names(&new.roles)),
            staff_users::password_hash.eq(&new.password_hash),
            staff_users::created_at.eq(now),
            staff_users::updated_at.eq(now),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await;
    let row = match inserted {
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(ApiError::Conflict("That username is taken.".into()));
        }
        other => other?,
    };
    set_teams(conn, row.id, &new.team_ids).await?;
    row.into_view(new.team_ids)
}

#[derive(Default)]
pub struct UserChanges {
    pub full_name: Option<String>,
    pub department: Option<DepartmentCode>,
    pub roles: Option<Vec<Role>>,
    pub team_ids: Option<Vec<TeamId>>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
}

impl UserChanges {
    /// The names of the fields being changed, for the audit entry.
    pub fn fields(&self) -> Vec<&'static str> {
        [
            ("full_name", self.full_name.is_some()),
            ("department", self.department.is_some()),
            ("roles", self.roles.is_some()),
            ("team_ids", self.team_ids.is_some()),
            ("active", self.active.is_some()),
            ("password", self.password_hash.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }
}

#[derive(AsChangeset)]
#[diesel(table_name = staff_users)]
struct UserChangeset<'a> {
    full_name: Option<&'a str>,
    department: Option<&'a str>,
    roles: Option<Vec<&'static str>>,
    active: Option<bool>,
    password_hash: Option<&'a str>,
    updated_at: DateTime<Utc>,
}

/// Applies `changes` if the user is still at `expected_version` (else 412).
/// Every change bumps the version, which invalidates the user's access tokens.
pub async fn update_user(
    conn: &mut AsyncPgConnection, id: UserId, expected: IfMatch, changes: &UserChanges, now: DateTime<Utc>,
) -> ApiResult<UserView> {
    let (version, current_department): (i32, String) = staff_users::table
        .find(id)
        .select((staff_users::version, staff_users::department))
        .for_update()
        .first(conn)
        .await?;
    expected.check(version)?;
    let department = match changes.department {
        Some(d) => d,
        None => self::department(&current_department)?,
    };
    let team_ids = match &changes.team_ids {
        Some(ids) => ids.clone(),
        None => team_ids_of(conn, &[id]).await?.remove(&id).unwrap_or_default(),
    };
    check_teams(conn, department, &team_ids).await?;

    let row = diesel::update(staff_users::table.find(id))
        .set((
            UserChangeset {
                full_name: changes.full_name.as_deref(),
                department: changes.department.map(DepartmentCode::as_str),
                roles: changes.roles.as_deref().map(role_names),
                active: changes.active,
                password_hash: changes.password_hash.as_deref(),
                updated_at: now,
            },
            staff_users::version.eq(staff_users::version + 1),
        ))
        .returning(UserRow::as_returning())
        .get_result(conn)
        .await?;
    if changes.team_ids.is_some() {
        set_teams(conn, id, &team_ids).await?;
    }
    if changes.active == Some(false) {
        crate::auth::service::revoke_user_sessions(conn, id.into(), now, "deactivated").await?;
    } else if changes.password_hash.is_some() {
        // A reset ends every session: a stolen refresh token dies with it.
        crate::auth::service::revoke_user_sessions(conn, id.into(), now, "password_reset").await?;
    }
    row.into_view(team_ids)
}

pub async fn list_teams(conn: &mut AsyncPgConnection, after: Option<Uuid>, limit: i64) -> ApiResult<Vec<TeamView>> {
    let mut query = teams::table.select(TeamRow::as_select()).order(teams::id).limit(limit + 1).into_boxed();
    if let Some(after) = after {
        query = query.filter(teams::id.gt(after));
    }
    query.load::<TeamRow>(conn).await?.into_iter().map(TeamRow::into_view).collect()
}

pub async fn find_team(conn: &mut AsyncPgConnection, id: TeamId) -> ApiResult<TeamView> {
    teams::table.find(id).select(TeamRow::as_select()).first::<TeamRow>(conn).await?.into_view()
}

pub async fn insert_team(
    conn: &mut AsyncPgConnection, department: DepartmentCode, name: &str, restricted: bool, now: DateTime<Utc>,
) -> ApiResult<TeamView> {
    let inserted = diesel::insert_into(teams::table)
        .values((
            teams::id.eq(TeamId(Uuid::now_v7())),
            teams::department.eq(department.as_str()),
            teams::name.eq(name),
            teams::restricted.eq(restricted),
            teams::created_at.eq(now),
            teams::updated_at.eq(now),
        ))
        .returning(TeamRow::as_returning())
        .get_result::<TeamRow>(conn)
        .await;
    match inserted {
        Err(e) if crate::db::is_unique_violation(&e) => Err(team_name_taken()),
        other => other?.into_view(),
    }
}

fn team_name_taken() -> ApiError {
    ApiError::Conflict("The department already has a team of that name.".into())
}

#[derive(AsChangeset)]
#[diesel(table_name = teams)]
pub struct TeamChangeset<'a> {
    pub name: Option<&'a str>,
    pub restricted: Option<bool>,
    pub active: Option<bool>,
    pub updated_at: DateTime<Utc>,
}

/// Applies `changes` if the team is still at `expected_version` (else 412).
/// A change of `restricted` or `active` changes what the members may see, so
/// it bumps their versions too and their access tokens must be refreshed.
pub async fn update_team(
    conn: &mut AsyncPgConnection, id: TeamId, expected: IfMatch, changes: TeamChangeset<'_>,
) -> ApiResult<TeamView> {
    let version: i32 = teams::table.find(id).select(teams::version).for_update().first(conn).await?;
    expected.check(version)?;
    let affects_members = changes.restricted.is_some() || changes.active.is_some();
    let updated = diesel::update(teams::table.find(id))
        .set((&changes, teams::version.eq(teams::version + 1)))
        .returning(TeamRow::as_returning())
        .get_result::<TeamRow>(conn)
        .await;
    let row = match updated {
        Err(e) if crate::db::is_unique_violation(&e) => return Err(team_name_taken()),
        other => other?,
    };
    if affects_members {
        let members =
            staff_user_teams::table.filter(staff_user_teams::team_id.eq(id)).select(staff_user_teams::user_id);
        diesel::update(staff_users::table.filter(staff_users::id.eq_any(members)))
            .set(staff_users::version.eq(staff_users::version + 1))
            .execute(conn)
            .await?;
    }
    row.into_view()
}

/// The staff of one department, by id: those named in `ids` (active or
/// not), or else the active ones, holding `role` if given. Never another
/// department's.
pub async fn list_staff(
    conn: &mut AsyncPgConnection, department: DepartmentCode, role: Option<Role>, ids: Option<&[Uuid]>,
    after: Option<Uuid>, limit: i64,
) -> ApiResult<Vec<StaffMember>> {
    let mut query = staff_users::table
        .filter(staff_users::department.eq(department.as_str()))
        .select((staff_users::id, staff_users::full_name, staff_users::roles, staff_users::active))
        .order(staff_users::id)
        .limit(limit + 1)
        .into_boxed();
    match ids {
        Some(ids) => query = query.filter(staff_users::id.eq_any(ids.to_vec())),
        None => query = query.filter(staff_users::active.eq(true)),
    }
    if let Some(role) = role {
        query = query.filter(staff_users::roles.contains(vec![role.as_str().to_string()]));
    }
    if let Some(after) = after {
        query = query.filter(staff_users::id.gt(after));
    }
    let rows: Vec<(Uuid, String, Vec<String>, bool)> = query.load(conn).await?;
    rows.into_iter()
        .map(|(id, full_name, roles, active)| {
            Ok(StaffMember {
                id,
                full_name,
                roles: parse_roles(&roles).map_err(|e| ApiError::internal(anyhow::anyhow!("stored role: {e:?}")))?,
                active,
            })
        })
        .collect()
}
