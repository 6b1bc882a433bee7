//! Bodies of the note endpoints, and the checks on a new note.

use crate::domain::code_list;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::http::bounded_text;

code_list! {
    pub NoteKind {
        Meeting = "meeting",
        Phone = "phone",
        HomeVisit = "home_visit",
        InternshipFollowUp = "internship_follow_up",
        LanguageProgress = "language_progress",
        MentorSession = "mentor_session",
        ParentContact = "parent_contact",
        Other = "other",
    }
}
/// A journal note. Send `supersedes` and `correction_reason` together to
/// correct an earlier note; both stay readable.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNoteRequest {
    pub kind: NoteKind,
    pub occurred_at: DateTime<Utc>,
    #[schema(min_length = 1, max_length = 20_000, pattern = r"\S")]
    pub text: String,
    /// Structured measures, e.g. `{"attendance_hours": 6, "wellbeing": 4}`:
    /// a flat object of at most 20 numbers, booleans or short strings.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub measures: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub shared_with_mentor: bool,
    pub supersedes: Option<Uuid>,
    pub correction_reason: Option<String>,
}

impl CreateNoteRequest {
    /// The checks that need no database: lengths, a time not in the future
    /// (five minutes' grace for clocks), flat measures, and a correction's
    /// reason exactly when it supersedes a note.
    pub fn validate(&self, now: DateTime<Utc>) -> ApiResult<()> {
        bounded_text("text", &self.text, 1, 20_000)?;
        if self.occurred_at > now + chrono::Duration::minutes(5) {
            return Err(ApiError::invalid("occurred_at", "in_future", "cannot be in the future"));
        }
        let flat = self.measures.len() <= 20
            && self.measures.iter().all(|(k, v)| {
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
        match (&self.supersedes, &self.correction_reason) {
            (None, None) => Ok(()),
            (Some(_), Some(r)) if !r.trim().is_empty() && r.chars().count() <= 2000 => Ok(()),
            _ => Err(ApiError::invalid(
                "correction_reason",
                "required",
                "a correction names the note it supersedes and a reason (1–2000 characters)",
            )),
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct NoteView {
    pub id: Uuid,
    pub enrolment_id: Uuid,
    pub author_id: Uuid,
    pub kind: NoteKind,
    pub occurred_at: DateTime<Utc>,
    pub text: String,
    #[schema(value_type = Object)]
    pub measures: serde_json::Value,
    pub shared_with_mentor: bool,
    pub supersedes: Option<Uuid>,
    pub correction_reason: Option<String>,
    /// The note that corrects this one, if any.
    pub superseded_by: Option<Uuid>,
    /// False once a later note supersedes this one.
    pub current: bool,
    pub created_at: DateTime<Utc>,
}
