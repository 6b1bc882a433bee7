//! HTTP handlers for signing in and out, and for the signed-in user.
//!
//! These stay on `Actor` and `AppState` rather than `request::Ctx`: the
//! request pipeline is built on `auth::Actor`, so `auth` may not import it
//! (`scripts/module-cycles`). None of them reads a citizen's data; login,
//! refresh and logout write their own entries in `service`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};

use super::dto::{LoginRequest, MeResponse, RefreshRequest, TokenResponse};
use super::{queries, service, Actor};
use crate::error::ApiResult;
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
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let LoginRequest { username, password } = body.into_inner();
    let source = login_source(&req, state.settings.auth.trusted_proxy_header.as_deref());
    Ok(web::Json(
        service::login(&state, &username, password, &source).await?,
    ))
}

/// Where a login comes from, for throttling: the last address in the trusted
/// proxy's header when one is configured (`MEDBORGER_TRUSTED_PROXY_HEADER`;
/// the proxy appends the address it saw, so the last entry is the one no
/// client can forge), otherwise the peer address. A client-supplied header is
/// never believed without that setting.
pub fn login_source(req: &HttpRequest, trusted_header: Option<&str>) -> String {
    let from_proxy = trusted_header
        .and_then(|name| req.headers().get(name))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= 128);
    match from_proxy {
        Some(address) => address.to_string(),
        None => req
            .peer_addr()
            .map_or_else(|| "unknown".to_string(), |a| a.ip().to_string()),
    }
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
    let me = queries::me(&mut conn, actor.user_id, actor.department).await?;
    Ok(web::Json(me))
}
