//! Bodies of the risk assessment endpoints.

use crate::domain::code_list;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

code_list! {
    pub RiskLevel {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}
#[derive(Deserialize, ToSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRiskAssessmentRequest {
    pub level: RiskLevel,
    pub assessed_at: DateTime<Utc>,
    #[schema(min_length = 1, max_length = 20_000, pattern = r"\S")]
    pub summary: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct RiskAssessmentView {
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub level: String,
    pub assessed_at: DateTime<Utc>,
    pub summary: String,
    pub author_id: Uuid,
    pub created_at: DateTime<Utc>,
}
