//! Bulk import of citizens from a legacy system:
//! `medborger import citizens FILE.csv [--department bif] [--dry-run] [--report FILE]`.
//!
//! The file is UTF-8 CSV with a header row naming any of the columns below
//! (only `cpr`, `given_name` and `family_name` are required):
//!
//! `cpr, given_name, family_name, phone, email, address, district,
//! preferred_language, interpreter_needed (true/false), country_of_birth,
//! citizenship, mother_country_of_birth, mother_citizenship,
//! father_country_of_birth, father_citizenship, arrival_date,
//! visitation_date (YYYY-MM-DD), residence_basis, needs (separated by ;),
//! employment_status, danish_level` — with the codes of the API.
//!
//! Every row is validated as `POST /api/v1/citizens` would validate it. Valid
//! rows are imported in batches, each batch one transaction holding the
//! citizens, their department's involvement and one audit entry per row, so
//! nothing is half-written for a row. A CPR already registered is not
//! changed (it only gains the department's involvement, as registering it
//! through the API would), so running the same file again changes nothing.
//! Invalid rows go to the report file with their line number and reason —
//! never the CPR.

use std::collections::HashMap;
use std::io::Read;
use std::time::Instant;

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, Bytea};
use diesel::ExpressionMethods;
use diesel::QueryableByName;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome, Purpose};
use crate::citizens::dto::{CitizenData, RegisterCitizenRequest};
use crate::citizens::queries::{self, NewCitizen};
use crate::cpr::{Cpr, CprVault, Sealed, Sex};
use crate::db::{self, DbContext, DbPool};
use crate::error::ApiError;
use crate::schema::involvements;

/// Rows per transaction: large enough for throughput, small enough to stay
/// well under PostgreSQL's 65,535 parameters per statement.
pub const BATCH: usize = 1000;
/// Batches written at once, each on its own connection.
pub const IN_FLIGHT: usize = 2;

pub const COLUMNS: [&str; 21] = [
    "cpr",
    "given_name",
    "family_name",
    "phone",
    "email",
    "address",
    "district",
    "preferred_language",
    "interpreter_needed",
    "country_of_birth",
    "citizenship",
    "mother_country_of_birth",
    "mother_citizenship",
    "father_country_of_birth",
    "father_citizenship",
    "arrival_date",
    "visitation_date",
    "residence_basis",
    "needs",
    "employment_status",
    "danish_level",
];

/// One row the import refused.
#[derive(Debug, Serialize, Clone)]
pub struct Rejected {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub rows: u64,
    pub imported: u64,
    /// Already registered: unchanged (involvement added where missing).
    pub existing: u64,
    pub rejected: Vec<Rejected>,
    pub seconds: f64,
    pub rows_per_second: f64,
    pub dry_run: bool,
}

struct Valid {
    line: u64,
    birth_date: chrono::NaiveDate,
    sex: Sex,
    sealed: Sealed,
    hash: Vec<u8>,
    data: CitizenData,
}

/// Turns one CSV record into the API's request body, then validates it as
/// the API does.
fn validate_row(
    line: u64, header: &[String], record: &csv::StringRecord, vault: &CprVault, today: chrono::NaiveDate,
) -> Result<Valid, String> {
    let mut body = Map::new();
    for (name, value) in header.iter().zip(record.iter()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let json = match name.as_str() {
            "interpreter_needed" => match value.to_ascii_lowercase().as_str() {
                "true" | "ja" | "1" => Value::Bool(true),
                "false" | "nej" | "0" => Value::Bool(false),
                _ => return Err("interpreter_needed: true or false".into()),
            },
            "needs" => Value::Array(
                value.split(';').map(str::trim).filter(|n| !n.is_empty()).map(|n| Value::String(n.into())).collect(),
            ),
            _ => Value::String(value.into()),
        };
        body.insert(name.clone(), json);
    }
    let request = RegisterCitizenRequest::parse(body).map_err(|e| match e {
        crate::error::ApiError::Validation(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    })?;
    let (cpr, _basis, data) = request.split();
    let cpr = Cpr::parse(&cpr).map_err(|e| format!("cpr: {e}"))?;
    let data = data.validate(cpr.birth_date(), today).map_err(|errors| {
        errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
    })?;
    let sealed = vault.encrypt(&cpr).map_err(|e| e.to_string())?;
    let hash = vault.lookup_hash(&cpr);
    Ok(Valid { line, birth_date: cpr.birth_date(), sex: cpr.sex(), sealed, hash, data })
}

#[derive(QueryableByName)]
struct Existing {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Bytea)]
    cpr_hash: Vec<u8>,
}

/// Reads, validates and (unless `dry_run`) imports `input`. `progress` is
/// called after each batch with (rows done, rows in all).
#[allow(clippy::too_many_arguments)]
pub async fn import_citizens(
    pool: &DbPool, vault: &CprVault, input: impl Read, source: &str, department: &str, dry_run: bool,
    now: DateTime<Utc>, mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let header: Vec<String> =
        reader.headers()?.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_string()).collect();
    if let Some(unknown) = header.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        anyhow::bail!("unknown column {unknown:?}; the columns are: {}", COLUMNS.join(", "));
    }
    for required in ["cpr", "given_name", "family_name"] {
        if !header.iter().any(|h| h == required) {
            anyhow::bail!("the header row lacks the column {required}");
        }
    }

    let mut summary = Summary { dry_run, ..Summary::default() };
    let mut valid: Vec<Valid> = Vec::new();
    let mut seen: HashMap<Vec<u8>, u64> = HashMap::new();
    let today = crate::clock::local_date(now);
    for (index, record) in reader.records().enumerate() {
        // Line 1 is the header.
        let line = index as u64 + 2;
        summary.rows += 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                summary.rejected.push(Rejected { line, reason: format!("unreadable row: {e}") });
                continue;
            }
        };
        match validate_row(line, &header, &record, vault, today) {
            Ok(row) => {
                if let Some(first) = seen.get(&row.hash) {
                    summary.rejected.push(Rejected { line, reason: format!("the same CPR as line {first}") });
                    continue;
                }
                seen.insert(row.hash.clone(), line);
                valid.push(row);
            }
            Err(reason) => summary.rejected.push(Rejected { line, reason }),
        }
    }

    let total = valid.len() as u64;
    let mut done = 0;
    progress(0, total);
    let who = AuditActor::default();
    // Two batches in flight: one PostgreSQL backend per connection, two cores.
    let mut batches = futures_util::stream::iter(valid.chunks(BATCH))
        .map(|batch| import_batch(pool, batch, who.clone(), department, source, dry_run))
        .buffer_unordered(IN_FLIGHT);
    while let Some(result) = batches.next().await {
        let ((imported, existing), rows) = result?;
        summary.imported += imported;
        summary.existing += existing;
        done += rows;
        progress(done, total);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    summary.rows_per_second = if summary.seconds > 0.0 { summary.rows as f64 / summary.seconds } else { 0.0 };
    Ok(summary)
}

/// Writes one batch in one transaction; returns ((imported, existing), rows).
async fn import_batch(
    pool: &DbPool, batch: &[Valid], who: AuditActor, department: &str, source: &str, dry_run: bool,
) -> anyhow::Result<((u64, u64), u64)> {
    // Each batch's own time: its audit entries must not fall into a window
    // the sealer closed while an earlier batch was being written.
    let now = Utc::now();
    let hashes: Vec<Vec<u8>> = batch.iter().map(|v| v.hash.clone()).collect();
    let department = department.to_string();
    // Where the batch came from, on one entry about no single citizen: the
    // citizens' own entries carry the category only (issue 10, door 6).
    let lines = (batch.first().map_or(0, |v| v.line), batch.last().map_or(0, |v| v.line));
    let provenance = AuditEntry::new(Action::Create, Resource::Citizen, Outcome::Success)
        .reason(format!("import {source} lines {}-{}, for {department}", lines.0, lines.1));
    let counts = db::transaction(pool, DbContext::default(), move |conn| {
        async move {
            // Sees every citizen: the schema owner's pool, never a flag.
            db::require_system(conn).await?;
            let found: Vec<Existing> = diesel::sql_query("SELECT id, cpr_hash FROM citizens WHERE cpr_hash = ANY ($1)")
                .bind::<Array<Bytea>, _>(&hashes)
                .load(conn)
                .await?;
            let existing: HashMap<Vec<u8>, Uuid> = found.into_iter().map(|e| (e.cpr_hash, e.id)).collect();
            let fresh: Vec<(Uuid, &Valid)> =
                batch.iter().filter(|v| !existing.contains_key(&v.hash)).map(|v| (Uuid::now_v7(), v)).collect();
            if dry_run {
                return Ok((fresh.len() as u64, existing.len() as u64));
            }
            let rows: Vec<(Uuid, NewCitizen<'_>)> = fresh
                .iter()
                .map(|(id, v)| {
                    (
                        *id,
                        NewCitizen {
                            sealed: &v.sealed,
                            lookup_hash: &v.hash,
                            birth_date: v.birth_date,
                            sex: v.sex,
                            data: &v.data,
                        },
                    )
                })
                .collect();
            if !rows.is_empty() {
                queries::insert_many(conn, &rows, now).await?;
            }
            let involved: Vec<_> = fresh
                .iter()
                .map(|(id, _)| *id)
                .chain(existing.values().copied())
                .map(|id| {
                    (
                        involvements::id.eq(Uuid::now_v7()),
                        involvements::citizen_id.eq(id),
                        involvements::department.eq(department.clone()),
                        involvements::restricted_team_id.eq(None::<Uuid>),
                        involvements::basis.eq("registration"),
                        involvements::since.eq(now),
                    )
                })
                .collect();
            let newly_involved: Vec<Uuid> = diesel::insert_into(involvements::table)
                .values(involved)
                .on_conflict_do_nothing()
                .returning(involvements::citizen_id)
                .get_results(conn)
                .await?;
            let mut entries: Vec<AuditEntry> = fresh
                .iter()
                .map(|(id, _)| {
                    AuditEntry::new(Action::Create, Resource::Citizen, Outcome::Success)
                        .resource_id(id)
                        .citizen(*id)
                        .purpose(Purpose::Import)
                })
                .collect();
            // A registered citizen the department now works with, as when
            // the API registers a known CPR.
            for id in existing.values() {
                if newly_involved.contains(id) {
                    entries.push(
                        AuditEntry::new(Action::Create, Resource::Involvement, Outcome::Success)
                            .resource_id(id)
                            .citizen(*id)
                            .purpose(Purpose::Import),
                    );
                }
            }
            if !entries.is_empty() {
                entries.push(provenance);
                audit::record_many(conn, now, &who, entries).await?;
            }
            Ok::<_, ApiError>((fresh.len() as u64, existing.len() as u64))
        }
        .scope_boxed()
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok::<_, anyhow::Error>((counts, batch.len() as u64))
}

/// The report file: one line per refused row.
pub fn write_report(path: &std::path::Path, rejected: &[Rejected]) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_path(path)?;
    writer.write_record(["line", "reason"])?;
    for r in rejected {
        writer.write_record([r.line.to_string(), crate::reports::csv::neutralise(&r.reason)])?;
    }
    writer.flush()?;
    Ok(())
}
