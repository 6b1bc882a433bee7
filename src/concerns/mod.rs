//! Concerns (bekymringshenvendelser) about negative social control: anyone
//! who can see a citizen writes one to the restricted team and keeps only a
//! receipt; the team reads its inbox, informant included, and opens a
//! restricted case from a concern.

pub mod dto;
pub mod handlers;
pub mod queries;
