//! Organisation vocabulary: departments (forvaltninger) and staff roles.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One of Copenhagen's seven departments (forvaltninger).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DepartmentCode {
    Bif,
    Buf,
    Kff,
    Sof,
    Suf,
    Tmf,
    Okf,
}

impl DepartmentCode {
    pub const ALL: [DepartmentCode; 7] = [
        Self::Bif,
        Self::Buf,
        Self::Kff,
        Self::Sof,
        Self::Suf,
        Self::Tmf,
        Self::Okf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bif => "bif",
            Self::Buf => "buf",
            Self::Kff => "kff",
            Self::Sof => "sof",
            Self::Suf => "suf",
            Self::Tmf => "tmf",
            Self::Okf => "okf",
        }
    }
}

impl fmt::Display for DepartmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DepartmentCode {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or(UnknownCode)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown code")]
pub struct UnknownCode;

/// What a staff user may do; a user may hold several.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Caseworker,
    Mentor,
    Manager,
    Auditor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Caseworker,
        Self::Mentor,
        Self::Manager,
        Self::Auditor,
        Self::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Caseworker => "caseworker",
            Self::Mentor => "mentor",
            Self::Manager => "manager",
            Self::Auditor => "auditor",
            Self::Admin => "admin",
        }
    }
}

impl FromStr for Role {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(UnknownCode)
    }
}

/// Parses stored role names, ignoring none: an unknown stored role is a bug.
pub fn parse_roles(stored: &[String]) -> Result<Vec<Role>, UnknownCode> {
    let mut roles = stored
        .iter()
        .map(|r| r.parse())
        .collect::<Result<Vec<Role>, _>>()?;
    roles.sort();
    roles.dedup();
    Ok(roles)
}
