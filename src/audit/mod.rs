//! The audit log: one entry per access to personal data and per security
//! event, written inside the caller's own transaction so that the entry and
//! what it records commit (or fail) together.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::auth::Actor;
use crate::error::ApiError;
use crate::schema::audit_log;
use crate::telemetry::current_request_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Refresh,
    RefreshReuse,
    Logout,
    Read,
    Search,
    Create,
    Update,
    Deactivate,
    Denied,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Refresh => "refresh",
            Self::RefreshReuse => "refresh_reuse",
            Self::Logout => "logout",
            Self::Read => "read",
            Self::Search => "search",
            Self::Create => "create",
            Self::Update => "update",
            Self::Deactivate => "deactivate",
            Self::Denied => "denied",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }
}

/// Who acted: a signed-in actor, or a login attempt's (possibly unknown) user.
#[derive(Debug, Clone, Default)]
pub struct AuditActor {
    pub id: Option<Uuid>,
    pub department: Option<String>,
    pub roles: Vec<String>,
}

impl From<&Actor> for AuditActor {
    fn from(actor: &Actor) -> Self {
        Self {
            id: Some(actor.user_id.0),
            department: Some(actor.department.to_string()),
            roles: actor.roles.iter().map(|r| r.as_str().to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    action: Action,
    resource_type: &'static str,
    resource_id: Option<String>,
    citizen_id: Option<Uuid>,
    reason: Option<String>,
    outcome: Outcome,
}

impl AuditEntry {
    pub fn new(action: Action, resource_type: &'static str, outcome: Outcome) -> Self {
        Self {
            action,
            resource_type,
            resource_id: None,
            citizen_id: None,
            reason: None,
            outcome,
        }
    }

    pub fn resource_id(mut self, id: impl ToString) -> Self {
        self.resource_id = Some(id.to_string());
        self
    }

    pub fn citizen(mut self, id: Uuid) -> Self {
        self.citizen_id = Some(id);
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

/// Writes one entry on `conn`, which should be inside the transaction doing
/// the work it records. An error here fails the request.
pub async fn record(
    conn: &mut AsyncPgConnection,
    at: DateTime<Utc>,
    actor: &AuditActor,
    entry: AuditEntry,
) -> Result<(), ApiError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_department.eq(actor.department.as_deref()),
            audit_log::actor_roles.eq(&actor.roles),
            audit_log::action.eq(entry.action.as_str()),
            audit_log::resource_type.eq(entry.resource_type),
            audit_log::resource_id.eq(entry.resource_id),
            audit_log::citizen_id.eq(entry.citizen_id),
            audit_log::reason.eq(entry.reason),
            audit_log::request_id.eq(current_request_id()),
            audit_log::outcome.eq(entry.outcome.as_str()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
