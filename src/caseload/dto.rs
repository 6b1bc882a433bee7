//! The caseload's parameters, page and cursor.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::enrolments::domain::Status;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseloadParams {
    /// A manager may name any caseworker of their department; default: the
    /// caller's own caseload (a manager's default: the whole department).
    pub caseworker_id: Option<Uuid>,
    pub programme: Option<String>,
    #[param(value_type = Option<Status>)]
    pub status: Option<Status>,
    /// Only enrolments with an overdue milestone.
    pub overdue_only: Option<bool>,
    /// Only enrolments without a note in this many days (1–3650).
    #[param(minimum = 1, maximum = 3650)]
    pub silent_days: Option<i64>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct CaseloadItem {
    pub enrolment_id: Uuid,
    pub citizen_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub programme_code: String,
    pub status: Status,
    pub responsible_caseworker_id: Uuid,
    pub next_due_date: Option<NaiveDate>,
    pub next_due_milestone: Option<String>,
    pub overdue_milestones: i64,
    /// Days since the latest note; absent when there is none.
    pub days_since_last_note: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseloadPage {
    pub items: Vec<CaseloadItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Where a page starts: after this sort key (the next due date) and enrolment.
pub fn decode_cursor(cursor: &str) -> Option<(NaiveDate, Uuid)> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (date, id) = text.split_once('|')?;
    Some((date.parse().ok()?, id.parse().ok()?))
}

pub fn encode_cursor(key: NaiveDate, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{key}|{id}"))
}
