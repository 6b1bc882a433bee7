//! Reading the audit log within what the caller may see of it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{AccessLogItem, AuditEntryView, AuditParams};
use crate::audit::seal::EntryRow;
use crate::domain::{CitizenId, DepartmentCode};
use crate::error::{ApiError, ApiResult};
use crate::schema::{audit_log, citizens, involvements};
use crate::scope::{self, Reach};

/// The sealed row (one definition of an entry, `audit::seal`) as auditors see it.
fn into_view(row: EntryRow) -> AuditEntryView {
    let EntryRow { id, at, actor_id, actor_department, actor_roles, action, resource_type, resource_id, .. } = row;
    let EntryRow { citizen_id, reason, request_id, outcome, .. } = row;
    AuditEntryView {
        id,
        at,
        actor_id,
        actor_department,
        actor_roles,
        action,
        resource_type,
        resource_id,
        citizen_id,
        reason,
        request_id,
        outcome,
    }
}

/// An entry as the citizen's access log tells it: no staff member's name.
#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_log)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct AccessRow {
    id: i64,
    at: DateTime<Utc>,
    actor_department: Option<String>,
    actor_roles: Vec<String>,
    action: String,
    resource_type: String,
    reason: Option<String>,
}

impl AccessRow {
    fn into_view(self) -> (i64, AccessLogItem) {
        (
            self.id,
            AccessLogItem {
                at: self.at,
                department: self.actor_department,
                roles: self.actor_roles,
                action: self.action,
                resource_type: self.resource_type,
                purpose: self.reason,
            },
        )
    }
}

/// A manager's share of the log (an auditor has no such limit).
pub struct ManagerView<'a> {
    pub department: DepartmentCode,
    pub reach: &'a Reach,
    /// Accesses by a restricted team show only to its members.
    pub restricted_teams: Vec<Uuid>,
}

/// Entries newest first, `limit + 1` from before the entry `before`.
pub async fn list(
    conn: &mut AsyncPgConnection, manager: Option<ManagerView<'_>>, p: &AuditParams, before: Option<i64>, limit: i64,
) -> ApiResult<Vec<AuditEntryView>> {
    let mut q =
        audit_log::table.select(EntryRow::as_select()).order(audit_log::id.desc()).limit(limit + 1).into_boxed();
    if let Some(m) = manager {
        let (dept, teams) = m.reach.department.clone().map(|(d, t)| (d.as_str(), t)).unwrap_or_default();
        let citizens = involvements::table
            .filter(involvements::department.eq(dept))
            .filter(involvements::restricted_team_id.is_null().or(involvements::restricted_team_id.eq_any(teams)))
            .select(involvements::citizen_id.nullable());
        q = q
            .filter(audit_log::actor_department.eq(m.department.as_str()).or(audit_log::citizen_id.eq_any(citizens)))
            .filter(
                audit_log::restricted_team_id.is_null().or(audit_log::restricted_team_id.eq_any(m.restricted_teams)),
            );
    }
    if let Some(c) = p.citizen_id {
        q = q.filter(audit_log::citizen_id.eq(c));
    }
    if let Some(a) = p.actor_id {
        q = q.filter(audit_log::actor_id.eq(a));
    }
    if let Some(action) = &p.action {
        q = q.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(from) = p.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(to) = p.to {
        q = q.filter(audit_log::at.lt(to));
    }
    if let Some(before) = before {
        q = q.filter(audit_log::id.lt(before));
    }
    let rows: Vec<EntryRow> = q.load(conn).await?;
    Ok(rows.into_iter().map(into_view).collect())
}

/// The successful accesses to a citizen the caller's department works with
/// (NotFound otherwise), oldest first, from after the entry `after`, at most
/// `limit + 1` (with their ids, the cursor); a restricted team's only to its
/// members. A page is a range of the per-citizen index `(citizen_id, id)`,
/// whatever the size of the log.
pub async fn access_log(
    conn: &mut AsyncPgConnection, reach: &Reach, restricted_teams: &[Uuid], citizen: CitizenId, after: Option<i64>,
    limit: i64,
) -> ApiResult<Vec<(i64, AccessLogItem)>> {
    let visible: i64 =
        citizens::table.find(citizen).filter(scope::citizens_by_department(reach)).count().get_result(conn).await?;
    if visible == 0 {
        return Err(ApiError::NotFound);
    }
    let rows: Vec<AccessRow> = audit_log::table
        .filter(audit_log::citizen_id.eq(citizen))
        .filter(audit_log::outcome.eq("success"))
        .filter(audit_log::restricted_team_id.is_null().or(audit_log::restricted_team_id.eq_any(restricted_teams)))
        // The filing of a concern (its time and department) would name the
        // informant, to the restricted team too (issue 10, door 5).
        .filter(audit_log::resource_type.ne("concern"))
        .filter(audit_log::id.gt(after.unwrap_or(0)))
        .order(audit_log::id)
        .limit(limit + 1)
        .select(AccessRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(AccessRow::into_view).collect())
}
