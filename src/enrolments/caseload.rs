//! The caseload: a caseworker's open enrolments (a manager's department, a
//! mentor's mentees), soonest deadline first, in one query per page.

use actix_web::{get, web};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Date, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::domain::Status;
use super::queries::check_staff;
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::http::page_limit;
use crate::scope::Reach;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseloadParams {
    /// A manager may name any caseworker of their department; default: the
    /// caller's own caseload (a manager's default: the whole department).
    pub caseworker_id: Option<Uuid>,
    pub programme: Option<String>,
    #[param(value_type = Option<Status>)]
    pub status: Option<Status>,
    /// Only enrolments with an overdue milestone.
    pub overdue_only: Option<bool>,
    /// Only enrolments without a note in this many days (1–3650).
    pub silent_days: Option<i64>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct CaseloadItem {
    pub enrolment_id: Uuid,
    pub citizen_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub programme_code: String,
    pub status: Status,
    pub responsible_caseworker_id: Uuid,
    pub next_due_date: Option<NaiveDate>,
    pub next_due_milestone: Option<String>,
    pub overdue_milestones: i64,
    /// Days since the latest note; absent when there is none.
    pub days_since_last_note: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CaseloadPage {
    pub items: Vec<CaseloadItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(diesel::QueryableByName)]
struct Row {
    #[diesel(sql_type = SqlUuid)]
    enrolment_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    citizen_id: Uuid,
    #[diesel(sql_type = Text)]
    given_name: String,
    #[diesel(sql_type = Text)]
    family_name: String,
    #[diesel(sql_type = Text)]
    programme_code: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = SqlUuid)]
    responsible_caseworker_id: Uuid,
    #[diesel(sql_type = Nullable<Date>)]
    next_due_date: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Text>)]
    next_due_code: Option<String>,
    #[diesel(sql_type = BigInt)]
    overdue_count: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_note_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Date)]
    sort_key: NaiveDate,
}

const QUERY: &str = "
SELECT e.id AS enrolment_id, e.citizen_id, c.given_name, c.family_name, e.programme_code, e.status,
       e.responsible_caseworker_id, nd.due_date AS next_due_date, nd.code AS next_due_code,
       (SELECT count(*) FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < $9
       ) AS overdue_count,
       e.last_note_at,
       -- Enrolments without an open milestone sort last.
       coalesce(nd.due_date, DATE '9999-12-31') AS sort_key
  FROM enrolments e
  JOIN citizens c ON c.id = e.citizen_id
  LEFT JOIN LATERAL (
        SELECT m.due_date, m.code FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL
         ORDER BY m.due_date, m.code LIMIT 1) nd ON true
 WHERE e.status IN ('referred', 'active', 'paused')
   AND CASE WHEN $4::uuid IS NOT NULL
            THEN e.mentor_id = $4 AND e.status IN ('active', 'paused') AND NOT e.restricted
            ELSE e.department = $1 AND (NOT e.restricted OR e.team_id = ANY($2))
                 AND ($3::uuid IS NULL OR e.responsible_caseworker_id = $3)
       END
   AND ($5::text IS NULL OR e.programme_code = $5)
   AND ($6::text IS NULL OR e.status = $6)
   AND (NOT $7 OR EXISTS (SELECT 1 FROM milestones m
         WHERE m.enrolment_id = e.id AND m.met_on IS NULL AND m.waived_reason IS NULL AND m.due_date < $9))
   AND ($8::timestamptz IS NULL OR e.last_note_at IS NULL OR e.last_note_at < $8)
   AND ($10::date IS NULL OR (coalesce(nd.due_date, DATE '9999-12-31'), e.id) > ($10, $11))
 ORDER BY sort_key, e.id
 LIMIT $12";

fn decode_cursor(cursor: &str) -> Option<(NaiveDate, Uuid)> {
    let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (date, id) = text.split_once('|')?;
    Some((date.parse().ok()?, id.parse().ok()?))
}

fn encode_cursor(key: NaiveDate, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{key}|{id}"))
}

/// Open enrolments with the next deadline, overdue milestones and days since
/// the last note; sorted by the next due date.
#[utoipa::path(tag = "caseload", params(CaseloadParams), responses((status = 200, body = CaseloadPage)))]
#[get("/caseload")]
pub async fn caseload(
    state: web::Data<AppState>,
    actor: Actor,
    params: web::Query<CaseloadParams>,
) -> ApiResult<web::Json<CaseloadPage>> {
    let p = params.into_inner();
    let limit = page_limit(p.limit)?;
    let after = p
        .cursor
        .as_deref()
        .map(|c| {
            decode_cursor(c).ok_or_else(|| {
                ApiError::invalid("cursor", "invalid", "is not a cursor this API gave out")
            })
        })
        .transpose()?;
    if p.silent_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(ApiError::invalid("silent_days", "out_of_range", "1–3650"));
    }
    let now = state.clock.now();
    let today = now.date_naive();
    let reach = Reach::of(&actor);
    let is_manager = actor.has_role(Role::Manager);
    let is_caseworker = actor.has_role(Role::Caseworker);
    let me = actor.user_id.0;
    // Whose caseload: a mentor's mentees, a caseworker's own, or (managers)
    // anyone's in the department.
    let (mentor, responsible) = match (reach.department.is_some(), p.caseworker_id) {
        (false, None) => (Some(me), None),
        (false, Some(_)) => return Err(ApiError::Forbidden),
        (true, Some(cw)) if cw != me && !is_manager => return Err(ApiError::Forbidden),
        (true, Some(cw)) => (None, Some(cw)),
        (true, None) if is_caseworker => (None, Some(me)),
        (true, None) => (None, None),
    };
    let (department, teams) = reach.department.clone().unwrap_or_default();
    let who = AuditActor::from(&actor);
    let rows = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            if let Some(cw) = responsible.filter(|cw| *cw != me) {
                check_staff(conn, "caseworker_id", cw, &department, "caseworker", None)
                    .await
                    .map_err(|_| ApiError::NotFound)?;
            }
            let rows: Vec<Row> = diesel::sql_query(QUERY)
                .bind::<Nullable<Text>, _>(Some(department.clone()))
                .bind::<Array<SqlUuid>, _>(&teams)
                .bind::<Nullable<SqlUuid>, _>(responsible)
                .bind::<Nullable<SqlUuid>, _>(mentor)
                .bind::<Nullable<Text>, _>(p.programme.as_deref())
                .bind::<Nullable<Text>, _>(p.status.map(Status::as_str))
                .bind::<Bool, _>(p.overdue_only.unwrap_or(false))
                .bind::<Nullable<Timestamptz>, _>(
                    p.silent_days.map(|d| now - chrono::Duration::days(d)),
                )
                .bind::<Date, _>(today)
                .bind::<Nullable<Date>, _>(after.map(|(k, _)| k))
                .bind::<Nullable<SqlUuid>, _>(after.map(|(_, id)| id))
                .bind::<BigInt, _>(limit + 1)
                .load(conn)
                .await?;
            let entries: Vec<AuditEntry> = rows
                .iter()
                .take(limit as usize)
                .map(|r| {
                    AuditEntry::new(Action::Read, Resource::Caseload, Outcome::Success)
                        .resource_id(r.enrolment_id)
                        .citizen(r.citizen_id)
                })
                .collect();
            if !entries.is_empty() {
                audit::record_many(conn, now, &who, entries).await?;
            }
            Ok(rows)
        }
        .scope_boxed()
    })
    .await?;
    let more = rows.len() as i64 > limit;
    let mut items = Vec::new();
    let mut next_cursor = None;
    for (i, r) in rows.into_iter().enumerate() {
        if i as i64 == limit {
            break;
        }
        if more && i as i64 == limit - 1 {
            next_cursor = Some(encode_cursor(r.sort_key, r.enrolment_id));
        }
        items.push(CaseloadItem {
            status: Status::parse(&r.status)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown status")))?,
            days_since_last_note: r.last_note_at.map(|t| (today - t.date_naive()).num_days()),
            enrolment_id: r.enrolment_id,
            citizen_id: r.citizen_id,
            given_name: r.given_name,
            family_name: r.family_name,
            programme_code: r.programme_code,
            responsible_caseworker_id: r.responsible_caseworker_id,
            next_due_date: r.next_due_date,
            next_due_milestone: r.next_due_code,
            overdue_milestones: r.overdue_count,
        });
    }
    Ok(web::Json(CaseloadPage { items, next_cursor }))
}
