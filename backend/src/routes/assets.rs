//! Static files embedded in the binary, with validators so browsers cache them.

use axum::Router;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

/// The `/static/` route.
pub fn router() -> Router<AppState> {
    Router::new().route("/static/{*path}", get(serve_asset))
}

async fn serve_asset(Path(path): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let asset = marco_frontend::assets::find(&path).ok_or(AppError::NotFound)?;
    let cache = "public, max-age=86400";
    if headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(asset.etag.as_str()) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(ETAG, asset.etag), (CACHE_CONTROL, cache.into())],
        )
            .into_response());
    }
    Ok((
        [
            (CONTENT_TYPE, asset.content_type.to_owned()),
            (ETAG, asset.etag),
            (CACHE_CONTROL, cache.into()),
        ],
        asset.bytes.into_owned(),
    )
        .into_response())
}
