//! What every job did last: shown on the publication-health page and in `/metrics`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::http::metrics::Metrics;

/// One job's record since this process started.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobStatus {
    /// Passes run.
    pub runs: u64,
    /// Passes that failed or ran past their time limit.
    pub failures: u64,
    /// Items handled by all passes.
    pub items: u64,
    /// When the last pass ended.
    pub last_run: Option<DateTime<Utc>>,
    /// When the last successful pass ended.
    pub last_success: Option<DateTime<Utc>>,
    /// How long the last pass took.
    pub last_duration: Duration,
    /// The last failure's message, until a pass succeeds.
    pub last_error: Option<String>,
    /// The age of the oldest item waiting, when the job can tell.
    pub lag: Option<Duration>,
}

/// The jobs' records, by name.
#[derive(Debug, Default)]
pub struct Board {
    statuses: Mutex<BTreeMap<&'static str, JobStatus>>,
    metrics: Option<Arc<Metrics>>,
}

impl Board {
    /// A board that also reports to `metrics`.
    pub fn with_metrics(metrics: Arc<Metrics>) -> Board {
        Board {
            statuses: Mutex::default(),
            metrics: Some(metrics),
        }
    }

    fn update(&self, name: &'static str, change: impl FnOnce(&mut JobStatus)) {
        let snapshot = {
            let Ok(mut statuses) = self.statuses.lock() else {
                return;
            };
            let status = statuses.entry(name).or_default();
            change(status);
            status.clone()
        };
        if let Some(metrics) = &self.metrics {
            metrics.record_job(name, &snapshot);
        }
    }

    /// Records a pass that handled `items`.
    pub fn record_success(
        &self,
        name: &'static str,
        items: u64,
        took: Duration,
        lag: Option<Duration>,
    ) {
        let now = Utc::now();
        self.update(name, |s| {
            s.runs += 1;
            s.items += items;
            s.last_run = Some(now);
            s.last_success = Some(now);
            s.last_duration = took;
            s.last_error = None;
            s.lag = lag;
        });
    }

    /// Records a failed pass.
    pub fn record_failure(
        &self,
        name: &'static str,
        error: &str,
        took: Duration,
        lag: Option<Duration>,
    ) {
        let now = Utc::now();
        let error: String = error.chars().take(500).collect();
        self.update(name, |s| {
            s.runs += 1;
            s.failures += 1;
            s.last_run = Some(now);
            s.last_duration = took;
            s.last_error = Some(error);
            s.lag = lag;
        });
    }

    /// One job's record.
    pub fn status(&self, name: &str) -> Option<JobStatus> {
        self.statuses.lock().ok()?.get(name).cloned()
    }

    /// Every job's record, by name.
    pub fn all(&self) -> Vec<(&'static str, JobStatus)> {
        self.statuses
            .lock()
            .map(|s| s.iter().map(|(k, v)| (*k, v.clone())).collect())
            .unwrap_or_default()
    }
}
