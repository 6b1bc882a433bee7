//! The audit log as the API shows it: managers their department's entries,
//! auditors everyone's, and a citizen's access log.

pub mod dto;
pub mod handlers;
pub mod queries;
