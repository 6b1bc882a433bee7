//! The SQL of concerns: filing one, the team's inbox, opening a case.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::ConcernView;
use crate::domain::{CitizenId, ConcernId, DepartmentCode, EnrolmentId, TeamId, UserId};
use crate::error::ApiResult;
use crate::schema::concerns;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = concerns)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct ConcernRow {
    pub id: ConcernId,
    pub citizen_id: CitizenId,
    pub team_id: TeamId,
    pub filed_by: UserId,
    pub filer_department: String,
    pub text: String,
    pub signs: Vec<String>,
    pub received_at: DateTime<Utc>,
    pub opened_enrolment_id: Option<EnrolmentId>,
    pub handled_at: Option<DateTime<Utc>>,
}

impl ConcernRow {
    pub fn into_view(self) -> ConcernView {
        ConcernView {
            id: self.id.into(),
            citizen_id: self.citizen_id.into(),
            filed_by: self.filed_by.into(),
            filer_department: self.filer_department,
            text: self.text,
            signs: self.signs,
            received_at: self.received_at,
            opened_enrolment_id: self.opened_enrolment_id.map(Into::into),
            handled_at: self.handled_at,
        }
    }
}

#[derive(QueryableByName)]
struct Team {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
    team: Option<Uuid>,
}

/// The restricted team that receives concerns, if there is one.
pub async fn receiving_team(conn: &mut AsyncPgConnection) -> ApiResult<Option<TeamId>> {
    let found: Team = diesel::sql_query("SELECT medborger_concern_team() AS team").get_result(conn).await?;
    Ok(found.team.map(TeamId))
}

pub struct NewConcern<'a> {
    pub citizen_id: CitizenId,
    pub team_id: TeamId,
    pub filed_by: UserId,
    pub filer_department: DepartmentCode,
    pub text: &'a str,
    pub signs: &'a [String],
}

/// Files a concern to the team.
pub async fn insert(conn: &mut AsyncPgConnection, new: NewConcern<'_>, now: DateTime<Utc>) -> ApiResult<ConcernId> {
    let id = ConcernId(Uuid::now_v7());
    // No RETURNING: the informant may not read the concern back (row-level
    // security lets only the team select it).
    diesel::insert_into(concerns::table)
        .values((
            concerns::id.eq(id),
            concerns::citizen_id.eq(new.citizen_id),
            concerns::team_id.eq(new.team_id),
            concerns::filed_by.eq(new.filed_by),
            concerns::filer_department.eq(new.filer_department.as_str()),
            concerns::text.eq(new.text),
            concerns::signs.eq(new.signs),
            concerns::received_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(id)
}

/// The concerns sent to `teams`, oldest first (at most 500).
pub async fn inbox(conn: &mut AsyncPgConnection, teams: &[TeamId]) -> ApiResult<Vec<ConcernRow>> {
    Ok(concerns::table
        .filter(concerns::team_id.eq_any(teams))
        .order(concerns::received_at)
        .select(ConcernRow::as_select())
        .limit(500)
        .load(conn)
        .await?)
}

/// A concern sent to one of `teams`, locked, or 404.
pub async fn find_for_team(conn: &mut AsyncPgConnection, id: ConcernId, teams: &[TeamId]) -> ApiResult<ConcernRow> {
    Ok(concerns::table
        .find(id)
        .filter(concerns::team_id.eq_any(teams))
        .select(ConcernRow::as_select())
        .for_update()
        .first(conn)
        .await?)
}

/// Marks the concern handled by the case opened from it.
pub async fn mark_opened(
    conn: &mut AsyncPgConnection, id: ConcernId, enrolment: EnrolmentId, now: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::update(concerns::table.find(id))
        .set((concerns::opened_enrolment_id.eq(enrolment), concerns::handled_at.eq(now)))
        .execute(conn)
        .await?;
    Ok(())
}
