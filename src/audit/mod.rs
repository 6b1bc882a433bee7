//! The audit log: one entry per access to personal data and per security
//! event, written inside the caller's own transaction so that the entry and
//! what it records commit (or fail) together.

pub mod handlers;
pub mod seal;

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
    Reveal,
    Transition,
    BreakGlass,
    Review,
    Export,
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
            Self::Reveal => "reveal",
            Self::Transition => "transition",
            Self::BreakGlass => "break_glass",
            Self::Review => "review",
            Self::Export => "export",
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
    /// Set for members of a restricted team: their accesses are shown only to it.
    pub restricted_team: Option<Uuid>,
}

impl From<&Actor> for AuditActor {
    fn from(actor: &Actor) -> Self {
        Self {
            id: Some(actor.user_id.0),
            department: Some(actor.department.to_string()),
            roles: actor.roles.iter().map(|r| r.as_str().to_string()).collect(),
            restricted_team: actor.teams.iter().find(|t| t.restricted).map(|t| t.id),
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
    restricted_team: Option<Uuid>,
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
            restricted_team: None,
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

    /// Shows the entry only to this restricted team (and auditors).
    pub fn restricted_to(mut self, team: Uuid) -> Self {
        self.restricted_team = Some(team);
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
            audit_log::restricted_team_id.eq(entry.restricted_team.or(actor.restricted_team)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes several entries, a few thousand to a statement (a search that
/// shows many citizens, a reassignment): PostgreSQL takes at most 65,535
/// parameters per statement.
pub async fn record_many(
    conn: &mut AsyncPgConnection,
    at: DateTime<Utc>,
    actor: &AuditActor,
    entries: Vec<AuditEntry>,
) -> Result<(), ApiError> {
    const PER_STATEMENT: usize = 4000;
    let request_id = current_request_id();
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let rows: Vec<_> = entries
            .by_ref()
            .take(PER_STATEMENT)
            .map(|entry| {
                (
                    audit_log::at.eq(at),
                    audit_log::actor_id.eq(actor.id),
                    audit_log::actor_department.eq(actor.department.clone()),
                    audit_log::actor_roles.eq(actor.roles.clone()),
                    audit_log::action.eq(entry.action.as_str()),
                    audit_log::resource_type.eq(entry.resource_type),
                    audit_log::resource_id.eq(entry.resource_id),
                    audit_log::citizen_id.eq(entry.citizen_id),
                    audit_log::reason.eq(entry.reason),
                    audit_log::request_id.eq(request_id.clone()),
                    audit_log::outcome.eq(entry.outcome.as_str()),
                    audit_log::restricted_team_id
                        .eq(entry.restricted_team.or(actor.restricted_team)),
                )
            })
            .collect();
        diesel::insert_into(audit_log::table)
            .values(rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Passes `result` through; a 404 or 403 on personal data (a citizen the
/// caller may not see; a referral they may see but not decide) is recorded
/// as a denied attempt first, in a transaction of its own (the request's was
/// rolled back).
pub async fn on_not_found<T>(
    state: &crate::startup::AppState,
    actor: &Actor,
    resource_type: &'static str,
    resource_id: Uuid,
    citizen_id: Option<Uuid>,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    if !matches!(result, Err(ApiError::NotFound | ApiError::Forbidden)) {
        return result;
    }
    use diesel_async::scoped_futures::ScopedFutureExt;
    let at = state.clock.now();
    let who = AuditActor::from(actor);
    let mut entry =
        AuditEntry::new(Action::Denied, resource_type, Outcome::Denied).resource_id(resource_id);
    if let Some(citizen) = citizen_id {
        entry = entry.citizen(citizen);
    }
    crate::db::transaction(&state.pool, actor.into(), move |conn| {
        async move { record(conn, at, &who, entry).await }.scope_boxed()
    })
    .await?;
    result
}
