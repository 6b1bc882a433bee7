//! Legal hold: a citizen under hold is never anonymised by retention.
//! Administrators set and lift it; they see no case content, so the flag is
//! changed through one database function that answers only whether the
//! citizen was found.

use actix_web::{post, web};
use diesel::sql_types::{Bool, Timestamptz, Uuid as SqlUuid};
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalHoldRequest {
    /// `true` sets the hold, `false` lifts it.
    pub hold: bool,
    /// Why (a case, a complaint, a court order): 5–1000 characters.
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

/// Set or lift a citizen's legal hold (administrators). Audited.
#[utoipa::path(
    tag = "citizens",
    params(("id" = Uuid, Path)),
    request_body = LegalHoldRequest,
    responses((status = 200, body = LegalHoldView)),
)]
#[post("/citizens/{id}/legal-hold")]
pub async fn set_legal_hold(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<LegalHoldRequest>,
) -> ApiResult<web::Json<LegalHoldView>> {
    let id = id.into_inner();
    let body = body.into_inner();
    let reason = bounded_text("reason", &body.reason, 5, 1000)?;
    let hold = body.hold;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let found: Found =
                diesel::sql_query("SELECT medborger_set_legal_hold($1, $2, $3) AS found")
                    .bind::<SqlUuid, _>(id)
                    .bind::<Bool, _>(hold)
                    .bind::<Timestamptz, _>(now)
                    .get_result(conn)
                    .await?;
            if !found.found {
                return Err(ApiError::NotFound);
            }
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Update, Resource::LegalHold, Outcome::Success)
                    .resource_id(id)
                    .citizen(id)
                    .reason(format!("{}: {reason}", if hold { "set" } else { "lifted" })),
            )
            .await?;
            Ok(LegalHoldView {
                citizen_id: id,
                legal_hold: hold,
            })
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Citizen, id, Some(id), result)
            .await?,
    ))
}
