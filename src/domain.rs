//! The vocabulary every module may use: the ids of the things medborger
//! keeps, departments (forvaltninger) and staff roles. A leaf: it imports
//! nothing of the crate.

use std::fmt;

use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Uuid as SqlUuid;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares a fixed code list: an enum whose values travel (JSON, the
/// OpenAPI document, the database's text columns) as the codes given, with
/// `ALL`, `as_str`, `parse`, `Display` and `FromStr`. A stored code the list
/// does not know is a corrupt row (an error), never a guess.
macro_rules! code_list {
    ($(#[doc = $doc:literal])* $vis:vis $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::serde::Serialize, ::serde::Deserialize,
            ::diesel::expression::AsExpression, ::diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = ::diesel::sql_types::Text)]
        $vis enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        // Written out, not derived: the derive cannot read a rename that a
        // macro passes in, and published the Rust names instead of the codes.
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                use ::utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
                let doc: &[&str] = &[$($doc),*];
                let doc = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .description((!doc.is_empty()).then_some(doc))
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == code)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or($crate::domain::UnknownCode)
            }
        }

        impl ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut ::diesel::serialize::Output<'b, '_, ::diesel::pg::Pg>,
            ) -> ::diesel::serialize::Result {
                <str as ::diesel::serialize::ToSql<::diesel::sql_types::Text, ::diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        impl ::diesel::deserialize::FromSql<::diesel::sql_types::Text, ::diesel::pg::Pg> for $name {
            fn from_sql(bytes: ::diesel::pg::PgValue<'_>) -> ::diesel::deserialize::Result<Self> {
                let code = <String as ::diesel::deserialize::FromSql<
                    ::diesel::sql_types::Text,
                    ::diesel::pg::Pg,
                >>::from_sql(bytes)?;
                Self::parse(&code).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($name), " code {:?}"), code).into()
                })
            }
        }
    };
}
pub(crate) use code_list;

code_list! {
    /// One of Copenhagen's seven departments (forvaltninger).
    pub DepartmentCode {
        Bif = "bif",
        Buf = "buf",
        Kff = "kff",
        Sof = "sof",
        Suf = "suf",
        Tmf = "tmf",
        Okf = "okf",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown code")]
pub struct UnknownCode;

code_list! {
    /// What a staff user may do; a user may hold several.
    pub Role {
        Caseworker = "caseworker",
        Mentor = "mentor",
        Manager = "manager",
        Auditor = "auditor",
        Admin = "admin",
    }
}

/// Parses stored role names, ignoring none: an unknown stored role is a bug.
pub fn parse_roles(stored: &[String]) -> Result<Vec<Role>, UnknownCode> {
    let mut roles = stored.iter().map(|r| r.parse()).collect::<Result<Vec<Role>, _>>()?;
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
