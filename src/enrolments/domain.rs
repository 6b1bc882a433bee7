//! The enrolment status machine and milestone due dates: pure rules.

use crate::domain::code_list;
use crate::programmes::domain::Anchor;
use chrono::{Days, Months, NaiveDate};

code_list! {
    /// `referred → active ⇄ paused → completed | dropped_out | cancelled`
    pub Status {
        Referred = "referred",
        Active = "active",
        Paused = "paused",
        Completed = "completed",
        DroppedOut = "dropped_out",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// Where an enrolment in this status may go next.
    pub fn allowed_next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Referred => &[Active, Cancelled],
            Active => &[Paused, Completed, DroppedOut, Cancelled],
            Paused => &[Active, Completed, DroppedOut, Cancelled],
            Completed | DroppedOut | Cancelled => &[],
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Referred | Self::Active | Self::Paused)
    }
}

/// The dates a programme's milestone rules look at when an enrolment's
/// milestones are created.
#[derive(Debug, Clone, Copy)]
pub struct AnchorDates {
    pub arrival: Option<NaiveDate>,
    pub visitation: Option<NaiveDate>,
    pub enrolment_start: NaiveDate,
    /// The day the citizen was registered in medborger.
    pub registered: Option<NaiveDate>,
    /// The day the enrolment's current mentor was assigned, if it has one.
    pub mentor_assigned: Option<NaiveDate>,
}

/// The milestone code that assigning a mentor meets (a rule code of the
/// catalogue, by convention: `kobenhavnermodellen` and any programme that
/// names a rule so).
pub const MENTOR_ASSIGNED: &str = "mentor_assigned";

/// Why a milestone due on the arrival day is created waived for a citizen
/// registered after arriving: what falls due at arrival (the asylum-centre
/// interview) happens before arrival, before the municipality holds a case.
pub const NOT_APPLICABLE_AFTER_ARRIVAL: &str =
    "Ikke relevant: borgeren blev registreret efter ankomsten, og fristen ligger ved ankomst.";

/// How a milestone begins its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Open until someone meets or waives it.
    Open,
    /// Met on that day already (a mentor assigned before the enrolment started).
    Met(NaiveDate),
    /// Does not apply, with the reason recorded as the waiver's.
    NotApplicable(&'static str),
}

/// The state a new milestone starts in: a milestone due on the arrival day
/// itself does not apply to a citizen registered after arriving (it would be
/// overdue from the first day for something done before arrival); the
/// `mentor_assigned` milestone is met when a mentor is assigned already.
pub fn start_of(code: &str, anchor: Anchor, months: u32, days: u64, dates: &AnchorDates) -> Start {
    if code == MENTOR_ASSIGNED {
        if let Some(on) = dates.mentor_assigned {
            return Start::Met(on);
        }
    }
    let due_at_arrival = anchor == Anchor::Arrival && months == 0 && days == 0;
    match (dates.arrival, dates.registered) {
        (Some(arrival), Some(registered)) if due_at_arrival && registered > arrival => {
            Start::NotApplicable(NOT_APPLICABLE_AFTER_ARRIVAL)
        }
        _ => Start::Open,
    }
}

/// The due date of a rule: the anchor date plus whole months, then days
/// (a month after 31 January is the last day of February).
pub fn due_date(anchor: Anchor, months: u32, days: u64, dates: &AnchorDates) -> Option<NaiveDate> {
    let base = match anchor {
        Anchor::Arrival => dates.arrival?,
        Anchor::Visitation => dates.visitation?,
        Anchor::EnrolmentStart => dates.enrolment_start,
    };
    base.checked_add_months(Months::new(months))?.checked_add_days(Days::new(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_status_machine_allows_exactly_the_designed_moves() {
        use Status::*;
        assert_eq!(Referred.allowed_next(), &[Active, Cancelled]);
        assert!(Active.allowed_next().contains(&Paused));
        assert!(Paused.allowed_next().contains(&Active));
        assert!(!Referred.allowed_next().contains(&Completed));
        for terminal in [Completed, DroppedOut, Cancelled] {
            assert!(terminal.allowed_next().is_empty());
            assert!(!terminal.is_open());
        }
    }

    #[test]
    fn due_dates_count_months_then_days_from_the_anchor() {
        let dates = AnchorDates {
            arrival: Some(d(2026, 1, 31)),
            visitation: Some(d(2026, 2, 10)),
            enrolment_start: d(2026, 3, 1),
            registered: None,
            mentor_assigned: None,
        };
        // Københavnermodellen: internship within one month of arrival.
        assert_eq!(due_date(Anchor::Arrival, 1, 0, &dates), Some(d(2026, 2, 28)));
        // Ukraine: welcome interview two weeks after visitation.
        assert_eq!(due_date(Anchor::Visitation, 0, 14, &dates), Some(d(2026, 2, 24)));
        // Danskuddannelse: five years from the start.
        assert_eq!(due_date(Anchor::EnrolmentStart, 60, 0, &dates), Some(d(2031, 3, 1)));
        let unknown = AnchorDates {
            arrival: None,
            visitation: None,
            enrolment_start: d(2026, 3, 1),
            registered: None,
            mentor_assigned: None,
        };
        assert_eq!(due_date(Anchor::Arrival, 1, 0, &unknown), None);
    }

    #[test]
    fn what_falls_due_at_arrival_does_not_apply_to_a_citizen_registered_later() {
        let dates = |registered| AnchorDates {
            arrival: Some(d(2026, 1, 10)),
            visitation: None,
            enrolment_start: d(2026, 1, 20),
            registered: Some(registered),
            mentor_assigned: None,
        };
        let interview = |dates| start_of("asylum_centre_interview", Anchor::Arrival, 0, 0, &dates);
        assert_eq!(interview(dates(d(2026, 1, 11))), Start::NotApplicable(NOT_APPLICABLE_AFTER_ARRIVAL));
        // Registered on or before the arrival day: the interview is still to come.
        assert_eq!(interview(dates(d(2026, 1, 10))), Start::Open);
        assert_eq!(interview(dates(d(2026, 1, 2))), Start::Open);
        // A deadline a month after arrival still applies.
        assert_eq!(start_of("company_internship_started", Anchor::Arrival, 1, 0, &dates(d(2026, 1, 11))), Start::Open);
    }

    #[test]
    fn a_mentor_assigned_already_meets_the_mentor_milestone() {
        let mut dates = AnchorDates {
            arrival: None,
            visitation: None,
            enrolment_start: d(2026, 3, 1),
            registered: None,
            mentor_assigned: Some(d(2026, 2, 20)),
        };
        let rule = |dates: &AnchorDates| start_of(MENTOR_ASSIGNED, Anchor::EnrolmentStart, 0, 14, dates);
        assert_eq!(rule(&dates), Start::Met(d(2026, 2, 20)));
        dates.mentor_assigned = None;
        assert_eq!(rule(&dates), Start::Open);
    }
}
