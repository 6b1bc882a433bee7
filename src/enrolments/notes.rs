//! Journal notes: append-only, corrected by superseding notes, retried safely
//! with `Idempotency-Key`. A mentor reads their own notes and those shared
//! with mentors, on the enrolment they mentor.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{CreateNoteRequest, NoteKind, NoteView};
use super::handlers::may_write;
use super::queries as enrolments;
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::Actor;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::http::{bounded_text, Page, PageParams};
use crate::schema::{enrolments as enrolments_table, notes};
use crate::scope::{Reach, View};
use crate::state::AppState;

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = notes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct NoteRow {
    id: Uuid,
    enrolment_id: Uuid,
    author_id: Uuid,
    kind: String,
    occurred_at: DateTime<Utc>,
    text: String,
    measures: serde_json::Value,
    shared_with_mentor: bool,
    supersedes: Option<Uuid>,
    correction_reason: Option<String>,
    created_at: DateTime<Utc>,
}

impl NoteRow {
    fn into_view(self, superseded_by: Option<Uuid>) -> ApiResult<NoteView> {
        Ok(NoteView {
            kind: NoteKind::parse(&self.kind).ok_or_else(|| {
                ApiError::internal(anyhow::anyhow!("unknown note kind in the database"))
            })?,
            current: superseded_by.is_none(),
            superseded_by,
            id: self.id,
            enrolment_id: self.enrolment_id,
            author_id: self.author_id,
            occurred_at: self.occurred_at,
            text: self.text,
            measures: self.measures,
            shared_with_mentor: self.shared_with_mentor,
            supersedes: self.supersedes,
            correction_reason: self.correction_reason,
            created_at: self.created_at,
        })
    }
}

fn validate(body: &CreateNoteRequest, now: DateTime<Utc>) -> ApiResult<()> {
    bounded_text("text", &body.text, 1, 20_000)?;
    if body.occurred_at > now + chrono::Duration::minutes(5) {
        return Err(ApiError::invalid(
            "occurred_at",
            "in_future",
            "cannot be in the future",
        ));
    }
    let flat = body.measures.len() <= 20
        && body.measures.iter().all(|(k, v)| {
            k.len() <= 64
                && match v {
                    serde_json::Value::Number(_) | serde_json::Value::Bool(_) => true,
                    serde_json::Value::String(s) => s.chars().count() <= 200,
                    _ => false,
                }
        });
    if !flat {
        return Err(ApiError::invalid(
            "measures",
            "invalid",
            "a flat object of at most 20 numbers, booleans or short strings",
        ));
    }
    match (&body.supersedes, &body.correction_reason) {
        (None, None) => Ok(()),
        (Some(_), Some(r)) if !r.trim().is_empty() && r.chars().count() <= 2000 => Ok(()),
        _ => Err(ApiError::invalid(
            "correction_reason",
            "required",
            "a correction names the note it supersedes and a reason (1–2000 characters)",
        )),
    }
}

fn idempotency_key(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::BadRequest("Idempotency-Key must be visible ASCII.".into()))?;
    if key.is_empty() || key.len() > 128 {
        return Err(ApiError::BadRequest(
            "Idempotency-Key must be 1–128 characters.".into(),
        ));
    }
    Ok(Some(key.to_string()))
}

async fn superseded_by(conn: &mut AsyncPgConnection, id: Uuid) -> ApiResult<Option<Uuid>> {
    Ok(notes::table
        .filter(notes::supersedes.eq(id))
        .select(notes::id)
        .first(conn)
        .await
        .optional()?)
}

/// Write a journal note (caseworkers of the department, and the enrolment's
/// mentor). Send `Idempotency-Key` so that a retry is not written twice.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The enrolment"),
           ("Idempotency-Key" = Option<String>, Header, description = "Repeat a POST safely: the same key and body answer the first result")),
    request_body = CreateNoteRequest,
    responses((status = 201, body = NoteView, headers(("Location" = String)))),
)]
#[post("/enrolments/{id}/notes")]
pub async fn create_note(
    state: web::Data<AppState>,
    actor: Actor,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: web::Json<CreateNoteRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = body.into_inner();
    let now = state.clock.now();
    validate(&body, now)?;
    let key = idempotency_key(&req)?;
    // The request's fingerprint, to tell a retry from a different request.
    let hash = ring::digest::digest(
        &ring::digest::SHA256,
        &serde_json::to_vec(&body).map_err(ApiError::internal)?,
    )
    .as_ref()
    .to_vec();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let writer = actor.clone();
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let (row, view) = enrolments::find_visible(conn, &reach, id, true).await?;
            if !may_write(&writer, view) {
                return Err(ApiError::NotFound);
            }
            let author = writer.user_id.0;
            if let Some(key) = &key {
                let earlier: Option<(NoteRow, Option<Vec<u8>>)> = notes::table
                    .filter(notes::author_id.eq(author))
                    .filter(notes::idempotency_key.eq(key))
                    .select((NoteRow::as_select(), notes::request_hash))
                    .first(conn)
                    .await
                    .optional()?;
                if let Some((note, earlier_hash)) = earlier {
                    if earlier_hash.as_deref() != Some(&hash[..]) || note.enrolment_id != id {
                        return Err(ApiError::Conflict(
                            "This Idempotency-Key was used for a different request.".into(),
                        ));
                    }
                    let by = superseded_by(conn, note.id).await?;
                    return note.into_view(by);
                }
            }
            if body.kind == NoteKind::ParentContact {
                super::risk::check_family_contact(conn, &row, now.date_naive()).await?;
            }
            if let Some(old) = body.supersedes {
                let target: Option<(Uuid, Uuid, bool)> = notes::table
                    .find(old)
                    .filter(notes::enrolment_id.eq(id))
                    .select((notes::author_id, notes::id, notes::shared_with_mentor))
                    .first(conn)
                    .await
                    .optional()?;
                let Some((old_author, _, _)) = target else {
                    return Err(ApiError::invalid(
                        "supersedes",
                        "unknown",
                        "no such note on this enrolment",
                    ));
                };
                if view == View::Mentor && old_author != author {
                    return Err(ApiError::invalid(
                        "supersedes",
                        "not_yours",
                        "a mentor corrects only their own notes",
                    ));
                }
                if superseded_by(conn, old).await?.is_some() {
                    return Err(ApiError::Conflict(
                        "That note is already corrected; correct the current one.".into(),
                    ));
                }
            }
            let note_id = Uuid::now_v7();
            diesel::insert_into(notes::table)
                .values((
                    notes::id.eq(note_id),
                    notes::enrolment_id.eq(id),
                    notes::citizen_id.eq(row.citizen_id),
                    notes::author_id.eq(author),
                    notes::kind.eq(body.kind.as_str()),
                    notes::occurred_at.eq(body.occurred_at),
                    notes::text.eq(body.text.trim()),
                    notes::measures.eq(serde_json::Value::Object(body.measures.clone())),
                    notes::shared_with_mentor.eq(body.shared_with_mentor),
                    notes::supersedes.eq(body.supersedes),
                    notes::correction_reason.eq(body.correction_reason.as_deref().map(str::trim)),
                    notes::created_at.eq(now),
                    notes::idempotency_key.eq(&key),
                    notes::request_hash.eq(key.as_ref().map(|_| hash.clone())),
                ))
                .execute(conn)
                .await?;
            diesel::update(enrolments_table::table.find(id))
                .set(enrolments_table::last_note_at.eq(now))
                .execute(conn)
                .await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Create, Resource::Note, Outcome::Success)
                    .resource_id(note_id)
                    .citizen(row.citizen_id),
            )
            .await?;
            let note: NoteRow = notes::table
                .find(note_id)
                .select(NoteRow::as_select())
                .first(conn)
                .await?;
            note.into_view(None)
        }
        .scope_boxed()
    })
    .await;
    let note =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/enrolments/{id}/notes/{}", note.id),
        ))
        .json(note))
}

/// The enrolment's journal, newest first, with superseded notes marked.
#[utoipa::path(
    tag = "notes",
    params(("id" = Uuid, Path, description = "The enrolment"), PageParams),
    responses((status = 200, body = Page<NoteView>)),
)]
#[get("/enrolments/{id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> ApiResult<web::Json<Page<NoteView>>> {
    let id = id.into_inner();
    let (after, limit) = (page.after()?, page.limit()?);
    let now = state.clock.now();
    let who = AuditActor::from(&actor);
    let reach = Reach::of(&actor);
    let reader = actor.user_id.0;
    let result = db::transaction(&state.pool, (&actor).into(), move |conn| {
        async move {
            let (row, view) = enrolments::find_visible(conn, &reach, id, false).await?;
            let later = diesel::alias!(notes as later);
            let mut query = notes::table
                .left_join(later.on(later.field(notes::supersedes).eq(notes::id.nullable())))
                .filter(notes::enrolment_id.eq(id))
                .select((NoteRow::as_select(), later.field(notes::id).nullable()))
                .order(notes::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(after) = after {
                query = query.filter(notes::id.lt(after));
            }
            if view == View::Mentor {
                query = query.filter(
                    notes::author_id
                        .eq(reader)
                        .or(notes::shared_with_mentor.eq(true)),
                );
            }
            let rows: Vec<(NoteRow, Option<Uuid>)> = query.load(conn).await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Read, Resource::Note, Outcome::Success)
                    .resource_id(id)
                    .citizen(row.citizen_id),
            )
            .await?;
            Ok(rows)
        }
        .scope_boxed()
    })
    .await;
    let rows =
        crate::request::on_not_found(&state, &actor, Resource::Enrolment, id, None, result).await?;
    let page = Page::from_rows(rows, limit, |(n, _)| n.id);
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|(n, by)| n.into_view(by))
            .collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    }))
}
