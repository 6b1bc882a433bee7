//! Outcome measurements of an enrolment (docs/design.md §3, §8): at its
//! start and end and 6 and 12 months after, one per point.

pub mod dto;
pub mod handlers;
pub mod queries;
