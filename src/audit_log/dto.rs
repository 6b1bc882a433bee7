//! The audit log's query parameters and views.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub citizen_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    /// From this time (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Until this time (exclusive).
    pub to: Option<DateTime<Utc>>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_department: Option<String>,
    pub actor_roles: Vec<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub citizen_id: Option<Uuid>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub outcome: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessLogParams {
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of a citizen's access log, oldest first.
#[derive(Serialize, ToSchema, Debug)]
pub struct AccessLogPage {
    pub items: Vec<AccessLogItem>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One access to a citizen's data, as the citizen is told of it.
#[derive(Serialize, ToSchema, Debug)]
pub struct AccessLogItem {
    pub at: DateTime<Utc>,
    pub department: Option<String>,
    pub roles: Vec<String>,
    pub action: String,
    pub resource_type: String,
    /// The purpose or reason recorded with the access.
    pub purpose: Option<String>,
}
