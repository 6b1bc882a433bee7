//! Conventions shared by all resources: ETags and `If-Match`, keyset
//! pagination with opaque cursors, and the JSON/path/query error mapping.

use actix_web::dev::Payload;
use actix_web::error::PathError;
use actix_web::http::header;
use actix_web::{mime, web, FromRequest, HttpMessage, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{ObjectBuilder, Required, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, FieldError};

/// The ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// Sets the `ETag` of a response to `version`.
pub fn with_etag(mut response: actix_web::HttpResponse, version: i32) -> actix_web::HttpResponse {
    if let Ok(value) = header::HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The precondition of a change, from `If-Match` (428 without one): the
/// version the client last read, or `*`, which matches whatever is current
/// (RFC 9110 §13.1.1; the row lock still orders concurrent writers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    Any,
    Version(i32),
}

impl IfMatch {
    /// 412 unless `current` is the version the client last read.
    pub fn check(self, current: i32) -> Result<(), ApiError> {
        match self {
            IfMatch::Version(read) if read != current => Err(ApiError::PreconditionFailed),
            _ => Ok(()),
        }
    }

    fn parse(req: &HttpRequest) -> Result<Self, ApiError> {
        let value = req
            .headers()
            .get(header::IF_MATCH)
            .ok_or(ApiError::PreconditionRequired)?
            .to_str()
            .map_err(|_| ApiError::PreconditionFailed)?;
        if value.trim() == "*" {
            return Ok(IfMatch::Any);
        }
        value
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/").trim_matches('"'))
            .find_map(|tag| tag.parse::<i32>().ok())
            .map(IfMatch::Version)
            .ok_or(ApiError::PreconditionFailed)
    }
}

impl actix_web::FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Self::parse(req))
    }
}

/// Documents the header once for every `PATCH` (`params(IfMatch)`).
impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("If-Match")
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some("The ETag last read, or `*` for whatever is current"))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build()]
    }
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// A page size: 1–200, 50 when absent.
pub fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid("limit", "out_of_range", "must be between 1 and 200")),
    }
}

/// A free-text field, trimmed, of `min`–`max` characters.
pub fn bounded_text(field: &str, value: &str, min: usize, max: usize) -> Result<String, ApiError> {
    bounded_field(field, value, min, max).map_err(|e| ApiError::Validation(vec![e]))
}

/// The same check, as one of several field errors to report together.
pub fn bounded_field(field: &str, value: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    let n = value.chars().count();
    if n < min || n > max {
        return Err(FieldError::new(field, "length", format!("must be {min}–{max} characters")));
    }
    Ok(value.to_string())
}

/// `?limit=&cursor=` for keyset-paginated lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> Result<i64, ApiError> {
        page_limit(self.limit)
    }

    /// The id after which the page starts.
    pub fn after(&self) -> Result<Option<Uuid>, ApiError> {
        let Some(cursor) = &self.cursor else {
            return Ok(None);
        };
        URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|b| Uuid::from_slice(&b).ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid("cursor", "invalid", "is not a cursor this API gave out"))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows ordered by `key`.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> Uuid) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor =
            if more { rows.last().map(|last| URL_SAFE_NO_PAD.encode(key(last).as_bytes())) } else { None };
        Self { items: rows, next_cursor }
    }
}

/// A JSON body, in place of actix's `web::Json`: the same limit (413) and
/// content type (415), 400 for what is not JSON, and for well-formed JSON of
/// the wrong shape a 422 that names the field by its path (`given_name`,
/// `needs[2]`, `milestone_rules[0].code`), which actix's extractor, given
/// only serde's line and column, cannot.
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The largest body a request may send (`MEDBORGER_MAX_BODY_BYTES`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json =
            matches!(req.mime_type(), Ok(Some(m)) if m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
        let limit = req.app_data::<BodyLimit>().map_or(256 * 1024, |l| l.0);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge);
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| ApiError::BadRequest("The body could not be read.".into()))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let mut json = serde_json::Deserializer::from_slice(&body);
            let value = serde_path_to_error::deserialize(&mut json).map_err(body_error)?;
            json.end().map_err(|_| ApiError::BadRequest("The body is not valid JSON.".into()))?;
            Ok(Json(value))
        })
    }
}

/// A query string, in place of actix's `web::Query`: a parameter of the
/// wrong type or an unknown one is a 422 naming the parameter (`limit`),
/// not a 400 about the whole query string.
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(req.query_string().as_bytes()));
        std::future::ready(
            serde_path_to_error::deserialize(pairs)
                .map(Query)
                .map_err(|e| shape_error(e.path(), e.inner().to_string(), "query")),
        )
    }
}

/// Reads a JSON value as `T` with the errors of [`Json`]: for bodies read
/// in two steps (a registration's CPR apart from the record).
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(body_error)
}

/// 400 for what is not JSON; 422 naming the field for the wrong shape.
fn body_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    if !e.inner().is_data() {
        return ApiError::BadRequest("The body is not valid JSON.".into());
    }
    let message = e.inner().to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    shape_error(e.path(), message, "body")
}

/// 422 naming the field of input of the wrong shape, by its path; `whole`
/// where the path names nothing (the root, or inside a flattened group).
/// The path of an unknown field is the field's; a missing field is named in
/// backticks, at its parent's path.
fn shape_error(path: &serde_path_to_error::Path, message: String, whole: &str) -> ApiError {
    let path = path.to_string();
    let named = message.split('`').nth(1).filter(|_| message.contains(" field `")).unwrap_or_default();
    let (field, code) = if message.starts_with("unknown field") {
        (path, "unknown_field")
    } else if message.starts_with("missing field") {
        (if path == "." { named.to_string() } else { format!("{path}.{named}") }, "required")
    } else if path == "." {
        (whole.to_string(), "invalid")
    } else {
        (path, "invalid")
    };
    ApiError::Validation(vec![FieldError::new(field, code, message)])
}

/// A path that does not parse (a malformed UUID) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_: PathError, _| ApiError::NotFound.into())
}
