//! Who may see which citizens and enrolments (docs/design.md §4), as query filters.
//! Every list, search, count and single read of case data goes through
//! these, so a rule is written once:
//!
//! - a caseworker or manager of department D reaches citizens through an
//!   involvement of D, and D's enrolments; restricted enrolments (and the
//!   involvements they create) only as a member of the owning restricted team;
//! - a mentor reaches citizens through an active or paused enrolment they are
//!   assigned to, and only that enrolment (never a restricted one);
//! - auditors and administrators reach no case content.
//!
//! What the caller may not reach answers 404, so existence does not leak.

use chrono::{DateTime, Utc};
use diesel::dsl::exists;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use uuid::Uuid;

use crate::auth::Actor;
use crate::domain::DepartmentCode;
use crate::domain::Role;
use crate::schema::{access_grants, citizens, enrolments, involvements, referrals};

/// Enrolment statuses in which a mentor assignment is active.
pub const MENTORED_STATUSES: [&str; 2] = ["active", "paused"];
/// Statuses of an open enrolment.
pub const OPEN_STATUSES: [&str; 3] = ["referred", "active", "paused"];

/// How far an actor reaches into case data.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Caseworker or manager: the department and the restricted teams.
    pub department: Option<(DepartmentCode, Vec<Uuid>)>,
    /// Mentor: the mentor's user id.
    pub mentor: Option<Uuid>,
    /// Caseworker: the user whose live break-the-glass grants open citizens,
    /// and the request's time by which they expire.
    pub grantee: Option<(Uuid, DateTime<Utc>)>,
    /// Test-only: every filter lets everything through, leaving row-level
    /// security alone to decide.
    pub unscoped: bool,
}

impl Reach {
    pub fn of(actor: &Actor) -> Self {
        let department = (actor.has_role(Role::Caseworker) || actor.has_role(Role::Manager))
            .then(|| (actor.department, actor.restricted_teams()));
        Self {
            department,
            mentor: actor.has_role(Role::Mentor).then_some(actor.user_id.0),
            // A grant opens reading only (docs/design.md §4).
            grantee: (actor.has_role(Role::Caseworker) && !actor.writing).then_some((actor.user_id.0, actor.now)),
            unscoped: actor.unscoped,
        }
    }
}

type CitizenFilter = Box<dyn BoxableExpression<citizens::table, Pg, SqlType = Bool>>;
type EnrolmentFilter = Box<dyn BoxableExpression<enrolments::table, Pg, SqlType = Bool>>;

fn never<T: 'static>() -> Box<dyn BoxableExpression<T, Pg, SqlType = Bool>>
where
    diesel::dsl::AsExprOf<bool, Bool>: AppearsOnTable<T>,
{
    Box::new(false.into_sql::<Bool>())
}

fn always<T: 'static>() -> Box<dyn BoxableExpression<T, Pg, SqlType = Bool>>
where
    diesel::dsl::AsExprOf<bool, Bool>: AppearsOnTable<T>,
{
    Box::new(true.into_sql::<Bool>())
}

/// Citizens the actor reaches through their department or a live
/// break-the-glass grant: they see them as a caseworker of theirs.
pub fn citizens_by_department(reach: &Reach) -> CitizenFilter {
    if reach.unscoped {
        return always();
    }
    Box::new(citizens_by_involvement(reach).or(citizens_by_grant(reach)))
}

fn citizens_by_grant(reach: &Reach) -> CitizenFilter {
    match reach.grantee {
        Some((user, now)) => Box::new(exists(
            access_grants::table
                .filter(access_grants::citizen_id.eq(citizens::id))
                .filter(access_grants::user_id.eq(user))
                .filter(access_grants::expires_at.gt(now)),
        )),
        None => never(),
    }
}

fn citizens_by_involvement(reach: &Reach) -> CitizenFilter {
    match &reach.department {
        Some((department, teams)) => Box::new(exists(
            involvements::table
                .filter(involvements::citizen_id.eq(citizens::id))
                .filter(involvements::department.eq(*department))
                .filter(
                    involvements::restricted_team_id
                        .is_null()
                        .or(involvements::restricted_team_id.eq_any(teams.clone())),
                ),
        )),
        None => never(),
    }
}

/// Citizens the actor reaches as their mentor.
pub fn citizens_by_mentoring(reach: &Reach) -> CitizenFilter {
    if reach.unscoped {
        return always();
    }
    match reach.mentor {
        Some(mentor) => Box::new(exists(
            enrolments::table
                .filter(enrolments::citizen_id.eq(citizens::id))
                .filter(enrolments::mentor_id.eq(mentor))
                .filter(enrolments::status.eq_any(MENTORED_STATUSES))
                .filter(enrolments::restricted.eq(false)),
        )),
        None => never(),
    }
}

/// Every citizen the actor may see at all.
pub fn citizens_visible(reach: &Reach) -> CitizenFilter {
    Box::new(citizens_by_department(reach).or(citizens_by_mentoring(reach)))
}

/// Citizens with an enrolment in `programme` that the actor reaches through
/// their department.
pub fn citizens_in_programme(reach: &Reach, programme: &str) -> CitizenFilter {
    if reach.unscoped {
        return always();
    }
    match &reach.department {
        Some((department, teams)) => Box::new(exists(
            enrolments::table
                .filter(enrolments::citizen_id.eq(citizens::id))
                .filter(enrolments::programme_code.eq(programme.to_string()))
                .filter(enrolments::department.eq(*department))
                .filter(enrolments::restricted.eq(false).or(enrolments::team_id.eq_any(teams.clone()))),
        )),
        None => never(),
    }
}

/// Enrolments the actor reaches through their department, or (never a
/// restricted one) through a live break-the-glass grant for the citizen.
pub fn enrolments_by_department(reach: &Reach) -> EnrolmentFilter {
    if reach.unscoped {
        return always();
    }
    let own: EnrolmentFilter = match &reach.department {
        Some((department, teams)) => Box::new(
            enrolments::department
                .eq(*department)
                .and(enrolments::restricted.eq(false).or(enrolments::team_id.eq_any(teams.clone()))),
        ),
        None => never(),
    };
    let granted: EnrolmentFilter = match reach.grantee {
        Some((user, now)) => Box::new(
            enrolments::restricted.eq(false).and(exists(
                access_grants::table
                    .filter(access_grants::citizen_id.eq(enrolments::citizen_id))
                    .filter(access_grants::user_id.eq(user))
                    .filter(access_grants::expires_at.gt(now)),
            )),
        ),
        None => never(),
    };
    Box::new(own.or(granted))
}

/// Enrolments the actor mentors (active or paused, never restricted).
pub fn enrolments_by_mentoring(reach: &Reach) -> EnrolmentFilter {
    if reach.unscoped {
        return always();
    }
    match reach.mentor {
        Some(mentor) => Box::new(
            enrolments::mentor_id
                .assume_not_null()
                .eq(mentor)
                .and(enrolments::status.eq_any(MENTORED_STATUSES))
                .and(enrolments::restricted.eq(false)),
        ),
        None => never(),
    }
}

pub fn enrolments_visible(reach: &Reach) -> EnrolmentFilter {
    Box::new(enrolments_by_department(reach).or(enrolments_by_mentoring(reach)))
}

type ReferralFilter = Box<dyn BoxableExpression<referrals::table, Pg, SqlType = Bool>>;

/// Referrals the actor's department sent or received (caseworkers, managers).
pub fn referrals_visible(reach: &Reach) -> ReferralFilter {
    if reach.unscoped {
        return always();
    }
    match &reach.department {
        Some((department, _)) => {
            Box::new(referrals::from_department.eq(*department).or(referrals::to_department.eq(*department)))
        }
        None => never(),
    }
}

/// How the actor sees one citizen or enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Through their department: the whole record.
    Caseworker,
    /// As mentor: name, contact, language and the mentored enrolment only.
    Mentor,
}
