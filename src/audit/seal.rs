//! Sealing and verifying the audit log (docs/design.md §5: tamper-evident).
//!
//! The request path only appends entries; it takes no lock and computes no
//! hash. A sealer seals the entries whose time lies in the next closed window
//! `[end of the last seal, now − lag)`. The lag (60 s by default) is far longer
//! than a request's transaction can live (statement and idle-in-transaction
//! timeouts, the pool's wait), so no entry of a sealed window can still be
//! uncommitted. Concurrent sealers (several API instances) are serialised by a
//! transaction-level advisory lock; the loser simply skips its turn.
//!
//! A seal keeps each entry's id and SHA-256 digest, so verification names the
//! first entry that was changed, removed or slipped in, and a hash over the
//! previous seal's hash, the window and the digests, so seals cannot be edited
//! or dropped unnoticed. An operator should record the head hash that
//! `medborger audit verify` prints somewhere the database owner cannot write.

use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use ring::digest::{Context, SHA256};
use uuid::Uuid;

use crate::db::{self, DbContext, DbPool};
use crate::error::{ApiError, ApiResult};
use crate::schema::{audit_log, audit_seals};

/// At most this many entries go into one seal; a busy window is split.
pub const MAX_SEAL_ENTRIES: i64 = 20_000;
pub const SEALER_LOCK: i64 = 725_202;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = audit_log)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct EntryRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_department: Option<String>,
    pub actor_roles: Vec<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub citizen_id: Option<Uuid>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    pub outcome: String,
    pub restricted_team_id: Option<Uuid>,
}

/// The digest of one entry: SHA-256 over a canonical JSON array of every field.
pub fn entry_digest(e: &EntryRow) -> [u8; 32] {
    let canonical = serde_json::json!([
        e.id,
        e.at.timestamp_micros(),
        e.actor_id,
        e.actor_department,
        e.actor_roles,
        e.action,
        e.resource_type,
        e.resource_id,
        e.citizen_id,
        e.reason,
        e.request_id,
        e.outcome,
        e.restricted_team_id,
    ]);
    let digest = ring::digest::digest(&SHA256, canonical.to_string().as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// The hash of one seal: over the previous seal's hash, the window and the
/// entries' ids and digests (also what `synthetic` seals a seeded history with).
pub fn seal_hash(prev: &[u8], start: DateTime<Utc>, end: DateTime<Utc>, ids: &[i64], digests: &[u8]) -> Vec<u8> {
    let mut ctx = Context::new(&SHA256);
    ctx.update(prev);
    ctx.update(&start.timestamp_micros().to_be_bytes());
    ctx.update(&end.timestamp_micros().to_be_bytes());
    for id in ids {
        ctx.update(&id.to_be_bytes());
    }
    ctx.update(digests);
    ctx.finish().as_ref().to_vec()
}

/// Where the chain starts when nothing was ever pruned.
pub fn epoch() -> DateTime<Utc> {
    Utc.timestamp_opt(0, 0).single().unwrap_or_default()
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Seals the next closed window, if any; returns how many entries it sealed.
/// "Now" is the database's: the database stamps every entry's time (issue
/// 10, door 8), so the service's clock has no say in which window is closed.
pub async fn seal_once(pool: &DbPool, lag: Duration) -> ApiResult<usize> {
    db::transaction(pool, DbContext::default(), move |conn| {
        async move {
            let lock: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
                .bind::<BigInt, _>(SEALER_LOCK)
                .get_result(conn)
                .await?;
            if !lock.locked {
                return Ok(0);
            }
            let now: DateTime<Utc> =
                diesel::select(diesel::dsl::sql::<diesel::sql_types::Timestamptz>("now()")).get_result(conn).await?;
            seal_window(conn, now - lag, now).await
        }
        .scope_boxed()
    })
    .await
}

async fn seal_window(conn: &mut AsyncPgConnection, horizon: DateTime<Utc>, now: DateTime<Utc>) -> ApiResult<usize> {
    let last: Option<(DateTime<Utc>, Vec<u8>)> = audit_seals::table
        .order(audit_seals::id.desc())
        .select((audit_seals::window_end, audit_seals::hash))
        .first(conn)
        .await
        .optional()?;
    let (start, prev_hash) = match last {
        Some(last) => last,
        None => chain_start(conn).await?,
    };
    if horizon <= start {
        return Ok(0);
    }
    // A busy window ends where the entry after the first MAX_SEAL_ENTRIES begins.
    let split: Option<DateTime<Utc>> = audit_log::table
        .filter(audit_log::at.ge(start))
        .filter(audit_log::at.lt(horizon))
        .order(audit_log::at)
        .select(audit_log::at)
        .offset(MAX_SEAL_ENTRIES)
        .first(conn)
        .await
        .optional()?;
    let end = split.filter(|s| *s > start).unwrap_or(horizon);
    let entries: Vec<EntryRow> = audit_log::table
        .filter(audit_log::at.ge(start))
        .filter(audit_log::at.lt(end))
        .order(audit_log::id)
        .select(EntryRow::as_select())
        .load(conn)
        .await?;
    if entries.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let digests: Vec<u8> = entries.iter().flat_map(entry_digest).collect();
    let hash = seal_hash(&prev_hash, start, end, &ids, &digests);
    // The service's role may not insert seals (issue 10, door 8): the
    // definer function accepts only the chain's next link, with exactly the
    // entries of its window.
    diesel::sql_query("SELECT medborger_append_seal($1, $2, $3, $4, $5, $6, $7)")
        .bind::<diesel::sql_types::Timestamptz, _>(start)
        .bind::<diesel::sql_types::Timestamptz, _>(end)
        .bind::<diesel::sql_types::Array<BigInt>, _>(&ids)
        .bind::<diesel::sql_types::Bytea, _>(&digests)
        .bind::<diesel::sql_types::Bytea, _>(&prev_hash)
        .bind::<diesel::sql_types::Bytea, _>(&hash)
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .execute(conn)
        .await?;
    let id: i64 = audit_seals::table.order(audit_seals::id.desc()).select(audit_seals::id).first(conn).await?;
    publish_head(id, &hash, end);
    Ok(entries.len())
}

static HEAD: std::sync::Mutex<Option<(i64, String)>> = std::sync::Mutex::new(None);

/// Publishes the chain's head after a seal: a log line and the
/// `medborger_audit_chain_head` metric. Kept off the database, an operator
/// (or a log archive) holds every head, and `audit verify --head` tells
/// whether the chain still leads to it.
fn publish_head(id: i64, hash: &[u8], window_end: DateTime<Utc>) {
    let hex = hex(hash);
    tracing::info!(seal = id, head = %hex, %window_end, "audit window sealed; chain head published");
    if let Ok(mut head) = HEAD.lock() {
        *head = Some((id, hex));
    }
}

/// The last head this process published: (seal id, hash in hex).
pub fn published_head() -> Option<(i64, String)> {
    HEAD.lock().ok().and_then(|h| h.clone())
}

/// The chain's head in the database: (seal id, hash in hex), if any seal.
pub async fn head(pool: &DbPool) -> ApiResult<Option<(i64, String)>> {
    let mut conn = pool.get().await?;
    let last: Option<(i64, Vec<u8>)> = audit_seals::table
        .order(audit_seals::id.desc())
        .select((audit_seals::id, audit_seals::hash))
        .first(&mut *conn)
        .await
        .optional()?;
    Ok(last.map(|(id, hash)| (id, hex(&hash))))
}

/// Whether the current chain passes through `head` (a published seal hash,
/// hex): after a rewrite that re-sealed the log, the old head is gone.
pub async fn leads_to(pool: &DbPool, head: &str) -> ApiResult<bool> {
    let mut conn = pool.get().await?;
    let hashes: Vec<Vec<u8>> = audit_seals::table.select(audit_seals::hash).load(&mut *conn).await?;
    let pruned: Vec<Vec<u8>> = diesel::sql_query("SELECT last_seal_hash FROM audit_prunes")
        .load::<PrunedHash>(&mut *conn)
        .await?
        .into_iter()
        .map(|p| p.last_seal_hash)
        .collect();
    let head = head.trim().to_ascii_lowercase();
    Ok(hashes.iter().chain(pruned.iter()).any(|h| hex(h) == head))
}

#[derive(QueryableByName)]
struct PrunedHash {
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    last_seal_hash: Vec<u8>,
}

/// What verification found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Intact {
        seals: usize,
        entries: usize,
        /// Hex of the last seal's hash (all zeros when nothing is sealed yet).
        head: String,
    },
    Broken {
        seal: i64,
        /// The first entry that differs, if the damage is in the entries.
        entry: Option<i64>,
        problem: String,
    },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Queryable)]
struct SealRow {
    id: i64,
    window_start: DateTime<Utc>,
    window_end: DateTime<Utc>,
    entry_ids: Vec<i64>,
    entry_digests: Vec<u8>,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

/// Checks every seal's chain and every sealed entry, oldest first.
#[derive(diesel::QueryableByName)]
struct Pruned {
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    up_to_window_end: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Bytea)]
    last_seal_hash: Vec<u8>,
}

/// Where the chain of seals begins: at the epoch with a zero hash, or, once
/// retention has removed the oldest windows, where the last removed seal ended.
async fn chain_start(conn: &mut AsyncPgConnection) -> ApiResult<(DateTime<Utc>, Vec<u8>)> {
    let pruned: Option<Pruned> =
        diesel::sql_query("SELECT up_to_window_end, last_seal_hash FROM audit_prunes ORDER BY id DESC LIMIT 1")
            .get_result(conn)
            .await
            .optional()?;
    Ok(pruned.map_or_else(|| (epoch(), vec![0u8; 32]), |p| (p.up_to_window_end, p.last_seal_hash)))
}

pub async fn verify(conn: &mut AsyncPgConnection) -> ApiResult<Verdict> {
    let seals: Vec<SealRow> = audit_seals::table
        .order(audit_seals::id)
        .select((
            audit_seals::id,
            audit_seals::window_start,
            audit_seals::window_end,
            audit_seals::entry_ids,
            audit_seals::entry_digests,
            audit_seals::prev_hash,
            audit_seals::hash,
        ))
        .load(conn)
        .await?;
    // Retention may have removed the oldest windows; the chain then goes on
    // from the last removed seal, as recorded.
    let (mut prev_end, mut prev_hash) = chain_start(conn).await?;
    let mut entries = 0;
    for seal in &seals {
        let broken = |entry: Option<i64>, problem: String| Verdict::Broken { seal: seal.id, entry, problem };
        if seal.prev_hash != prev_hash || seal.window_start != prev_end {
            return Ok(broken(None, "the seal does not follow the previous one".into()));
        }
        if seal_hash(&seal.prev_hash, seal.window_start, seal.window_end, &seal.entry_ids, &seal.entry_digests)
            != seal.hash
        {
            return Ok(broken(None, "the seal itself was altered".into()));
        }
        let rows: Vec<EntryRow> = audit_log::table
            .filter(audit_log::at.ge(seal.window_start))
            .filter(audit_log::at.lt(seal.window_end))
            .order(audit_log::id)
            .select(EntryRow::as_select())
            .load(conn)
            .await?;
        let sealed = seal.entry_ids.iter().zip(seal.entry_digests.chunks(32));
        let mut found = rows.iter();
        for (id, digest) in sealed {
            match found.next() {
                Some(row) if row.id == *id => {
                    if entry_digest(row) != digest {
                        return Ok(broken(Some(*id), format!("entry {id} was changed")));
                    }
                }
                Some(row) if row.id < *id => {
                    return Ok(broken(Some(row.id), format!("entry {} was added to a sealed window", row.id)))
                }
                _ => return Ok(broken(Some(*id), format!("entry {id} is missing or was moved"))),
            }
        }
        if let Some(extra) = found.next() {
            return Ok(broken(Some(extra.id), format!("entry {} was added to a sealed window", extra.id)));
        }
        entries += seal.entry_ids.len();
        prev_hash = seal.hash.clone();
        prev_end = seal.window_end;
    }
    Ok(Verdict::Intact { seals: seals.len(), entries, head: hex(&prev_hash) })
}

/// Verifies through the pool (the CLI, the tests).
pub async fn verify_all(pool: &DbPool) -> ApiResult<Verdict> {
    let mut conn = pool.get().await?;
    verify(&mut conn).await
}

/// Seals every `interval` until the process ends; failures are logged and
/// retried at the next turn.
pub fn spawn_sealer(pool: DbPool, interval: std::time::Duration, lag: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match seal_once(&pool, lag).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(entries = n, "audit entries sealed"),
                Err(ApiError::Unavailable(e)) => {
                    tracing::warn!(error = %e, "audit sealing postponed")
                }
                Err(e) => tracing::error!(error = %e, "audit sealing failed"),
            }
        }
    });
}
