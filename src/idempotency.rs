//! `Idempotency-Key` on every create (docs/design.md §6): one mechanism for
//! every `POST` that makes something, so that a client that lost an answer
//! (a dropped connection, a commit of unknown outcome) can send the request
//! again and have it written once.
//!
//! A create runs through [`crate::request::Ctx::create`]. With a key, its
//! transaction first claims `(caller, key)` in `idempotent_requests`; a
//! concurrent request with the same key waits on that row until the first
//! commits or rolls back. The work's [`Answer`] (status, `Location`, `ETag`,
//! body) is kept on the claim before commit, so the write and the answer to
//! repeat commit together. A later request with the same key, method, path
//! and body answers the kept answer (its audit entry a read of what was
//! created); the same key with anything else is 409. A refused or failed
//! request keeps nothing: its retry runs afresh. Keys are the caller's own
//! (row-level security) and kept for [`KEPT_FOR`].

use actix_web::body::BoxBody;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, Responder};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use crate::audit::AuditEntry;
use crate::cpr::CprVault;
use crate::domain::UserId;
use crate::error::{ApiError, ApiResult};
use crate::schema::idempotent_requests as kept;

pub const HEADER: &str = "Idempotency-Key";

/// How long a key answers its first result; after that it is forgotten and
/// a request with it runs afresh.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::hours(24);

/// The key a request carries and what it is sent to, read with the
/// request's context and checked only when the request creates something.
#[derive(Debug, Clone)]
pub struct RequestKey {
    key: Option<Result<String, &'static str>>,
    target: String,
}

impl RequestKey {
    pub fn of(req: &HttpRequest) -> Self {
        let key = req.headers().get(HEADER).map(|value| match value.to_str() {
            Ok(key) if (1..=128).contains(&key.len()) => Ok(key.to_string()),
            Ok(_) => Err("Idempotency-Key must be 1–128 characters."),
            Err(_) => Err("Idempotency-Key must be visible ASCII."),
        });
        Self { key, target: format!("{} {}", req.method(), req.path()) }
    }

    /// The claim a create makes with this key and body: none without a key,
    /// 400 for a malformed one.
    pub fn claim(&self, vault: &CprVault, body: &impl Serialize) -> ApiResult<Option<Claim>> {
        let Some(key) = &self.key else { return Ok(None) };
        let key = key.clone().map_err(|why| ApiError::BadRequest(why.into()))?;
        let body = serde_json::to_vec(body).map_err(ApiError::internal)?;
        let fingerprint = vault.fingerprint(&[self.target.as_bytes(), &body]);
        Ok(Some(Claim { key, fingerprint }))
    }
}

/// What a create answers: kept with its key, so that a retry answers the
/// same status, headers and body.
#[derive(Debug, Clone)]
pub struct Answer {
    status: StatusCode,
    location: Option<String>,
    etag: Option<String>,
    body: String,
}

impl Answer {
    /// 201: made.
    pub fn created(body: &impl Serialize) -> ApiResult<Self> {
        Ok(Self { status: StatusCode::CREATED, ..Self::ok(body)? })
    }

    /// 200: the create found what it would have made (a CPR already on file).
    pub fn ok(body: &impl Serialize) -> ApiResult<Self> {
        let body = serde_json::to_string(body).map_err(ApiError::internal)?;
        Ok(Self { status: StatusCode::OK, location: None, etag: None, body })
    }

    /// Where what was made answers, as `Location`.
    pub fn at(mut self, location: impl Into<String>) -> Self {
        self.location = Some(location.into());
        self
    }

    /// The version of what was made, as its `ETag`.
    pub fn version(mut self, version: i32) -> Self {
        self.etag = Some(crate::http::etag(version));
        self
    }
}

impl Responder for Answer {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(header::ContentType::json());
        if let Some(location) = self.location {
            response.insert_header((header::LOCATION, location));
        }
        if let Some(etag) = self.etag {
            response.insert_header((header::ETAG, etag));
        }
        response.body(self.body)
    }
}

/// A request's key with the fingerprint of what it asks (method, path and
/// body, under a keyed HMAC: a registration's body holds a CPR).
pub struct Claim {
    key: String,
    fingerprint: Vec<u8>,
}

/// What claiming a key finds.
pub enum Claimed {
    /// The key is this request's: do the work, then [`Claim::keep`] its answer.
    New,
    /// An earlier request with the key and the same content: its answer,
    /// and the audit entry a repeat of it records.
    Earlier(Answer, Option<AuditEntry>),
}

#[derive(Queryable)]
struct KeptRow {
    fingerprint: Vec<u8>,
    status: Option<i16>,
    location: Option<String>,
    etag: Option<String>,
    body: Option<String>,
    replay_entry: Option<serde_json::Value>,
}

impl Claim {
    /// Claims the key for this request, in its transaction, or finds what
    /// an earlier request with it answered. The caller's expired keys go first.
    pub async fn take(&self, conn: &mut AsyncPgConnection, actor: UserId, now: DateTime<Utc>) -> ApiResult<Claimed> {
        diesel::delete(kept::table)
            .filter(kept::actor_id.eq(actor.0).and(kept::created_at.lt(now - KEPT_FOR)))
            .execute(conn)
            .await?;
        // A concurrent holder of the key makes this wait until it ends.
        let claimed = diesel::insert_into(kept::table)
            .values((
                kept::actor_id.eq(actor.0),
                kept::key.eq(&self.key),
                kept::fingerprint.eq(&self.fingerprint),
                kept::created_at.eq(now),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if claimed == 1 {
            return Ok(Claimed::New);
        }
        let row: KeptRow = kept::table
            .filter(kept::actor_id.eq(actor.0).and(kept::key.eq(&self.key)))
            .select((kept::fingerprint, kept::status, kept::location, kept::etag, kept::body, kept::replay_entry))
            .first(conn)
            .await?;
        if row.fingerprint != self.fingerprint {
            return Err(ApiError::Conflict(
                "This Idempotency-Key was used for a different request; use a new key for a new request.".into(),
            ));
        }
        let (Some(status), Some(body)) = (row.status, row.body) else {
            return Err(ApiError::internal(anyhow::anyhow!("an idempotency claim was committed without its answer")));
        };
        let status = StatusCode::from_u16(status as u16).map_err(ApiError::internal)?;
        let entry = row.replay_entry.map(serde_json::from_value).transpose().map_err(ApiError::internal)?;
        Ok(Claimed::Earlier(Answer { status, location: row.location, etag: row.etag, body }, entry))
    }

    /// Keeps the work's answer on the claim, with the audit entry a retry
    /// records (a read of what the work's first entry names).
    pub async fn keep(
        &self, conn: &mut AsyncPgConnection, actor: UserId, answer: &Answer, entry: Option<&AuditEntry>,
    ) -> ApiResult<()> {
        let replay = entry.map(|e| serde_json::to_value(e.retried())).transpose().map_err(ApiError::internal)?;
        use diesel::sql_types::{Jsonb, Nullable, SmallInt, Text, Uuid as SqlUuid};
        // Static SQL that stays prepared (diesel never caches an UPDATE).
        crate::db::prepared(
            "UPDATE idempotent_requests
                SET status = $1, location = $2, etag = $3, body = $4, citizen_id = $5, replay_entry = $6
              WHERE actor_id = $7 AND key = $8",
        )
        .bind::<SmallInt, _>(answer.status.as_u16() as i16)
        .bind::<Nullable<Text>, _>(&answer.location)
        .bind::<Nullable<Text>, _>(&answer.etag)
        .bind::<Text, _>(&answer.body)
        .bind::<Nullable<SqlUuid>, _>(entry.and_then(AuditEntry::citizen_id))
        .bind::<Nullable<Jsonb>, _>(replay)
        .bind::<SqlUuid, _>(actor.0)
        .bind::<Text, _>(&self.key)
        .execute(conn)
        .await?;
        Ok(())
    }
}
