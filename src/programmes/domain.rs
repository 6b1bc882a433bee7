//! The catalogue's vocabulary that enrolments use too.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a milestone's due date counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The citizen's arrival in Denmark.
    Arrival,
    /// The date the citizen was visited to Copenhagen.
    Visitation,
    /// The enrolment's start date.
    EnrolmentStart,
}

impl Anchor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Arrival => "arrival",
            Self::Visitation => "visitation",
            Self::EnrolmentStart => "enrolment_start",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Arrival, Self::Visitation, Self::EnrolmentStart]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// The citizen field an anchor needs, for error messages.
    pub fn citizen_field(self) -> Option<&'static str> {
        match self {
            Self::Arrival => Some("arrival_date"),
            Self::Visitation => Some("visitation_date"),
            Self::EnrolmentStart => None,
        }
    }
}
