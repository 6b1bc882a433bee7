//! Managers' and auditors' reports: caseload audit (with reassignment),
//! deadlines, and outcome monitoring against the policy's baselines. Each is
//! JSON, or CSV when asked for with `Accept: text/csv`.
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
pub mod outcomes;

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::auth::Actor;
use crate::domain::{DepartmentCode, Role};
use crate::error::{ApiError, ApiResult};

/// The part of the municipality a report covers.
#[derive(Debug, Clone)]
pub struct ReportScope {
    pub departments: Vec<String>,
    /// Restricted teams whose restricted work is included.
    pub restricted_teams: Vec<Uuid>,
    /// An auditor's aggregate view: read past row-level security.
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
                departments: vec![actor.department.to_string()],
                restricted_teams: actor.restricted_teams(),
                aggregate_only: false,
            });
        }
        if actor.has_role(Role::Auditor) {
            let departments = match department {
                Some(d) => vec![d.to_string()],
                None => DepartmentCode::ALL.iter().map(|d| d.to_string()).collect(),
            };
            return Ok(Self {
                departments,
                restricted_teams: Vec::new(),
                aggregate_only: true,
            });
        }
        Err(ApiError::Forbidden)
    }

    /// Run at the start of the report's transaction.
    pub async fn enter(&self, conn: &mut AsyncPgConnection) -> ApiResult<()> {
        if self.aggregate_only {
            diesel::sql_query("SELECT set_config('medborger.system', 'on', true)")
                .execute(conn)
                .await?;
        }
        Ok(())
    }
}

/// Cells counting fewer people than this are suppressed (DESIGN §8).
pub const MIN_CELL: i64 = 5;
