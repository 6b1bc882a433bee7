//! HTTP handlers for journal notes: parse, run the work in the request's
//! pipeline (`request::Ctx::run`), answer the view.

use actix_web::{get, post, web};
use diesel_async::AsyncPgConnection;

use super::dto::{CreateNoteRequest, NoteKind, NoteView};
use super::queries::{self, NewNote, NoteRow};
use crate::audit::{Action, Resource};
use crate::domain::{EnrolmentId, NoteId};
use crate::enrolments::handlers::{enrolment, may_write};
use crate::enrolments::queries::{self as enrolments, EnrolmentRow};
use crate::error::{ApiError, ApiResult, JsonResult};
use crate::http::{Json, Page, PageParams, Query};
use crate::idempotency::Answer;
use crate::request::{create, run, Ctx, Subject};
use crate::risk_assessments::queries::check_family_contact;
use crate::scope::View;

/// Write a journal note (caseworkers of the department, and the enrolment's
/// mentor).
#[utoipa::path(tag = "notes", params(("id" = Uuid, Path, description = "The enrolment")),
    request_body = CreateNoteRequest, responses((status = 201, body = NoteView, headers(("Location" = String)))))]
#[post("/enrolments/{id}/notes")]
pub async fn create_note(
    ctx: Ctx, id: web::Path<EnrolmentId>, Json(body): Json<CreateNoteRequest>,
) -> ApiResult<Answer> {
    let id = id.into_inner();
    body.validate(ctx.now)?;
    create!(ctx, enrolment(id), &body, |conn, audit| {
        let (row, view) = enrolments::find_visible(conn, &ctx.reach, id, true).await?;
        if !may_write(&ctx.actor, view) {
            return Err(ApiError::NotFound);
        }
        let note = write_note(conn, ctx, &row, view, &body).await?;
        audit.record(row.audited(Action::Create, Resource::Note).resource_id(note.id));
        let location = format!("/api/v1/notes/{}", note.id);
        Ok(Answer::created(&note.into_view(None)?)?.at(location))
    })
}

/// Writes a new note on the enrolment, seen by the author as `view`: the
/// Barnets Lov interlock for contact with a child's parents, and a
/// correction only of a current note on the same enrolment (a mentor's: of
/// their own).
async fn write_note(
    conn: &mut AsyncPgConnection, ctx: &Ctx, enrolment: &EnrolmentRow, view: View, body: &CreateNoteRequest,
) -> ApiResult<NoteRow> {
    let author = ctx.actor.user_id;
    if body.kind == NoteKind::ParentContact {
        check_family_contact(conn, enrolment, ctx.today()).await?;
    }
    let supersedes: Option<NoteId> = body.supersedes.map(Into::into);
    if let Some(old) = supersedes {
        let Some(old_author) = queries::author_on(conn, old, enrolment.id).await? else {
            return Err(ApiError::invalid("supersedes", "unknown", "no such note on this enrolment"));
        };
        if view == View::Mentor && old_author != author {
            return Err(ApiError::invalid("supersedes", "not_yours", "a mentor corrects only their own notes"));
        }
        if queries::superseded_by(conn, old).await?.is_some() {
            return Err(ApiError::Conflict("That note is already corrected; correct the current one.".into()));
        }
    }
    let new = NewNote {
        enrolment_id: enrolment.id,
        citizen_id: enrolment.citizen_id,
        author_id: author,
        kind: body.kind,
        occurred_at: body.occurred_at,
        text: body.text.trim(),
        measures: serde_json::Value::Object(body.measures.clone()),
        shared_with_mentor: body.shared_with_mentor,
        supersedes,
        correction_reason: body.correction_reason.as_deref().map(str::trim),
    };
    queries::insert(conn, new, ctx.now).await
}

/// One journal note, where a new note's `Location` points: to whoever may
/// read the enrolment's journal (a mentor: their own notes and those shared
/// with mentors, on the enrolment they mentor).
#[utoipa::path(tag = "notes", params(("id" = Uuid, Path, description = "The note")),
    responses((status = 200, body = NoteView)))]
#[get("/notes/{id}")]
pub async fn find_note(ctx: Ctx, id: web::Path<NoteId>) -> JsonResult<NoteView> {
    let id = id.into_inner();
    let note = run!(ctx, Subject::new(Resource::Note, id), |conn, audit| {
        let enrolment = queries::enrolment_of(conn, id).await?.ok_or(ApiError::NotFound)?;
        let (row, view) = enrolments::find_visible(conn, &ctx.reach, enrolment, false).await?;
        let mentor = (view == View::Mentor).then_some(ctx.actor.user_id);
        let (note, by) = queries::find(conn, enrolment, id, mentor).await?.ok_or(ApiError::NotFound)?;
        audit.record(row.audited(Action::Read, Resource::Note).resource_id(id));
        note.into_view(by)
    });
    Ok(web::Json(note))
}

/// The enrolment's journal, newest first, with superseded notes marked.
#[utoipa::path(tag = "notes", params(("id" = Uuid, Path, description = "The enrolment"), PageParams),
    responses((status = 200, body = Page<NoteView>)))]
#[get("/enrolments/{id}/notes")]
pub async fn list_notes(ctx: Ctx, id: web::Path<EnrolmentId>, page: Query<PageParams>) -> JsonResult<Page<NoteView>> {
    let id = id.into_inner();
    let (after, limit) = (page.after()?, page.limit()?);
    let rows = run!(ctx, enrolment(id), |conn, audit| {
        let (row, view) = enrolments::find_visible(conn, &ctx.reach, id, false).await?;
        let mentor = (view == View::Mentor).then_some(ctx.actor.user_id);
        let rows = queries::list(conn, id, after, limit + 1, mentor).await?;
        audit.record(row.audited(Action::Read, Resource::Note).resource_id(id));
        Ok(rows)
    });
    let page = Page::from_rows(rows, limit, |(n, _)| n.id.into());
    Ok(web::Json(Page {
        items: page.items.into_iter().map(|(n, by)| n.into_view(by)).collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    }))
}
