//! Access tokens (EdDSA-signed JWTs, algorithm pinned) and refresh tokens
//! (random, stored only as a SHA-256).

use anyhow::anyhow;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::KeyPair;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::config::AuthSettings;

/// `typ` of our access tokens (RFC 9068).
pub const ACCESS_TOKEN_TYPE: &str = "at+jwt";

#[derive(Debug, Serialize, Deserialize, Clone)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    pub sub: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// The session (login) this token belongs to; revoking it stops the token.
    pub sid: Uuid,
    /// The user's version when the token was minted.
    pub ver: i32,
    pub department: String,
    pub roles: Vec<String>,
    pub teams: Vec<Uuid>,
    pub restricted_teams: Vec<Uuid>,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The claims of tokens whose signature has been checked, by the token's
    /// SHA-256: an Ed25519 verification was ~12 % of the service's CPU on a
    /// citizen read (perf, BENCHMARKS.md "sixth run"), and a client sends one
    /// token for up to its lifetime. Only tokens that verified enter (a forged
    /// one cannot fill it); the time checks run on every use; the session is
    /// still checked in the database on every request.
    verified: quick_cache::sync::Cache<[u8; 32], Claims>,
    pub issuer: String,
    pub audience: String,
    pub access_ttl: chrono::Duration,
}

impl TokenKeys {
    pub fn new(settings: &AuthSettings) -> anyhow::Result<Self> {
        let pkcs8 = settings.signing_key.pkcs8.expose_secret();
        let pair = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
            .map_err(|_| anyhow!("the JWT signing key is not an Ed25519 PKCS#8 key"))?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.algorithms = vec![Algorithm::EdDSA];
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud", "jti"]);
        // Expiry is checked against the service clock in `verify`.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        Ok(Self {
            encoding: EncodingKey::from_ed_der(pkcs8),
            decoding: DecodingKey::from_ed_der(pair.public_key().as_ref()),
            validation,
            verified: quick_cache::sync::Cache::new(VERIFIED_TOKENS),
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            access_ttl: chrono::Duration::from_std(settings.access_token_ttl)?,
        })
    }

    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some(ACCESS_TOKEN_TYPE.into());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding)?)
    }

    /// The claims of a valid, unexpired access token; `None` for anything else.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<Claims> {
        let key: [u8; 32] = ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref().try_into().ok()?;
        let claims = match self.verified.get(&key) {
            Some(claims) => claims,
            None => {
                let claims = self.check_signature(token)?;
                self.verified.insert(key, claims.clone());
                claims
            }
        };
        let now = now.timestamp();
        // A little leeway for clocks of other verifiers, none beyond a minute.
        (claims.exp > now && claims.iat <= now + 60 && claims.exp - claims.iat <= 15 * 60).then_some(claims)
    }

    /// The claims of a token signed with our key, for our audience, as an
    /// access token; its times are checked by [`TokenKeys::verify`].
    fn check_signature(&self, token: &str) -> Option<Claims> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(ACCESS_TOKEN_TYPE) {
            return None;
        }
        Some(jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok()?.claims)
    }
}

/// How many verified tokens are kept (a few hundred bytes each).
const VERIFIED_TOKENS: usize = 10_000;

/// A new refresh token: 256 random bits, URL-safe base64.
pub fn new_refresh_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes).map_err(|_| anyhow!("no randomness"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a refresh token.
pub fn refresh_token_hash(token: &str) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref().to_vec()
}
