//! Risk assessments on an enrolment, and the Barnets Lov interlock
//! (docs/design.md §4): for a child in a restricted enrolment, contact with
//! the parents is refused until a risk assessment is recorded.

pub mod domain;
pub mod dto;
pub mod handlers;
pub mod queries;
