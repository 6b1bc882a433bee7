//! Login, refresh and logout: the session lifecycle and login throttling.
//!
//! Throttling is per submitted username (known or not, so it reveals
//! nothing) AND per source, the client's address (see `handlers::login_source`): an
//! attacker elsewhere cannot lock a user out. Every attempt is counted in one
//! statement *before* its password is checked, so parallel guesses cannot
//! slip past the count: the first [`FREE_ATTEMPTS`] attempts cost nothing;
//! the attempt that reaches it and each further one locks the pair for 30 s,
//! doubling up to [`MAX_LOCK`] (15 minutes). While locked every attempt from
//! that source, even with the right password, answers 429 with `Retry-After`
//! and is not counted. A successful login clears its pair; the count is
//! forgotten after [`FORGET_AFTER`] without an attempt. So an attacker gets
//! at most one guess per 15 minutes per source, and a user is never locked
//! for longer than 15 minutes after the last failed attempt from their own
//! address.

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
use crate::schema::{login_throttle, refresh_tokens, sessions, staff_user_teams, staff_users, teams};
use crate::state::AppState;
use crate::tokens::{new_refresh_token, refresh_token_hash, Claims};

pub const FREE_ATTEMPTS: i32 = 5;
pub const FIRST_LOCK: Duration = Duration::seconds(30);
pub const MAX_LOCK: Duration = Duration::minutes(15);
pub const FORGET_AFTER: Duration = Duration::hours(1);

/// Usernames are stored lower-case; anything longer cannot exist.
const MAX_USERNAME: usize = 64;

struct LoginUser {
    id: Uuid,
    department: String,
    roles: Vec<String>,
    password_hash: String,
    active: bool,
}

pub async fn login(state: &AppState, username: &str, password: SecretString, source: &str) -> ApiResult<TokenResponse> {
    let username = username.trim().to_lowercase();
    let now = state.clock.now();
    let throttled = username.len() <= MAX_USERNAME && !username.is_empty();

    let mut conn = state.pool.get().await?;
    if throttled {
        count_attempt(&mut conn, &username, source, now).await?;
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

    let verified = password::verify(
        &state.password_slots,
        state.settings.auth.password_queue_wait,
        password,
        user.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    let who = AuditActor {
        id: user.as_ref().map(|u| u.id),
        department: user.as_ref().and_then(|u| u.department.parse().ok()),
        roles: user.as_ref().map(|u| u.roles.clone()).unwrap_or_default(),
    };

    match user {
        Some(user) if verified && user.active => {
            let source = source.to_string();
            let response = db::transaction(&state.pool, DbContext::default(), move |conn| {
                async move {
                    diesel::delete(login_throttle::table.find((&username, &source))).execute(conn).await?;
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
                        AuditEntry::new(Action::Login, Resource::Session, Outcome::Success).resource_id(session_id),
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
            // The attempt was counted before the check; only the entry is left.
            db::transaction(&state.pool, DbContext::default(), move |conn| {
                async move {
                    audit::record(
                        conn,
                        now,
                        &who,
                        AuditEntry::new(Action::LoginFailed, Resource::Session, Outcome::Failure).reason(reason),
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

/// Counts an attempt for (`username`, `source`) before its password is
/// checked, or refuses it with 429 while the pair is locked.
///
/// The UPDATE is the decision: it matches only an unlocked row, and
/// concurrent attempts on one row queue on its row lock and re-check the
/// condition against the row as the previous one left it, so of any number
/// of parallel guesses exactly those up to the lock are let through.
async fn count_attempt(
    conn: &mut AsyncPgConnection, username: &str, source: &str, now: DateTime<Utc>,
) -> ApiResult<()> {
    use diesel::sql_types::{Integer, Text, Timestamptz};
    diesel::insert_into(login_throttle::table)
        .values((
            login_throttle::username.eq(username),
            login_throttle::source.eq(source),
            login_throttle::failures.eq(0),
            login_throttle::last_failure_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    #[derive(QueryableByName)]
    struct Counted {
        #[diesel(sql_type = Integer)]
        #[allow(dead_code)]
        failures: i32,
    }
    let counted: Option<Counted> = diesel::sql_query(
        "UPDATE login_throttle t
            SET failures = CASE WHEN t.last_failure_at < $3 - make_interval(secs => $4) THEN 1
                                ELSE t.failures + 1 END,
                last_failure_at = $3,
                locked_until = CASE
                    WHEN (CASE WHEN t.last_failure_at < $3 - make_interval(secs => $4) THEN 1
                               ELSE t.failures + 1 END) >= $5
                    THEN $3 + LEAST(
                        make_interval(secs => $6) * power(2, LEAST(
                            (CASE WHEN t.last_failure_at < $3 - make_interval(secs => $4) THEN 1
                                  ELSE t.failures + 1 END) - $5, 10)),
                        make_interval(secs => $7))
                END
          WHERE t.username = $1 AND t.source = $2
            AND (t.locked_until IS NULL OR t.locked_until <= $3)
         RETURNING t.failures",
    )
    .bind::<Text, _>(username)
    .bind::<Text, _>(source)
    .bind::<Timestamptz, _>(now)
    .bind::<diesel::sql_types::Double, _>(FORGET_AFTER.num_seconds() as f64)
    .bind::<Integer, _>(FREE_ATTEMPTS)
    .bind::<diesel::sql_types::Double, _>(FIRST_LOCK.num_seconds() as f64)
    .bind::<diesel::sql_types::Double, _>(MAX_LOCK.num_seconds() as f64)
    .get_result(conn)
    .await
    .optional()?;
    if counted.is_some() {
        return Ok(());
    }
    let until: Option<DateTime<Utc>> = login_throttle::table
        .find((username, source))
        .select(login_throttle::locked_until)
        .first(conn)
        .await
        .optional()?
        .flatten();
    let retry = until.map_or(1, |u| (u - now).num_seconds().max(1) as u64);
    Err(ApiError::TooManyRequests { retry_after_secs: retry })
}

/// Mints an access token with the user's current roles and teams and a new
/// refresh token in `session_id`.
async fn issue_tokens(
    conn: &mut AsyncPgConnection, state: &AppState, user_id: Uuid, session_id: Uuid, now: DateTime<Utc>,
) -> ApiResult<TokenResponse> {
    let (department, roles, version): (String, Vec<String>, i32) = staff_users::table
        .find(user_id)
        .select((staff_users::department, staff_users::roles, staff_users::version))
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
        restricted_teams: memberships.iter().filter(|(_, r)| *r).map(|(id, _)| *id).collect(),
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
        refresh_token: Some(refresh_token),
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
                    let user_id = revoke_session(conn, session_id, now, "refresh_token_reuse").await?;
                    let who = AuditActor { id: user_id, ..AuditActor::default() };
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
            let who = AuditActor { id: Some(user_id), department: department.parse().ok(), roles };
            audit::record(
                conn,
                now,
                &who,
                AuditEntry::new(Action::Refresh, Resource::Session, Outcome::Success).resource_id(session_id),
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
    conn: &mut AsyncPgConnection, session_id: Uuid, now: DateTime<Utc>, reason: &str,
) -> ApiResult<Option<Uuid>> {
    Ok(diesel::update(sessions::table.find(session_id))
        .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason)))
        .returning(sessions::user_id)
        .get_result(conn)
        .await
        .optional()?)
}

/// Revokes every open session of a user (deactivation).
pub async fn revoke_user_sessions(
    conn: &mut AsyncPgConnection, user_id: Uuid, now: DateTime<Utc>, reason: &str,
) -> ApiResult<()> {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set((sessions::revoked_at.eq(now), sessions::revoked_reason.eq(reason)))
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
                AuditEntry::new(Action::Logout, Resource::Session, Outcome::Success).resource_id(session_id),
            )
            .await
        }
        .scope_boxed()
    })
    .await
}
