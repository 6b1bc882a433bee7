//! The caseload's one query. It filters by the caller's reach itself (the
//! department and restricted teams, or the mentor), as row-level security
//! does underneath.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Date, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use uuid::Uuid;

use super::dto::CaseloadItem;
use crate::domain::{CitizenId, EnrolmentId, UserId};
use crate::enrolments::domain::Status;
use crate::error::{ApiError, ApiResult};

#[derive(diesel::QueryableByName)]
pub struct CaseloadRow {
    #[diesel(sql_type = SqlUuid)]
    pub enrolment_id: EnrolmentId,
    #[diesel(sql_type = SqlUuid)]
    pub citizen_id: CitizenId,
    #[diesel(sql_type = Text)]
    given_name: String,
    #[diesel(sql_type = Text)]
    family_name: String,
    #[diesel(sql_type = Text)]
    programme_code: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = SqlUuid)]
    responsible_caseworker_id: UserId,
    #[diesel(sql_type = Nullable<Date>)]
    next_due_date: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    next_due_code: Option<String>,
    #[diesel(sql_type = BigInt)]
    overdue_count: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_note_at: Option<DateTime<Utc>>,
    /// The next due date, or far in the future: the page's order.
    #[diesel(sql_type = Date)]
    pub sort_key: NaiveDate,
}

impl CaseloadRow {
    pub fn into_item(self, today: NaiveDate) -> ApiResult<CaseloadItem> {
        Ok(CaseloadItem {
            status: Status::parse(&self.status).ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown status")))?,
            days_since_last_note: self.last_note_at.map(|t| (today - crate::clock::local_date(t)).num_days()),
            enrolment_id: self.enrolment_id.into(),
            citizen_id: self.citizen_id.into(),
            given_name: self.given_name,
            family_name: self.family_name,
            programme_code: self.programme_code,
            responsible_caseworker_id: self.responsible_caseworker_id.into(),
            next_due_date: self.next_due_date,
            next_due_milestone: self.next_due_code,
            overdue_milestones: self.overdue_count,
        })
    }
}

/// What every variant answers for a row (one `CaseloadRow`).
macro_rules! caseload_columns {
    () => {
        "
SELECT e.id AS enrolment_id, e.citizen_id, c.given_name, c.family_name, e.programme_code, e.status,
       e.responsible_caseworker_id, e.next_due_date, e.next_due_code,
       (SELECT count(*) FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < $9
       ) AS overdue_count,
       e.last_note_at, e.next_due_key AS sort_key
"
    };
}

/// The page, for one way of asking (`WHO`): a department's, one
/// caseworker's or a mentor's open enrolments. Each walks its own index
/// (`enrolments_*_next_due`, on the next deadline the database keeps on the
/// enrolment) in the page's order and stops after the page: the cost does
/// not grow with the department. Three static statements rather than one
/// with a CASE, so that each plans onto its index.
macro_rules! caseload_query {
    ($who:literal) => {
        concat!(
            caseload_columns!(),
            "  FROM enrolments e
  JOIN citizens c ON c.id = e.citizen_id
 WHERE ",
            $who,
            "
   AND ($5::text IS NULL OR e.programme_code = $5)
   AND ($6::text IS NULL OR e.status = $6)
   -- An overdue milestone is an open one due before today: the next one is.
   AND (NOT $7 OR e.next_due_key < $9)
   AND ($8::timestamptz IS NULL OR e.last_note_at IS NULL OR e.last_note_at < $8)
   AND ($10::date IS NULL OR (e.next_due_key, e.id) > ($10, $11))
   -- Each variant names every parameter, so that each has a type.
   AND num_nonnulls($1::text, $2::uuid[], $3::uuid, $4::uuid) >= 0
 ORDER BY e.next_due_key, e.id
 LIMIT $12"
        )
    };
}

/// Every variant is sent all twelve parameters and filters on those it
/// needs: $1 the department, $2 the caller's restricted teams, $3 the
/// caseworker, $4 the mentor.
const DEPARTMENT: &str = caseload_query!(
    "e.department = $1 AND e.status IN ('referred', 'active', 'paused')
   AND (NOT e.restricted OR e.team_id = ANY($2))"
);
const CASEWORKER: &str = caseload_query!(
    "e.responsible_caseworker_id = $3 AND e.status IN ('referred', 'active', 'paused')
   AND e.department = $1 AND (NOT e.restricted OR e.team_id = ANY($2))"
);
/// $4 the mentor: their mentees' active and paused enrolments, never restricted ones.
const MENTOR: &str = caseload_query!("e.mentor_id = $4 AND e.status IN ('active', 'paused') AND NOT e.restricted");

/// A department's first page with no filter, the page a manager opens: the
/// 50 enrolments are taken first and only they are joined to their
/// citizens, so that one kept (generic) plan serves every department and
/// size. `DEPARTMENT`, planned for its values on every execution, spent
/// 4-10 ms planning for 1-3 ms of work at 1M (row-level security's
/// policies are most of the plan); this one is planned once (0.07 ms) and
/// walks the same index (0.9 ms at 1M, 1.1 ms at 10k). Its condition on
/// the cursor would not be: under row-level security a row comparison of
/// parameters is a filter, not an index condition, so later pages keep
/// `DEPARTMENT`.
const DEPARTMENT_FIRST_PAGE: &str = concat!(
    caseload_columns!(),
    "  FROM (SELECT e.* FROM enrolments e
         WHERE e.department = $1 AND e.status IN ('referred', 'active', 'paused')
           AND (NOT e.restricted OR e.team_id = ANY($2))
           -- Each variant names every parameter, so that each has a type.
           AND num_nonnulls($3::uuid, $4::uuid, $5::text, $6::text, $7::bool, $8::timestamptz, $10::date,
                            $11::uuid) >= 0
         ORDER BY e.next_due_key, e.id
         LIMIT $12) e
  JOIN citizens c ON c.id = e.citizen_id
 ORDER BY e.next_due_key, e.id"
);

/// Whose open enrolments, and which of them.
pub struct CaseloadFilter<'a> {
    /// The department, with the caller's restricted teams (whose restricted
    /// enrolments the caller sees).
    pub department: &'a str,
    pub teams: &'a [Uuid],
    /// One caseworker's (or, with neither this nor `mentor`, the department's).
    pub responsible: Option<UserId>,
    /// A mentor's mentees, instead of a department's enrolments.
    pub mentor: Option<UserId>,
    pub programme: Option<&'a str>,
    pub status: Option<Status>,
    pub overdue_only: bool,
    /// Only those without a note since then.
    pub silent_since: Option<DateTime<Utc>>,
    pub today: NaiveDate,
    pub after: Option<(NaiveDate, Uuid)>,
    pub limit: i64,
}

impl CaseloadFilter<'_> {
    fn is_first_unfiltered_page(&self) -> bool {
        self.programme.is_none()
            && self.status.is_none()
            && !self.overdue_only
            && self.silent_since.is_none()
            && self.after.is_none()
    }
}

/// The twelve parameters, the same for every variant and either statement kind.
macro_rules! bind_filter {
    ($query:expr, $f:expr) => {
        $query
            .bind::<Nullable<Text>, _>(Some($f.department))
            .bind::<Array<SqlUuid>, _>($f.teams)
            .bind::<Nullable<SqlUuid>, _>($f.responsible)
            .bind::<Nullable<SqlUuid>, _>($f.mentor)
            .bind::<Nullable<Text>, _>($f.programme)
            .bind::<Nullable<Text>, _>($f.status.map(Status::as_str))
            .bind::<Bool, _>($f.overdue_only)
            .bind::<Nullable<Timestamptz>, _>($f.silent_since)
            .bind::<Date, _>($f.today)
            .bind::<Nullable<Date>, _>($f.after.map(|(k, _)| k))
            .bind::<Nullable<SqlUuid>, _>($f.after.map(|(_, id)| id))
            .bind::<BigInt, _>($f.limit)
    };
}

/// Up to `limit` rows of the caseload, soonest deadline first.
pub async fn page(conn: &mut AsyncPgConnection, f: CaseloadFilter<'_>) -> ApiResult<Vec<CaseloadRow>> {
    match (f.mentor, f.responsible) {
        (Some(_), _) => Ok(bind_filter!(crate::db::prepared(MENTOR), f).load(conn).await?),
        (None, Some(_)) => Ok(bind_filter!(crate::db::prepared(CASEWORKER), f).load(conn).await?),
        (None, None) if f.is_first_unfiltered_page() => {
            // PostgreSQL keeps planning it for its values at 1M (the kept
            // plan's estimate, with the policies' subplans, looks dearer
            // than it is): it is told to keep the plan, for this statement.
            conn.batch_execute("SET LOCAL plan_cache_mode = force_generic_plan").await?;
            let rows: Vec<CaseloadRow> = bind_filter!(crate::db::prepared(DEPARTMENT_FIRST_PAGE), f).load(conn).await?;
            conn.batch_execute("SET LOCAL plan_cache_mode = DEFAULT").await?;
            // The page is cut before the join to citizens: a short page
            // would end the list if an enrolment's citizen were hidden from
            // the caller (every enrolment has its department's involvement
            // today). A short first page is a small department's, so it is
            // asked again the way that cuts after the join.
            if rows.len() as i64 >= f.limit {
                return Ok(rows);
            }
            Ok(bind_filter!(diesel::sql_query(DEPARTMENT), f).load(conn).await?)
        }
        // Any other page of a department is planned for its values each
        // time: its kept (generic) plan, which cannot drop the unused
        // filters, estimated one row and sorted the whole department at
        // 10,000 citizens (32 ms against 1.3 ms for the index walk;
        // BENCHMARKS.md, fifth run).
        (None, None) => Ok(bind_filter!(diesel::sql_query(DEPARTMENT), f).load(conn).await?),
    }
}
