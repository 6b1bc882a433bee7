//! HTTP handlers for referrals: parse, run the work in the request's
//! pipeline (`request::Ctx::run`), answer the view.

use actix_web::{get, post, web};
use diesel_async::AsyncPgConnection;

use super::domain::{self, Decision};
use super::dto::*;
use super::queries::{self, Decided, NewReferral, ReferralRow};
use crate::audit::{Action, AuditEntry, Purpose, Resource};
use crate::citizens::queries as citizens;
use crate::consents::queries as consents;
use crate::domain::{CitizenId, ConsentId, EnrolmentId, ReferralId};
use crate::enrolments::queries::{self as enrolments, Opening};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{bounded_text, Json, Page, PageParams, Query};
use crate::idempotency::Answer;
use crate::programmes::queries as programmes;
use crate::request::{create, run, Ctx, Subject};

fn read_entry(r: &ReferralRow) -> AuditEntry {
    AuditEntry::success(Action::Read, Resource::Referral).resource_id(r.id).citizen(r.citizen_id)
}

/// The referral, locked, once the caller's department may make `decision`
/// on it now.
async fn waiting(
    conn: &mut AsyncPgConnection, ctx: &Ctx, id: ReferralId, decision: Decision,
) -> ApiResult<ReferralRow> {
    let row = queries::find(conn, &ctx.reach, id, true).await?;
    decision.check(ctx.department(), &row.from_department, &row.to_department, row.status()?)?;
    Ok(row)
}

/// Refer a citizen you work with to another department's programme, on the
/// citizen's consent or a stated legal basis (caseworkers).
#[utoipa::path(tag = "referrals", request_body = SendReferralRequest,
    responses((status = 201, body = ReferralView, headers(("Location" = String)))))]
#[post("/referrals")]
pub async fn send_referral(ctx: Ctx, Json(body): Json<SendReferralRequest>) -> ApiResult<Answer> {
    let reason = bounded_text("reason", &body.reason, 1, 4000)?;
    let legal_basis = body.legal_basis.as_deref().map(|b| bounded_text("legal_basis", b, 1, 500)).transpose()?;
    if body.consent_id.is_none() && legal_basis.is_none() {
        return Err(ApiError::invalid(
            "legal_basis",
            "required",
            "a referral needs the citizen's consent (consent_id) or a stated legal basis (legal_basis)",
        ));
    }
    let citizen = CitizenId(body.citizen_id);
    let consent = body.consent_id.map(ConsentId);
    create!(ctx, Subject::citizen(citizen), &body, |conn, audit| {
        citizens::find_for_caseworker(conn, &ctx.reach, citizen, false).await?;
        let programme = programmes::find_requested(conn, &body.programme_code).await?;
        domain::check_receiving(&programme, ctx.department())?;
        let to = programme.department;
        if let Some(consent) = consent {
            let found = match consents::find(conn, citizen, consent, false).await {
                Err(ApiError::NotFound) => None,
                other => Some(other?),
            };
            domain::check_consent(found.as_ref(), to, ctx.now)?;
        }
        if queries::waiting_exists(conn, citizen, &programme.code).await? {
            return Err(ApiError::Conflict(
                "The citizen is already referred to this programme and waiting for a decision.".into(),
            ));
        }
        let new = NewReferral {
            citizen_id: citizen,
            programme_code: &programme.code,
            from_department: ctx.department(),
            to_department: to,
            sent_by: ctx.actor.user_id,
            reason: &reason,
            consent_id: consent,
            legal_basis: legal_basis.as_deref(),
        };
        let row = queries::insert(conn, new, ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::Create, Resource::Referral)
                .resource_id(row.id)
                .citizen(citizen)
                .purpose(Purpose::ReferralSent),
        );
        let view = queries::view(conn, row).await?;
        Ok(Answer::created(&view)?.at(format!("/api/v1/referrals/{}", view.id)))
    })
}

/// Your department's referrals: the inbox (`direction=incoming`, default) or
/// the ones it sent (`outgoing`), oldest first.
#[utoipa::path(tag = "referrals", params(ReferralListParams), responses((status = 200, body = Page<ReferralView>)))]
#[get("/referrals")]
pub async fn list_referrals(ctx: Ctx, params: Query<ReferralListParams>) -> JsonResult<Page<ReferralView>> {
    let params = params.into_inner();
    let page = PageParams { limit: params.limit, cursor: params.cursor };
    let (limit, after) = (page.limit()?, page.after()?.map(ReferralId));
    let direction = params.direction.unwrap_or_default();
    let page = run!(ctx, Subject::none(), |conn, audit| {
        let rows = queries::list(conn, &ctx.reach, ctx.department(), direction, params.status, after, limit).await?;
        let page = Page::from_rows(rows, limit, |r| r.id.0);
        audit.listed(page.items.iter().map(read_entry), AuditEntry::success(Action::Read, Resource::Referral));
        Ok(Page { items: queries::views(conn, page.items).await?, next_cursor: page.next_cursor })
    });
    Ok(web::Json(page))
}

/// One referral your department sent or received.
#[utoipa::path(tag = "referrals", params(("id" = Uuid, Path)), responses((status = 200, body = ReferralView)))]
#[get("/referrals/{id}")]
pub async fn find_referral(ctx: Ctx, id: web::Path<ReferralId>) -> JsonResult<ReferralView> {
    let id = id.into_inner();
    let view = run!(ctx, Subject::new(Resource::Referral, id), |conn, audit| {
        let row = queries::find(conn, &ctx.reach, id, false).await?;
        audit.record(read_entry(&row));
        queries::view(conn, row).await
    });
    Ok(web::Json(view))
}

/// Accept a referral to your department: your department becomes involved
/// with the citizen and the enrolment is created (caseworkers of the
/// receiving department).
#[utoipa::path(tag = "referrals", params(("id" = Uuid, Path)), request_body = AcceptReferralRequest,
    responses((status = 200, body = ReferralView)))]
#[post("/referrals/{id}/accept")]
pub async fn accept_referral(
    ctx: Ctx, id: web::Path<ReferralId>, body: Json<AcceptReferralRequest>,
) -> JsonResult<ReferralView> {
    let acceptance = body.into_inner().validate(ctx.today())?;
    decide(&ctx, id.into_inner(), Decision::Accept, None, Some(acceptance)).await
}

/// Decline a referral to your department, with a reason the sender sees.
#[utoipa::path(tag = "referrals", params(("id" = Uuid, Path)), request_body = DeclineReferralRequest,
    responses((status = 200, body = ReferralView)))]
#[post("/referrals/{id}/decline")]
pub async fn decline_referral(
    ctx: Ctx, id: web::Path<ReferralId>, body: Json<DeclineReferralRequest>,
) -> JsonResult<ReferralView> {
    let reason = bounded_text("reason", &body.reason, 1, 2000)?;
    decide(&ctx, id.into_inner(), Decision::Decline, Some(reason), None).await
}

/// Withdraw a referral your department sent, while it waits for a decision.
#[utoipa::path(tag = "referrals", params(("id" = Uuid, Path)), request_body = WithdrawReferralRequest,
    responses((status = 200, body = ReferralView)))]
#[post("/referrals/{id}/withdraw")]
pub async fn withdraw_referral(
    ctx: Ctx, id: web::Path<ReferralId>, body: Json<WithdrawReferralRequest>,
) -> JsonResult<ReferralView> {
    let reason = body.into_inner().reason.map(|r| bounded_text("reason", &r, 1, 2000)).transpose()?;
    decide(&ctx, id.into_inner(), Decision::Withdraw, reason, None).await
}

/// Makes a decision on a waiting referral: accepting (with `acceptance`)
/// opens the receiving department's enrolment first, declining and
/// withdrawing close it with `reason`.
async fn decide(
    ctx: &Ctx, id: ReferralId, decision: Decision, reason: Option<String>, acceptance: Option<Acceptance>,
) -> JsonResult<ReferralView> {
    let view = run!(ctx, Subject::new(Resource::Referral, id), |conn, audit| {
        let row = waiting(conn, ctx, id, decision).await?;
        let enrolment = match &acceptance {
            Some(a) => Some(open_enrolment(conn, ctx, &row, a).await?),
            None => None,
        };
        let decided =
            Decided { status: decision.outcome(), by: ctx.actor.user_id, reason: reason.as_deref(), enrolment };
        let row = queries::decide(conn, id, decided, ctx.now).await?;
        audit.record(
            AuditEntry::success(Action::Update, Resource::Referral)
                .resource_id(id)
                .citizen(row.citizen_id)
                .purpose(decision.purpose()),
        );
        if let Some(enrolment) = enrolment {
            audit.record(
                AuditEntry::success(Action::Create, Resource::Enrolment)
                    .resource_id(enrolment)
                    .citizen(row.citizen_id)
                    .purpose(Purpose::FromReferral),
            );
        }
        queries::view(conn, row).await
    });
    Ok(web::Json(view))
}

/// Opens the enrolment an accepted referral asks for, in the caller's
/// department (which the opening makes involved with the citizen).
async fn open_enrolment(
    conn: &mut AsyncPgConnection, ctx: &Ctx, referral: &ReferralRow, a: &Acceptance,
) -> ApiResult<EnrolmentId> {
    let programme = programmes::find(conn, &referral.programme_code).await?;
    let opening = Opening {
        citizen_id: referral.citizen_id,
        programme: &programme,
        department: ctx.department().as_str(),
        caller: ctx.actor.user_id,
        team_id: a.team_id.map(Into::into),
        responsible_caseworker_id: a.responsible_caseworker_id.map(Into::into),
        status: a.status,
        start_date: a.start_date,
        goals: &a.goals,
        basis: "referral",
    };
    enrolments::open(conn, &ctx.reach, opening, ctx.now).await
}
