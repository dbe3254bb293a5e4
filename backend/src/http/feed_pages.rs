//! Full pages of the release feed, kept rendered in memory.
//!
//! The release log is append-only and publication sequence numbers are given in commit
//! order, so a page that came back full (`limit` releases after its cursor) can never
//! change: any later release has a higher sequence and belongs to a later page. Such pages
//! are the bulk of what harvesters download, and serving them from memory skips the
//! database and the JSON work. The package's `publishedDate` is the date of its newest
//! release, so a cached page is byte for byte what a fresh render would give. The last,
//! partial page is never cached.

use axum::body::Bytes;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};

/// Memory given to cached pages.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;

/// One rendered page with its entity tag.
#[derive(Clone, Debug)]
pub struct CachedPage {
    body: Bytes,
    etag: HeaderValue,
}

#[derive(Clone)]
struct PageWeight;

impl Weighter<String, CachedPage> for PageWeight {
    fn weight(&self, key: &String, page: &CachedPage) -> u64 {
        (key.len() + page.body.len()) as u64
    }
}

/// Rendered full pages by the query that asked for them.
pub struct FeedPages {
    pages: Cache<String, CachedPage, PageWeight>,
}

impl std::fmt::Debug for FeedPages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedPages")
            .field("pages", &self.pages.len())
            .field("bytes", &self.pages.weight())
            .finish()
    }
}

impl Default for FeedPages {
    fn default() -> Self {
        FeedPages {
            pages: Cache::with_weighter(1024, CAPACITY_BYTES, PageWeight),
        }
    }
}

impl FeedPages {
    /// The page cached for `key`.
    pub fn get(&self, key: &str) -> Option<CachedPage> {
        self.pages.get(key)
    }

    /// Keeps a full page and returns it.
    pub fn keep(&self, key: String, body: Vec<u8>) -> CachedPage {
        let page = CachedPage::new(body);
        self.pages.insert(key, page.clone());
        page
    }
}

impl CachedPage {
    /// A page with its entity tag (the start of the body's SHA-256).
    pub fn new(body: Vec<u8>) -> CachedPage {
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", hex::encode(&digest[..16]));
        CachedPage {
            body: Bytes::from(body),
            // Hex digits in quotes are always a valid header value.
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        }
    }

    /// The page as JSON, or 304 when the client already has it. A full page never changes,
    /// so caches may keep it for a day.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let fresh = request
            .get(IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == self.etag)
            });
        let headers = [
            (ETAG, self.etag.clone()),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ];
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        (
            [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
            headers,
            self.body.clone(),
        )
            .into_response()
    }
}
