//! The demo case data set for `scripts/run`: ~200 generated citizens across
//! the programmes, enrolments in every status, milestones met on time, late,
//! waived and overdue, journal notes, mentor assignments for mentor.bif and
//! mentor2.bif, SOF and KFF cases, and three restricted cases for the
//! specialist team.
//!
//! Everything is generated from a fixed seed. Names are common given and
//! family names combined at random; CPR numbers are made from a random birth
//! date and serial — none is taken from any person.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::citizens::codes::{DanishLevel, District, EmploymentStatus, Need, ResidenceBasis};
use crate::citizens::dto::CitizenData;
use crate::citizens::queries::{ensure_involvement, insert_or_find, NewCitizen};
use crate::cpr::{Cpr, CprVault};
use crate::db::{self, DbContext, DbPool};
use crate::enrolments::domain::Status;
use crate::enrolments::queries::{
    anchor_dates, close_milestone, create_milestones, insert, record_transition, set_mentor, NewEnrolment, Transition,
};
use crate::error::{ApiError, ApiResult};
use crate::programmes::queries as programmes;
use crate::schema::{citizens, enrolments, milestones, notes, outcomes, staff_users, teams};

/// SplitMix64: small, fast and deterministic; the demo needs no more.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// (country, language, given names, family names) of the demo's backgrounds.
pub(crate) const ORIGINS: &[(&str, &str, &[&str], &[&str])] = &[
    ("SY", "ar", &["Amina", "Omar", "Rania", "Khaled", "Lina", "Yousef"], &["Haddad", "Khalil", "Nasser", "Saleh"]),
    ("IQ", "ar", &["Zainab", "Ali", "Noor", "Hassan"], &["Al-Jaberi", "Kadhim", "Rashid"]),
    ("AF", "fa", &["Farzana", "Ahmad", "Maryam", "Jawad"], &["Rahimi", "Popal", "Karimi"]),
    ("IR", "fa", &["Shirin", "Reza", "Leila", "Dariush"], &["Hosseini", "Moradi", "Tehrani"]),
    ("TR", "tr", &["Elif", "Mehmet", "Ayse", "Emre"], &["Yilmaz", "Demir", "Kaya"]),
    ("LB", "ar", &["Maya", "Karim", "Rita"], &["Haddad", "Khoury"]),
    ("PK", "ur", &["Ayesha", "Bilal", "Sana", "Imran"], &["Khan", "Malik", "Qureshi"]),
    ("SO", "so", &["Hodan", "Abdi", "Fadumo", "Mohamed"], &["Warsame", "Farah", "Jama"]),
    ("ER", "ti", &["Selam", "Yonas", "Helen", "Dawit"], &["Tesfay", "Gebremedhin", "Haile"]),
    ("UA", "uk", &["Olena", "Dmytro", "Iryna", "Andrii", "Kateryna"], &["Shevchenko", "Kovalenko", "Bondarenko"]),
    ("VN", "vi", &["Linh", "Minh", "Thu"], &["Nguyen", "Tran", "Pham"]),
    ("PL", "pl", &["Agnieszka", "Piotr"], &["Nowak", "Kowalski"]),
];

pub(crate) const DISTRICTS: &[District] = &[
    District::Norrebro,
    District::Bispebjerg,
    District::AmagerVest,
    District::AmagerOst,
    District::Valby,
    District::VesterbroKongensEnghave,
    District::BronshojHusum,
    District::Osterbro,
    District::Vanlose,
    District::IndreBy,
];

/// How a demo citizen comes to the municipality, and where they are enrolled.
#[derive(Clone, Copy)]
enum Profile {
    Refugee,
    Ukrainian,
    Descendant,
    SofCitizen,
    KffYouth,
}

struct Ids {
    users: HashMap<String, Uuid>,
    teams: HashMap<String, Uuid>,
}

impl Ids {
    fn user(&self, name: &str) -> ApiResult<Uuid> {
        self.users
            .get(name)
            .copied()
            .ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo user {name} missing: seed the users first")))
    }

    fn team(&self, name: &str) -> ApiResult<Uuid> {
        self.teams.get(name).copied().ok_or_else(|| ApiError::internal(anyhow::anyhow!("demo team {name} missing")))
    }
}

fn birth_date(rng: &mut Rng, today: NaiveDate, min_age: i64, max_age: i64) -> NaiveDate {
    let days = (min_age * 365) + rng.below(((max_age - min_age) * 365) as u64) as i64;
    today - Duration::days(days)
}

/// A generated CPR for `birth`: the serial's first digit follows the century rule.
fn cpr_for(rng: &mut Rng, birth: NaiveDate) -> Option<Cpr> {
    let year = birth.year();
    let first = if year >= 2000 { 4 } else { rng.below(4) };
    let serial = first * 1000 + rng.below(1000);
    Cpr::parse(&format!("{:02}{:02}{:02}{serial:04}", birth.day(), birth.month(), year % 100)).ok()
}

fn data(rng: &mut Rng, profile: Profile, today: NaiveDate, birth: NaiveDate) -> CitizenData {
    let origin = match profile {
        Profile::Ukrainian => ORIGINS[9],
        _ => *rng.pick(ORIGINS),
    };
    let (country, language, given, family) = origin;
    let arrival = match profile {
        Profile::Refugee => Some(today - Duration::days(rng.below(420) as i64)),
        Profile::Ukrainian => Some(today - Duration::days(rng.below(300) as i64)),
        Profile::Descendant => None,
        _ => Some(today - Duration::days(365 + rng.below(2500) as i64)),
    }
    .map(|d| d.max(birth + Duration::days(1)));
    let born_here = matches!(profile, Profile::Descendant) || (matches!(profile, Profile::KffYouth) && rng.chance(50));
    let basis = match (profile, country) {
        (_, "UA") => ResidenceBasis::UkraineSpecialAct,
        (Profile::Refugee, "SY" | "AF" | "ER" | "IR" | "SO") => ResidenceBasis::Refugee,
        (Profile::Refugee, _) => ResidenceBasis::FamilyReunification,
        _ => *rng.pick(&[ResidenceBasis::Work, ResidenceBasis::FamilyReunification, ResidenceBasis::Study]),
    };
    let parents_known = !rng.chance(10);
    let needs: Vec<Need> =
        Need::ALL.iter().copied().filter(|n| *n != Need::NegativeSocialControl && rng.chance(30)).collect();
    CitizenData {
        given_name: rng.pick(given).to_string(),
        family_name: rng.pick(family).to_string(),
        phone: Some(format!(
            "+45 {:02} {:02} {:02} {:02}",
            20 + rng.below(80),
            rng.below(100),
            rng.below(100),
            rng.below(100)
        )),
        email: None,
        address: None,
        district: Some(*rng.pick(DISTRICTS)),
        preferred_language: Some(if born_here { "da" } else { language }.to_string()),
        interpreter_needed: !born_here && rng.chance(40),
        country_of_birth: Some(if born_here { "DK" } else { country }.to_string()),
        citizenship: Some(if born_here && rng.chance(50) { "DK" } else { country }.to_string()),
        mother_country_of_birth: parents_known.then(|| country.to_string()),
        mother_citizenship: parents_known.then(|| country.to_string()),
        father_country_of_birth: parents_known.then(|| country.to_string()),
        father_citizenship: None,
        arrival_date: if born_here { None } else { arrival },
        visitation_date: if born_here {
            None
        } else {
            arrival.map(|a| (a + Duration::days(3 + rng.below(20) as i64)).min(today))
        },
        residence_basis: (!born_here).then_some(basis),
        needs,
        employment_status: Some(*rng.pick(&[
            EmploymentStatus::Unemployed,
            EmploymentStatus::Unemployed,
            EmploymentStatus::WageEmployment,
            EmploymentStatus::Education,
            EmploymentStatus::OutsideLabourForce,
        ])),
        danish_level: Some(*rng.pick(&[DanishLevel::None, DanishLevel::A1, DanishLevel::A2, DanishLevel::B1])),
    }
}

/// (programme, department, team, caseworker) for a profile.
fn programme_for(
    rng: &mut Rng, profile: Profile, female: bool,
) -> (&'static str, &'static str, &'static str, &'static str) {
    let bif_team = "Jobcenter København, Integration";
    let bif_cw = if rng.chance(60) { "cw.bif" } else { "cw2.bif" };
    match profile {
        Profile::Refugee => {
            let options: &[&str] = if female {
                &[
                    "kobenhavnermodellen",
                    "kobenhavnermodellen",
                    "danskuddannelse",
                    "perspektiv",
                    "jobdansk",
                    "welcome_house",
                ]
            } else {
                &["kobenhavnermodellen", "kobenhavnermodellen", "danskuddannelse", "jobdansk", "mentor"]
            };
            (*rng.pick(options), "bif", bif_team, bif_cw)
        }
        Profile::Ukrainian => ("ukraine_saerlov", "bif", bif_team, bif_cw),
        Profile::Descendant => (*rng.pick(&["jobdansk", "mentor"]), "bif", bif_team, bif_cw),
        Profile::SofCitizen => {
            (*rng.pick(&["housing_first", "helhedsorienteret_familieindsats"]), "sof", "Borgercenter Voksne", "cw.sof")
        }
        Profile::KffYouth => (*rng.pick(&["fritidsguide", "kontingentstotte"]), "kff", "Fritidsvejledning", "cw.kff"),
    }
}

pub(crate) const NOTE_TEXTS: &[(&str, &str)] = &[
    ("meeting", "Opfølgningssamtale. Borgeren er motiveret og har fået plan for næste uge."),
    ("phone", "Telefonisk kontakt om mødetider. Aftalt nyt møde."),
    ("home_visit", "Hjemmebesøg. Familien er faldet godt til; tolk deltog."),
    ("internship_follow_up", "Opfølgning med praktikvirksomheden: stabilt fremmøde."),
    ("language_progress", "Modultest bestået på sprogskolen."),
    ("mentor_session", "Mentorsamtale om hverdagen og jobsøgning."),
];

async fn lookup(conn: &mut AsyncPgConnection) -> ApiResult<Ids> {
    let users: Vec<(String, Uuid)> =
        staff_users::table.select((staff_users::username, staff_users::id)).load(conn).await?;
    let teams: Vec<(String, Uuid)> = teams::table.select((teams::name, teams::id)).load(conn).await?;
    Ok(Ids { users: users.into_iter().collect(), teams: teams.into_iter().collect() })
}

/// Creates the demo cases unless citizens exist already; returns how many citizens it made.
pub async fn seed_demo_cases(pool: &DbPool, vault: &CprVault, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let vault = vault.clone();
    db::transaction(pool, DbContext::default(), move |conn| {
        async move {
            // Sees every citizen: the schema owner's pool, never a flag.
            db::require_system(conn).await?;
            let existing: i64 = citizens::table.count().get_result(conn).await?;
            if existing > 0 {
                return Ok(0);
            }
            let ids = lookup(conn).await?;
            let mut rng = Rng(20_261_124);
            let today = crate::clock::local_date(now);
            let mut created = 0;
            let mut mentees = [("mentor.bif", 15), ("mentor2.bif", 8)];
            let mut corrected = false;
            for i in 0..200 {
                let profile = match i {
                    0..=119 => Profile::Refugee,
                    120..=149 => Profile::Ukrainian,
                    150..=169 => Profile::Descendant,
                    170..=189 => Profile::SofCitizen,
                    _ => Profile::KffYouth,
                };
                let birth = match profile {
                    Profile::KffYouth => birth_date(&mut rng, today, 8, 17),
                    Profile::Descendant => birth_date(&mut rng, today, 18, 30),
                    _ => birth_date(&mut rng, today, 18, 62),
                };
                let Some(cpr) = cpr_for(&mut rng, birth) else {
                    continue;
                };
                let Ok(citizen_data) =
                    data(&mut rng, profile, today, cpr.birth_date()).validate(cpr.birth_date(), today)
                else {
                    continue;
                };
                let sealed = vault.encrypt(&cpr).map_err(ApiError::Internal)?;
                let hash = vault.lookup_hash(&cpr);
                let female = cpr.sex() == crate::cpr::Sex::Female;
                let new = NewCitizen {
                    sealed: &sealed,
                    lookup_hash: &hash,
                    birth_date: cpr.birth_date(),
                    sex: cpr.sex(),
                    data: &citizen_data,
                };
                let (citizen, fresh) = insert_or_find(conn, new, now).await?;
                if !fresh {
                    continue;
                }
                created += 1;
                let (programme_code, department, team_name, caseworker) = programme_for(&mut rng, profile, female);
                ensure_involvement(conn, citizen, department, None, "registration", now).await?;
                // A few SOF citizens are known to BIF too.
                if matches!(profile, Profile::SofCitizen) && i < 175 {
                    ensure_involvement(conn, citizen, "bif", None, "registration", now).await?;
                }
                let enrolment =
                    enrol(conn, &mut rng, &ids, citizen, programme_code, department, team_name, caseworker, now)
                        .await?;
                let (enrolment, status) = enrolment;
                if status == Status::Active && ["kobenhavnermodellen", "mentor"].contains(&programme_code) {
                    if let Some(slot) = mentees.iter_mut().find(|(_, left)| *left > 0) {
                        slot.1 -= 1;
                        set_mentor(conn, enrolment.into(), Some(ids.user(slot.0)?.into()), now).await?;
                    }
                }
                write_notes(conn, &mut rng, &ids, enrolment, citizen, caseworker, now, &mut corrected).await?;
                // The specialist team's cases: restricted, one of them a child.
                if matches!(profile, Profile::SofCitizen) && i >= 187 {
                    restricted_case(conn, &ids, citizen, now).await?;
                }
                if matches!(profile, Profile::KffYouth) && i == 199 {
                    restricted_case(conn, &ids, citizen, now).await?;
                }
            }
            audit::record(
                conn,
                now,
                &AuditActor::default(),
                AuditEntry::new(Action::Create, Resource::Seed, Outcome::Success)
                    .reason("demo cases seeded from the CLI"),
            )
            .await?;
            Ok(created)
        }
        .scope_boxed()
    })
    .await
    .map_err(|e| anyhow::anyhow!("seeding demo cases: {e}"))
}

#[allow(clippy::too_many_arguments)]
async fn enrol(
    conn: &mut AsyncPgConnection, rng: &mut Rng, ids: &Ids, citizen: Uuid, programme_code: &str, department: &str,
    team_name: &str, caseworker: &str, now: DateTime<Utc>,
) -> ApiResult<(Uuid, Status)> {
    let today = crate::clock::local_date(now);
    let programme = programmes::find(conn, programme_code).await?;
    let status = *rng.pick(&[
        Status::Active,
        Status::Active,
        Status::Active,
        Status::Active,
        Status::Active,
        Status::Active,
        Status::Referred,
        Status::Paused,
        Status::Completed,
        Status::DroppedOut,
        Status::Cancelled,
    ]);
    let dates = anchor_dates(conn, citizen.into(), today).await?;
    // Starts soon after arrival for the reception programmes.
    let start = match dates.arrival {
        Some(arrival) => (arrival + Duration::days(rng.below(20) as i64)).min(today),
        None => today - Duration::days(rng.below(300) as i64),
    };
    let responsible = ids.user(caseworker)?;
    let id: Uuid = insert(
        conn,
        NewEnrolment {
            citizen_id: citizen.into(),
            programme_code,
            department,
            restricted: false,
            team_id: ids.team(team_name)?.into(),
            responsible_caseworker_id: responsible.into(),
            status: if status == Status::Referred { Status::Referred } else { Status::Active },
            start_date: (status != Status::Referred).then_some(start),
            goals: "Beskæftigelse eller uddannelse; styrke dansk.",
        },
        now,
    )
    .await?
    .into();
    if status == Status::Referred {
        return Ok((id, status));
    }
    let dates = anchor_dates(conn, citizen.into(), start).await?;
    create_milestones(conn, id.into(), &programme.milestone_rules, &dates).await?;
    close_some_milestones(conn, rng, id, responsible, now).await?;
    if status != Status::Active {
        let row = crate::enrolments::queries::find_row(conn, id.into()).await?;
        let end = (!status.is_open()).then_some(today - Duration::days(rng.below(60) as i64));
        let transition = Transition {
            to: status,
            reason: "Demo",
            actor: responsible.into(),
            start_date: Some(start),
            end_date: end.map(|e| e.max(start)),
        };
        record_transition(conn, &row, transition, now).await?;
        if status == Status::Completed {
            record_outcomes(conn, rng, id, citizen, responsible, start, end.unwrap_or(today).max(start), now).await?;
        }
    }
    Ok((id, status))
}

/// Past deadlines: about half met (on time or late), some waived, the rest overdue.
async fn close_some_milestones(
    conn: &mut AsyncPgConnection, rng: &mut Rng, enrolment: Uuid, actor: Uuid, now: DateTime<Utc>,
) -> ApiResult<()> {
    let today = crate::clock::local_date(now);
    let due: Vec<(Uuid, NaiveDate)> = milestones::table
        .filter(milestones::enrolment_id.eq(enrolment))
        .filter(milestones::due_date.lt(today))
        .filter(milestones::met_on.is_null())
        .filter(milestones::waived_reason.is_null())
        .select((milestones::id, milestones::due_date))
        .load(conn)
        .await?;
    for (milestone, due_date) in due {
        let roll = rng.below(100);
        if roll < 35 {
            let met = (due_date - Duration::days(rng.below(10) as i64)).min(today);
            close_milestone(conn, enrolment.into(), milestone.into(), Some(met), None, actor.into(), now).await?;
        } else if roll < 55 {
            let met = (due_date + Duration::days(1 + rng.below(20) as i64)).min(today);
            close_milestone(conn, enrolment.into(), milestone.into(), Some(met), None, actor.into(), now).await?;
        } else if roll < 62 {
            close_milestone(
                conn,
                enrolment.into(),
                milestone.into(),
                None,
                Some("Ikke relevant for borgeren"),
                actor.into(),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn write_notes(
    conn: &mut AsyncPgConnection, rng: &mut Rng, ids: &Ids, enrolment: Uuid, citizen: Uuid, caseworker: &str,
    now: DateTime<Utc>, corrected: &mut bool,
) -> ApiResult<()> {
    let author = ids.user(caseworker)?;
    let count = rng.below(7);
    let mut times: Vec<DateTime<Utc>> = (0..count)
        .map(|_| now - Duration::days(rng.below(120) as i64) - Duration::minutes(rng.below(600) as i64))
        .collect();
    times.sort();
    let mut previous = None;
    for (n, at) in times.iter().enumerate() {
        let (kind, text) = *rng.pick(NOTE_TEXTS);
        let id = Uuid::now_v7();
        let correction = !*corrected && n == 1;
        diesel::insert_into(notes::table)
            .values((
                notes::id.eq(id),
                notes::enrolment_id.eq(enrolment),
                notes::citizen_id.eq(citizen),
                notes::author_id.eq(author),
                notes::kind.eq(kind),
                notes::occurred_at.eq(*at),
                notes::text.eq(text),
                notes::shared_with_mentor.eq(rng.chance(30)),
                notes::supersedes.eq(if correction { previous } else { None }),
                notes::correction_reason.eq(correction.then_some("Rettet dato for mødet")),
                notes::created_at.eq(*at),
            ))
            .execute(conn)
            .await?;
        *corrected |= correction;
        previous = Some(id);
    }
    if let Some(last) = times.last() {
        diesel::update(enrolments::table.find(enrolment)).set(enrolments::last_note_at.eq(*last)).execute(conn).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record_outcomes(
    conn: &mut AsyncPgConnection, rng: &mut Rng, enrolment: Uuid, citizen: Uuid, actor: Uuid, start: NaiveDate,
    end: NaiveDate, now: DateTime<Utc>,
) -> ApiResult<()> {
    let employed = rng.chance(55);
    for (point, on, status, hours, supporting) in [
        ("start", start, "unemployed", 0.0f32, false),
        (
            "end",
            end,
            if employed { "wage_employment" } else { "unemployed" },
            if employed { 25.0 + rng.below(13) as f32 } else { 0.0 },
            employed,
        ),
    ] {
        diesel::insert_into(outcomes::table)
            .values((
                outcomes::id.eq(Uuid::now_v7()),
                outcomes::enrolment_id.eq(enrolment),
                outcomes::citizen_id.eq(citizen),
                outcomes::measurement_point.eq(point),
                outcomes::measured_on.eq(on),
                outcomes::employment_status.eq(status),
                outcomes::weekly_hours.eq(Some(hours)),
                outcomes::self_supporting.eq(supporting),
                outcomes::recorded_by.eq(actor),
                outcomes::created_at.eq(now),
            ))
            .execute(conn)
            .await?;
    }
    Ok(())
}

async fn restricted_case(conn: &mut AsyncPgConnection, ids: &Ids, citizen: Uuid, now: DateTime<Utc>) -> ApiResult<()> {
    let team = ids.team("Etnisk Konsulentteam")?;
    let id = insert(
        conn,
        NewEnrolment {
            citizen_id: citizen.into(),
            programme_code: "negativ_social_kontrol",
            department: "sof",
            restricted: true,
            team_id: team.into(),
            responsible_caseworker_id: ids.user("specialist.sof")?.into(),
            status: Status::Active,
            start_date: Some(crate::clock::local_date(now) - Duration::days(20)),
            goals: "Sikkerhedsplan og rådgivning.",
        },
        now,
    )
    .await?;
    ensure_involvement(conn, citizen, "sof", Some(team), "enrolment", now).await?;
    diesel::insert_into(notes::table)
        .values((
            notes::id.eq(Uuid::now_v7()),
            notes::enrolment_id.eq(id),
            notes::citizen_id.eq(citizen),
            notes::author_id.eq(ids.user("specialist.sof")?),
            notes::kind.eq("meeting"),
            notes::occurred_at.eq(now - Duration::days(3)),
            notes::text.eq("Samtale på et sikkert sted; risikovurdering planlagt."),
            notes::created_at.eq(now - Duration::days(3)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}
