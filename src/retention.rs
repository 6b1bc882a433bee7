//! Retention (docs/design.md §5a): `medborger retention run [--dry-run] [--as-of DATE]`.
//!
//! A citizen whose enrolments are all closed, whose last closure (or, with
//! no enrolment, registration) is older than the retention period (default
//! five years, "5 år efter sagsafslutning"), and who is not under legal hold,
//! is anonymised: name, contact, CPR (ciphertext and lookup hash) and every
//! free text about them are removed; dates that identify are coarsened to
//! the year; codes (sex, district, origin, programmes, statuses, outcomes)
//! stay, so reports keep counting them. Audit entries older than their own
//! period are removed in whole sealed windows, with a record that lets
//! verification continue. Both are recorded in the audit log.
//!
//! It runs as the schema owner (`MEDBORGER_MIGRATION_DATABASE_URL`): the
//! service's own role can neither rewrite notes nor delete audit entries.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Bytea, Date, Integer, Text, Timestamptz, Uuid as SqlUuid};
use diesel::{OptionalExtension, QueryableByName};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

/// What the text of anonymised free-text fields becomes.
pub const REMOVED: &str = "[anonymiseret]";

#[derive(Debug, Clone, Copy)]
pub struct Periods {
    pub citizen_years: i32,
    pub audit_years: i32,
}

#[derive(Debug, Serialize, QueryableByName)]
pub struct Candidate {
    #[diesel(sql_type = SqlUuid)]
    pub citizen_id: Uuid,
    #[diesel(sql_type = Date)]
    pub last_closure: NaiveDate,
    #[diesel(sql_type = Bool)]
    pub legal_hold: bool,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub dry_run: bool,
    /// Anonymised (or, in a dry run, to be).
    pub anonymised: Vec<Candidate>,
    /// Past the period but under legal hold: kept.
    pub held: Vec<Candidate>,
    pub audit_cutoff: DateTime<Utc>,
    pub audit_entries_removed: i64,
    pub audit_seals_removed: i64,
}

#[derive(QueryableByName)]
struct SealEdge {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Timestamptz)]
    window_end: DateTime<Utc>,
    #[diesel(sql_type = Bytea)]
    hash: Vec<u8>,
    #[diesel(sql_type = BigInt)]
    seals: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// $1 as_of, $2 years. The last closure is the latest trace of work with
/// the citizen: an enrolment's end, a department's involvement, a referral,
/// a consent or a concern (registration, when there is nothing else). A
/// citizen with an open enrolment, a referral awaiting its decision or a
/// concern not yet handled is not a candidate at all.
const CANDIDATES: &str = r#"
WITH last AS (
    SELECT c.id, c.legal_hold,
           greatest(c.created_at::date,
                    (SELECT max(e.end_date) FROM enrolments e WHERE e.citizen_id = c.id),
                    (SELECT max(i.since)::date FROM involvements i WHERE i.citizen_id = c.id),
                    (SELECT max(coalesce(r.closed_at, r.decided_at, r.sent_at))::date FROM referrals r WHERE r.citizen_id = c.id),
                    (SELECT max(coalesce(k.withdrawn_at, k.recorded_at))::date FROM consents k WHERE k.citizen_id = c.id),
                    (SELECT max(coalesce(q.handled_at, q.received_at))::date FROM concerns q WHERE q.citizen_id = c.id)
           ) AS last_closure
      FROM citizens c
     WHERE c.lifecycle <> 'anonymised'
       AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.citizen_id = c.id
                          AND e.status NOT IN ('completed', 'dropped_out', 'cancelled'))
       AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.citizen_id = c.id AND r.status = 'sent')
       AND NOT EXISTS (SELECT 1 FROM concerns q WHERE q.citizen_id = c.id AND q.handled_at IS NULL)
)
SELECT id AS citizen_id, last_closure, legal_hold FROM last
 WHERE last_closure < ($1::date - make_interval(years => $2))::date
 ORDER BY 2, 1
"#;

/// $1 ids, $2 now, $3 the removal marker.
const ANONYMISE: [&str; 13] = [
    "UPDATE citizens SET given_name = $3, family_name = $3, phone = NULL, email = NULL, address = NULL,
            cpr_ciphertext = NULL, cpr_key_id = NULL, cpr_hash = NULL,
            birth_date = date_trunc('year', birth_date)::date,
            arrival_date = date_trunc('year', arrival_date)::date,
            visitation_date = date_trunc('year', visitation_date)::date,
            preferred_language = NULL, lifecycle = 'anonymised', version = version + 1, updated_at = $2
      WHERE id = ANY ($1)",
    "UPDATE enrolments SET goals = '', version = version + 1, updated_at = $2 WHERE citizen_id = ANY ($1)",
    "UPDATE notes SET text = $3, measures = '{}',
            correction_reason = CASE WHEN correction_reason IS NULL THEN NULL ELSE $3 END
      WHERE enrolment_id IN (SELECT id FROM enrolments WHERE citizen_id = ANY ($1))",
    "UPDATE enrolment_transitions SET reason = $3
      WHERE enrolment_id IN (SELECT id FROM enrolments WHERE citizen_id = ANY ($1))",
    "UPDATE milestones SET waived_reason = $3
      WHERE waived_reason IS NOT NULL AND enrolment_id IN (SELECT id FROM enrolments WHERE citizen_id = ANY ($1))",
    "UPDATE referrals SET reason = $3,
            decision_reason = CASE WHEN decision_reason IS NULL THEN NULL ELSE $3 END
      WHERE citizen_id = ANY ($1)",
    "UPDATE consents SET purpose = $3,
            withdrawal_reason = CASE WHEN withdrawal_reason IS NULL THEN NULL ELSE $3 END
      WHERE citizen_id = ANY ($1)",
    "UPDATE concerns SET text = $3, signs = '{}' WHERE citizen_id = ANY ($1)",
    "UPDATE risk_assessments SET summary = $3 WHERE citizen_id = ANY ($1)",
    "UPDATE enrolment_reassignments SET reason = $3
      WHERE enrolment_id IN (SELECT id FROM enrolments WHERE citizen_id = ANY ($1))",
    "UPDATE legal_hold_changes SET reason = $3 WHERE citizen_id = ANY ($1)",
    // The answers kept for Idempotency-Key retries name the citizen.
    "DELETE FROM idempotent_requests WHERE citizen_id = ANY ($1)",
    "UPDATE access_grants SET reason = $3 || ' (retention)',
            review_comment = CASE WHEN review_comment IS NULL THEN NULL ELSE $3 END
      WHERE citizen_id = ANY ($1)",
];

/// Plans and (unless `dry_run`) carries out retention as of `as_of`, in one
/// transaction on the owner's connection.
pub async fn run(
    owner_url: &str, as_of: NaiveDate, periods: Periods, dry_run: bool, now: DateTime<Utc>,
) -> anyhow::Result<Report> {
    if !dry_run && as_of > crate::clock::local_date(now) {
        anyhow::bail!("--as-of {as_of} is in the future: only a dry run may look ahead");
    }
    let mut conn = AsyncPgConnection::establish(owner_url).await?;
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        async move {
            // The tables force row-level security, and the anonymising
            // updates have no policy of their own: a role that does not
            // bypass it would change nothing, silently.
            #[derive(QueryableByName)]
            struct Bypass {
                #[diesel(sql_type = Bool)]
                bypass: bool,
            }
            let role: Bypass = diesel::sql_query(
                "SELECT rolsuper OR rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user",
            )
            .get_result(conn)
            .await?;
            if !role.bypass {
                anyhow::bail!(
                    "retention must run as a role that bypasses row-level security \
                     (the schema owner with BYPASSRLS, or a superuser): MEDBORGER_MIGRATION_DATABASE_URL"
                );
            }
            // No sealing while entries are written and windows removed.
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<BigInt, _>(crate::audit::seal::SEALER_LOCK)
                .execute(conn)
                .await?;
            // The tables force row-level security even on their owner, who
            // sees past it as a member of `medborger_system` (a role, not a
            // setting: issue 10, door 3).
            let all: Vec<Candidate> = diesel::sql_query(CANDIDATES)
                .bind::<Date, _>(as_of)
                .bind::<Integer, _>(periods.citizen_years)
                .load(conn)
                .await?;
            let (held, anonymised): (Vec<Candidate>, Vec<Candidate>) =
                all.into_iter().partition(|c| c.legal_hold);
            let audit_cutoff = (as_of - chrono::Months::new(12 * periods.audit_years as u32))
                .and_time(NaiveTime::MIN)
                .and_utc();
            let edge: Option<SealEdge> = diesel::sql_query(
                "SELECT id, window_end, hash, (SELECT count(*) FROM audit_seals WHERE window_end <= $1) AS seals
                   FROM audit_seals WHERE window_end <= $1 ORDER BY id DESC LIMIT 1",
            )
            .bind::<Timestamptz, _>(audit_cutoff)
            .get_result(conn)
            .await
            .optional()?;
            let entries: i64 = match &edge {
                Some(edge) => {
                    diesel::sql_query("SELECT count(*) AS n FROM audit_log WHERE at < $1")
                        .bind::<Timestamptz, _>(edge.window_end)
                        .get_result::<Count>(conn)
                        .await?
                        .n
                }
                None => 0,
            };
            let report = Report {
                as_of,
                dry_run,
                audit_cutoff,
                audit_entries_removed: entries,
                audit_seals_removed: edge.as_ref().map_or(0, |e| e.seals),
                anonymised,
                held,
            };
            if dry_run {
                return Ok(report);
            }
            // Answers kept for Idempotency-Key retries outlive their keys
            // only until a user's next create, or this run.
            diesel::sql_query("DELETE FROM idempotent_requests WHERE created_at < $1")
                .bind::<Timestamptz, _>(now - crate::idempotency::KEPT_FOR)
                .execute(conn)
                .await?;
            let ids: Vec<Uuid> = report.anonymised.iter().map(|c| c.citizen_id).collect();
            if !ids.is_empty() {
                for statement in ANONYMISE {
                    diesel::sql_query(statement)
                        .bind::<Array<SqlUuid>, _>(&ids)
                        .bind::<Timestamptz, _>(now)
                        .bind::<Text, _>(REMOVED)
                        .execute(conn)
                        .await?;
                }
                diesel::sql_query(
                    "INSERT INTO audit_log (at, action, resource_type, resource_id, citizen_id, reason, outcome)
                     SELECT $1, 'anonymise', 'citizen', c.id::text, c.id, $2, 'success' FROM unnest($3::uuid[]) AS c(id)",
                )
                .bind::<Timestamptz, _>(now)
                .bind::<Text, _>(format!(
                    "retention: all enrolments closed more than {} years before {as_of}",
                    periods.citizen_years
                ))
                .bind::<Array<SqlUuid>, _>(&ids)
                .execute(conn)
                .await?;
            }
            if let Some(edge) = edge {
                diesel::sql_query("DELETE FROM audit_log WHERE at < $1")
                    .bind::<Timestamptz, _>(edge.window_end)
                    .execute(conn)
                    .await?;
                diesel::sql_query("DELETE FROM audit_seals WHERE id <= $1")
                    .bind::<BigInt, _>(edge.id)
                    .execute(conn)
                    .await?;
                diesel::sql_query(
                    "INSERT INTO audit_prunes (pruned_at, cutoff, up_to_window_end, last_seal_hash, seals_removed, entries_removed)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind::<Timestamptz, _>(now)
                .bind::<Timestamptz, _>(audit_cutoff)
                .bind::<Timestamptz, _>(edge.window_end)
                .bind::<Bytea, _>(&edge.hash)
                .bind::<Integer, _>(edge.seals as i32)
                .bind::<BigInt, _>(entries)
                .execute(conn)
                .await?;
                diesel::sql_query(
                    "INSERT INTO audit_log (at, action, resource_type, reason, outcome)
                     VALUES ($1, 'prune', 'audit_log', $2, 'success')",
                )
                .bind::<Timestamptz, _>(now)
                .bind::<Text, _>(format!(
                    "retention: removed {entries} entries in {} sealed windows before {}",
                    edge.seals, edge.window_end
                ))
                .execute(conn)
                .await?;
            }
            Ok(report)
        }
        .scope_boxed()
    })
    .await
}
