//! HTTP handlers for departments and the admin endpoints for users and teams:
//! parse, run the work in the request's pipeline (`request::Ctx::run`),
//! answer the view. Every change to a user or team, and every read of a
//! staff user, is audited; departments and teams are organisation data, read
//! without an entry.

use actix_web::{get, patch, post, web, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;

use super::dto::*;
use super::queries::{self, NewUser, TeamChangeset, UserChanges};
use crate::audit::{Action, AuditEntry, Resource};
use crate::auth::password;
use crate::domain::{TeamId, UserId};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{with_etag, IfMatch, Json, Page, PageParams, Query};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx, Subject};

/// The seven departments (forvaltninger).
#[utoipa::path(tag = "organisation", responses((status = 200, body = Vec<DepartmentView>)))]
#[get("/departments")]
pub async fn list_departments(ctx: Ctx) -> JsonResult<Vec<DepartmentView>> {
    let list = ctx.run_unaudited(|conn| async move { queries::list_departments(conn).await }.scope_boxed()).await?;
    Ok(web::Json(list))
}

/// Staff users, in creation order.
#[utoipa::path(tag = "admin", params(PageParams), responses((status = 200, body = Page<UserView>)))]
#[get("/admin/users")]
pub async fn list_users(ctx: Ctx, page: Query<PageParams>) -> JsonResult<Page<UserView>> {
    let (after, limit) = (page.after()?, page.limit()?);
    let rows = run!(ctx, Subject::none(), |conn, audit| {
        let rows = queries::list_users(conn, after, limit).await?;
        audit.record(AuditEntry::success(Action::Search, Resource::StaffUser));
        Ok(rows)
    });
    Ok(web::Json(Page::from_rows(rows, limit, |u| u.id)))
}

/// Create a staff user.
#[utoipa::path(tag = "admin", request_body = CreateUserRequest,
    responses((status = 201, description = "Created", body = UserView, headers(("Location" = String), ("ETag" = String)))))]
#[post("/admin/users")]
pub async fn create_user(ctx: Ctx, Json(body): Json<CreateUserRequest>) -> ApiResult<Answer> {
    let claim = ctx.claim(&body)?;
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
        return Err(ApiError::internal(anyhow::anyhow!("validation let a field through")));
    };
    let new = NewUser {
        username,
        full_name,
        department: body.department,
        roles,
        team_ids,
        password_hash: hash_for(&ctx, new_password).await?,
    };
    create!(ctx, Subject::none(), claimed claim, |conn, audit| {
        let user = queries::insert_user(conn, new, ctx.now).await?;
        audit.record(AuditEntry::success(Action::Create, Resource::StaffUser).resource_id(user.id));
        Ok(Answer::created(&user)?.at(format!("/api/v1/admin/users/{}", user.id)).version(user.version))
    })
}

/// One staff user.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserView, headers(("ETag" = String)))))]
#[get("/admin/users/{id}")]
pub async fn find_user(ctx: Ctx, id: web::Path<UserId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    // A staff user is no citizen: an admin's miss is not an attempt on
    // someone's case, so it leaves no denied entry.
    let user = run!(ctx, Subject::none(), |conn, audit| {
        let user = queries::find_user(conn, id).await?;
        audit.record(AuditEntry::success(Action::Read, Resource::StaffUser).resource_id(id));
        Ok(user)
    });
    let version = user.version;
    Ok(with_etag(HttpResponse::Ok().json(user), version))
}

/// Change a staff user (`If-Match` required). Deactivating (`active: false`)
/// or changing roles, department or teams takes effect on the user's very
/// next request.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path), IfMatch), request_body = UpdateUserRequest,
    responses((status = 200, body = UserView, headers(("ETag" = String)))))]
#[patch("/admin/users/{id}")]
pub async fn update_user(
    ctx: Ctx, id: web::Path<UserId>, Json(body): Json<UpdateUserRequest>, expected: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mut errors = Errors::default();
    let mut changes = UserChanges {
        full_name: body.full_name.and_then(|n| errors.check(parse_name("full_name", &n))),
        department: body.department,
        roles: body.roles.and_then(|r| errors.check(parse_roles(&r))),
        team_ids: body.team_ids.and_then(|t| errors.check(parse_team_ids(&t))),
        active: body.active,
        password_hash: None,
    };
    let new_password = body.password.and_then(|p| errors.check(parse_password(p)));
    errors.finish()?;
    let own = id == ctx.actor.user_id;
    // Separation of duties: nobody widens (or narrows) their own access.
    let changes_own_access =
        own && (changes.roles.is_some() || changes.team_ids.is_some() || changes.department.is_some());
    if own && changes.active == Some(false) {
        return Err(ApiError::Conflict("You cannot deactivate yourself.".into()));
    }
    if let Some(p) = new_password {
        changes.password_hash = Some(hash_for(&ctx, p).await?);
    }
    let action = if changes.active == Some(false) { Action::Deactivate } else { Action::Update };
    let entry = AuditEntry::success(action, Resource::StaffUser)
        .resource_id(id)
        .reason(format!("changed: {}", changes.fields().join(", ")));
    let user = run!(ctx, Subject::new(Resource::StaffUser, id), |conn, audit| {
        if changes_own_access {
            return Err(ApiError::Forbidden);
        }
        let user = queries::update_user(conn, id, expected, &changes, ctx.now).await?;
        audit.record(entry);
        Ok(user)
    });
    let version = user.version;
    Ok(with_etag(HttpResponse::Ok().json(user), version))
}

/// Teams, in creation order.
#[utoipa::path(tag = "admin", params(PageParams), responses((status = 200, body = Page<TeamView>)))]
#[get("/admin/teams")]
pub async fn list_teams(ctx: Ctx, page: Query<PageParams>) -> JsonResult<Page<TeamView>> {
    let (after, limit) = (page.after()?, page.limit()?);
    let rows = ctx
        .run_unaudited(move |conn| async move { queries::list_teams(conn, after, limit).await }.scope_boxed())
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |t| t.id)))
}

/// Create a team.
#[utoipa::path(tag = "admin", request_body = CreateTeamRequest,
    responses((status = 201, description = "Created", body = TeamView, headers(("Location" = String), ("ETag" = String)))))]
#[post("/admin/teams")]
pub async fn create_team(ctx: Ctx, Json(body): Json<CreateTeamRequest>) -> ApiResult<Answer> {
    let name = parse_name("name", &body.name).map_err(|e| ApiError::Validation(vec![e]))?;
    create!(ctx, Subject::none(), &body, |conn, audit| {
        let team = queries::insert_team(conn, body.department, &name, body.restricted, ctx.now).await?;
        audit.record(AuditEntry::success(Action::Create, Resource::Team).resource_id(team.id));
        Ok(Answer::created(&team)?.at(format!("/api/v1/admin/teams/{}", team.id)).version(team.version))
    })
}

/// One team.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path)),
    responses((status = 200, body = TeamView, headers(("ETag" = String)))))]
#[get("/admin/teams/{id}")]
pub async fn find_team(ctx: Ctx, id: web::Path<TeamId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let team = ctx.run_unaudited(move |conn| async move { queries::find_team(conn, id).await }.scope_boxed()).await?;
    let version = team.version;
    Ok(with_etag(HttpResponse::Ok().json(team), version))
}

/// Change a team (`If-Match` required); `active: false` deactivates it.
#[utoipa::path(tag = "admin", params(("id" = Uuid, Path), IfMatch), request_body = UpdateTeamRequest,
    responses((status = 200, body = TeamView, headers(("ETag" = String)))))]
#[patch("/admin/teams/{id}")]
pub async fn update_team(
    ctx: Ctx, id: web::Path<TeamId>, Json(body): Json<UpdateTeamRequest>, expected: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let name =
        body.name.as_deref().map(|n| parse_name("name", n)).transpose().map_err(|e| ApiError::Validation(vec![e]))?;
    let action = if body.active == Some(false) { Action::Deactivate } else { Action::Update };
    let team = run!(ctx, Subject::none(), |conn, audit| {
        let changes = TeamChangeset {
            name: name.as_deref(),
            restricted: body.restricted,
            active: body.active,
            updated_at: ctx.now,
        };
        let team = queries::update_team(conn, id, expected, changes).await?;
        audit.record(AuditEntry::success(action, Resource::Team).resource_id(id));
        Ok(team)
    });
    let version = team.version;
    Ok(with_etag(HttpResponse::Ok().json(team), version))
}

/// The staff of your own department (caseworkers, managers, mentors): to
/// pick a mentor or caseworker from (`role`), or to put names to ids
/// (`ids`). Never another department's staff; audited as a search.
#[utoipa::path(tag = "organisation", params(StaffParams), responses((status = 200, body = Page<StaffMember>)))]
#[get("/staff")]
pub async fn list_staff(ctx: Ctx, params: Query<StaffParams>) -> JsonResult<Page<StaffMember>> {
    let page = PageParams { limit: params.limit, cursor: params.cursor.clone() };
    let (after, limit) = (page.after()?, page.limit()?);
    let ids = params.ids()?;
    let (role, department) = (params.role, ctx.department());
    let rows = run!(ctx, Subject::none(), |conn, audit| {
        let rows = queries::list_staff(conn, department, role, ids.as_deref(), after, limit).await?;
        audit.record(AuditEntry::success(Action::Search, Resource::StaffUser));
        Ok(rows)
    });
    Ok(web::Json(Page::from_rows(rows, limit, |u| u.id)))
}

/// A new password's hash, for a caller whose session is checked first: the
/// hash (argon2, 19 MiB) comes before the request's transaction, which
/// would otherwise be the first to find an ended session.
async fn hash_for(ctx: &Ctx, new_password: password::NewPassword) -> ApiResult<String> {
    crate::auth::gate::require_session(ctx.state(), &ctx.actor).await?;
    password::hash(new_password).await
}
