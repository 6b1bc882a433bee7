//! Prometheus metrics: requests and latency by route pattern and status, and
//! the database pool's use. Route labels are policy patterns, so the label
//! set stays small and holds no ids.

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::db::DbPool;

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_size: IntGauge,
    pool_available: IntGauge,
    pool_waiting: IntGauge,
    pool_max: IntGauge,
    audit_head: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("medborger".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer an HTTP request")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
            &["method", "route", "status"],
        )?;
        let pool_size = IntGauge::new("db_pool_connections", "Connections open in the pool")?;
        let pool_available = IntGauge::new("db_pool_idle_connections", "Idle connections in the pool")?;
        let pool_waiting = IntGauge::new("db_pool_waiting", "Requests waiting for a connection")?;
        let pool_max = IntGauge::new("db_pool_max_connections", "The pool's maximum size")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_size.clone()))?;
        registry.register(Box::new(pool_available.clone()))?;
        registry.register(Box::new(pool_waiting.clone()))?;
        // The audit chain's head, published each time a window is sealed
        // (issue 10, door 8): the last seal's hash as a label, and its id.
        let audit_head = IntGaugeVec::new(
            Opts::new("audit_chain_head", "The last audit seal's id, labelled with its hash (hex)"),
            &["hash"],
        )?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(audit_head.clone()))?;
        Ok(Self { registry, requests, latency, pool_size, pool_available, pool_waiting, pool_max, audit_head })
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.latency.with_label_values(&labels).observe(elapsed.as_secs_f64());
    }

    /// The text exposition, with the pool's state read now.
    pub fn render(&self, pool: &DbPool) -> anyhow::Result<String> {
        let status = pool.status();
        self.pool_size.set(status.size as i64);
        self.pool_available.set(status.available as i64);
        self.pool_waiting.set(status.waiting as i64);
        self.pool_max.set(status.max_size as i64);
        if let Some((id, hash)) = crate::audit::seal::published_head() {
            self.audit_head.reset();
            self.audit_head.with_label_values(&[hash.as_str()]).set(id);
        }
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        Ok(String::from_utf8(out)?)
    }
}
