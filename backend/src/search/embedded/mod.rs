//! The embedded tantivy index: one writer behind a mutex, a reader reloaded on every commit
//! (ours, or another process's such as `marco reindex`), blocking work off the async threads.

mod collect;
mod schema;
mod search;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use self::schema::Fields;
use super::{SearchError, SearchIndex, SearchQuery, SearchResults, ServiceDocument, text};

/// Where the index is kept.
#[derive(Clone, Debug)]
enum Location {
    Dir(PathBuf),
    Ram,
}

/// The tantivy [`SearchIndex`]: embedded, the default.
#[derive(Clone)]
pub struct TantivyIndex {
    shared: Arc<Shared>,
}

struct Shared {
    location: Location,
    writer_threads: usize,
    writer_memory: usize,
    open: Mutex<Option<Arc<Inner>>>,
}

struct Inner {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    writer_threads: usize,
    writer_memory: usize,
}

/// Writer memory for a server: small, since it indexes a few documents at a time.
const SERVER_WRITER_MEMORY: usize = 50_000_000;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves nothing half-done that a later caller could
    // trip over (the writer itself rolls back uncommitted work), so poisoning is ignored.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TantivyIndex {
    /// An index in `dir`, opened (and created if missing) on first use.
    pub fn lazy(dir: PathBuf) -> TantivyIndex {
        TantivyIndex::at(Location::Dir(dir))
    }

    /// An index in `dir`, opened now so that problems show at once.
    pub fn open(dir: PathBuf) -> Result<TantivyIndex, SearchError> {
        let index = TantivyIndex::at(Location::Dir(dir));
        index.shared.inner()?;
        Ok(index)
    }

    /// An index in memory, for tests.
    pub fn in_memory() -> TantivyIndex {
        TantivyIndex::at(Location::Ram)
    }

    /// Sets the indexing threads and their total memory (for bulk loads such as reindexing).
    pub fn with_writer(self, threads: usize, memory_bytes: usize) -> TantivyIndex {
        TantivyIndex::at_with(self.shared.location.clone(), threads, memory_bytes)
    }

    fn at(location: Location) -> TantivyIndex {
        TantivyIndex::at_with(location, 1, SERVER_WRITER_MEMORY)
    }

    fn at_with(location: Location, threads: usize, memory: usize) -> TantivyIndex {
        TantivyIndex {
            shared: Arc::new(Shared {
                location,
                writer_threads: threads.max(1),
                writer_memory: memory.max(threads.max(1) * 16_000_000),
                open: Mutex::new(None),
            }),
        }
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn disk_size(&self) -> u64 {
        match &self.shared.location {
            Location::Ram => 0,
            Location::Dir(dir) => std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .filter_map(|e| e.metadata().ok())
                        .filter(|m| m.is_file())
                        .map(|m| m.len())
                        .sum()
                })
                .unwrap_or(0),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> Result<T, SearchError> + Send + 'static,
    ) -> Result<T, SearchError> {
        let shared = self.shared.clone();
        tokio::task::spawn_blocking(move || work(&*shared.inner()?)).await?
    }
}

impl Shared {
    fn inner(&self) -> Result<Arc<Inner>, SearchError> {
        let mut open = lock(&self.open);
        if let Some(inner) = open.as_ref() {
            return Ok(inner.clone());
        }
        let (schema, fields) = schema::schema();
        let index = match &self.location {
            Location::Ram => Index::create_in_ram(schema),
            Location::Dir(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    tantivy::TantivyError::SystemError(format!(
                        "cannot create the search index folder {}: {e}",
                        dir.display()
                    ))
                })?;
                let directory = MmapDirectory::open(dir).map_err(|e| {
                    tantivy::TantivyError::SystemError(format!(
                        "cannot open the search index folder {}: {e}",
                        dir.display()
                    ))
                })?;
                Index::open_or_create(directory, schema)?
            }
        };
        index
            .tokenizers()
            .register(text::ANALYZER, text::analyzer());
        index
            .tokenizers()
            .register(text::STEM_ANALYZER, text::stem_analyzer());
        // Reloads when any process commits; our own commits also reload at once.
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        let inner = Arc::new(Inner {
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            writer_threads: self.writer_threads,
            writer_memory: self.writer_memory,
        });
        *open = Some(inner.clone());
        Ok(inner)
    }
}

impl Inner {
    /// Runs `work` with the writer, taking the index's write lock on first use: a process
    /// that only searches never blocks another (such as `marco reindex`) from writing.
    fn write<T>(
        &self,
        work: impl FnOnce(&mut IndexWriter, &Fields) -> tantivy::Result<T>,
    ) -> Result<T, SearchError> {
        let mut writer = lock(&self.writer);
        if writer.is_none() {
            *writer = Some(
                self.index
                    .writer_with_num_threads(self.writer_threads, self.writer_memory)?,
            );
        }
        match writer.as_mut() {
            Some(w) => Ok(work(w, &self.fields)?),
            None => Err(tantivy::TantivyError::InternalError("no index writer".into()).into()),
        }
    }
}

#[async_trait::async_trait]
impl SearchIndex for TantivyIndex {
    fn backend(&self) -> &'static str {
        "tantivy"
    }

    async fn upsert(&self, docs: &[ServiceDocument]) -> Result<(), SearchError> {
        for doc in docs {
            doc.validate()?;
        }
        let docs = docs.to_vec();
        self.blocking(move |inner| {
            inner.write(|writer, fields| {
                for doc in &docs {
                    writer.delete_term(Term::from_field_text(fields.id, &doc.id));
                    writer.add_document(schema::to_document(fields, doc))?;
                }
                Ok(())
            })
        })
        .await
    }

    async fn delete(&self, ids: &[String]) -> Result<(), SearchError> {
        let ids = ids.to_vec();
        self.blocking(move |inner| {
            inner.write(|writer, fields| {
                for id in &ids {
                    writer.delete_term(Term::from_field_text(fields.id, id));
                }
                Ok(())
            })
        })
        .await
    }

    async fn clear(&self) -> Result<(), SearchError> {
        self.blocking(|inner| inner.write(|writer, _| writer.delete_all_documents().map(drop)))
            .await
    }

    async fn commit(&self) -> Result<(), SearchError> {
        self.blocking(|inner| {
            inner.write(|writer, _| writer.commit().map(drop))?;
            // Hand the write lock back between batches, so `marco reindex` can run beside
            // a server; the server's next batch waits (in the outbox) until it is done.
            lock(&inner.writer).take();
            inner.reader.reload()?;
            Ok(())
        })
        .await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let query = query.checked()?;
        self.blocking(move |inner| search::run(&inner.reader.searcher(), &inner.fields, &query))
            .await
    }

    async fn count(&self) -> Result<u64, SearchError> {
        self.blocking(|inner| Ok(inner.reader.searcher().num_docs()))
            .await
    }

    async fn suggest(&self, text: &str) -> Result<Option<String>, SearchError> {
        let terms = text::query_terms(text);
        self.blocking(move |inner| search::suggest(&inner.reader.searcher(), &inner.fields, &terms))
            .await
    }
}
