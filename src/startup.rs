//! Builds the application from [`Settings`]: state, routes, middleware, and
//! the HTTP server (port 0 in tests; the bound port is exposed).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

use crate::auth::tokens::TokenKeys;
use crate::citizens::cpr::CprVault;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::DbPool;
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::{
    access_grants, audit, auth, citizens, concerns, consents, enrolments, health, http, org,
    programmes, referrals, reports, telemetry,
};

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub clock: Arc<dyn Clock>,
    pub tokens: TokenKeys,
    pub vault: CprVault,
    pub settings: Settings,
}

impl AppState {
    pub fn new(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        Ok(Self {
            pool: crate::db::pool(&settings.database)?,
            tokens: TokenKeys::new(&settings.auth)?,
            vault: CprVault::new(&settings.cpr)?,
            clock,
            settings,
        })
    }

    pub fn session_max_age(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.auth.session_max_age)
            .unwrap_or(chrono::Duration::hours(24))
    }

    pub fn refresh_ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.settings.auth.refresh_token_ttl)
            .unwrap_or(chrono::Duration::hours(12))
    }
}

/// The pre-rendered OpenAPI document served at /api/v1/openapi.json.
pub struct OpenApiJson(pub String);

/// Every route the service answers. Each needs a rule in `auth::policy`.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(health::openapi_json)
        .service(
            scope::scope("/api/v1")
                .service(auth::handlers::login)
                .service(auth::handlers::refresh)
                .service(auth::handlers::logout)
                .service(auth::handlers::me)
                .service(org::handlers::list_departments)
                .service(org::handlers::list_users)
                .service(org::handlers::create_user)
                .service(org::handlers::find_user)
                .service(org::handlers::update_user)
                .service(org::handlers::list_teams)
                .service(org::handlers::create_team)
                .service(org::handlers::find_team)
                .service(org::handlers::update_team)
                .service(citizens::handlers::register_citizen)
                .service(citizens::handlers::search_citizens)
                .service(citizens::handlers::find_citizen)
                .service(citizens::handlers::update_citizen)
                .service(citizens::handlers::reveal_cpr)
                .service(programmes::handlers::list_programmes)
                .service(programmes::handlers::create_programme)
                .service(programmes::handlers::update_programme)
                .service(enrolments::handlers::create_enrolment)
                .service(enrolments::handlers::list_citizen_enrolments)
                .service(enrolments::handlers::find_enrolment)
                .service(enrolments::handlers::update_enrolment)
                .service(enrolments::handlers::transition_enrolment)
                .service(enrolments::handlers::assign_mentor)
                .service(enrolments::handlers::meet_milestone)
                .service(enrolments::handlers::waive_milestone)
                .service(enrolments::notes::create_note)
                .service(enrolments::notes::list_notes)
                .service(enrolments::outcomes::create_outcome)
                .service(enrolments::outcomes::list_outcomes)
                .service(enrolments::risk::create_risk_assessment)
                .service(enrolments::risk::list_risk_assessments)
                .service(enrolments::caseload::caseload)
                .service(audit::handlers::list_audit)
                .service(audit::handlers::citizen_access_log)
                .service(access_grants::handlers::create_grant)
                .service(access_grants::handlers::list_grants)
                .service(access_grants::handlers::review_grant)
                .service(concerns::handlers::file_concern)
                .service(concerns::handlers::list_concerns)
                .service(concerns::handlers::open_case)
                .service(consents::handlers::record_consent)
                .service(consents::handlers::list_consents)
                .service(consents::handlers::withdraw_consent)
                .service(consents::handlers::enrolment_summaries)
                .service(referrals::handlers::send_referral)
                .service(referrals::handlers::list_referrals)
                .service(referrals::handlers::find_referral)
                .service(referrals::handlers::accept_referral)
                .service(referrals::handlers::decline_referral)
                .service(referrals::handlers::withdraw_referral)
                .service(citizens::export::export_citizen)
                .service(citizens::legal_hold::set_legal_hold)
                .service(reports::caseload::caseload_report)
                .service(reports::caseload::reassign)
                .service(reports::deadlines::deadlines_report)
                .service(reports::outcomes::outcomes_report),
        );
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

impl Application {
    pub fn build(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        auth::password::warm_up();
        let listener = TcpListener::bind(settings.bind)?;
        let port = listener.local_addr()?.port();
        let max_body = settings.max_body_bytes;
        let workers = settings.workers;
        let state = web::Data::new(AppState::new(settings, clock)?);
        let metrics = web::Data::new(Metrics::new()?);
        let doc = web::Data::new(OpenApiJson(crate::openapi::document_json()));
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .into_utoipa_app()
                .configure(routes)
                .into_app()
                .app_data(app_state.clone())
                .app_data(metrics.clone())
                .app_data(doc.clone())
                .app_data(http::json_config(max_body))
                .app_data(http::path_config())
                .app_data(http::query_config())
                .default_service(web::to(not_found))
                .wrap(from_fn(auth::gate::authorize))
                .wrap(from_fn(telemetry::request_context))
        })
        .shutdown_timeout(30)
        .listen(listener)?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
