//! medborger: the case-management API for Copenhagen's integration and
//! citizenship work. The binary (`main.rs`) is a thin CLI over this library,
//! which the black-box tests in `tests/api` use too.

pub mod access_grants;
pub mod audit;
pub mod auth;
pub mod citizens;
pub mod clock;
pub mod concerns;
pub mod config;
pub mod consents;
pub mod db;
pub mod demo_cases;
pub mod enrolments;
pub mod error;
pub mod health;
pub mod http;
pub mod import;
pub mod metrics;
pub mod openapi;
pub mod org;
pub mod programmes;
pub mod referrals;
pub mod reports;
pub mod retention;
pub mod schema;
pub mod scope;
pub mod seed;
pub mod startup;
pub mod telemetry;
