//! HTTP handlers for citizens: parse, run the work in the request's
//! pipeline (`request::Ctx::run`), answer the view.

use actix_web::{get, patch, post, web, HttpResponse};

use super::dto::*;
use super::queries::{self, NewCitizen, SearchBy};
use crate::access_grants::queries::holds_grant;
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::cpr::{mask_from_birth_date, Cpr};
use crate::domain::CitizenId;
use crate::error::{ApiError, ApiResult, FieldError, JsonResult};
use crate::http::{with_etag, IfMatch, Json, Page, PageParams};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx, Subject};
use crate::scope::View;

/// Register a citizen (caseworkers). A restricted team member's
/// registration is the team's: a restricted involvement, and the contact
/// details and need codes kept with the team. A CPR already on file opens
/// nothing by itself (DESIGN §4): with a stated `basis` (422 without it) the
/// caller's department becomes involved, audited as `register_known` and
/// listed for its managers, and the answer holds only what the caller sent.
#[utoipa::path(tag = "citizens", request_body = RegisterCitizenRequest,
    responses( (status = 201, description = "Registered", body = CitizenView, headers(("Location" = String), ("ETag" = String))), (status = 200, description = "Already registered: the record when already in your department's care, else the receipt of your department's involvement on the stated basis", body = KnownCitizenAnswer), (status = 403, description = "Under a break-the-glass grant: reading only"), (status = 422, description = "Invalid, or a known CPR without a basis"), ))]
#[post("/citizens")]
pub async fn register_citizen(
    ctx: Ctx, Json(body): Json<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<Answer> {
    let body = RegisterCitizenRequest::parse(body)?;
    let claim = ctx.claim(&body)?;
    let (cpr, basis, data) = body.split();
    let cpr = Cpr::parse(&cpr).map_err(|e| ApiError::invalid("cpr", "invalid", e.to_string()))?;
    let data = data.validate(cpr.birth_date(), ctx.today()).map_err(ApiError::Validation)?;
    let vault = &ctx.state().vault;
    let sealed = vault.encrypt(&cpr).map_err(ApiError::Internal)?;
    let lookup_hash = vault.lookup_hash(&cpr);
    let (birth_date, sex) = (cpr.birth_date(), cpr.sex());
    // A restricted team member registers for the team (door 2).
    let team = ctx.actor.restricted_teams().into_iter().min();
    create!(ctx, Subject::none(), claimed claim, |conn, audit| {
        // The shared record of a team's registration holds none of
        // what the team was told in confidence.
        let shared = match team {
            Some(_) => CitizenData { phone: None, email: None, address: None, needs: Vec::new(), ..data.clone() },
            None => data.clone(),
        };
        let new = NewCitizen { sealed: &sealed, lookup_hash: &lookup_hash, birth_date, sex, data: &shared };
        let department = ctx.department().to_string();
        let (id, created) = queries::insert_or_find(conn, new, ctx.now).await?;
        if created {
            queries::ensure_involvement(conn, id, &department, team, "registration", ctx.now).await?;
            if let Some(team) = team {
                queries::upsert_restricted_data(conn, id, team, &data, ctx.now).await?;
            }
            audit.record(
                AuditEntry::success(Action::Create, Resource::Citizen).resource_id(id).citizen(id).within(team),
            );
            let (row, _) = queries::find_visible(conn, &ctx.reach, id.into(), false).await?;
            let view = row.into_view()?;
            return Ok(Answer::created(&view)?.at(format!("/api/v1/citizens/{}", view.id)).version(view.version));
        }
        if queries::find_visible(conn, &ctx.reach, id.into(), false)
            .await
            .is_ok_and(|(_, view)| view == View::Caseworker)
        {
            // Already involved: nothing new is learnt or opened.
            audit.record(
                AuditEntry::success(Action::Read, Resource::Citizen)
                    .resource_id(id)
                    .citizen(id)
                    .within(team)
                    .purpose(Purpose::AlreadyInCare),
            );
            let (row, _) = queries::find_visible(conn, &ctx.reach, id.into(), false).await?;
            let view = row.into_view()?;
            let version = view.version;
            return Ok(Answer::ok(&KnownCitizenAnswer::InYourCare(Box::new(view)))?.version(version));
        }
        if queries::find_visible(conn, &ctx.reach, id.into(), false).await.is_ok()
            || holds_grant(conn, ctx.actor.user_id, id.into(), ctx.now).await?
        {
            // Reached as a mentor, or through a break-the-glass grant: a
            // grant opens reading, never an involvement (docs/design.md §4).
            return Err(ApiError::Forbidden);
        }
        let Some(basis) = basis else {
            return Err(ApiError::invalid(
                "basis",
                "required",
                "this CPR is already on file: state the basis of your department's involvement",
            ));
        };
        queries::ensure_involvement(conn, id, &department, team, "registration", ctx.now).await?;
        let registration =
            queries::insert_known_registration(conn, id, &department, ctx.actor.user_id.0, basis.as_str(), ctx.now)
                .await?;
        audit.record(
            AuditEntry::success(Action::RegisterKnown, Resource::Citizen)
                .resource_id(registration)
                .citizen(id)
                .within(team)
                .purpose(basis),
        );
        Answer::ok(&KnownCitizenAnswer::Involved(Box::new(KnownCitizenRegistered {
            id,
            cpr_masked: mask_from_birth_date(birth_date),
            already_registered: true,
            basis,
            submitted: data,
        })))
    })
}

/// Registrations of CPRs already on file by your department's staff in the
/// last 90 days, for review (managers).
#[utoipa::path(tag = "citizens", responses((status = 200, body = Vec<KnownCprRegistrationView>)))]
#[get("/known-cpr-registrations")]
pub async fn list_known_registrations(ctx: Ctx) -> JsonResult<Vec<KnownCprRegistrationView>> {
    let rows = run!(ctx, Subject::none(), |conn, audit| {
        let since = ctx.now - chrono::Duration::days(90);
        let rows = queries::list_known_registrations(conn, &ctx.department().to_string(), since).await?;
        let review = || AuditEntry::success(Action::Read, Resource::Citizen).purpose(Purpose::KnownCprReview);
        audit.listed(rows.iter().map(|(id, citizen, ..)| review().resource_id(*id).citizen(*citizen)), review());
        Ok(rows)
    });
    Ok(web::Json(
        rows.into_iter()
            .map(|(id, citizen_id, registered_by, basis, at)| KnownCprRegistrationView {
                id,
                citizen_id,
                registered_by,
                basis,
                at,
            })
            .collect(),
    ))
}

/// One citizen: the whole record (CPR masked) for an involved department's
/// staff; name, contact and language only for the citizen's mentor.
#[utoipa::path(tag = "citizens", params(("id" = Uuid, Path)),
    responses((status = 200, body = CitizenResponse, headers(("ETag" = String)))))]
#[get("/citizens/{id}")]
pub async fn find_citizen(ctx: Ctx, id: web::Path<CitizenId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let response = run!(ctx, Subject::citizen(id), |conn, audit| {
        let (row, view) = queries::find_visible(conn, &ctx.reach, id, false).await?;
        audit.record(AuditEntry::success(Action::Read, Resource::Citizen).resource_id(id).citizen(id));
        Ok(match view {
            View::Caseworker => CitizenResponse::Full(Box::new(row.into_view()?)),
            View::Mentor => CitizenResponse::Mentor(row.into_mentor_view()),
        })
    });
    Ok(match response {
        CitizenResponse::Full(view) => {
            let version = view.version;
            with_etag(HttpResponse::Ok().json(CitizenResponse::Full(view)), version)
        }
        mentor => HttpResponse::Ok().json(mentor),
    })
}

/// Change a citizen's record (caseworkers of an involved department;
/// `If-Match` required). The origin classification is recomputed.
#[utoipa::path(tag = "citizens", params(("id" = Uuid, Path), IfMatch), request_body = UpdateCitizenRequest,
    responses((status = 200, body = CitizenView, headers(("ETag" = String)))))]
#[patch("/citizens/{id}")]
pub async fn update_citizen(
    ctx: Ctx, id: web::Path<CitizenId>, Json(body): Json<UpdateCitizenRequest>, expected: IfMatch,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = run!(ctx, Subject::citizen(id), |conn, audit| {
        let (shared, view) = queries::find_visible_shared(conn, &ctx.reach, id, true).await?;
        if view != View::Caseworker {
            return Err(ApiError::NotFound);
        }
        expected.check(shared.version)?;
        let birth_date = shared.birth_date;
        let team = queries::restricted_data(conn, &ctx.reach, shared.id).await?;
        let before_shared = shared.data.clone();
        let mut row = shared;
        if let Some(team) = &team {
            team.overlay(&mut row);
        }
        let after = row.data.apply(body).validate(birth_date, ctx.today()).map_err(ApiError::Validation)?;
        match &team {
            // The team's confidential fields stay with the team.
            Some(team) => {
                queries::upsert_restricted_data(conn, id.0, team.team_id, &after, ctx.now).await?;
                let shared_after = CitizenData {
                    phone: before_shared.phone,
                    email: before_shared.email,
                    address: before_shared.address,
                    needs: before_shared.needs,
                    ..after
                };
                queries::update(conn, id, &shared_after, ctx.now).await?;
            }
            None => queries::update(conn, id, &after, ctx.now).await?,
        }
        audit.record(AuditEntry::success(Action::Update, Resource::Citizen).resource_id(id).citizen(id));
        let (row, _) = queries::find_visible(conn, &ctx.reach, id, false).await?;
        row.into_view()
    });
    let version = view.version;
    Ok(with_etag(HttpResponse::Ok().json(view), version))
}

/// Reveal the whole CPR number (caseworkers and managers of an involved
/// department), for a purpose from the fixed list: 400 without one. Audited
/// as its own action with the purpose.
#[utoipa::path(tag = "citizens", params(("id" = Uuid, Path)), request_body = RevealCprRequest,
    responses( (status = 200, body = RevealedCpr), (status = 400, description = "No purpose, or one not on the list"), ))]
#[post("/citizens/{id}/cpr")]
pub async fn reveal_cpr(
    ctx: Ctx, id: web::Path<CitizenId>, body: Option<Json<RevealCprRequest>>,
) -> JsonResult<RevealedCpr> {
    let id = id.into_inner();
    let purpose = reveal_purpose(body)?;
    let sealed = run!(ctx, Subject::citizen(id), |conn, audit| {
        let sealed = queries::sealed_cpr(conn, &ctx.reach, id).await?;
        audit.record(
            AuditEntry::success(Action::Reveal, Resource::CitizenCpr).resource_id(id).citizen(id).purpose(purpose),
        );
        Ok(sealed)
    });
    let cpr = ctx.state().vault.reveal(&sealed).map_err(ApiError::Internal)?;
    Ok(web::Json(RevealedCpr { cpr }))
}

/// The purpose of a reveal, or the 400 that names the list.
fn reveal_purpose(body: Option<Json<RevealCprRequest>>) -> ApiResult<RevealPurpose> {
    body.map(|b| b.into_inner().purpose).ok_or_else(|| {
        ApiError::BadRequest(
            "Revealing a CPR number needs a purpose: a JSON body {\"purpose\": …} with one of \
             identity_check, correspondence, authority_contact, citizen_request, record_correction."
                .into(),
        )
    })
}

/// Search the citizens your department is involved with: by CPR (exact; in
/// the body, never in a URL), or by name prefix, district and programme.
#[utoipa::path(tag = "citizens", request_body = SearchCitizensRequest,
    responses((status = 200, body = Page<CitizenSummary>)))]
#[post("/citizens/search")]
pub async fn search_citizens(ctx: Ctx, Json(body): Json<SearchCitizensRequest>) -> JsonResult<Page<CitizenSummary>> {
    let page = PageParams { limit: body.limit, cursor: body.cursor.clone() };
    let (after, limit) = (page.after()?, page.limit()?);
    let filters = body.name.is_some() || body.district.is_some() || body.programme.is_some();
    let lookup_hash = match &body.cpr {
        Some(_) if filters => {
            return Err(ApiError::invalid("cpr", "exclusive", "search by CPR alone, or by the other filters"))
        }
        Some(cpr) => {
            let cpr = Cpr::parse(cpr).map_err(|e| ApiError::invalid("cpr", "invalid", e.to_string()))?;
            Some(ctx.state().vault.lookup_hash(&cpr))
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
    let name = body.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 100) {
        return Err(ApiError::invalid("name", "too_long", "at most 100 characters"));
    }
    let by = match &lookup_hash {
        Some(hash) => SearchBy::LookupHash(hash),
        None => SearchBy::Filters { name, district: body.district, programme: body.programme.as_deref() },
    };
    let reason = if lookup_hash.is_some() { Purpose::CprLookup } else { Purpose::Search };
    let rows = run!(ctx, Subject::none(), |conn, audit| {
        let rows = queries::search(conn, &ctx.reach, by, after, limit).await?;
        let searched = || AuditEntry::success(Action::Search, Resource::Citizen).purpose(reason);
        audit.listed(rows.iter().take(limit as usize).map(|r| searched().resource_id(r.id).citizen(r.id)), searched());
        Ok(rows)
    });
    let page = Page::from_rows(rows, limit, |r| r.id);
    Ok(web::Json(Page {
        items: page.items.into_iter().map(queries::CitizenRow::summary).collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    }))
}
