//! The citizen's right of access (indsigtsret, GDPR Art. 15): what the
//! municipality holds on one citizen, as one JSON document, produced by a
//! caseworker or manager of a department that works with them.
//!
//! Each table is exported whole (`to_jsonb` of the row), so a column added
//! later is exported without anyone remembering to; only the CPR's
//! ciphertext and lookup hash are left out (the number itself is decrypted
//! in). The access rules hold in the export as everywhere (docs/design.md
//! §4): the
//! caller's department's enrolments come with everything under them
//! (milestones, transitions, notes, outcomes, risk assessments); other
//! departments' enrolments come as summaries (programme, status, dates,
//! team), so the citizen learns they exist and whom to ask, but their notes
//! stay with their department, which exports its own part. Restricted work
//! is included only for a member of the owning restricted team. The query
//! runs under the caller's row-level security, with these rules on top.
//!
//! Consents come only where the caller's department recorded them or is one
//! of the departments they name: another department's consent would tell
//! of work the caller's department has no part in (issue 10, door 5).
//!
//! An informant's identity is never exported: each concern says that it was
//! redacted and why, the audit entry records it, and the access log leaves
//! out the filing of concerns (its time and department would name the
//! informant). The access log is the one `GET /citizens/{id}/access-log`
//! answers (issue 10, door 5): successful accesses, without refused attempts.

use actix_web::{get, web};
use chrono::{DateTime, SecondsFormat, Utc};
use diesel::sql_types::{Array, Jsonb, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

use super::queries;
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::domain::{CitizenId, DepartmentCode};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::request::{run, Ctx, Subject};

/// Why an informant's identity is left out (forvaltningsloven § 15, stk. 1,
/// nr. 4: private interests in secrecy outweigh the right of access).
pub const INFORMANT_REDACTED: &str =
    "The informant's identity is withheld to protect them (forvaltningsloven § 15, stk. 1, nr. 4).";

/// $1: the citizen; $2: the caller's restricted teams; $3: the redaction
/// reason; $4: the caller's department; $5: now.
const EXPORT: &str = r#"
WITH visible_enrolments AS (
    SELECT e.* FROM enrolments e
     WHERE e.citizen_id = $1 AND e.department = $4 AND (NOT e.restricted OR e.team_id = ANY ($2))
)
SELECT jsonb_build_object(
    'citizen', to_jsonb(c) - 'cpr_ciphertext' - 'cpr_hash' - 'cpr_key_id',
    'involvements', (SELECT coalesce(jsonb_agg(to_jsonb(i) ORDER BY i.since, i.id), '[]')
                       FROM involvements i
                      WHERE i.citizen_id = $1 AND (i.restricted_team_id IS NULL OR i.restricted_team_id = ANY ($2))),
    -- The next deadline is derived from the milestones (the caseload's order).
    'enrolments', (SELECT coalesce(jsonb_agg(to_jsonb(e) - 'next_due_date' - 'next_due_code' - 'next_due_key'
                                             ORDER BY e.id), '[]') FROM visible_enrolments e),
    'other_departments_enrolments', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'id', e.id, 'programme_code', e.programme_code, 'department', e.department,
                               'status', e.status, 'start_date', e.start_date, 'end_date', e.end_date,
                               'team_name', e.team_name) ORDER BY e.id), '[]')
                        FROM medborger_enrolment_summaries($1, $5) e),
    'enrolment_transitions', (SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]')
                                FROM enrolment_transitions t JOIN visible_enrolments e ON e.id = t.enrolment_id),
    'milestones', (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.enrolment_id, m.due_date, m.code), '[]')
                     FROM milestones m JOIN visible_enrolments e ON e.id = m.enrolment_id),
    'notes', (SELECT coalesce(jsonb_agg(to_jsonb(n) ORDER BY n.id), '[]')
                FROM notes n JOIN visible_enrolments e ON e.id = n.enrolment_id),
    'outcomes', (SELECT coalesce(jsonb_agg(to_jsonb(o) ORDER BY o.id), '[]')
                   FROM outcomes o JOIN visible_enrolments e ON e.id = o.enrolment_id),
    'risk_assessments', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.id), '[]')
                           FROM risk_assessments r JOIN visible_enrolments e ON e.id = r.enrolment_id),
    'referrals', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.id), '[]') FROM referrals r
                   WHERE r.citizen_id = $1 AND (r.from_department = $4 OR r.to_department = $4)),
    'consents', (SELECT coalesce(jsonb_agg(to_jsonb(k) ORDER BY k.id), '[]') FROM consents k
                  WHERE k.citizen_id = $1 AND ($4 = ANY (k.departments) OR k.recorded_department = $4)),
    'concerns', (SELECT coalesce(jsonb_agg(
                          to_jsonb(k) - 'filed_by' - 'filer_department'
                          || jsonb_build_object('informant', NULL, 'informant_redacted', $3::text)
                          ORDER BY k.id), '[]')
                   FROM concerns k WHERE k.citizen_id = $1 AND k.team_id = ANY ($2)),
    'access_grants', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                               'department', g.department, 'reason', g.reason,
                               'granted_at', g.granted_at, 'expires_at', g.expires_at) ORDER BY g.id), '[]')
                        FROM access_grants g WHERE g.citizen_id = $1),
    'access_log', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                            'at', a.at, 'department', a.actor_department, 'roles', a.actor_roles,
                            'action', a.action, 'resource_type', a.resource_type, 'purpose', a.reason) ORDER BY a.id), '[]')
                     FROM audit_log a
                    WHERE a.citizen_id = $1 AND a.outcome = 'success'
                      AND (a.restricted_team_id IS NULL OR a.restricted_team_id = ANY ($2))
                      AND a.resource_type <> 'concern')
) AS document
  FROM citizens c WHERE c.id = $1
"#;

#[derive(diesel::QueryableByName)]
struct Document {
    #[diesel(sql_type = Jsonb)]
    document: Value,
}

/// The export document of a citizen the caller has already been checked to
/// see, under the caller's own row-level security (issue 10, door 3: no
/// flag); other departments' enrolments come through the consent-checked
/// summaries function, and the rules above are applied on top.
async fn document(
    conn: &mut AsyncPgConnection, citizen: CitizenId, restricted_teams: &[Uuid], department: DepartmentCode,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<Value> {
    let doc: Document = diesel::sql_query(EXPORT)
        .bind::<SqlUuid, _>(citizen)
        .bind::<Array<SqlUuid>, _>(restricted_teams)
        .bind::<Text, _>(INFORMANT_REDACTED)
        .bind::<Text, _>(department.as_str())
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .get_result(conn)
        .await?;
    Ok(doc.document)
}

/// What the municipality holds on the citizen, as one JSON document: the
/// record with the full CPR, involvements, your department's enrolments with
/// their transitions, milestones, notes (current and superseded), outcomes
/// and risk assessments, other departments' enrolments as summaries, your
/// department's referrals, consents, concerns (restricted team only, the
/// informant withheld), break-the-glass grants and the access log
/// (caseworkers and managers of a department that works with the citizen).
/// Audited as `export`.
#[utoipa::path(tag = "citizens", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object, description = "The export document")))]
#[get("/citizens/{id}/export")]
pub async fn export_citizen(ctx: Ctx, id: web::Path<CitizenId>) -> JsonResult<Value> {
    let id = id.into_inner();
    let teams = ctx.actor.restricted_teams();
    let (mut document, sealed) = run!(ctx, Subject::citizen(id), |conn, audit| {
        queries::find_for_caseworker(conn, &ctx.reach, id, false).await?;
        let sealed = match queries::sealed_cpr(conn, &ctx.reach, id).await {
            Err(ApiError::NotFound) => None,
            other => Some(other?),
        };
        let document = document(conn, id, &teams, ctx.department(), ctx.now).await?;
        let redacted = document["concerns"].as_array().map_or(0, Vec::len);
        let mut entry = AuditEntry::success(Action::Export, Resource::Citizen).resource_id(id).citizen(id);
        if redacted > 0 {
            // The category only: the export's own concerns say why (§ 15).
            entry = entry.purpose(Purpose::InformantRedacted);
        }
        audit.record(entry);
        Ok((document, sealed))
    });
    in_utc(&mut document);
    // Anonymised: the number is gone.
    document["citizen"]["cpr"] = match sealed {
        Some(sealed) => Value::String(ctx.state().vault.reveal(&sealed).map_err(ApiError::Internal)?),
        None => Value::Null,
    };
    Ok(web::Json(document))
}

/// Writes the document's times as the rest of the API does (`…Z`, UTC):
/// PostgreSQL's JSON writes them with the session's offset (`+00:00`). Only
/// the values of time fields (`…_at`, `at`, `since`) are touched, never text.
fn in_utc(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                let is_time = name.ends_with("_at") || name == "at" || name == "since";
                match field {
                    Value::String(text) if is_time => {
                        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
                            *text = at.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::AutoSi, true);
                        }
                    }
                    other => in_utc(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(in_utc),
        _ => {}
    }
}
