//! Bodies and views of the programme catalogue, and their validation.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::domain::Anchor;
use crate::domain::DepartmentCode;
use crate::error::{ApiError, FieldError};

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

#[derive(Deserialize, ToSchema, Serialize)]
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

pub(crate) fn is_code(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The Danish and English names: 1–200 characters each, when given.
fn check_names(names: [(&str, Option<&str>); 2]) -> Result<(), ApiError> {
    for (field, name) in names {
        if name.is_some_and(|v| v.trim().is_empty() || v.chars().count() > 200) {
            return Err(ApiError::invalid(field, "invalid", "1–200 characters"));
        }
    }
    Ok(())
}

pub fn validate_rules(rules: &[MilestoneRule]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, r) in rules.iter().enumerate() {
        let field = format!("milestone_rules[{i}]");
        if !is_code(&r.code) || !seen.insert(r.code.clone()) {
            errors.push(FieldError::new(&field, "invalid_code", "a unique lower-case code"));
        }
        if r.name_da.trim().is_empty() || r.name_en.trim().is_empty() || r.name_da.len() > 200 || r.name_en.len() > 200
        {
            errors.push(FieldError::new(&field, "invalid_name", "names of 1–200 characters"));
        }
        if !(0..=120).contains(&r.offset_months) || !(0..=3650).contains(&r.offset_days) {
            errors.push(FieldError::new(&field, "out_of_range", "0–120 months and 0–3650 days"));
        }
    }
    if rules.len() > 20 {
        errors.push(FieldError::new("milestone_rules", "too_many", "at most 20 rules"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

impl CreateProgrammeRequest {
    pub fn validate(&self) -> Result<(), ApiError> {
        if !is_code(&self.code) {
            return Err(ApiError::invalid("code", "invalid", "2–64 lower-case letters, digits or _"));
        }
        check_names([("name_da", Some(self.name_da.as_str())), ("name_en", Some(self.name_en.as_str()))])?;
        if self.eligibility_notes.chars().count() > 2000 {
            return Err(ApiError::invalid("eligibility_notes", "too_long", "at most 2000 characters"));
        }
        if self.max_duration_months.is_some_and(|m| m <= 0) {
            return Err(ApiError::invalid("max_duration_months", "out_of_range", "must be positive"));
        }
        validate_rules(&self.milestone_rules)
    }
}

impl UpdateProgrammeRequest {
    pub fn validate(&self) -> Result<(), ApiError> {
        if let Some(rules) = &self.milestone_rules {
            validate_rules(rules)?;
        }
        check_names([("name_da", self.name_da.as_deref()), ("name_en", self.name_en.as_deref())])
    }
}
