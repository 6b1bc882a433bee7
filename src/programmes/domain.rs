//! The catalogue's vocabulary that enrolments use too.

use crate::domain::code_list;

code_list! {
    /// What a milestone's due date counts from.
    pub Anchor {
        Arrival = "arrival",
        Visitation = "visitation",
        EnrolmentStart = "enrolment_start",
    }
}

impl Anchor {
    /// The citizen field an anchor needs, for error messages.
    pub fn citizen_field(self) -> Option<&'static str> {
        match self {
            Self::Arrival => Some("arrival_date"),
            Self::Visitation => Some("visitation_date"),
            Self::EnrolmentStart => None,
        }
    }
}
