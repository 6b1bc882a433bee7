//! One error type for the API, answered as RFC 9457 `application/problem+json`.
//! Internal causes are logged with the request id and never sent to the client.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::request_id::current_request_id;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input field, as listed in a 422 answer.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the request body, or `body` for the whole body.
    pub field: String,
    /// A stable machine-readable code.
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), message: message.into() }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI identifying the problem type (`urn:medborger:problem:<code>`).
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The id of the request, also sent as the `X-Request-Id` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Invalid fields (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not authenticated")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed(Vec<Method>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("precondition required")]
    PreconditionRequired,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The connection was lost while the transaction committed: the change
    /// may or may not be saved. A retry with the same `Idempotency-Key`
    /// answers the first result if it was.
    #[error("commit outcome unknown: {0}")]
    CommitUnknown(String),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

/// The constraint name `medborger_require_session` raises with when the
/// caller's session has ended (`db::begin`); answered 401.
pub const SESSION_ENDED: &str = "medborger_session_ended";

/// Seconds a client is asked to wait before retrying a 503.
pub const RETRY_AFTER_SECS: u64 = 1;

/// An error that means the database is away (refused, closed, shutting
/// down, starting up), not that the request or the code is wrong: answered
/// 503 with `Retry-After`, never 500.
pub fn is_connection_failure(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _)
        | Error::BrokenTransactionManager => true,
        Error::RollbackErrorOnCommit { commit_error, .. } => is_connection_failure(commit_error),
        Error::DatabaseError(_, info) => {
            // diesel does not expose the SQLSTATE; these are the server's
            // messages for classes 08 (connection exception) and 57P
            // (operator intervention: shutdown, crash, not yet accepting).
            let message = info.message();
            [
                "terminating connection",
                "the database system is",
                "connection closed",
                "server closed the connection",
                "could not receive data",
                "could not send data",
                "no connection to the server",
            ]
            .iter()
            .any(|m| message.contains(m))
        }
        _ => false,
    }
}

impl From<anyhow::Error> for ApiError {
    /// A lost database found anywhere in the cause's chain is a 503.
    fn from(e: anyhow::Error) -> Self {
        let lost = e.chain().any(|cause| {
            cause.downcast_ref::<diesel::result::Error>().is_some_and(is_connection_failure)
                || cause.downcast_ref::<diesel::ConnectionError>().is_some()
                || cause.downcast_ref::<diesel_async::pooled_connection::deadpool::PoolError>().is_some()
        });
        if lost {
            Self::Unavailable(format!("database: {e:#}"))
        } else {
            Self::Internal(e)
        }
    }
}

impl ApiError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        Self::from(cause.into())
    }

    /// A stable, machine-readable code, the last segment of the problem type.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid-credentials",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not-found",
            Self::MethodNotAllowed(_) => "method-not-allowed",
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed => "precondition-failed",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::Validation(_) => "validation-failed",
            Self::PreconditionRequired => "precondition-required",
            Self::TooManyRequests { .. } => "too-many-requests",
            Self::Unavailable(_) => "service-unavailable",
            Self::CommitUnknown(_) => "commit-unknown",
            Self::Internal(_) => "internal-error",
        }
    }

    fn title_and_detail(&self) -> (&'static str, Option<String>) {
        match self {
            Self::BadRequest(d) => ("Bad request", Some(d.clone())),
            Self::Unauthenticated => ("Not authenticated", Some("A valid bearer access token is required.".into())),
            Self::InvalidCredentials => ("Invalid credentials", Some("The username or password is wrong.".into())),
            Self::Forbidden => ("Forbidden", Some("Your roles do not allow this.".into())),
            Self::NotFound => ("Not found", None),
            Self::MethodNotAllowed(_) => ("Method not allowed", None),
            Self::Conflict(d) => ("Conflict", Some(d.clone())),
            Self::PreconditionFailed => {
                ("Precondition failed", Some("The resource has changed since you read it; fetch it again.".into()))
            }
            Self::PayloadTooLarge => ("Payload too large", None),
            Self::UnsupportedMediaType => ("Unsupported media type", Some("Send application/json.".into())),
            Self::Validation(_) => ("Validation failed", None),
            Self::PreconditionRequired => {
                ("Precondition required", Some("Send If-Match with the ETag you read.".into()))
            }
            Self::TooManyRequests { .. } => {
                ("Too many requests", Some("Too many failed attempts; wait before trying again.".into()))
            }
            Self::Unavailable(_) => ("Service unavailable", Some("Try again shortly.".into())),
            Self::CommitUnknown(_) => (
                "Outcome unknown",
                Some(
                    "The database went away while saving; the change may or may not be saved. \
                     Retry with the same Idempotency-Key, or read before writing again."
                        .into(),
                ),
            ),
            Self::Internal(_) => ("Internal server error", None),
        }
    }

    pub fn problem(&self) -> Problem {
        let (title, detail) = self.title_and_detail();
        Problem {
            problem_type: format!("urn:medborger:problem:{}", self.code()),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            request_id: current_request_id(),
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::CommitUnknown(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "internal error")
            }
            Self::Unavailable(cause) => tracing::warn!(error = %cause, "service unavailable"),
            Self::CommitUnknown(cause) => {
                tracing::warn!(error = %cause, "connection lost during commit")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable(_) | Self::CommitUnknown(_) => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECS.to_string()));
            }
            Self::MethodNotAllowed(methods) => {
                let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
                if let Ok(v) = HeaderValue::from_str(&allow) {
                    response.insert_header((header::ALLOW, v));
                }
            }
            _ => {}
        }
        // Serialising a Problem cannot fail: it holds only strings and numbers.
        response.body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => Self::NotFound,
            ref lost if is_connection_failure(lost) => Self::Unavailable(format!("database: {lost}")),
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                Self::Conflict("A concurrent change got in the way; try again.".into())
            }
            // `statement_timeout` cancels a query: the database is overloaded,
            // which is worth a retry, not a bug report.
            Error::DatabaseError(_, ref info)
                if info.message().contains("canceling statement due to statement timeout") =>
            {
                Self::Unavailable("statement timeout".into())
            }
            // The caller's session ended (revoked, expired, user changed):
            // found by `db::begin`'s check, before any work ran.
            Error::DatabaseError(_, ref info) if info.constraint_name() == Some(SESSION_ENDED) => Self::Unauthenticated,
            other => Self::Internal(other.into()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// What a handler that answers a JSON body returns.
pub type JsonResult<T> = ApiResult<actix_web::web::Json<T>>;
