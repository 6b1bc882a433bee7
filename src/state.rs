//! What every request can reach: the pool, the clock, the token keys, the
//! CPR vault and the settings. A leaf below the handlers: it imports the
//! infrastructure it holds and nothing that serves requests.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Settings;
use crate::cpr::CprVault;
use crate::db::DbPool;
use crate::tokens::TokenKeys;

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    pub tokens: TokenKeys,
    pub vault: CprVault,
    pub settings: Settings,
    /// Bounds the password verifications running at once (argon2, 19 MiB each).
    pub password_slots: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        Ok(Self {
            pool: crate::db::pool_preparing(&settings.database, Some(crate::audit::prepare))?,
            tokens: TokenKeys::new(&settings.auth)?,
            vault: CprVault::new(&settings.cpr)?,
            clock,
            password_slots: Arc::new(tokio::sync::Semaphore::new(settings.auth.password_verifications)),
            settings,
        })
    }

    pub fn session_max_age(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.auth.session_max_age).unwrap_or(chrono::Duration::hours(24))
    }

    pub fn refresh_ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.auth.refresh_token_ttl).unwrap_or(chrono::Duration::hours(12))
    }
}

/// The pre-rendered OpenAPI document served at /api/v1/openapi.json.
pub struct OpenApiJson(pub String);
