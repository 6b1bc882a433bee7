//! Database access for journal notes. Reach is checked on the enrolment
//! first (`enrolments::queries::find_visible`); these queries work within it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::dto::{NoteKind, NoteView};
use crate::domain::{CitizenId, EnrolmentId, NoteId, UserId};
use crate::error::{ApiError, ApiResult};
use crate::schema::notes;

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = notes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct NoteRow {
    pub id: NoteId,
    pub enrolment_id: EnrolmentId,
    pub author_id: UserId,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub text: String,
    pub measures: serde_json::Value,
    pub shared_with_mentor: bool,
    pub supersedes: Option<NoteId>,
    pub correction_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl NoteRow {
    pub fn into_view(self, superseded_by: Option<NoteId>) -> ApiResult<NoteView> {
        Ok(NoteView {
            kind: NoteKind::parse(&self.kind)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown note kind in the database")))?,
            current: superseded_by.is_none(),
            superseded_by: superseded_by.map(Into::into),
            id: self.id.into(),
            enrolment_id: self.enrolment_id.into(),
            author_id: self.author_id.into(),
            occurred_at: self.occurred_at,
            text: self.text,
            measures: self.measures,
            shared_with_mentor: self.shared_with_mentor,
            supersedes: self.supersedes.map(Into::into),
            correction_reason: self.correction_reason,
            created_at: self.created_at,
        })
    }
}

/// A note to write.
pub struct NewNote<'a> {
    pub enrolment_id: EnrolmentId,
    pub citizen_id: CitizenId,
    pub author_id: UserId,
    pub kind: NoteKind,
    pub occurred_at: DateTime<Utc>,
    pub text: &'a str,
    pub measures: serde_json::Value,
    pub shared_with_mentor: bool,
    pub supersedes: Option<NoteId>,
    pub correction_reason: Option<&'a str>,
}

/// Inserts the note and stamps the enrolment's `last_note_at` (the
/// caseload's "days since the last note").
pub async fn insert(conn: &mut AsyncPgConnection, new: NewNote<'_>, now: DateTime<Utc>) -> ApiResult<NoteRow> {
    let row = diesel::insert_into(notes::table)
        .values((
            notes::id.eq(Uuid::now_v7()),
            notes::enrolment_id.eq(new.enrolment_id),
            notes::citizen_id.eq(new.citizen_id),
            notes::author_id.eq(new.author_id),
            notes::kind.eq(new.kind.as_str()),
            notes::occurred_at.eq(new.occurred_at),
            notes::text.eq(new.text),
            notes::measures.eq(new.measures),
            notes::shared_with_mentor.eq(new.shared_with_mentor),
            notes::supersedes.eq(new.supersedes),
            notes::correction_reason.eq(new.correction_reason),
            notes::created_at.eq(now),
        ))
        .returning(NoteRow::as_returning())
        .get_result(conn)
        .await?;
    // Static SQL that stays prepared (diesel never caches an UPDATE).
    crate::db::prepared("UPDATE enrolments SET last_note_at = $1 WHERE id = $2")
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .bind::<diesel::sql_types::Uuid, _>(new.enrolment_id)
        .execute(conn)
        .await?;
    Ok(row)
}

/// The enrolment a note is on, if the caller's row-level security shows it.
pub async fn enrolment_of(conn: &mut AsyncPgConnection, note: NoteId) -> ApiResult<Option<EnrolmentId>> {
    Ok(notes::table.find(note).select(notes::enrolment_id).first(conn).await.optional()?)
}

/// The author of a note on the enrolment, if it is one.
pub async fn author_on(
    conn: &mut AsyncPgConnection, note: NoteId, enrolment: EnrolmentId,
) -> ApiResult<Option<UserId>> {
    Ok(notes::table
        .find(note)
        .filter(notes::enrolment_id.eq(enrolment))
        .select(notes::author_id)
        .first(conn)
        .await
        .optional()?)
}

/// The note that supersedes `note`, if any (there is at most one).
pub async fn superseded_by(conn: &mut AsyncPgConnection, note: NoteId) -> ApiResult<Option<NoteId>> {
    Ok(notes::table.filter(notes::supersedes.eq(note)).select(notes::id).first(conn).await.optional()?)
}

/// Up to `limit` notes of the enrolment, newest first, after the cursor,
/// each with the note that supersedes it. `mentor`: only that mentor's
/// own notes and those shared with mentors.
pub async fn list(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, after: Option<Uuid>, limit: i64, mentor: Option<UserId>,
) -> ApiResult<Vec<(NoteRow, Option<NoteId>)>> {
    journal(conn, enrolment, Page::After(after, limit), mentor).await
}

/// One note of the enrolment, as `mentor` (if one) may see it.
pub async fn find(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, note: NoteId, mentor: Option<UserId>,
) -> ApiResult<Option<(NoteRow, Option<NoteId>)>> {
    Ok(journal(conn, enrolment, Page::Only(note), mentor).await?.pop())
}

/// Which notes of a journal: a page, or one.
enum Page {
    After(Option<Uuid>, i64),
    Only(NoteId),
}

/// Notes of the enrolment, newest first, each with the note that
/// supersedes it; a mentor's only their own and those shared with mentors.
async fn journal(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, page: Page, mentor: Option<UserId>,
) -> ApiResult<Vec<(NoteRow, Option<NoteId>)>> {
    let later = diesel::alias!(notes as later);
    let mut query = notes::table
        .left_join(later.on(later.field(notes::supersedes).eq(notes::id.nullable())))
        .filter(notes::enrolment_id.eq(enrolment))
        .select((NoteRow::as_select(), later.field(notes::id).nullable()))
        .order(notes::id.desc())
        .into_boxed();
    query = match page {
        Page::After(after, limit) => {
            let query = query.limit(limit);
            match after {
                Some(after) => query.filter(notes::id.lt(after)),
                None => query,
            }
        }
        Page::Only(note) => query.filter(notes::id.eq(note)),
    };
    if let Some(mentor) = mentor {
        query = query.filter(notes::author_id.eq(mentor).or(notes::shared_with_mentor.eq(true)));
    }
    Ok(query.load(conn).await?)
}
