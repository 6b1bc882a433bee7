//! The reports' parameters and documents (JSON; CSV is made from them).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::sql_types::{BigInt, Date, Double, Nullable, Text, Uuid as SqlUuid};
use diesel::QueryableByName;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::DepartmentCode;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Auditors: one department (default: all). Managers: their own.
    #[param(value_type = Option<DepartmentCode>)]
    pub department: Option<DepartmentCode>,
    /// Caseworker rows per page of the JSON report, 1–200 (default 50); the
    /// team rows and the totals are always whole. The CSV export holds every
    /// caseworker.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (JSON).
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

/// Which caseworker rows a caseload report holds.
#[derive(Debug, Clone, Copy)]
pub struct CaseworkerPage {
    /// After this caseworker, in (name, id) order.
    pub after: Option<Uuid>,
    /// This many (`None`: all).
    pub limit: Option<i64>,
}

impl ReportParams {
    /// The page the request asks for: for CSV every caseworker.
    pub fn page(&self, csv: bool) -> ApiResult<CaseworkerPage> {
        let page = crate::http::PageParams { limit: self.limit, cursor: self.cursor.clone() };
        let (limit, after) = (page.limit()?, page.after()?);
        Ok(if csv { CaseworkerPage { after: None, limit: None } } else { CaseworkerPage { after, limit: Some(limit) } })
    }
}

/// A count as a report publishes it: exact in a manager's view of their own
/// department; in an auditor's view `null` (suppressed) when it is 1–4, so
/// that no one person can be picked out (issue 10, door 11).
pub type Cell = Option<i64>;

#[derive(Serialize, ToSchema, Debug, Clone, Default)]
pub struct ProgrammeStatusCount {
    pub programme_code: String,
    pub status: String,
    /// `null`: suppressed (1–4, auditors' view).
    pub count: Cell,
}

/// Every count is `null` when suppressed (1–4, auditors' view).
#[derive(Serialize, ToSchema, Debug, Clone, Default)]
pub struct CaseloadCounts {
    pub open: Cell,
    pub by_programme_and_status: Vec<ProgrammeStatusCount>,
    pub overdue_milestones: Cell,
    /// Open enrolments without a note for 30, 60 and 90 days (since they
    /// started, when there is none).
    pub silent_30_days: Cell,
    pub silent_60_days: Cell,
    pub silent_90_days: Cell,
    /// Citizens in an active or paused enrolment of a programme that
    /// requires a mentor, with none assigned.
    pub without_required_mentor: Cell,
    pub grants_awaiting_review: Cell,
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
    /// A page of caseworkers with open work or grants awaiting review, in
    /// name order (`limit`, `cursor`).
    pub caseworkers: Vec<CaseworkerLoad>,
    /// Pass as `cursor` for the next page of caseworkers; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Every team with open work or grants awaiting review.
    pub teams: Vec<TeamLoad>,
    /// The whole report's totals.
    pub totals: CaseloadCounts,
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
    #[schema(min_length = 1, max_length = 1800, pattern = r"\S")]
    pub reason: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ReassignResult {
    pub moved: usize,
    pub enrolment_ids: Vec<Uuid>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First due date counted (default: 1 January this year).
    pub from: Option<NaiveDate>,
    /// Last due date counted (default: today).
    pub to: Option<NaiveDate>,
    /// Only this programme (its code).
    #[param(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub programme: Option<String>,
    /// Auditors: one department (default: all). Managers: their own.
    #[param(value_type = Option<DepartmentCode>)]
    pub department: Option<DepartmentCode>,
}

impl PeriodParams {
    pub fn period(&self, today: NaiveDate) -> ApiResult<(NaiveDate, NaiveDate)> {
        let from = self.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
        let to = self.to.unwrap_or(today);
        if from > to {
            return Err(ApiError::invalid("from", "after_to", "from must not be after to"));
        }
        Ok((from, to))
    }
}

/// The outcome report's parameters: a whole period only (issue 10, door 11).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutcomeParams {
    /// A whole year (`2026`), half-year (`2026-H1`) or quarter (`2026-Q3`);
    /// default: this year. (`from` and `to` on the first and last day of such
    /// a period are accepted too.)
    #[param(pattern = "^[0-9]{4}(-H[12]|-Q[1-4])?$")]
    pub period: Option<String>,
    #[param(ignore)]
    pub from: Option<NaiveDate>,
    #[param(ignore)]
    pub to: Option<NaiveDate>,
    /// Only this programme (its code).
    #[param(pattern = "^[a-z][a-z0-9_]{1,63}$")]
    pub programme: Option<String>,
    /// Auditors: one department (default: all). Managers: their own.
    #[param(value_type = Option<DepartmentCode>)]
    pub department: Option<DepartmentCode>,
}

impl OutcomeParams {
    /// Two reports a day apart would reveal one person, so the report covers a
    /// whole quarter, half-year or year and no other span.
    pub fn whole_period(&self, today: NaiveDate) -> ApiResult<(NaiveDate, NaiveDate)> {
        let (from, to) = match (&self.period, self.from, self.to) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                return Err(ApiError::invalid("period", "conflict", "give a period, or from and to, not both"))
            }
            (Some(period), None, None) => {
                return named_period(period).ok_or_else(|| ApiError::invalid("period", "invalid", WHOLE))
            }
            (None, None, None) => {
                return named_period(&format!("{:04}", today.year()))
                    .ok_or_else(|| ApiError::internal(anyhow::anyhow!("no calendar year {}", today.year())))
            }
            (None, Some(from), Some(to)) => (from, to),
            (None, _, _) => return Err(ApiError::invalid("period", "not_whole", WHOLE)),
        };
        let whole = [(1, 12), (1, 6), (7, 6), (1, 3), (4, 3), (7, 3), (10, 3)]
            .iter()
            .any(|&(month, months)| from.day() == 1 && from.month() == month && last_day(from, months) == Some(to));
        if whole {
            Ok((from, to))
        } else {
            Err(ApiError::invalid("period", "not_whole", WHOLE))
        }
    }
}

const WHOLE: &str = "a whole year (2026), half-year (2026-H1) or quarter (2026-Q3)";

fn last_day(first: NaiveDate, months: u32) -> Option<NaiveDate> {
    first.checked_add_months(chrono::Months::new(months))?.pred_opt()
}

/// `2026`, `2026-H2` or `2026-Q3` as its first and last day.
fn named_period(period: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (year, part) = period.split_once('-').map_or((period, None), |(y, p)| (y, Some(p)));
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let (month, months) = match part {
        None => (1, 12),
        Some("H1") => (1, 6),
        Some("H2") => (7, 6),
        Some("Q1") => (1, 3),
        Some("Q2") => (4, 3),
        Some("Q3") => (7, 3),
        Some("Q4") => (10, 3),
        Some(_) => return None,
    };
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some((first, last_day(first, months)?))
}

#[derive(Serialize, ToSchema, Debug, QueryableByName)]
pub struct MilestoneDeadlines {
    #[diesel(sql_type = Text)]
    pub programme_code: String,
    #[diesel(sql_type = Text)]
    pub milestone_code: String,
    #[diesel(sql_type = Text)]
    pub name_da: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub due: Cell,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub met_on_time: Cell,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub met_late: Cell,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub overdue: Cell,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub waived: Cell,
    /// Not yet due and not yet met.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub pending: Cell,
    /// met on time / (met on time + met late + overdue), in percent with one
    /// decimal; absent while nothing has come due, and in an auditor's view
    /// when a count it is made of is suppressed.
    #[diesel(sql_type = Nullable<Double>)]
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
    /// The overdue milestones themselves, the 500 longest overdue first (the
    /// counts in `milestones` hold them all; narrow the period or programme
    /// for the rest). Managers only; absent for auditors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<Vec<OverdueMilestone>>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Baselines {
    pub period: &'static str,
    pub danish_background_pct: f64,
    pub non_western_pct: f64,
    pub menapt_pct: f64,
}

/// One group's figures; all null when suppressed.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct OutcomeCell {
    pub group: String,
    pub people: Option<i64>,
    pub wage_employment_pct: Option<f64>,
    pub self_supporting_pct: Option<f64>,
    pub in_education_pct: Option<f64>,
    /// Share at Danish level A2 or above, and B1 or above.
    pub danish_a2_or_above_pct: Option<f64>,
    pub danish_b1_or_above_pct: Option<f64>,
    /// The group's own baseline where the policy gives one (non-Western,
    /// MENAPT), and the gap to it in percentage points.
    pub baseline_pct: Option<f64>,
    pub gap_pp: Option<f64>,
    /// The gap to Danish-background Copenhageners (78.4 %).
    pub gap_to_danish_background_pp: Option<f64>,
    pub suppressed: Option<&'static str>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Breakdown {
    /// origin_region, menapt, origin_group, sex, age_band or district.
    pub dimension: &'static str,
    pub groups: Vec<OutcomeCell>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct PointReport {
    pub measurement_point: &'static str,
    pub total: OutcomeCell,
    pub breakdowns: Vec<Breakdown>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct OutcomeReport {
    pub departments: Vec<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub programme: Option<String>,
    /// Who is counted.
    pub population: &'static str,
    pub as_of: DateTime<Utc>,
    pub baselines: Baselines,
    pub points: Vec<PointReport>,
}
