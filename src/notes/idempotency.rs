//! `Idempotency-Key` on `POST /enrolments/{id}/notes` (docs/design.md §6):
//! the same author, key and body answer the first note; a different body is
//! 409. Kept in one place so that other creating POSTs can share it later.

use actix_web::HttpRequest;
use diesel_async::AsyncPgConnection;

use super::dto::CreateNoteRequest;
use super::queries::{self, NoteRow};
use crate::domain::{EnrolmentId, NoteId, UserId};
use crate::error::{ApiError, ApiResult};

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A request's key and its fingerprint, to tell a retry from a different
/// request sent with the same key.
pub struct Idempotency {
    pub key: String,
    pub hash: Vec<u8>,
}

impl Idempotency {
    /// The key the request carries (1–128 visible ASCII), if any.
    pub fn of(req: &HttpRequest, body: &CreateNoteRequest) -> ApiResult<Option<Self>> {
        let Some(value) = req.headers().get(IDEMPOTENCY_KEY) else {
            return Ok(None);
        };
        let key = value.to_str().map_err(|_| ApiError::BadRequest("Idempotency-Key must be visible ASCII.".into()))?;
        if key.is_empty() || key.len() > 128 {
            return Err(ApiError::BadRequest("Idempotency-Key must be 1–128 characters.".into()));
        }
        let body = serde_json::to_vec(body).map_err(ApiError::internal)?;
        let hash = ring::digest::digest(&ring::digest::SHA256, &body).as_ref().to_vec();
        Ok(Some(Self { key: key.to_string(), hash }))
    }

    /// The note this author already wrote with the key, with the note that
    /// supersedes it; 409 when the key was used for a different request.
    pub async fn earlier_note(
        &self, conn: &mut AsyncPgConnection, author: UserId, enrolment: EnrolmentId,
    ) -> ApiResult<Option<(NoteRow, Option<NoteId>)>> {
        let Some((note, hash)) = queries::find_by_key(conn, author, &self.key).await? else {
            return Ok(None);
        };
        if hash.as_deref() != Some(&self.hash[..]) || note.enrolment_id != enrolment {
            return Err(ApiError::Conflict("This Idempotency-Key was used for a different request.".into()));
        }
        let by = queries::superseded_by(conn, note.id).await?;
        Ok(Some((note, by)))
    }
}
