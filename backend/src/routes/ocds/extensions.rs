//! Marco's own OCDS extensions (the direct-award shortlist, the business case, milestone
//! delivery, supplier ratings and benefit reports), served by every deployment so that the
//! URLs declared in its packages resolve: `extension.json` (with this deployment's
//! documentation link) and the release schema patch.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

/// The extension routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/ocds/extensions/{extension}/{file}", get(extension_file))
}

/// One file of one of Marco's own extensions.
#[utoipa::path(get, path = "/ocds/extensions/{extension}/{file}", tag = "ocds",
    params(
        ("extension" = String, Path, description = "The extension's repository name, e.g. `ocds_marco_supplierRatings_extension`"),
        ("file" = String, Path, description = "`extension.json` or `release-schema.json`"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/json", body = serde_json::Value),
        (status = 404, description = "No such extension or file", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn extension_file(
    State(state): State<AppState>,
    Path((extension, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (_, json, schema) = ocds_schema::schema::MARCO_OWN_EXTENSIONS
        .iter()
        .find(|(repo, _, _)| *repo == extension)
        .ok_or(AppError::NotFound)?;
    let body = match file.as_str() {
        "extension.json" => json.replace("{base}", state.config.public_url.trim_end_matches('/')),
        "release-schema.json" => (*schema).to_owned(),
        _ => return Err(AppError::NotFound),
    };
    Ok(([(CONTENT_TYPE, "application/json")], body).into_response())
}
