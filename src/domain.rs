//! The vocabulary every module may use: the ids of the things medborger
//! keeps, departments (forvaltninger) and staff roles. A leaf: it imports
//! nothing of the crate.

use std::fmt;
use std::str::FromStr;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Uuid as SqlUuid;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One of Copenhagen's seven departments (forvaltninger).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsExpression,
    FromSqlRow,
)]
#[serde(rename_all = "lowercase")]
#[diesel(sql_type = diesel::sql_types::Text)]
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

/// Stored as its code, as the departments table's key.
impl ToSql<diesel::sql_types::Text, Pg> for DepartmentCode {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
        <str as ToSql<diesel::sql_types::Text, Pg>>::to_sql(self.as_str(), out)
    }
}

impl FromSql<diesel::sql_types::Text, Pg> for DepartmentCode {
    fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
        let code = <String as FromSql<diesel::sql_types::Text, Pg>>::from_sql(bytes)?;
        Ok(code.parse()?)
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

/// Declares an id: a UUID that cannot be mixed up with another kind of id,
/// parsed from paths and written to and read from the database as a UUID.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            Serialize, Deserialize, AsExpression, FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = SqlUuid)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl ToSql<SqlUuid, Pg> for $name {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <Uuid as ToSql<SqlUuid, Pg>>::to_sql(&self.0, out)
            }
        }

        impl FromSql<SqlUuid, Pg> for $name {
            fn from_sql(bytes: PgValue<'_>) -> deserialize::Result<Self> {
                <Uuid as FromSql<SqlUuid, Pg>>::from_sql(bytes).map(Self)
            }
        }
    };
}

id_type!(
    /// A citizen (borger).
    CitizenId
);
id_type!(
    /// An enrolment (forløb) of a citizen in a programme.
    EnrolmentId
);
id_type!(
    /// A journal note.
    NoteId
);
id_type!(
    /// A staff user.
    UserId
);
id_type!(
    /// A team of a department.
    TeamId
);
id_type!(
    /// A referral between departments.
    ReferralId
);
id_type!(
    /// A citizen's consent to share between departments.
    ConsentId
);
id_type!(
    /// A concern filed to a restricted team.
    ConcernId
);
id_type!(
    /// A break-the-glass access grant.
    GrantId
);
id_type!(
    /// A milestone (legal deadline) of an enrolment.
    MilestoneId
);
id_type!(
    /// An outcome measurement of an enrolment.
    OutcomeId
);
id_type!(
    /// A risk assessment (Barnets Lov) on an enrolment.
    RiskAssessmentId
);
