//! Database access for citizens, always through the caller's [`Reach`].

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::codes::{District, Need};
use super::dto::{CitizenData, CitizenSummary, CitizenView, MentorCitizenView};
use super::origin::{Origin, OriginGroup, OriginRegion};
use crate::cpr::{mask_from_birth_date, Sealed, Sex};
use crate::domain::CitizenId;
use crate::error::{ApiError, ApiResult};
use crate::schema::{citizen_restricted_data, citizens, involvements, known_cpr_registrations};
use crate::scope::{self, Reach, View};

#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = citizens)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct CitizenRow {
    pub id: Uuid,
    pub birth_date: NaiveDate,
    pub sex: String,
    #[diesel(embed)]
    pub data: CitizenData,
    pub origin_group: Option<String>,
    pub origin_country: Option<String>,
    pub origin_region: Option<String>,
    pub menapt: bool,
    pub etnisk_minoritetsbaggrund: bool,
    pub lifecycle: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str) -> ApiError {
    ApiError::internal(anyhow::anyhow!("unexpected {what} in the database"))
}

impl CitizenRow {
    fn origin(&self) -> ApiResult<Option<Origin>> {
        let Some(group) = self.origin_group.as_deref() else {
            return Ok(None);
        };
        Ok(Some(Origin {
            group: group.parse::<OriginGroup>().map_err(|_| corrupt("origin group"))?,
            origin_country: self.origin_country.clone(),
            region: self
                .origin_region
                .as_deref()
                .map(|r| r.parse::<OriginRegion>().map_err(|_| corrupt("origin region")))
                .transpose()?,
            menapt: self.menapt,
            etnisk_minoritetsbaggrund: self.etnisk_minoritetsbaggrund,
        }))
    }

    pub fn into_view(self) -> ApiResult<CitizenView> {
        let origin = self.origin()?;
        Ok(CitizenView {
            id: self.id,
            cpr_masked: mask_from_birth_date(self.birth_date),
            birth_date: self.birth_date,
            sex: self.sex.parse::<Sex>().map_err(|_| corrupt("sex"))?,
            data: self.data,
            origin,
            lifecycle: self.lifecycle,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }

    pub fn into_mentor_view(self) -> MentorCitizenView {
        let data = self.data;
        MentorCitizenView {
            id: self.id,
            given_name: data.given_name,
            family_name: data.family_name,
            phone: data.phone,
            email: data.email,
            address: data.address,
            preferred_language: data.preferred_language,
            interpreter_needed: data.interpreter_needed,
        }
    }

    pub fn summary(self) -> ApiResult<CitizenSummary> {
        Ok(CitizenSummary {
            id: self.id,
            cpr_masked: mask_from_birth_date(self.birth_date),
            district: self.data.district,
            given_name: self.data.given_name,
            family_name: self.data.family_name,
        })
    }
}

/// What a restricted team recorded in confidence about a citizen (DESIGN
/// §3): it lives with the team, not on the shared record.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = citizen_restricted_data)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct RestrictedData {
    pub team_id: Uuid,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub needs: Vec<Need>,
}

impl RestrictedData {
    /// The team's view of the record: its contact details where it has
    /// them, and its need codes beside the shared ones.
    pub fn overlay(&self, row: &mut CitizenRow) {
        let data = &mut row.data;
        if self.phone.is_some() {
            data.phone.clone_from(&self.phone);
        }
        if self.email.is_some() {
            data.email.clone_from(&self.email);
        }
        if self.address.is_some() {
            data.address.clone_from(&self.address);
        }
        for need in &self.needs {
            if !data.needs.contains(need) {
                data.needs.push(*need);
            }
        }
    }
}

/// The confidential data the caller's restricted teams hold on a citizen.
pub async fn restricted_data(
    conn: &mut AsyncPgConnection, reach: &Reach, id: Uuid,
) -> ApiResult<Option<RestrictedData>> {
    let Some((_, teams)) = &reach.department else {
        return Ok(None);
    };
    if teams.is_empty() {
        return Ok(None);
    }
    Ok(citizen_restricted_data::table
        .filter(citizen_restricted_data::citizen_id.eq(id))
        .filter(citizen_restricted_data::team_id.eq_any(teams.clone()))
        .order(citizen_restricted_data::team_id)
        .select(RestrictedData::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// Writes a restricted team's confidential data on a citizen.
pub async fn upsert_restricted_data(
    conn: &mut AsyncPgConnection, citizen: Uuid, team: Uuid, data: &CitizenData, now: DateTime<Utc>,
) -> ApiResult<()> {
    let values = (
        citizen_restricted_data::phone.eq(data.phone.as_deref()),
        citizen_restricted_data::email.eq(data.email.as_deref()),
        citizen_restricted_data::address.eq(data.address.as_deref()),
        citizen_restricted_data::needs.eq(&data.needs),
        citizen_restricted_data::updated_at.eq(now),
    );
    diesel::insert_into(citizen_restricted_data::table)
        .values((citizen_restricted_data::citizen_id.eq(citizen), citizen_restricted_data::team_id.eq(team), values))
        .on_conflict((citizen_restricted_data::citizen_id, citizen_restricted_data::team_id))
        .do_update()
        .set(values)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a registration of a CPR already on file, for the managers.
pub async fn insert_known_registration(
    conn: &mut AsyncPgConnection, citizen: Uuid, department: &str, registered_by: Uuid, basis: &str, now: DateTime<Utc>,
) -> ApiResult<Uuid> {
    let id = Uuid::now_v7();
    diesel::insert_into(known_cpr_registrations::table)
        .values((
            known_cpr_registrations::id.eq(id),
            known_cpr_registrations::citizen_id.eq(citizen),
            known_cpr_registrations::department.eq(department),
            known_cpr_registrations::registered_by.eq(registered_by),
            known_cpr_registrations::basis.eq(basis),
            known_cpr_registrations::at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(id)
}

/// The department's registrations of known CPRs, newest first.
pub async fn list_known_registrations(
    conn: &mut AsyncPgConnection, department: &str, since: DateTime<Utc>,
) -> ApiResult<Vec<(Uuid, Uuid, Uuid, String, DateTime<Utc>)>> {
    Ok(known_cpr_registrations::table
        .filter(known_cpr_registrations::department.eq(department))
        .filter(known_cpr_registrations::at.ge(since))
        .order(known_cpr_registrations::at.desc())
        .limit(500)
        .select((
            known_cpr_registrations::id,
            known_cpr_registrations::citizen_id,
            known_cpr_registrations::registered_by,
            known_cpr_registrations::basis,
            known_cpr_registrations::at,
        ))
        .load(conn)
        .await?)
}

/// The citizen and how the caller sees them, or 404. A restricted team
/// member sees the team's confidential data over the shared record.
pub async fn find_visible(
    conn: &mut AsyncPgConnection, reach: &Reach, id: CitizenId, lock: bool,
) -> ApiResult<(CitizenRow, View)> {
    let (mut row, view) = find_visible_shared(conn, reach, id, lock).await?;
    if view == View::Caseworker {
        if let Some(team) = restricted_data(conn, reach, row.id).await? {
            team.overlay(&mut row);
        }
    }
    Ok((row, view))
}

/// The shared record and how the caller sees them, or 404.
pub async fn find_visible_shared(
    conn: &mut AsyncPgConnection, reach: &Reach, id: CitizenId, lock: bool,
) -> ApiResult<(CitizenRow, View)> {
    let by_department =
        citizens::table.find(id).filter(scope::citizens_by_department(reach)).select(CitizenRow::as_select());
    // Only actors with a department reach (caseworkers, managers) are
    // looked up as such; a mentor is only ever a mentor.
    if reach.department.is_some() {
        let row = if lock {
            by_department.for_update().first(conn).await.optional()?
        } else {
            by_department.first(conn).await.optional()?
        };
        if let Some(row) = row {
            return Ok((row, View::Caseworker));
        }
    }
    let row = citizens::table
        .find(id)
        .filter(scope::citizens_by_mentoring(reach))
        .select(CitizenRow::as_select())
        .first(conn)
        .await?;
    Ok((row, View::Mentor))
}

/// The citizen, only if the caller reaches them through their department (or
/// a live grant): a mentor's view does not count. 404 otherwise.
pub async fn find_for_caseworker(
    conn: &mut AsyncPgConnection, reach: &Reach, id: CitizenId, lock: bool,
) -> ApiResult<CitizenRow> {
    match find_visible(conn, reach, id, lock).await? {
        (row, View::Caseworker) => Ok(row),
        (_, View::Mentor) => Err(ApiError::NotFound),
    }
}

/// The encrypted CPR of a citizen the caller reaches through their department.
pub async fn sealed_cpr(conn: &mut AsyncPgConnection, reach: &Reach, id: CitizenId) -> ApiResult<Sealed> {
    let (key_id, ciphertext): (Option<String>, Option<Vec<u8>>) = citizens::table
        .find(id)
        .filter(scope::citizens_by_department(reach))
        .select((citizens::cpr_key_id, citizens::cpr_ciphertext))
        .first(conn)
        .await?;
    match (key_id, ciphertext) {
        (Some(key_id), Some(ciphertext)) => Ok(Sealed { key_id, ciphertext }),
        // Anonymised: the number is gone.
        _ => Err(ApiError::NotFound),
    }
}

pub struct NewCitizen<'a> {
    pub sealed: &'a Sealed,
    pub lookup_hash: &'a [u8],
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub data: &'a CitizenData,
}

/// A new citizen's row: the sealed CPR, the record and the origin derived from it.
#[derive(Insertable)]
#[diesel(table_name = citizens)]
struct CitizenInsert<'a> {
    id: Uuid,
    cpr_ciphertext: &'a [u8],
    cpr_key_id: &'a str,
    cpr_hash: &'a [u8],
    birth_date: NaiveDate,
    sex: &'static str,
    #[diesel(embed)]
    data: CitizenData,
    #[diesel(embed)]
    origin: OriginColumns,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl<'a> NewCitizen<'a> {
    fn row(&self, id: Uuid, now: DateTime<Utc>) -> CitizenInsert<'a> {
        CitizenInsert {
            id,
            cpr_ciphertext: &self.sealed.ciphertext,
            cpr_key_id: &self.sealed.key_id,
            cpr_hash: self.lookup_hash,
            birth_date: self.birth_date,
            sex: self.sex.as_str(),
            data: self.data.clone(),
            origin: OriginColumns::of(self.data),
            created_at: now,
            updated_at: now,
        }
    }
}

/// Inserts new citizens in one statement (bulk import); the caller has made
/// sure none of their CPRs is registered.
pub async fn insert_many(
    conn: &mut AsyncPgConnection, rows: &[(Uuid, NewCitizen<'_>)], now: DateTime<Utc>,
) -> ApiResult<()> {
    let values: Vec<_> = rows.iter().map(|(id, new)| new.row(*id, now)).collect();
    diesel::insert_into(citizens::table).values(values).execute(conn).await?;
    Ok(())
}

/// The origin columns, derived from the record on every write
/// (docs/design.md §8).
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = citizens)]
#[diesel(treat_none_as_null = true)]
struct OriginColumns {
    origin_group: Option<&'static str>,
    origin_country: Option<String>,
    origin_region: Option<&'static str>,
    menapt: bool,
    etnisk_minoritetsbaggrund: bool,
}

impl OriginColumns {
    fn of(data: &CitizenData) -> Self {
        let origin = data.origin();
        Self {
            origin_group: origin.as_ref().map(|o| o.group.as_str()),
            origin_country: origin.as_ref().and_then(|o| o.origin_country.clone()),
            origin_region: origin.as_ref().and_then(|o| o.region).map(|r| r.as_str()),
            menapt: origin.as_ref().is_some_and(|o| o.menapt),
            etnisk_minoritetsbaggrund: origin.as_ref().is_some_and(|o| o.etnisk_minoritetsbaggrund),
        }
    }
}

/// Inserts a citizen unless one with the same CPR exists; returns the id and
/// whether it was created.
pub async fn insert_or_find(
    conn: &mut AsyncPgConnection, new: NewCitizen<'_>, now: DateTime<Utc>,
) -> ApiResult<(Uuid, bool)> {
    // Registered already, perhaps by another department? This lookup by the
    // CPR's keyed hash is the one row-level security lets through.
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Uuid>)]
        id: Option<Uuid>,
    }
    let found: Found = diesel::sql_query("SELECT medborger_citizen_by_cpr_hash($1) AS id")
        .bind::<diesel::sql_types::Bytea, _>(new.lookup_hash)
        .get_result(conn)
        .await?;
    if let Some(id) = found.id {
        return Ok((id, false));
    }
    // No ON CONFLICT and no RETURNING: row-level security would hold the new
    // row against the caller, whose department is not involved yet. Two
    // registrations of one CPR at the same moment meet the unique index.
    let id = Uuid::now_v7();
    let inserted = diesel::insert_into(citizens::table).values(new.row(id, now)).execute(conn).await;
    match inserted {
        Err(e) if crate::db::is_unique_violation(&e) => {
            Err(ApiError::Conflict("The citizen was registered at this very moment by someone else; try again.".into()))
        }
        other => other.map(|_| (id, true)).map_err(Into::into),
    }
}

/// Gives `department` (or a restricted team of it) a reason to see the citizen.
pub async fn ensure_involvement(
    conn: &mut AsyncPgConnection, citizen: Uuid, department: &str, restricted_team: Option<Uuid>, basis: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::insert_into(involvements::table)
        .values((
            involvements::id.eq(Uuid::now_v7()),
            involvements::citizen_id.eq(citizen),
            involvements::department.eq(department),
            involvements::restricted_team_id.eq(restricted_team),
            involvements::basis.eq(basis),
            involvements::since.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update(
    conn: &mut AsyncPgConnection, id: CitizenId, data: &CitizenData, now: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::update(citizens::table.find(id))
        .set((data, OriginColumns::of(data), citizens::version.eq(citizens::version + 1), citizens::updated_at.eq(now)))
        .execute(conn)
        .await?;
    Ok(())
}

pub enum SearchBy<'a> {
    LookupHash(&'a [u8]),
    Filters { name: Option<&'a str>, district: Option<District>, programme: Option<&'a str> },
}

/// Escapes LIKE wildcards in user input.
fn like_prefix(term: &str) -> String {
    let escaped: String = term
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("{escaped}%")
}

/// Citizens the caller reaches through their department, in id order,
/// `limit + 1` rows after `after`. One query.
pub async fn search(
    conn: &mut AsyncPgConnection, reach: &Reach, by: SearchBy<'_>, after: Option<Uuid>, limit: i64,
) -> ApiResult<Vec<CitizenRow>> {
    let mut query = citizens::table
        .filter(scope::citizens_by_department(reach))
        .filter(citizens::lifecycle.ne("anonymised"))
        .select(CitizenRow::as_select())
        .order(citizens::id)
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(citizens::id.gt(after));
    }
    match by {
        SearchBy::LookupHash(hash) => query = query.filter(citizens::cpr_hash.eq(hash.to_vec())),
        SearchBy::Filters { name, district, programme } => {
            if let Some(name) = name {
                let pattern = like_prefix(name);
                query =
                    query.filter(citizens::family_name.ilike(pattern.clone()).or(citizens::given_name.ilike(pattern)));
            }
            if let Some(district) = district {
                query = query.filter(citizens::district.eq(district.as_str()));
            }
            if let Some(programme) = programme {
                query = query.filter(scope::citizens_in_programme(reach, programme));
            }
        }
    }
    Ok(query.load(conn).await?)
}
