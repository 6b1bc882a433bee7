//! medborger: the case-management API for Copenhagen's integration and
//! citizenship work. The binary (`main.rs`) is a thin CLI over this library,
//! which the black-box tests in `tests/api` use too.

pub mod access_grants;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod caseload;
pub mod citizens;
pub mod clock;
pub mod concerns;
pub mod config;
pub mod consents;
pub mod cpr;
pub mod db;
pub mod demo_cases;
pub mod domain;
pub mod enrolments;
pub mod error;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod import;
pub mod metrics;
pub mod notes;
pub mod openapi;
pub mod org;
pub mod outcomes;
pub mod programmes;
pub mod referrals;
pub mod reports;
pub mod request;
pub mod request_id;
pub mod retention;
pub mod risk_assessments;
pub mod routes;
pub mod schema;
pub mod scope;
pub mod seed;
pub mod startup;
pub mod state;
pub mod synthetic;
pub mod telemetry;
pub mod tokens;
pub mod web;
