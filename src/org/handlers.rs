//! HTTP handlers for departments and the admin endpoints for users and teams.
//! Every admin change and read is audited in the same transaction.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::dto::*;
use super::queries::{self, NewUser, TeamChangeset, UserChanges};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::{password, Actor};
use crate::db;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::http::{if_match, with_etag, Page, PageParams};
use crate::state::AppState;

/// The seven departments (forvaltninger).
#[utoipa::path(tag = "organisation", responses((status = 200, body = Vec<DepartmentView>)))]
#[get("/departments")]
pub async fn list_departments(
    state: web::Data<AppState>,
    actor: Actor,
) -> ApiResult<web::Json<Vec<DepartmentView>>> {
    let list = db::transaction(&state.pool, (&actor).into(), |conn| {
        async move { queries::list_departments(conn).await }.scope_boxed()
    })
    .await?;
    Ok(web::Json(list))
}

/// Runs `f` in the actor's transaction and records `entry` there too.
async fn audited<'a, R, F>(
    state: &'a AppState,
    actor: &'a Actor,
    entry: AuditEntry,
    f: F,
) -> ApiResult<R>
where
    F: for<'r> FnOnce(
            &'r mut diesel_async::AsyncPgConnection,
        )
            -> diesel_async::scoped_futures::ScopedBoxFuture<'a, 'r, ApiResult<R>>
        + Send
        + 'a,
    R: Send + 'a,
{
    let at = state.clock.now();
    let who = AuditActor::from(actor);
    db::transaction(&state.pool, actor.into(), move |conn| {
        async move {
            let result = f(conn).await?;
            audit::record(conn, at, &who, entry).await?;
            Ok(result)
        }
        .scope_boxed()
    })
    .await
}

/// Staff users, in creation order.
#[utoipa::path(tag = "admin", params(PageParams), responses((status = 200, body = Page<UserView>)))]
#[get("/admin/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<Page<UserView>>> {
    let (after, limit) = (page.after()?, page.limit()?);
    let rows = audited(
        &state,
        &actor,
        AuditEntry::new(Action::Search, Resource::StaffUser, Outcome::Success),
        move |conn| async move { queries::list_users(conn, after, limit).await }.scope_boxed(),
    )
    .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |u| u.id)))
}

/// Create a staff user.
#[utoipa::path(
    tag = "admin",
    request_body = CreateUserRequest,
    responses((status = 201, description = "Created", body = UserView,
        headers(("Location" = String), ("ETag" = String)))),
)]
#[post("/admin/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = Errors::default();
    let username = errors.check(parse_username(&body.username));
    let full_name = errors.check(parse_name("full_name", &body.full_name));
    let roles = errors.check(parse_roles(&body.roles));
    let team_ids = errors.check(parse_team_ids(&body.team_ids));
    let new_password = errors.check(parse_password(body.password));
    errors.finish()?;
    let (Some(username), Some(full_name), Some(roles), Some(team_ids), Some(new_password)) =
        (username, full_name, roles, team_ids, new_password)
    else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validation let a field through"
        )));
    };
    let password_hash = password::hash(new_password).await?;
    let now = state.clock.now();
    let new = NewUser {
        username,
        full_name,
        department: body.department,
        roles,
        team_ids,
        password_hash,
    };
    let who = AuditActor::from(&actor);
    let user = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let user = queries::insert_user(conn, new, now).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::StaffUser, Outcome::Success)
                    .resource_id(user.id),
            )
            .await?;
            Ok(user)
        }
        .scope_boxed()
    })
    .await?;
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/admin/users/{}", user.id)))
        .json(&user);
    Ok(with_etag(response, user.version))
}

/// One staff user.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView, headers(("ETag" = String)))),
)]
#[get("/admin/users/{id}")]
pub async fn find_user(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let user = audited(
        &state,
        &actor,
        AuditEntry::new(Action::Read, Resource::StaffUser, Outcome::Success).resource_id(id),
        move |conn| async move { queries::find_user(conn, id).await }.scope_boxed(),
    )
    .await?;
    let version = user.version;
    Ok(with_etag(HttpResponse::Ok().json(user), version))
}

/// Change a staff user (`If-Match` required). Deactivating (`active: false`)
/// or changing roles, department or teams takes effect on the user's very
/// next request.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    request_body = UpdateUserRequest,
    responses((status = 200, body = UserView, headers(("ETag" = String)))),
)]
#[patch("/admin/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<UpdateUserRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let mut errors = Errors::default();
    let mut changes = UserChanges {
        full_name: body
            .full_name
            .and_then(|n| errors.check(parse_name("full_name", &n))),
        department: body.department,
        roles: body.roles.and_then(|r| errors.check(parse_roles(&r))),
        team_ids: body.team_ids.and_then(|t| errors.check(parse_team_ids(&t))),
        active: body.active,
        password_hash: None,
    };
    let new_password = body.password.and_then(|p| errors.check(parse_password(p)));
    errors.finish()?;
    if id == actor.user_id.0
        && (changes.active == Some(false)
            || changes
                .roles
                .as_ref()
                .is_some_and(|r| !r.contains(&Role::Admin)))
    {
        return Err(ApiError::Conflict(
            "You cannot deactivate yourself or remove your own admin role.".into(),
        ));
    }
    if let Some(p) = new_password {
        changes.password_hash = Some(password::hash(p).await?);
    }
    let now = state.clock.now();
    let action = if changes.active == Some(false) {
        Action::Deactivate
    } else {
        Action::Update
    };
    let entry = AuditEntry::new(action, Resource::StaffUser, Outcome::Success)
        .resource_id(id)
        .reason(format!("changed: {}", changes.fields().join(", ")));
    let user = audited(&state, &actor, entry, move |conn| {
        async move { queries::update_user(conn, id, expected, &changes, now).await }.scope_boxed()
    })
    .await?;
    let version = user.version;
    Ok(with_etag(HttpResponse::Ok().json(user), version))
}

/// Teams, in creation order.
#[utoipa::path(tag = "admin", params(PageParams), responses((status = 200, body = Page<TeamView>)))]
#[get("/admin/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    actor: Actor,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<Page<TeamView>>> {
    let (after, limit) = (page.after()?, page.limit()?);
    let rows = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move { queries::list_teams(conn, after, limit).await }.scope_boxed()
    })
    .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |t| t.id)))
}

/// Create a team.
#[utoipa::path(
    tag = "admin",
    request_body = CreateTeamRequest,
    responses((status = 201, description = "Created", body = TeamView,
        headers(("Location" = String), ("ETag" = String)))),
)]
#[post("/admin/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<CreateTeamRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let name = parse_name("name", &body.name).map_err(|e| ApiError::Validation(vec![e]))?;
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let team = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let team =
                queries::insert_team(conn, body.department, &name, body.restricted, now).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Team, Outcome::Success)
                    .resource_id(team.id),
            )
            .await?;
            Ok(team)
        }
        .scope_boxed()
    })
    .await?;
    let response = HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/admin/teams/{}", team.id)))
        .json(&team);
    Ok(with_etag(response, team.version))
}

/// One team.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TeamView, headers(("ETag" = String)))),
)]
#[get("/admin/teams/{id}")]
pub async fn find_team(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let team = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move { queries::find_team(conn, id).await }.scope_boxed()
    })
    .await?;
    let version = team.version;
    Ok(with_etag(HttpResponse::Ok().json(team), version))
}

/// Change a team (`If-Match` required); `active: false` deactivates it.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    request_body = UpdateTeamRequest,
    responses((status = 200, body = TeamView, headers(("ETag" = String)))),
)]
#[patch("/admin/teams/{id}")]
pub async fn update_team(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<UpdateTeamRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let name = body
        .name
        .as_deref()
        .map(|n| parse_name("name", n))
        .transpose()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let now = state.clock.now();
    let action = if body.active == Some(false) {
        Action::Deactivate
    } else {
        Action::Update
    };
    let entry = AuditEntry::new(action, Resource::Team, Outcome::Success).resource_id(id);
    let team = audited(&state, &actor, entry, move |conn| {
        async move {
            let changes = TeamChangeset {
                name: name.as_deref(),
                restricted: body.restricted,
                active: body.active,
                updated_at: now,
            };
            queries::update_team(conn, id, expected, changes).await
        }
        .scope_boxed()
    })
    .await?;
    let version = team.version;
    Ok(with_etag(HttpResponse::Ok().json(team), version))
}
