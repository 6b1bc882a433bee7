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

#[derive(Debug, Clone, Copy)]
pub struct AnchorDates {
    pub arrival: Option<NaiveDate>,
    pub visitation: Option<NaiveDate>,
    pub enrolment_start: NaiveDate,
}

/// The due date of a rule: the anchor date plus whole months, then days
/// (a month after 31 January is the last day of February).
pub fn due_date(anchor: Anchor, months: u32, days: u64, dates: &AnchorDates) -> Option<NaiveDate> {
    let base = match anchor {
        Anchor::Arrival => dates.arrival?,
        Anchor::Visitation => dates.visitation?,
        Anchor::EnrolmentStart => dates.enrolment_start,
    };
    base.checked_add_months(Months::new(months))?
        .checked_add_days(Days::new(days))
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
        };
        // Københavnermodellen: internship within one month of arrival.
        assert_eq!(
            due_date(Anchor::Arrival, 1, 0, &dates),
            Some(d(2026, 2, 28))
        );
        // Ukraine: welcome interview two weeks after visitation.
        assert_eq!(
            due_date(Anchor::Visitation, 0, 14, &dates),
            Some(d(2026, 2, 24))
        );
        // Danskuddannelse: five years from the start.
        assert_eq!(
            due_date(Anchor::EnrolmentStart, 60, 0, &dates),
            Some(d(2031, 3, 1))
        );
        let unknown = AnchorDates {
            arrival: None,
            visitation: None,
            enrolment_start: d(2026, 3, 1),
        };
        assert_eq!(due_date(Anchor::Arrival, 1, 0, &unknown), None);
    }
}
