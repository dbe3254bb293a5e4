//! Marco's own OCDS extension, served by every deployment so that the URL declared in its
//! packages resolves: `extension.json` (with this deployment's documentation link) and the
//! release schema patch.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

/// The extension routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/ocds/extensions/ocds_marco_shortlist_extension/{file}",
        get(shortlist_extension_file),
    )
}

/// One file of the shortlist extension.
#[utoipa::path(get, path = "/ocds/extensions/ocds_marco_shortlist_extension/{file}", tag = "ocds",
    params(("file" = String, Path, description = "`extension.json` or `release-schema.json`")),
    responses(
        (status = 200, description = "The file", content_type = "application/json", body = serde_json::Value),
        (status = 404, description = "No such file", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn shortlist_extension_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let body = match file.as_str() {
        "extension.json" => ocds_schema::schema::SHORTLIST_EXTENSION_JSON
            .replace("{base}", state.config.public_url.trim_end_matches('/')),
        "release-schema.json" => ocds_schema::schema::SHORTLIST_RELEASE_SCHEMA.to_owned(),
        _ => return Err(AppError::NotFound),
    };
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}
