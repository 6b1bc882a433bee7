//! The programme catalogue (docs/design.md §7): data, not code. Every
//! signed-in user reads it; admins create and edit programmes and their
//! milestone rules.

pub mod domain;
pub mod dto;
pub mod handlers;
pub mod queries;
