//! The one way a request that touches personal data runs (docs/architecture.md).
//!
//! A handler takes a [`Ctx`] — the caller, their reach, one `now` for the
//! whole request, the state — parses its input, and hands its work to
//! [`Ctx::run`] with the [`Subject`] it is about. `run` opens the request's
//! transaction with the caller's row-level-security settings, runs the work
//! on its connection, and writes the audit entries the work declared before
//! it commits. Work that declares no entry is refused (500) and rolled back,
//! so a handler cannot forget its audit entry and still succeed; a test sends
//! every route and checks each left its entries. A not-found or forbidden
//! outcome rolls the work back and records the denied attempt on the subject
//! in a transaction of its own. A read that succeeds is three round trips:
//! BEGIN with the caller's settings and the session check, the read, and
//! the audit insert pipelined with the COMMIT (`db::commit_after`).

use std::future::{ready, Ready};

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::scoped_futures::ScopedBoxFuture;
use diesel_async::{AsyncConnection, AsyncPgConnection, TransactionManager};

use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome, Resource};
use crate::auth::Actor;
use crate::db::{self, DbContext};
use crate::domain::{CitizenId, DepartmentCode};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{Answer, Claim, Claimed, RequestKey};
use crate::scope::Reach;
use crate::state::AppState;

/// `run!(ctx, subject, |conn, audit| { … })` is [`Ctx::run`] without the
/// ceremony of diesel-async's transaction closure (borrowing the context,
/// `async move`, boxing the scoped future, `.await?`): it evaluates to the
/// work's value, or returns the handler's error.
macro_rules! run {
    ($ctx:ident, $subject:expr, |$conn:ident, $audit:ident| $body:block) => {{
        use diesel_async::scoped_futures::ScopedFutureExt as _;
        let $ctx = &$ctx;
        $ctx.run($subject, |$conn, $audit| async move $body.scope_boxed())
            .await?
    }};
}
pub(crate) use run;

/// `create!(ctx, subject, &body, |conn, audit| { … })` is [`Ctx::create`]
/// as `run!` is [`Ctx::run`]: the work answers an [`Answer`], kept with the
/// request's `Idempotency-Key`. `claimed claim` in place of `&body` takes a
/// claim made earlier (`ctx.claim(&body)?`), for a body the handler consumes.
macro_rules! create {
    ($ctx:ident, $subject:expr, claimed $claim:expr, |$conn:ident, $audit:ident| $work:block) => {{
        use diesel_async::scoped_futures::ScopedFutureExt as _;
        let $ctx = &$ctx;
        $ctx.create($subject, $claim, |$conn, $audit| async move $work.scope_boxed())
            .await
    }};
    ($ctx:ident, $subject:expr, $body:expr, |$conn:ident, $audit:ident| $work:block) => {{
        let claim = $ctx.claim($body)?;
        create!($ctx, $subject, claimed claim, |$conn, $audit| $work)
    }};
}
pub(crate) use create;

type Manager = <AsyncPgConnection as AsyncConnection>::TransactionManager;

/// Everything about the caller and the request, computed once.
pub struct Ctx {
    pub actor: Actor,
    pub reach: Reach,
    /// The request's time on the service clock: one value for every check,
    /// row and audit entry of the request.
    pub now: DateTime<Utc>,
    who: AuditActor,
    db: DbContext,
    state: web::Data<AppState>,
    key: RequestKey,
}

impl FromRequest for Ctx {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let actor = req.extensions().get::<Actor>().cloned();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        ready(match (actor, state) {
            (Some(actor), Some(state)) => Ok(Ctx::new(actor, state, RequestKey::of(req))),
            (None, _) => Err(ApiError::Unauthenticated),
            (_, None) => Err(ApiError::internal(anyhow::anyhow!("AppState missing"))),
        })
    }
}

/// What a request's work is about: named in the denied entry when the
/// caller may not reach it.
#[derive(Debug, Clone)]
pub struct Subject {
    resource: Resource,
    id: Option<String>,
    citizen: Option<CitizenId>,
}

impl Subject {
    pub fn new(resource: Resource, id: impl ToString) -> Self {
        Self { resource, id: Some(id.to_string()), citizen: None }
    }

    /// A citizen's record, or something reached through it.
    pub fn citizen(id: CitizenId) -> Self {
        Self::new(Resource::Citizen, id).of(id)
    }

    /// Work with no single subject (lists, searches, reports): a refusal
    /// there is not an attempt on someone's data.
    pub fn none() -> Self {
        Self { resource: Resource::Route, id: None, citizen: None }
    }

    /// The citizen the subject belongs to.
    pub fn of(mut self, citizen: CitizenId) -> Self {
        self.citizen = Some(citizen);
        self
    }

    fn denied_entry(&self) -> Option<AuditEntry> {
        let id = self.id.as_ref()?;
        let mut entry = AuditEntry::new(Action::Denied, self.resource, Outcome::Denied).resource_id(id);
        if let Some(citizen) = self.citizen {
            entry = entry.citizen(citizen.0);
        }
        Some(entry)
    }
}

/// The audit entries a request's work declares; written before commit.
#[derive(Debug, Default)]
pub struct Audit {
    entries: Vec<AuditEntry>,
}

impl Audit {
    pub fn record(&mut self, entry: AuditEntry) {
        self.entries.push(entry);
    }

    pub fn extend(&mut self, entries: impl IntoIterator<Item = AuditEntry>) {
        self.entries.extend(entries);
    }

    /// A list's entries, one per item it shows, or `none` when it shows
    /// nobody: a look that found nothing is still a look.
    pub fn listed(&mut self, entries: impl IntoIterator<Item = AuditEntry>, none: AuditEntry) {
        let before = self.entries.len();
        self.entries.extend(entries);
        if self.entries.len() == before {
            self.entries.push(none);
        }
    }
}

/// What the work's transaction ends in: a value to commit, a refusal (the
/// work rolled back, its denied entry written after), or an error to roll back.
enum Ending<R> {
    /// The value, and the audit entries its work declared.
    Commit(R, Vec<AuditEntry>),
    Refused(ApiError),
}

impl Ctx {
    pub fn new(actor: Actor, state: web::Data<AppState>, key: RequestKey) -> Self {
        Self {
            key,
            reach: Reach::of(&actor),
            now: actor.now,
            who: AuditActor::from(&actor),
            db: DbContext::from(&actor),
            actor,
            state,
        }
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The municipality's calendar day (see `clock::local_date`).
    pub fn today(&self) -> NaiveDate {
        crate::clock::local_date(self.now)
    }

    pub fn department(&self) -> DepartmentCode {
        self.actor.department
    }

    /// Runs `work` in the request's transaction (see the module's doc).
    pub async fn run<'a, R, F>(&'a self, subject: Subject, work: F) -> ApiResult<R>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection, &'r mut Audit) -> ScopedBoxFuture<'a, 'r, ApiResult<R>>
            + Send
            + 'a,
        R: Send + 'a,
    {
        let mut pooled = self.state.pool.get().await?;
        let conn: &mut AsyncPgConnection = &mut pooled;
        let ending = match db::begin(conn, &self.db).await {
            Ok(()) => self.work_in_transaction(conn, work).await,
            Err(e) => Err(e.into()),
        };
        let result = match ending {
            // A connection lost during COMMIT answers commit-unknown.
            // The entries and the COMMIT go in one round trip.
            Ok(Ending::Commit(value, entries)) => match audit::write(conn, self.now, &self.who, entries) {
                Ok(write) => db::commit_after(conn, write).await.map(|()| value),
                Err(e) => {
                    let _ = Manager::rollback_transaction(conn).await;
                    Err(e)
                }
            },
            Ok(Ending::Refused(refusal)) => match Manager::rollback_transaction(conn).await {
                Ok(()) => self.record_denied(conn, &subject).await.and(Err(refusal)),
                Err(e) => Err(e.into()),
            },
            Err(e) => {
                let _ = Manager::rollback_transaction(conn).await;
                Err(e)
            }
        };
        if result.is_err() {
            // A lost connection leaves the pool with the idle ones.
            db::release_after_failure(&self.state.pool, pooled);
        }
        result
    }

    /// The request's claim on its `Idempotency-Key` for `body`, if it sent one.
    pub fn claim(&self, body: &impl serde::Serialize) -> ApiResult<Option<Claim>> {
        self.key.claim(&self.state.vault, body)
    }

    /// Runs a create's `work` as [`Ctx::run`] does, honouring the request's
    /// claim on its `Idempotency-Key` (crate::idempotency): a key already
    /// answered for the same request repeats the kept answer without running
    /// the work, recorded as a read of what was created.
    pub async fn create<'a, F>(&'a self, subject: Subject, claim: Option<Claim>, work: F) -> ApiResult<Answer>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection, &'r mut Audit) -> ScopedBoxFuture<'a, 'r, ApiResult<Answer>>
            + Send
            + 'a,
    {
        use diesel_async::scoped_futures::ScopedFutureExt as _;
        let Some(claim) = claim else {
            return self.run(subject, work).await;
        };
        let user = self.actor.user_id;
        self.run(subject, move |conn, audit| {
            async move {
                match claim.take(conn, user, self.now).await? {
                    Claimed::Earlier(answer, entry) => {
                        audit.extend(entry);
                        Ok(answer)
                    }
                    Claimed::New => {
                        let answer = work(conn, audit).await?;
                        claim.keep(conn, user, &answer, audit.entries.first()).await?;
                        Ok(answer)
                    }
                }
            }
            .scope_boxed()
        })
        .await
    }

    /// Work on data that is not personal (the programme catalogue, the list
    /// of departments): the caller's transaction, without an audit entry.
    pub async fn run_unaudited<'a, R, F>(&'a self, work: F) -> ApiResult<R>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'r, ApiResult<R>> + Send + 'a,
        R: Send + 'a,
    {
        db::transaction(&self.state.pool, self.db.clone(), work).await
    }

    async fn work_in_transaction<'a, R, F>(&'a self, conn: &mut AsyncPgConnection, work: F) -> ApiResult<Ending<R>>
    where
        F: for<'r> FnOnce(&'r mut AsyncPgConnection, &'r mut Audit) -> ScopedBoxFuture<'a, 'r, ApiResult<R>>
            + Send
            + 'a,
        R: Send + 'a,
    {
        let mut declared = Audit::default();
        match work(conn, &mut declared).await {
            Ok(value) => {
                if declared.entries.is_empty() {
                    return Err(ApiError::internal(anyhow::anyhow!(
                        "request work on personal data declared no audit entry"
                    )));
                }
                Ok(Ending::Commit(value, declared.entries))
            }
            Err(refusal @ (ApiError::NotFound | ApiError::Forbidden)) => Ok(Ending::Refused(refusal)),
            Err(e) => Err(e),
        }
    }

    /// A refused attempt on a subject, recorded once the work is undone (a
    /// refusal with no single subject is not an attempt on anyone's data).
    async fn record_denied(&self, conn: &mut AsyncPgConnection, subject: &Subject) -> ApiResult<()> {
        let Some(entry) = subject.denied_entry() else {
            return Ok(());
        };
        let written = async {
            db::begin(conn, &self.db).await?;
            audit::record(conn, self.now, &self.who, entry).await
        }
        .await;
        match written {
            Ok(()) => db::commit(conn).await,
            Err(e) => {
                let _ = Manager::rollback_transaction(conn).await;
                Err(e)
            }
        }
    }
}
