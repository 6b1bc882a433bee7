//! Fixed code lists of the citizen record (docs/design.md §2, §3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! code_list {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

        // Written out, not derived: the derive cannot read a rename that a
        // macro passes in, and published the Rust names instead of the codes.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
                let doc: &[&str] = &[$($doc),*];
                let doc = doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .description((!doc.is_empty()).then_some(doc))
                    .enum_values(Some([$($code),+]))
                    .into()
            }
        }

        impl ToSchema for $name {}

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

        /// Stored as its code.
        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg>>::to_sql(
                    self.as_str(),
                    out,
                )
            }
        }

        /// A code the list does not know is a corrupt row: an error, not a guess.
        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let code = <String as diesel::deserialize::FromSql<
                    diesel::sql_types::Text,
                    diesel::pg::Pg,
                >>::from_sql(bytes)?;
                Self::parse(&code).ok_or_else(|| {
                    format!(concat!("unknown ", stringify!($name), " code {:?}"), code).into()
                })
            }
        }
    };
}

code_list! {
    /// Copenhagen's ten districts (bydele).
    District {
        IndreBy = "indre_by",
        Osterbro = "osterbro",
        Norrebro = "norrebro",
        VesterbroKongensEnghave = "vesterbro_kongens_enghave",
        Valby = "valby",
        Vanlose = "vanlose",
        BronshojHusum = "bronshoj_husum",
        Bispebjerg = "bispebjerg",
        AmagerOst = "amager_ost",
        AmagerVest = "amager_vest",
    }
}

code_list! {
    /// The policy's integration needs (integrationsbehov).
    Need {
        Health = "health",
        Danish = "danish",
        Qualifications = "qualifications",
        WorkIdentity = "work_identity",
        CulturalChallenges = "cultural_challenges",
        NegativeSocialControl = "negative_social_control",
        SocialFamily = "social_family",
    }
}

code_list! {
    ResidenceBasis {
        Refugee = "refugee",
        FamilyReunification = "family_reunification",
        UkraineSpecialAct = "ukraine_special_act",
        Work = "work",
        Study = "study",
        Other = "other",
    }
}

code_list! {
    EmploymentStatus {
        Unemployed = "unemployed",
        WageEmployment = "wage_employment",
        SelfEmployed = "self_employed",
        Education = "education",
        OutsideLabourForce = "outside_labour_force",
        Unknown = "unknown",
    }
}

code_list! {
    /// Danish proficiency on the CEFR scale.
    DanishLevel {
        None = "none",
        A1 = "a1",
        A2 = "a2",
        B1 = "b1",
        B2 = "b2",
        C1 = "c1",
        C2 = "c2",
    }
}
