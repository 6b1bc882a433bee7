//! What the signed-in user reads of themselves (`GET /me`).

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{MeResponse, TeamRef};
use crate::domain::{parse_roles, DepartmentCode, UserId};
use crate::error::{ApiError, ApiResult};
use crate::schema::{staff_user_teams, staff_users, teams};

/// The user with their active teams, by name. The department is the one the
/// caller's token was checked against.
pub async fn me(conn: &mut AsyncPgConnection, user: UserId, department: DepartmentCode) -> ApiResult<MeResponse> {
    let (username, full_name, roles): (String, String, Vec<String>) = staff_users::table
        .find(user)
        .select((staff_users::username, staff_users::full_name, staff_users::roles))
        .first(conn)
        .await?;
    let teams = staff_user_teams::table
        .inner_join(teams::table)
        .filter(staff_user_teams::user_id.eq(user))
        .filter(teams::active.eq(true))
        .select((teams::id, teams::name, teams::restricted))
        .order(teams::name)
        .load::<(Uuid, String, bool)>(conn)
        .await?
        .into_iter()
        .map(|(id, name, restricted)| TeamRef { id, name, restricted })
        .collect();
    Ok(MeResponse {
        id: user.into(),
        username,
        full_name,
        department,
        roles: parse_roles(&roles).map_err(ApiError::internal)?,
        teams,
    })
}
