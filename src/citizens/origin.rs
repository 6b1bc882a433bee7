//! Origin classification for statistics (docs/design.md §8): indvandrer, efterkommer
//! or dansk oprindelse; the country of origin; Western or non-Western;
//! the policy's selected MENAPT countries; ethnic-minority background.
//!
//! Everything here is one pure function, [`classify`], over ISO 3166-1
//! alpha-2 country codes (`DK`, `SY`, …).

use crate::domain::code_list;

use serde::Serialize;
use utoipa::ToSchema;

/// Denmark.
pub const DENMARK: &str = "DK";

/// Western countries (Statistics Denmark / the policy): the 27 EU members,
/// Andorra, Australia, Canada, Iceland, Liechtenstein, Monaco, New Zealand,
/// Norway, San Marino, Switzerland, the UK, the USA and Vatican City.
pub const WESTERN: &[&str] = &[
    // EU-27
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", // Other Western countries
    "AD", "AU", "CA", "IS", "LI", "MC", "NZ", "NO", "SM", "CH", "GB", "US", "VA",
];

/// The policy's "udvalgte MENAPT-lande": Turkey, Syria, Iraq, Iran,
/// Afghanistan, Lebanon, Pakistan.
pub const MENAPT: &[&str] = &["TR", "SY", "IQ", "IR", "AF", "LB", "PK"];

/// Whether `s` has the shape of an ISO 3166-1 alpha-2 code: two ASCII
/// upper-case letters. (Whether the code is assigned is not checked.)
pub fn is_country_code(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether a country code is Western in the sense of docs/design.md §8.
pub fn is_western(code: &str) -> bool {
    WESTERN.iter().any(|c| c.eq_ignore_ascii_case(code.trim()))
}

/// Whether a country code is one of the policy's selected MENAPT countries.
pub fn is_menapt(code: &str) -> bool {
    MENAPT.iter().any(|c| c.eq_ignore_ascii_case(code.trim()))
}

/// What is registered about a person and their parents. `None` is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OriginInput<'a> {
    pub country_of_birth: Option<&'a str>,
    pub citizenship: Option<&'a str>,
    pub mother_country_of_birth: Option<&'a str>,
    pub mother_citizenship: Option<&'a str>,
    pub father_country_of_birth: Option<&'a str>,
    pub father_citizenship: Option<&'a str>,
}

code_list! {
    pub OriginGroup {
        Indvandrer = "indvandrer",
        Efterkommer = "efterkommer",
        DanskOprindelse = "dansk_oprindelse",
    }
}

code_list! {
    pub OriginRegion {
        Vestlig = "vestlig",
        IkkeVestlig = "ikke_vestlig",
    }
}

/// A person's origin as the statistics count it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Origin {
    pub group: OriginGroup,
    /// Oprindelsesland (ISO 3166-1 alpha-2); `None` for dansk oprindelse or
    /// when it cannot be determined.
    pub origin_country: Option<String>,
    /// Western or non-Western origin country; `None` without an origin country.
    pub region: Option<OriginRegion>,
    /// The origin country is one of the selected MENAPT countries.
    pub menapt: bool,
    /// Indvandrer or efterkommer from a non-Western country.
    pub etnisk_minoritetsbaggrund: bool,
}

/// A known value: `None`, empty and blank all mean unknown.
fn known(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

fn is_dk(v: Option<&str>) -> bool {
    v.is_some_and(|c| c.eq_ignore_ascii_case(DENMARK))
}

/// A known country other than Denmark.
fn foreign(v: Option<&str>) -> Option<&str> {
    v.filter(|c| !c.eq_ignore_ascii_case(DENMARK))
}

/// Classifies a person by docs/design.md §8 (Statistics Denmark's definitions).
/// Returns `None` when the country of birth is unknown: then nothing can be
/// said.
///
/// * A parent is *Danish* when known to be both a Danish citizen and born in
///   Denmark. If at least one parent is Danish, the person is of Danish
///   origin (dansk oprindelse).
/// * With no information on either parent: born abroad → indvandrer (whatever
///   the citizenship); born in Denmark with a known foreign citizenship →
///   efterkommer; born in Denmark with Danish or unknown citizenship → Danish
///   origin.
/// * Otherwise (something is known of the parents, neither is Danish): born
///   abroad → indvandrer, born in Denmark → efterkommer.
///
/// **Oprindelsesland** (country of origin) follows Statistics Denmark's
/// definition: for indvandrere and efterkommere it is the parents' country,
/// taken from the mother when anything foreign is known of her and otherwise
/// from the father — in order, the mother's country of birth, the mother's
/// citizenship, the father's country of birth, the father's citizenship,
/// skipping values that are unknown or Denmark. Without any of those, an
/// indvandrer's origin country is their own country of birth and an
/// efterkommer's their own citizenship (none if that is unknown or Danish).
/// Persons of Danish origin have no origin country.
///
/// The region is Western or non-Western by [`WESTERN`]; `menapt` is whether
/// the origin country is in [`MENAPT`]; ethnic-minority background means an
/// indvandrer or efterkommer from a non-Western origin country.
///
/// Codes are compared case-insensitively after trimming, and the origin
/// country is returned upper-case; empty strings count as unknown.
pub fn classify(input: &OriginInput) -> Option<Origin> {
    let born = known(input.country_of_birth)?;
    let citizenship = known(input.citizenship);
    let mother_born = known(input.mother_country_of_birth);
    let mother_citizenship = known(input.mother_citizenship);
    let father_born = known(input.father_country_of_birth);
    let father_citizenship = known(input.father_citizenship);

    let mother_danish = is_dk(mother_citizenship) && is_dk(mother_born);
    let father_danish = is_dk(father_citizenship) && is_dk(father_born);
    let parents_absent =
        mother_born.is_none() && mother_citizenship.is_none() && father_born.is_none() && father_citizenship.is_none();
    let born_in_denmark = is_dk(Some(born));

    let group = if mother_danish || father_danish {
        OriginGroup::DanskOprindelse
    } else if parents_absent {
        if born_in_denmark {
            if foreign(citizenship).is_some() {
                OriginGroup::Efterkommer
            } else {
                OriginGroup::DanskOprindelse
            }
        } else {
            OriginGroup::Indvandrer
        }
    } else if born_in_denmark {
        OriginGroup::Efterkommer
    } else {
        OriginGroup::Indvandrer
    };

    let origin_country: Option<String> = match group {
        OriginGroup::DanskOprindelse => None,
        OriginGroup::Indvandrer | OriginGroup::Efterkommer => foreign(mother_born)
            .or(foreign(mother_citizenship))
            .or(foreign(father_born))
            .or(foreign(father_citizenship))
            .or(match group {
                OriginGroup::Indvandrer => foreign(Some(born)),
                _ => foreign(citizenship),
            })
            .map(str::to_ascii_uppercase),
    };

    let region =
        origin_country.as_deref().map(
            |c| {
                if is_western(c) {
                    OriginRegion::Vestlig
                } else {
                    OriginRegion::IkkeVestlig
                }
            },
        );
    let menapt = origin_country.as_deref().is_some_and(is_menapt);
    let etnisk_minoritetsbaggrund = matches!(group, OriginGroup::Indvandrer | OriginGroup::Efterkommer)
        && region == Some(OriginRegion::IkkeVestlig);

    Some(Origin { group, origin_country, region, menapt, etnisk_minoritetsbaggrund })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EU27: [&str; 27] = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ];

    fn person(born: &'static str, citizenship: Option<&'static str>) -> OriginInput<'static> {
        OriginInput { country_of_birth: Some(born), citizenship, ..Default::default() }
    }

    fn with_mother(
        mut p: OriginInput<'static>, born: Option<&'static str>, citizenship: Option<&'static str>,
    ) -> OriginInput<'static> {
        p.mother_country_of_birth = born;
        p.mother_citizenship = citizenship;
        p
    }

    fn with_father(
        mut p: OriginInput<'static>, born: Option<&'static str>, citizenship: Option<&'static str>,
    ) -> OriginInput<'static> {
        p.father_country_of_birth = born;
        p.father_citizenship = citizenship;
        p
    }

    fn group(p: &OriginInput) -> OriginGroup {
        classify(p).unwrap().group
    }

    #[test]
    fn country_code_shape() {
        assert!(is_country_code("DK"));
        assert!(is_country_code("SY"));
        for bad in ["", "D", "dk", "Dk", "DNK", "D1", "ÆØ", " DK"] {
            assert!(!is_country_code(bad), "{bad:?}");
        }
        for c in WESTERN.iter().chain(MENAPT) {
            assert!(is_country_code(c), "{c}");
        }
    }

    #[test]
    fn code_lists() {
        // The 27 EU members and the 13 other countries docs/design.md §8 names.
        assert_eq!(WESTERN.len(), 27 + 13);
        assert_eq!(MENAPT.len(), 7);
        for c in MENAPT {
            assert!(!WESTERN.contains(c), "{c}");
        }
        let mut sorted = WESTERN.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), WESTERN.len());
    }

    #[test]
    fn unknown_country_of_birth_cannot_be_classified() {
        assert_eq!(classify(&OriginInput::default()), None);
        let p = OriginInput {
            country_of_birth: None,
            citizenship: Some("SY"),
            mother_country_of_birth: Some("SY"),
            mother_citizenship: Some("SY"),
            father_country_of_birth: Some("SY"),
            father_citizenship: Some("SY"),
        };
        assert_eq!(classify(&p), None);
        assert_eq!(classify(&person("", Some("DK"))), None);
    }

    #[test]
    fn one_danish_parent_is_enough() {
        // Mother Danish, father Syrian, person born in Syria.
        let p = with_father(with_mother(person("SY", Some("SY")), Some("DK"), Some("DK")), Some("SY"), Some("SY"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::DanskOprindelse);
        assert_eq!(o.origin_country, None);
        assert_eq!(o.region, None);
        assert!(!o.menapt);
        assert!(!o.etnisk_minoritetsbaggrund);

        // Father Danish, nothing known of the mother, born abroad.
        let p = with_father(person("US", Some("US")), Some("DK"), Some("DK"));
        assert_eq!(group(&p), OriginGroup::DanskOprindelse);

        // Both Danish, born in Denmark.
        let p = with_father(with_mother(person("DK", Some("DK")), Some("DK"), Some("DK")), Some("DK"), Some("DK"));
        assert_eq!(group(&p), OriginGroup::DanskOprindelse);
    }

    #[test]
    fn a_parent_born_in_denmark_with_foreign_citizenship_is_not_danish() {
        let p = with_mother(person("DK", Some("TR")), Some("DK"), Some("TR"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        // The mother's country of birth is DK, so her citizenship decides.
        assert_eq!(o.origin_country.as_deref(), Some("TR"));
        assert_eq!(o.region, Some(OriginRegion::IkkeVestlig));
        assert!(o.menapt);
        assert!(o.etnisk_minoritetsbaggrund);
    }

    #[test]
    fn a_danish_citizen_born_abroad_is_not_a_danish_parent() {
        let p = with_mother(person("DK", Some("DK")), Some("IQ"), Some("DK"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("IQ"));
        assert!(o.menapt);

        // Both parents Danish citizens born abroad, person born abroad.
        let p = with_father(with_mother(person("SE", Some("DK")), Some("SE"), Some("DK")), Some("NO"), Some("DK"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Indvandrer);
        assert_eq!(o.origin_country.as_deref(), Some("SE"));
        assert_eq!(o.region, Some(OriginRegion::Vestlig));
        assert!(!o.etnisk_minoritetsbaggrund);
    }

    #[test]
    fn a_parent_with_only_one_danish_fact_known_is_not_danish() {
        // Mother born in DK, citizenship unknown; father unknown; born in DK
        // with Danish citizenship: parent info is present, no parent Danish.
        let p = with_mother(person("DK", Some("DK")), Some("DK"), None);
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country, None);
        assert_eq!(o.region, None);
        assert!(!o.etnisk_minoritetsbaggrund);
    }

    #[test]
    fn no_parent_information_and_born_abroad_is_indvandrer() {
        let o = classify(&person("SY", Some("SY"))).unwrap();
        assert_eq!(o.group, OriginGroup::Indvandrer);
        assert_eq!(o.origin_country.as_deref(), Some("SY"));
        assert!(o.menapt);
        assert!(o.etnisk_minoritetsbaggrund);

        // Even with Danish citizenship.
        let o = classify(&person("SO", Some("DK"))).unwrap();
        assert_eq!(o.group, OriginGroup::Indvandrer);
        assert_eq!(o.origin_country.as_deref(), Some("SO"));
        assert_eq!(o.region, Some(OriginRegion::IkkeVestlig));
        assert!(o.etnisk_minoritetsbaggrund);

        // And with unknown citizenship.
        assert_eq!(group(&person("DE", None)), OriginGroup::Indvandrer);
    }

    #[test]
    fn no_parent_information_born_in_denmark_foreign_citizen_is_efterkommer() {
        let o = classify(&person("DK", Some("PK"))).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("PK"));
        assert_eq!(o.region, Some(OriginRegion::IkkeVestlig));
        assert!(o.menapt);
        assert!(o.etnisk_minoritetsbaggrund);
    }

    #[test]
    fn no_parent_information_born_in_denmark_danish_or_unknown_citizenship_is_danish() {
        for citizenship in [Some("DK"), None] {
            let o = classify(&person("DK", citizenship)).unwrap();
            assert_eq!(o.group, OriginGroup::DanskOprindelse, "{citizenship:?}");
            assert_eq!(o.origin_country, None);
            assert_eq!(o.region, None);
            assert!(!o.menapt);
            assert!(!o.etnisk_minoritetsbaggrund);
        }
    }

    #[test]
    fn known_non_danish_parents_and_born_in_denmark_is_efterkommer_from_the_mother() {
        let p = with_father(with_mother(person("DK", Some("DK")), Some("AF"), Some("AF")), Some("VN"), Some("VN"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("AF"));
        assert!(o.menapt);
        assert!(o.etnisk_minoritetsbaggrund);

        // Born abroad with the same parents: indvandrer, still the mother's country.
        let p = with_father(with_mother(person("DE", Some("DE")), Some("AF"), Some("AF")), Some("VN"), Some("VN"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Indvandrer);
        assert_eq!(o.origin_country.as_deref(), Some("AF"));
        assert_eq!(o.region, Some(OriginRegion::IkkeVestlig));
    }

    #[test]
    fn father_only_information() {
        // Born in DK, only the father's country of birth known.
        let p = with_father(person("DK", Some("DK")), Some("LB"), None);
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("LB"));
        assert!(o.menapt);

        // Only the father's citizenship known, born abroad.
        let p = with_father(person("GB", Some("GB")), None, Some("IR"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Indvandrer);
        assert_eq!(o.origin_country.as_deref(), Some("IR"));
        assert!(o.menapt);
    }

    #[test]
    fn origin_country_precedence() {
        // Mother's country of birth first.
        let p = with_father(with_mother(person("DK", Some("DK")), Some("SY"), Some("TR")), Some("IQ"), Some("IR"));
        assert_eq!(classify(&p).unwrap().origin_country.as_deref(), Some("SY"));

        // Mother born in DK: her citizenship.
        let p = with_father(with_mother(person("DK", Some("DK")), Some("DK"), Some("TR")), Some("IQ"), Some("IR"));
        assert_eq!(classify(&p).unwrap().origin_country.as_deref(), Some("TR"));

        // Mother unknown: the father's country of birth.
        let p = with_father(person("DK", Some("DK")), Some("IQ"), Some("IR"));
        assert_eq!(classify(&p).unwrap().origin_country.as_deref(), Some("IQ"));

        // Mother Danish citizen born in DK makes the person Danish: no country.
        let p = with_father(with_mother(person("DK", Some("DK")), Some("DK"), Some("DK")), Some("IQ"), Some("IR"));
        assert_eq!(classify(&p).unwrap().origin_country, None);

        // Mother DK citizen of unknown birthplace, father born in DK: the
        // father's citizenship.
        let p = with_father(with_mother(person("DK", Some("DK")), None, Some("DK")), Some("DK"), Some("IR"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("IR"));

        // Parents known only as Danish on one fact each: an indvandrer falls
        // back to their own country of birth, an efterkommer to their own
        // citizenship.
        let p = with_father(with_mother(person("UA", Some("DK")), Some("DK"), None), None, Some("DK"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Indvandrer);
        assert_eq!(o.origin_country.as_deref(), Some("UA"));
        let p = with_father(with_mother(person("DK", Some("VN")), Some("DK"), None), None, Some("DK"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("VN"));
    }

    #[test]
    fn every_eu_country_is_western() {
        for c in EU27 {
            assert!(WESTERN.contains(&c), "{c}");
            if c == "DK" {
                continue;
            }
            let p = with_mother(person("DK", Some("DK")), Some(c), Some(c));
            let o = classify(&p).unwrap();
            assert_eq!(o.group, OriginGroup::Efterkommer, "{c}");
            assert_eq!(o.origin_country.as_deref(), Some(c));
            assert_eq!(o.region, Some(OriginRegion::Vestlig), "{c}");
            assert!(!o.menapt, "{c}");
            assert!(!o.etnisk_minoritetsbaggrund, "{c}");

            let o = classify(&person(c, Some(c))).unwrap();
            assert_eq!(o.group, OriginGroup::Indvandrer, "{c}");
            assert_eq!(o.region, Some(OriginRegion::Vestlig), "{c}");
            assert!(!o.etnisk_minoritetsbaggrund, "{c}");
        }
    }

    #[test]
    fn other_western_countries() {
        for c in ["GB", "US", "NO", "CH", "AD", "AU", "CA", "IS", "LI", "MC", "NZ", "SM", "VA"] {
            let o = classify(&person(c, Some(c))).unwrap();
            assert_eq!(o.group, OriginGroup::Indvandrer, "{c}");
            assert_eq!(o.region, Some(OriginRegion::Vestlig), "{c}");
            assert!(!o.menapt, "{c}");
            assert!(!o.etnisk_minoritetsbaggrund, "{c}");
        }
    }

    #[test]
    fn every_menapt_country_is_non_western_and_menapt() {
        for c in ["TR", "SY", "IQ", "IR", "AF", "LB", "PK"] {
            assert!(MENAPT.contains(&c), "{c}");
            for p in [person(c, Some(c)), with_mother(person("DK", Some("DK")), Some(c), Some(c))] {
                let o = classify(&p).unwrap();
                assert_eq!(o.origin_country.as_deref(), Some(c));
                assert_eq!(o.region, Some(OriginRegion::IkkeVestlig), "{c}");
                assert!(o.menapt, "{c}");
                assert!(o.etnisk_minoritetsbaggrund, "{c}");
            }
        }
    }

    #[test]
    fn non_western_non_menapt() {
        for c in ["SO", "UA", "VN", "ER", "PH", "CN"] {
            let o = classify(&person(c, Some(c))).unwrap();
            assert_eq!(o.region, Some(OriginRegion::IkkeVestlig), "{c}");
            assert!(!o.menapt, "{c}");
            assert!(o.etnisk_minoritetsbaggrund, "{c}");
        }
    }

    #[test]
    fn ethnic_minority_background_only_for_non_western_immigrants_and_descendants() {
        // Non-Western indvandrer and efterkommer: yes.
        assert!(classify(&person("SO", None)).unwrap().etnisk_minoritetsbaggrund);
        assert!(classify(&person("DK", Some("SO"))).unwrap().etnisk_minoritetsbaggrund);
        // Western indvandrer and efterkommer: no.
        assert!(!classify(&person("PL", None)).unwrap().etnisk_minoritetsbaggrund);
        assert!(!classify(&person("DK", Some("PL"))).unwrap().etnisk_minoritetsbaggrund);
        // Danish origin with a non-Western parent: no.
        let p = with_father(with_mother(person("SO", Some("SO")), Some("DK"), Some("DK")), Some("SO"), Some("SO"));
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::DanskOprindelse);
        assert!(!o.etnisk_minoritetsbaggrund);
        // Efterkommer with no origin country: no.
        let p = with_mother(person("DK", None), Some("DK"), None);
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.region, None);
        assert!(!o.etnisk_minoritetsbaggrund);
    }

    #[test]
    fn codes_are_normalised() {
        let p = OriginInput { country_of_birth: Some(" dk "), citizenship: Some("sy"), ..Default::default() };
        let o = classify(&p).unwrap();
        assert_eq!(o.group, OriginGroup::Efterkommer);
        assert_eq!(o.origin_country.as_deref(), Some("SY"));
        assert!(o.menapt);
        // Blank parent fields count as absent.
        let p = OriginInput {
            country_of_birth: Some("DK"),
            citizenship: Some("DK"),
            mother_country_of_birth: Some(""),
            ..Default::default()
        };
        assert_eq!(group(&p), OriginGroup::DanskOprindelse);
    }

    #[test]
    fn names_and_serialisation() {
        for &g in OriginGroup::ALL {
            assert_eq!(g.as_str().parse::<OriginGroup>(), Ok(g));
            assert_eq!(serde_json::to_string(&g).unwrap(), format!("\"{}\"", g.as_str()));
        }
        for &r in OriginRegion::ALL {
            assert_eq!(r.as_str().parse::<OriginRegion>(), Ok(r));
            assert_eq!(serde_json::to_string(&r).unwrap(), format!("\"{}\"", r.as_str()));
        }
        assert_eq!(serde_json::to_string(&OriginGroup::DanskOprindelse).unwrap(), "\"dansk_oprindelse\"");
        assert_eq!(serde_json::to_string(&OriginRegion::IkkeVestlig).unwrap(), "\"ikke_vestlig\"");
        assert_eq!(serde_json::from_str::<OriginGroup>("\"efterkommer\"").unwrap(), OriginGroup::Efterkommer);
        assert!("Indvandrer".parse::<OriginGroup>().is_err());
        let o = classify(&person("DK", Some("SY"))).unwrap();
        let json = serde_json::to_value(&o).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "group": "efterkommer",
                "origin_country": "SY",
                "region": "ikke_vestlig",
                "menapt": true,
                "etnisk_minoritetsbaggrund": true,
            })
        );
    }
}
