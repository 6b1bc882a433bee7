//! Bodies of the outcome endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::citizens::codes::{DanishLevel, EmploymentStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementPoint {
    Start,
    End,
    EndPlus6m,
    EndPlus12m,
}

impl MeasurementPoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::End => "end",
            Self::EndPlus6m => "end_plus_6m",
            Self::EndPlus12m => "end_plus_12m",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Start, Self::End, Self::EndPlus6m, Self::EndPlus12m].into_iter().find(|m| m.as_str() == s)
    }

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
