//! `marco reindex`: empty the index and fill it again from a stream of documents, with a
//! progress bar. On tantivy the old index stays searchable until the one final commit.

use futures_util::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use super::{SearchError, SearchIndex, ServiceDocument};
use crate::domain::content::Answers;
use crate::entities::service;
use crate::frameworks::{catalogue, lifecycle, store};

/// Documents sent to the index at a time.
const BATCH: usize = 1000;

/// A progress bar for `len` documents (a spinner when unknown); hidden when stderr is not
/// a terminal.
pub fn reindex_progress_bar(len: Option<u64>) -> ProgressBar {
    let bar = match len {
        Some(len) => ProgressBar::new(len),
        None => ProgressBar::new_spinner(),
    };
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} indexing [{bar:40}] {pos}/{len} services ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Clears `index` and indexes every document of `docs`, committing once at the end. Returns
/// how many documents were indexed. Updates queued in the outbox meanwhile are applied by
/// the worker afterwards, in order, so nothing is lost.
pub async fn reindex(
    index: &dyn SearchIndex,
    docs: impl Stream<Item = Result<ServiceDocument, SearchError>>,
    progress: &ProgressBar,
) -> Result<u64, SearchError> {
    index.clear().await?;
    let mut docs = std::pin::pin!(docs.chunks(BATCH));
    let mut indexed = 0u64;
    while let Some(chunk) = docs.next().await {
        let chunk = chunk.into_iter().collect::<Result<Vec<_>, _>>()?;
        index.upsert(&chunk).await?;
        indexed += chunk.len() as u64;
        progress.inc(chunk.len() as u64);
    }
    index.commit().await?;
    progress.finish();
    Ok(indexed)
}

fn source(e: impl Into<anyhow::Error>) -> SearchError {
    SearchError::Source(e.into())
}

/// Every service in the database as a search document, built exactly as the catalogue
/// builds the ones it queues.
pub fn database_documents(
    db: &DatabaseConnection,
) -> impl Stream<Item = Result<ServiceDocument, SearchError>> + '_ {
    async_stream::try_stream! {
        let services = service::Entity::find()
            .order_by_asc(service::Column::Id)
            .all(db)
            .await?;
        for svc in services {
            let fw = store::framework_by_id(db, svc.framework_id).await.map_err(source)?;
            let content = lifecycle::content_of(&fw).map_err(source)?;
            let supplier = store::organisation(db, svc.organisation_id).await.map_err(source)?;
            let versions = store::versions(db, svc.id).await.map_err(source)?;
            let Some(current) = versions.last() else { continue };
            let answers = Answers::from_json(&current.answers)
                .map_err(|e| SearchError::Source(anyhow::Error::from(e)))?;
            yield catalogue::document(&content, &fw, &supplier, &svc, &answers);
        }
    }
}
