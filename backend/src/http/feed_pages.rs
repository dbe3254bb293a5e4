//! Full pages of the release feed, kept rendered in memory.
//!
//! The release log is append-only and publication sequence numbers are given in commit
//! order, so a page that came back full (`limit` releases after its cursor) can never
//! change: any later release has a higher sequence and belongs to a later page. Such pages
//! are the bulk of what harvesters download, and serving them from memory skips the
//! database and the JSON work. The package's `publishedDate` is the date of its newest
//! release, so a cached page is byte for byte what a fresh render would give.
//!
//! The last, partial page is what every harvester polls for new releases. It is kept too,
//! with the head of the log it was rendered at, and served while the committed head is
//! unchanged: any new release moves the head and the page is rendered again. The head is not
//! read on every request: while this process has committed no write since the page was
//! checked, and for at most [`RECHECK`] (for writers in other processes, such as other
//! instances on one PostgreSQL), the page stands as checked. Its `ETag` lets a poller get
//! `304 Not Modified` until something new is published.

use axum::body::Bytes;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

/// Memory given to cached pages.
const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;

/// Memory given to partial pages (one per feed query that is polled).
const PARTIAL_BYTES: u64 = 16 * 1024 * 1024;

/// How long a partial page stands without reading the head again, when this process has
/// committed nothing since: the most a release committed by another process can wait.
pub const RECHECK: std::time::Duration = std::time::Duration::from_millis(250);

/// A partial page, the head it was rendered at, and when and after how many of this
/// process's commits the head was last found unchanged.
#[derive(Clone, Debug)]
struct Partial {
    head: i64,
    page: CachedPage,
    checked_at: std::time::Instant,
    commits: u64,
}

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

/// Rendered full pages by the query that asked for them, and partial pages with the head
/// they were rendered at.
pub struct FeedPages {
    pages: Cache<String, CachedPage, PageWeight>,
    partial: Cache<String, Partial, PartialWeight>,
}

#[derive(Clone)]
struct PartialWeight;

impl Weighter<String, Partial> for PartialWeight {
    fn weight(&self, key: &String, page: &Partial) -> u64 {
        (key.len() + page.page.body.len()) as u64
    }
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
            partial: Cache::with_weighter(256, PARTIAL_BYTES, PartialWeight),
        }
    }
}

impl FeedPages {
    /// The page cached for `key`.
    pub fn get(&self, key: &str) -> Option<CachedPage> {
        self.pages.get(key)
    }

    /// The partial page kept for `key`, when it needs no check: this process has made no
    /// commit since it was last checked (`commits` is the count now), less than [`RECHECK`] ago.
    pub fn partial_unchecked(&self, key: &str, commits: u64) -> Option<CachedPage> {
        self.partial
            .get(key)
            .filter(|p| p.commits == commits && p.checked_at.elapsed() < RECHECK)
            .map(|p| p.page)
    }

    /// The partial page kept for `key`, if it was rendered at `head`; it is marked checked.
    pub fn partial(&self, key: &str, head: i64, commits: u64) -> Option<CachedPage> {
        let mut found = self.partial.get(key).filter(|p| p.head == head)?;
        found.checked_at = std::time::Instant::now();
        found.commits = commits;
        let page = found.page.clone();
        self.partial.insert(key.to_owned(), found);
        Some(page)
    }

    /// Keeps a partial page rendered at `head`, after `commits` commits of this process that
    /// were all made before the head was read, and returns it.
    pub fn keep_partial(&self, key: String, head: i64, commits: u64, body: Vec<u8>) -> CachedPage {
        let page = CachedPage::new(body);
        self.partial.insert(
            key,
            Partial {
                head,
                page: page.clone(),
                checked_at: std::time::Instant::now(),
                commits,
            },
        );
        page
    }

    /// Keeps a full page and returns it.
    pub fn keep(&self, key: String, body: Vec<u8>) -> CachedPage {
        let page = CachedPage::new(body);
        self.pages.insert(key, page.clone());
        page
    }
}

impl CachedPage {
    /// A page with its entity tag: the body's 128-bit XXH3 hash. An entity tag only has to
    /// change when the bytes do, and SHA-256 took 6% of the server's time on pages rendered
    /// for random cursors.
    pub fn new(body: Vec<u8>) -> CachedPage {
        let etag = format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(&body));
        CachedPage {
            body: Bytes::from(body),
            // Hex digits in quotes are always a valid header value.
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        }
    }

    /// The page as JSON, or 304 when the client already has it. A full page never changes,
    /// so caches may keep it for a day.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        self.respond_with(request, HeaderValue::from_static("public, max-age=86400"))
    }

    /// A partial page: it changes when a release is published, so caches must ask again
    /// (`no-cache`) and get 304 while it has not.
    pub fn respond_partial(&self, request: &HeaderMap) -> Response {
        self.respond_with(request, HeaderValue::from_static("no-cache"))
    }

    fn respond_with(&self, request: &HeaderMap, cache_control: HeaderValue) -> Response {
        let fresh = request
            .get(IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim().trim_start_matches("W/") == self.etag)
            });
        let headers = [(ETAG, self.etag.clone()), (CACHE_CONTROL, cache_control)];
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
