//! Keyless OCDS feeds for watchdogs: release and record packages with keyset pagination
//! (`cursor`, `limit`, `links.next`), JSON Lines streams, and the tamper-evident log.

pub(crate) mod bulk;
pub(crate) mod docs;
pub(crate) mod extensions;
pub(crate) mod log;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{ACCEPT, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::auth::limits::ClientIp;
use crate::error::{AppError, FieldError, FieldErrors};
use crate::publish::package::{self, PackageMeta, RecordPackage, ReleasePackage};
use crate::publish::store::Release;
use crate::publish::store::{self, ReleaseFilter};
use crate::state::AppState;
pub use bulk::file_url as bulk_file_url;

/// Default and largest page sizes of the feeds.
pub const DEFAULT_LIMIT: u64 = 100;
/// The largest `limit` accepted.
pub const MAX_LIMIT: u64 = 1000;
const JSON_LINES: &str = "application/x-ndjson";

/// The `/ocds/` routes, rate-limited per client address.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/ocds", get(show_index))
        .route("/ocds/releases", get(list_releases))
        .route("/ocds/releases.jsonl", get(stream_releases))
        .route("/ocds/releases/{id}", get(show_release))
        .route("/ocds/records", get(list_records))
        .route("/ocds/records.jsonl", get(stream_records))
        .route("/ocds/records/{ocid}", get(show_record))
        .merge(log::router())
        .merge(bulk::router())
        .merge(extensions::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), limit_feeds))
}

/// The open data's front door: a browser is sent to the open-data page that explains the
/// feeds; a program gets the feeds' addresses as JSON.
#[utoipa::path(get, path = "/ocds", tag = "ocds",
    responses(
        (status = 200, description = "The addresses of the feeds, the log, the bulk files and the extensions", content_type = "application/json", body = serde_json::Value),
        (status = 303, description = "A browser (Accept: text/html) is sent to /open-data"),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_index(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    let wants_html = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        return axum::response::Redirect::to("/open-data").into_response();
    }
    let base = state.config.public_url.trim_end_matches('/');
    axum::Json(serde_json::json!({
        "documentation": format!("{base}/open-data"),
        "releases": format!("{base}/ocds/releases"),
        "releasesJsonLines": format!("{base}/ocds/releases.jsonl"),
        "records": format!("{base}/ocds/records"),
        "recordsJsonLines": format!("{base}/ocds/records.jsonl"),
        "bulk": format!("{base}/ocds/bulk/"),
        "log": format!("{base}/ocds/log"),
        "openapi": format!("{base}/api/v1/openapi.json"),
    }))
    .into_response()
}

/// Middleware: HTTP 429 with `Retry-After` for a client address over its feed rate.
async fn limit_feeds(
    State(state): State<AppState>,
    ip: ClientIp,
    request: Request,
    next: Next,
) -> Response {
    match state.limits.check_feed(&ip) {
        Ok(()) => next.run(request).await,
        Err(err) => err.into_response(),
    }
}

/// Query of the releases feed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ReleasesQuery {
    /// Return releases after this publication sequence number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Page size, 1 to 1000.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// Releases dated on or after (date or date-time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Releases dated before (date or date-time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Only this contracting process.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocid: Option<String>,
    /// Only releases naming this buyer (party id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer: Option<String>,
    /// Only releases naming this supplier (party id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplier: Option<String>,
    /// Only releases with this tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Records feed: add versioned releases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioned: Option<String>,
}

fn invalid(field: &str, code: &str, message: impl Into<String>) -> AppError {
    let mut fields = FieldErrors::new();
    fields.insert(
        field.into(),
        FieldError {
            code: code.into(),
            message: message.into(),
        },
    );
    AppError::Invalid(fields)
}

// An empty value (`cursor=`) is refused like any other bad value: the document says what a
// good one is, and a client that sends an empty one has a bug worth hearing about.
fn parse_cursor(raw: Option<&str>) -> Result<i64, AppError> {
    match raw {
        None => Ok(0),
        Some(raw) => raw.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
            invalid(
                "cursor",
                "invalid_cursor",
                "the cursor is the number from links.next",
            )
        }),
    }
}

fn parse_limit(raw: Option<&str>, default: u64) -> Result<u64, AppError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                invalid(
                    "limit",
                    "invalid_limit",
                    format!("limit is a whole number from 1 to {MAX_LIMIT}"),
                )
            }),
    }
}

/// A date (`2026-11-27`) or date-time in any offset, as the stored UTC millisecond form.
fn parse_date(field: &str, raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let parsed = DateTime::parse_from_rfc3339(raw)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
        .map_err(|_| {
            invalid(
                field,
                "invalid_date",
                "use a date such as 2026-11-27 or an RFC 3339 date-time",
            )
        })?;
    Ok(Some(parsed.to_rfc3339_opts(SecondsFormat::Millis, true)))
}

fn release_filter(query: &ReleasesQuery) -> Result<ReleaseFilter, AppError> {
    Ok(ReleaseFilter {
        after: parse_cursor(query.cursor.as_deref())?,
        since: parse_date("since", query.since.as_deref())?,
        until: parse_date("until", query.until.as_deref())?,
        ocid: query.ocid.clone().filter(|s| !s.is_empty()),
        buyer: query.buyer.clone().filter(|s| !s.is_empty()),
        supplier: query.supplier.clone().filter(|s| !s.is_empty()),
        tag: query.tag.clone().filter(|s| !s.is_empty()),
    })
}

fn wants_json_lines(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains(JSON_LINES))
}

fn raw(body: &str) -> Result<Box<RawValue>, AppError> {
    RawValue::from_string(body.to_owned())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored release is not JSON: {e}")))
}

/// A release package of releases in publication order, with `links.next`.
#[utoipa::path(get, path = "/ocds/releases", tag = "ocds",
    params(docs::ReleaseFeedParams, ("Accept" = Option<String>, Header, description = "`application/x-ndjson` for JSON Lines instead of a package"), ("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier full page; answered 304 when unchanged"),),
    responses(
        (status = 200, description = "A release package, oldest first, with links.next while more follow", content(
            (package::ReleasePackage = "application/json"),
            (String = "application/x-ndjson"),
        )),
        (status = 304, description = "The full page named by If-None-Match has not changed"),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 422, description = "A parameter is out of range or too long; see the fields", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn list_releases(
    State(state): State<AppState>,
    Query(query): Query<ReleasesQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if wants_json_lines(&headers) {
        return stream_releases(State(state), Query(query)).await;
    }
    let filter = release_filter(&query)?;
    let limit = parse_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    // Full pages never change (see `cache`); the query, as the package's `uri` gives it, is
    // the key.
    let key = serde_urlencoded::to_string(&query).unwrap_or_default();
    if let Some(page) = state.feed_pages.get(&key) {
        return Ok(page.respond(&headers));
    }
    // A partial page stands while the committed head of the log is where it was. The head is
    // read before the rows: rows committed in between only make the kept page newer than the
    // head it is filed under, and the next reader, seeing the new head, renders it again.
    // This process's commits are counted before the head is read, so a commit that lands in
    // between only makes the page be checked again next time.
    if filter.is_whole_log()
        && let Some(page) = segment_page(&state, &query, &filter, limit).await?
    {
        return Ok(state.feed_pages.keep(key, page).respond(&headers));
    }
    let commits = state.writes.commits();
    if let Some(page) = state.feed_pages.partial_unchecked(&key, commits) {
        return Ok(page.respond_partial(&headers));
    }
    let head = store::head(&state.db).await?;
    if let Some(page) = state.feed_pages.partial(&key, head, commits) {
        return Ok(page.respond_partial(&headers));
    }
    let page = store::feed_page(&state.db, &filter, limit).await?;
    let next = (page.count == limit)
        .then_some(page.last_sequence)
        .flatten()
        .map(|last| {
            let next_query = ReleasesQuery {
                cursor: Some(last.to_string()),
                limit: Some(limit.to_string()),
                ..query.clone()
            };
            package::feed_url(&state.config.public_url, "/ocds/releases", &next_query)
        });
    let meta = PackageMeta::dated(
        &state,
        package::feed_url(&state.config.public_url, "/ocds/releases", &query),
        page.last_date.as_deref(),
    );
    let full = next.is_some();
    let body = package::release_package_bytes(meta, next, &page.bodies)
        .map_err(|e| AppError::Internal(e.into()))?;
    if full {
        return Ok(state.feed_pages.keep(key, body).respond(&headers));
    }
    if page.count == 0 {
        // An empty page says when it was asked for (its publishedDate): not kept.
        return Ok(([(CONTENT_TYPE, "application/json")], body).into_response());
    }
    Ok(state
        .feed_pages
        .keep_partial(key, head, commits, body)
        .respond_partial(&headers))
}

/// A full page of the unfiltered feed read from the log's segment file, when the file holds it.
async fn segment_page(
    state: &AppState,
    query: &ReleasesQuery,
    filter: &ReleaseFilter,
    limit: u64,
) -> Result<Option<Vec<u8>>, AppError> {
    // The reads below are of a few index entries and one run of bytes, from the page cache
    // on a server that is serving its feed: tens of microseconds, less than handing them to
    // the blocking pool costs.
    let page = match state.segment.page(filter.after, limit) {
        Ok(Some(page)) => page,
        Ok(None) => return Ok(None),
        Err(err) => {
            // The database can still render the page.
            tracing::warn!(error = %err, "feed segment unreadable");
            return Ok(None);
        }
    };
    let next_query = ReleasesQuery {
        cursor: Some(page.last_sequence.to_string()),
        limit: Some(limit.to_string()),
        ..query.clone()
    };
    let next = package::feed_url(&state.config.public_url, "/ocds/releases", &next_query);
    let meta = PackageMeta::dated(
        state,
        package::feed_url(&state.config.public_url, "/ocds/releases", query),
        Some(&page.last_date),
    );
    package::release_package_filled(meta, Some(next), page.len, |out| page.read_into(out))
        .map(Some)
        .map_err(|e| AppError::Internal(e.into()))
}

/// Every matching release as JSON Lines, streamed page by page so memory stays flat.
#[utoipa::path(get, path = "/ocds/releases.jsonl", tag = "ocds",
    params(docs::ReleaseFeedParams),
    responses(
        (status = 200, description = "Every matching release, one JSON object a line", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 422, description = "A parameter is out of range or too long; see the fields", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn stream_releases(
    State(state): State<AppState>,
    Query(query): Query<ReleasesQuery>,
) -> Result<Response, AppError> {
    let mut filter = release_filter(&query)?;
    let mut remaining = match query.limit.as_deref() {
        None => u64::MAX,
        Some(_) => parse_limit(query.limit.as_deref(), DEFAULT_LIMIT)?,
    };
    let db = state.db.clone();
    let stream = async_stream::stream! {
        while remaining > 0 {
            let page = remaining.min(500);
            let rows = match store::list_releases(&db, &filter, page).await {
                Ok(rows) => rows,
                Err(err) => {
                    tracing::error!(error = %err, "JSON Lines feed stopped by a database error");
                    yield Err(std::io::Error::other("database error"));
                    break;
                }
            };
            let Some(last) = rows.last().map(|r| r.sequence) else { break };
            let full = rows.len() as u64 == page;
            let mut chunk = String::with_capacity(rows.iter().map(|r| r.body.len() + 1).sum());
            for row in &rows {
                chunk.push_str(&row.body);
                chunk.push('\n');
            }
            remaining -= rows.len() as u64;
            filter.after = last;
            yield Ok::<_, std::io::Error>(chunk);
            if !full {
                break;
            }
        }
    };
    let mut response = Body::from_stream(stream).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_LINES));
    Ok(response)
}

/// One release, exactly as hashed, in a release package.
#[utoipa::path(get, path = "/ocds/releases/{id}", tag = "ocds",
    params(("id" = String, Path, description = "The release id")),
    responses(
        (status = 200, description = "The release in a release package", body = package::ReleasePackage),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 404, description = "No release has this id", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_release(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let row = store::find_release(&state.db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    let uri = format!(
        "{}/ocds/releases/{}",
        state.config.public_url,
        package::encode(&id)
    );
    let meta = PackageMeta::new(&state, uri, Some(&row));
    Ok(json(&ReleasePackage::new(
        meta,
        vec![raw(&row.body)?],
        None,
    )))
}

/// The record of one contracting process: linked releases, compiled and versioned release.
#[utoipa::path(get, path = "/ocds/records/{ocid}", tag = "ocds",
    params(("ocid" = String, Path, description = "The contracting process's ocid")),
    responses(
        (status = 200, description = "The record, with compiled and versioned releases", body = package::RecordPackage),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 404, description = "No process has this ocid", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_record(
    State(state): State<AppState>,
    Path(ocid): Path<String>,
) -> Result<Response, AppError> {
    let rows = store::releases_of(&state.db, &ocid).await?;
    if rows.is_empty() {
        return Err(AppError::NotFound);
    }
    let entry = crate::publish::record::record(&state, &ocid, &rows, true)?;
    let uri = format!(
        "{}/ocds/records/{}",
        state.config.public_url,
        package::encode(&ocid)
    );
    let meta = PackageMeta::new(&state, uri, rows.last());
    Ok(json(&RecordPackage::new(
        meta,
        &state.config.public_url,
        vec![entry],
        None,
    )))
}

/// Records in order of their first release; compiled only unless `versioned=true`.
#[utoipa::path(get, path = "/ocds/records", tag = "ocds",
    params(docs::RecordFeedParams, ("Accept" = Option<String>, Header, description = "`application/x-ndjson` for JSON Lines instead of a package"),),
    responses(
        (status = 200, description = "A record package in order of first release, with links.next while more follow", content(
            (package::RecordPackage = "application/json"),
            (String = "application/x-ndjson"),
        )),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 422, description = "A parameter is out of range or too long; see the fields", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn list_records(
    State(state): State<AppState>,
    Query(query): Query<ReleasesQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if wants_json_lines(&headers) {
        return stream_records(State(state), Query(query)).await;
    }
    let after = parse_cursor(query.cursor.as_deref())?;
    let limit = parse_limit(query.limit.as_deref(), DEFAULT_LIMIT)?;
    let versioned = parse_versioned(&query)?;
    let processes = store::list_processes(&state.db, after, limit).await?;
    let mut records = Vec::with_capacity(processes.len());
    let mut newest: Option<Release> = None;
    let ocids: Vec<String> = processes.iter().map(|p| p.ocid.clone()).collect();
    for (ocid, rows) in store::releases_of_many(&state.db, &ocids).await? {
        if let Some(last) = rows.last()
            && newest.as_ref().is_none_or(|n| n.sequence < last.sequence)
        {
            newest = Some(last.clone());
        }
        records.push(crate::publish::record::record(
            &state, &ocid, &rows, versioned,
        )?);
    }
    let next = (processes.len() as u64 == limit)
        .then(|| processes.last().map(|p| p.first_sequence))
        .flatten()
        .map(|last| {
            let next_query = ReleasesQuery {
                cursor: Some(last.to_string()),
                limit: Some(limit.to_string()),
                ..query.clone()
            };
            package::feed_url(&state.config.public_url, "/ocds/records", &next_query)
        });
    let meta = PackageMeta::new(
        &state,
        package::feed_url(&state.config.public_url, "/ocds/records", &query),
        newest.as_ref(),
    );
    Ok(json(&RecordPackage::new(
        meta,
        &state.config.public_url,
        records,
        next,
    )))
}

fn parse_versioned(query: &ReleasesQuery) -> Result<bool, AppError> {
    match query.versioned.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(invalid(
            "versioned",
            "invalid_boolean",
            "versioned is true or false",
        )),
    }
}

/// Every record as JSON Lines in order of first release, streamed a page of processes at a
/// time so memory stays flat; compiled only unless `versioned=true`.
#[utoipa::path(get, path = "/ocds/records.jsonl", tag = "ocds",
    params(docs::RecordFeedParams),
    responses(
        (status = 200, description = "Every record, one JSON object a line", content_type = "application/x-ndjson", body = String),
        (status = 400, description = "A malformed query string or path", body = crate::routes::api::ApiError),
        (status = 422, description = "A parameter is out of range or too long; see the fields", body = crate::routes::api::ApiError),
        (status = 429, description = "Over the feed rate for this address; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn stream_records(
    State(state): State<AppState>,
    Query(query): Query<ReleasesQuery>,
) -> Result<Response, AppError> {
    let mut after = parse_cursor(query.cursor.as_deref())?;
    let versioned = parse_versioned(&query)?;
    let mut remaining = match query.limit.as_deref() {
        None => u64::MAX,
        Some(_) => parse_limit(query.limit.as_deref(), DEFAULT_LIMIT)?,
    };
    let stream = async_stream::stream! {
        while remaining > 0 {
            let page = remaining.min(100);
            let processes = match store::list_processes(&state.db, after, page).await {
                Ok(processes) => processes,
                Err(err) => {
                    tracing::error!(error = %err, "records JSON Lines feed stopped by a database error");
                    yield Err(std::io::Error::other("database error"));
                    break;
                }
            };
            let Some(last) = processes.last().map(|p| p.first_sequence) else { break };
            let full = processes.len() as u64 == page;
            let ocids: Vec<String> = processes.iter().map(|p| p.ocid.clone()).collect();
            let chunk = match store::releases_of_many(&state.db, &ocids).await {
                Ok(groups) => record_lines(&state, &groups, versioned),
                Err(err) => Err(AppError::from(err)),
            };
            match chunk {
                Ok(chunk) => yield Ok::<_, std::io::Error>(chunk),
                Err(err) => {
                    tracing::error!(error = %err, "records JSON Lines feed stopped");
                    yield Err(std::io::Error::other("records could not be compiled"));
                    break;
                }
            }
            remaining -= processes.len() as u64;
            after = last;
            if !full {
                break;
            }
        }
    };
    let mut response = Body::from_stream(stream).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_LINES));
    Ok(response)
}

fn record_lines(
    state: &AppState,
    groups: &[(String, Vec<Release>)],
    versioned: bool,
) -> Result<Vec<u8>, AppError> {
    let mut chunk = Vec::new();
    for (ocid, rows) in groups {
        let entry = crate::publish::record::record(state, ocid, rows, versioned)?;
        serde_json::to_writer(&mut chunk, &entry).map_err(|e| AppError::Internal(e.into()))?;
        chunk.push(b'\n');
    }
    Ok(chunk)
}

/// A JSON response from a serialisable package.
pub fn json(package: &impl Serialize) -> Response {
    match serde_json::to_vec(package) {
        Ok(bytes) => ([(CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(err) => crate::error::AppError::Internal(err.into()).into_response(),
    }
}
