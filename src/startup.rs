//! Builds the application from [`Settings`]: state, routes, middleware, and
//! the HTTP server (port 0 in tests; the bound port is exposed).

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{from_fn, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;

use crate::clock::Clock;
use crate::config::Settings;
use crate::metrics::Metrics;
use crate::routes::routes;
use crate::state::{AppState, OpenApiJson};
use crate::{auth, http, telemetry};

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
                .app_data(http::BodyLimit(max_body))
                .app_data(http::path_config())
                .default_service(web::to(crate::web::client_or_not_found))
                .wrap(from_fn(auth::gate::authorize))
                .wrap(from_fn(telemetry::request_context))
                .wrap(
                    crate::web::SECURITY_HEADERS
                        .iter()
                        .fold(DefaultHeaders::new(), |headers, &header| headers.add(header)),
                )
        })
        .shutdown_timeout(30)
        .listen(listener)?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(Self { port, server: server.run(), state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Stops the server as SIGTERM does: `stop(true)` closes the listener at
    /// once and lets in-flight requests finish (up to the shutdown timeout).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
