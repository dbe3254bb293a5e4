//! `ocds compile`: releases to records, compiled releases or versioned releases, streaming.
//!
//! Input grouped by `ocid` (every release of a process together, as in a file sorted by ocid)
//! streams: a group is merged as soon as the next ocid starts. Input in any other order (a bulk
//! file or a harvest of a release feed, in publication order) is spilled to temporary bucket
//! files by ocid and merged bucket by bucket. Files are read once beforehand, looking only at
//! each release's ocid, to choose the path; standard input cannot be read twice, so there an
//! ocid that reappears after its group ended is an error unless `--unsorted` is given.
//! One thread reads and groups lines (reading only each JSON Lines release's `ocid`), worker
//! threads parse, merge and serialize batches of groups, and the main thread writes them in
//! input order.

use std::collections::BTreeMap;
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use clap::ValueEnum;
use ocds_schema::merge::Merger;
use serde_json::{Map, Value};

use super::Inputs;
use super::input::{self, Event};
use super::mergers::Mergers;
use super::output::{self, Output, OutputKind, Rendered};
use super::spill::Spill;

/// Arguments of `ocds compile`.
#[derive(Debug, clap::Args)]
pub struct CompileArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// What to write: one record package, or JSON Lines of records, compiled or versioned releases.
    #[arg(long, value_enum, default_value = "record-package")]
    output: Format,
    /// Add `versionedRelease` to each record.
    #[arg(long)]
    versioned: bool,
    /// Extension ids or URLs whose merge rules apply, besides those the packages declare.
    #[arg(long = "extension")]
    extensions: Vec<String>,
    /// Input is not grouped by ocid: spill releases to temporary files by ocid first, without
    /// looking (files are checked and spilled when they need it; standard input is not).
    #[arg(long)]
    unsorted: bool,
    /// Record package `uri` (default: the first input package's).
    #[arg(long)]
    uri: Option<String>,
    /// Record package `publishedDate` (default: the first input package's, else the newest release date).
    #[arg(long)]
    published_date: Option<String>,
    /// Record package `publisher.name` (default: the first input package's).
    #[arg(long)]
    publisher_name: Option<String>,
    /// Worker threads that parse, merge and serialize (default: the number of CPUs).
    #[arg(long)]
    threads: Option<usize>,
}

/// The `--output` choices.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One record package (JSON).
    RecordPackage,
    /// JSON Lines of records.
    Records,
    /// JSON Lines of compiled releases.
    Compiled,
    /// JSON Lines of versioned releases.
    Versioned,
}

/// A release, parsed or still a JSON line.
pub enum Item {
    /// Parsed (from a package or a record).
    Parsed(Value),
    /// A JSON Lines release, parsed later by a worker.
    Raw(Vec<u8>),
}

/// The releases of one ocid, with the merger their package calls for.
pub struct Group {
    /// The releases, in input order.
    pub releases: Vec<Item>,
    /// Merger for the package's declared extensions.
    pub merger: Arc<Merger>,
}

/// What the reader thread sends, in input order.
pub enum Message {
    /// Metadata of an input package.
    Package(Map<String, Value>),
    /// Complete groups.
    Groups(Vec<Group>),
}

/// What a worker returns for a message.
enum Done {
    Package(Map<String, Value>),
    Groups(Vec<anyhow::Result<Rendered>>),
}

/// Groups per batch: enough to make channel traffic negligible, few enough to keep memory low.
const BATCH: usize = 64;

/// Runs `ocds compile`.
pub fn run(args: &CompileArgs) -> anyhow::Result<ExitCode> {
    let kind = match args.output {
        Format::RecordPackage => OutputKind::RecordPackage,
        Format::Records => OutputKind::Records,
        Format::Compiled => OutputKind::Compiled,
        Format::Versioned => OutputKind::Versioned,
    };
    let mut output = Output::new(kind);
    output.overrides(
        args.uri.clone(),
        args.published_date.clone(),
        args.publisher_name.clone(),
    );
    let mergers = Mergers::new(&args.extensions)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
        .max(1);
    let (to_workers, jobs) = sync_channel::<(u64, Message)>(threads * 4);
    let (to_writer, done) = sync_channel::<(u64, Done)>(threads * 4);
    let jobs = Arc::new(Mutex::new(jobs));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (jobs, to_writer) = (Arc::clone(&jobs), to_writer.clone());
            let versioned = args.versioned;
            std::thread::spawn(move || work(&jobs, &to_writer, kind, versioned))
        })
        .collect();
    drop(to_writer);
    let files = args.inputs.files.clone();
    let progress = !args.inputs.no_progress;
    let unsorted = args.unsorted || needs_spill(&files, progress)?;
    let reader =
        std::thread::spawn(move || read_groups(&files, progress, unsorted, mergers, &to_workers));
    let written = write_in_order(&done, &mut output);
    drop(done);
    let read = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the reading thread panicked"))?;
    for worker in workers {
        worker
            .join()
            .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?;
    }
    read?;
    let summary = written?;
    if summary.linked_only > 0 {
        eprintln!(
            "ocds: skipped {} records whose releases are only linked (no embedded releases to merge)",
            summary.linked_only
        );
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A worker: takes messages, renders groups, hands results to the writer.
fn work(
    jobs: &Mutex<Receiver<(u64, Message)>>,
    to_writer: &SyncSender<(u64, Done)>,
    kind: OutputKind,
    versioned: bool,
) {
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok((seq, message)) = job else { return };
        let done = match message {
            Message::Package(meta) => Done::Package(meta),
            Message::Groups(groups) => Done::Groups(
                groups
                    .into_iter()
                    .map(|g| output::render(g, kind, versioned))
                    .collect(),
            ),
        };
        if to_writer.send((seq, done)).is_err() {
            return;
        }
    }
}

/// Counts reported at the end.
struct Summary {
    failed: usize,
    linked_only: usize,
}

fn write_in_order(done: &Receiver<(u64, Done)>, output: &mut Output) -> anyhow::Result<Summary> {
    let mut failed = 0;
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0_u64;
    for (seq, result) in done {
        pending.insert(seq, result);
        while let Some(result) = pending.remove(&next) {
            next += 1;
            match result {
                Done::Package(meta) => output.package(meta),
                Done::Groups(groups) => {
                    for group in groups {
                        match group {
                            Ok(rendered) => output.write(&rendered)?,
                            Err(error) => {
                                failed += 1;
                                eprintln!("ocds: {error:#}");
                            }
                        }
                    }
                }
            }
        }
    }
    let linked_only = output.linked_only;
    output.finish()?;
    Ok(Summary {
        failed,
        linked_only,
    })
}

/// Numbers messages and batches groups on their way to the workers.
struct Sender<'s> {
    channel: &'s SyncSender<(u64, Message)>,
    seq: u64,
    batch: Vec<Group>,
}

impl Sender<'_> {
    fn send(&mut self, message: Message) -> anyhow::Result<()> {
        self.channel
            .send((self.seq, message))
            .map_err(|_| anyhow::anyhow!("the worker threads stopped"))?;
        self.seq += 1;
        Ok(())
    }

    fn package(&mut self, meta: Map<String, Value>) -> anyhow::Result<()> {
        self.flush()?;
        self.send(Message::Package(meta))
    }

    fn group(&mut self, group: Group) -> anyhow::Result<()> {
        self.batch.push(group);
        if self.batch.len() >= BATCH {
            self.flush()
        } else {
            Ok(())
        }
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.send(Message::Groups(batch))
    }
}

/// Whether the input files hold some ocid's releases apart from each other, found by reading
/// only each release's ocid. Standard input cannot be read twice: it is taken as grouped.
fn needs_spill(files: &[PathBuf], progress: bool) -> anyhow::Result<bool> {
    use std::hash::BuildHasher;
    if files.is_empty() || files.iter().any(|f| f.as_os_str() == "-") {
        return Ok(false);
    }
    // Hashes of the ocids whose group ended: a repeat hash means a split group, or (rarely) a
    // collision, which only costs the spill.
    let state = rustc_hash::FxBuildHasher;
    let hash = |ocid: &str| state.hash_one(ocid);
    let mut finished: HashSet<u64> = HashSet::new();
    let mut current: Option<u64> = None;
    let mut split = false;
    let found = input::read(files, progress, true, &mut |event| {
        let ocid = match &event {
            Event::Release(release) => ocid_key(release),
            Event::RawRelease { ocid, .. } => ocid.clone(),
            _ => return Ok(()),
        };
        let h = hash(&ocid);
        if current != Some(h) {
            if finished.contains(&h) {
                split = true;
                // Nothing more to learn: stop reading.
                anyhow::bail!(SplitFound);
            }
            if let Some(done) = current.replace(h) {
                finished.insert(done);
            }
        }
        Ok(())
    });
    match found {
        Ok(()) => Ok(false),
        Err(_) if split => Ok(true),
        Err(e) => Err(e),
    }
}

/// Stops the grouping check at the first split group.
#[derive(Debug)]
struct SplitFound;

impl std::fmt::Display for SplitFound {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an ocid's releases are apart")
    }
}

impl std::error::Error for SplitFound {}

fn read_groups(
    files: &[PathBuf],
    progress: bool,
    unsorted: bool,
    mut mergers: Mergers,
    channel: &SyncSender<(u64, Message)>,
) -> anyhow::Result<()> {
    let mut out = Sender {
        channel,
        seq: 0,
        batch: Vec::with_capacity(BATCH),
    };
    if unsorted {
        let mut spill = Spill::new()?;
        input::read(files, progress, false, &mut |event| match event {
            Event::Package(meta) => {
                mergers.package(&meta)?;
                out.package(meta)
            }
            Event::Release(release) => spill.push(&release, &mergers.current),
            Event::RawRelease { line, .. } => {
                spill.push(&serde_json::from_slice(&line)?, &mergers.current)
            }
            Event::LinkedOnly(_) => out.package(linked_marker()),
            Event::RawLines { .. } => anyhow::bail!("unexpected unpeeked lines"),
        })?;
        spill.drain(&mut |group| out.group(group))?;
        return out.flush();
    }
    let mut current: Option<(String, Vec<Item>)> = None;
    let mut finished: HashSet<String> = HashSet::new();
    let mut count = 0_u64;
    input::read(files, progress, true, &mut |event| {
        let (ocid, item) = match event {
            Event::Package(meta) => {
                mergers.package(&meta)?;
                return out.package(meta);
            }
            Event::LinkedOnly(_) => return out.package(linked_marker()),
            Event::Release(release) => (ocid_key(&release), Item::Parsed(release)),
            Event::RawRelease { ocid, line } => (ocid, Item::Raw(line)),
            Event::RawLines { .. } => anyhow::bail!("unexpected unpeeked lines"),
        };
        count += 1;
        match &mut current {
            Some((open, releases)) if *open == ocid => releases.push(item),
            _ => {
                if finished.contains(&ocid) {
                    anyhow::bail!(
                        "release {count} has ocid {ocid:?}, whose group ended earlier: `ocds compile` streams input \
                         grouped by ocid (all releases of a process next to each other, e.g. sorted by ocid). \
                         Standard input is read once: pass --unsorted, or give the file's name"
                    );
                }
                if let Some((done, releases)) = current.replace((ocid, vec![item])) {
                    out.group(Group { releases, merger: Arc::clone(&mergers.current) })?;
                    finished.insert(done);
                }
            }
        }
        Ok(())
    })
    .context("reading input")?;
    if let Some((_, releases)) = current {
        out.group(Group {
            releases,
            merger: Arc::clone(&mergers.current),
        })?;
    }
    out.flush()
}

/// The grouping key of a release: its `ocid` (a missing or non-string ocid groups as text).
pub fn ocid_key(release: &Value) -> String {
    match release.get("ocid") {
        Some(Value::String(ocid)) => ocid.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// A package-metadata message that only counts a linked-only record.
fn linked_marker() -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(super::output::LINKED_MARKER.to_owned(), Value::Bool(true));
    map
}
