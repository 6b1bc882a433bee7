//! Database access and bodies for the programme catalogue.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::Anchor;
use crate::domain::DepartmentCode;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::schema::{milestone_rules, programmes};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneRule {
    pub code: String,
    pub name_da: String,
    pub name_en: String,
    pub anchor: Anchor,
    #[serde(default)]
    pub offset_months: i32,
    #[serde(default)]
    pub offset_days: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Programme {
    pub code: String,
    pub name_da: String,
    pub name_en: String,
    pub department: DepartmentCode,
    /// Only members of a restricted team of the department may enrol or see enrolments.
    pub restricted: bool,
    pub requires_mentor: bool,
    pub requires_consent: bool,
    pub eligibility_notes: String,
    pub max_duration_months: Option<i32>,
    pub active: bool,
    pub version: i32,
    pub milestone_rules: Vec<MilestoneRule>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProgrammeRequest {
    pub code: String,
    pub name_da: String,
    pub name_en: String,
    pub department: DepartmentCode,
    #[serde(default)]
    pub restricted: bool,
    #[serde(default)]
    pub requires_mentor: bool,
    #[serde(default)]
    pub requires_consent: bool,
    #[serde(default)]
    pub eligibility_notes: String,
    pub max_duration_months: Option<i32>,
    #[serde(default)]
    pub milestone_rules: Vec<MilestoneRule>,
}

/// Absent fields stay; `milestone_rules`, when given, replaces the rules
/// (enrolments already started keep their milestones).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProgrammeRequest {
    pub name_da: Option<String>,
    pub name_en: Option<String>,
    pub requires_mentor: Option<bool>,
    pub requires_consent: Option<bool>,
    pub eligibility_notes: Option<String>,
    pub active: Option<bool>,
    pub milestone_rules: Option<Vec<MilestoneRule>>,
}

type ProgrammeRow = (
    String,
    String,
    String,
    String,
    bool,
    bool,
    bool,
    String,
    Option<i32>,
    bool,
    i32,
);

fn is_code(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

pub fn validate_rules(rules: &[MilestoneRule]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, r) in rules.iter().enumerate() {
        let field = format!("milestone_rules[{i}]");
        if !is_code(&r.code) || !seen.insert(r.code.clone()) {
            errors.push(FieldError::new(
                &field,
                "invalid_code",
                "a unique lower-case code",
            ));
        }
        if r.name_da.trim().is_empty()
            || r.name_en.trim().is_empty()
            || r.name_da.len() > 200
            || r.name_en.len() > 200
        {
            errors.push(FieldError::new(
                &field,
                "invalid_name",
                "names of 1–200 characters",
            ));
        }
        if !(0..=120).contains(&r.offset_months) || !(0..=3650).contains(&r.offset_days) {
            errors.push(FieldError::new(
                &field,
                "out_of_range",
                "0–120 months and 0–3650 days",
            ));
        }
    }
    if rules.len() > 20 {
        errors.push(FieldError::new(
            "milestone_rules",
            "too_many",
            "at most 20 rules",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

pub fn validate_new(p: &CreateProgrammeRequest) -> Result<(), ApiError> {
    if !is_code(&p.code) {
        return Err(ApiError::invalid(
            "code",
            "invalid",
            "2–64 lower-case letters, digits or _",
        ));
    }
    for (field, v) in [("name_da", &p.name_da), ("name_en", &p.name_en)] {
        if v.trim().is_empty() || v.chars().count() > 200 {
            return Err(ApiError::invalid(field, "invalid", "1–200 characters"));
        }
    }
    if p.eligibility_notes.chars().count() > 2000 {
        return Err(ApiError::invalid(
            "eligibility_notes",
            "too_long",
            "at most 2000 characters",
        ));
    }
    if p.max_duration_months.is_some_and(|m| m <= 0) {
        return Err(ApiError::invalid(
            "max_duration_months",
            "out_of_range",
            "must be positive",
        ));
    }
    validate_rules(&p.milestone_rules)
}

async fn rules_of(
    conn: &mut AsyncPgConnection,
    codes: &[String],
) -> ApiResult<HashMap<String, Vec<MilestoneRule>>> {
    let rows: Vec<(String, String, String, String, String, i32, i32)> = milestone_rules::table
        .filter(milestone_rules::programme_code.eq_any(codes))
        .order((milestone_rules::programme_code, milestone_rules::position))
        .select((
            milestone_rules::programme_code,
            milestone_rules::code,
            milestone_rules::name_da,
            milestone_rules::name_en,
            milestone_rules::anchor,
            milestone_rules::offset_months,
            milestone_rules::offset_days,
        ))
        .load(conn)
        .await?;
    let mut map: HashMap<String, Vec<MilestoneRule>> = HashMap::new();
    for (programme, code, name_da, name_en, anchor, offset_months, offset_days) in rows {
        let anchor = Anchor::parse(&anchor).ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("unknown milestone anchor in the database"))
        })?;
        map.entry(programme).or_default().push(MilestoneRule {
            code,
            name_da,
            name_en,
            anchor,
            offset_months,
            offset_days,
        });
    }
    Ok(map)
}

fn select() -> (
    programmes::code,
    programmes::name_da,
    programmes::name_en,
    programmes::department,
    programmes::restricted,
    programmes::requires_mentor,
    programmes::requires_consent,
    programmes::eligibility_notes,
    programmes::max_duration_months,
    programmes::active,
    programmes::version,
) {
    (
        programmes::code,
        programmes::name_da,
        programmes::name_en,
        programmes::department,
        programmes::restricted,
        programmes::requires_mentor,
        programmes::requires_consent,
        programmes::eligibility_notes,
        programmes::max_duration_months,
        programmes::active,
        programmes::version,
    )
}

fn assemble(
    rows: Vec<ProgrammeRow>,
    mut rules: HashMap<String, Vec<MilestoneRule>>,
) -> ApiResult<Vec<Programme>> {
    rows.into_iter()
        .map(
            |(
                code,
                name_da,
                name_en,
                department,
                restricted,
                requires_mentor,
                requires_consent,
                eligibility_notes,
                max_duration_months,
                active,
                version,
            )| {
                Ok(Programme {
                    milestone_rules: rules.remove(&code).unwrap_or_default(),
                    department: department.parse().map_err(|_| {
                        ApiError::internal(anyhow::anyhow!("unknown department in the database"))
                    })?,
                    code,
                    name_da,
                    name_en,
                    restricted,
                    requires_mentor,
                    requires_consent,
                    eligibility_notes,
                    max_duration_months,
                    active,
                    version,
                })
            },
        )
        .collect()
}

/// The whole catalogue with its rules: two queries.
pub async fn list(conn: &mut AsyncPgConnection) -> ApiResult<Vec<Programme>> {
    let rows: Vec<ProgrammeRow> = programmes::table
        .order(programmes::code)
        .select(select())
        .load(conn)
        .await?;
    let codes: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let rules = rules_of(conn, &codes).await?;
    assemble(rows, rules)
}

pub async fn find(conn: &mut AsyncPgConnection, code: &str) -> ApiResult<Programme> {
    let row: ProgrammeRow = programmes::table
        .find(code)
        .select(select())
        .first(conn)
        .await?;
    let rules = rules_of(conn, &[code.to_string()]).await?;
    assemble(vec![row], rules)?.pop().ok_or(ApiError::NotFound)
}

async fn replace_rules(
    conn: &mut AsyncPgConnection,
    code: &str,
    rules: &[MilestoneRule],
) -> ApiResult<()> {
    diesel::delete(milestone_rules::table.filter(milestone_rules::programme_code.eq(code)))
        .execute(conn)
        .await?;
    let rows: Vec<_> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                milestone_rules::programme_code.eq(code),
                milestone_rules::code.eq(&r.code),
                milestone_rules::name_da.eq(r.name_da.trim()),
                milestone_rules::name_en.eq(r.name_en.trim()),
                milestone_rules::anchor.eq(r.anchor.as_str()),
                milestone_rules::offset_months.eq(r.offset_months),
                milestone_rules::offset_days.eq(r.offset_days),
                milestone_rules::position.eq(i as i32 + 1),
            )
        })
        .collect();
    diesel::insert_into(milestone_rules::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    p: &CreateProgrammeRequest,
) -> ApiResult<Programme> {
    let inserted = diesel::insert_into(programmes::table)
        .values((
            programmes::code.eq(&p.code),
            programmes::name_da.eq(p.name_da.trim()),
            programmes::name_en.eq(p.name_en.trim()),
            programmes::department.eq(p.department.as_str()),
            programmes::restricted.eq(p.restricted),
            programmes::requires_mentor.eq(p.requires_mentor),
            programmes::requires_consent.eq(p.requires_consent),
            programmes::eligibility_notes.eq(&p.eligibility_notes),
            programmes::max_duration_months.eq(p.max_duration_months),
        ))
        .execute(conn)
        .await;
    match inserted {
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(ApiError::Conflict(
                "A programme with that code exists.".into(),
            ))
        }
        other => other?,
    };
    replace_rules(conn, &p.code, &p.milestone_rules).await?;
    find(conn, &p.code).await
}

#[derive(AsChangeset)]
#[diesel(table_name = programmes)]
struct ProgrammeChangeset<'a> {
    name_da: Option<&'a str>,
    name_en: Option<&'a str>,
    requires_mentor: Option<bool>,
    requires_consent: Option<bool>,
    eligibility_notes: Option<&'a str>,
    active: Option<bool>,
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    code: &str,
    expected_version: i32,
    u: &UpdateProgrammeRequest,
) -> ApiResult<Programme> {
    let version: i32 = programmes::table
        .find(code)
        .select(programmes::version)
        .for_update()
        .first(conn)
        .await?;
    if version != expected_version {
        return Err(ApiError::PreconditionFailed);
    }
    diesel::update(programmes::table.find(code))
        .set((
            ProgrammeChangeset {
                name_da: u.name_da.as_deref().map(str::trim),
                name_en: u.name_en.as_deref().map(str::trim),
                requires_mentor: u.requires_mentor,
                requires_consent: u.requires_consent,
                eligibility_notes: u.eligibility_notes.as_deref(),
                active: u.active,
            },
            programmes::version.eq(programmes::version + 1),
        ))
        .execute(conn)
        .await?;
    if let Some(rules) = &u.milestone_rules {
        replace_rules(conn, code, rules).await?;
    }
    find(conn, code).await
}
