//! Citizens (borgere med integrationsbehov): registration by CPR, the record,
//! the masked and revealed CPR, and search — all within the caller's reach.

pub mod codes;
pub mod dto;
pub mod export;
pub mod handlers;
pub mod legal_hold;
pub mod origin;
pub mod queries;
