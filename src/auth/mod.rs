//! Who is calling and what they may do: passwords, tokens, the access policy
//! and the middleware that enforces it before any handler runs.

pub mod dto;
pub mod gate;
pub mod handlers;
pub mod password;
pub mod policy;
pub mod queries;
pub mod service;

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::{FutureExt, LocalBoxFuture};
use uuid::Uuid;

use crate::domain::{DepartmentCode, Role, UserId};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMembership {
    pub id: Uuid,
    pub restricted: bool,
}

/// The authenticated caller: put in place by [`gate`] for every route whose
/// policy requires a signed-in user, from a token whose signature and claims
/// it checked. The session the token names is checked against the database
/// before any handler sees it: by this extractor, or, for a handler that
/// takes a `request::Ctx`, in the round trip that opens its transaction
/// (`db::begin`); every database transaction opened for an actor checks it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub session_id: Uuid,
    /// The user's version when the token was minted: a change since (roles,
    /// teams, password, deactivation) ends the session.
    pub session_version: i32,
    pub department: DepartmentCode,
    pub roles: Vec<Role>,
    pub teams: Vec<TeamMembership>,
    /// The request's time on the service clock (break-the-glass grants expire by it).
    pub now: chrono::DateTime<chrono::Utc>,
    /// Whether the request writes (the route's rule says, `policy::Rule::reads`):
    /// then a break-the-glass grant opens nothing (docs/design.md §4).
    pub writing: bool,
    /// Test-only (see `Settings::test_only_disable_app_scope`).
    pub unscoped: bool,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The restricted teams the actor belongs to (whose restricted work they see).
    pub fn restricted_teams(&self) -> Vec<Uuid> {
        self.teams.iter().filter(|t| t.restricted).map(|t| t.id).collect()
    }
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    /// The actor with its session checked: one round trip of its own, for the
    /// handlers that do not open a `request::Ctx` transaction.
    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let actor = req.extensions().get::<Actor>().cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        async move {
            let actor = actor.ok_or(ApiError::Unauthenticated)?;
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
            gate::require_session(&state, &actor).await?;
            Ok(actor)
        }
        .boxed_local()
    }
}

impl From<&Actor> for crate::audit::AuditActor {
    fn from(actor: &Actor) -> Self {
        Self {
            id: Some(actor.user_id.0),
            department: Some(actor.department),
            roles: actor.roles.iter().map(|r| r.as_str().to_string()).collect(),
        }
    }
}

impl From<&Actor> for crate::db::DbContext {
    fn from(actor: &Actor) -> Self {
        Self {
            user_id: Some(actor.user_id.0),
            department: Some(actor.department),
            roles: actor.roles.iter().map(|r| r.as_str().to_string()).collect(),
            teams: actor.teams.iter().map(|t| t.id.to_string()).collect(),
            writing: actor.writing,
            session: Some(crate::db::SessionCheck {
                user: actor.user_id.0,
                session: actor.session_id,
                version: actor.session_version,
                at: actor.now,
            }),
        }
    }
}
