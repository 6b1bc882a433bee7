//! Request and response bodies of the authentication endpoints.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{DepartmentCode, Role};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(max_length = 64, example = "cw.bif")]
    pub username: String,
    #[schema(value_type = String, format = Password, max_length = 256)]
    pub password: SecretString,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(value_type = String, max_length = 128)]
    pub refresh_token: SecretString,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// EdDSA-signed JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Single use: each refresh answers a new one, and presenting a used one
    /// ends the whole session.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TeamRef {
    pub id: Uuid,
    pub name: String,
    pub restricted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub department: DepartmentCode,
    pub roles: Vec<Role>,
    pub teams: Vec<TeamRef>,
}
