//! JSON logs through `tracing`, one request id per request (also returned as
//! `X-Request-Id`), request metrics, and the outermost middleware that turns
//! every error — and a panicking handler — into a problem+json answer.
//!
//! Log lines name the matched route pattern, never the raw path or query, so
//! nothing a client put in a URL reaches the log.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};
use futures_util::FutureExt;
use tracing::Instrument;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::error::ApiError;
use crate::metrics::Metrics;

pub use crate::request_id::{current_request_id, REQUEST_ID_HEADER};

/// Where the gate notes the policy pattern a request matched, for metrics
/// and logs. Shared, because the request itself is consumed by the call.
#[derive(Debug, Clone, Default)]
pub struct MatchedRoute(Rc<Cell<Option<&'static str>>>);

impl MatchedRoute {
    pub fn set(&self, pattern: &'static str) {
        self.0.set(Some(pattern));
    }

    fn get(&self) -> &'static str {
        self.0.get().unwrap_or("unmatched")
    }
}

/// An error that escaped the handlers (a panic, or an error no inner layer
/// answered). actix renders it after this middleware has returned, so it
/// carries the request id and the headers itself.
#[derive(Debug)]
struct Escaped {
    request_id: String,
    error: actix_web::Error,
}

impl std::fmt::Display for Escaped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl ResponseError for Escaped {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> actix_web::HttpResponse {
        let mut response = crate::request_id::sync_scope(self.request_id.clone(), || self.error.error_response());
        set_headers(response.headers_mut(), &self.request_id);
        response
    }
}

fn set_headers(headers: &mut actix_web::http::header::HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    // Responses may carry personal data: never cached, never sniffed.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
}

/// Installs the global JSON subscriber writing to `writer`.
pub fn init<W>(default_filter: &str, writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_env("MEDBORGER_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_env_filter(filter)
        .with_writer(writer)
        .finish();
    // A second call (tests) keeps the first subscriber.
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// A client's id is logged for correlation only if it is short and plain.
fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain.then(|| value.to_string())
}

pub async fn request_context(
    req: ServiceRequest, next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The id is always the service's own: it is what the audit records and
    // what support looks up. A client's `X-Request-Id` is only a correlation
    // field in the request's log lines (docs/design.md §6).
    let id = uuid::Uuid::now_v7().to_string();
    let route = MatchedRoute::default();
    req.extensions_mut().insert(route.clone());
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().clone();
    let started = Instant::now();
    let span =
        tracing::info_span!("request", request_id = %id, client_request_id = tracing::field::Empty, method = %method);
    if let Some(client_id) = incoming_id(&req) {
        span.record("client_request_id", client_id);
    }

    let outcome = crate::request_id::scope(id.clone(), AssertUnwindSafe(next.call(req)).catch_unwind())
        .instrument(span.clone())
        .await;
    let result = match outcome {
        Ok(Ok(mut response)) => {
            set_headers(response.headers_mut(), &id);
            Ok(response.map_into_boxed_body())
        }
        Ok(Err(error)) => Err(Escaped { request_id: id.clone(), error }),
        Err(_) => {
            span.in_scope(|| tracing::error!("a handler panicked"));
            Err(Escaped {
                request_id: id.clone(),
                error: ApiError::internal(anyhow::anyhow!("handler panicked")).into(),
            })
        }
    };

    let status = match &result {
        Ok(response) => response.status(),
        Err(escaped) => escaped.status_code(),
    }
    .as_u16();
    let elapsed = started.elapsed();
    let route = route.get();
    if let Some(metrics) = metrics {
        metrics.observe(method.as_str(), route, status, elapsed);
    }
    span.in_scope(|| {
        tracing::info!(route, status, latency_ms = elapsed.as_secs_f64() * 1000.0, "request finished");
    });
    result.map_err(Into::into)
}
