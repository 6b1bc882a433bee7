//! What the access-grant routes take and answer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGrantRequest {
    pub citizen_id: Uuid,
    /// Why you need access now (20–2000 characters once trimmed); your
    /// manager reviews it.
    #[schema(min_length = 20, max_length = 2000, pattern = r"\S[\s\S]{18}\S")]
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewGrantRequest {
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub comment: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GrantListParams {
    /// `pending` (default): not yet reviewed; `all`: every grant of the department.
    #[param(pattern = "^(pending|all)$")]
    pub review: Option<String>,
}

impl GrantListParams {
    /// Whether to list only the grants not yet reviewed.
    pub fn pending_only(&self) -> ApiResult<bool> {
        match self.review.as_deref() {
            None | Some("pending") => Ok(true),
            Some("all") => Ok(false),
            Some(_) => Err(ApiError::invalid("review", "invalid", "pending or all")),
        }
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct GrantView {
    pub id: Uuid,
    pub user_id: Uuid,
    pub department: String,
    pub citizen_id: Uuid,
    pub reason: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_comment: Option<String>,
}
