//! HTTP handlers for access grants.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;
use crate::schema::{access_grants, citizens};
use crate::scope::{self, Reach};
use crate::state::AppState;

/// How long a grant lasts.
pub const GRANT_LIFETIME: Duration = Duration::hours(3);

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGrantRequest {
    pub citizen_id: Uuid,
    /// Why you need access now (20–2000 characters); your manager reviews it.
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewGrantRequest {
    pub comment: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GrantListParams {
    /// `pending` (default): not yet reviewed; `all`: every grant of the department.
    pub review: Option<String>,
}

#[derive(Serialize, ToSchema, Queryable, Selectable, Debug)]
#[diesel(table_name = access_grants)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct GrantView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub department: String,
    pub citizen_id: Uuid,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Break the glass: open a citizen outside your scope for three hours
/// (caseworkers). Restricted enrolments stay closed. Audited as `break_glass`.
#[utoipa::path(
    tag = "access-grants",
    request_body = CreateGrantRequest,
    responses((status = 201, body = GrantView, headers(("Location" = String)))),
)]
#[post("/access-grants")]
pub async fn create_grant(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<CreateGrantRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let reason = bounded_text("reason", &body.reason, 20, 2000)?;
    let citizen = body.citizen_id;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let found: Exists = diesel::sql_query("SELECT medborger_citizen_exists($1) AS exists")
                .bind::<diesel::sql_types::Uuid, _>(citizen)
                .get_result(conn)
                .await?;
            if !found.exists {
                return Err(ApiError::NotFound);
            }
            let in_scope: i64 = citizens::table
                .find(citizen)
                .filter(scope::citizens_by_department(&reach))
                .count()
                .get_result(conn)
                .await?;
            if in_scope > 0 {
                return Err(ApiError::Conflict(
                    "You can already see this citizen; no grant is needed.".into(),
                ));
            }
            let id = Uuid::now_v7();
            diesel::insert_into(access_grants::table)
                .values((
                    access_grants::id.eq(id),
                    access_grants::user_id.eq(user),
                    access_grants::department.eq(&department),
                    access_grants::citizen_id.eq(citizen),
                    access_grants::reason.eq(&reason),
                    access_grants::granted_at.eq(now),
                    access_grants::expires_at.eq(now + GRANT_LIFETIME),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::BreakGlass, Resource::Citizen, Outcome::Success)
                    .resource_id(id)
                    .citizen(citizen)
                    .reason(reason),
            )
            .await?;
            Ok(access_grants::table
                .find(id)
                .select(GrantView::as_select())
                .first::<GrantView>(conn)
                .await?)
        }
        .scope_boxed()
    })
    .await;
    let grant = crate::request::on_not_found(
        &state,
        &actor,
        Resource::Citizen,
        citizen,
        Some(citizen),
        result,
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/access-grants/{}", grant.id),
        ))
        .json(grant))
}

/// Grants of your department's caseworkers awaiting review (managers).
#[utoipa::path(tag = "access-grants", params(GrantListParams), responses((status = 200, body = Vec<GrantView>)))]
#[get("/access-grants")]
pub async fn list_grants(
    state: web::Data<AppState>,
    actor: Actor,
    params: web::Query<GrantListParams>,
) -> ApiResult<web::Json<Vec<GrantView>>> {
    let pending = match params.review.as_deref() {
        None | Some("pending") => true,
        Some("all") => false,
        Some(_) => return Err(ApiError::invalid("review", "invalid", "pending or all")),
    };
    let department = actor.department.to_string();
    let who = AuditActor::from(&actor);
    let now = actor.now;
    let grants = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let mut q = access_grants::table
                .filter(access_grants::department.eq(department))
                .order(access_grants::granted_at)
                .select(GrantView::as_select())
                .limit(500)
                .into_boxed();
            if pending {
                q = q.filter(access_grants::reviewed_at.is_null());
            }
            let grants: Vec<GrantView> = q.load(conn).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::AccessGrant, Outcome::Success),
            )
            .await?;
            Ok(grants)
        }
        .scope_boxed()
    })
    .await?;
    Ok(web::Json(grants))
}

/// Mark a grant reviewed, with a comment (managers of the grantee's department).
#[utoipa::path(
    tag = "access-grants",
    params(("id" = Uuid, Path)),
    request_body = ReviewGrantRequest,
    responses((status = 200, body = GrantView)),
)]
#[post("/access-grants/{id}/review")]
pub async fn review_grant(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    body: web::Json<ReviewGrantRequest>,
) -> ApiResult<web::Json<GrantView>> {
    let id = id.into_inner();
    let comment = bounded_text("comment", &body.into_inner().comment, 1, 2000)?;
    let department = actor.department.to_string();
    let reviewer = actor.user_id.0;
    let who = AuditActor::from(&actor);
    let now = actor.now;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let grant: GrantView = access_grants::table
                .find(id)
                .filter(access_grants::department.eq(department))
                .select(GrantView::as_select())
                .for_update()
                .first(conn)
                .await?;
            if grant.reviewed_at.is_some() {
                return Err(ApiError::Conflict("The grant is reviewed already.".into()));
            }
            diesel::update(access_grants::table.find(id))
                .set((
                    access_grants::reviewed_by.eq(reviewer),
                    access_grants::reviewed_at.eq(now),
                    access_grants::review_comment.eq(&comment),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Review, Resource::AccessGrant, Outcome::Success)
                    .resource_id(id)
                    .citizen(grant.citizen_id)
                    .reason(comment),
            )
            .await?;
            Ok(access_grants::table
                .find(id)
                .select(GrantView::as_select())
                .first::<GrantView>(conn)
                .await?)
        }
        .scope_boxed()
    })
    .await;
    // A grant names a citizen: a look at another department's is recorded.
    let grant =
        crate::request::on_not_found(&state, &actor, Resource::AccessGrant, id, None, result)
            .await?;
    Ok(web::Json(grant))
}
