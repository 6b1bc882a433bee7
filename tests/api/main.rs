//! Black-box tests through HTTP against a real PostgreSQL (see helpers.rs).

mod admin;
mod audit;
mod auth;
mod cli;
mod errors;
mod helpers;
mod ops;
