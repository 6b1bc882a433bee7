//! The audit log: one entry per access to personal data and per security
//! event, written inside the caller's own transaction so that the entry and
//! what it records commit (or fail) together.

pub mod seal;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures_util::future::{BoxFuture, FutureExt};
use uuid::Uuid;

use crate::domain::code_list;
use crate::error::ApiError;
use crate::request_id::current_request_id;

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
        IdempotentRetry = "idempotent_retry",
        Search = "search",
        CprLookup = "cpr_lookup",
        AlreadyInCare = "already_in_care",
        KnownCprReview = "known_cpr_review",
        InformantRedacted = "informant_redacted",
        UnderConsent = "under_consent",
        ConsentWithdrawn = "consent_withdrawn",
        ReferralSent = "referral_sent",
        ReferralAccepted = "referral_accepted",
        ReferralDeclined = "referral_declined",
        ReferralWithdrawn = "referral_withdrawn",
        FromReferral = "from_referral",
        FromConcern = "from_concern",
        MilestoneMet = "milestone_met",
        MilestoneWaived = "milestone_waived",
        OverdueList = "overdue_list",
        Import = "import",
    }
}

/// A code from a fixed list that an entry about a citizen may carry as its
/// purpose: [`Purpose`], and the lists of the requests themselves (a CPR
/// reveal's purpose, the basis of registering a known CPR).
pub trait Category {
    fn code(&self) -> &'static str;
}

impl Category for Purpose {
    fn code(&self) -> &'static str {
        self.as_str()
    }
}

code_list! {
    pub Action {
        Login = "login",
        LoginFailed = "login_failed",
        Refresh = "refresh",
        RefreshReuse = "refresh_reuse",
        Logout = "logout",
        Read = "read",
        Search = "search",
        Create = "create",
        Update = "update",
        Deactivate = "deactivate",
        Reveal = "reveal",
        Transition = "transition",
        BreakGlass = "break_glass",
        Review = "review",
        Export = "export",
        RegisterKnown = "register_known",
        Denied = "denied",
    }
}

code_list! {
    /// What an audit entry is about. One list, so that the same thing is always
    /// named the same way (`note`, never `notes`) in the log and in reports.
    pub Resource {
        AccessGrant = "access_grant",
        AccessLog = "access_log",
        AuditLog = "audit_log",
        Caseload = "caseload",
        Citizen = "citizen",
        CitizenCpr = "citizen_cpr",
        Concern = "concern",
        Consent = "consent",
        Enrolment = "enrolment",
        EnrolmentMentor = "enrolment_mentor",
        EnrolmentSummary = "enrolment_summary",
        Involvement = "involvement",
        LegalHold = "legal_hold",
        Milestone = "milestone",
        Note = "note",
        Outcome = "outcome",
        Programme = "programme",
        Referral = "referral",
        ReportCaseload = "report_caseload",
        ReportDeadlines = "report_deadlines",
        ReportOutcomes = "report_outcomes",
        RiskAssessment = "risk_assessment",
        Route = "route",
        Seed = "seed",
        Session = "session",
        StaffUser = "staff_user",
        Team = "team",
    }
}

code_list! {
    pub Outcome {
        Success = "success",
        Denied = "denied",
        Failure = "failure",
    }
}

/// Who acted: a signed-in actor, or a login attempt's (possibly unknown) user.
#[derive(Debug, Clone, Default)]
pub struct AuditActor {
    pub id: Option<Uuid>,
    pub department: Option<crate::domain::DepartmentCode>,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AuditEntry {
    action: Action,
    resource_type: Resource,
    resource_id: Option<String>,
    citizen_id: Option<Uuid>,
    reason: Option<String>,
    /// Whether `reason` is a category (set by [`AuditEntry::purpose`]): an
    /// entry about a citizen carries nothing else (issue 10, door 6).
    #[serde(default)]
    categorised: bool,
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
            categorised: false,
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

    /// A note on an entry about no citizen (a session, a staff user, a
    /// report, a seed). An entry about a citizen takes [`Self::purpose`]:
    /// writing one with free text fails (see [`Self::checked`]).
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self.categorised = false;
        self
    }

    /// The purpose, as a category from a fixed list: all an entry about a
    /// citizen may carry, since the citizen's access log and the auditors'
    /// view show it (issue 10, door 6).
    pub fn purpose(mut self, purpose: impl Category) -> Self {
        self.reason = Some(purpose.code().to_string());
        self.categorised = true;
        self
    }

    /// The entry, if it may be written: one about a citizen carries no free
    /// text. A failure here is a programming error, loud in every test.
    fn checked(self) -> Result<Self, ApiError> {
        if self.citizen_id.is_some() && self.reason.is_some() && !self.categorised {
            return Err(ApiError::internal(anyhow::anyhow!(
                "an audit entry about a citizen carries free text ({} {})",
                self.action.as_str(),
                self.resource_type.as_str()
            )));
        }
        Ok(self)
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

    pub fn citizen_id(&self) -> Option<Uuid> {
        self.citizen_id
    }

    /// What a retry with the same `Idempotency-Key` records: a read of what
    /// this entry created, under the same team tag.
    pub fn retried(&self) -> Self {
        Self {
            action: Action::Read,
            reason: Some(Purpose::IdempotentRetry.as_str().into()),
            categorised: true,
            outcome: Outcome::Success,
            ..self.clone()
        }
    }
}

/// Writes one entry on `conn`, which should be inside the transaction doing
/// the work it records. An error here fails the request.
pub async fn record(
    conn: &mut AsyncPgConnection, at: DateTime<Utc>, actor: &AuditActor, entry: AuditEntry,
) -> Result<(), ApiError> {
    record_many(conn, at, actor, vec![entry]).await
}

/// The entries of one request, however many, in one static statement that
/// stays prepared on the connection: their own fields as arrays, unnested
/// in order (so that their ids follow it), the request's beside them. It
/// marks the transaction as holding them (`medborger.audited`), which the
/// request's COMMIT, pipelined behind it, requires (`db::commit_after`).
const INSERT_ENTRIES: &str = "
WITH written AS (
INSERT INTO audit_log (at, actor_id, actor_department, actor_roles, request_id, action, resource_type, resource_id,
                       citizen_id, reason, outcome, restricted_team_id)
SELECT $1, $2, $3, $4, $5, e.action, e.resource_type, e.resource_id, e.citizen_id, e.reason, e.outcome,
       e.restricted_team_id
  FROM unnest($6::text[], $7::text[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::uuid[])
       WITH ORDINALITY AS e(action, resource_type, resource_id, citizen_id, reason, outcome, restricted_team_id, n)
 ORDER BY e.n
RETURNING 1)
SELECT set_config('medborger.audited', 'on', true) FROM (SELECT count(*) FROM written) w";

/// Writes several entries (a search that shows many citizens, a
/// reassignment) in one statement.
pub async fn record_many(
    conn: &mut AsyncPgConnection, at: DateTime<Utc>, actor: &AuditActor, entries: Vec<AuditEntry>,
) -> Result<(), ApiError> {
    if entries.is_empty() {
        return Ok(());
    }
    write(conn, at, actor, entries)?.await?;
    Ok(())
}

/// The statement writing `entries`, ready to send: its values are its own,
/// and it holds no borrow of `conn`, so that it can be pipelined with the
/// COMMIT that follows it (`db::commit_after`).
pub fn write(
    conn: &mut AsyncPgConnection, at: DateTime<Utc>, actor: &AuditActor, entries: Vec<AuditEntry>,
) -> Result<BoxFuture<'static, diesel::QueryResult<usize>>, ApiError> {
    use diesel::sql_types::{Array, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    let entries = entries.into_iter().map(AuditEntry::checked).collect::<Result<Vec<_>, _>>()?;
    let mut actions = Vec::with_capacity(entries.len());
    let mut resource_types = Vec::with_capacity(entries.len());
    let mut resource_ids = Vec::with_capacity(entries.len());
    let mut citizens = Vec::with_capacity(entries.len());
    let mut reasons = Vec::with_capacity(entries.len());
    let mut outcomes = Vec::with_capacity(entries.len());
    let mut teams = Vec::with_capacity(entries.len());
    for entry in entries {
        actions.push(entry.action.as_str());
        resource_types.push(entry.resource_type.as_str());
        resource_ids.push(entry.resource_id);
        citizens.push(entry.citizen_id);
        reasons.push(entry.reason);
        outcomes.push(entry.outcome.as_str());
        teams.push(entry.restricted_team);
    }
    Ok(crate::db::prepared(INSERT_ENTRIES)
        .bind::<Timestamptz, _>(at)
        .bind::<Nullable<SqlUuid>, _>(actor.id)
        .bind::<Nullable<Text>, _>(actor.department.map(|d| d.as_str()))
        .bind::<Array<Text>, _>(actor.roles.clone())
        .bind::<Nullable<Text>, _>(current_request_id())
        .bind::<Array<Text>, _>(actions)
        .bind::<Array<Text>, _>(resource_types)
        .bind::<Array<Nullable<Text>>, _>(resource_ids)
        .bind::<Array<Nullable<SqlUuid>>, _>(citizens)
        .bind::<Array<Nullable<Text>>, _>(reasons)
        .bind::<Array<Text>, _>(outcomes)
        .bind::<Array<Nullable<SqlUuid>>, _>(teams)
        .execute(conn))
}

/// Prepares the entries' statement on a new connection (an insert of no
/// entries), so that no request's first use of it sends a Parse, and waits
/// for its answer, ahead of its Execute: `db::commit_after` relies on the
/// Execute leaving before the COMMIT.
pub fn prepare(conn: &mut AsyncPgConnection) -> BoxFuture<'_, diesel::QueryResult<()>> {
    let none = write(conn, DateTime::<Utc>::UNIX_EPOCH, &AuditActor::default(), Vec::new());
    async move {
        match none {
            Ok(written) => written.await.map(|_| ()),
            Err(e) => Err(diesel::result::Error::QueryBuilderError(e.to_string().into())),
        }
    }
    .boxed()
}
