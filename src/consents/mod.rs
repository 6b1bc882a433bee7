//! Consent (samtykke): a citizen's written permission for named departments
//! to share what they know of them. While a consent is valid (given, not yet
//! expired, not withdrawn), caseworkers of a covered department that works
//! with the citizen see *summaries* of the other covered departments'
//! enrolments — programme, status, dates, team — and never their notes.
//! Some programmes (Helhedsorienteret familieindsats) need a valid consent
//! covering their department before anyone is enrolled, and a referral may
//! rest on a consent instead of a legal basis.
//!
//! The summaries come from one database function, so row-level security
//! keeps other departments' enrolments (and their notes) closed even to a
//! request that got past the application's checks.

pub mod dto;
pub mod handlers;
pub mod queries;
