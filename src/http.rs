//! Conventions shared by all resources: ETags and `If-Match`, keyset
//! pagination with opaque cursors, and the JSON/path/query error mapping.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
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

/// Maps body errors to problems: 413, 415, 400 for broken JSON, 422 naming the
/// field for well-formed JSON of the wrong shape (unknown fields included).
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default().limit(limit).error_handler(|err, _req| {
        let api = match &err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                ApiError::PayloadTooLarge
            }
            JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
            JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::Validation(vec![field_error(&e.to_string())]),
            JsonPayloadError::Deserialize(_) => ApiError::BadRequest("The body is not valid JSON.".into()),
            _ => ApiError::BadRequest("The body could not be read.".into()),
        };
        api.into()
    })
}

/// Turns serde's message into a field error. serde names an unknown or
/// missing field in backticks; other shape errors concern the body.
fn field_error(message: &str) -> FieldError {
    let message = message.split(" at line ").next().unwrap_or(message).to_string();
    let named = message.split('`').nth(1).map(str::to_string);
    if message.starts_with("unknown field") {
        FieldError::new(named.unwrap_or_default(), "unknown_field", message)
    } else if message.starts_with("missing field") {
        FieldError::new(named.unwrap_or_default(), "required", message)
    } else {
        FieldError::new("body", "invalid", message)
    }
}

/// A path that does not parse (a malformed UUID) names nothing that exists.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_: PathError, _| ApiError::NotFound.into())
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _| {
        let message = err.to_string();
        ApiError::BadRequest(format!("Invalid query parameters: {message}")).into()
    })
}
