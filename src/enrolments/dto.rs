//! Bodies of the enrolment and milestone endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::Status;

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnrolmentRequest {
    pub programme_code: String,
    /// Defaults to the caller.
    pub responsible_caseworker_id: Option<Uuid>,
    /// A team of the programme's department (for a restricted programme, the
    /// caller's restricted team). Defaults to the caller's team there.
    pub team_id: Option<Uuid>,
    /// Defaults to today for an active enrolment.
    pub start_date: Option<NaiveDate>,
    /// `referred` or `active` (default).
    pub status: Option<Status>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub goals: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnrolmentRequest {
    #[schema(max_length = 4000)]
    pub goals: Option<String>,
    pub responsible_caseworker_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}

/// `mentor_id: null` ends the assignment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignMentorRequest {
    pub mentor_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct MilestoneView {
    pub id: Uuid,
    pub code: String,
    pub name_da: String,
    pub name_en: String,
    pub due_date: NaiveDate,
    pub met_on: Option<NaiveDate>,
    pub waived_reason: Option<String>,
    /// Derived: due before today and neither met nor waived.
    pub overdue: bool,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct EnrolmentView {
    pub id: Uuid,
    pub citizen_id: Uuid,
    pub programme_code: String,
    pub department: String,
    pub team_id: Uuid,
    pub responsible_caseworker_id: Uuid,
    pub mentor_id: Option<Uuid>,
    pub status: Status,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub goals: String,
    pub milestones: Vec<MilestoneView>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetMilestoneRequest {
    pub met_on: NaiveDate,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiveMilestoneRequest {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
}
