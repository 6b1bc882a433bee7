//! The caseload: a caseworker's open enrolments (a manager's department, a
//! mentor's mentees), soonest deadline first, in one query per page
//! (docs/design.md §4, §6).

pub mod dto;
pub mod handlers;
pub mod queries;
