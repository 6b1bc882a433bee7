//! Reading the audit log: managers their department's, auditors everything;
//! and a citizen's access log (GDPR Art. 15 as read in C-579/21: when, which
//! department and role, what and why — never the staff member's name).

use actix_web::{get, web};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::dto::{AccessLogPage, AccessLogParams, AuditPage, AuditParams};
use super::queries::{self, ManagerView};
use uuid::Uuid;

use crate::audit::{Action, AuditEntry, Resource};
use crate::domain::{CitizenId, Role};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{page_limit, Query};
use crate::request::{run, Ctx, Subject};

/// The cursor is the id of the last entry shown.
fn entry_of(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ApiError::invalid("cursor", "invalid", "is not a cursor this API gave out"))
        })
        .transpose()
}

/// Audit entries, newest first: all for auditors; for a manager, those of
/// their department's staff and about the citizens their department is
/// involved with. Accesses by a restricted team are shown only to auditors
/// and to that team's members.
#[utoipa::path(tag = "audit", params(AuditParams), responses((status = 200, body = AuditPage)))]
#[get("/audit")]
pub async fn list_audit(ctx: Ctx, params: Query<AuditParams>) -> JsonResult<AuditPage> {
    let p = params.into_inner();
    let limit = page_limit(p.limit)?;
    let before = entry_of(p.cursor.as_deref())?;
    if p.action.as_deref().is_some_and(|a| a.len() > 64) {
        return Err(ApiError::invalid("action", "too_long", "at most 64 characters"));
    }
    let manager = (!ctx.actor.has_role(Role::Auditor)).then(|| ManagerView {
        department: ctx.department(),
        reach: &ctx.reach,
        restricted_teams: ctx.actor.restricted_teams(),
    });
    let mut items = run!(ctx, Subject::none(), |conn, audit| {
        let items = queries::list(conn, manager, &p, before, limit).await?;
        // The page names citizens: each of them gets an entry (issue 10,
        // door 12), once however often they appear.
        let mut named: Vec<Uuid> =
            items.iter().take(limit as usize).filter_map(|e| e.citizen_id).chain(p.citizen_id).collect();
        named.sort_unstable();
        named.dedup();
        let read = || AuditEntry::success(Action::Read, Resource::AuditLog);
        audit.listed(named.into_iter().map(|c| read().citizen(c)), read());
        Ok(items)
    });
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = more.then(|| items.last().map(|e| URL_SAFE_NO_PAD.encode(e.id.to_string()))).flatten();
    Ok(web::Json(AuditPage { items, next_cursor }))
}

/// Every access to this citizen's data: when, which department and role, what
/// and why — no staff names. For caseworkers and managers of an involved
/// department; accesses by a restricted team appear only to that team.
/// Oldest first, a page at a time.
#[utoipa::path(tag = "audit", params(("id" = Uuid, Path, description = "The citizen"), AccessLogParams),
    responses((status = 200, body = AccessLogPage)))]
#[get("/citizens/{id}/access-log")]
pub async fn citizen_access_log(
    ctx: Ctx, id: web::Path<CitizenId>, params: Query<AccessLogParams>,
) -> JsonResult<AccessLogPage> {
    let id = id.into_inner();
    let p = params.into_inner();
    let limit = page_limit(p.limit)?;
    let after = entry_of(p.cursor.as_deref())?;
    let teams = ctx.actor.restricted_teams();
    let mut rows = run!(ctx, Subject::citizen(id), |conn, audit| {
        let rows = queries::access_log(conn, &ctx.reach, &teams, id, after, limit).await?;
        audit.record(AuditEntry::success(Action::Read, Resource::AccessLog).resource_id(id).citizen(id));
        Ok(rows)
    });
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more.then(|| rows.last().map(|(entry, _)| URL_SAFE_NO_PAD.encode(entry.to_string()))).flatten();
    Ok(web::Json(AccessLogPage { items: rows.into_iter().map(|(_, item)| item).collect(), next_cursor }))
}
