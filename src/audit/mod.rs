//! The audit log: one entry per access to personal data and per security
//! event, written inside the caller's own transaction so that the entry and
//! what it records commit (or fail) together.

pub mod seal;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::code_list;
use crate::error::ApiError;
use crate::request_id::current_request_id;
use crate::schema::audit_log;

code_list! {
    /// What an entry records as its purpose where the work had a free-text
    /// reason (issue 10, door 6): a category from this fixed list, never the
    /// text or a staff id. The text stays with the record it belongs to (the
    /// transition, the grant and its review, the reassignment, the legal hold
    /// change), under that record's access
    /// rules; the citizen's access log and the auditors' view see only this.
    pub Purpose {
        StatusChange = "status_change",
        MentorAssigned = "mentor_assigned",
        MentorUnassigned = "mentor_unassigned",
        BreakTheGlass = "break_the_glass",
        GrantReviewed = "grant_reviewed",
        CaseloadReassignment = "caseload_reassignment",
        LegalHoldSet = "legal_hold_set",
        LegalHoldLifted = "legal_hold_lifted",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Refresh,
    RefreshReuse,
    Logout,
    Read,
    Search,
    Create,
    Update,
    Deactivate,
    Reveal,
    Transition,
    BreakGlass,
    Review,
    Export,
    /// A CPR already on file registered by another department, with a
    /// stated basis: the department becomes involved (issue 10, door 1).
    RegisterKnown,
    Denied,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::LoginFailed => "login_failed",
            Self::Refresh => "refresh",
            Self::RefreshReuse => "refresh_reuse",
            Self::Logout => "logout",
            Self::Read => "read",
            Self::Search => "search",
            Self::Create => "create",
            Self::Update => "update",
            Self::Deactivate => "deactivate",
            Self::Reveal => "reveal",
            Self::Transition => "transition",
            Self::BreakGlass => "break_glass",
            Self::Review => "review",
            Self::Export => "export",
            Self::RegisterKnown => "register_known",
            Self::Denied => "denied",
        }
    }
}

/// What an audit entry is about. One list, so that the same thing is always
/// named the same way (`note`, never `notes`) in the log and in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    AccessGrant,
    AccessLog,
    AuditLog,
    Caseload,
    Citizen,
    CitizenCpr,
    Concern,
    Consent,
    Enrolment,
    EnrolmentMentor,
    EnrolmentSummary,
    Involvement,
    LegalHold,
    Milestone,
    Note,
    Outcome,
    Programme,
    Referral,
    ReportCaseload,
    ReportDeadlines,
    ReportOutcomes,
    RiskAssessment,
    Route,
    Seed,
    Session,
    StaffUser,
    Team,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessGrant => "access_grant",
            Self::AccessLog => "access_log",
            Self::AuditLog => "audit_log",
            Self::Caseload => "caseload",
            Self::Citizen => "citizen",
            Self::CitizenCpr => "citizen_cpr",
            Self::Concern => "concern",
            Self::Consent => "consent",
            Self::Enrolment => "enrolment",
            Self::EnrolmentMentor => "enrolment_mentor",
            Self::EnrolmentSummary => "enrolment_summary",
            Self::Involvement => "involvement",
            Self::LegalHold => "legal_hold",
            Self::Milestone => "milestone",
            Self::Note => "note",
            Self::Outcome => "outcome",
            Self::Programme => "programme",
            Self::Referral => "referral",
            Self::ReportCaseload => "report_caseload",
            Self::ReportDeadlines => "report_deadlines",
            Self::ReportOutcomes => "report_outcomes",
            Self::RiskAssessment => "risk_assessment",
            Self::Route => "route",
            Self::Seed => "seed",
            Self::Session => "session",
            Self::StaffUser => "staff_user",
            Self::Team => "team",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Denied,
    Failure,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }
}

/// Who acted: a signed-in actor, or a login attempt's (possibly unknown) user.
#[derive(Debug, Clone, Default)]
pub struct AuditActor {
    pub id: Option<Uuid>,
    pub department: Option<crate::domain::DepartmentCode>,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AuditEntry {
    action: Action,
    resource_type: Resource,
    resource_id: Option<String>,
    citizen_id: Option<Uuid>,
    reason: Option<String>,
    outcome: Outcome,
    restricted_team: Option<Uuid>,
}

impl AuditEntry {
    pub fn new(action: Action, resource_type: Resource, outcome: Outcome) -> Self {
        Self {
            action,
            resource_type,
            resource_id: None,
            citizen_id: None,
            reason: None,
            outcome,
            restricted_team: None,
        }
    }

    /// A successful access: what nearly every entry records.
    pub fn success(action: Action, resource_type: Resource) -> Self {
        Self::new(action, resource_type, Outcome::Success)
    }

    pub fn resource_id(mut self, id: impl ToString) -> Self {
        self.resource_id = Some(id.to_string());
        self
    }

    pub fn citizen(mut self, id: impl Into<Uuid>) -> Self {
        self.citizen_id = Some(id.into());
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The purpose category of work that had a free-text reason.
    pub fn purpose(self, purpose: Purpose) -> Self {
        self.reason(purpose.as_str())
    }

    /// Shows the entry only to this restricted team (and auditors).
    pub fn restricted_to(mut self, team: Uuid) -> Self {
        self.restricted_team = Some(team);
        self
    }

    /// The entry is about `team`'s restricted work (if any): tagged by the
    /// resource, never by the actor's teams (issue 10, door 7) — a team
    /// member's ordinary work stays in their manager's view, and the work
    /// of a member of two teams is tagged with the team that owns it.
    pub fn within(mut self, team: Option<Uuid>) -> Self {
        self.restricted_team = team;
        self
    }
}

/// Writes one entry on `conn`, which should be inside the transaction doing
/// the work it records. An error here fails the request.
pub async fn record(
    conn: &mut AsyncPgConnection, at: DateTime<Utc>, actor: &AuditActor, entry: AuditEntry,
) -> Result<(), ApiError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor.id),
            audit_log::actor_department.eq(actor.department.map(|d| d.as_str())),
            audit_log::actor_roles.eq(&actor.roles),
            audit_log::action.eq(entry.action.as_str()),
            audit_log::resource_type.eq(entry.resource_type.as_str()),
            audit_log::resource_id.eq(entry.resource_id),
            audit_log::citizen_id.eq(entry.citizen_id),
            audit_log::reason.eq(entry.reason),
            audit_log::request_id.eq(current_request_id()),
            audit_log::outcome.eq(entry.outcome.as_str()),
            audit_log::restricted_team_id.eq(entry.restricted_team),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes several entries, a few thousand to a statement (a search that
/// shows many citizens, a reassignment): PostgreSQL takes at most 65,535
/// parameters per statement.
pub async fn record_many(
    conn: &mut AsyncPgConnection, at: DateTime<Utc>, actor: &AuditActor, entries: Vec<AuditEntry>,
) -> Result<(), ApiError> {
    const PER_STATEMENT: usize = 4000;
    let request_id = current_request_id();
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let rows: Vec<_> = entries
            .by_ref()
            .take(PER_STATEMENT)
            .map(|entry| {
                (
                    audit_log::at.eq(at),
                    audit_log::actor_id.eq(actor.id),
                    audit_log::actor_department.eq(actor.department.map(|d| d.as_str())),
                    audit_log::actor_roles.eq(actor.roles.clone()),
                    audit_log::action.eq(entry.action.as_str()),
                    audit_log::resource_type.eq(entry.resource_type.as_str()),
                    audit_log::resource_id.eq(entry.resource_id),
                    audit_log::citizen_id.eq(entry.citizen_id),
                    audit_log::reason.eq(entry.reason),
                    audit_log::request_id.eq(request_id.clone()),
                    audit_log::outcome.eq(entry.outcome.as_str()),
                    audit_log::restricted_team_id.eq(entry.restricted_team),
                )
            })
            .collect();
        diesel::insert_into(audit_log::table).values(rows).execute(conn).await?;
    }
    Ok(())
}
