//! Bodies of the enrolment, milestone, note and outcome endpoints.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::domain::Status;
use crate::citizens::codes::{DanishLevel, EmploymentStatus};

#[derive(Deserialize, ToSchema)]
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
    pub goals: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEnrolmentRequest {
    pub goals: Option<String>,
    pub responsible_caseworker_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
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
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Meeting,
    Phone,
    HomeVisit,
    InternshipFollowUp,
    LanguageProgress,
    MentorSession,
    ParentContact,
    Other,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Meeting => "meeting",
            Self::Phone => "phone",
            Self::HomeVisit => "home_visit",
            Self::InternshipFollowUp => "internship_follow_up",
            Self::LanguageProgress => "language_progress",
            Self::MentorSession => "mentor_session",
            Self::ParentContact => "parent_contact",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Meeting,
            Self::Phone,
            Self::HomeVisit,
            Self::InternshipFollowUp,
            Self::LanguageProgress,
            Self::MentorSession,
            Self::ParentContact,
            Self::Other,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A journal note. Send `supersedes` and `correction_reason` together to
/// correct an earlier note; both stay readable.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNoteRequest {
    pub kind: NoteKind,
    pub occurred_at: DateTime<Utc>,
    pub text: String,
    /// Structured measures, e.g. `{"attendance_hours": 6, "wellbeing": 4}`:
    /// a flat object of at most 20 numbers, booleans or short strings.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub measures: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub shared_with_mentor: bool,
    pub supersedes: Option<Uuid>,
    pub correction_reason: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct NoteView {
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub author_id: Uuid,
    pub kind: NoteKind,
    pub occurred_at: DateTime<Utc>,
    pub text: String,
    #[schema(value_type = Object)]
    pub measures: serde_json::Value,
    pub shared_with_mentor: bool,
    pub supersedes: Option<Uuid>,
    pub correction_reason: Option<String>,
    /// The note that corrects this one, if any.
    pub superseded_by: Option<Uuid>,
    /// False once a later note supersedes this one.
    pub current: bool,
    pub created_at: DateTime<Utc>,
}

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
        [Self::Start, Self::End, Self::EndPlus6m, Self::EndPlus12m]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

#[derive(Deserialize, ToSchema)]
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
