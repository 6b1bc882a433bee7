//! Demo data for `scripts/run` and the administrator created from the CLI.
//! Seeding is idempotent: a re-run resets the demo users' passwords, roles
//! and teams and adds nothing twice.

use anyhow::{bail, Context};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::RunQueryDsl;
use secrecy::SecretString;
use uuid::Uuid;

use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::auth::password::{self, NewPassword};
use crate::db::{self, DbContext, DbPool};
use crate::domain::{DepartmentCode, Role};
use crate::error::ApiError;
use crate::org::queries::{self, NewUser};
use crate::schema::{staff_user_teams, staff_users, teams};

pub const DEFAULT_DEMO_PASSWORD: &str = "medborger-demo-2026";

struct DemoTeam {
    department: DepartmentCode,
    name: &'static str,
    restricted: bool,
}

const TEAMS: &[DemoTeam] = &[
    DemoTeam { department: DepartmentCode::Bif, name: "Jobcenter København, Integration", restricted: false },
    DemoTeam { department: DepartmentCode::Bif, name: "Mentorkorps", restricted: false },
    DemoTeam { department: DepartmentCode::Sof, name: "Borgercenter Voksne", restricted: false },
    DemoTeam { department: DepartmentCode::Sof, name: "Etnisk Konsulentteam", restricted: true },
    DemoTeam { department: DepartmentCode::Kff, name: "Fritidsvejledning", restricted: false },
    DemoTeam { department: DepartmentCode::Okf, name: "IT og Administration", restricted: false },
];

struct DemoUser {
    username: &'static str,
    full_name: &'static str,
    department: DepartmentCode,
    roles: &'static [Role],
    team: Option<&'static str>,
}

/// The demo logins the README lists; names are invented.
const USERS: &[DemoUser] = &[
    DemoUser {
        username: "admin",
        full_name: "Demo Administrator",
        department: DepartmentCode::Okf,
        roles: &[Role::Admin],
        team: Some("IT og Administration"),
    },
    DemoUser {
        username: "auditor",
        full_name: "Demo Revisor",
        department: DepartmentCode::Okf,
        roles: &[Role::Auditor],
        team: None,
    },
    DemoUser {
        username: "cw.bif",
        full_name: "Demo Sagsbehandler BIF",
        department: DepartmentCode::Bif,
        roles: &[Role::Caseworker],
        team: Some("Jobcenter København, Integration"),
    },
    DemoUser {
        username: "cw2.bif",
        full_name: "Demo Sagsbehandler To BIF",
        department: DepartmentCode::Bif,
        roles: &[Role::Caseworker],
        team: Some("Jobcenter København, Integration"),
    },
    DemoUser {
        username: "manager.bif",
        full_name: "Demo Leder BIF",
        department: DepartmentCode::Bif,
        roles: &[Role::Manager],
        team: Some("Jobcenter København, Integration"),
    },
    DemoUser {
        username: "mentor.bif",
        full_name: "Demo Mentor BIF",
        department: DepartmentCode::Bif,
        roles: &[Role::Mentor],
        team: Some("Mentorkorps"),
    },
    DemoUser {
        username: "mentor2.bif",
        full_name: "Demo Mentor To BIF",
        department: DepartmentCode::Bif,
        roles: &[Role::Mentor],
        team: Some("Mentorkorps"),
    },
    DemoUser {
        username: "cw.sof",
        full_name: "Demo Sagsbehandler SOF",
        department: DepartmentCode::Sof,
        roles: &[Role::Caseworker],
        team: Some("Borgercenter Voksne"),
    },
    DemoUser {
        username: "specialist.sof",
        full_name: "Demo Specialist SOF",
        department: DepartmentCode::Sof,
        roles: &[Role::Caseworker],
        team: Some("Etnisk Konsulentteam"),
    },
    DemoUser {
        username: "cw.kff",
        full_name: "Demo Sagsbehandler KFF",
        department: DepartmentCode::Kff,
        roles: &[Role::Caseworker],
        team: Some("Fritidsvejledning"),
    },
];

pub fn demo_usernames() -> Vec<&'static str> {
    USERS.iter().map(|u| u.username).collect()
}

fn system_actor() -> AuditActor {
    AuditActor::default()
}

/// Creates (or resets) the demo teams and users with `password`.
pub async fn seed_demo(pool: &DbPool, password: SecretString) -> anyhow::Result<()> {
    let password = NewPassword::parse("MEDBORGER_DEMO_PASSWORD", password)
        .map_err(|e| anyhow::anyhow!("MEDBORGER_DEMO_PASSWORD {}", e.message))?;
    let hash = password::hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    db::transaction(pool, DbContext::default(), move |conn| {
        async move {
            let now = Utc::now();
            for team in TEAMS {
                diesel::insert_into(teams::table)
                    .values((
                        teams::id.eq(Uuid::now_v7()),
                        teams::department.eq(team.department.as_str()),
                        teams::name.eq(team.name),
                        teams::restricted.eq(team.restricted),
                        teams::created_at.eq(now),
                        teams::updated_at.eq(now),
                    ))
                    .on_conflict((teams::department, teams::name))
                    .do_nothing()
                    .execute(conn)
                    .await?;
            }
            for user in USERS {
                let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
                let id: Uuid = diesel::insert_into(staff_users::table)
                    .values((
                        staff_users::id.eq(Uuid::now_v7()),
                        staff_users::username.eq(user.username),
                        staff_users::full_name.eq(user.full_name),
                        staff_users::department.eq(user.department.as_str()),
                        staff_users::roles.eq(&roles),
                        staff_users::password_hash.eq(&hash),
                        staff_users::created_at.eq(now),
                        staff_users::updated_at.eq(now),
                    ))
                    .on_conflict(staff_users::username)
                    .do_update()
                    .set((
                        staff_users::department.eq(user.department.as_str()),
                        staff_users::roles.eq(&roles),
                        staff_users::password_hash.eq(&hash),
                        staff_users::active.eq(true),
                        staff_users::version.eq(staff_users::version + 1),
                        staff_users::updated_at.eq(now),
                    ))
                    .returning(staff_users::id)
                    .get_result(conn)
                    .await?;
                // A staff user's access changes only beside its audit entry
                // (the database refuses it otherwise, issue 10 door 8).
                audit::record(
                    conn,
                    now,
                    &system_actor(),
                    AuditEntry::new(Action::Create, Resource::StaffUser, Outcome::Success)
                        .resource_id(id)
                        .reason("demo users seeded from the CLI"),
                )
                .await?;
                diesel::delete(staff_user_teams::table.filter(staff_user_teams::user_id.eq(id))).execute(conn).await?;
                if let Some(team) = user.team {
                    let team_id: Uuid = teams::table
                        .filter(teams::department.eq(user.department.as_str()))
                        .filter(teams::name.eq(team))
                        .select(teams::id)
                        .first(conn)
                        .await?;
                    diesel::insert_into(staff_user_teams::table)
                        .values((staff_user_teams::user_id.eq(id), staff_user_teams::team_id.eq(team_id)))
                        .execute(conn)
                        .await?;
                }
            }
            audit::record(
                conn,
                now,
                &system_actor(),
                AuditEntry::new(Action::Create, Resource::Seed, Outcome::Success)
                    .reason("demo users seeded from the CLI"),
            )
            .await
        }
        .scope_boxed()
    })
    .await
    .map_err(|e| anyhow::anyhow!("seeding demo data: {e}"))
}

/// `medborger create-admin`: a new user with the admin role.
pub async fn create_admin(
    pool: &DbPool, username: &str, full_name: &str, department: DepartmentCode, password: SecretString,
) -> anyhow::Result<Uuid> {
    let username = crate::org::dto::parse_username(username).map_err(|e| anyhow::anyhow!("username: {}", e.message))?;
    let password = NewPassword::parse("password", password).map_err(|e| anyhow::anyhow!("password {}", e.message))?;
    let password_hash = password::hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let new = NewUser {
        username,
        full_name: full_name.to_string(),
        department,
        roles: vec![Role::Admin],
        team_ids: vec![],
        password_hash,
    };
    let result = db::transaction(pool, DbContext::default(), move |conn| {
        async move {
            let now = Utc::now();
            let user = queries::insert_user(conn, new, now).await?;
            audit::record(
                conn,
                now,
                &system_actor(),
                AuditEntry::new(Action::Create, Resource::StaffUser, Outcome::Success)
                    .resource_id(user.id)
                    .reason("administrator created from the CLI"),
            )
            .await?;
            Ok(user.id)
        }
        .scope_boxed()
    })
    .await;
    match result {
        Ok(id) => Ok(id),
        Err(ApiError::Conflict(_)) => bail!("a user with that username exists"),
        Err(e) => Err(anyhow::anyhow!("{e}")).context("creating the administrator"),
    }
}
