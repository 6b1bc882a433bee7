//! HTTP handlers for consents and the enrolment summaries they open.

use actix_web::http::header;
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::queries::{self, ConsentView, EnrolmentSummary};
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::citizens::queries as citizens;
use crate::db;
use crate::domain::DepartmentCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::http::{bounded_field, bounded_text};
use crate::org::dto::Errors;
use crate::schema::consents;
use crate::scope::Reach;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordConsentRequest {
    /// What the citizen consented to, in their words or the form's.
    pub purpose: String,
    /// The departments that may share with each other (at least one).
    pub departments: Vec<String>,
    pub given_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// Where the signed consent is filed (journal number).
    pub document_reference: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawConsentRequest {
    /// How the citizen withdrew it (optional).
    pub reason: Option<String>,
}

/// Record a citizen's consent (caseworkers of a department that works with
/// the citizen).
#[utoipa::path(
    tag = "consents",
    params(("id" = Uuid, Path, description = "The citizen")),
    request_body = RecordConsentRequest,
    responses((status = 201, body = ConsentView, headers(("Location" = String)))),
)]
#[post("/citizens/{id}/consents")]
pub async fn record_consent(
    state: web::Data<AppState>,
    actor: Actor,
    citizen: web::Path<Uuid>,
    body: web::Json<RecordConsentRequest>,
) -> ApiResult<HttpResponse> {
    let citizen = citizen.into_inner();
    let body = body.into_inner();
    let now = actor.now;
    let mut errors = Errors::default();
    let purpose = errors.check(bounded_field("purpose", &body.purpose, 1, 2000));
    let reference = errors.check(bounded_field(
        "document_reference",
        &body.document_reference,
        1,
        200,
    ));
    let mut departments: Vec<String> = body
        .departments
        .iter()
        .map(|d| d.trim().to_string())
        .collect();
    departments.sort();
    departments.dedup();
    if departments.is_empty() {
        errors.push(FieldError::new(
            "departments",
            "required",
            "name at least one department",
        ));
    } else if departments
        .iter()
        .any(|d| d.parse::<DepartmentCode>().is_err())
    {
        errors.push(FieldError::new(
            "departments",
            "unknown",
            "department codes: bif, buf, kff, sof, suf, tmf, okf",
        ));
    }
    if body.given_at > now {
        errors.push(FieldError::new(
            "given_at",
            "in_future",
            "a consent cannot be given in the future",
        ));
    }
    if body.expires_at <= body.given_at {
        errors.push(FieldError::new(
            "expires_at",
            "before_given",
            "must be after given_at",
        ));
    } else if body.expires_at <= now {
        errors.push(FieldError::new(
            "expires_at",
            "expired",
            "the consent has already expired",
        ));
    }
    errors.finish()?;
    let (Some(purpose), Some(reference)) = (purpose, reference) else {
        return Err(ApiError::internal(anyhow::anyhow!(
            "validation let a field through"
        )));
    };
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let (user, department) = (actor.user_id.0, actor.department.to_string());
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_for_caseworker(conn, &reach, citizen.into(), false).await?;
            let id = Uuid::now_v7();
            diesel::insert_into(consents::table)
                .values((
                    consents::id.eq(id),
                    consents::citizen_id.eq(citizen),
                    consents::purpose.eq(&purpose),
                    consents::departments.eq(&departments),
                    consents::given_at.eq(body.given_at),
                    consents::expires_at.eq(body.expires_at),
                    consents::document_reference.eq(&reference),
                    consents::recorded_by.eq(user),
                    consents::recorded_department.eq(&department),
                    consents::recorded_at.eq(now),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Consent, Outcome::Success)
                    .resource_id(id)
                    .citizen(citizen),
            )
            .await?;
            Ok(queries::find(conn, citizen, id, false)
                .await?
                .into_view(now))
        }
        .scope_boxed()
    })
    .await;
    let view = crate::request::on_not_found(
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
            format!("/api/v1/citizens/{citizen}/consents/{}", view.id),
        ))
        .json(view))
}

/// A citizen's consents, withdrawn and expired ones included.
#[utoipa::path(
    tag = "consents",
    params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<ConsentView>)),
)]
#[get("/citizens/{id}/consents")]
pub async fn list_consents(
    state: web::Data<AppState>,
    actor: Actor,
    citizen: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ConsentView>>> {
    let citizen = citizen.into_inner();
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_for_caseworker(conn, &reach, citizen.into(), false).await?;
            let rows = queries::list(conn, citizen).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::Consent, Outcome::Success)
                    .resource_id(citizen)
                    .citizen(citizen),
            )
            .await?;
            Ok(rows.into_iter().map(|r| r.into_view(now)).collect())
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(
            &state,
            &actor,
            Resource::Citizen,
            citizen,
            Some(citizen),
            result,
        )
        .await?,
    ))
}

/// Withdraw a consent. What it showed other departments is gone on their
/// next request; the record stays.
#[utoipa::path(
    tag = "consents",
    params(("id" = Uuid, Path, description = "The citizen"), ("consent_id" = Uuid, Path)),
    request_body = WithdrawConsentRequest,
    responses((status = 200, body = ConsentView)),
)]
#[post("/citizens/{id}/consents/{consent_id}/withdraw")]
pub async fn withdraw_consent(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<WithdrawConsentRequest>,
) -> ApiResult<web::Json<ConsentView>> {
    let (citizen, id) = path.into_inner();
    let reason = body
        .into_inner()
        .reason
        .map(|r| bounded_text("reason", &r, 1, 2000))
        .transpose()?;
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let user = actor.user_id.0;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_for_caseworker(conn, &reach, citizen.into(), false).await?;
            let row = queries::find(conn, citizen, id, true).await?;
            if row.withdrawn_at.is_some() {
                return Err(ApiError::Conflict(
                    "The consent is already withdrawn.".into(),
                ));
            }
            diesel::update(consents::table.find(id))
                .set((
                    consents::withdrawn_at.eq(now),
                    consents::withdrawn_by.eq(user),
                    consents::withdrawal_reason.eq(&reason),
                ))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Update, Resource::Consent, Outcome::Success)
                    .resource_id(id)
                    .citizen(citizen)
                    .reason("withdrawn"),
            )
            .await?;
            Ok(queries::find(conn, citizen, id, false)
                .await?
                .into_view(now))
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(&state, &actor, Resource::Consent, id, Some(citizen), result)
            .await?,
    ))
}

/// Other departments' enrolments of the citizen that a valid consent covering
/// your department shows you: programme, status, dates and team, never
/// notes. Empty without such a consent; never a restricted enrolment.
#[utoipa::path(
    tag = "consents",
    params(("id" = Uuid, Path, description = "The citizen")),
    responses((status = 200, body = Vec<EnrolmentSummary>)),
)]
#[get("/citizens/{id}/enrolment-summaries")]
pub async fn enrolment_summaries(
    state: web::Data<AppState>,
    actor: Actor,
    citizen: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<EnrolmentSummary>>> {
    let citizen = citizen.into_inner();
    let now = actor.now;
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            citizens::find_for_caseworker(conn, &reach, citizen.into(), false).await?;
            let summaries = queries::summaries(conn, citizen, now).await?;
            let mut consents: Vec<String> =
                summaries.iter().map(|s| s.consent_id.to_string()).collect();
            consents.sort();
            consents.dedup();
            let mut entry =
                AuditEntry::new(Action::Read, Resource::EnrolmentSummary, Outcome::Success)
                    .resource_id(citizen)
                    .citizen(citizen);
            if !consents.is_empty() {
                entry = entry.reason(format!("consent {}", consents.join(", ")));
            }
            audit::record(conn, now, &who, entry).await?;
            Ok(summaries)
        }
        .scope_boxed()
    })
    .await;
    Ok(web::Json(
        crate::request::on_not_found(
            &state,
            &actor,
            Resource::Citizen,
            citizen,
            Some(citizen),
            result,
        )
        .await?,
    ))
}
