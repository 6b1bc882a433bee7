//! The access policy: every route the service answers, with who may call it.
//! A request whose method and path match no rule is refused before routing,
//! so a handler added without a rule cannot be reached (deny by default), and
//! a test fails when a registered route has no rule here.
//!
//! Finer rules — which department's citizens, restricted teams — are applied
//! by the queries and by row-level security; this table decides who may call
//! a route at all.

use std::sync::LazyLock;

use actix_web::dev::ResourceDef;
use actix_web::http::Method;

use crate::domain::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed (health, login, the API document).
    Public,
    /// Any active, signed-in staff user.
    SignedIn,
    /// A signed-in user holding at least one of these roles.
    AnyRole(&'static [Role]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Verb {
    pub fn method(self) -> Method {
        match self {
            Self::Get => Method::GET,
            Self::Post => Method::POST,
            Self::Patch => Method::PATCH,
            Self::Put => Method::PUT,
            Self::Delete => Method::DELETE,
        }
    }

    pub fn as_lower(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
            Self::Patch => "patch",
            Self::Put => "put",
            Self::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub verb: Verb,
    /// The route's pattern exactly as registered (actix/OpenAPI syntax).
    pub path: &'static str,
    pub access: Access,
    /// Whether the route only reads case data: every GET, and the POSTs that
    /// search, reveal a CPR or file a concern — but not the export, whose
    /// copy would outlast the grant. Only these are open to a
    /// break-the-glass grant (docs/design.md §4); in any other request the
    /// caller's grants count for nothing, in the queries and in row-level
    /// security alike.
    pub reads: bool,
}

use Access::*;
use Verb::*;

const ADMIN: &[Role] = &[Role::Admin];
const CASEWORKER: &[Role] = &[Role::Caseworker];
const MANAGER: &[Role] = &[Role::Manager];
/// Those who work with a department's cases.
const CASE_STAFF: &[Role] = &[Role::Caseworker, Role::Manager];
/// Case staff and mentors (who see less, decided by `scope`).
const CASE_READERS: &[Role] = &[Role::Caseworker, Role::Manager, Role::Mentor];
/// Those who write on an enrolment: its department's caseworkers, its mentor.
const CASE_WRITERS: &[Role] = &[Role::Caseworker, Role::Mentor];
/// Who reads the audit log: managers (their department) and auditors (all).
const AUDIT_READERS: &[Role] = &[Role::Manager, Role::Auditor];

const fn rule(verb: Verb, path: &'static str, access: Access) -> Rule {
    Rule { verb, path, access, reads: matches!(verb, Get) }
}

/// A POST that reads: a search, a reveal, a concern (see [`Rule::reads`]).
const fn reading(path: &'static str, access: Access) -> Rule {
    Rule { reads: true, ..rule(Post, path, access) }
}

/// A GET that hands over a copy of the whole file (the export): the copy
/// outlasts a break-the-glass grant's three hours, so no grant opens it.
const fn copying(path: &'static str, access: Access) -> Rule {
    Rule { reads: false, ..rule(Get, path, access) }
}

/// Literal segments before parameters where both could match, as in routing.
pub static RULES: &[Rule] = &[
    rule(Get, "/healthz", Public),
    rule(Get, "/readyz", Public),
    // Prometheus text with route labels and counts only, no personal data;
    // restrict it at the load balancer in production.
    rule(Get, "/metrics", Public),
    rule(Get, "/api/v1/openapi.json", Public),
    rule(Post, "/api/v1/auth/login", Public),
    rule(Post, "/api/v1/auth/refresh", Public),
    rule(Post, "/api/v1/auth/logout", SignedIn),
    rule(Get, "/api/v1/me", SignedIn),
    rule(Get, "/api/v1/departments", SignedIn),
    rule(Get, "/api/v1/staff", AnyRole(CASE_READERS)),
    rule(Get, "/api/v1/admin/users", AnyRole(ADMIN)),
    rule(Post, "/api/v1/admin/users", AnyRole(ADMIN)),
    rule(Get, "/api/v1/admin/users/{id}", AnyRole(ADMIN)),
    rule(Patch, "/api/v1/admin/users/{id}", AnyRole(ADMIN)),
    rule(Get, "/api/v1/admin/teams", AnyRole(ADMIN)),
    rule(Post, "/api/v1/admin/teams", AnyRole(ADMIN)),
    rule(Get, "/api/v1/admin/teams/{id}", AnyRole(ADMIN)),
    rule(Patch, "/api/v1/admin/teams/{id}", AnyRole(ADMIN)),
    rule(Post, "/api/v1/citizens", AnyRole(CASEWORKER)),
    reading("/api/v1/citizens/search", AnyRole(CASE_STAFF)),
    rule(Get, "/api/v1/citizens/{id}", AnyRole(CASE_READERS)),
    rule(Patch, "/api/v1/citizens/{id}", AnyRole(CASEWORKER)),
    reading("/api/v1/citizens/{id}/cpr", AnyRole(CASE_STAFF)),
    rule(Get, "/api/v1/programmes", SignedIn),
    rule(Post, "/api/v1/admin/programmes", AnyRole(ADMIN)),
    rule(Patch, "/api/v1/admin/programmes/{code}", AnyRole(ADMIN)),
    rule(Post, "/api/v1/citizens/{id}/enrolments", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/citizens/{id}/enrolments", AnyRole(CASE_READERS)),
    rule(Get, "/api/v1/enrolments/{id}", AnyRole(CASE_READERS)),
    rule(Patch, "/api/v1/enrolments/{id}", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/enrolments/{id}/transitions", AnyRole(CASEWORKER)),
    rule(Put, "/api/v1/enrolments/{id}/mentor", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/enrolments/{id}/milestones/{milestone_id}/met", AnyRole(CASE_WRITERS)),
    rule(Post, "/api/v1/enrolments/{id}/milestones/{milestone_id}/waive", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/enrolments/{id}/notes", AnyRole(CASE_WRITERS)),
    rule(Get, "/api/v1/enrolments/{id}/notes", AnyRole(CASE_READERS)),
    rule(Get, "/api/v1/notes/{id}", AnyRole(CASE_READERS)),
    rule(Post, "/api/v1/enrolments/{id}/outcomes", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/enrolments/{id}/outcomes", AnyRole(CASE_STAFF)),
    rule(Post, "/api/v1/enrolments/{id}/risk-assessments", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/enrolments/{id}/risk-assessments", AnyRole(CASE_STAFF)),
    rule(Get, "/api/v1/caseload", AnyRole(CASE_READERS)),
    rule(Get, "/api/v1/audit", AnyRole(AUDIT_READERS)),
    rule(Get, "/api/v1/citizens/{id}/access-log", AnyRole(CASE_STAFF)),
    reading("/api/v1/concerns", AnyRole(CASE_READERS)),
    rule(Get, "/api/v1/concerns", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/concerns/{id}/open", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/access-grants", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/access-grants", AnyRole(MANAGER)),
    rule(Post, "/api/v1/access-grants/{id}/review", AnyRole(MANAGER)),
    rule(Get, "/api/v1/known-cpr-registrations", AnyRole(MANAGER)),
    rule(Post, "/api/v1/citizens/{id}/consents", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/citizens/{id}/consents", AnyRole(CASE_STAFF)),
    rule(Post, "/api/v1/citizens/{id}/consents/{consent_id}/withdraw", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/citizens/{id}/enrolment-summaries", AnyRole(CASE_STAFF)),
    copying("/api/v1/citizens/{id}/export", AnyRole(CASE_STAFF)),
    rule(Post, "/api/v1/citizens/{id}/legal-hold", AnyRole(ADMIN)),
    rule(Get, "/api/v1/reports/caseload", AnyRole(AUDIT_READERS)),
    rule(Post, "/api/v1/reports/caseload/reassign", AnyRole(MANAGER)),
    rule(Get, "/api/v1/reports/deadlines", AnyRole(AUDIT_READERS)),
    rule(Get, "/api/v1/reports/outcomes", AnyRole(AUDIT_READERS)),
    rule(Post, "/api/v1/referrals", AnyRole(CASEWORKER)),
    rule(Get, "/api/v1/referrals", AnyRole(CASE_STAFF)),
    rule(Get, "/api/v1/referrals/{id}", AnyRole(CASE_STAFF)),
    rule(Post, "/api/v1/referrals/{id}/accept", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/referrals/{id}/decline", AnyRole(CASEWORKER)),
    rule(Post, "/api/v1/referrals/{id}/withdraw", AnyRole(CASEWORKER)),
];

pub enum Lookup {
    Allowed(&'static Rule),
    /// The path exists, but not with this method.
    WrongMethod(Vec<Method>),
    NoRoute,
}

static MATCHERS: LazyLock<Vec<(ResourceDef, &'static Rule)>> =
    LazyLock::new(|| RULES.iter().map(|r| (ResourceDef::new(r.path), r)).collect());

/// A literal route wins over a pattern: `/citizens/search` is the search,
/// never a citizen whose id is `search`, so `PATCH /citizens/search` is 405
/// with `Allow: POST`, not a 404 from `PATCH /citizens/{id}`.
pub fn lookup(method: &Method, path: &str) -> Lookup {
    let is_literal = |rule: &Rule| !rule.path.contains('{');
    let literal = RULES.iter().any(|r| is_literal(r) && r.path == path);
    let mut methods = Vec::new();
    for (def, rule) in MATCHERS.iter() {
        if def.is_match(path) && (!literal || is_literal(rule)) {
            if rule.verb.method() == method {
                return Lookup::Allowed(rule);
            }
            methods.push(rule.verb.method());
        }
    }
    if methods.is_empty() {
        Lookup::NoRoute
    } else {
        Lookup::WrongMethod(methods)
    }
}

pub fn rule_for(verb: &str, path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.path == path && r.verb.as_lower() == verb)
}
