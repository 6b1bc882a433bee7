//! Password hashing with argon2id at OWASP's minimum parameters, always run on
//! a blocking thread so a login never stalls the async workers.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use anyhow::anyhow;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{ApiError, FieldError};

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
fn argon2() -> Argon2<'static> {
    // The parameters are constants within argon2's limits.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A password that meets the length rules (12 to 256 characters, nothing else).
pub struct NewPassword(SecretString);

impl NewPassword {
    pub fn parse(field: &str, value: SecretString) -> Result<Self, FieldError> {
        let length = value.expose_secret().chars().count();
        if length < MIN_LENGTH {
            return Err(FieldError::new(field, "too_short", format!("must be at least {MIN_LENGTH} characters")));
        }
        if length > MAX_LENGTH {
            return Err(FieldError::new(field, "too_long", format!("must be at most {MAX_LENGTH} characters")));
        }
        Ok(Self(value))
    }
}

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("hashing a password: {e}"))
}

pub async fn hash(password: NewPassword) -> Result<String, ApiError> {
    actix_web::rt::task::spawn_blocking(move || hash_blocking(password.0.expose_secret()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::Internal)
}

/// A hash of a random password, verified against when the user is unknown so
/// that "no such user" takes as long as "wrong password".
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_blocking(&uuid::Uuid::new_v4().to_string())
            .unwrap_or_else(|_| "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$dW5rbm93bg".into())
    })
}

/// Computes the dummy hash ahead of the first login.
pub fn warm_up() {
    let _ = dummy_hash();
}

/// Verifies `password` against `stored`, or against the dummy hash when there
/// is no stored hash; in that case the answer is always false.
///
/// At most as many verifications run at once as `slots` has permits; a call
/// that waits longer than `wait` for one is answered 503 with `Retry-After`,
/// so a burst of logins queues briefly instead of taking 19 MiB each. The
/// permit travels with the blocking work, so a client that hangs up does not
/// free its slot before the hash is done.
pub async fn verify(
    slots: &Arc<Semaphore>, wait: Duration, password: SecretString, stored: Option<String>,
) -> Result<bool, ApiError> {
    let permit = match tokio::time::timeout(wait, slots.clone().acquire_owned()).await {
        Ok(Ok(permit)) => permit,
        _ => {
            return Err(ApiError::Unavailable("all password verification slots are busy".into()));
        }
    };
    actix_web::rt::task::spawn_blocking(move || {
        let _permit = permit;
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = match PasswordHash::new(&hash) {
            Ok(parsed) => argon2().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        };
        known && ok
    })
    .await
    .map_err(ApiError::internal)
}
