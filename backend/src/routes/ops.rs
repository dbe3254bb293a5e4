//! Operations endpoints: liveness, readiness and Prometheus metrics.

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Serialize;

use crate::error::AppError;
use crate::http::api_json::ApiJson;
use crate::state::AppState;

/// The operations routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The answer of the health and readiness probes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProbeStatus {
    /// `ok` when the process is up, `ready` when the database answers too.
    pub status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up", body = ProbeStatus)))]
pub async fn healthz() -> ApiJson<ProbeStatus> {
    ApiJson(ProbeStatus { status: "ok" })
}

/// The database answers, so the instance can take traffic.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to take traffic", body = ProbeStatus),
        (status = 503, description = "The database does not answer", body = crate::routes::api::ApiError),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Result<ApiJson<ProbeStatus>, AppError> {
    match state.db.ping().await {
        Ok(()) => Ok(ApiJson(ProbeStatus { status: "ready" })),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed: database does not answer");
            Err(AppError::Unavailable)
        }
    }
}

/// Prometheus metrics in the text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "OpenMetrics text format (Prometheus reads it)", body = String, content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8")))]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let text = state
        .metrics
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding metrics: {e}")))?;
    Ok((
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    ))
}
