//! Black-box tests through HTTP against a real PostgreSQL (see helpers.rs).

mod access_grants;
mod admin;
mod audit;
mod audit_exact;
mod auth;
mod cases;
mod citizens;
mod cli;
mod concerns;
mod consents;
mod enrolments;
mod errors;
mod export;
mod faults;
mod helpers;
mod import;
mod matrix;
mod ops;
mod programmes;
mod referrals;
mod reports;
mod retention;
mod rls;
mod side_doors;
mod web;
