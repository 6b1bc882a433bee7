//! The service's notion of "now". Everything time-dependent (token expiry,
//! throttling, audit time, deadlines) asks the clock, so tests can move it
//! instead of sleeping.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Copenhagen;

/// The municipality's calendar day at `at`. Dates the users see and type
/// (a milestone's due date, the day an outcome was measured, "today" in a
/// report) are Copenhagen's: between 22:00 or 23:00 UTC and midnight UTC the
/// city is already a day ahead of UTC, and a date typed "today" in a browser
/// there must not be refused as in the future.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Copenhagen).date_naive()
}

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that follows real time plus an offset that tests can advance.
#[derive(Debug, Default, Clone)]
pub struct OffsetClock {
    offset: Arc<Mutex<Duration>>,
}

impl OffsetClock {
    pub fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *offset += by;
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = *self.offset.lock().unwrap_or_else(|p| p.into_inner());
        Utc::now() + offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("a UTC instant")
    }

    #[test]
    fn the_calendar_day_is_copenhagens() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
        // Winter (UTC+1): 23:30 UTC is already the next day in Copenhagen.
        assert_eq!(local_date(utc("2026-12-03T22:59:59Z")), day(2026, 12, 3));
        assert_eq!(local_date(utc("2026-12-03T23:30:00Z")), day(2026, 12, 4));
        // Summer (UTC+2): from 22:00 UTC.
        assert_eq!(local_date(utc("2026-06-30T21:59:59Z")), day(2026, 6, 30));
        assert_eq!(local_date(utc("2026-06-30T22:00:00Z")), day(2026, 7, 1));
    }
}
