//! The web client, served by the same binary at the same origin as the API
//! (docs/design.md §11): the built files of `web/dist` — embedded in release
//! builds, read from the folder in debug builds — and `index.html` for every
//! other GET outside the API, so that the client's own routes survive a
//! reload. Unknown `/api/...` paths stay problem+json 404s.

use actix_web::http::{header, Method};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::ApiError;

#[derive(rust_embed::Embed)]
#[folder = "web/dist/"]
#[allow_missing = true]
struct Client;

/// Paths the client answers: any GET that is not the API or operations.
pub fn is_client_path(method: &Method, path: &str) -> bool {
    (method == Method::GET || method == Method::HEAD)
        && !(path == "/api" || path.starts_with("/api/"))
        && !matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// The default service: a client file, the client's page, or 404.
pub async fn client_or_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if !is_client_path(req.method(), req.path()) {
        return Err(ApiError::NotFound);
    }
    let path = req.path().trim_start_matches('/');
    if let Some(file) = (!path.is_empty()).then(|| Client::get(path)).flatten() {
        // Vite names built assets by their content: they never change.
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, file.metadata.mimetype()))
            .insert_header((header::CACHE_CONTROL, cache))
            .body(file.data.into_owned()));
    }
    // A file-like path that is not there is a missing file, not a page.
    if path.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        return Err(ApiError::NotFound);
    }
    let index = Client::get("index.html").ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(index.data.into_owned()))
}

/// Headers on every response: the client runs no inline script or style,
/// loads nothing from elsewhere, and may not be framed.
pub const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];
