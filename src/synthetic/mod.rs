//! `medborger seed synthetic`: a whole municipality of synthetic data, made
//! deterministically from a seed, fast enough for a million citizens.
//!
//! Rust makes what only Rust can: each citizen's CPR number (valid date and
//! century; for anyone born before 2007 one that fails the modulus-11 check,
//! so no real person born then has it), its AES-GCM ciphertext and its
//! lookup HMAC under the configured keys. Everything else is generated inside
//! PostgreSQL from ordinals (`sql.rs`): enrolments in every status over six
//! years, caseworkers (~1 per 60 open cases) in teams with managers, mentors
//! (~15 mentees each), milestones met, late, waived and overdue, outcomes at
//! every measurement point, notes, referrals, consents, concerns,
//! break-the-glass grants, restricted cases and an audit history. The history
//! is sealed here with the audit module's own digests and chain, so
//! `medborger audit verify` checks it like any other.
//!
//! The same seed and as-of date give the same rows, except the CPR
//! ciphertexts (AES-GCM takes a fresh nonce each time; the lookup hashes
//! are the same). Runs as the schema owner on a database without citizens.

mod sql;

use std::collections::HashSet;

use anyhow::{bail, Context};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Bytea, Date, Nullable, SmallInt, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::audit::seal::{self, EntryRow, MAX_SEAL_ENTRIES};
use crate::cpr::{Cpr, CprVault, Sex};
use crate::demo_cases::{DISTRICTS, NOTE_TEXTS, ORIGINS};
use crate::schema::audit_log;

/// What to build.
#[derive(Debug, Clone)]
pub struct Options {
    pub citizens: u64,
    pub notes: u64,
    /// Audit entries of the history; by default one per note plus two per citizen.
    pub audit_entries: Option<u64>,
    pub seed: u32,
    /// The day the city is "today" for (dates, statuses, overdue milestones).
    pub as_of: NaiveDate,
}

/// Progress of one phase, reported after every batch.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    pub phase: &'a str,
    pub done: u64,
    pub total: u64,
}

/// What was made.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub citizens: u64,
    pub enrolments: u64,
    pub milestones: u64,
    pub outcomes: u64,
    pub notes: u64,
    pub audit_entries: u64,
    pub seals: u64,
    pub staff: u64,
    pub seconds: f64,
}

const PROFILES: &[(u64, i64, i64)] = &[
    // (cumulative share in %, youngest age, oldest age) for the profiles of sql.rs
    (40, 18, 62),
    (54, 18, 65),
    (66, 18, 30),
    (76, 20, 60),
    (84, 20, 65),
    (91, 6, 17),
    (94, 13, 15),
    (100, 40, 75),
];
const CITIZEN_BATCH: u64 = 20_000;
const NOTES_PER_CHUNK: u64 = 250_000;
const AUDIT_PER_CHUNK: u64 = 200_000;

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn mix(seed: u32, tag: u64, n: u64) -> u64 {
    splitmix(splitmix(u64::from(seed) ^ tag.wrapping_mul(0xD6E8_FEB8_6659_FD93)) ^ n)
}

/// One citizen's profile, birth date and CPR number (unique among `taken`).
fn person(seed: u32, n: u64, as_of: NaiveDate, taken: &mut HashSet<u64>) -> (i16, Cpr) {
    let roll = mix(seed, 1, n) % 100;
    let profile = PROFILES.iter().position(|p| roll < p.0).unwrap_or(0);
    let (_, youngest, oldest) = PROFILES[profile];
    for attempt in 0..64u64 {
        let r = mix(seed, 2 + attempt, n);
        let days = youngest * 365 + (r % ((oldest - youngest) as u64 * 365)) as i64;
        let birth = as_of - Duration::days(days);
        let year = birth.year();
        let first = if year < 2000 { r >> 20 & 3 } else { 4 + (r >> 20) % 6 };
        let female = (r >> 30) & 1 == 0;
        let mut low = (r >> 34) % 1000;
        if (low % 2 == 0) != female {
            low ^= 1;
        }
        for _ in 0..500 {
            let serial = first * 1000 + low;
            let text = format!("{:02}{:02}{:02}{serial:04}", birth.day(), birth.month(), year % 100);
            let Ok(cpr) = Cpr::parse(&text) else { break };
            // Born before 2007: a number that fails modulus 11, which no
            // one born then was given.
            let real_shape = year < 2007 && cpr.passes_modulus_11();
            let number: u64 = text.parse().unwrap_or_default();
            if !real_shape && cpr.birth_date() == birth && taken.insert(number) {
                return (profile as i16, cpr);
            }
            low = (low + 2) % 1000;
        }
    }
    unreachable!("64 birth dates with 500 serials each cannot all be taken")
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    debug_assert!(!out.contains("{{"), "an unfilled placeholder in {out}");
    out
}

fn quoted(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items.into_iter().map(|s| format!("'{}'", s.as_ref().replace('\'', "''"))).collect::<Vec<_>>().join(", ")
}

async fn connect(url: &str) -> anyhow::Result<AsyncPgConnection> {
    let mut conn = AsyncPgConnection::establish(url).await.context("connecting as the schema owner")?;
    // Bulk work: no statement timeout, no wait for the WAL flush per
    // statement (the last commit is flushed before the command ends).
    conn.batch_execute(
        "SET statement_timeout = 0; SET synchronous_commit = off; SET work_mem = '256MB';
         SET maintenance_work_mem = '512MB'; SET search_path = synthetic_seed, public;
         SET application_name = 'medborger seed synthetic'",
    )
    .await?;
    // As a superuser, skip the foreign-key and audit triggers for this
    // session: the rows are consistent by construction (the tests check
    // every reference), the audit trigger exempts the owner anyway, and the
    // checks would cost about half of the insert time.
    conn.batch_execute(
        "DO $$ BEGIN
             IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                 SET session_replication_role = replica;
             END IF;
         END $$",
    )
    .await?;
    Ok(conn)
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(conn: &mut AsyncPgConnection, query: &str) -> anyhow::Result<i64> {
    Ok(diesel::sql_query(query).get_result::<Count>(conn).await?.n)
}

#[derive(QueryableByName)]
struct FirstEntry {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    next_id: i64,
}

/// Builds the city into the database at `owner_url` (the schema owner's).
pub async fn seed_city(
    owner_url: &str, vault: &CprVault, options: &Options, report: &(dyn Fn(Progress) + Sync),
) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let mut conn = connect(owner_url).await?;
    crate::db::require_system(&mut conn).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if count(&mut conn, "SELECT count(*) AS n FROM (SELECT 1 FROM citizens LIMIT 1) c").await? > 0 {
        bail!("the database holds citizens already: a synthetic city is built into an empty one");
    }
    if count(&mut conn, "SELECT (SELECT count(*) FROM audit_seals) + (SELECT count(*) FROM audit_prunes) AS n").await?
        > 0
    {
        bail!("the audit log is sealed already: a synthetic history is sealed from its start");
    }
    if count(&mut conn, "SELECT count(*) AS n FROM staff_users WHERE username = 'cw.bif'").await? == 0 {
        bail!("the demo users are missing: run `medborger seed demo` first");
    }
    let today = crate::clock::local_date(Utc::now());
    if options.as_of > today {
        bail!("--as-of {} lies in the future", options.as_of);
    }
    if options.citizens == 0 {
        bail!("--citizens must be at least 1");
    }
    let as_of = format!("'{}'", options.as_of);
    let seed = options.seed.to_string();
    let mut summary = Summary::default();

    conn.batch_execute(&fill(sql::WORK_SCHEMA, &[("seed", seed.clone())])).await.context("creating the work schema")?;
    insert_origins(&mut conn).await?;

    // 1. Citizens, in batches: CPRs from Rust, the rest generated in SQL.
    let citizens_sql = fill(
        sql::CITIZENS,
        &[
            ("as_of", as_of.clone()),
            ("districts", quoted(DISTRICTS.iter().map(|d| d.as_str()))),
            ("district_count", DISTRICTS.len().to_string()),
        ],
    );
    report(Progress { phase: "citizens", done: 0, total: options.citizens });
    let mut taken = HashSet::with_capacity(options.citizens as usize);
    let mut n = 0u64;
    while n < options.citizens {
        let end = (n + CITIZEN_BATCH).min(options.citizens);
        let mut ns = Vec::new();
        let mut profiles = Vec::new();
        let mut births = Vec::new();
        let mut female = Vec::new();
        let mut ciphertexts = Vec::new();
        let mut hashes = Vec::new();
        for i in n..end {
            let (profile, cpr) = person(options.seed, i, options.as_of, &mut taken);
            ns.push(i as i64);
            profiles.push(profile);
            births.push(cpr.birth_date());
            female.push(cpr.sex() == Sex::Female);
            ciphertexts.push(vault.encrypt(&cpr)?.ciphertext);
            hashes.push(vault.lookup_hash(&cpr));
        }
        diesel::sql_query(&citizens_sql)
            .bind::<Array<BigInt>, _>(&ns)
            .bind::<Array<SmallInt>, _>(&profiles)
            .bind::<Array<Date>, _>(&births)
            .bind::<Array<Bool>, _>(&female)
            .bind::<Array<Bytea>, _>(&ciphertexts)
            .bind::<Array<Bytea>, _>(&hashes)
            .bind::<Text, _>(vault.active_key_id())
            .execute(&mut conn)
            .await
            .context("inserting citizens")?;
        n = end;
        report(Progress { phase: "citizens", done: n, total: options.citizens });
    }
    summary.citizens = options.citizens;

    // 2. The plan, the staff it needs, and the case data of every enrolment.
    let dated = [("as_of", as_of.clone()), ("notes", options.notes.to_string())];
    let last_note =
        fill(sql::NOTE_TIME, &[("i", "e.notes_cnt - 1".into()), ("k", "e.notes_first + e.notes_cnt - 1".into())]);
    let steps: [(&str, String); 9] = [
        ("enrolment plan", fill(sql::PLAN, &dated)),
        ("staff and teams", fill(sql::STAFF, &dated)),
        ("caseloads", fill(sql::ENROL, &dated)),
        ("enrolments", fill(sql::ENROLMENTS, &[("as_of", as_of.clone()), ("last_note", last_note)])),
        ("milestones", fill(sql::MILESTONES, &dated)),
        // The seed runs with triggers off: the enrolments' next deadlines
        // (the caseload's order) are set here in one pass.
        ("next deadlines", sql::NEXT_DUE.to_string()),
        ("outcomes", fill(sql::OUTCOMES, &dated)),
        ("referrals, consents, concerns, grants", fill(sql::CROSS_DEPARTMENT, &dated)),
        // And the reports' roll-ups, which the triggers would have kept.
        ("report roll-ups", sql::ROLLUPS.to_string()),
    ];
    // The enrolments' secondary indexes are built after the steps that
    // write every enrolment (inserted, then each given its next deadline:
    // an update that would rewrite all of them), rather than kept up row by
    // row. The later steps read enrolments by their primary key or whole.
    conn.batch_execute("SET work_mem = '1GB'").await?;
    let mut deferred = Vec::new();
    for (phase, text) in &steps {
        if *phase == "enrolments" {
            deferred = defer_indexes(&mut conn, &["enrolments"]).await?;
        }
        report(Progress { phase, done: 0, total: 1 });
        let generated = conn.batch_execute(text).await.with_context(|| format!("generating {phase}"));
        // Built again after the next deadlines, or when a step failed (the
        // database keeps every index its migrations made).
        let rebuilt = if !deferred.is_empty() && (generated.is_err() || *phase == "next deadlines") {
            rebuild_indexes(owner_url, &std::mem::take(&mut deferred), report).await
        } else {
            Ok(())
        };
        generated?;
        rebuilt?;
        report(Progress { phase, done: 1, total: 1 });
    }
    summary.enrolments = count(&mut conn, "SELECT count(*) AS n FROM s_enrol").await? as u64;
    summary.staff = count(&mut conn, "SELECT count(*) AS n FROM s_staff").await? as u64;
    summary.milestones = count(&mut conn, "SELECT count(*) AS n FROM milestones").await? as u64;
    summary.outcomes = count(&mut conn, "SELECT count(*) AS n FROM outcomes").await? as u64;

    // 3. Notes and the audit history side by side, on two connections.
    let audit_total = options.audit_entries.unwrap_or(options.notes + 2 * options.citizens);
    let first: FirstEntry =
        diesel::sql_query("SELECT min(at) AS at, coalesce(max(id), 0) + 1 AS next_id FROM audit_log")
            .get_result(&mut conn)
            .await?;
    let midnight = Utc.from_utc_datetime(&options.as_of.and_time(NaiveTime::MIN));
    let history_end = first.at.map_or(midnight, |at| at.min(midnight));
    let history_start = history_end - Duration::days(2190);
    let span_us = (history_end - history_start).num_microseconds().context("the history's span")?;
    let step = span_us / audit_total.max(1) as i64;
    if step < 2 {
        bail!("too many audit entries for six years of history");
    }
    let audit = History {
        base: first.next_id,
        total: audit_total,
        start: history_start,
        end: history_end,
        step,
        enrolments: summary.enrolments,
    };
    // The sealer follows the writer: it seals what has been written. The
    // two tables' secondary indexes are built once their rows are in (a
    // sort, rather than 20M insertions each: the audit log's per-citizen
    // index is written at random places and outgrows the buffer cache).
    let deferred = defer_indexes(&mut conn, &["notes", "audit_log"]).await?;
    // Two writers: one writes the notes and then helps with the history,
    // the other the history from the start (chunks taken in order by
    // whichever is free); the sealer follows what has been written.
    conn.batch_execute(&format!(
        "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), {})",
        audit.base + audit.total as i64 - 1
    ))
    .await?;
    let (written, watch) = tokio::sync::watch::channel(0u64);
    let chunks = HistoryChunks::new(written);
    let loaded = tokio::try_join!(
        async {
            let notes = write_notes(owner_url, options, &as_of, report).await?;
            write_history(owner_url, &audit, options, &chunks, report).await?;
            anyhow::Ok(notes)
        },
        write_history(owner_url, &audit, options, &chunks, report),
        seal_history(owner_url, &audit, watch, report),
    );
    // Rebuilt whether or not the load succeeded: the database keeps every
    // index its migrations made.
    let rebuilt = rebuild_indexes(owner_url, &deferred, report).await;
    let (notes, (), seals) = loaded?;
    rebuilt?;
    summary.notes = notes;
    summary.audit_entries = audit_total;
    summary.seals = seals;

    // 4. Statistics for the planner, and away with the work tables.
    conn.batch_execute("DROP SCHEMA synthetic_seed CASCADE; SET search_path = public").await?;
    report(Progress { phase: "analyze", done: 0, total: 1 });
    // Every table of the database: sampled, so seconds even at a million.
    conn.batch_execute("ANALYZE").await?;
    report(Progress { phase: "analyze", done: 1, total: 1 });
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// A secondary index of a bulk-written table, dropped while its rows are
/// written and built again from its definition after.
#[derive(QueryableByName)]
struct DeferredIndex {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
    /// `DROP INDEX` with the name quoted by PostgreSQL (`format`'s `%I`).
    #[diesel(sql_type = Text)]
    drop: String,
}

/// Drops the indexes of `tables` (in `public`) that back no constraint, but
/// the audit log's time index the sealer reads, and returns their
/// definitions (`pg_get_indexdef`, so they are rebuilt as the migrations
/// made them).
async fn defer_indexes(conn: &mut AsyncPgConnection, tables: &[&str]) -> anyhow::Result<Vec<DeferredIndex>> {
    let tables: Vec<String> = tables.iter().map(|t| format!("public.{t}")).collect();
    let deferred: Vec<DeferredIndex> = diesel::sql_query(
        "SELECT c.relname::text AS name, pg_get_indexdef(i.indexrelid) AS definition,
                format('DROP INDEX public.%I', c.relname) AS drop
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = ANY ($1::text[]::regclass[])
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            AND c.relname <> 'audit_log_at_brin'
          ORDER BY c.relname",
    )
    .bind::<Array<Text>, _>(&tables)
    .load(conn)
    .await
    .context("reading the indexes to build after the load")?;
    for index in &deferred {
        conn.batch_execute(&index.drop).await.with_context(|| format!("dropping {} for the load", index.name))?;
    }
    Ok(deferred)
}

/// Builds the deferred indexes again, two at a time (one per core) on
/// connections of their own.
async fn rebuild_indexes(
    url: &str, deferred: &[DeferredIndex], report: &(dyn Fn(Progress) + Sync),
) -> anyhow::Result<()> {
    use futures_util::{StreamExt, TryStreamExt};
    let total = deferred.len() as u64;
    let mut done = 0;
    report(Progress { phase: "indexes", done, total });
    let mut built = futures_util::stream::iter(deferred)
        .map(|index| async move {
            let mut conn = connect(url).await?;
            conn.batch_execute(&index.definition).await.with_context(|| format!("building {}", index.name))
        })
        .buffer_unordered(2);
    while let Some(()) = built.try_next().await? {
        done += 1;
        report(Progress { phase: "indexes", done, total });
    }
    Ok(())
}

async fn insert_origins(conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
    use crate::citizens::origin::{is_menapt, is_western};
    for (country, language, given, family) in ORIGINS {
        diesel::sql_query(
            "INSERT INTO s_origin (country, language, given, family, western, menapt)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind::<Text, _>(*country)
        .bind::<Text, _>(*language)
        .bind::<Array<Text>, _>(given.to_vec())
        .bind::<Array<Text>, _>(family.to_vec())
        .bind::<Bool, _>(is_western(country))
        .bind::<Bool, _>(is_menapt(country))
        .execute(conn)
        .await?;
    }
    Ok(())
}

async fn write_notes(
    url: &str, options: &Options, as_of: &str, report: &(dyn Fn(Progress) + Sync),
) -> anyhow::Result<u64> {
    let mut conn = connect(url).await?;
    let note_time = fill(sql::NOTE_TIME, &[("i", "k - e.notes_first".into()), ("k", "k".into())]);
    let texts = NOTE_TEXTS.iter().map(|(_, text)| *text);
    let template = sql::NOTES
        .replace("{{note_time}}", &note_time)
        .replace("{{note_texts}}", &quoted(texts))
        .replace("{{note_text_count}}", &NOTE_TEXTS.len().to_string())
        .replace("{{as_of}}", as_of);
    report(Progress { phase: "notes", done: 0, total: options.notes });
    let chunks = (options.notes / NOTES_PER_CHUNK).max(1);
    let per_chunk = options.citizens.div_ceil(chunks);
    let mut written = 0u64;
    for c in 0..chunks {
        let from = c * per_chunk * 4;
        let to = ((c + 1) * per_chunk * 4).min(options.citizens * 4);
        let text = fill(&template, &[("from", from.to_string()), ("to", to.to_string())]);
        written += diesel::sql_query(text).execute(&mut conn).await.context("inserting notes")? as u64;
        report(Progress { phase: "notes", done: written, total: options.notes });
    }
    Ok(written)
}

/// The audit history's shape: entries `base..base+total`, dated from
/// `start` on, `step` microseconds apart (plus less than one step of jitter).
struct History {
    base: i64,
    total: u64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    step: i64,
    enrolments: u64,
}

/// The audit history's chunks, taken in order by whichever writer is free,
/// and how far it is written without a gap (what the sealer may seal).
struct HistoryChunks {
    next: std::sync::atomic::AtomicU64,
    /// The gapless end, and the chunks finished beyond it (start → end).
    finished: std::sync::Mutex<(u64, std::collections::BTreeMap<u64, u64>)>,
    written: tokio::sync::watch::Sender<u64>,
}

impl HistoryChunks {
    fn new(written: tokio::sync::watch::Sender<u64>) -> Self {
        Self { next: Default::default(), finished: Default::default(), written }
    }

    /// The next chunk, `[from, to)`, if any is left.
    fn take(&self, total: u64) -> Option<(u64, u64)> {
        let from = self.next.fetch_add(AUDIT_PER_CHUNK, std::sync::atomic::Ordering::Relaxed);
        (from < total).then(|| (from, (from + AUDIT_PER_CHUNK).min(total)))
    }

    /// Records a written chunk; returns the gapless end.
    fn finish(&self, from: u64, to: u64) -> u64 {
        let mut finished = self.finished.lock().unwrap_or_else(|p| p.into_inner());
        let (end, beyond) = &mut *finished;
        beyond.insert(from, to);
        while let Some(to) = beyond.remove(end) {
            *end = to;
        }
        let _ = self.written.send(*end);
        *end
    }
}

async fn write_history(
    url: &str, history: &History, options: &Options, chunks: &HistoryChunks, report: &(dyn Fn(Progress) + Sync),
) -> anyhow::Result<()> {
    let mut conn = connect(url).await?;
    let template = sql::AUDIT
        .replace("{{base}}", &history.base.to_string())
        .replace("{{t0}}", &format!("'{}'", history.start.to_rfc3339()))
        .replace("{{step}}", &history.step.to_string())
        .replace("{{enrolments}}", &history.enrolments.max(1).to_string())
        .replace("{{seed}}", &options.seed.to_string());
    report(Progress { phase: "audit history", done: 0, total: history.total });
    while let Some((from, to)) = chunks.take(history.total) {
        let text = fill(&template, &[("from", from.to_string()), ("to", to.to_string())]);
        diesel::sql_query(text).execute(&mut conn).await.context("inserting the audit history")?;
        let done = chunks.finish(from, to);
        report(Progress { phase: "audit history", done, total: history.total });
    }
    // The time index covers what was written (the service's sealer reads
    // its windows through it).
    conn.batch_execute("SELECT brin_summarize_new_values('audit_log_at_brin')").await?;
    Ok(())
}

/// Seals the history with the audit module's digests and chain, following
/// the writer: windows of at most `MAX_SEAL_ENTRIES` consecutive entries
/// from the epoch to the history's end, each inserted as the owner. Entry k
/// is dated in [start + k·step, start + (k+1)·step), so a window ending at
/// start + k·step holds exactly the entries before k. The service's sealer
/// carries on from the last window.
async fn seal_history(
    url: &str, history: &History, mut written: tokio::sync::watch::Receiver<u64>, report: &(dyn Fn(Progress) + Sync),
) -> anyhow::Result<u64> {
    let mut conn = connect(url).await?;
    let mut sealed = 0u64;
    let mut start = seal::epoch();
    let mut prev = vec![0u8; 32];
    let mut seals = 0u64;
    let now = Utc::now();
    report(Progress { phase: "sealing", done: 0, total: history.total });
    while sealed < history.total {
        let upto = (sealed + MAX_SEAL_ENTRIES as u64).min(history.total);
        written.wait_for(|w| *w >= upto).await.map(|_| ()).context("the audit writer stopped")?;
        let rows: Vec<EntryRow> = audit_log::table
            .filter(audit_log::id.ge(history.base + sealed as i64))
            .filter(audit_log::id.lt(history.base + upto as i64))
            .order(audit_log::id)
            .select(EntryRow::as_select())
            .load(&mut conn)
            .await?;
        let end = if upto == history.total {
            history.end
        } else {
            history.start + Duration::microseconds(upto as i64 * history.step)
        };
        if rows.len() as u64 != upto - sealed {
            bail!("the audit history has gaps: {} entries where {} were written", rows.len(), upto - sealed);
        }
        let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
        let digests: Vec<u8> = rows.iter().flat_map(seal::entry_digest).collect();
        let hash = seal::seal_hash(&prev, start, end, &ids, &digests);
        // As the owner, straight into the table: the window holds exactly
        // `ids` by construction (above), so the re-read by which
        // medborger_append_seal checks the service's windows is skipped. It
        // reads the window through the time index, a BRIN whose ranges at 1M
        // overlap enough to make it ~1 s a seal. `audit verify` checks every
        // seal and entry afterwards either way.
        diesel::sql_query(
            "INSERT INTO audit_seals (window_start, window_end, entry_ids, entry_digests, prev_hash, hash, sealed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Array<BigInt>, _>(&ids)
        .bind::<Bytea, _>(&digests)
        .bind::<Bytea, _>(&prev)
        .bind::<Bytea, _>(&hash)
        .bind::<Timestamptz, _>(now)
        .execute(&mut conn)
        .await
        .context("sealing the audit history")?;
        seals += 1;
        sealed = upto;
        start = end;
        prev = hash;
        report(Progress { phase: "sealing", done: sealed, total: history.total });
    }
    Ok(seals)
}
