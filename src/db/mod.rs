//! The connection pool, the embedded migrations, and the per-request
//! transaction that carries the caller's identity for row-level security.

use std::time::Duration;

use anyhow::Context;
use diesel::connection::TransactionDepthChange;
use diesel::result::Error as DieselError;
use diesel::{sql_query, QueryDsl};
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod};
use diesel_async::scoped_futures::ScopedBoxFuture;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection, TransactionManager};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use secrecy::ExposeSecret;

use crate::config::DatabaseSettings;
use crate::error::ApiError;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

pub type DbPool = Pool<AsyncPgConnection>;
pub type PoolError = diesel_async::pooled_connection::deadpool::PoolError;
pub type Pooled = Object<AsyncPgConnection>;

/// Statements a connection prepares when it is made (see [`commit_after`]).
pub type Prepare = for<'c> fn(&'c mut AsyncPgConnection) -> BoxFuture<'c, Result<(), DieselError>>;

/// Builds the pool. Connections are made lazily, so the service starts (and
/// answers /healthz, and 503 on /readyz) while the database is away.
pub fn pool(settings: &DatabaseSettings) -> anyhow::Result<DbPool> {
    pool_preparing(settings, None)
}

/// The service's pool: [`pool`], with `prepare` run on every new connection.
pub fn pool_preparing(settings: &DatabaseSettings, prepare: Option<Prepare>) -> anyhow::Result<DbPool> {
    let statement_ms = settings.statement_timeout.as_millis();
    let idle_ms = settings.idle_in_transaction_timeout.as_millis();
    let mut config = ManagerConfig::default();
    // A verifying test query on every checkout costs ~30 % of throughput
    // (docs/design.md §10); a broken connection fails its query and is replaced.
    config.recycling_method = RecyclingMethod::Fast;
    config.custom_setup = Box::new(move |url| {
        let url = url.to_string();
        async move {
            let mut conn = AsyncPgConnection::establish(&url).await?;
            // No JIT: row-level security's subplans make the planner's cost
            // estimates large enough to compile every report and search
            // query, on every execution, for 60-90 ms that the query itself
            // does not take (BENCHMARKS.md, "City scale, fifth run").
            conn.batch_execute(&format!(
                "SET statement_timeout = {statement_ms}; \
                 SET idle_in_transaction_session_timeout = {idle_ms}; \
                 SET jit = off; \
                 SET application_name = 'medborger'"
            ))
            .await
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            if let Some(prepare) = prepare {
                prepare(&mut conn).await.map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            }
            Ok(conn)
        }
        .boxed()
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(settings.url.expose_secret(), config);
    Pool::builder(manager)
        .max_size(settings.pool_size)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(settings.pool_timeout))
        .create_timeout(Some(settings.pool_timeout))
        .recycle_timeout(Some(Duration::from_secs(1)))
        .build()
        .context("building the database pool")
}

/// A small pool of the schema owner's connections, for the command line's
/// bulk work (import, demo data): the settings of `settings` with `owner_url`.
pub fn owner_pool(settings: &DatabaseSettings, owner_url: &str) -> anyhow::Result<DbPool> {
    let mut owner = settings.clone();
    owner.url = owner_url.to_string().into();
    owner.pool_size = owner.pool_size.min(4);
    pool(&owner)
}

/// Applies pending migrations as the schema owner; returns the versions applied.
pub async fn run_migrations(owner_url: &str) -> anyhow::Result<Vec<String>> {
    let url = owner_url.to_string();
    // The migration harness is synchronous; it drives the async connection
    // on this runtime from a blocking thread.
    tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<String>> {
        let mut conn: AsyncConnectionWrapper<AsyncPgConnection> =
            diesel::Connection::establish(&url).context("connecting to run migrations")?;
        let applied =
            conn.run_pending_migrations(MIGRATIONS).map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    })
    .await?
}

/// The embedded migrations not yet applied to the database. Uses only SELECT,
/// so the application role can ask.
pub async fn pending_migrations(conn: &mut AsyncPgConnection) -> anyhow::Result<Vec<String>> {
    use diesel::migration::MigrationSource;
    diesel::table! {
        __diesel_schema_migrations (version) {
            version -> Text,
        }
    }
    let applied: Vec<String> = __diesel_schema_migrations::table
        .select(__diesel_schema_migrations::version)
        .load(conn)
        .await
        .context("reading the applied migrations (has `medborger migrate` run?)")?;
    let embedded = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("reading embedded migrations: {e}"))?;
    Ok(embedded.iter().map(|m| m.name().version().to_string()).filter(|v| !applied.contains(v)).collect())
}

/// Who is asking, as the database sees it for the length of one transaction.
#[derive(Debug, Clone, Default)]
pub struct DbContext {
    pub user_id: Option<uuid::Uuid>,
    pub department: Option<crate::domain::DepartmentCode>,
    pub roles: Vec<String>,
    pub teams: Vec<String>,
    /// A writing request: row-level security counts no break-the-glass grant.
    pub writing: bool,
    /// The session the caller's token names, checked in the round trip that
    /// opens the transaction (see [`begin`]); none for the service's own work.
    pub session: Option<SessionCheck>,
}

/// A signed-in caller's session as their token names it: still open at `at`,
/// its user active and unchanged since the token was minted (`version`).
#[derive(Debug, Clone, Copy)]
pub struct SessionCheck {
    pub user: uuid::Uuid,
    pub session: uuid::Uuid,
    pub version: i32,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Whether this connection's role sees past row-level security: the schema
/// owner (a member of `medborger_system`) or a superuser. A role, never a
/// setting (issue 10, door 3): the command line's bulk work (import, demo
/// data, retention) runs as the owner and checks this first.
pub async fn is_system(conn: &mut AsyncPgConnection) -> Result<bool, DieselError> {
    #[derive(diesel::QueryableByName)]
    struct System {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        system: bool,
    }
    let row: System = sql_query("SELECT medborger_system() AS system").get_result(conn).await?;
    Ok(row.system)
}

/// Refuses unless the connection's role is the schema owner's (see [`is_system`]).
pub async fn require_system(conn: &mut AsyncPgConnection) -> Result<(), ApiError> {
    if is_system(conn).await? {
        Ok(())
    } else {
        Err(ApiError::Internal(anyhow::anyhow!(
            "this command runs as the schema owner (MEDBORGER_MIGRATION_DATABASE_URL), \
             not the service's role"
        )))
    }
}

/// Runs `f` in one transaction opened by [`begin`], which records the caller
/// for row-level security with `set_config(…, true)`: the settings end with
/// the transaction, so a pooled connection never carries them to the next user.
pub async fn transaction<'a, R, F>(pool: &DbPool, ctx: DbContext, f: F) -> Result<R, ApiError>
where
    F: for<'r> FnOnce(&'r mut AsyncPgConnection) -> ScopedBoxFuture<'a, 'r, Result<R, ApiError>> + Send + 'a,
    R: Send + 'a,
{
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let outcome = async {
        begin(conn, &ctx).await?;
        f(conn).await
    }
    .await;
    let result = match outcome {
        Ok(value) => commit(conn).await.map(|()| value),
        Err(e) => {
            // A broken connection fails here too; see release_after_failure.
            let _ = Manager::rollback_transaction(conn).await;
            Err(e)
        }
    };
    if result.is_err() {
        release_after_failure(pool, pooled);
    }
    result
}

/// After a failed request. A connection the server closed (or whose
/// transaction could not be ended) leaves the pool at once, and with it
/// every idle connection: when the server restarts they are all dead, and
/// finding that out one checkout at a time delays recovery. New connections
/// are made on demand. A failure that left the connection sound (a refusal,
/// a statement timeout) keeps the pool as it is.
pub fn release_after_failure(pool: &DbPool, mut pooled: Pooled) {
    use diesel_async::pooled_connection::PoolableConnection;
    if !pooled.is_broken() {
        return;
    }
    drop(Object::take(pooled));
    let purged = pool.retain(|_, _| false).removed.len();
    tracing::warn!(idle_dropped = purged, "a database connection was lost; dropped it and the idle ones");
}

type Manager = <AsyncPgConnection as AsyncConnection>::TransactionManager;

/// Commits the open transaction. A connection lost during COMMIT leaves the
/// outcome unknown (the server may have committed before the client heard
/// back), which is answered as its own problem so that the client retries
/// with the same `Idempotency-Key` rather than assuming either way.
pub async fn commit(conn: &mut AsyncPgConnection) -> Result<(), ApiError> {
    match Manager::commit_transaction(conn).await {
        Ok(()) => Ok(()),
        Err(e) if crate::error::is_connection_failure(&e) => Err(ApiError::CommitUnknown(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Sends `write` and then the COMMIT without waiting between them: one round
/// trip where there were two (issue 13). `write` must be a statement that
/// is prepared on the connection already (see [`Prepare`]), so that its
/// Execute leaves on the first poll, ahead of the COMMIT; and it must set
/// `medborger.audited` (as `audit::write` does), which the COMMIT's batch
/// requires first: were the two ever sent the other way round, the
/// transaction would be refused, never committed without its entries. A
/// failed `write` aborts the transaction, so the COMMIT behind it commits
/// nothing. On any failure the transaction is rolled back.
pub async fn commit_after<F>(conn: &mut AsyncPgConnection, write: F) -> Result<(), ApiError>
where
    F: std::future::Future<Output = Result<usize, DieselError>>,
{
    // Unconstrained by tokio's cooperative budget: an exhausted budget could
    // leave the entries' first poll pending on the statement cache's lock
    // and let the COMMIT leave first (which the check would then refuse).
    let (written, committed) = tokio::task::unconstrained(futures_util::future::join(
        write,
        conn.batch_execute("SELECT medborger_require_audited(); COMMIT"),
    ))
    .await;
    let failure = match (written, committed) {
        (Ok(_), Ok(())) => {
            // diesel's transaction manager did not send this COMMIT: tell it
            // the transaction is over, so the connection returns to the pool.
            return Manager::transaction_manager_status_mut(conn)
                .transaction_state()
                .and_then(|state| state.change_transaction_depth(TransactionDepthChange::DecreaseDepth))
                .map_err(ApiError::from);
        }
        // The COMMIT arrived before the entries: refused, nothing committed.
        (_, Err(e)) if constraint(&e) == Some(UNAUDITED) => {
            let _ = Manager::rollback_transaction(conn).await;
            return Err(ApiError::internal(anyhow::anyhow!("the audit entries did not precede the COMMIT: {e}")));
        }
        // Refused by the database: the transaction was aborted, the COMMIT
        // behind it committed nothing.
        (Err(e), _) if !crate::error::is_connection_failure(&e) => e,
        // The connection was lost with the COMMIT sent: the server may have
        // committed before the client heard back (as in [`commit`]).
        (Err(e), _) => return Err(ApiError::CommitUnknown(e.to_string())),
        (Ok(_), Err(e)) if crate::error::is_connection_failure(&e) => {
            return Err(ApiError::CommitUnknown(e.to_string()));
        }
        (Ok(_), Err(e)) => e,
    };
    let _ = Manager::rollback_transaction(conn).await;
    Err(failure.into())
}

/// The constraint name `medborger_require_audited` raises with.
const UNAUDITED: &str = "medborger_unaudited";

fn constraint(e: &DieselError) -> Option<&str> {
    match e {
        DieselError::DatabaseError(_, info) => info.constraint_name(),
        _ => None,
    }
}

/// Opens a transaction whose settings name the caller for row-level
/// security (`set_config(…, true)`, so they end with the transaction), and
/// checks the caller's session: BEGIN, the settings and the check in one
/// round trip, as one simple-protocol batch (issue 13, S1). A session that
/// has ended fails the batch (`error::SESSION_ENDED`, answered 401) before any
/// work runs. The values are literals: every one is a uuid, a number, a
/// timestamp, a department, role or team code, or on/off, and anything else
/// is refused, never quoted.
pub async fn begin(conn: &mut AsyncPgConnection, ctx: &DbContext) -> Result<(), DieselError> {
    fn literal(value: &str) -> Result<String, DieselError> {
        if value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ',' | ':' | '.')) {
            Ok(format!("'{value}'"))
        } else {
            Err(DieselError::QueryBuilderError(format!("a setting that is no code: {value:?}").into()))
        }
    }
    if ctx.user_id.is_some() && ctx.session.is_none() {
        // A signed-in caller's work always checks their session.
        return Err(DieselError::QueryBuilderError("a caller without a session to check".into()));
    }
    let mut sql = format!(
        "BEGIN; SELECT set_config('medborger.user_id', {}, true), set_config('medborger.department', {}, true), \
         set_config('medborger.roles', {}, true), set_config('medborger.teams', {}, true), \
         set_config('medborger.writing', {}, true)",
        literal(&ctx.user_id.map(|u| u.to_string()).unwrap_or_default())?,
        literal(ctx.department.map_or("", |d| d.as_str()))?,
        literal(&ctx.roles.join(","))?,
        literal(&ctx.teams.join(","))?,
        literal(if ctx.writing { "on" } else { "off" })?,
    );
    if let Some(check) = &ctx.session {
        sql.push_str(&format!(
            "; SELECT medborger_require_session({}, {}, {}, {})",
            literal(&check.user.to_string())?,
            literal(&check.session.to_string())?,
            check.version,
            literal(&check.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))?,
        ));
    }
    let begun = Manager::begin_transaction_sql(conn, &sql).await;
    if begun.is_err() {
        // BEGIN may have run and the settings or the check failed: diesel
        // then counts no transaction and would send no ROLLBACK, leaving the
        // pooled connection in an aborted one.
        let _ = conn.batch_execute("ROLLBACK").await;
    }
    begun
}

/// A statement of static SQL that diesel keeps prepared on each connection,
/// so that PostgreSQL plans it once per connection rather than per request.
/// `diesel::sql_query` marks itself unsafe to cache (its text may be built
/// at run time), and an unnamed statement is planned on every execution: a
/// caseload page planned in 5.4 ms and ran in 1.5 ms (BENCHMARKS.md). The
/// text is the cache's key; the binds are `$1`, `$2`, … in it, in the order
/// of the `bind` calls, as with `sql_query`.
pub fn prepared(sql: &'static str) -> Prepared<()> {
    Prepared { sql, binds: () }
}

#[must_use = "a statement does nothing until it is run"]
pub struct Prepared<B> {
    sql: &'static str,
    binds: B,
}

/// One bound value after those of `prev`.
pub struct Bound<Prev, ST, U> {
    prev: Prev,
    value: U,
    sql_type: std::marker::PhantomData<fn() -> ST>,
}

impl<B> Prepared<B> {
    pub fn bind<ST, U>(self, value: U) -> Prepared<Bound<B, ST, U>>
    where
        diesel::pg::Pg: diesel::sql_types::HasSqlType<ST>,
        U: diesel::serialize::ToSql<ST, diesel::pg::Pg>,
    {
        Prepared { sql: self.sql, binds: Bound { prev: self.binds, value, sql_type: std::marker::PhantomData } }
    }
}

impl<B> diesel::query_builder::QueryFragment<diesel::pg::Pg> for Prepared<B>
where
    B: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult {
        out.push_sql(self.sql);
        self.binds.walk_ast(out.reborrow())
    }
}

impl<Prev, ST, U> diesel::query_builder::QueryFragment<diesel::pg::Pg> for Bound<Prev, ST, U>
where
    Prev: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
    diesel::pg::Pg: diesel::sql_types::HasSqlType<ST>,
    U: diesel::serialize::ToSql<ST, diesel::pg::Pg>,
{
    fn walk_ast<'b>(&'b self, mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>) -> QueryResult {
        self.prev.walk_ast(out.reborrow())?;
        // The placeholder is in the text already (diesel's feature
        // `i-implement-a-third-party-backend-and-opt-into-breaking-changes`
        // makes this public; `sql_query` binds the same way).
        out.push_bind_param_value_only::<ST, U>(&self.value)
    }
}

/// No static id: diesel keys its statement cache by the SQL text.
impl<B> diesel::query_builder::QueryId for Prepared<B> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> diesel::query_builder::Query for Prepared<B> {
    type SqlType = diesel::sql_types::Untyped;
}

type QueryResult = Result<(), DieselError>;

impl From<PoolError> for ApiError {
    fn from(e: PoolError) -> Self {
        ApiError::Unavailable(format!("database pool: {e}"))
    }
}

/// Whether a database error is a unique-constraint violation (e.g. a taken username).
pub fn is_unique_violation(e: &DieselError) -> bool {
    matches!(e, DieselError::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// A cheap round trip for /readyz.
pub async fn ping(conn: &mut AsyncPgConnection) -> Result<(), DieselError> {
    conn.batch_execute("SELECT 1").await
}
