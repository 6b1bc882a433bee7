//! The reports' SQL: the aggregate queries of the caseload audit, the
//! deadlines and the outcomes, and the reassignment of enrolments.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Bool, Date, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{CaseworkerPage, MilestoneDeadlines, OutcomeParams, OverdueMilestone, PeriodParams};
use super::ReportScope;
use crate::domain::{CitizenId, DepartmentCode, EnrolmentId, UserId};
use crate::error::ApiResult;
use crate::schema::{enrolment_reassignments, enrolments};
use crate::scope::OPEN_STATUSES;

/// The query a report runs: a manager's under their own row-level security,
/// an auditor's all-departments aggregate through its `SECURITY DEFINER`
/// function (migration 2026-12-02-100001), which answers aggregates only,
/// never restricted work, and takes the same parameters. Nothing the service
/// sets reads past row-level security (issue 10, door 3).
fn pick(scope: &ReportScope, manager: &'static str, auditor: &'static str) -> &'static str {
    if scope.aggregate_only {
        auditor
    } else {
        manager
    }
}

/// The counts of a caseworker's or a team's row (as the report functions
/// name their columns).
#[derive(QueryableByName, Debug, Clone, Copy)]
pub struct LoadCounts {
    #[diesel(sql_type = BigInt)]
    pub open: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue_milestones: i64,
    #[diesel(sql_type = BigInt)]
    pub silent_30: i64,
    #[diesel(sql_type = BigInt)]
    pub silent_60: i64,
    #[diesel(sql_type = BigInt)]
    pub silent_90: i64,
    #[diesel(sql_type = BigInt)]
    pub without_mentor: i64,
}

/// One caseworker's open enrolments in one team.
#[derive(QueryableByName, Debug)]
pub struct LoadRow {
    #[diesel(sql_type = SqlUuid)]
    pub caseworker_id: Uuid,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Text)]
    pub department: String,
    #[diesel(sql_type = SqlUuid)]
    pub team_id: Uuid,
    #[diesel(sql_type = Text)]
    pub team_name: String,
    #[diesel(sql_type = Bool)]
    pub team_restricted: bool,
    #[diesel(embed)]
    pub counts: LoadCounts,
}

#[derive(QueryableByName, Debug)]
pub struct BreakdownRow {
    #[diesel(sql_type = SqlUuid)]
    pub caseworker_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub team_id: Uuid,
    #[diesel(sql_type = Text)]
    pub programme_code: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

#[derive(QueryableByName, Debug)]
pub struct GrantRow {
    #[diesel(sql_type = SqlUuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = Text)]
    pub full_name: String,
    #[diesel(sql_type = Text)]
    pub department: String,
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
}

/// A grantee's team, where the team row counts their grants awaiting review.
#[derive(QueryableByName, Debug)]
pub struct GranteeTeamRow {
    #[diesel(sql_type = SqlUuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub team_id: Uuid,
    #[diesel(sql_type = Text)]
    pub team_name: String,
    #[diesel(sql_type = Text)]
    pub department: String,
    #[diesel(sql_type = Bool)]
    pub team_restricted: bool,
}

/// One team's open enrolments, counted as for [`LoadRow`].
#[derive(QueryableByName, Debug)]
pub struct TeamLoadRow {
    #[diesel(sql_type = SqlUuid)]
    pub team_id: Uuid,
    #[diesel(sql_type = Text)]
    pub team_name: String,
    #[diesel(sql_type = Text)]
    pub department: String,
    #[diesel(sql_type = Bool)]
    pub team_restricted: bool,
    #[diesel(embed)]
    pub counts: LoadCounts,
}

#[derive(QueryableByName, Debug)]
pub struct TeamBreakdownRow {
    #[diesel(sql_type = SqlUuid)]
    pub team_id: Uuid,
    #[diesel(sql_type = Text)]
    pub programme_code: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

#[derive(QueryableByName, Debug)]
struct PageMember {
    #[diesel(sql_type = SqlUuid)]
    caseworker_id: Uuid,
}

/// Open enrolments by caseworker, team, programme and status of the whole
/// report: the roll-up's rows as they are (in no order).
const BREAKDOWN: &str = r#"
SELECT r.caseworker_id, r.team_id, r.programme_code, r.status, r.n::bigint AS count
  FROM report_open_enrolments r
 WHERE r.department = ANY ($1) AND (NOT r.restricted OR r.team_id = ANY ($2)) AND r.n <> 0
"#;

/// Grants awaiting review, by grantee: a manager's department or the auditor's.
const GRANTS: &str = r#"
SELECT g.user_id, u.full_name, g.department, count(*) AS pending
  FROM access_grants g JOIN staff_users u ON u.id = g.user_id
 WHERE g.reviewed_at IS NULL AND g.department = ANY ($1)
 GROUP BY 1, 2, 3
"#;

/// The teams of the grantees ($1) of the report's departments ($2), restricted
/// ones only where the report includes them ($3).
const GRANTEE_TEAMS: &str = r#"
SELECT ut.user_id, t.id AS team_id, t.name AS team_name, t.department, t.restricted AS team_restricted
  FROM staff_user_teams ut JOIN teams t ON t.id = ut.team_id
 WHERE ut.user_id = ANY ($1) AND t.department = ANY ($2) AND (NOT t.restricted OR t.id = ANY ($3))
"#;

/// What the caseload audit counts, from the roll-ups the database keeps
/// (migrations 2026-12-06-100001, 2026-12-07-100001).
pub struct CaseloadRows {
    /// The page's caseworkers in (name, id) order.
    pub page: Vec<Uuid>,
    /// Whether more caseworkers follow the page.
    pub more: bool,
    /// The page's counts per caseworker and team, and their breakdown.
    pub load: Vec<LoadRow>,
    pub breakdown: Vec<BreakdownRow>,
    /// Every team's counts, and their breakdown.
    pub teams: Vec<TeamLoadRow>,
    pub team_breakdown: Vec<TeamBreakdownRow>,
    /// The grants awaiting review, and their grantees' teams.
    pub grants: Vec<GrantRow>,
    pub grantee_teams: Vec<GranteeTeamRow>,
}

/// The caseload audit's aggregates: a manager's functions under their
/// row-level security, an auditor's through the definer wrappers. $1
/// departments and $2 restricted teams included in every statement.
pub async fn caseload(
    conn: &mut AsyncPgConnection, scope: &ReportScope, now: DateTime<Utc>, today: NaiveDate, page: CaseworkerPage,
) -> ApiResult<CaseloadRows> {
    let departments = scope.department_names();
    let teams = &scope.restricted_teams;
    // The export (no limit) takes every caseworker the counts name, in name
    // order; a page is chosen by the database, one more than asked for
    // telling whether another follows.
    let mut page_ids = Vec::new();
    let mut more = false;
    if let Some(limit) = page.limit {
        let members: Vec<PageMember> = crate::db::prepared(pick(
            scope,
            "SELECT * FROM medborger_report_caseworkers($1, $2, $3, $4)",
            "SELECT * FROM medborger_audit_report_caseworkers($1, $2, $3, $4)",
        ))
        .bind::<Array<Text>, _>(&departments)
        .bind::<Array<SqlUuid>, _>(teams)
        .bind::<Nullable<SqlUuid>, _>(page.after)
        .bind::<Integer, _>((limit + 1) as i32)
        .load(conn)
        .await?;
        page_ids = members.into_iter().map(|m| m.caseworker_id).collect();
        more = page_ids.len() as i64 > limit;
        page_ids.truncate(limit as usize);
    }
    let (load, breakdown): (Vec<LoadRow>, Vec<BreakdownRow>) = if page.limit.is_none() {
        // Every caseworker (the export): by department, not one probe per id.
        let load = crate::db::prepared(pick(
            scope,
            "SELECT * FROM medborger_report_load($1, $2, $3, $4)",
            "SELECT * FROM medborger_audit_report_load($1, $2, $3, $4)",
        ))
        .bind::<Array<Text>, _>(&departments)
        .bind::<Array<SqlUuid>, _>(teams)
        .bind::<Timestamptz, _>(now)
        .bind::<Date, _>(today)
        .load(conn)
        .await?;
        let breakdown =
            crate::db::prepared(pick(scope, BREAKDOWN, "SELECT * FROM medborger_audit_report_breakdown($1, $2)"))
                .bind::<Array<Text>, _>(&departments)
                .bind::<Array<SqlUuid>, _>(teams)
                .load(conn)
                .await?;
        (load, breakdown)
    } else if page_ids.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let load = crate::db::prepared(pick(
            scope,
            "SELECT * FROM medborger_report_load($1, $2, $3, $4, $5)",
            "SELECT * FROM medborger_audit_report_load($1, $2, $3, $4, $5)",
        ))
        .bind::<Array<Text>, _>(&departments)
        .bind::<Array<SqlUuid>, _>(teams)
        .bind::<Timestamptz, _>(now)
        .bind::<Date, _>(today)
        .bind::<Array<SqlUuid>, _>(&page_ids)
        .load(conn)
        .await?;
        let breakdown = crate::db::prepared(pick(
            scope,
            "SELECT * FROM medborger_report_breakdown($1, $2, $3)",
            "SELECT * FROM medborger_audit_report_breakdown($1, $2, $3)",
        ))
        .bind::<Array<Text>, _>(&departments)
        .bind::<Array<SqlUuid>, _>(teams)
        .bind::<Array<SqlUuid>, _>(&page_ids)
        .load(conn)
        .await?;
        (load, breakdown)
    };
    let team_rows = crate::db::prepared(pick(
        scope,
        "SELECT * FROM medborger_report_team_load($1, $2, $3, $4)",
        "SELECT * FROM medborger_audit_report_team_load($1, $2, $3, $4)",
    ))
    .bind::<Array<Text>, _>(&departments)
    .bind::<Array<SqlUuid>, _>(teams)
    .bind::<Timestamptz, _>(now)
    .bind::<Date, _>(today)
    .load(conn)
    .await?;
    let team_breakdown = crate::db::prepared(pick(
        scope,
        "SELECT * FROM medborger_report_team_breakdown($1, $2)",
        "SELECT * FROM medborger_audit_report_team_breakdown($1, $2)",
    ))
    .bind::<Array<Text>, _>(&departments)
    .bind::<Array<SqlUuid>, _>(teams)
    .load(conn)
    .await?;
    let grants: Vec<GrantRow> =
        crate::db::prepared(pick(scope, GRANTS, "SELECT * FROM medborger_audit_report_grants($1)"))
            .bind::<Array<Text>, _>(&departments)
            .load(conn)
            .await?;
    let grantees: Vec<Uuid> = grants.iter().map(|g| g.user_id).collect();
    let grantee_teams = if grantees.is_empty() {
        Vec::new()
    } else {
        crate::db::prepared(GRANTEE_TEAMS)
            .bind::<Array<SqlUuid>, _>(&grantees)
            .bind::<Array<Text>, _>(&departments)
            .bind::<Array<SqlUuid>, _>(teams)
            .load(conn)
            .await?
    };
    if page.limit.is_none() {
        let mut named: Vec<(&str, Uuid)> = load
            .iter()
            .map(|r| (r.full_name.as_str(), r.caseworker_id))
            .chain(grants.iter().map(|g| (g.full_name.as_str(), g.user_id)))
            .collect();
        named.sort();
        named.dedup();
        page_ids = named.into_iter().map(|(_, id)| id).collect();
    }
    Ok(CaseloadRows { page: page_ids, more, load, breakdown, teams: team_rows, team_breakdown, grants, grantee_teams })
}

/// The deadline counts from their roll-up: $1 departments, $2 restricted
/// teams, $3 from, $4 to, $5 today, $6 programme or ''.
const DEADLINE_COUNTS: &str = "SELECT * FROM medborger_report_deadlines($1, $2, $3, $4, $5, $6)";

/// The same parameters as DEADLINE_COUNTS.
const OVERDUE: &str = r#"
SELECT e.id AS enrolment_id, e.citizen_id, e.programme_code, m.code AS milestone_code, m.due_date,
       ($5 - m.due_date)::bigint AS days_overdue, e.responsible_caseworker_id
  FROM milestones m
  JOIN enrolments e ON e.id = m.enrolment_id
 WHERE e.department = ANY ($1) AND (NOT e.restricted OR e.team_id = ANY ($2))
   AND m.due_date BETWEEN $3 AND $4
   AND ($6 = '' OR e.programme_code = $6)
   AND m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < $5
 ORDER BY m.due_date, e.id
 LIMIT 500
"#;

/// What the deadline and outcome reports count: milestones due, or
/// outcomes measured, in a period, of one programme or ('') all.
pub struct Period<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub programme: &'a str,
}

impl<'a> Period<'a> {
    /// The period asked for (see [`PeriodParams::period`]), of `programme`.
    pub fn new(params: &PeriodParams, today: NaiveDate, programme: &'a str) -> ApiResult<Self> {
        let (from, to) = params.period(today)?;
        Ok(Self { from, to, programme })
    }

    /// A whole quarter, half-year or year (see [`OutcomeParams::whole_period`]).
    pub fn whole(params: &OutcomeParams, today: NaiveDate, programme: &'a str) -> ApiResult<Self> {
        let (from, to) = params.whole_period(today)?;
        Ok(Self { from, to, programme })
    }
}

/// DEADLINE_COUNTS or OVERDUE with their six parameters.
fn deadline_query<'a>(
    sql: &'a str, scope: &'a ReportScope, departments: &'a [&'static str], period: &'a Period<'a>, today: NaiveDate,
) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Array<Text>, _>(departments)
        .bind::<Array<SqlUuid>, _>(&scope.restricted_teams)
        .bind::<Date, _>(period.from)
        .bind::<Date, _>(period.to)
        .bind::<Date, _>(today)
        .bind::<Text, _>(period.programme)
}

pub async fn deadline_counts(
    conn: &mut AsyncPgConnection, scope: &ReportScope, period: &Period<'_>, today: NaiveDate,
) -> ApiResult<Vec<MilestoneDeadlines>> {
    let departments = scope.department_names();
    Ok(deadline_query(
        pick(scope, DEADLINE_COUNTS, "SELECT * FROM medborger_audit_report_deadlines($1, $2, $3, $4, $5, $6)"),
        scope,
        &departments,
        period,
        today,
    )
    .load(conn)
    .await?)
}

/// The 500 longest overdue. Each is a read of a citizen's case, with its
/// audit entry, under row-level security per row: at a million citizens 5,000
/// took 0.7 s. The report's counts hold them all.
pub async fn overdue_milestones(
    conn: &mut AsyncPgConnection, scope: &ReportScope, period: &Period<'_>, today: NaiveDate,
) -> ApiResult<Vec<OverdueMilestone>> {
    let departments = scope.department_names();
    Ok(deadline_query(OVERDUE, scope, &departments, period, today).load(conn).await?)
}

/// People measured at one point in one group of one breakdown (or in
/// total), and how many of them were in wage employment, self-supporting,
/// in education, at Danish A2 or above and at B1 or above.
#[derive(QueryableByName, Debug)]
pub struct GroupTally {
    #[diesel(sql_type = Text)]
    pub measurement_point: String,
    #[diesel(sql_type = Text)]
    pub dimension: String,
    #[diesel(sql_type = Text)]
    pub grp: String,
    #[diesel(sql_type = BigInt)]
    pub people: i64,
    #[diesel(sql_type = BigInt)]
    pub wage: i64,
    #[diesel(sql_type = BigInt)]
    pub self_supporting: i64,
    #[diesel(sql_type = BigInt)]
    pub education: i64,
    #[diesel(sql_type = BigInt)]
    pub a2: i64,
    #[diesel(sql_type = BigInt)]
    pub b1: i64,
}

/// The outcome tallies for one whole period (migration 2026-12-06-100002):
/// a manager's department, or the auditor's department or city, from the
/// tallies the database keeps; a restricted team's manager, whose report
/// includes their team's restricted work (which the tallies never hold),
/// from the measurements themselves under their row-level security.
pub async fn outcome_tallies(
    conn: &mut AsyncPgConnection, scope: &ReportScope, period: &Period<'_>,
) -> ApiResult<Vec<GroupTally>> {
    let departments = scope.department_names();
    let query = if scope.aggregate_only {
        diesel::sql_query("SELECT * FROM medborger_audit_report_outcomes($1, $2, $3, $4, $5)").into_boxed()
    } else if scope.restricted_teams.is_empty() {
        return Ok(diesel::sql_query("SELECT * FROM medborger_report_outcomes($1, $2, $3, $4)")
            .bind::<Text, _>(departments.as_slice().first().copied().unwrap_or_default())
            .bind::<Date, _>(period.from)
            .bind::<Date, _>(period.to)
            .bind::<Text, _>(period.programme)
            .load(conn)
            .await?);
    } else {
        diesel::sql_query("SELECT * FROM medborger_report_outcomes_live($1, $2, $3, $4, $5)").into_boxed()
    };
    Ok(query
        .bind::<Array<Text>, _>(&departments)
        .bind::<Array<SqlUuid>, _>(&scope.restricted_teams)
        .bind::<Date, _>(period.from)
        .bind::<Date, _>(period.to)
        .bind::<Text, _>(period.programme)
        .load(conn)
        .await?)
}

/// Which open enrolments a reassignment moves.
pub enum Selection {
    These(Vec<EnrolmentId>),
    AllOf(UserId),
}

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = enrolments)]
#[diesel(check_for_backend(Pg))]
pub struct OpenEnrolment {
    pub id: EnrolmentId,
    pub citizen_id: CitizenId,
    pub responsible_caseworker_id: UserId,
    pub restricted: bool,
    pub team_id: Uuid,
}

/// The selected open enrolments of `department` within the manager's reach
/// of restricted work, locked, in id order.
pub async fn lock_open_enrolments(
    conn: &mut AsyncPgConnection, selection: &Selection, department: DepartmentCode, restricted_teams: &[Uuid],
) -> ApiResult<Vec<OpenEnrolment>> {
    let chosen: Box<dyn BoxableExpression<enrolments::table, Pg, SqlType = Bool>> = match selection {
        Selection::These(ids) => Box::new(enrolments::id.eq_any(ids.clone())),
        Selection::AllOf(from) => Box::new(enrolments::responsible_caseworker_id.eq(*from)),
    };
    Ok(enrolments::table
        .filter(chosen)
        .filter(enrolments::department.eq(department.as_str()))
        .filter(enrolments::status.eq_any(OPEN_STATUSES))
        .filter(enrolments::restricted.eq(false).or(enrolments::team_id.eq_any(restricted_teams)))
        .select(OpenEnrolment::as_select())
        .order(enrolments::id)
        .for_update()
        .load(conn)
        .await?)
}

pub async fn reassign(
    conn: &mut AsyncPgConnection, found: &[OpenEnrolment], to: UserId, reason: &str, by: UserId, now: DateTime<Utc>,
) -> ApiResult<()> {
    let ids: Vec<EnrolmentId> = found.iter().map(|e| e.id).collect();
    diesel::update(enrolments::table.filter(enrolments::id.eq_any(&ids)))
        .set((
            enrolments::responsible_caseworker_id.eq(to),
            enrolments::version.eq(enrolments::version + 1),
            enrolments::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    // The reason stays with the reassignment, readable where the enrolment
    // is; the audit entry carries only its purpose (issue 10, door 6).
    let rows: Vec<_> = found
        .iter()
        .map(|e| {
            (
                enrolment_reassignments::id.eq(Uuid::now_v7()),
                enrolment_reassignments::enrolment_id.eq(e.id),
                enrolment_reassignments::from_caseworker_id.eq(Some(e.responsible_caseworker_id)),
                enrolment_reassignments::to_caseworker_id.eq(to),
                enrolment_reassignments::reason.eq(reason),
                enrolment_reassignments::reassigned_by.eq(by),
                enrolment_reassignments::at.eq(now),
            )
        })
        .collect();
    diesel::insert_into(enrolment_reassignments::table).values(rows).execute(conn).await?;
    Ok(())
}
