//! Legal hold: a citizen under hold is never anonymised by retention.
//! Administrators set and lift it; they see no case content, so the flag is
//! changed through one database function that answers only whether the
//! citizen was found.

use actix_web::{post, web};
use chrono::{DateTime, Utc};
use diesel::sql_types::{Bool, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::domain::CitizenId;
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{bounded_text, Json};
use crate::request::{run, Ctx, Subject};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHoldRequest {
    /// `true` sets the hold, `false` lifts it.
    pub hold: bool,
    /// Why (a case, a complaint, a court order): 5–1000 characters.
    #[schema(min_length = 5, max_length = 1000, pattern = r"\S")]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct LegalHoldView {
    pub citizen_id: Uuid,
    pub legal_hold: bool,
}

#[derive(diesel::QueryableByName)]
struct Found {
    #[diesel(sql_type = Bool)]
    found: bool,
}

/// Sets or lifts the hold through the database function; NotFound when there
/// is no such citizen.
async fn set_hold(
    conn: &mut AsyncPgConnection, citizen: CitizenId, hold: bool, reason: &str, now: DateTime<Utc>,
) -> ApiResult<()> {
    // The function keeps the reason with the change (`legal_hold_changes`,
    // administrators only); the audit entry says only set or lifted.
    let found: Found = diesel::sql_query("SELECT medborger_set_legal_hold($1, $2, $3, $4) AS found")
        .bind::<SqlUuid, _>(citizen)
        .bind::<Bool, _>(hold)
        .bind::<Text, _>(reason)
        .bind::<Timestamptz, _>(now)
        .get_result(conn)
        .await?;
    if found.found {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Set or lift a citizen's legal hold (administrators). Audited.
#[utoipa::path(tag = "citizens", params(("id" = Uuid, Path)), request_body = LegalHoldRequest,
    responses((status = 200, body = LegalHoldView)))]
#[post("/citizens/{id}/legal-hold")]
pub async fn set_legal_hold(
    ctx: Ctx, id: web::Path<CitizenId>, Json(body): Json<LegalHoldRequest>,
) -> JsonResult<LegalHoldView> {
    let id = id.into_inner();
    let reason = bounded_text("reason", &body.reason, 5, 1000)?;
    let hold = body.hold;
    run!(ctx, Subject::citizen(id), |conn, audit| {
        set_hold(conn, id, hold, &reason, ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::Update, Resource::LegalHold).resource_id(id).citizen(id).purpose(if hold {
                Purpose::LegalHoldSet
            } else {
                Purpose::LegalHoldLifted
            }),
        );
        Ok(())
    });
    Ok(web::Json(LegalHoldView { citizen_id: id.into(), legal_hold: hold }))
}
