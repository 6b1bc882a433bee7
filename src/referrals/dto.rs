//! What the referral routes take and answer.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::domain::ReferralStatus;
use crate::citizens::codes::District;
use crate::citizens::queries::CitizenRow;
use crate::cpr::{mask_from_birth_date, Sex};
use crate::enrolments::domain::Status;
use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendReferralRequest {
    pub citizen_id: Uuid,
    /// A programme of another department (not a restricted one: those take
    /// concerns).
    pub programme_code: String,
    /// Why, for the receiving department (1–4000 characters).
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub reason: String,
    /// A valid consent of the citizen covering the receiving department …
    pub consent_id: Option<Uuid>,
    /// … or the legal basis for referring without one (e.g. "LAB § 8").
    #[schema(min_length = 1, max_length = 500, pattern = r"\S")]
    pub legal_basis: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AcceptReferralRequest {
    /// A team of your department; defaults to yours.
    pub team_id: Option<Uuid>,
    /// Defaults to you.
    pub responsible_caseworker_id: Option<Uuid>,
    /// `referred` or `active` (default).
    pub status: Option<Status>,
    /// Defaults to today for an active enrolment.
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub goals: String,
}

/// An acceptance, checked: the enrolment to open.
pub struct Acceptance {
    pub team_id: Option<Uuid>,
    pub responsible_caseworker_id: Option<Uuid>,
    pub status: Status,
    pub start_date: Option<NaiveDate>,
    pub goals: String,
}

impl AcceptReferralRequest {
    /// The enrolment starts `referred`, or `active` (the default) on
    /// `start_date` or else `today`.
    pub fn validate(self, today: NaiveDate) -> ApiResult<Acceptance> {
        let goals = bounded_text("goals", &self.goals, 0, 4000)?;
        let status = self.status.unwrap_or(Status::Active);
        let start_date = match status {
            Status::Active => Some(self.start_date.unwrap_or(today)),
            Status::Referred => self.start_date,
            _ => return Err(ApiError::invalid("status", "invalid", "an enrolment starts as referred or active")),
        };
        Ok(Acceptance {
            team_id: self.team_id,
            responsible_caseworker_id: self.responsible_caseworker_id,
            status,
            start_date,
            goals,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineReferralRequest {
    /// Why (1–2000 characters); the sender sees it.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawReferralRequest {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: Option<String>,
}

// Registered in `openapi.rs`: only the list's query parameters refer to it,
// and utoipa collects schemas from bodies alone.
/// Which of your department's referrals to list: `incoming`, sent to it (its
/// inbox), or `outgoing`, sent by it.
#[derive(Deserialize, ToSchema, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReferralDirection {
    #[default]
    Incoming,
    Outgoing,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReferralListParams {
    /// `incoming` (default): sent to your department; `outgoing`: sent by it.
    pub direction: Option<ReferralDirection>,
    pub status: Option<ReferralStatus>,
    /// Items per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

/// The citizen's core record as a referral carries it: who they are, how to
/// reach them, their language; no background and no case content.
#[derive(Serialize, ToSchema, Debug)]
pub struct ReferredCitizen {
    pub id: Uuid,
    pub cpr_masked: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub given_name: String,
    pub family_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub district: Option<District>,
    pub preferred_language: Option<String>,
    pub interpreter_needed: bool,
}

impl ReferredCitizen {
    pub fn from_row(row: &CitizenRow) -> ApiResult<Self> {
        let corrupt = |what: &str| ApiError::internal(anyhow::anyhow!("unexpected {what}"));
        Ok(Self {
            id: row.id,
            cpr_masked: mask_from_birth_date(row.birth_date),
            birth_date: row.birth_date,
            sex: row.sex.parse::<Sex>().map_err(|_| corrupt("sex"))?,
            given_name: row.data.given_name.clone(),
            family_name: row.data.family_name.clone(),
            phone: row.data.phone.clone(),
            email: row.data.email.clone(),
            address: row.data.address.clone(),
            district: row.data.district,
            preferred_language: row.data.preferred_language.clone(),
            interpreter_needed: row.data.interpreter_needed,
        })
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ReferralView {
    pub id: Uuid,
    pub citizen: ReferredCitizen,
    pub programme_code: String,
    pub from_department: String,
    /// The programme's department, which decides.
    pub to_department: String,
    pub sent_by: Uuid,
    pub sent_at: DateTime<Utc>,
    pub reason: String,
    pub consent_id: Option<Uuid>,
    pub legal_basis: Option<String>,
    pub status: ReferralStatus,
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was declined or withdrawn.
    pub decision_reason: Option<String>,
    /// The enrolment that accepting it created.
    pub enrolment_id: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i32,
}
