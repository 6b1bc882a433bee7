//! Fixed code lists of the citizen record (DESIGN §2, §3).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        pub enum $name {
            $(#[serde(rename = $code)] $variant),+
        }

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
