//! Database access for the programme catalogue.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::domain::Anchor;
use super::dto::{CreateProgrammeRequest, UpdateProgrammeRequest};
// Enrolments read programmes through this module.
pub use super::dto::{MilestoneRule, Programme};
use crate::error::{ApiError, ApiResult};
use crate::http::IfMatch;
use crate::schema::{milestone_rules, programmes};

#[derive(Queryable, Selectable)]
#[diesel(table_name = programmes)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct ProgrammeRow {
    code: String,
    name_da: String,
    name_en: String,
    department: String,
    restricted: bool,
    requires_mentor: bool,
    requires_consent: bool,
    eligibility_notes: String,
    max_duration_months: Option<i32>,
    active: bool,
    version: i32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = milestone_rules)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct RuleRow {
    programme_code: String,
    code: String,
    name_da: String,
    name_en: String,
    anchor: String,
    offset_months: i32,
    offset_days: i32,
}

impl ProgrammeRow {
    fn into_view(self, milestone_rules: Vec<MilestoneRule>) -> ApiResult<Programme> {
        Ok(Programme {
            department: self
                .department
                .parse()
                .map_err(|_| ApiError::internal(anyhow::anyhow!("unknown department in the database")))?,
            code: self.code,
            name_da: self.name_da,
            name_en: self.name_en,
            restricted: self.restricted,
            requires_mentor: self.requires_mentor,
            requires_consent: self.requires_consent,
            eligibility_notes: self.eligibility_notes,
            max_duration_months: self.max_duration_months,
            active: self.active,
            version: self.version,
            milestone_rules,
        })
    }
}

impl RuleRow {
    fn into_view(self) -> ApiResult<MilestoneRule> {
        Ok(MilestoneRule {
            anchor: Anchor::parse(&self.anchor)
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown milestone anchor in the database")))?,
            code: self.code,
            name_da: self.name_da,
            name_en: self.name_en,
            offset_months: self.offset_months,
            offset_days: self.offset_days,
        })
    }
}

/// The programmes' rows with their rules: two queries.
async fn with_rules(conn: &mut AsyncPgConnection, rows: Vec<ProgrammeRow>) -> ApiResult<Vec<Programme>> {
    let codes: Vec<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let rule_rows: Vec<RuleRow> = milestone_rules::table
        .filter(milestone_rules::programme_code.eq_any(codes))
        .order((milestone_rules::programme_code, milestone_rules::position))
        .select(RuleRow::as_select())
        .load(conn)
        .await?;
    let mut rules: HashMap<String, Vec<MilestoneRule>> = HashMap::new();
    for row in rule_rows {
        let programme = row.programme_code.clone();
        rules.entry(programme).or_default().push(row.into_view()?);
    }
    rows.into_iter()
        .map(|row| {
            let own = rules.remove(&row.code).unwrap_or_default();
            row.into_view(own)
        })
        .collect()
}

async fn with_its_rules(conn: &mut AsyncPgConnection, row: ProgrammeRow) -> ApiResult<Programme> {
    with_rules(conn, vec![row]).await?.pop().ok_or(ApiError::NotFound)
}

/// The whole catalogue with its rules.
pub async fn list(conn: &mut AsyncPgConnection) -> ApiResult<Vec<Programme>> {
    let rows = programmes::table.order(programmes::code).select(ProgrammeRow::as_select()).load(conn).await?;
    with_rules(conn, rows).await
}

pub async fn find(conn: &mut AsyncPgConnection, code: &str) -> ApiResult<Programme> {
    let row = programmes::table.find(code).select(ProgrammeRow::as_select()).first(conn).await?;
    with_its_rules(conn, row).await
}

/// The programme a request body names in `programme_code`: an unknown code
/// is the body's mistake (422 on that field), not a missing resource.
pub async fn find_requested(conn: &mut AsyncPgConnection, code: &str) -> ApiResult<Programme> {
    match find(conn, code).await {
        Err(ApiError::NotFound) => Err(ApiError::invalid("programme_code", "unknown", "no such programme")),
        other => other,
    }
}

async fn replace_rules(conn: &mut AsyncPgConnection, code: &str, rules: &[MilestoneRule]) -> ApiResult<()> {
    diesel::delete(milestone_rules::table.filter(milestone_rules::programme_code.eq(code))).execute(conn).await?;
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
    diesel::insert_into(milestone_rules::table).values(rows).execute(conn).await?;
    Ok(())
}

pub async fn insert(conn: &mut AsyncPgConnection, p: &CreateProgrammeRequest) -> ApiResult<Programme> {
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
        .returning(ProgrammeRow::as_returning())
        .get_result(conn)
        .await;
    let row = match inserted {
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(ApiError::Conflict("A programme with that code exists.".into()))
        }
        other => other?,
    };
    replace_rules(conn, &p.code, &p.milestone_rules).await?;
    with_its_rules(conn, row).await
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
    conn: &mut AsyncPgConnection, code: &str, expected: IfMatch, u: &UpdateProgrammeRequest,
) -> ApiResult<Programme> {
    let version: i32 = programmes::table.find(code).select(programmes::version).for_update().first(conn).await?;
    expected.check(version)?;
    let row = diesel::update(programmes::table.find(code))
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
        .returning(ProgrammeRow::as_returning())
        .get_result(conn)
        .await?;
    if let Some(rules) = &u.milestone_rules {
        replace_rules(conn, code, rules).await?;
    }
    with_its_rules(conn, row).await
}
