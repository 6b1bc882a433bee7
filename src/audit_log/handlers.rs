//! Reading the audit log: managers their department's, auditors everything;
//! and a citizen's access log (GDPR Art. 15 as read in C-579/21: when, which
//! department and role, what and why — never the staff member's name).

use actix_web::{get, web};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::http::page_limit;
use crate::schema::{audit_log, involvements};
use crate::scope::{self, Reach};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub citizen_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until this time (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_department: Option<String>,
    pub actor_roles: Vec<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub citizen_id: Option<Uuid>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub outcome: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One access to a citizen's data, as the citizen is told of it.
#[derive(Serialize, ToSchema, Debug)]
pub struct AccessLogItem {
    pub at: DateTime<Utc>,
    pub department: Option<String>,
    pub roles: Vec<String>,
    pub action: String,
    pub resource_type: String,
    /// The purpose or reason recorded with the access.
    pub purpose: Option<String>,
}

type Row = (
    i64,
    DateTime<Utc>,
    Option<Uuid>,
    Option<String>,
    Vec<String>,
    String,
    String,
    Option<String>,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    String,
);

/// when, department, roles, action, resource type, purpose
type AccessRow = (
    DateTime<Utc>,
    Option<String>,
    Vec<String>,
    String,
    String,
    Option<String>,
);

fn before_of(cursor: Option<&str>) -> ApiResult<Option<i64>> {
    cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    ApiError::invalid("cursor", "invalid", "is not a cursor this API gave out")
                })
        })
        .transpose()
}

/// Audit entries, newest first: all for auditors; for a manager, those of
/// their department's staff and about the citizens their department is
/// involved with. Accesses by a restricted team are shown only to auditors
/// and to that team's members.
#[utoipa::path(tag = "audit", params(AuditParams), responses((status = 200, body = AuditPage)))]
#[get("/audit")]
pub async fn list_audit(
    state: web::Data<AppState>,
    actor: Actor,
    params: web::Query<AuditParams>,
) -> ApiResult<web::Json<AuditPage>> {
    let p = params.into_inner();
    let limit = page_limit(p.limit)?;
    let before = before_of(p.cursor.as_deref())?;
    if p.action.as_deref().is_some_and(|a| a.len() > 64) {
        return Err(ApiError::invalid(
            "action",
            "too_long",
            "at most 64 characters",
        ));
    }
    let auditor = actor.has_role(Role::Auditor);
    let reach = Reach::of(&actor);
    let department = actor.department.to_string();
    let my_restricted: Vec<Uuid> = actor.restricted_teams();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let rows = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let mut q = audit_log::table
                .select((
                    audit_log::id,
                    audit_log::at,
                    audit_log::actor_id,
                    audit_log::actor_department,
                    audit_log::actor_roles,
                    audit_log::action,
                    audit_log::resource_type,
                    audit_log::resource_id,
                    audit_log::citizen_id,
                    audit_log::reason,
                    audit_log::request_id,
                    audit_log::outcome,
                ))
                .order(audit_log::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if !auditor {
                let (dept, teams) = reach.department.clone().unwrap_or_default();
                let citizens = involvements::table
                    .filter(involvements::department.eq(dept))
                    .filter(
                        involvements::restricted_team_id
                            .is_null()
                            .or(involvements::restricted_team_id.eq_any(teams)),
                    )
                    .select(involvements::citizen_id.nullable());
                q = q
                    .filter(
                        audit_log::actor_department
                            .eq(department)
                            .or(audit_log::citizen_id.eq_any(citizens)),
                    )
                    .filter(
                        audit_log::restricted_team_id
                            .is_null()
                            .or(audit_log::restricted_team_id.eq_any(my_restricted)),
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
            let rows: Vec<Row> = q.load(conn).await?;
            let mut entry = AuditEntry::new(Action::Read, Resource::AuditLog, Outcome::Success);
            if let Some(c) = p.citizen_id {
                entry = entry.citizen(c);
            }
            crate::audit::record(conn, now, &who, entry).await?;
            Ok(rows)
        }
        .scope_boxed()
    })
    .await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<AuditEntryView> = rows
        .into_iter()
        .take(limit as usize)
        .map(
            |(
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
            )| {
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
            },
        )
        .collect();
    let next_cursor = more
        .then(|| {
            items
                .last()
                .map(|e| URL_SAFE_NO_PAD.encode(e.id.to_string()))
        })
        .flatten();
    Ok(web::Json(AuditPage { items, next_cursor }))
}

/// Every access to this citizen's data: when, which department and role, what
/// and why — no staff names. For caseworkers and managers of an involved
/// department; accesses by a restricted team appear only to that team.
#[utoipa::path(
    tag = "audit",
    params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<AccessLogItem>)),
)]
#[get("/citizens/{id}/access-log")]
pub async fn citizen_access_log(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<AccessLogItem>>> {
    let id = id.into_inner();
    let reach = Reach::of(&actor);
    let my_restricted: Vec<Uuid> = actor.restricted_teams();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let visible: i64 = crate::schema::citizens::table
                .find(id)
                .filter(scope::citizens_by_department(&reach))
                .count()
                .get_result(conn)
                .await?;
            if visible == 0 {
                return Err(ApiError::NotFound);
            }
            let rows: Vec<AccessRow> = audit_log::table
                .filter(audit_log::citizen_id.eq(id))
                .filter(audit_log::outcome.eq("success"))
                .filter(
                    audit_log::restricted_team_id
                        .is_null()
                        .or(audit_log::restricted_team_id.eq_any(my_restricted)),
                )
                .order(audit_log::id)
                .select((
                    audit_log::at,
                    audit_log::actor_department,
                    audit_log::actor_roles,
                    audit_log::action,
                    audit_log::resource_type,
                    audit_log::reason,
                ))
                .load(conn)
                .await?;
            crate::audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::AccessLog, Outcome::Success)
                    .resource_id(id)
                    .citizen(id),
            )
            .await?;
            Ok(rows
                .into_iter()
                .map(
                    |(at, department, roles, action, resource_type, purpose)| AccessLogItem {
                        at,
                        department,
                        roles,
                        action,
                        resource_type,
                        purpose,
                    },
                )
                .collect())
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Citizen, id, Some(id), result)
            .await?,
    ))
}
