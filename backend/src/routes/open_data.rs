//! The open data page for watchdogs and the publication-health page for managers.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use marco_frontend::open_data::{
    BulkFileRow, DayCount, FailureRow, OpenDataPage, PublicationHealthPage,
};
use sea_orm::{
    ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Statement,
};

use crate::config::DEMO_OCID_PREFIX;
use crate::entities::{ocds_process, publication_failure, release};
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
    Ok(OpenDataPage {
        shell,
        base: config.public_url.clone(),
        ocid_prefix: config.ocid_prefix.clone(),
        demo_prefix: config.ocid_prefix == DEMO_OCID_PREFIX,
        license: config.data_license.clone(),
        extensions: state
            .publisher
            .extension_urls()
            .iter()
            .map(|u| (*u).to_owned())
            .collect(),
        releases: release::Entity::find().count(&state.db).await?,
        processes: ocds_process::Entity::find().count(&state.db).await?,
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
    let db = &state.db;
    let backend = db.get_database_backend();
    let size_sql = match backend {
        DbBackend::Postgres => {
            "SELECT COALESCE(SUM(OCTET_LENGTH(body)), 0)::BIGINT AS size FROM releases"
        }
        _ => "SELECT COALESCE(SUM(LENGTH(CAST(body AS BLOB))), 0) AS size FROM releases",
    };
    let size: i64 = db
        .query_one_raw(Statement::from_string(backend, size_sql))
        .await?
        .map(|row| row.try_get("", "size"))
        .transpose()?
        .unwrap_or(0);
    let per_day = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT SUBSTR(date, 1, 10) AS day, COUNT(*) AS releases FROM releases \
             GROUP BY SUBSTR(date, 1, 10) ORDER BY day DESC LIMIT 30",
        ))
        .await?
        .into_iter()
        .map(|row| -> Result<DayCount, sea_orm::DbErr> {
            Ok(DayCount {
                day: row.try_get("", "day")?,
                releases: row.try_get::<i64>("", "releases")? as u64,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let head = crate::publish::store::latest(db).await?;
    let latest_failures = publication_failure::Entity::find()
        .order_by_desc(publication_failure::Column::Id)
        .limit(20)
        .all(db)
        .await?
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
    Ok(PublicationHealthPage {
        shell,
        releases: release::Entity::find().count(db).await?,
        processes: ocds_process::Entity::find().count(db).await?,
        log_size: human_size(size),
        head: head
            .map(|h| format!("{} · {}", h.sequence, h.chain_hash))
            .unwrap_or_else(|| "0".into()),
        per_day,
        failures: publication_failure::Entity::find().count(db).await?,
        latest_failures,
    })
}
