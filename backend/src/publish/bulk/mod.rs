//! Bulk downloads of the whole release log, kept up to date by a background job:
//!
//! - `releases.jsonl.gz`: every release, one per line, in publication order;
//! - `releases-YYYY.jsonl.gz`: the same, split by the year of the release date;
//! - `records.jsonl.gz`: every record (ocid, linked releases, compiled release);
//! - `ocds-csv.zip`: flattened CSV tables joined by `ocid`, `release_id` and parent ids.
//!
//! Release files grow by appending a gzip member holding only the releases published since
//! the last refresh (concatenated members are one valid gzip stream). Records and CSV are
//! rebuilt when anything changed. Every file is written under a temporary name, flushed and
//! renamed into place, so a download never sees half a file; `manifest.json` records the last
//! sequence exported and each file's size and SHA-256, and is replaced the same way. One
//! refresh runs at a time per data folder. See `docs/publication.md`.

pub mod atomic;
mod flat;
mod records;
mod releases;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::entities::release;
use crate::state::AppState;
use atomic::{FileFacts, Prepared, TempFile};

/// Every release, in publication order.
pub const RELEASES: &str = "releases.jsonl.gz";
/// Every compiled record.
pub const RECORDS: &str = "records.jsonl.gz";
/// The flattened CSV tables.
pub const CSV_ZIP: &str = "ocds-csv.zip";
/// The state of the folder: last sequence exported, and each file's size and hash.
pub const MANIFEST: &str = "manifest.json";

/// The bulk folder of one data folder, with the lock that lets one refresh run at a time.
#[derive(Debug)]
pub struct BulkFiles {
    dir: PathBuf,
    lock: tokio::sync::Mutex<()>,
    stopping: AtomicBool,
}

/// What `manifest.json` holds.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// The highest publication sequence number in the files.
    pub last_sequence: i64,
    /// When the files were last brought up to date (RFC 3339).
    pub generated: String,
    /// The files, in listing order.
    pub files: Vec<BulkFile>,
}

/// One bulk file as listed at `/ocds/bulk/`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BulkFile {
    /// The file name.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// When it was last written (RFC 3339, UTC).
    pub last_modified: String,
    /// Modification time on disk in nanoseconds, to tell whether the file is the one listed.
    pub modified_nanos: u64,
    /// How many releases it holds (records and CSV: how many releases they were built from).
    pub releases: u64,
    /// The highest publication sequence number it covers.
    pub last_sequence: i64,
}

impl BulkFile {
    fn new(name: String, facts: &FileFacts, releases: u64, last_sequence: i64) -> BulkFile {
        let modified = DateTime::<Utc>::from_timestamp_nanos(
            i64::try_from(facts.modified_nanos).unwrap_or(i64::MAX),
        );
        BulkFile {
            name,
            size: facts.size,
            sha256: facts.sha256.clone(),
            last_modified: modified.to_rfc3339_opts(SecondsFormat::Secs, true),
            modified_nanos: facts.modified_nanos,
            releases,
            last_sequence,
        }
    }
}

/// Why a refresh stopped.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// The server is shutting down.
    #[error("the bulk refresh was stopped")]
    Stopped,
    /// A file on disk is not the one the manifest describes; everything is rebuilt.
    #[error("{0} does not match the bulk manifest")]
    Mismatch(String),
}

impl BulkFiles {
    /// The bulk folder inside `data_dir`.
    pub fn new(data_dir: &Path) -> BulkFiles {
        BulkFiles {
            dir: data_dir.join("bulk"),
            lock: tokio::sync::Mutex::new(()),
            stopping: AtomicBool::new(false),
        }
    }

    /// The folder holding the files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The current manifest; empty before the first refresh.
    pub fn manifest(&self) -> std::io::Result<Manifest> {
        match std::fs::read(self.dir.join(MANIFEST)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(std::io::Error::other),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(err) => Err(err),
        }
    }

    /// Asks a running refresh to stop at its next page, and refuses new ones.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }

    fn check(&self) -> Result<(), BulkError> {
        if self.stopping.load(Ordering::SeqCst) {
            Err(BulkError::Stopped)
        } else {
            Ok(())
        }
    }
}

/// What a refresh did, with the time each part took.
#[derive(Clone, Debug, Default)]
pub struct RefreshReport {
    /// The sequence the files now cover.
    pub last_sequence: i64,
    /// Releases added to the release files.
    pub new_releases: u64,
    /// Whether the release files were written from the start.
    pub from_scratch: bool,
    /// Time spent on the release files.
    pub releases_time: Duration,
    /// Time spent on the records file.
    pub records_time: Duration,
    /// Time spent on the CSV zip.
    pub csv_time: Duration,
}

/// The highest sequence number in the log (0 when empty).
async fn head_sequence<C: ConnectionTrait>(db: &C) -> Result<i64, sea_orm::DbErr> {
    Ok(release::Entity::find()
        .select_only()
        .column(release::Column::Sequence)
        .order_by_desc(release::Column::Sequence)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await?
        .unwrap_or(0))
}

/// Brings the bulk files up to date with the release log. Safe to call at any time; calls
/// queue behind each other.
pub async fn refresh(state: &AppState) -> anyhow::Result<RefreshReport> {
    let bulk = &state.bulk;
    bulk.check()?;
    let _one_at_a_time = bulk.lock.lock().await;
    let dir = bulk.dir.clone();
    tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        atomic::remove_leftovers(&dir)
    })
    .await??;
    let previous = bulk.manifest().unwrap_or_else(|err| {
        tracing::warn!(error = %err, "unreadable bulk manifest: rebuilding every file");
        Manifest::default()
    });
    let head = head_sequence(&state.db).await?;
    let complete = [RELEASES, RECORDS, CSV_ZIP]
        .iter()
        .all(|name| previous.files.iter().any(|f| f.name == *name))
        && previous
            .files
            .iter()
            .all(|f| bulk.dir.join(&f.name).is_file());
    if complete && head == previous.last_sequence {
        return Ok(RefreshReport {
            last_sequence: head,
            ..RefreshReport::default()
        });
    }
    // A log shorter than the files (a new database on an old data folder) starts over.
    let continue_from = if complete && head > previous.last_sequence {
        Some(&previous)
    } else {
        None
    };

    let started = Instant::now();
    let exported = match releases::export(state, continue_from, head).await {
        Err(err)
            if err
                .downcast_ref::<BulkError>()
                .is_some_and(|e| matches!(e, BulkError::Mismatch(_))) =>
        {
            tracing::warn!(error = %err, "bulk release files changed on disk: rebuilding them");
            releases::export(state, None, head).await?
        }
        other => other?,
    };
    let releases_time = started.elapsed();
    let started = Instant::now();
    let records = records::export(state, head).await?;
    let records_time = started.elapsed();
    let started = Instant::now();
    let csv = flat::export(state, head).await?;
    let csv_time = started.elapsed();

    let mut files: Vec<BulkFile> = match exported.from_scratch {
        true => Vec::new(),
        false => previous.files.clone(),
    };
    let prepared = exported
        .files
        .into_iter()
        .chain([records, csv])
        .collect::<Vec<_>>();
    let dir = bulk.dir.clone();
    let manifest =
        tokio::task::spawn_blocking(move || install(&dir, prepared, &mut files, head)).await??;
    tracing::info!(
        bulk.last_sequence = head,
        bulk.new_releases = exported.new_releases,
        bulk.files = manifest.files.len(),
        "bulk files brought up to date"
    );
    Ok(RefreshReport {
        last_sequence: head,
        new_releases: exported.new_releases,
        from_scratch: exported.from_scratch,
        releases_time,
        records_time,
        csv_time,
    })
}

/// A finished file with what it covers.
struct Output {
    prepared: Prepared,
    releases: u64,
    last_sequence: i64,
}

/// Renames every file into place, then the manifest that describes them.
fn install(
    dir: &Path,
    prepared: Vec<Output>,
    files: &mut Vec<BulkFile>,
    head: i64,
) -> anyhow::Result<Manifest> {
    for output in prepared {
        let name = output.prepared.name();
        let facts = output.prepared.install()?;
        let entry = BulkFile::new(name, &facts, output.releases, output.last_sequence);
        match files.iter_mut().find(|f| f.name == entry.name) {
            Some(old) => *old = entry,
            None => files.push(entry),
        }
    }
    files.sort_by_key(|f| (listing_rank(&f.name), f.name.clone()));
    let manifest = Manifest {
        last_sequence: head,
        generated: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
        files: files.clone(),
    };
    let mut temp = TempFile::create(dir, MANIFEST)?;
    serde_json::to_writer_pretty(&mut temp, &manifest)?;
    temp.finish()?.install()?;
    atomic::sync_dir(dir)?;
    Ok(manifest)
}

fn listing_rank(name: &str) -> u8 {
    match name {
        RELEASES => 0,
        RECORDS => 1,
        CSV_ZIP => 2,
        _ => 3,
    }
}

/// The job that brings the bulk files up to date with the release log, at start-up and every
/// `MARCO_BULK_REFRESH_SECS`. A refresh in progress gives up at its next page when the job
/// is stopped; the next one carries on from the files' manifest.
pub struct BulkJob {
    state: AppState,
}

impl BulkJob {
    /// The job over `state`'s release log and bulk folder.
    pub fn new(state: AppState) -> BulkJob {
        BulkJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for BulkJob {
    fn name(&self) -> &'static str {
        "bulk_files"
    }

    fn interval(&self) -> Duration {
        self.state.config.bulk_refresh
    }

    /// Rebuilding a million releases from scratch takes about 90 s on two cores.
    fn time_limit(&self) -> Duration {
        Duration::from_secs(30 * 60)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        match refresh(&self.state).await {
            Ok(report) if report.new_releases == 0 => Ok(crate::jobs::Pass::Idle),
            Ok(report) => Ok(crate::jobs::Pass::Done(report.new_releases)),
            Err(err)
                if err
                    .downcast_ref::<BulkError>()
                    .is_some_and(|e| matches!(e, BulkError::Stopped)) =>
            {
                Ok(crate::jobs::Pass::Idle)
            }
            Err(err) => Err(err),
        }
    }

    fn on_stop(&self) {
        self.state.bulk.stop();
    }
}
