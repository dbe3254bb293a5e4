//! The service catalogue's search: one [`SearchIndex`] trait with two implementations,
//! tantivy embedded under `<data dir>/search/` (the default) and Meilisearch (when
//! `MARCO_MEILI_URL` is set). Domain code never writes to the index directly: it queues
//! [`enqueue_upsert`] / [`enqueue_delete`] in its own transaction and the outbox worker
//! applies them in order.

#[cfg(test)]
mod contract;
mod document;
pub mod embedded;
pub mod meili;
pub mod outbox;
mod query;
mod reindex;
pub mod synonyms;
pub mod synthetic;
pub mod text;

use std::sync::Arc;

use secrecy::SecretString;

pub use document::{
    FIXED_FACETS, PriceBand, ServiceDocument, is_facet_key, price_band_key, tie_break,
};
pub use embedded::TantivyIndex;
pub use meili::MeiliIndex;
pub use outbox::{drain_once, enqueue_delete, enqueue_upsert};
pub use query::{
    FacetCount, Hit, MAX_PER_PAGE, MarkedHtml, SearchQuery, SearchResults, Sort, from_query_string,
};
pub use reindex::{database_documents, reindex, reindex_progress_bar};

/// Why a search operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A document cannot be indexed as it is (a programming error upstream).
    #[error("invalid search document {id:?}: {reason}")]
    InvalidDocument {
        /// The document's id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// The query cannot be run (for example a facet name with characters no facet has).
    #[error("invalid search query: {0}")]
    InvalidQuery(String),
    /// The embedded index failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Meilisearch failed or could not be reached.
    #[error("meilisearch: {0}")]
    Meili(#[from] meilisearch_sdk::errors::Error),
    /// A Meilisearch task ended without success.
    #[error("meilisearch task {uid} failed: {message}")]
    MeiliTask {
        /// The task uid.
        uid: u32,
        /// Meilisearch's message.
        message: String,
    },
    /// The outbox could not be read or updated.
    #[error("search outbox: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A blocking index task panicked or was cancelled.
    #[error("search task: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// The document source of a reindex failed.
    #[error("reading documents to index: {0:#}")]
    Source(anyhow::Error),
}

/// A search index of service documents. Writes are staged and become visible, in the order
/// they were made, after [`SearchIndex::commit`] returns.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync + 'static {
    /// A short name of the implementation, for logs and the ops page: `tantivy` or `meilisearch`.
    fn backend(&self) -> &'static str;
    /// Adds documents, replacing any with the same id.
    async fn upsert(&self, docs: &[ServiceDocument]) -> Result<(), SearchError>;
    /// Removes documents by id; unknown ids are ignored.
    async fn delete(&self, ids: &[String]) -> Result<(), SearchError>;
    /// Removes every document.
    async fn clear(&self) -> Result<(), SearchError>;
    /// Makes every staged write durable and visible to searches.
    async fn commit(&self) -> Result<(), SearchError>;
    /// Runs a query.
    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError>;
    /// How many documents the index holds, unavailable ones included.
    async fn count(&self) -> Result<u64, SearchError>;
    /// A spelling suggestion for a query that found nothing: each word the index does not
    /// hold replaced by the most common indexed word within two edits, or `None`. Engines
    /// that cannot list their words suggest nothing.
    async fn suggest(&self, _text: &str) -> Result<Option<String>, SearchError> {
        Ok(None)
    }
}

/// Where the index lives: Meilisearch settings when `MARCO_MEILI_URL` is set.
#[derive(Clone, Debug, Default)]
pub struct SearchConfig {
    /// The Meilisearch server, if any.
    pub meili: Option<MeiliConfig>,
}

/// How to reach Meilisearch.
#[derive(Clone, Debug)]
pub struct MeiliConfig {
    /// Base URL (`MARCO_MEILI_URL`).
    pub url: String,
    /// API key (`MARCO_MEILI_KEY`).
    pub key: Option<SecretString>,
    /// Index uid (`MARCO_MEILI_INDEX`, default `marco_services`); tests use one of their own.
    pub index: String,
}

impl SearchConfig {
    /// Reads `MARCO_MEILI_URL`, `MARCO_MEILI_KEY` and `MARCO_MEILI_INDEX` through `get`.
    pub fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<SearchConfig, String> {
        let Some(url) = get("MARCO_MEILI_URL") else {
            return Ok(SearchConfig::default());
        };
        let parsed = url::Url::parse(&url)
            .map_err(|e| format!("MARCO_MEILI_URL={url:?} is not a URL: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!("MARCO_MEILI_URL={url:?} must be http or https"));
        }
        let index = get("MARCO_MEILI_INDEX").unwrap_or_else(|| "marco_services".into());
        if !meili::is_index_uid(&index) {
            return Err(format!(
                "MARCO_MEILI_INDEX={index:?} must be 1 to 400 letters, digits, - or _"
            ));
        }
        Ok(SearchConfig {
            meili: Some(MeiliConfig {
                url: url.trim_end_matches('/').to_owned(),
                key: get("MARCO_MEILI_KEY").map(SecretString::from),
                index,
            }),
        })
    }
}

/// Opens the index the settings ask for: Meilisearch when configured, otherwise tantivy under
/// `<data_dir>/search/` (opened on first use, so a process that never searches pays nothing).
pub fn open(
    config: &SearchConfig,
    data_dir: &std::path::Path,
) -> Result<Arc<dyn SearchIndex>, SearchError> {
    Ok(match &config.meili {
        Some(meili) => Arc::new(MeiliIndex::new(meili)?),
        // `v2`: the schema with stems (an older index in `search/` is left for `marco reindex`).
        None => Arc::new(TantivyIndex::lazy(data_dir.join("search").join("v2"))),
    })
}
