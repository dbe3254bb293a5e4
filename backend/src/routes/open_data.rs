//! The open data page for watchdogs and the publication-health page for managers.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use marco_frontend::open_data::{
    BulkFileRow, DayCount, FailureRow, JobRow, OpenDataPage, PublicationHealthPage,
};

use crate::config::DEMO_OCID_PREFIX;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/open-data", get(show_open_data))
        .route("/admin/publication", get(show_publication_health))
}

async fn show_open_data(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
) -> Result<OpenDataPage, AppError> {
    let config = &state.config;
    let (releases, processes) = crate::publish::health::counts(&state.db).await?;
    Ok(OpenDataPage {
        shell,
        base: config.public_url.clone(),
        ocid_prefix: config.ocid_prefix.clone(),
        demo_prefix: config.ocid_prefix == DEMO_OCID_PREFIX,
        license: config.data_license.clone(),
        extensions: state.publisher.extension_urls(&config.public_url),
        releases,
        processes,
        bulk_files: bulk_files(&state)?,
    })
}

fn bulk_files(state: &AppState) -> Result<Vec<BulkFileRow>, AppError> {
    let manifest = state.bulk.manifest().map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("reading the bulk manifest"))
    })?;
    Ok(manifest
        .files
        .into_iter()
        .map(|f| BulkFileRow {
            url: crate::routes::ocds::bulk_file_url(&state.config.public_url, &f.name),
            size: human_size(i64::try_from(f.size).unwrap_or(i64::MAX)),
            last_modified: f
                .last_modified
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_owned(),
            name: f.name,
            sha256: f.sha256,
            releases: f.releases,
        })
        .collect())
}

fn human_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

async fn show_publication_health(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
) -> Result<PublicationHealthPage, AppError> {
    let health = crate::publish::health::health(&state.db).await?;
    let latest_failures = health
        .latest_failures
        .into_iter()
        .map(|f| {
            let errors: Vec<serde_json::Value> =
                serde_json::from_str(&f.errors).unwrap_or_default();
            let first = errors
                .first()
                .and_then(|e| e.get("message"))
                .and_then(|m| m.as_str())
                .unwrap_or_default();
            FailureRow {
                sequence: f.sequence,
                release_id: f.release_id,
                at: f.recorded_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                summary: format!("{} × {first}", errors.len()),
            }
        })
        .collect();
    let when = |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    };
    let jobs = state
        .jobs
        .all()
        .into_iter()
        .map(|(name, s)| JobRow {
            name: name.to_owned(),
            last_run: when(s.last_run),
            last_success: when(s.last_success),
            runs: s.runs,
            failures: s.failures,
            items: s.items,
            lag_seconds: s.lag.map(|l| l.as_secs()),
            last_error: s.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(PublicationHealthPage {
        shell,
        releases: health.releases,
        processes: health.processes,
        log_size: human_size(health.bytes),
        head: health
            .head
            .map(|h| format!("{} · {}", h.sequence, h.chain_hash))
            .unwrap_or_else(|| "0".into()),
        per_day: health
            .per_day
            .into_iter()
            .map(|d| DayCount {
                day: d.day,
                releases: d.releases,
            })
            .collect(),
        failures: health.failures,
        latest_failures,
        jobs,
    })
}
