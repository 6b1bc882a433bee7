//! The caseload audit: per caseworker and per team, open enrolments by
//! programme and status, overdue milestones, silent cases (no note in 30, 60
//! or 90 days), citizens without the mentor their programme requires, and
//! break-the-glass grants awaiting review; with the department totals. And
//! reassignment of enrolments between the department's caseworkers.

use std::collections::BTreeMap;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::csv::{self, Table};
use super::ReportScope;
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::domain::DepartmentCode;
use crate::enrolments::queries::check_staff;
use crate::error::{ApiError, ApiResult};
use crate::schema::enrolments;
use crate::scope::OPEN_STATUSES;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Auditors: one department (default: all). Managers: their own.
    #[param(value_type = Option<String>)]
    pub department: Option<DepartmentCode>,
}

#[derive(Serialize, ToSchema, Debug, Clone, Default)]
pub struct ProgrammeStatusCount {
    pub programme_code: String,
    pub status: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema, Debug, Clone, Default)]
pub struct CaseloadCounts {
    pub open: i64,
    pub by_programme_and_status: Vec<ProgrammeStatusCount>,
    pub overdue_milestones: i64,
    /// Open enrolments without a note for 30, 60 and 90 days (since they
    /// started, when there is none).
    pub silent_30_days: i64,
    pub silent_60_days: i64,
    pub silent_90_days: i64,
    /// Citizens in an active or paused enrolment of a programme that
    /// requires a mentor, with none assigned.
    pub without_required_mentor: i64,
    pub grants_awaiting_review: i64,
}

impl CaseloadCounts {
    fn add(&mut self, row: &Row) {
        self.open += row.open;
        self.overdue_milestones += row.overdue_milestones;
        self.silent_30_days += row.silent_30;
        self.silent_60_days += row.silent_60;
        self.silent_90_days += row.silent_90;
        self.without_required_mentor += row.without_mentor;
    }

    fn add_breakdown(&mut self, programme: &str, status: &str, count: i64) {
        match self
            .by_programme_and_status
            .iter_mut()
            .find(|c| c.programme_code == programme && c.status == status)
        {
            Some(c) => c.count += count,
            None => self.by_programme_and_status.push(ProgrammeStatusCount {
                programme_code: programme.to_string(),
                status: status.to_string(),
                count,
            }),
        }
    }
}

#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct CaseworkerLoad {
    pub caseworker_id: Uuid,
    pub full_name: String,
    pub department: String,
    #[serde(flatten)]
    pub counts: CaseloadCounts,
}

#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct TeamLoad {
    pub team_id: Uuid,
    pub name: String,
    pub department: String,
    pub restricted: bool,
    #[serde(flatten)]
    pub counts: CaseloadCounts,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct CaseloadReport {
    pub departments: Vec<String>,
    pub as_of: DateTime<Utc>,
    pub caseworkers: Vec<CaseworkerLoad>,
    pub teams: Vec<TeamLoad>,
    pub totals: CaseloadCounts,
}

#[derive(QueryableByName, Debug)]
struct Row {
    #[diesel(sql_type = SqlUuid)]
    caseworker_id: Uuid,
    #[diesel(sql_type = Text)]
    full_name: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = SqlUuid)]
    team_id: Uuid,
    #[diesel(sql_type = Text)]
    team_name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    team_restricted: bool,
    #[diesel(sql_type = BigInt)]
    open: i64,
    #[diesel(sql_type = BigInt)]
    overdue_milestones: i64,
    #[diesel(sql_type = BigInt)]
    silent_30: i64,
    #[diesel(sql_type = BigInt)]
    silent_60: i64,
    #[diesel(sql_type = BigInt)]
    silent_90: i64,
    #[diesel(sql_type = BigInt)]
    without_mentor: i64,
}

#[derive(QueryableByName, Debug)]
struct BreakdownRow {
    #[diesel(sql_type = SqlUuid)]
    caseworker_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    team_id: Uuid,
    #[diesel(sql_type = Text)]
    programme_code: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName, Debug)]
struct GrantRow {
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
    #[diesel(sql_type = Text)]
    full_name: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = BigInt)]
    pending: i64,
}

/// $1 departments, $2 restricted teams included, $3 now, $4 today.
const LOAD: &str = r#"
SELECT e.responsible_caseworker_id AS caseworker_id, u.full_name, e.department,
       e.team_id, t.name AS team_name, t.restricted AS team_restricted,
       count(*) AS open,
       coalesce(sum(m.overdue), 0)::bigint AS overdue_milestones,
       count(*) FILTER (WHERE coalesce(e.last_note_at, e.created_at) < $3 - interval '30 days') AS silent_30,
       count(*) FILTER (WHERE coalesce(e.last_note_at, e.created_at) < $3 - interval '60 days') AS silent_60,
       count(*) FILTER (WHERE coalesce(e.last_note_at, e.created_at) < $3 - interval '90 days') AS silent_90,
       count(DISTINCT e.citizen_id) FILTER (WHERE p.requires_mentor AND e.mentor_id IS NULL
                                              AND e.status IN ('active', 'paused')) AS without_mentor
  FROM enrolments e
  JOIN programmes p ON p.code = e.programme_code
  JOIN staff_users u ON u.id = e.responsible_caseworker_id
  JOIN teams t ON t.id = e.team_id
  LEFT JOIN LATERAL (
        SELECT count(*) AS overdue FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < $4
  ) m ON true
 WHERE e.status IN ('referred', 'active', 'paused')
   AND e.department = ANY ($1) AND (NOT e.restricted OR e.team_id = ANY ($2))
 GROUP BY 1, 2, 3, 4, 5, 6
 ORDER BY 2, 1, 5
"#;

const BREAKDOWN: &str = r#"
SELECT e.responsible_caseworker_id AS caseworker_id, e.team_id, e.programme_code, e.status, count(*) AS count
  FROM enrolments e
 WHERE e.status IN ('referred', 'active', 'paused')
   AND e.department = ANY ($1) AND (NOT e.restricted OR e.team_id = ANY ($2))
 GROUP BY 1, 2, 3, 4
 ORDER BY 3, 4
"#;

/// Grants awaiting review, by grantee: a manager's department or the auditor's.
const GRANTS: &str = r#"
SELECT g.user_id, u.full_name, g.department, count(*) AS pending
  FROM access_grants g JOIN staff_users u ON u.id = g.user_id
 WHERE g.reviewed_at IS NULL AND g.department = ANY ($1)
 GROUP BY 1, 2, 3
"#;

async fn build(
    conn: &mut diesel_async::AsyncPgConnection,
    scope: &ReportScope,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> ApiResult<CaseloadReport> {
    let rows: Vec<Row> = diesel::sql_query(LOAD)
        .bind::<Array<Text>, _>(&scope.departments)
        .bind::<Array<SqlUuid>, _>(&scope.restricted_teams)
        .bind::<Timestamptz, _>(now)
        .bind::<Date, _>(today)
        .load(conn)
        .await?;
    let breakdown: Vec<BreakdownRow> = diesel::sql_query(BREAKDOWN)
        .bind::<Array<Text>, _>(&scope.departments)
        .bind::<Array<SqlUuid>, _>(&scope.restricted_teams)
        .load(conn)
        .await?;
    let grants: Vec<GrantRow> = diesel::sql_query(GRANTS)
        .bind::<Array<Text>, _>(&scope.departments)
        .load(conn)
        .await?;

    let mut caseworkers: BTreeMap<Uuid, CaseworkerLoad> = BTreeMap::new();
    let mut teams: BTreeMap<Uuid, TeamLoad> = BTreeMap::new();
    let mut totals = CaseloadCounts::default();
    for row in &rows {
        caseworkers
            .entry(row.caseworker_id)
            .or_insert_with(|| CaseworkerLoad {
                caseworker_id: row.caseworker_id,
                full_name: row.full_name.clone(),
                department: row.department.clone(),
                counts: CaseloadCounts::default(),
            })
            .counts
            .add(row);
        teams
            .entry(row.team_id)
            .or_insert_with(|| TeamLoad {
                team_id: row.team_id,
                name: row.team_name.clone(),
                department: row.department.clone(),
                restricted: row.team_restricted,
                counts: CaseloadCounts::default(),
            })
            .counts
            .add(row);
        totals.add(row);
    }
    for b in &breakdown {
        for counts in [
            caseworkers.get_mut(&b.caseworker_id).map(|c| &mut c.counts),
            teams.get_mut(&b.team_id).map(|t| &mut t.counts),
            Some(&mut totals),
        ]
        .into_iter()
        .flatten()
        {
            counts.add_breakdown(&b.programme_code, &b.status, b.count);
        }
    }
    for g in &grants {
        caseworkers
            .entry(g.user_id)
            .or_insert_with(|| CaseworkerLoad {
                caseworker_id: g.user_id,
                full_name: g.full_name.clone(),
                department: g.department.clone(),
                counts: CaseloadCounts::default(),
            })
            .counts
            .grants_awaiting_review += g.pending;
        totals.grants_awaiting_review += g.pending;
    }
    let mut caseworkers: Vec<CaseworkerLoad> = caseworkers.into_values().collect();
    caseworkers.sort_by(|a, b| {
        a.full_name
            .cmp(&b.full_name)
            .then(a.caseworker_id.cmp(&b.caseworker_id))
    });
    let mut teams: Vec<TeamLoad> = teams.into_values().collect();
    teams.sort_by(|a, b| a.name.cmp(&b.name).then(a.team_id.cmp(&b.team_id)));
    Ok(CaseloadReport {
        departments: scope.departments.clone(),
        as_of: now,
        caseworkers,
        teams,
        totals,
    })
}

const COLUMNS: [&str; 12] = [
    "level",
    "id",
    "name",
    "department",
    "open",
    "overdue_milestones",
    "silent_30_days",
    "silent_60_days",
    "silent_90_days",
    "without_required_mentor",
    "grants_awaiting_review",
    "by_programme_and_status",
];

fn counts_cells(c: &CaseloadCounts) -> Vec<String> {
    let breakdown = c
        .by_programme_and_status
        .iter()
        .map(|b| format!("{}/{}={}", b.programme_code, b.status, b.count))
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        c.open.to_string(),
        c.overdue_milestones.to_string(),
        c.silent_30_days.to_string(),
        c.silent_60_days.to_string(),
        c.silent_90_days.to_string(),
        c.without_required_mentor.to_string(),
        c.grants_awaiting_review.to_string(),
        breakdown,
    ]
}

fn table(report: &CaseloadReport) -> Table {
    let mut rows = Vec::new();
    for c in &report.caseworkers {
        let mut row = vec![
            "caseworker".into(),
            c.caseworker_id.to_string(),
            c.full_name.clone(),
            c.department.clone(),
        ];
        row.extend(counts_cells(&c.counts));
        rows.push(row);
    }
    for t in &report.teams {
        let mut row = vec![
            "team".into(),
            t.team_id.to_string(),
            t.name.clone(),
            t.department.clone(),
        ];
        row.extend(counts_cells(&t.counts));
        rows.push(row);
    }
    let mut row = vec![
        "total".into(),
        String::new(),
        String::new(),
        report.departments.join(" "),
    ];
    row.extend(counts_cells(&report.totals));
    rows.push(row);
    Table {
        header: COLUMNS.to_vec(),
        rows,
    }
}

/// The caseload audit of your department (managers; a restricted team's
/// manager also sees the team's restricted work) or of every department
/// (auditors). JSON, or CSV with `Accept: text/csv`.
#[utoipa::path(
    tag = "reports",
    params(ReportParams),
    responses((status = 200, description = "The report", content((CaseloadReport = "application/json"), (String = "text/csv")))),
)]
#[get("/reports/caseload")]
pub async fn caseload_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: Actor,
    params: web::Query<ReportParams>,
) -> ApiResult<HttpResponse> {
    let scope = ReportScope::of(&actor, params.department)?;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let report = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            scope.enter(conn).await?;
            let report = build(conn, &scope, now, now.date_naive()).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::ReportCaseload, Outcome::Success)
                    .reason(format!("departments {}", scope.departments.join(","))),
            )
            .await?;
            Ok(report)
        }
        .scope_boxed()
    })
    .await?;
    csv::respond(&req, &report, table, "caseload")
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    /// An active caseworker of your department (for restricted work, of its team).
    pub to_caseworker_id: Uuid,
    /// These open enrolments …
    pub enrolment_ids: Option<Vec<Uuid>>,
    /// … or all open enrolments of this caseworker.
    pub from_caseworker_id: Option<Uuid>,
    /// Why (1–1800 characters), for the audit log.
    pub reason: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ReassignResult {
    pub moved: usize,
    pub enrolment_ids: Vec<Uuid>,
}

/// Move enrolments to another caseworker of your department, all or none,
/// each move audited (managers).
#[utoipa::path(
    tag = "reports",
    request_body = ReassignRequest,
    responses((status = 200, body = ReassignResult)),
)]
#[post("/reports/caseload/reassign")]
pub async fn reassign(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<ReassignRequest>,
) -> ApiResult<web::Json<ReassignResult>> {
    let body = body.into_inner();
    // Leaves room in the audit entry for the ids around it.
    let reason = crate::http::bounded_text("reason", &body.reason, 1, 1800)?;
    let selection = match (body.enrolment_ids, body.from_caseworker_id) {
        (Some(ids), None) if !ids.is_empty() && ids.len() <= 5_000 => Ok(ids),
        (None, Some(from)) => Err(from),
        _ => {
            return Err(ApiError::invalid(
                "enrolment_ids",
                "required",
                "name 1–5000 enrolment_ids or a from_caseworker_id, not both",
            ))
        }
    };
    let to = body.to_caseworker_id;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let department = actor.department.to_string();
    let teams: Vec<Uuid> = actor.restricted_teams();
    let moved = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            // The enrolments, locked, within the department and the
            // manager's reach of restricted work.
            let chosen: Box<
                dyn BoxableExpression<
                    enrolments::table,
                    diesel::pg::Pg,
                    SqlType = diesel::sql_types::Bool,
                >,
            > = match &selection {
                Ok(ids) => Box::new(enrolments::id.eq_any(ids.clone())),
                Err(from) => Box::new(enrolments::responsible_caseworker_id.eq(*from)),
            };
            let found: Vec<(Uuid, Uuid, Uuid, bool, Uuid)> = enrolments::table
                .filter(chosen)
                .filter(enrolments::department.eq(&department))
                .filter(enrolments::status.eq_any(OPEN_STATUSES))
                .filter(
                    enrolments::restricted
                        .eq(false)
                        .or(enrolments::team_id.eq_any(&teams)),
                )
                .select((
                    enrolments::id,
                    enrolments::citizen_id,
                    enrolments::responsible_caseworker_id,
                    enrolments::restricted,
                    enrolments::team_id,
                ))
                .order(enrolments::id)
                .for_update()
                .load(conn)
                .await?;
            if let Ok(ids) = &selection {
                let mut wanted = ids.clone();
                wanted.sort();
                wanted.dedup();
                if wanted.len() != found.len() {
                    return Err(ApiError::invalid(
                        "enrolment_ids",
                        "not_found",
                        "every enrolment must be an open enrolment of your department",
                    ));
                }
            }
            // The new caseworker must belong to every restricted team involved.
            let mut teams_needed: std::collections::BTreeSet<Option<Uuid>> = found
                .iter()
                .map(|(_, _, _, restricted, team)| restricted.then_some(*team))
                .collect();
            teams_needed.insert(None);
            for team in teams_needed {
                check_staff(
                    conn,
                    "to_caseworker_id",
                    to.into(),
                    &department,
                    "caseworker",
                    team.map(Into::into),
                )
                .await?;
            }
            let ids: Vec<Uuid> = found.iter().map(|f| f.0).collect();
            diesel::update(enrolments::table.filter(enrolments::id.eq_any(&ids)))
                .set((
                    enrolments::responsible_caseworker_id.eq(to),
                    enrolments::version.eq(enrolments::version + 1),
                    enrolments::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            let entries = found
                .iter()
                .map(|(id, citizen, from, _, _)| {
                    AuditEntry::new(Action::Update, Resource::Enrolment, Outcome::Success)
                        .resource_id(id)
                        .citizen(*citizen)
                        .reason(format!("reassigned from {from} to {to}: {reason}"))
                })
                .collect::<Vec<_>>();
            if !entries.is_empty() {
                audit::record_many(conn, now, &who, entries).await?;
            }
            Ok(ids)
        }
        .scope_boxed()
    })
    .await?;
    Ok(web::Json(ReassignResult {
        moved: moved.len(),
        enrolment_ids: moved,
    }))
}
