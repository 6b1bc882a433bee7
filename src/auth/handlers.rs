//! HTTP handlers for signing in and out, and for the signed-in user.
//!
//! These stay on `Actor` and `AppState` rather than `request::Ctx`: the
//! request pipeline is built on `auth::Actor`, so `auth` may not import it
//! (`scripts/module-cycles`). None of them reads a citizen's data; login,
//! refresh and logout write their own entries in `service`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use secrecy::SecretString;

use super::dto::{LoginRequest, MeResponse, RefreshRequest, TokenResponse};
use super::{queries, service, Actor};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::Json;
use crate::state::AppState;

/// The request header that asks for cookie mode, and is the CSRF guard of
/// a cookie refresh (a cross-site form cannot send a custom header).
pub const REFRESH_MODE_HEADER: &str = "x-medborger-refresh";
/// The HttpOnly cookie that carries the refresh token in cookie mode.
pub const REFRESH_COOKIE: &str = "medborger_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

fn cookie_mode(req: &HttpRequest) -> bool {
    req.headers().get(REFRESH_MODE_HEADER).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cookie"))
}

fn refresh_cookie(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == REFRESH_COOKIE)
        .map(|(_, value)| value.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn set_cookie(value: &str, max_age: i64) -> (header::HeaderName, String) {
    (
        header::SET_COOKIE,
        format!("{REFRESH_COOKIE}={value}; HttpOnly; Secure; SameSite=Strict; Path={COOKIE_PATH}; Max-Age={max_age}"),
    )
}

/// Answers the tokens: in JSON mode as they are, in cookie mode with the
/// refresh token moved into the HttpOnly cookie.
fn token_response(state: &AppState, cookie: bool, mut tokens: TokenResponse) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if cookie {
        if let Some(token) = tokens.refresh_token.take() {
            response.insert_header(set_cookie(&token, state.refresh_ttl().num_seconds()));
        }
    }
    response.json(tokens)
}

/// Sign in with username and password.
///
/// An unknown username and a wrong password answer alike. Repeated failures
/// for one username from one source are throttled (429 with `Retry-After`);
/// when every password verification slot is busy the answer is 503 with
/// `Retry-After`. With `X-Medborger-Refresh: cookie` the refresh token is set
/// as the HttpOnly cookie `medborger_refresh` instead of in the body.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    params(("X-Medborger-Refresh" = Option<String>, Header, description = "`cookie`: the refresh token goes into an HttpOnly cookie")),
    responses( (status = 200, description = "Signed in", body = TokenResponse), (status = 429, description = "Too many failures from this source; see Retry-After"), (status = 503, description = "Every password verification slot is busy; see Retry-After"), ))]
#[post("/auth/login")]
pub async fn login(state: web::Data<AppState>, req: HttpRequest, body: Json<LoginRequest>) -> ApiResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner();
    let source = login_source(&req, state.settings.auth.trusted_proxy_header.as_deref());
    let tokens = service::login(&state, &username, password, &source).await?;
    Ok(token_response(&state, cookie_mode(&req), tokens))
}

/// Exchange a refresh token for a new token pair (the old one stops working).
///
/// JSON mode: the token in the body. Cookie mode: header
/// `X-Medborger-Refresh: cookie`, body `{}`, the token from the
/// `medborger_refresh` cookie, and a new cookie in the answer. A cookie
/// presented without that header is refused with 403 (the CSRF guard).
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    params(("X-Medborger-Refresh" = Option<String>, Header, description = "`cookie`: read and rotate the HttpOnly refresh cookie")),
    responses( (status = 200, description = "New tokens", body = TokenResponse), (status = 403, description = "The refresh cookie without the X-Medborger-Refresh header"), ))]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>, req: HttpRequest, body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let cookie = cookie_mode(&req);
    let token = match (cookie, body.into_inner().refresh_token) {
        (true, _) => refresh_cookie(&req).map(SecretString::from).ok_or(ApiError::Unauthenticated)?,
        (false, Some(token)) => token,
        // A cookie alone, as a cross-site request would send it.
        (false, None) if refresh_cookie(&req).is_some() => return Err(ApiError::Forbidden),
        (false, None) => return Err(ApiError::Unauthenticated),
    };
    let tokens = service::refresh(&state, token).await?;
    Ok(token_response(&state, cookie, tokens))
}

/// Sign out: ends this session; its access and refresh tokens stop working
/// at once, and the refresh cookie (if any) is cleared.
#[utoipa::path(tag = "auth", responses((status = 204, description = "Signed out")))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, actor: Actor) -> ApiResult<HttpResponse> {
    service::logout(&state, &actor).await?;
    Ok(HttpResponse::NoContent().insert_header(set_cookie("", 0)).finish())
}

/// The signed-in user, with department, roles and teams.
#[utoipa::path(tag = "auth", responses((status = 200, description = "The signed-in user", body = MeResponse)))]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, actor: Actor) -> JsonResult<MeResponse> {
    let mut conn = state.pool.get().await?;
    let me = queries::me(&mut conn, actor.user_id, actor.department).await?;
    Ok(web::Json(me))
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
        None => req.peer_addr().map_or_else(|| "unknown".to_string(), |a| a.ip().to_string()),
    }
}
