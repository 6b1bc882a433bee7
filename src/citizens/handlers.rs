//! HTTP handlers for citizens. Each runs in one transaction that also writes
//! its audit entries.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use diesel_async::scoped_futures::ScopedFutureExt;
use uuid::Uuid;

use super::cpr::Cpr;
use super::dto::*;
use super::queries::{self, NewCitizen, SearchBy};
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{if_match, with_etag, Page, PageParams};
use crate::scope::{Reach, View};
use crate::startup::AppState;

/// Register a citizen (caseworkers). A CPR already registered answers the
/// existing citizen (200) and gives the caller's department an involvement.
#[utoipa::path(
    tag = "citizens",
    request_body = RegisterCitizenRequest,
    responses(
        (status = 201, description = "Registered", body = CitizenView, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "Already registered; now involving your department", body = CitizenView, headers(("ETag" = String))),
    ),
)]
#[post("/citizens")]
pub async fn register_citizen(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<RegisterCitizenRequest>,
) -> ApiResult<HttpResponse> {
    let (cpr, data) = body.into_inner().split();
    let cpr = Cpr::parse(&cpr).map_err(|e| ApiError::invalid("cpr", "invalid", e.to_string()))?;
    let now = state.clock.now();
    let data = data
        .validate(cpr.birth_date(), now.date_naive())
        .map_err(ApiError::Validation)?;
    let sealed = state.vault.encrypt(&cpr).map_err(ApiError::Internal)?;
    let lookup_hash = state.vault.lookup_hash(&cpr);
    let (birth_date, sex) = (cpr.birth_date(), cpr.sex());
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let department = actor.department.to_string();

    let (view, created) = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let new = NewCitizen {
                sealed: &sealed,
                lookup_hash: &lookup_hash,
                birth_date,
                sex,
                data: &data,
            };
            let (id, created) = queries::insert_or_find(conn, new, now).await?;
            queries::ensure_involvement(conn, id, &department, None, "registration", now).await?;
            let entry = if created {
                AuditEntry::new(Action::Create, "citizen", Outcome::Success)
            } else {
                AuditEntry::new(Action::Read, "citizen", Outcome::Success)
                    .reason("registration of an already registered CPR")
            };
            audit::record(conn, now, &who, entry.resource_id(id).citizen(id)).await?;
            let (row, _) = queries::find_visible(conn, &reach, id, false).await?;
            Ok((row.into_view()?, created))
        }
        .scope_boxed()
    })
    .await?;
    let version = view.version;
    let response = if created {
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/citizens/{}", view.id)))
            .json(view)
    } else {
        HttpResponse::Ok().json(view)
    };
    Ok(with_etag(response, version))
}

/// One citizen: the whole record (CPR masked) for an involved department's
/// staff; name, contact and language only for the citizen's mentor.
#[utoipa::path(
    tag = "citizens",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CitizenResponse, headers(("ETag" = String)))),
)]
#[get("/citizens/{id}")]
pub async fn find_citizen(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let (row, view) = queries::find_visible(conn, &reach, id, false).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, "citizen", Outcome::Success)
                    .resource_id(id)
                    .citizen(id),
            )
            .await?;
            Ok(match view {
                View::Caseworker => CitizenResponse::Full(Box::new(row.into_view()?)),
                View::Mentor => CitizenResponse::Mentor(row.into_mentor_view()),
            })
        }
        .scope_boxed()
    })
    .await;
    Ok(
        match audit::on_not_found(&state, &actor, "citizen", id, Some(id), result).await? {
            CitizenResponse::Full(view) => {
                let version = view.version;
                with_etag(
                    HttpResponse::Ok().json(CitizenResponse::Full(view)),
                    version,
                )
            }
            mentor => HttpResponse::Ok().json(mentor),
        },
    )
}

/// Change a citizen's record (caseworkers of an involved department;
/// `If-Match` required). The origin classification is recomputed.
#[utoipa::path(
    tag = "citizens",
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "The ETag last read")),
    request_body = UpdateCitizenRequest,
    responses((status = 200, body = CitizenView, headers(("ETag" = String)))),
)]
#[patch("/citizens/{id}")]
pub async fn update_citizen(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<UpdateCitizenRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let expected = if_match(&req)?;
    let body = body.into_inner();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let row = queries::find_for_caseworker(conn, &reach, id, true).await?;
            if row.version != expected {
                return Err(ApiError::PreconditionFailed);
            }
            let birth_date = row.birth_date;
            let before = row.data()?;
            let after = before
                .clone()
                .apply(body)
                .validate(birth_date, now.date_naive())
                .map_err(ApiError::Validation)?;
            queries::update(conn, id, &after, now).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Update, "citizen", Outcome::Success)
                    .resource_id(id)
                    .citizen(id),
            )
            .await?;
            let (row, _) = queries::find_visible(conn, &reach, id, false).await?;
            row.into_view()
        }
        .scope_boxed()
    })
    .await;
    let view = audit::on_not_found(&state, &actor, "citizen", id, Some(id), result).await?;
    let version = view.version;
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}

/// Reveal the whole CPR number (caseworkers and managers of an involved
/// department). Audited as its own action.
#[utoipa::path(
    tag = "citizens",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RevealedCpr)),
)]
#[post("/citizens/{id}/cpr")]
pub async fn reveal_cpr(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RevealedCpr>> {
    let id = id.into_inner();
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let sealed = queries::sealed_cpr(conn, &reach, id).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Reveal, "citizen_cpr", Outcome::Success)
                    .resource_id(id)
                    .citizen(id),
            )
            .await?;
            Ok(sealed)
        }
        .scope_boxed()
    })
    .await;
    let sealed = audit::on_not_found(&state, &actor, "citizen", id, Some(id), result).await?;
    let cpr = state.vault.reveal(&sealed).map_err(ApiError::Internal)?;
    Ok(web::Json(RevealedCpr { cpr }))
}

/// Search the citizens your department is involved with: by CPR (exact; in
/// the body, never in a URL), or by name prefix, district and programme.
#[utoipa::path(
    tag = "citizens",
    request_body = SearchCitizensRequest,
    responses((status = 200, body = Page<CitizenSummary>)),
)]
#[post("/citizens/search")]
pub async fn search_citizens(
    state: web::Data<AppState>,
    actor: Actor,
    body: web::Json<SearchCitizensRequest>,
) -> ApiResult<web::Json<Page<CitizenSummary>>> {
    let body = body.into_inner();
    let page = PageParams {
        limit: body.limit,
        cursor: body.cursor.clone(),
    };
    let (after, limit) = (page.after()?, page.limit()?);
    let filters = body.name.is_some() || body.district.is_some() || body.programme.is_some();
    let lookup_hash = match &body.cpr {
        Some(_) if filters => {
            return Err(ApiError::invalid(
                "cpr",
                "exclusive",
                "search by CPR alone, or by the other filters",
            ))
        }
        Some(cpr) => {
            let cpr =
                Cpr::parse(cpr).map_err(|e| ApiError::invalid("cpr", "invalid", e.to_string()))?;
            Some(state.vault.lookup_hash(&cpr))
        }
        None if !filters => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "body",
                "required",
                "give cpr, or at least one of name, district and programme",
            )]))
        }
        None => None,
    };
    let name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 100) {
        return Err(ApiError::invalid(
            "name",
            "too_long",
            "at most 100 characters",
        ));
    }
    let name = name.map(str::to_string);
    let (district, programme) = (body.district, body.programme.clone());
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let rows = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let by = match &lookup_hash {
                Some(hash) => SearchBy::LookupHash(hash),
                None => SearchBy::Filters {
                    name: name.as_deref(),
                    district,
                    programme: programme.as_deref(),
                },
            };
            let reason = if lookup_hash.is_some() {
                "cpr lookup"
            } else {
                "search"
            };
            let rows = queries::search(conn, &reach, by, after, limit).await?;
            let shown = rows.iter().take(limit as usize);
            let mut entries: Vec<AuditEntry> = shown
                .map(|r| {
                    AuditEntry::new(Action::Search, "citizen", Outcome::Success)
                        .resource_id(r.id)
                        .citizen(r.id)
                        .reason(reason)
                })
                .collect();
            if entries.is_empty() {
                entries.push(
                    AuditEntry::new(Action::Search, "citizen", Outcome::Success).reason(reason),
                );
            }
            audit::record_many(conn, now, &who, entries).await?;
            Ok(rows)
        }
        .scope_boxed()
    })
    .await?;
    let page = Page::from_rows(rows, limit, |r| r.id);
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(queries::CitizenRow::summary)
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    }))
}
