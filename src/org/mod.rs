//! The organisation: departments, teams and staff users, administered by admins.

pub mod dto;
pub mod handlers;
pub mod queries;
