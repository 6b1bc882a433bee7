//! Login, refresh and logout: the session lifecycle and login throttling.
//!
//! Throttling (per submitted username, known or not, so it reveals nothing):
//! the first [`FREE_ATTEMPTS`] failures cost nothing; each further failure
//! locks the username for 30 s, doubling up to [`MAX_LOCK`] (15 minutes).
//! While locked every attempt, even with the right password, answers 429 with
//! `Retry-After`. The count is forgotten after [`FORGET_AFTER`] without a
//! failure and on a successful login. So an attacker gets at most one guess
//! per 15 minutes, and a user is never locked for longer than 15 minutes after
//! the last failed attempt.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::dto::TokenResponse;
use super::password;
use super::Actor;
use crate::audit::Resource;
use crate::audit::{self, Action, AuditActor, AuditEntry, Outcome};
use crate::db::{self, DbContext};
use crate::error::{ApiError, ApiResult};
use crate::schema::{
    login_throttle, refresh_tokens, sessions, staff_user_teams, staff_users, teams,
};
use crate::state::AppState;
use crate::tokens::{new_refresh_token, refresh_token_hash, Claims};

pub const FREE_ATTEMPTS: i32 = 5;
pub const FIRST_LOCK: Duration = Duration::seconds(30);
pub const MAX_LOCK: Duration = Duration::minutes(15);
pub const FORGET_AFTER: Duration = Duration::hours(1);

/// Usernames are stored lower-case; anything longer cannot exist.
const MAX_USERNAME: usize = 64;

fn lock_after(failures: i32) -> Option<Duration> {
    if failures < FREE_ATTEMPTS {
        return None;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(10) as u32;
    Some((FIRST_LOCK * 2i32.pow(doublings)).min(MAX_LOCK))
}

struct LoginUser {
    id: Uuid,
    department: String,
    roles: Vec<String>,
    password_hash: String,
    active: bool,
}

pub async fn login(
    state: &AppState,
    username: &str,
    password: SecretString,
) -> ApiResult<TokenResponse> {
    let username = username.trim().to_lowercase();
    let now = state.clock.now();
    let throttled = username.len() <= MAX_USERNAME && !username.is_empty();

    let mut conn = state.pool.get().await?;
    if throttled {
        let locked_until: Option<Option<DateTime<Utc>>> = login_throttle::table
            .find(&username)
            .select(login_throttle::locked_until)
            .first(&mut conn)
            .await
            .optional()?;
        if let Some(Some(until)) = locked_until {
            if until > now {
                let retry = (until - now).num_seconds().max(1) as u64;
                return Err(ApiError::TooManyRequests {
                    retry_after_secs: retry,
                });
            }
        }
    }
    let user: Option<LoginUser> = staff_users::table
        .filter(staff_users::username.eq(&username))
        .select((
            staff_users::id,
            staff_users::department,
            staff_users::roles,
            staff_users::password_hash,
            staff_users::active,
        ))
        .first::<(Uuid, String, Vec<String>, String, bool)>(&mut conn)
        .await
        .optional()?
        .map(|(id, department, roles, password_hash, active)| LoginUser {
            id,
            department,
            roles,
            password_hash,
            active,
        });
    drop(conn);

    let verified =
        password::verify(password, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let who = AuditActor {
        id: user.as_ref().map(|u| u.id),
        department: user.as_ref().and_then(|u| u.department.parse().ok()),
        roles: user.as_ref().map(|u| u.roles.clone()).unwrap_or_default(),
        restricted_team: None,
    };

    match user {
        Some(user) if verified && user.active => {
            let response = db::transaction(&state.pool, DbContext::default(), move |conn| {
                async move {
                    diesel::delete(login_throttle::table.find(&username))
                        .execute(conn)
                        .await?;
                    let session_id = Uuid::now_v7();
                    diesel::insert_into(sessions::table)
                        .values((
                            sessions::id.eq(session_id),
                            sessions::user_id.eq(user.id),
                            sessions::created_at.eq(now),
                            sessions::expires_at.eq(now + state.session_max_age()),
                        ))
                        .execute(conn)
                        .await?;
                    let response = issue_tokens(conn, state, user.id, session_id, now).await?;
                    audit::record(
                        conn,
                        now,
                        &who,
                        AuditEntry::new(Action::Login, Resource::Session, Outcome::Success)
                            .resource_id(session_id),
                    )
                    .await?;
                    Ok(response)
                }
                .scope_boxed()
            })
            .await?;
            Ok(response)
        }
        user => {
            let reason = match user {
                None => "unknown_user",
                Some(u) if !u.active => "inactive_user",
                Some(_) => "wrong_password",
            };
            db::transaction(&state.pool, DbContext::default(), move |conn| {
                async move {
                    if throttled {
                        record_failure(conn, &username, now).await?;
                    }
                    audit::record(
                        conn,
                        now,
                        &who,
                        AuditEntry::new(Action::LoginFailed, Resource::Session, Outcome::Failure)
                            .reason(reason),
                    )
                    .await
                }
                .scope_boxed()
            })
            .await?;
            Err(ApiError::InvalidCredentials)
        }
    }
}

async fn record_failure(
    conn: &mut AsyncPgConnection,
    username: &str,
    now: DateTime<Utc>,
) -> ApiResult<()> {
    use diesel::upsert::excluded;
    let failures: i32 = diesel::insert_into(login_throttle::table)
        .values((
            login_throttle::username.eq(username),
            login_throttle::failures.eq(1),
            login_throttle::last_failure_at.eq(now),
        ))
        .on_conflict(login_throttle::username)
        .do_update()
        .set((
            login_throttle::failures.eq(
                diesel::dsl::case_when::<_, _, diesel::sql_types::Integer>(
                    login_throttle::last_failure_at.lt(now - FORGET_AFTER),
                    1,
                )
                .otherwise(login_throttle::failures + 1),
            ),
            login_throttle::last_failure_at.eq(excluded(login_throttle::last_failure_at)),
        ))
        .returning(login_throttle::failures)
        .get_result(conn)
        .await?;
    diesel::update(login_throttle::table.find(username))
        .set(login_throttle::locked_until.eq(lock_after(failures).map(|d| now + d)))
        .execute(conn)
        .await?;
    Ok(())
}

/// Mints an access token with the user's current roles and teams and a new
/// refresh token in `session_id`.
async fn issue_tokens(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    user_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> ApiResult<TokenResponse> {
    let (department, roles, version): (String, Vec<String>, i32) = staff_users::table
        .find(user_id)
        .select((
            staff_users::department,
            staff_users::roles,
            staff_users::version,
        ))
        .first(conn)
        .await?;
    let memberships: Vec<(Uuid, bool)> = staff_user_teams::table
        .inner_join(teams::table)
        .filter(staff_user_teams::user_id.eq(user_id))
        .filter(teams::active.eq(true))
        .select((teams::id, teams::restricted))
        .load(conn)
        .await?;
    let keys = &state.tokens;
    let claims = Claims {
        iss: keys.issuer.clone(),
        aud: keys.audience.clone(),
        sub: user_id,
        iat: now.timestamp(),
        exp: (now + keys.access_ttl).timestamp(),
        jti: Uuid::new_v4(),
        sid: session_id,
        ver: version,
        department,
        roles,
        teams: memberships.iter().map(|(id, _)| *id).collect(),
        restricted_teams: memberships
            .iter()
            .filter(|(_, r)| *r)
            .map(|(id, _)| *id)
            .collect(),
    };
    let access_token = keys.sign(&claims).map_err(ApiError::Internal)?;
    let refresh_token = new_refresh_token().map_err(ApiError::Internal)?;
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(refresh_token_hash(&refresh_token)),
            refresh_tokens::session_id.eq(session_id),
            refresh_tokens::issued_at.eq(now),
            refresh_tokens::expires_at.eq(now + state.refresh_ttl()),
        ))
        .execute(conn)
        .await?;
    Ok(TokenResponse {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: keys.access_ttl.num_seconds(),
    })
}

/// Rotates a refresh token. Presenting one that was already used revokes its
/// whole session: either the client or a thief holds a copy, and we cannot
/// tell which.
pub async fn refresh(state: &AppState, token: SecretString) -> ApiResult<TokenResponse> {
    let hash = refresh_token_hash(token.expose_secret());
    let now = state.clock.now();
    let outcome = db::transaction(&state.pool, DbContext::default(), move |conn| {
        async move {
            let rotated: Option<Uuid> = diesel::update(
                refresh_tokens::table
                    .filter(refresh_tokens::token_hash.eq(&hash))
                    .filter(refresh_tokens::used_at.is_null())
                    .filter(refresh_tokens::expires_at.gt(now)),
            )
            .set(refresh_tokens::used_at.eq(now))
            .returning(refresh_tokens::session_id)
            .get_result(conn)
            .await
            .optional()?;

            let Some(session_id) = rotated else {
                let reused: Option<(Uuid, Option<DateTime<Utc>>)> = refresh_tokens::table
                    .find(&hash)
                    .select((refresh_tokens::session_id, refresh_tokens::used_at))
                    .first(conn)
                    .await
                    .optional()?;
                if let Some((session_id, Some(_))) = reused {
                    let user_id =
                        revoke_session(conn, session_id, now, "refresh_token_reuse").await?;
                    let who = AuditActor {
                        id: user_id,
                        ..AuditActor::default()
                    };
                    audit::record(
                        conn,
                        now,
                        &who,
                        AuditEntry::new(Action::RefreshReuse, Resource::Session, Outcome::Denied)
                            .resource_id(session_id)
                            .reason("a used refresh token was presented; the session is revoked"),
                    )
                    .await?;
                }
                return Ok(Err(ApiError::Unauthenticated));
            };

            let live: Option<(Uuid, String, Vec<String>)> = sessions::table
                .inner_join(staff_users::table)
                .filter(sessions::id.eq(session_id))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(now))
                .filter(staff_users::active.eq(true))
                .select((staff_users::id, staff_users::department, staff_users::roles))
                .first(conn)
                .await
                .optional()?;
            let Some((user_id, department, roles)) = live else {
                return Ok(Err(ApiError::Unauthenticated));
            };
            let response = issue_tokens(conn, state, user_id, session_id, now).await?;
            let who = AuditActor {
                id: Some(user_id),
                department: department.parse().ok(),
                roles,
                restricted_team: None,
            };
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Refresh, Resource::Session, Outcome::Success)
                    .resource_id(session_id),
            )
            .await?;
            Ok(Ok(response))
        }
        .scope_boxed()
    })
    .await?;
    outcome
}

/// Marks a session revoked; returns its user.
pub async fn revoke_session(
    conn: &mut AsyncPgConnection,
    session_id: Uuid,
    now: DateTime<Utc>,
    reason: &str,
) -> ApiResult<Option<Uuid>> {
    Ok(diesel::update(sessions::table.find(session_id))
        .set((
            sessions::revoked_at.eq(now),
            sessions::revoked_reason.eq(reason),
        ))
        .returning(sessions::user_id)
        .get_result(conn)
        .await
        .optional()?)
}

/// Revokes every open session of a user (deactivation).
pub async fn revoke_user_sessions(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    now: DateTime<Utc>,
    reason: &str,
) -> ApiResult<()> {
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set((
        sessions::revoked_at.eq(now),
        sessions::revoked_reason.eq(reason),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn logout(state: &AppState, actor: &Actor) -> ApiResult<()> {
    let now = state.clock.now();
    let session_id = actor.session_id;
    let who = AuditActor::from(actor);
    db::transaction(&state.pool, actor.into(), move |conn| {
        async move {
            revoke_session(conn, session_id, now, "logout").await?;
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Logout, Resource::Session, Outcome::Success)
                    .resource_id(session_id),
            )
            .await
        }
        .scope_boxed()
    })
    .await
}
