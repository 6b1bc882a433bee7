//! What the consent routes take and answer, and the checks of a new consent.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::DepartmentCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::bounded_field;
use crate::org::dto::Errors;

#[derive(Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordConsentRequest {
    /// What the citizen consented to, in their words or the form's.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub purpose: String,
    /// The departments that may share with each other (at least one).
    #[schema(value_type = Vec<DepartmentCode>, min_items = 1)]
    pub departments: Vec<String>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Where the signed consent is filed (journal number).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub document_reference: String,
}

/// A consent to record, checked.
pub struct NewConsent {
    pub purpose: String,
    /// Sorted, without repeats.
    pub departments: Vec<DepartmentCode>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_reference: String,
}

impl RecordConsentRequest {
    /// Checks every field at once (422 naming each bad one); `now` is the
    /// request's time, which the consent must not start after nor end before.
    pub fn validate(self, now: DateTime<Utc>) -> ApiResult<NewConsent> {
        let mut errors = Errors::default();
        let purpose = errors.check(bounded_field("purpose", &self.purpose, 1, 2000));
        let reference = errors.check(bounded_field("document_reference", &self.document_reference, 1, 200));
        let departments: Option<Vec<DepartmentCode>> = self.departments.iter().map(|d| d.trim().parse().ok()).collect();
        match departments.as_deref() {
            Some([]) => errors.push(FieldError::new("departments", "required", "name at least one department")),
            None => errors.push(FieldError::new(
                "departments",
                "unknown",
                "department codes: bif, buf, kff, sof, suf, tmf, okf",
            )),
            Some(_) => {}
        }
        if self.given_at > now {
            errors.push(FieldError::new("given_at", "in_future", "a consent cannot be given in the future"));
        }
        if self.expires_at <= self.given_at {
            errors.push(FieldError::new("expires_at", "before_given", "must be after given_at"));
        } else if self.expires_at <= now {
            errors.push(FieldError::new("expires_at", "expired", "the consent has already expired"));
        }
        errors.finish()?;
        let (Some(purpose), Some(document_reference), Some(mut departments)) = (purpose, reference, departments) else {
            return Err(ApiError::internal(anyhow::anyhow!("validation let a field through")));
        };
        // Stored as the codes' text, in their alphabetical order.
        departments.sort_by_key(|d| d.as_str());
        departments.dedup();
        Ok(NewConsent {
            purpose,
            departments,
            given_at: self.given_at,
            expires_at: self.expires_at,
            document_reference,
        })
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawConsentRequest {
    /// How the citizen withdrew it (optional).
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct ConsentView {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub purpose: String,
    /// The departments that may share with each other.
    pub departments: Vec<String>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub document_reference: String,
    pub recorded_by: Uuid,
    pub recorded_department: String,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Who withdrew it (a user of the recording department).
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<String>,
    /// Derived: given, not expired and not withdrawn now.
    pub valid: bool,
}

/// What a consent shows of another department's enrolment.
#[derive(Serialize, ToSchema, Debug)]
pub struct EnrolmentSummary {
    pub id: Uuid,
    pub programme_code: String,
    pub department: String,
    pub status: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// The responsible team.
    pub team_id: Uuid,
    pub team_name: String,
    /// The consent that shows it.
    pub consent_id: Uuid,
}
