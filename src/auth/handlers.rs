//! HTTP handlers for signing in and out.

use actix_web::{get, post, web, HttpResponse};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::dto::{LoginRequest, MeResponse, RefreshRequest, TeamRef, TokenResponse};
use super::{service, Actor};
use crate::domain::parse_roles;
use crate::error::{ApiError, ApiResult};
use crate::schema::{staff_user_teams, staff_users, teams};
use crate::state::AppState;

/// Sign in with username and password.
///
/// An unknown username and a wrong password answer alike. Repeated failures
/// for one username are throttled (429 with `Retry-After`).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses((status = 200, description = "Signed in", body = TokenResponse)),
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let LoginRequest { username, password } = body.into_inner();
    Ok(web::Json(
        service::login(&state, &username, password).await?,
    ))
}

/// Exchange a refresh token for a new token pair (the old one stops working).
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 200, description = "New tokens", body = TokenResponse)),
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    Ok(web::Json(
        service::refresh(&state, body.into_inner().refresh_token).await?,
    ))
}

/// Sign out: ends this session; its access and refresh tokens stop working at once.
#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out")))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    service::logout(&state, &actor).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user, with department, roles and teams.
#[utoipa::path(tag = "auth", responses((status = 200, description = "The signed-in user", body = MeResponse)))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, actor: Actor) -> ApiResult<web::Json<MeResponse>> {
    let mut conn = state.pool.get().await?;
    let (id, username, full_name, roles): (uuid::Uuid, String, String, Vec<String>) =
        staff_users::table
            .find(actor.user_id.0)
            .select((
                staff_users::id,
                staff_users::username,
                staff_users::full_name,
                staff_users::roles,
            ))
            .first(&mut conn)
            .await?;
    let teams = staff_user_teams::table
        .inner_join(teams::table)
        .filter(staff_user_teams::user_id.eq(id))
        .filter(teams::active.eq(true))
        .select((teams::id, teams::name, teams::restricted))
        .order(teams::name)
        .load::<(uuid::Uuid, String, bool)>(&mut conn)
        .await?
        .into_iter()
        .map(|(id, name, restricted)| TeamRef {
            id,
            name,
            restricted,
        })
        .collect();
    Ok(web::Json(MeResponse {
        id,
        username,
        full_name,
        department: actor.department,
        roles: parse_roles(&roles).map_err(ApiError::internal)?,
        teams,
    }))
}
