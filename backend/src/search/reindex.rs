//! `marco reindex`: empty the index and fill it again from a stream of documents, with a
//! progress bar. On tantivy the old index stays searchable until the one final commit.

use futures_util::{Stream, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{SearchError, SearchIndex, ServiceDocument};
use crate::domain::content::Answers;
use crate::entities::{service, service_version};
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
/// builds the ones it queues. Services are read a page at a time with their current
/// versions; frameworks (with their parsed content files) and suppliers are read once each.
pub fn database_documents(
    db: &DatabaseConnection,
) -> impl Stream<Item = Result<ServiceDocument, SearchError>> + '_ {
    async_stream::try_stream! {
        let mut frameworks = HashMap::new();
        let mut suppliers = HashMap::new();
        let mut after = 0i64;
        loop {
            let page = service::Entity::find()
                .filter(service::Column::Id.gt(after))
                .order_by_asc(service::Column::Id)
                .limit(BATCH as u64)
                .all(db)
                .await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            let wanted: HashMap<i64, i32> =
                page.iter().map(|s| (s.id, s.current_version)).collect();
            let current: HashMap<i64, service_version::Model> = service_version::Entity::find()
                .filter(service_version::Column::ServiceId.is_in(wanted.keys().copied()))
                .all(db)
                .await?
                .into_iter()
                .filter(|v| wanted.get(&v.service_id) == Some(&v.version))
                .map(|v| (v.service_id, v))
                .collect();
            for svc in page {
                let Some(version) = current.get(&svc.id) else { continue };
                if let Entry::Vacant(slot) = frameworks.entry(svc.framework_id) {
                    let fw = store::framework_by_id(db, svc.framework_id).await.map_err(source)?;
                    let content = lifecycle::content_of(&fw).map_err(source)?;
                    slot.insert((fw, content));
                }
                if let Entry::Vacant(slot) = suppliers.entry(svc.organisation_id) {
                    slot.insert(store::organisation(db, svc.organisation_id).await.map_err(source)?);
                }
                let (fw, content) = &frameworks[&svc.framework_id];
                let supplier = &suppliers[&svc.organisation_id];
                let answers = Answers::from_json(&version.answers)
                    .map_err(|e| SearchError::Source(anyhow::Error::from(e)))?;
                yield catalogue::document(content, fw, supplier, &svc, &answers);
            }
        }
    }
}
