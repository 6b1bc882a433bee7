//! Journal notes on an enrolment (docs/design.md §3): append-only, corrected
//! by superseding notes, retried safely with `Idempotency-Key` (§6). A
//! mentor reads their own notes and those shared with mentors, on the
//! enrolment they mentor (§4).

pub mod dto;
pub mod handlers;
pub mod queries;
