//! Bodies of the organisation endpoints, and their validation.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::password::NewPassword;
use crate::domain::{DepartmentCode, Role, TeamId};
use crate::error::{ApiError, FieldError};

#[derive(Serialize, ToSchema)]
pub struct DepartmentView {
    pub code: DepartmentCode,
    pub name_da: String,
    pub name_en: String,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Lower-case letters, digits, `.`, `_`, `-`; 2–64 characters.
    #[schema(example = "cw.bif", max_length = 64)]
    pub username: String,
    /// Not blank, no control characters.
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub full_name: String,
    pub department: DepartmentCode,
    pub roles: Vec<Role>,
    /// Teams of the user's own department.
    #[serde(default)]
    pub team_ids: Vec<Uuid>,
    /// 12–256 characters.
    #[schema(value_type = String, format = Password, min_length = 12, max_length = 256)]
    #[serde(serialize_with = "password_digest")]
    pub password: SecretString,
}

/// A request is serialised only for its `Idempotency-Key` fingerprint; the
/// password goes into it as a digest, so no serialisation carries it.
fn password_digest<S: serde::Serializer>(password: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    use secrecy::ExposeSecret;
    let digest = ring::digest::digest(&ring::digest::SHA256, password.expose_secret().as_bytes());
    s.serialize_bytes(digest.as_ref())
}

/// Fields to change; absent fields stay as they are. `active: false`
/// deactivates the user and ends their sessions at once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    /// Not blank, no control characters.
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub full_name: Option<String>,
    pub department: Option<DepartmentCode>,
    pub roles: Option<Vec<Role>>,
    pub team_ids: Option<Vec<Uuid>>,
    pub active: Option<bool>,
    /// A new password, 12–256 characters: ends the user's sessions.
    #[schema(value_type = Option<String>, format = Password, min_length = 12, max_length = 256)]
    pub password: Option<SecretString>,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub department: DepartmentCode,
    pub roles: Vec<Role>,
    pub team_ids: Vec<Uuid>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTeamRequest {
    pub department: DepartmentCode,
    /// Not blank, no control characters.
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: String,
    /// Membership of a restricted team opens restricted programmes.
    #[serde(default)]
    pub restricted: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTeamRequest {
    /// Not blank, no control characters.
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$"
    )]
    pub name: Option<String>,
    pub restricted: Option<bool>,
    pub active: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct TeamView {
    pub id: Uuid,
    pub department: DepartmentCode,
    pub name: String,
    pub restricted: bool,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Collects field errors so one 422 names every problem at once.
#[derive(Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }

    pub fn finish(self) -> Result<(), ApiError> {
        self.into_result().map_err(ApiError::Validation)
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

pub fn parse_username(value: &str) -> Result<String, FieldError> {
    let ok = (2..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && value.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(value.to_string())
    } else {
        Err(FieldError::new(
            "username",
            "invalid",
            "2–64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
        ))
    }
}

/// A trimmed, non-empty name of at most 200 characters.
pub fn parse_name(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 200 {
        return Err(FieldError::new(field, "invalid", "must be 1–200 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "invalid", "must not contain control characters"));
    }
    Ok(value.to_string())
}

pub fn parse_roles(roles: &[Role]) -> Result<Vec<Role>, FieldError> {
    let set: BTreeSet<Role> = roles.iter().copied().collect();
    if set.is_empty() {
        return Err(FieldError::new("roles", "required", "at least one role"));
    }
    Ok(set.into_iter().collect())
}

pub fn parse_team_ids(ids: &[Uuid]) -> Result<Vec<TeamId>, FieldError> {
    let set: BTreeSet<TeamId> = ids.iter().copied().map(TeamId).collect();
    if set.len() > 50 {
        return Err(FieldError::new("team_ids", "too_many", "at most 50 teams"));
    }
    Ok(set.into_iter().collect())
}

pub fn parse_password(value: SecretString) -> Result<NewPassword, FieldError> {
    NewPassword::parse("password", value)
}

/// Who to list in `GET /staff`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StaffParams {
    /// Only active staff holding this role (to pick a mentor or caseworker).
    #[param(value_type = Option<Role>)]
    pub role: Option<Role>,
    /// Comma-separated ids (at most 100) to put names to, active or not;
    /// ids outside your department are left out.
    pub ids: Option<String>,
    /// 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
}

impl StaffParams {
    /// The ids asked for; 422 when one is no id or there are too many.
    pub fn ids(&self) -> Result<Option<Vec<Uuid>>, ApiError> {
        let Some(ids) = &self.ids else {
            return Ok(None);
        };
        let parsed: Option<Vec<Uuid>> =
            ids.split(',').filter(|s| !s.is_empty()).map(|s| s.trim().parse().ok()).collect();
        match parsed {
            Some(list) if list.len() <= 100 => Ok(Some(list)),
            Some(_) => Err(ApiError::invalid("ids", "too_many", "at most 100 ids")),
            None => Err(ApiError::invalid("ids", "invalid", "comma-separated UUIDs")),
        }
    }
}

/// A colleague of your department: the name beside an id.
#[derive(Serialize, ToSchema, Debug)]
pub struct StaffMember {
    pub id: Uuid,
    pub full_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
}
