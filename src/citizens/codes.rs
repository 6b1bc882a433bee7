//! Fixed code lists of the citizen record (docs/design.md §2, §3).

use crate::domain::code_list;

code_list! {
    /// Copenhagen's ten districts (bydele).
    pub District {
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
    pub Need {
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
    pub ResidenceBasis {
        Refugee = "refugee",
        FamilyReunification = "family_reunification",
        UkraineSpecialAct = "ukraine_special_act",
        Work = "work",
        Study = "study",
        Other = "other",
    }
}

code_list! {
    pub EmploymentStatus {
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
    pub DanishLevel {
        None = "none",
        A1 = "a1",
        A2 = "a2",
        B1 = "b1",
        B2 = "b2",
        C1 = "c1",
        C2 = "c2",
    }
}
