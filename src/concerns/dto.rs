//! What the concern routes take and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileConcernRequest {
    pub citizen_id: Uuid,
    #[schema(min_length = 1, max_length = 20_000, pattern = r"\S")]
    pub text: String,
    /// Observed signs, as short phrases (at most 10 of at most 200
    /// characters; blank ones are dropped).
    #[serde(default)]
    #[schema(max_items = 10)]
    pub signs: Vec<String>,
}

impl FileConcernRequest {
    /// The text (1–20,000 characters) and the signs, trimmed, blank ones
    /// dropped (at most 10 of at most 200 characters).
    pub fn validate(&self) -> ApiResult<(String, Vec<String>)> {
        let text = bounded_text("text", &self.text, 1, 20_000)?;
        let signs: Vec<String> = self.signs.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
        if signs.len() > 10 || signs.iter().any(|s| s.chars().count() > 200) {
            return Err(ApiError::invalid("signs", "invalid", "at most 10 signs of at most 200 characters"));
        }
        Ok((text, signs))
    }
}

/// All the informant gets back.
#[derive(Serialize, ToSchema)]
pub struct ConcernReceipt {
    pub id: Uuid,
    pub received_at: DateTime<Utc>,
}

// A concern as the receiving team reads it, informant included.
#[derive(Serialize, ToSchema, Debug)]
pub struct ConcernView {
    pub id: Uuid,
    pub citizen_id: Uuid,
    /// The informant.
    pub filed_by: Uuid,
    pub filer_department: String,
    pub text: String,
    pub signs: Vec<String>,
    pub received_at: DateTime<Utc>,
    pub opened_enrolment_id: Option<Uuid>,
    pub handled_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenCaseRequest {
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub goals: String,
}

impl OpenCaseRequest {
    /// The goals, trimmed, at most 4000 characters (empty is fine).
    pub fn goals(self) -> ApiResult<String> {
        let goals = self.goals.trim().to_string();
        if goals.chars().count() > 4000 {
            return Err(ApiError::invalid("goals", "too_long", "at most 4000 characters"));
        }
        Ok(goals)
    }
}
