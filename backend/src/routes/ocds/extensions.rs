//! Marco's own OCDS extensions (the direct-award shortlist and the business case), served by
//! every deployment so that the URLs declared in its packages resolve: `extension.json`
//! (with this deployment's documentation link) and the release schema patch.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

/// The extension routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/ocds/extensions/ocds_marco_shortlist_extension/{file}",
            get(shortlist_extension_file),
        )
        .route(
            "/ocds/extensions/ocds_marco_businessCase_extension/{file}",
            get(business_case_extension_file),
        )
}

fn serve(
    state: &AppState,
    file: &str,
    extension: &str,
    schema: &str,
) -> Result<Response, AppError> {
    let body = match file {
        "extension.json" => {
            extension.replace("{base}", state.config.public_url.trim_end_matches('/'))
        }
        "release-schema.json" => schema.to_owned(),
        _ => return Err(AppError::NotFound),
    };
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}

/// One file of the business-case extension.
#[utoipa::path(get, path = "/ocds/extensions/ocds_marco_businessCase_extension/{file}", tag = "ocds",
    params(("file" = String, Path, description = "`extension.json` or `release-schema.json`")),
    responses(
        (status = 200, description = "The file", content_type = "application/json", body = serde_json::Value),
        (status = 404, description = "No such file", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn business_case_extension_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    serve(
        &state,
        &file,
        ocds_schema::schema::BUSINESS_CASE_EXTENSION_JSON,
        ocds_schema::schema::BUSINESS_CASE_RELEASE_SCHEMA,
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
    serve(
        &state,
        &file,
        ocds_schema::schema::SHORTLIST_EXTENSION_JSON,
        ocds_schema::schema::SHORTLIST_RELEASE_SCHEMA,
    )
}
