//! Supplier-performance analytics and red flags over Marco's own published records, computed
//! by the same engine any watchdog runs on the bulk files (`ocds analyse`, from
//! `ocds_schema::analyse`). The `analytics` job recomputes them after new releases; pages and
//! the API read the latest snapshot and say how fresh it is.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ocds_schema::analyse::{Analyser, Report, Settings};

use crate::publish::store;
use crate::state::AppState;

pub mod rows;
pub mod scope;

/// One computation of the analytics.
#[derive(Debug)]
pub struct Snapshot {
    /// The results.
    pub report: Report,
    /// When they were computed.
    pub computed_at: DateTime<Utc>,
    /// The last release sequence they include.
    pub up_to_sequence: i64,
    /// The processes read.
    pub processes: u64,
    /// Where each process's fact is in `report.marco.facts`.
    by_ocid: std::collections::HashMap<String, usize>,
}

impl Snapshot {
    /// A snapshot of `report`, indexing its facts.
    pub fn new(
        report: Report,
        computed_at: DateTime<Utc>,
        up_to_sequence: i64,
        processes: u64,
    ) -> Snapshot {
        let by_ocid = report
            .marco
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.ocid.clone(), i))
            .collect();
        Snapshot {
            report,
            computed_at,
            up_to_sequence,
            processes,
            by_ocid,
        }
    }

    /// The fact of process `ocid`.
    pub fn fact(&self, ocid: &str) -> Option<&ocds_schema::analyse::market::Fact> {
        self.by_ocid.get(ocid).map(|i| &self.report.marco.facts[*i])
    }
}

/// The latest snapshot, shared by the job and the pages.
#[derive(Debug, Default)]
pub struct Latest(RwLock<Option<Arc<Snapshot>>>);

impl Latest {
    /// The latest snapshot, if one was computed.
    pub fn get(&self) -> Option<Arc<Snapshot>> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, snapshot: Snapshot) {
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(snapshot));
    }
}

/// The settings Marco analyses its own data with: Cardinal's defaults, comparing amounts in the
/// first currency met (pesos on the demo), and Marco's direct awards as `direct`.
pub fn settings() -> Settings {
    Settings {
        // Kept so that pages can recompute markets and filter flags by period, framework, lot,
        // buyer and supplier: one small record per process.
        keep_facts: true,
        ..Settings::default()
    }
}

/// Reads every published process in order of its first release, compiles it as the record feed
/// does, and analyses it; `stop` is asked between pages.
pub async fn compute(
    state: &AppState,
    stop: &(dyn Fn() -> bool + Sync),
) -> anyhow::Result<Option<Snapshot>> {
    let up_to = store::latest(&state.db).await?.map_or(0, |r| r.sequence);
    let mut analyser = Analyser::new(settings());
    let (mut after, mut seq) = (0i64, 0u64);
    loop {
        if stop() {
            return Ok(None);
        }
        let page = store::list_processes(&state.db, after, 500).await?;
        let Some(last) = page.last() else { break };
        after = last.first_sequence;
        let ocids: Vec<String> = page.iter().map(|p| p.ocid.clone()).collect();
        for (ocid, rows) in store::releases_of_many(&state.db, &ocids).await? {
            let rows: Vec<_> = rows.into_iter().filter(|r| r.sequence <= up_to).collect();
            if rows.is_empty() {
                continue;
            }
            let releases: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| serde_json::from_str(&r.body))
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow::anyhow!("stored release of {ocid} is not JSON: {e}"))?;
            let compiled = state
                .publisher
                .merger()
                .compile(&releases)
                .map_err(|e| anyhow::anyhow!("compiling {ocid}: {e}"))?;
            analyser.add_json(seq, &serde_json::to_vec(&compiled)?)?;
            seq += 1;
        }
    }
    Ok(Some(Snapshot::new(
        analyser.finish(),
        Utc::now(),
        up_to,
        seq,
    )))
}

/// Recomputes the analytics when releases were published since the last snapshot.
pub async fn refresh(state: &AppState, stop: &(dyn Fn() -> bool + Sync)) -> anyhow::Result<u64> {
    let head = store::latest(&state.db).await?.map_or(0, |r| r.sequence);
    if state
        .analytics
        .get()
        .is_some_and(|s| s.up_to_sequence == head)
    {
        return Ok(0);
    }
    match compute(state, stop).await? {
        Some(snapshot) => {
            let processes = snapshot.processes;
            tracing::info!(
                processes,
                up_to = snapshot.up_to_sequence,
                "analytics recomputed"
            );
            state.analytics.set(snapshot);
            Ok(processes.max(1))
        }
        None => Ok(0),
    }
}

/// The job that keeps the analytics no more than `MARCO_ANALYTICS_SECS` behind the release log.
pub struct AnalyticsJob {
    state: AppState,
}

impl AnalyticsJob {
    /// The job over `state`.
    pub fn new(state: AppState) -> AnalyticsJob {
        AnalyticsJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for AnalyticsJob {
    fn name(&self) -> &'static str {
        "analytics"
    }

    fn interval(&self) -> Duration {
        self.state.config.analytics_refresh
    }

    fn time_limit(&self) -> Duration {
        Duration::from_secs(30 * 60)
    }

    async fn pass(&self, stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let stop = || stopping.requested();
        match refresh(&self.state, &stop).await? {
            0 => Ok(crate::jobs::Pass::Idle),
            n => Ok(crate::jobs::Pass::Done(n)),
        }
    }

    async fn lag(&self) -> Option<Duration> {
        let snapshot = self.state.analytics.get()?;
        (Utc::now() - snapshot.computed_at).to_std().ok()
    }
}
