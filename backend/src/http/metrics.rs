//! Prometheus metrics of one Marco instance, served at `/metrics`.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::AppState;

/// Labels of one request: the route template, not the raw path, to keep cardinality low.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// HTTP method.
    pub method: String,
    /// Matched route template, or `unmatched`.
    pub route: String,
    /// Status code.
    pub status: u16,
}

/// Labels of a request's duration.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// HTTP method.
    pub method: String,
    /// Matched route template.
    pub route: String,
}

/// Labels of a background job's instruments.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    /// The job's name, e.g. `mail`.
    pub job: String,
}

/// The registry and the instruments Marco updates.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram>,
    job_runs: Family<JobLabels, Gauge>,
    job_failures: Family<JobLabels, Gauge>,
    job_items: Family<JobLabels, Gauge>,
    job_last_success: Family<JobLabels, Gauge<f64, std::sync::atomic::AtomicU64>>,
    job_lag: Family<JobLabels, Gauge<f64, std::sync::atomic::AtomicU64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh registry with Marco's instruments.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("marco");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let durations = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 14))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests",
            durations.clone(),
        );
        let info = Gauge::<i64>::default();
        info.set(1);
        registry.register_with_labels(
            "build_info",
            "Marco's version",
            info,
            &[("version", env!("CARGO_PKG_VERSION"))],
        );
        let job_runs = Family::<JobLabels, Gauge>::default();
        registry.register(
            "job_runs",
            "Passes each background job has run",
            job_runs.clone(),
        );
        let job_failures = Family::<JobLabels, Gauge>::default();
        registry.register(
            "job_failures",
            "Passes of each background job that failed or ran past their time limit",
            job_failures.clone(),
        );
        let job_items = Family::<JobLabels, Gauge>::default();
        registry.register(
            "job_items",
            "Items each background job has handled",
            job_items.clone(),
        );
        let job_last_success =
            Family::<JobLabels, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
        registry.register(
            "job_last_success_timestamp_seconds",
            "When each background job last finished a pass without error (Unix time)",
            job_last_success.clone(),
        );
        let job_lag = Family::<JobLabels, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
        registry.register(
            "job_lag_seconds",
            "Age of the oldest item waiting for each background job",
            job_lag.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            job_runs,
            job_failures,
            job_items,
            job_last_success,
            job_lag,
        }
    }

    /// Reports a background job's record.
    pub fn record_job(&self, name: &str, status: &crate::jobs::JobStatus) {
        let labels = JobLabels {
            job: name.to_owned(),
        };
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        self.job_runs.get_or_create(&labels).set(count(status.runs));
        self.job_failures
            .get_or_create(&labels)
            .set(count(status.failures));
        self.job_items
            .get_or_create(&labels)
            .set(count(status.items));
        if let Some(at) = status.last_success {
            self.job_last_success
                .get_or_create(&labels)
                .set(at.timestamp_millis() as f64 / 1000.0);
        }
        self.job_lag
            .get_or_create(&labels)
            .set(status.lag.unwrap_or_default().as_secs_f64());
    }

    /// The metrics in Prometheus text exposition format.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// Middleware: counts and times every request by route template.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .durations
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

trait RegisterWithLabels {
    fn register_with_labels(
        &mut self,
        name: &str,
        help: &str,
        metric: Gauge<i64>,
        labels: &[(&'static str, &'static str)],
    );
}

impl RegisterWithLabels for Registry {
    fn register_with_labels(
        &mut self,
        name: &str,
        help: &str,
        metric: Gauge<i64>,
        labels: &[(&'static str, &'static str)],
    ) {
        let sub = self.sub_registry_with_labels(labels.iter().map(|(k, v)| {
            (
                std::borrow::Cow::Borrowed(*k),
                std::borrow::Cow::Borrowed(*v),
            )
        }));
        sub.register(name, help, metric);
    }
}
