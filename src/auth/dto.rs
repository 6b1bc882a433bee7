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

/// JSON mode: the refresh token in the body. Cookie mode (header
/// `X-Medborger-Refresh: cookie`): `{}`, the token comes from the
/// `medborger_refresh` cookie.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[schema(value_type = Option<String>, max_length = 128)]
    #[serde(default)]
    pub refresh_token: Option<SecretString>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    /// EdDSA-signed JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Single use: each refresh answers a new one, and presenting a used one
    /// ends the whole session. Absent in cookie mode (`X-Medborger-Refresh:
    /// cookie`), where it travels only in the HttpOnly `medborger_refresh`
    /// cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
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
