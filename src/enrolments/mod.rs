//! Enrolments (forløb): a citizen in a programme, with its status machine,
//! milestones, journal notes, outcomes, mentor and the caseload.

pub mod caseload;
pub mod domain;
pub mod dto;
pub mod handlers;
pub mod notes;
pub mod outcomes;
pub mod queries;
pub mod risk;
