//! The rules of risk assessments: pure functions.

use chrono::{Datelike, NaiveDate};

/// Whole years from `birth` to `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Barnets Lov protects a child: under 18 on the day.
pub fn is_child(birth: NaiveDate, day: NaiveDate) -> bool {
    age_on(birth, day) < 18
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years_to_the_birthday() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age_on(d(2008, 6, 15), d(2026, 6, 14)), 17);
        assert_eq!(age_on(d(2008, 6, 15), d(2026, 6, 15)), 18);
        assert!(is_child(d(2008, 6, 15), d(2026, 6, 14)));
        assert!(!is_child(d(2008, 6, 15), d(2026, 6, 15)));
    }
}
