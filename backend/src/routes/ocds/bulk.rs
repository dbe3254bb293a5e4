//! Bulk downloads: the list of files at `/ocds/bulk/`, and each file with `ETag` (its
//! SHA-256), `Last-Modified`, conditional requests (304) and single byte ranges (206).
//!
//! A download reads the file it opened, even if a refresh renames a new one into place
//! meanwhile; its `ETag` is checked against that open file, so the tag always names the bytes
//! sent.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED, RANGE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::error::AppError;
use crate::publish::bulk::{BulkFile, atomic};
use crate::publish::package;
use crate::state::AppState;

/// The bulk routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ocds/bulk/", get(list_bulk_files))
        .route("/ocds/bulk/{file}", get(download_bulk_file))
}

/// One file in the listing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Listed {
    name: String,
    url: String,
    size: u64,
    sha256: String,
    last_modified: String,
    releases: u64,
    last_sequence: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Listing {
    uri: String,
    last_sequence: i64,
    generated: Option<String>,
    files: Vec<Listed>,
}

/// The URL of a bulk file.
pub fn file_url(public_url: &str, name: &str) -> String {
    format!("{public_url}/ocds/bulk/{}", package::encode(name))
}

fn listed(public_url: &str, file: BulkFile) -> Listed {
    Listed {
        url: file_url(public_url, &file.name),
        name: file.name,
        size: file.size,
        sha256: file.sha256,
        last_modified: file.last_modified,
        releases: file.releases,
        last_sequence: file.last_sequence,
    }
}

#[utoipa::path(get, path = "/ocds/bulk/", tag = "ocds",
    responses(
        (status = 200, description = "The bulk files with their size, SHA-256 and last sequence", body = Listing),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn list_bulk_files(State(state): State<AppState>) -> Result<Response, AppError> {
    let manifest = state.bulk.manifest().map_err(|e| {
        AppError::Internal(anyhow::Error::new(e).context("reading the bulk manifest"))
    })?;
    let public_url = &state.config.public_url;
    Ok(super::json(&Listing {
        uri: format!("{public_url}/ocds/bulk/"),
        last_sequence: manifest.last_sequence,
        generated: Some(manifest.generated).filter(|g| !g.is_empty()),
        files: manifest
            .files
            .into_iter()
            .map(|f| listed(public_url, f))
            .collect(),
    }))
}

fn http_date(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

fn header<'a>(headers: &'a HeaderMap, name: &axum::http::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether an `If-None-Match` list names `etag` (weak comparison, as RFC 9110 asks).
fn none_match(list: &str, etag: &str) -> bool {
    list.split(',')
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// A single byte range of a `len`-byte file: `Some(Ok((first, last)))`, `Some(Err(()))` when
/// unsatisfiable, `None` when absent, malformed or multi-range (then the whole file is sent).
fn byte_range(raw: &str, len: u64) -> Option<Result<(u64, u64), ()>> {
    let spec = raw.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let suffix: u64 = last.parse().ok()?;
        if suffix == 0 || len == 0 {
            return Some(Err(()));
        }
        (len.saturating_sub(suffix), len - 1)
    } else {
        let first: u64 = first.parse().ok()?;
        let last = match last {
            "" => u64::MAX,
            raw => raw.parse().ok()?,
        };
        if last < first {
            return None;
        }
        if first >= len {
            return Some(Err(()));
        }
        (first, last.min(len - 1))
    };
    Some(Ok(range))
}

fn open_error(err: std::io::Error) -> AppError {
    if err.kind() == std::io::ErrorKind::NotFound {
        AppError::NotFound
    } else {
        AppError::Internal(anyhow::Error::new(err).context("opening a bulk file"))
    }
}

#[utoipa::path(get, path = "/ocds/bulk/{file}", tag = "ocds",
    params(
        ("file" = String, Path, description = "A file name from the listing, e.g. `releases.jsonl.gz`"),
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`"),
        ("If-Range" = Option<String>, Header, description = "Send the range only if the file still has this ETag"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier full page; answered 304 when unchanged"),
        ("If-Modified-Since" = Option<String>, Header, description = "An HTTP date; answered 304 when the file is not newer"),
    ),
    responses(
        (status = 200, description = "The whole file", content(
            (Vec<u8> = "application/gzip"),
            (Vec<u8> = "application/zip"),
        )),
        (status = 206, description = "The byte range asked for", content(
            (Vec<u8> = "application/gzip"),
            (Vec<u8> = "application/zip"),
        )),
        (status = 304, description = "Unchanged since If-None-Match or If-Modified-Since"),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 404, description = "No such file (yet)", body = crate::routes::api::ApiError),
        (status = 416, description = "The range lies outside the file", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn download_bulk_file(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // Only names the manifest lists are served, so no path can leave the bulk folder.
    let entry = state
        .bulk
        .manifest()
        .map_err(|e| AppError::Internal(e.into()))?
        .files
        .into_iter()
        .find(|f| f.name == name)
        .ok_or(AppError::NotFound)?;
    let mut file = tokio::fs::File::open(state.bulk.dir().join(&entry.name))
        .await
        .map_err(open_error)?;
    let metadata = file.metadata().await.map_err(open_error)?;
    let len = metadata.len();
    let nanos = atomic::modified_nanos(&metadata);
    let sha256 = if len == entry.size && nanos == entry.modified_nanos {
        entry.sha256
    } else {
        // A refresh replaced the file after the manifest was read: hash what we opened.
        let reader = file.try_clone().await.map_err(open_error)?.into_std().await;
        tokio::task::spawn_blocking(move || atomic::sha256_of(reader))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(open_error)?
    };
    let etag = format!("\"{sha256}\"");
    let last_modified = http_date(i64::try_from(nanos / 1_000_000_000).unwrap_or(i64::MAX));
    let mut response_headers = HeaderMap::new();
    for (name, value) in [
        (ETAG, etag.clone()),
        (LAST_MODIFIED, last_modified.clone()),
        (ACCEPT_RANGES, "bytes".to_owned()),
        (CACHE_CONTROL, "public, max-age=60".to_owned()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.insert(name, value);
        }
    }

    let not_modified = match (
        header(&headers, &IF_NONE_MATCH),
        header(&headers, &IF_MODIFIED_SINCE),
    ) {
        (Some(list), _) => none_match(list, &etag),
        (None, Some(since)) => DateTime::parse_from_rfc2822(since)
            .is_ok_and(|since| nanos / 1_000_000_000 <= since.timestamp().max(0) as u64),
        (None, None) => false,
    };
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, response_headers).into_response());
    }

    // If-Range: honour the range only for the same version of the file.
    let same_version = header(&headers, &IF_RANGE).is_none_or(|v| v == etag || v == last_modified);
    let range = header(&headers, &RANGE)
        .filter(|_| same_version)
        .and_then(|raw| byte_range(raw, len));
    let (status, first, count) = match range {
        None => (StatusCode::OK, 0, len),
        Some(Ok((first, last))) => {
            let value = format!("bytes {first}-{last}/{len}");
            if let Ok(value) = HeaderValue::from_str(&value) {
                response_headers.insert(CONTENT_RANGE, value);
            }
            (StatusCode::PARTIAL_CONTENT, first, last - first + 1)
        }
        Some(Err(())) => {
            let mut response = AppError::bad_request(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                Some(format!("the file has {len} bytes")),
            )
            .into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{len}")) {
                response.headers_mut().insert(CONTENT_RANGE, value);
            }
            return Ok(response);
        }
    };
    file.seek(std::io::SeekFrom::Start(first))
        .await
        .map_err(open_error)?;
    let content_type = if name.ends_with(".zip") {
        "application/zip"
    } else {
        "application/gzip"
    };
    response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response_headers.insert(CONTENT_LENGTH, HeaderValue::from(count));
    let mut reader = file.take(count);
    let body = async_stream::stream! {
        loop {
            let mut buffer = vec![0u8; 64 * 1024];
            match reader.read(&mut buffer).await {
                Ok(0) => break,
                Ok(n) => {
                    buffer.truncate(n);
                    yield Ok::<_, std::io::Error>(buffer);
                }
                Err(err) => {
                    yield Err(err);
                    break;
                }
            }
        }
    };
    Ok((status, response_headers, Body::from_stream(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_follow_rfc_9110() {
        assert_eq!(byte_range("bytes=0-9", 100), Some(Ok((0, 9))));
        assert_eq!(byte_range("bytes=90-", 100), Some(Ok((90, 99))));
        assert_eq!(byte_range("bytes=-10", 100), Some(Ok((90, 99))));
        assert_eq!(byte_range("bytes=95-200", 100), Some(Ok((95, 99))));
        assert_eq!(byte_range("bytes=100-", 100), Some(Err(())));
        assert_eq!(byte_range("bytes=-0", 100), Some(Err(())));
        assert_eq!(byte_range("bytes=0-1,5-6", 100), None);
        assert_eq!(byte_range("items=0-1", 100), None);
        assert_eq!(byte_range("bytes=5-1", 100), None);
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_a_star() {
        assert!(none_match("\"a\", W/\"b\"", "\"b\""));
        assert!(none_match("*", "\"x\""));
        assert!(!none_match("\"a\"", "\"b\""));
    }
}
