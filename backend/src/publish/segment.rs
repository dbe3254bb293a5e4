//! The release log's bodies in one file, in sequence order: the unfiltered release feed's
//! pages read from it as one contiguous range of bytes.
//!
//! The database stays the record. This file is a copy the `feed_segment` job appends to as
//! releases are published, so that a full page of `/ocds/releases` that is not kept in memory
//! costs one read of its bytes instead of a query returning hundreds of rows (about 130 µs of
//! SQLite work for 100 releases; the read takes a tenth of that).
//!
//! Three files live in `{data}/feeds/`:
//! - `releases.bodies`: each release's canonical JSON followed by a comma, so that the releases
//!   of a page are already joined as a release package embeds them;
//! - `releases.index`: one [`ENTRY`]-byte entry per release: its sequence, where its body ends
//!   (after the comma), and its `date`;
//! - `releases.head`: how many entries are complete, the bodies' length, and the last
//!   release's sequence and chain hash, replaced atomically after each append.
//!
//! A crash between the writes leaves bytes past the head, which are cut off when the file is
//! opened. The head's chain hash is compared with the database's when the job first runs in a
//! process: a file from another database, or from a log that was restored to an earlier
//! point, is thrown away and written again. Pages are read from the file only after that check,
//! and only when every release of the page is in it; anything else (filters, the partial last
//! page) is rendered from the database.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::store::{self, SegmentRow};
use crate::state::AppState;

/// Bytes of one index entry: sequence (8), end of the body (8), date length (1), date (47).
const ENTRY: u64 = 64;
const DATE_MAX: usize = 47;
/// Releases appended per pass of the job.
const BATCH: u64 = 2000;

/// Where a run of full-page releases lies in the file.
#[derive(Debug, Clone)]
pub struct SegmentPage {
    bodies: Arc<File>,
    start: u64,
    /// Bytes of the releases joined by commas.
    pub len: usize,
    /// The sequence of the last release.
    pub last_sequence: i64,
    /// The `date` of the last release.
    pub last_date: String,
}

impl SegmentPage {
    /// Reads the releases, joined by commas, into `out` (`len` bytes).
    pub fn read_into(&self, out: &mut [u8]) -> io::Result<()> {
        self.bodies.read_exact_at(out, self.start)
    }
}

/// The open files and how much of them is complete and checked.
#[derive(Debug, Clone)]
struct Open {
    bodies: Arc<File>,
    index: Arc<File>,
    /// Complete entries.
    entries: u64,
    /// Length of the bodies those entries cover.
    bodies_len: u64,
    /// Sequence and chain hash of the last entry (0 and "" when empty).
    last_sequence: i64,
    last_chain: String,
}

/// The segment of one data folder.
#[derive(Debug)]
pub struct Segment {
    dir: PathBuf,
    /// `None` until the job has opened and checked the files in this process.
    open: RwLock<Option<Open>>,
    /// Pages served from the file, for tests and `/metrics`.
    served: std::sync::atomic::AtomicU64,
}

/// One decoded index entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    sequence: i64,
    end: u64,
    date: String,
}

impl Segment {
    /// The segment kept in `{data_dir}/feeds/`; nothing is read until the job runs.
    pub fn new(data_dir: &Path) -> Segment {
        Segment {
            dir: data_dir.join("feeds"),
            open: RwLock::new(None),
            served: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Pages served from the file since start-up.
    pub fn pages_served(&self) -> u64 {
        self.served.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The last sequence the file holds, once checked.
    pub fn last_sequence(&self) -> Option<i64> {
        let open = self.open.read().unwrap_or_else(|e| e.into_inner());
        open.as_ref().map(|o| o.last_sequence)
    }

    /// Where the `limit` releases after sequence `after` are, when the file holds all of them.
    pub fn page(&self, after: i64, limit: u64) -> io::Result<Option<SegmentPage>> {
        let (bodies, index, entries) = {
            let open = self.open.read().unwrap_or_else(|e| e.into_inner());
            let Some(open) = open.as_ref() else {
                return Ok(None);
            };
            if open.last_sequence <= after {
                return Ok(None);
            }
            (open.bodies.clone(), open.index.clone(), open.entries)
        };
        let Some(first) = first_after(&index, entries, after)? else {
            return Ok(None);
        };
        let Some(last) = first
            .checked_add(limit)
            .and_then(|end| end.checked_sub(1))
            .filter(|last| limit > 0 && *last < entries)
        else {
            return Ok(None);
        };
        let start = if first == 0 {
            0
        } else {
            read_entry(&index, first - 1)?.end
        };
        let last = read_entry(&index, last)?;
        self.served
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Some(SegmentPage {
            bodies,
            start,
            // The last body's comma is not part of the page.
            len: (last.end - 1 - start) as usize,
            last_sequence: last.sequence,
            last_date: last.date,
        }))
    }

    /// Opens the files, cutting off what a crash left past the head, without checking them
    /// against the database.
    fn open_files(&self) -> io::Result<Open> {
        std::fs::create_dir_all(&self.dir)?;
        let options = || {
            let mut o = OpenOptions::new();
            o.read(true).write(true).create(true).truncate(false);
            o
        };
        let bodies = options().open(self.dir.join("releases.bodies"))?;
        let index = options().open(self.dir.join("releases.index"))?;
        let head = std::fs::read_to_string(self.dir.join("releases.head")).unwrap_or_default();
        let (entries, bodies_len, last_sequence, last_chain) =
            parse_head(&head).unwrap_or_default();
        if bodies.metadata()?.len() < bodies_len || index.metadata()?.len() < entries * ENTRY {
            // The head promises more than the files hold: start again.
            return self.reset(Arc::new(bodies), Arc::new(index));
        }
        bodies.set_len(bodies_len)?;
        index.set_len(entries * ENTRY)?;
        Ok(Open {
            bodies: Arc::new(bodies),
            index: Arc::new(index),
            entries,
            bodies_len,
            last_sequence,
            last_chain,
        })
    }

    fn reset(&self, bodies: Arc<File>, index: Arc<File>) -> io::Result<Open> {
        bodies.set_len(0)?;
        index.set_len(0)?;
        let open = Open {
            bodies,
            index,
            entries: 0,
            bodies_len: 0,
            last_sequence: 0,
            last_chain: String::new(),
        };
        self.write_head(&open)?;
        Ok(open)
    }

    fn write_head(&self, open: &Open) -> io::Result<()> {
        let path = self.dir.join("releases.head");
        let temporary = self.dir.join("releases.head.tmp");
        let mut file = File::create(&temporary)?;
        writeln!(
            file,
            "{} {} {} {}",
            open.entries, open.bodies_len, open.last_sequence, open.last_chain
        )?;
        file.sync_data()?;
        std::fs::rename(temporary, path)
    }

    /// Appends releases that follow the file's last one, then moves the head.
    fn append(&self, open: &mut Open, rows: &[SegmentRow]) -> io::Result<()> {
        let mut bodies = Vec::with_capacity(rows.iter().map(|r| r.body.len() + 1).sum());
        let mut index = Vec::with_capacity(rows.len() * ENTRY as usize);
        let mut end = open.bodies_len;
        for row in rows {
            bodies.extend_from_slice(row.body.as_bytes());
            bodies.push(b',');
            end += row.body.len() as u64 + 1;
            let date = row.date.as_bytes();
            if date.len() > DATE_MAX {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "release {} has a date longer than {DATE_MAX} bytes",
                        row.sequence
                    ),
                ));
            }
            let mut entry = [0_u8; ENTRY as usize];
            entry[..8].copy_from_slice(&row.sequence.to_le_bytes());
            entry[8..16].copy_from_slice(&end.to_le_bytes());
            entry[16] = date.len() as u8;
            entry[17..17 + date.len()].copy_from_slice(date);
            index.extend_from_slice(&entry);
        }
        open.bodies.write_all_at(&bodies, open.bodies_len)?;
        open.index.write_all_at(&index, open.entries * ENTRY)?;
        if let Some(last) = rows.last() {
            open.entries += rows.len() as u64;
            open.bodies_len = end;
            open.last_sequence = last.sequence;
            open.last_chain.clone_from(&last.chain_hash);
        }
        self.write_head(open)
    }
}

fn parse_head(head: &str) -> Option<(u64, u64, i64, String)> {
    let mut parts = head.split_whitespace();
    let entries = parts.next()?.parse().ok()?;
    let bodies_len = parts.next()?.parse().ok()?;
    let last_sequence = parts.next()?.parse().ok()?;
    let last_chain = parts.next().unwrap_or_default().to_owned();
    Some((entries, bodies_len, last_sequence, last_chain))
}

fn read_entry(index: &File, i: u64) -> io::Result<Entry> {
    let mut raw = [0_u8; ENTRY as usize];
    index.read_exact_at(&mut raw, i * ENTRY)?;
    let number = |bytes: &[u8]| {
        let mut eight = [0_u8; 8];
        eight.copy_from_slice(bytes);
        eight
    };
    let date_len = usize::from(raw[16]).min(DATE_MAX);
    Ok(Entry {
        sequence: i64::from_le_bytes(number(&raw[..8])),
        end: u64::from_le_bytes(number(&raw[8..16])),
        date: String::from_utf8_lossy(&raw[17..17 + date_len]).into_owned(),
    })
}

/// The index of the first entry whose sequence is above `after`. Sequences are given one by
/// one, so the entry is nearly always where counting says; otherwise it is searched for.
fn first_after(index: &File, entries: u64, after: i64) -> io::Result<Option<u64>> {
    if entries == 0 {
        return Ok(None);
    }
    let first = read_entry(index, 0)?.sequence;
    if first > after {
        return Ok(Some(0));
    }
    let guess = u64::try_from(after - first + 1).unwrap_or(u64::MAX);
    if guess < entries
        && read_entry(index, guess)?.sequence > after
        && read_entry(index, guess - 1)?.sequence <= after
    {
        return Ok(Some(guess));
    }
    // Binary search: entry `low` is at or below `after`, `high` is the first known above it.
    let (mut low, mut high) = (0, entries);
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if read_entry(index, middle)?.sequence > after {
            high = middle;
        } else {
            low = middle;
        }
    }
    Ok((high < entries).then_some(high))
}

/// The job that keeps the segment up to date with the release log.
pub struct SegmentJob {
    state: AppState,
}

impl SegmentJob {
    /// The job over `state`'s log and segment.
    pub fn new(state: AppState) -> SegmentJob {
        SegmentJob { state }
    }

    /// Opens the files and checks them against the database, once per process.
    async fn checked(&self) -> anyhow::Result<()> {
        let segment = self.state.segment.clone();
        if segment
            .open
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return Ok(());
        }
        let mut open = tokio::task::spawn_blocking({
            let segment = segment.clone();
            move || segment.open_files()
        })
        .await??;
        if open.entries > 0 {
            let chain = store::chain_hash_at(&self.state.db, open.last_sequence).await?;
            if chain.as_deref() != Some(open.last_chain.as_str()) {
                tracing::warn!(
                    sequence = open.last_sequence,
                    "the feed segment does not match the release log; writing it again"
                );
                let (bodies, index) = (open.bodies, open.index);
                open = tokio::task::spawn_blocking({
                    let segment = segment.clone();
                    move || segment.reset(bodies, index)
                })
                .await??;
            }
        }
        *segment.open.write().unwrap_or_else(|e| e.into_inner()) = Some(open);
        Ok(())
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for SegmentJob {
    fn name(&self) -> &'static str {
        "feed_segment"
    }

    fn interval(&self) -> Duration {
        Duration::from_secs(2)
    }

    fn time_limit(&self) -> Duration {
        Duration::from_secs(120)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        self.checked().await?;
        let after = self.state.segment.last_sequence().unwrap_or_default();
        let rows = store::segment_rows(&self.state.db, after, BATCH).await?;
        if rows.is_empty() {
            return Ok(crate::jobs::Pass::Idle);
        }
        let count = rows.len() as u64;
        let segment = self.state.segment.clone();
        tokio::task::spawn_blocking(move || -> io::Result<()> {
            // The job is the only writer: it takes the files out, appends and puts them back,
            // while readers keep using the entries already counted.
            let open = segment
                .open
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .clone();
            let Some(mut open) = open else {
                return Ok(());
            };
            segment.append(&mut open, &rows)?;
            *segment.open.write().unwrap_or_else(|e| e.into_inner()) = Some(open);
            Ok(())
        })
        .await??;
        Ok(if count == BATCH {
            crate::jobs::Pass::More(count)
        } else {
            crate::jobs::Pass::Done(count)
        })
    }
}
