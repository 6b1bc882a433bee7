//! Managers' and auditors' reports: caseload audit (with reassignment),
//! deadlines, and outcome monitoring against the policy's baselines. Each is
//! JSON, or CSV when asked for with `Accept: text/csv`. The handlers are in
//! `handlers`, the SQL in `queries`; `caseload`, `deadlines` and `outcomes`
//! make each report out of its rows.
//!
//! Who sees what: a manager reports on their own department, including the
//! restricted work of restricted teams they belong to and nothing else of
//! restricted work; auditors read the aggregates of every department, never
//! restricted work. Managers' reports run under their own row-level security;
//! an auditor has no case access, so their aggregate queries read past it,
//! with restricted work excluded in the query itself.

pub mod caseload;
pub mod csv;
pub mod deadlines;
pub mod dto;
pub mod handlers;
pub mod outcomes;
pub mod queries;
pub mod rollups;

use uuid::Uuid;

use crate::auth::Actor;
use crate::domain::{DepartmentCode, Role};
use crate::error::{ApiError, ApiResult};

/// The part of the municipality a report covers.
#[derive(Debug, Clone)]
pub struct ReportScope {
    pub departments: Vec<DepartmentCode>,
    /// Restricted teams whose restricted work is included.
    pub restricted_teams: Vec<Uuid>,
    /// An auditor's aggregate view: through the aggregate-only report
    /// functions, never the rows.
    pub aggregate_only: bool,
}

impl ReportScope {
    /// A manager: their department (asking for another is refused); an
    /// auditor: the department asked for, or all.
    pub fn of(actor: &Actor, department: Option<DepartmentCode>) -> ApiResult<Self> {
        if actor.has_role(Role::Manager) {
            if department.is_some_and(|d| d != actor.department) {
                return Err(ApiError::Forbidden);
            }
            return Ok(Self {
                departments: vec![actor.department],
                restricted_teams: actor.restricted_teams(),
                aggregate_only: false,
            });
        }
        if actor.has_role(Role::Auditor) {
            return Ok(Self {
                departments: department.map_or(DepartmentCode::ALL.to_vec(), |d| vec![d]),
                restricted_teams: Vec::new(),
                aggregate_only: true,
            });
        }
        Err(ApiError::Forbidden)
    }

    pub fn department_names(&self) -> Vec<&'static str> {
        self.departments.iter().map(|d| d.as_str()).collect()
    }

    /// The departments as the report names them.
    pub fn department_list(&self) -> Vec<String> {
        self.departments.iter().map(ToString::to_string).collect()
    }

    /// What the report's audit entry says it covered.
    pub fn audit_reason(&self, period: Option<(chrono::NaiveDate, chrono::NaiveDate)>) -> String {
        let departments = self.department_names().join(",");
        match period {
            Some((from, to)) => format!("departments {departments}, {from}–{to}"),
            None => format!("departments {departments}"),
        }
    }
}

/// Cells counting fewer people than this are suppressed (docs/design.md §8).
pub const MIN_CELL: i64 = 5;

impl ReportScope {
    /// `n` as this report may publish it: an auditor's aggregate view
    /// suppresses 1–4 (a manager's view of their own department stays exact).
    pub fn publish(&self, n: i64) -> dto::Cell {
        (!self.aggregate_only || n == 0 || n >= MIN_CELL).then_some(n)
    }
}
