//! Bodies of the outcome endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::citizens::codes::{DanishLevel, EmploymentStatus};

crate::domain::code_list! {
    /// When an outcome is measured: at the start, at the end, and six and
    /// twelve months after the end. One spelling in the API, the reports,
    /// the export and the database.
    pub MeasurementPoint {
        Start = "start",
        End = "end",
        EndPlus6m = "end_plus_6m",
        EndPlus12m = "end_plus_12m",
    }
}

impl MeasurementPoint {
    /// For a follow-up measurement, how many months after the enrolment's
    /// end it is taken: it needs an ended enrolment and a date that far on.
    pub fn months_after_end(self) -> Option<u32> {
        match self {
            Self::EndPlus6m => Some(6),
            Self::EndPlus12m => Some(12),
            Self::Start | Self::End => None,
        }
    }
}

#[derive(Deserialize, ToSchema, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CreateOutcomeRequest {
    pub measurement_point: MeasurementPoint,
    pub measured_on: NaiveDate,
    pub employment_status: EmploymentStatus,
    pub weekly_hours: Option<f32>,
    pub self_supporting: bool,
    #[serde(default)]
    pub in_education: bool,
    pub danish_level: Option<DanishLevel>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct OutcomeView {
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub measurement_point: MeasurementPoint,
    pub measured_on: NaiveDate,
    pub employment_status: EmploymentStatus,
    pub weekly_hours: Option<f32>,
    pub self_supporting: bool,
    pub in_education: bool,
    pub danish_level: Option<DanishLevel>,
    pub recorded_by: Uuid,
    pub created_at: DateTime<Utc>,
}
