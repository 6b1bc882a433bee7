//! Enrolments (forløb): a citizen in a programme, with its status machine,
//! milestones and mentor (docs/design.md §3). Notes, outcomes, risk
//! assessments and the caseload build on it in modules of their own; this
//! one imports none of them.

pub mod domain;
pub mod dto;
pub mod handlers;
pub mod queries;
