//! Database access for enrolments and milestones, through the caller's reach.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::domain::{due_date, start_of, AnchorDates, Start, Status, MENTOR_ASSIGNED};
use super::dto::{EnrolmentView, MilestoneView};
use crate::audit::{Action, AuditEntry, Resource};
use crate::citizens::queries as citizens_q;
use crate::consents::queries as consents;
use crate::domain::{CitizenId, EnrolmentId, MilestoneId, TeamId, UserId};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::programmes::queries::{MilestoneRule, Programme};
use crate::schema::{
    citizens, enrolment_transitions, enrolments, milestones, referrals, staff_user_teams, staff_users, teams,
};
use crate::scope::{self, Reach, View};

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = enrolments)]
#[diesel(check_for_backend(diesel::pg::Pg))]
pub struct EnrolmentRow {
    pub id: EnrolmentId,
    pub citizen_id: CitizenId,
    pub programme_code: String,
    pub department: String,
    pub restricted: bool,
    pub team_id: TeamId,
    pub responsible_caseworker_id: UserId,
    pub mentor_id: Option<UserId>,
    pub status: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub goals: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl EnrolmentRow {
    /// The team whose restricted work this enrolment is, if it is: its
    /// audit entries are that team's (docs/design.md §6).
    pub fn restricted_team(&self) -> Option<Uuid> {
        self.restricted.then_some(self.team_id.0)
    }

    /// A successful access to this enrolment's citizen, tagged with its team.
    pub fn audited(&self, action: Action, resource: Resource) -> AuditEntry {
        AuditEntry::success(action, resource).citizen(self.citizen_id).within(self.restricted_team())
    }
}

impl EnrolmentRow {
    pub fn status(&self) -> ApiResult<Status> {
        Status::parse(&self.status).ok_or_else(|| ApiError::internal(anyhow::anyhow!("unknown enrolment status")))
    }
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = milestones)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct MilestoneRow {
    id: MilestoneId,
    enrolment_id: EnrolmentId,
    code: String,
    name_da: String,
    name_en: String,
    due_date: NaiveDate,
    met_on: Option<NaiveDate>,
    waived_reason: Option<String>,
}

/// The enrolment and how the caller sees it, or 404.
pub async fn find_visible(
    conn: &mut AsyncPgConnection, reach: &Reach, id: EnrolmentId, lock: bool,
) -> ApiResult<(EnrolmentRow, View)> {
    let query =
        enrolments::table.find(id).filter(scope::enrolments_by_department(reach)).select(EnrolmentRow::as_select());
    // Only actors with a department reach are looked up as caseworkers.
    if reach.department.is_some() {
        let row =
            if lock { query.for_update().first(conn).await.optional()? } else { query.first(conn).await.optional()? };
        if let Some(row) = row {
            return Ok((row, View::Caseworker));
        }
    }
    let query =
        enrolments::table.find(id).filter(scope::enrolments_by_mentoring(reach)).select(EnrolmentRow::as_select());
    let row = if lock { query.for_update().first(conn).await? } else { query.first(conn).await? };
    Ok((row, View::Mentor))
}

/// An enrolment by id, unscoped: for the CLI's demo data only.
pub async fn find_row(conn: &mut AsyncPgConnection, id: EnrolmentId) -> ApiResult<EnrolmentRow> {
    Ok(enrolments::table.find(id).select(EnrolmentRow::as_select()).first(conn).await?)
}

/// The enrolment, only if the caller reaches it through their department.
pub async fn find_for_caseworker(
    conn: &mut AsyncPgConnection, reach: &Reach, id: EnrolmentId,
) -> ApiResult<EnrolmentRow> {
    match find_visible(conn, reach, id, true).await? {
        (row, View::Caseworker) => Ok(row),
        (_, View::Mentor) => Err(ApiError::NotFound),
    }
}

/// A citizen's enrolments that the caller may see, oldest first: one query.
pub async fn list_for_citizen(
    conn: &mut AsyncPgConnection, reach: &Reach, citizen: CitizenId,
) -> ApiResult<Vec<EnrolmentRow>> {
    Ok(enrolments::table
        .filter(enrolments::citizen_id.eq(citizen))
        .filter(scope::enrolments_visible(reach))
        .order(enrolments::id)
        .select(EnrolmentRow::as_select())
        .load(conn)
        .await?)
}

fn milestone_view(m: MilestoneRow, today: NaiveDate) -> MilestoneView {
    MilestoneView {
        overdue: m.met_on.is_none() && m.waived_reason.is_none() && m.due_date < today,
        id: m.id.into(),
        code: m.code,
        name_da: m.name_da,
        name_en: m.name_en,
        due_date: m.due_date,
        met_on: m.met_on,
        waived_reason: m.waived_reason,
    }
}

/// Enrolment views with their milestones: one query for all milestones.
pub async fn views(
    conn: &mut AsyncPgConnection, rows: Vec<EnrolmentRow>, today: NaiveDate,
) -> ApiResult<Vec<EnrolmentView>> {
    let ids: Vec<EnrolmentId> = rows.iter().map(|r| r.id).collect();
    let all: Vec<MilestoneRow> = milestones::table
        .filter(milestones::enrolment_id.eq_any(&ids))
        .order((milestones::due_date, milestones::code))
        .select(MilestoneRow::as_select())
        .load(conn)
        .await?;
    let mut by_enrolment: HashMap<EnrolmentId, Vec<MilestoneView>> = HashMap::new();
    for m in all {
        by_enrolment.entry(m.enrolment_id).or_default().push(milestone_view(m, today));
    }
    rows.into_iter()
        .map(|r| {
            Ok(EnrolmentView {
                status: r.status()?,
                milestones: by_enrolment.remove(&r.id).unwrap_or_default(),
                id: r.id.into(),
                citizen_id: r.citizen_id.into(),
                programme_code: r.programme_code,
                department: r.department,
                team_id: r.team_id.into(),
                responsible_caseworker_id: r.responsible_caseworker_id.into(),
                mentor_id: r.mentor_id.map(Into::into),
                start_date: r.start_date,
                end_date: r.end_date,
                goals: r.goals,
                version: r.version,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

/// One enrolment's view, unscoped: after the work found it in reach.
pub async fn view(conn: &mut AsyncPgConnection, id: EnrolmentId, today: NaiveDate) -> ApiResult<EnrolmentView> {
    let row = enrolments::table.find(id).select(EnrolmentRow::as_select()).first(conn).await?;
    views(conn, vec![row], today).await?.pop().ok_or(ApiError::NotFound)
}

/// A team of `department` that is active, and restricted exactly when the
/// programme is. A restricted team must be one the caller belongs to.
pub async fn check_team(
    conn: &mut AsyncPgConnection, team: TeamId, department: &str, restricted: bool, reach: &Reach,
) -> ApiResult<()> {
    let found: Option<(String, bool, bool)> = teams::table
        .find(team)
        .select((teams::department, teams::restricted, teams::active))
        .first(conn)
        .await
        .optional()?;
    let member_of_restricted = reach.department.as_ref().is_some_and(|(_, teams)| teams.contains(&team.0));
    match found {
        Some((d, r, true)) if d == department && r == restricted && (!restricted || member_of_restricted) => Ok(()),
        _ => Err(ApiError::invalid(
            "team_id",
            "invalid",
            "an active team of the programme's department (restricted programmes: your restricted team)",
        )),
    }
}

/// An active user of `department` with `role`, member of `team` if given.
pub async fn check_staff(
    conn: &mut AsyncPgConnection, field: &str, user: UserId, department: &str, role: &str, team: Option<TeamId>,
) -> ApiResult<()> {
    let roles: Option<Vec<String>> = staff_users::table
        .find(user)
        .filter(staff_users::active.eq(true))
        .filter(staff_users::department.eq(department))
        .select(staff_users::roles)
        .first(conn)
        .await
        .optional()?;
    let mut ok = roles.is_some_and(|r| r.iter().any(|x| x == role));
    if ok {
        if let Some(team) = team {
            let member: i64 = staff_user_teams::table
                .filter(staff_user_teams::user_id.eq(user))
                .filter(staff_user_teams::team_id.eq(team))
                .count()
                .get_result(conn)
                .await?;
            ok = member > 0;
        }
    }
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            field,
            "invalid",
            format!("an active {role} of the department{}", if team.is_some() { " and team" } else { "" }),
        ))
    }
}

/// The caller's team in `department` fit for an enrolment.
pub async fn default_team(
    conn: &mut AsyncPgConnection, user: UserId, department: &str, restricted: bool,
) -> ApiResult<TeamId> {
    staff_user_teams::table
        .inner_join(teams::table)
        .filter(staff_user_teams::user_id.eq(user))
        .filter(teams::department.eq(department))
        .filter(teams::restricted.eq(restricted))
        .filter(teams::active.eq(true))
        .order(teams::id)
        .select(teams::id)
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| ApiError::invalid("team_id", "required", "you belong to no fitting team; name one"))
}

/// An enrolment to open for the caller's department, once the caller may
/// enrol the citizen in `programme` (their own enrolment or an accepted
/// referral).
pub struct Opening<'a> {
    pub citizen_id: CitizenId,
    pub programme: &'a Programme,
    pub department: &'a str,
    pub caller: UserId,
    /// Defaults to the caller's fitting team.
    pub team_id: Option<TeamId>,
    /// Defaults to the caller.
    pub responsible_caseworker_id: Option<UserId>,
    pub status: Status,
    pub start_date: Option<NaiveDate>,
    pub goals: &'a str,
    /// Why the department now works with the citizen (the involvement's basis).
    pub basis: &'static str,
}

/// Checks team, caseworker and consent, records the department's
/// involvement, inserts the enrolment and, when it starts active, its
/// milestones.
pub async fn open(
    conn: &mut AsyncPgConnection, reach: &Reach, o: Opening<'_>, now: DateTime<Utc>,
) -> ApiResult<EnrolmentId> {
    let programme = o.programme;
    let team = match o.team_id {
        Some(team) => team,
        None => default_team(conn, o.caller, o.department, programme.restricted).await?,
    };
    check_team(conn, team, o.department, programme.restricted, reach).await?;
    let responsible = o.responsible_caseworker_id.unwrap_or(o.caller);
    check_staff(
        conn,
        "responsible_caseworker_id",
        responsible,
        o.department,
        "caseworker",
        programme.restricted.then_some(team),
    )
    .await?;
    let restricted_team = programme.restricted.then_some(team);
    citizens_q::ensure_involvement(
        conn,
        o.citizen_id.into(),
        o.department,
        restricted_team.map(Into::into),
        o.basis,
        now,
    )
    .await?;
    // After the involvement: that is what lets the department read consents.
    if programme.requires_consent && consents::valid_covering(conn, o.citizen_id, o.department, now).await?.is_none() {
        return Err(ApiError::Conflict(format!(
            "Enrolment in {} needs the citizen's valid consent covering {}; record it first.",
            programme.code, o.department
        )));
    }
    let id = insert(
        conn,
        NewEnrolment {
            citizen_id: o.citizen_id,
            programme_code: &programme.code,
            department: o.department,
            restricted: programme.restricted,
            team_id: team,
            responsible_caseworker_id: responsible,
            status: o.status,
            start_date: o.start_date,
            goals: o.goals,
        },
        now,
    )
    .await?;
    if let (Status::Active, Some(start)) = (o.status, o.start_date) {
        let dates = anchor_dates(conn, o.citizen_id, start).await?;
        create_milestones(conn, id, &programme.milestone_rules, &dates).await?;
    }
    Ok(id)
}

pub struct NewEnrolment<'a> {
    pub citizen_id: CitizenId,
    pub programme_code: &'a str,
    pub department: &'a str,
    pub restricted: bool,
    pub team_id: TeamId,
    pub responsible_caseworker_id: UserId,
    pub status: Status,
    pub start_date: Option<NaiveDate>,
    pub goals: &'a str,
}

pub async fn insert(conn: &mut AsyncPgConnection, new: NewEnrolment<'_>, now: DateTime<Utc>) -> ApiResult<EnrolmentId> {
    Ok(diesel::insert_into(enrolments::table)
        .values((
            enrolments::id.eq(Uuid::now_v7()),
            enrolments::citizen_id.eq(new.citizen_id),
            enrolments::programme_code.eq(new.programme_code),
            enrolments::department.eq(new.department),
            enrolments::restricted.eq(new.restricted),
            enrolments::team_id.eq(new.team_id),
            enrolments::responsible_caseworker_id.eq(new.responsible_caseworker_id),
            enrolments::status.eq(new.status.as_str()),
            enrolments::start_date.eq(new.start_date),
            enrolments::goals.eq(new.goals),
            enrolments::created_at.eq(now),
            enrolments::updated_at.eq(now),
        ))
        .returning(enrolments::id)
        .get_result(conn)
        .await?)
}

/// The anchor dates of a citizen for an enrolment starting on `start`.
pub async fn anchor_dates(
    conn: &mut AsyncPgConnection, citizen: CitizenId, start: NaiveDate,
) -> ApiResult<AnchorDates> {
    let (arrival, visitation, registered): (Option<NaiveDate>, Option<NaiveDate>, DateTime<Utc>) = citizens::table
        .find(citizen)
        .select((citizens::arrival_date, citizens::visitation_date, citizens::created_at))
        .first(conn)
        .await?;
    Ok(AnchorDates {
        arrival,
        visitation,
        enrolment_start: start,
        registered: Some(crate::clock::local_date(registered)),
        mentor_assigned: None,
    })
}

/// Creates the programme's milestones; 422 naming the citizen field an
/// anchor needs when it is unknown. A milestone that a rule closes from the
/// start (`domain::start_of`: due at arrival for a citizen registered after
/// arriving; `mentor_assigned` with a mentor already assigned) is created
/// waived or met, with no person as its closer.
pub async fn create_milestones(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, rules: &[MilestoneRule], dates: &AnchorDates,
) -> ApiResult<()> {
    let mentor_assigned: Option<DateTime<Utc>> =
        enrolments::table.find(enrolment).select(enrolments::mentor_assigned_at).first(conn).await?;
    let dates = &AnchorDates { mentor_assigned: mentor_assigned.map(crate::clock::local_date), ..*dates };
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for rule in rules {
        match due_date(rule.anchor, rule.offset_months as u32, rule.offset_days as u64, dates) {
            Some(due) => {
                let (met_on, waived_reason) = match start_of(
                    &rule.code,
                    rule.anchor,
                    rule.offset_months as u32,
                    rule.offset_days as u64,
                    dates,
                ) {
                    Start::Open => (None, None),
                    Start::Met(on) => (Some(on), None),
                    Start::NotApplicable(why) => (None, Some(why)),
                };
                rows.push((
                    milestones::id.eq(Uuid::now_v7()),
                    milestones::enrolment_id.eq(enrolment),
                    milestones::code.eq(rule.code.clone()),
                    milestones::name_da.eq(rule.name_da.clone()),
                    milestones::name_en.eq(rule.name_en.clone()),
                    milestones::due_date.eq(due),
                    milestones::met_on.eq(met_on),
                    milestones::waived_reason.eq(waived_reason),
                ))
            }
            None => {
                let field = rule.anchor.citizen_field().unwrap_or("start_date");
                if !missing.iter().any(|e: &FieldError| e.field == field) {
                    missing.push(FieldError::new(
                        field,
                        "required_for_milestones",
                        format!("the citizen's {field} is needed to compute the programme's deadlines"),
                    ));
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::Validation(missing));
    }
    diesel::insert_into(milestones::table).values(rows).execute(conn).await?;
    Ok(())
}

/// A move in the status machine, with the dates it sets.
pub struct Transition<'a> {
    pub to: Status,
    pub reason: &'a str,
    pub actor: UserId,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

pub async fn record_transition(
    conn: &mut AsyncPgConnection, row: &EnrolmentRow, t: Transition<'_>, now: DateTime<Utc>,
) -> ApiResult<()> {
    let Transition { to, reason, actor, start_date, end_date } = t;
    diesel::update(enrolments::table.find(row.id))
        .set((
            enrolments::status.eq(to.as_str()),
            enrolments::start_date.eq(start_date),
            enrolments::end_date.eq(end_date),
            enrolments::version.eq(enrolments::version + 1),
            enrolments::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    diesel::insert_into(enrolment_transitions::table)
        .values((
            enrolment_transitions::id.eq(Uuid::now_v7()),
            enrolment_transitions::enrolment_id.eq(row.id),
            enrolment_transitions::from_status.eq(&row.status),
            enrolment_transitions::to_status.eq(to.as_str()),
            enrolment_transitions::reason.eq(reason),
            enrolment_transitions::actor_id.eq(actor),
            enrolment_transitions::at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

#[derive(AsChangeset)]
#[diesel(table_name = enrolments)]
pub struct EnrolmentChangeset<'a> {
    pub goals: Option<&'a str>,
    pub responsible_caseworker_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub updated_at: DateTime<Utc>,
}

pub async fn update(conn: &mut AsyncPgConnection, id: EnrolmentId, changes: EnrolmentChangeset<'_>) -> ApiResult<()> {
    diesel::update(enrolments::table.find(id))
        .set((changes, enrolments::version.eq(enrolments::version + 1)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Assigns the mentor (or ends the assignment with `None`). An assignment
/// meets the enrolment's open `mentor_assigned` milestone on the day; ending
/// one leaves a met milestone met.
pub async fn set_mentor(
    conn: &mut AsyncPgConnection, id: EnrolmentId, mentor: Option<UserId>, now: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::update(enrolments::table.find(id))
        .set((
            enrolments::mentor_id.eq(mentor),
            enrolments::mentor_assigned_at.eq(mentor.map(|_| now)),
            enrolments::version.eq(enrolments::version + 1),
            enrolments::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    if mentor.is_some() {
        diesel::update(
            milestones::table
                .filter(milestones::enrolment_id.eq(id))
                .filter(milestones::code.eq(MENTOR_ASSIGNED))
                .filter(milestones::met_on.is_null())
                .filter(milestones::waived_reason.is_null()),
        )
        .set((milestones::met_on.eq(crate::clock::local_date(now)), milestones::closed_at.eq(now)))
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Closes an open milestone of the enrolment as met or waived; 409 if it
/// was closed already, 404 if it is not the enrolment's.
pub async fn close_milestone(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, milestone: MilestoneId, met_on: Option<NaiveDate>,
    waived_reason: Option<&str>, actor: UserId, now: DateTime<Utc>,
) -> ApiResult<()> {
    let open: Option<(Option<NaiveDate>, Option<String>)> = milestones::table
        .find(milestone)
        .filter(milestones::enrolment_id.eq(enrolment))
        .select((milestones::met_on, milestones::waived_reason))
        .for_update()
        .first(conn)
        .await
        .optional()?;
    match open {
        None => Err(ApiError::NotFound),
        Some((None, None)) => {
            diesel::update(milestones::table.find(milestone))
                .set((
                    milestones::met_on.eq(met_on),
                    milestones::waived_reason.eq(waived_reason),
                    milestones::closed_by.eq(actor),
                    milestones::closed_at.eq(now),
                ))
                .execute(conn)
                .await?;
            Ok(())
        }
        Some(_) => Err(ApiError::Conflict("The milestone is already met or waived.".into())),
    }
}

/// An accepted referral is completed when the enrolment it opened closes
/// (the statuses are `referrals::queries::ReferralStatus`'s; written here
/// so that enrolments need not import referrals, which import enrolments).
pub async fn complete_referral(
    conn: &mut AsyncPgConnection, enrolment: EnrolmentId, now: DateTime<Utc>,
) -> ApiResult<()> {
    diesel::update(
        referrals::table.filter(referrals::enrolment_id.eq(enrolment)).filter(referrals::status.eq("accepted")),
    )
    .set((
        referrals::status.eq("completed"),
        referrals::closed_at.eq(now),
        referrals::version.eq(referrals::version + 1),
    ))
    .execute(conn)
    .await?;
    Ok(())
}
