//! Who is calling and what they may do: passwords, tokens, the access policy
//! and the middleware that enforces it before any handler runs.

pub mod dto;
pub mod gate;
pub mod handlers;
pub mod password;
pub mod policy;
pub mod queries;
pub mod service;

use std::future::{ready, Ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest};
use uuid::Uuid;

use crate::domain::{DepartmentCode, Role, UserId};
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMembership {
    pub id: Uuid,
    pub restricted: bool,
}

/// The authenticated caller, as checked against the database on this request.
/// Handlers receive it as an extractor; it is put in place by [`gate`] for
/// every route whose policy requires a signed-in user.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub session_id: Uuid,
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
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(req.extensions().get::<Actor>().cloned().ok_or(ApiError::Unauthenticated))
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
        }
    }
}
