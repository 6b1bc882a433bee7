//! Deadlines: for each programme with milestone rules, how many milestones
//! falling due in a period were met on time, met late, are overdue, were
//! waived or are still pending — e.g. the share of Københavnermodel refugees
//! whose company internship started within the first month — and, for a
//! manager, the overdue ones themselves.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{Array, BigInt, Date, Text, Uuid as SqlUuid};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::csv::{self, cell, Table};
use super::ReportScope;
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::domain::DepartmentCode;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First due date counted (default: 1 January this year).
    pub from: Option<NaiveDate>,
    /// Last due date counted (default: today).
    pub to: Option<NaiveDate>,
    /// Only this programme.
    pub programme: Option<String>,
    /// Auditors: one department (default: all). Managers: their own.
    #[param(value_type = Option<String>)]
    pub department: Option<DepartmentCode>,
}

impl PeriodParams {
    pub fn period(&self, today: NaiveDate) -> ApiResult<(NaiveDate, NaiveDate)> {
        let from = self
            .from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
        let to = self.to.unwrap_or(today);
        if from > to {
            return Err(ApiError::invalid(
                "from",
                "after_to",
                "from must not be after to",
            ));
        }
        Ok((from, to))
    }
}

#[derive(Serialize, ToSchema, Debug, QueryableByName)]
pub struct MilestoneDeadlines {
    #[diesel(sql_type = Text)]
    pub programme_code: String,
    #[diesel(sql_type = Text)]
    pub milestone_code: String,
    #[diesel(sql_type = Text)]
    pub name_da: String,
    #[diesel(sql_type = BigInt)]
    pub due: i64,
    #[diesel(sql_type = BigInt)]
    pub met_on_time: i64,
    #[diesel(sql_type = BigInt)]
    pub met_late: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue: i64,
    #[diesel(sql_type = BigInt)]
    pub waived: i64,
    /// Not yet due and not yet met.
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    /// met on time / (met on time + met late + overdue), in percent with one
    /// decimal; absent while nothing has come due.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub share_met_on_time_pct: Option<f64>,
}

#[derive(Serialize, ToSchema, Debug, QueryableByName)]
pub struct OverdueMilestone {
    #[diesel(sql_type = SqlUuid)]
    pub enrolment_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub citizen_id: Uuid,
    #[diesel(sql_type = Text)]
    pub programme_code: String,
    #[diesel(sql_type = Text)]
    pub milestone_code: String,
    #[diesel(sql_type = Date)]
    pub due_date: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub days_overdue: i64,
    #[diesel(sql_type = SqlUuid)]
    pub responsible_caseworker_id: Uuid,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DeadlineReport {
    pub departments: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub milestones: Vec<MilestoneDeadlines>,
    /// The overdue milestones themselves (managers only; absent for auditors).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<Vec<OverdueMilestone>>,
}

/// $1 departments, $2 restricted teams, $3 from, $4 to, $5 today, $6 programme or ''.
const COUNTS: &str = r#"
SELECT e.programme_code, m.code AS milestone_code, min(m.name_da) AS name_da,
       count(*) AS due,
       count(*) FILTER (WHERE m.met_on <= m.due_date) AS met_on_time,
       count(*) FILTER (WHERE m.met_on > m.due_date) AS met_late,
       count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < $5) AS overdue,
       count(*) FILTER (WHERE m.waived_reason IS NOT NULL) AS waived,
       count(*) FILTER (WHERE m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date >= $5) AS pending,
       round(100.0 * count(*) FILTER (WHERE m.met_on <= m.due_date)
             / nullif(count(*) FILTER (WHERE m.met_on IS NOT NULL
                                          OR (m.waived_reason IS NULL AND m.due_date < $5)), 0), 1)::float8
           AS share_met_on_time_pct
  FROM milestones m
  JOIN enrolments e ON e.id = m.enrolment_id
 WHERE e.department = ANY ($1) AND (NOT e.restricted OR e.team_id = ANY ($2))
   AND m.due_date BETWEEN $3 AND $4
   AND ($6 = '' OR e.programme_code = $6)
 GROUP BY 1, 2
 ORDER BY 1, min(m.due_date - coalesce(e.start_date, m.due_date)), 2
"#;

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
 LIMIT 5000
"#;

/// COUNTS or OVERDUE with their six parameters.
fn bound<'a>(
    sql: &'a str,
    scope: &'a ReportScope,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    programme: &'a str,
) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Array<Text>, _>(&scope.departments)
        .bind::<Array<SqlUuid>, _>(&scope.restricted_teams)
        .bind::<Date, _>(from)
        .bind::<Date, _>(to)
        .bind::<Date, _>(today)
        .bind::<Text, _>(programme)
}

fn table(report: &DeadlineReport) -> Table {
    Table {
        header: vec![
            "programme_code",
            "milestone_code",
            "name_da",
            "due",
            "met_on_time",
            "met_late",
            "overdue",
            "waived",
            "pending",
            "share_met_on_time_pct",
        ],
        rows: report
            .milestones
            .iter()
            .map(|m| {
                vec![
                    m.programme_code.clone(),
                    m.milestone_code.clone(),
                    m.name_da.clone(),
                    m.due.to_string(),
                    m.met_on_time.to_string(),
                    m.met_late.to_string(),
                    m.overdue.to_string(),
                    m.waived.to_string(),
                    m.pending.to_string(),
                    cell(m.share_met_on_time_pct),
                ]
            })
            .collect(),
    }
}

/// Milestones due in a period by programme: met on time, late, overdue,
/// waived, pending, and the share met on time; for managers also the list of
/// overdue ones in their department. JSON, or CSV with `Accept: text/csv`.
#[utoipa::path(
    tag = "reports",
    params(PeriodParams),
    responses((status = 200, description = "The report", content((DeadlineReport = "application/json"), (String = "text/csv")))),
)]
#[get("/reports/deadlines")]
pub async fn deadlines_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: Actor,
    params: web::Query<PeriodParams>,
) -> ApiResult<HttpResponse> {
    let params = params.into_inner();
    let scope = ReportScope::of(&actor, params.department)?;
    let now = actor.now;
    let today = now.date_naive();
    let (from, to) = params.period(today)?;
    let programme = params.programme.unwrap_or_default();
    let who = AuditActor::from(&actor);
    let report = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            scope.enter(conn).await?;
            let milestones: Vec<MilestoneDeadlines> =
                bound(COUNTS, &scope, from, to, today, &programme)
                    .load(conn)
                    .await?;
            let overdue = if scope.aggregate_only {
                None
            } else {
                let list: Vec<OverdueMilestone> =
                    bound(OVERDUE, &scope, from, to, today, &programme)
                        .load(conn)
                        .await?;
                Some(list)
            };
            let mut entries =
                vec![
                    AuditEntry::new(Action::Read, Resource::ReportDeadlines, Outcome::Success)
                        .reason(format!(
                            "departments {}, {from}–{to}",
                            scope.departments.join(",")
                        )),
                ];
            // The overdue list names citizens: each shown is a read of theirs.
            for o in overdue.iter().flatten() {
                entries.push(
                    AuditEntry::new(Action::Read, Resource::Milestone, Outcome::Success)
                        .resource_id(o.enrolment_id)
                        .citizen(o.citizen_id)
                        .reason("overdue list of the deadline report"),
                );
            }
            audit::record_many(conn, now, &who, entries).await?;
            Ok(DeadlineReport {
                departments: scope.departments.clone(),
                from,
                to,
                as_of: now,
                milestones,
                overdue,
            })
        }
        .scope_boxed()
    })
    .await?;
    csv::respond(&req, &report, table, "deadlines")
}
