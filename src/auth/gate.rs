//! The middleware in front of every handler: it finds the route's rule in the
//! policy table, checks the bearer token's signature and claims when the rule
//! asks for a user, checks roles, and hands the handler an [`Actor`] whose
//! session is checked against the database before the handler sees it (in
//! the request's transaction; see [`Actor`]).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;

use super::policy::{self, Access, Lookup};
use super::{Actor, TeamMembership};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditEntry, Outcome};
use crate::domain::UserId;
use crate::domain::{parse_roles, DepartmentCode};
use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry::MatchedRoute;
use crate::tokens::Claims;

pub async fn authorize(
    req: ServiceRequest, next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match check(&req).await {
        Ok(()) => Ok(next.call(req).await?.map_into_left_body()),
        // Answered here, inside the request's scope, so the problem names it.
        Err(e) => Ok(req.error_response(e).map_into_right_body()),
    }
}

async fn check(req: &ServiceRequest) -> Result<(), ApiError> {
    let rule = match policy::lookup(req.method(), req.path()) {
        Lookup::Allowed(rule) => rule,
        Lookup::WrongMethod(methods) => return Err(ApiError::MethodNotAllowed(methods)),
        // The web client's files and pages are public; the rest is 404.
        Lookup::NoRoute if crate::web::is_client_path(req.method(), req.path()) => return Ok(()),
        Lookup::NoRoute => return Err(ApiError::NotFound),
    };
    if let Some(slot) = req.extensions().get::<MatchedRoute>() {
        slot.set(rule.path);
    }
    if rule.access == Access::Public {
        return Ok(());
    }
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("AppState missing")))?;
    let mut actor = authenticate(&state, req)?;
    actor.writing = !rule.reads;
    if let Access::AnyRole(roles) = rule.access {
        if !roles.iter().any(|r| actor.has_role(*r)) {
            record_denial(&state, &actor, rule.path).await?;
            return Err(ApiError::Forbidden);
        }
    }
    req.extensions_mut().insert(actor);
    Ok(())
}

fn bearer(req: &ServiceRequest) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Checks the token's signature and claims. The session it names is checked
/// against the database later, before any handler sees the actor (see
/// [`Actor`]): in the request's transaction, or by [`require_session`].
fn authenticate(state: &AppState, req: &ServiceRequest) -> Result<Actor, ApiError> {
    let token = bearer(req).ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now();
    let claims = state.tokens.verify(token, now).ok_or(ApiError::Unauthenticated)?;
    let mut actor = actor_from_claims(claims, now)?;
    actor.unscoped = state.settings.test_only_disable_app_scope;
    Ok(actor)
}

/// Whether the actor's session is still open and its user active and
/// unchanged since the token was minted, in a round trip of its own. The
/// rule is the database's `medborger_require_session`, the same one
/// `db::begin` runs in a request's transaction: one definition of a live
/// session.
pub async fn require_session(state: &AppState, actor: &Actor) -> Result<(), ApiError> {
    use diesel::sql_types::{Integer, Timestamptz, Uuid};
    let mut conn = state.pool.get().await?;
    crate::db::prepared("SELECT medborger_require_session($1, $2, $3, $4)")
        .bind::<Uuid, _>(actor.user_id.0)
        .bind::<Uuid, _>(actor.session_id)
        .bind::<Integer, _>(actor.session_version)
        .bind::<Timestamptz, _>(actor.now)
        .execute(&mut conn)
        .await?;
    Ok(())
}

fn actor_from_claims(claims: Claims, now: chrono::DateTime<chrono::Utc>) -> Result<Actor, ApiError> {
    let department: DepartmentCode = claims.department.parse().map_err(|_| ApiError::Unauthenticated)?;
    let roles = parse_roles(&claims.roles).map_err(|_| ApiError::Unauthenticated)?;
    let teams = claims
        .teams
        .iter()
        .map(|id| TeamMembership { id: *id, restricted: claims.restricted_teams.contains(id) })
        .collect();
    Ok(Actor {
        user_id: UserId(claims.sub),
        session_id: claims.sid,
        session_version: claims.ver,
        department,
        roles,
        teams,
        now,
        writing: false,
        unscoped: false,
    })
}

/// The refusal of a route to a role, in its own transaction (the request
/// goes no further). Not `request::Ctx`: that is built on `Actor`, so `auth`
/// may not import it.
async fn record_denial(state: &AppState, actor: &Actor, route: &'static str) -> Result<(), ApiError> {
    let at = actor.now;
    let who = audit::AuditActor::from(actor);
    crate::db::transaction(&state.pool, actor.into(), move |conn| {
        async move {
            audit::record(
                conn,
                at,
                &who,
                AuditEntry::new(Action::Denied, Resource::Route, Outcome::Denied).resource_id(route),
            )
            .await
        }
        .scope_boxed()
    })
    .await
}
