//! `ocds compile`: releases to records, compiled releases or versioned releases, streaming.
//!
//! Input grouped by `ocid` (every release of a process together, as in a file sorted by ocid)
//! streams in constant memory: a group is merged as soon as the next ocid starts. An ocid that
//! reappears after its group ended is an error naming the rule; `--unsorted` instead spills the
//! releases to temporary bucket files by ocid and merges bucket by bucket.
//! Reading and parsing run on one thread and merging and writing on another.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::Context;
use clap::ValueEnum;
use ocds_schema::merge::Merger;
use serde_json::{Map, Value};

use super::Inputs;
use super::input::{self, Event};
use super::output::{Output, OutputKind};
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
    /// Input is not grouped by ocid: spill releases to temporary files by ocid first.
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

/// The releases of one ocid, with the merger their package calls for.
pub struct Group {
    /// The releases, in input order.
    pub releases: Vec<Value>,
    /// Merger for the package's declared extensions.
    pub merger: Arc<Merger>,
}

/// What the reader thread sends to the merging thread.
pub enum Message {
    /// Metadata of an input package.
    Package(Map<String, Value>),
    /// A complete group.
    Group(Group),
}

/// Runs `ocds compile`.
pub fn run(args: &CompileArgs) -> anyhow::Result<ExitCode> {
    let kind = match args.output {
        Format::RecordPackage => OutputKind::RecordPackage,
        Format::Records => OutputKind::Records,
        Format::Compiled => OutputKind::Compiled,
        Format::Versioned => OutputKind::Versioned,
    };
    let mut output = Output::new(kind, args.versioned);
    output.overrides(args.uri.clone(), args.published_date.clone(), args.publisher_name.clone());
    let mergers = Mergers::new(&args.extensions)?;
    let (sender, receiver) = sync_channel::<Message>(64);
    let files = args.inputs.files.clone();
    let progress = !args.inputs.no_progress;
    let unsorted = args.unsorted;
    let reader = std::thread::spawn(move || read_groups(&files, progress, unsorted, mergers, &sender));
    let written = write_groups(&receiver, &mut output);
    drop(receiver);
    let read = reader.join().map_err(|_| anyhow::anyhow!("the reading thread panicked"))?;
    read?;
    let summary = written?;
    if summary.linked_only > 0 {
        eprintln!("ocds: skipped {} records whose releases are only linked (no embedded releases to merge)", summary.linked_only);
    }
    Ok(if summary.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Counts reported at the end.
struct Summary {
    failed: usize,
    linked_only: usize,
}

fn write_groups(receiver: &Receiver<Message>, output: &mut Output) -> anyhow::Result<Summary> {
    let mut failed = 0;
    for message in receiver {
        match message {
            Message::Package(meta) => output.package(meta),
            Message::Group(group) => {
                if let Err(error) = output.group(group) {
                    failed += 1;
                    eprintln!("ocds: {error:#}");
                }
            }
        }
    }
    let linked_only = output.linked_only;
    output.finish()?;
    Ok(Summary { failed, linked_only })
}

/// Mergers for each set of declared extensions, built once.
pub struct Mergers {
    base: Vec<String>,
    cache: HashMap<Vec<String>, Arc<Merger>>,
    current: Arc<Merger>,
    warned: HashSet<String>,
}

impl Mergers {
    fn new(base: &[String]) -> anyhow::Result<Self> {
        let current = Arc::new(Merger::for_extensions(base)?);
        Ok(Self { base: base.to_vec(), cache: HashMap::new(), current, warned: HashSet::new() })
    }

    /// Switches to the merger for a package's declared `extensions`.
    fn package(&mut self, meta: &Map<String, Value>) -> anyhow::Result<()> {
        let mut ids = self.base.clone();
        for url in meta.get("extensions").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            match ocds_schema::schema::find_extension(url) {
                Some(extension) => ids.push(extension.id.to_owned()),
                None => {
                    if self.warned.insert(url.to_owned()) {
                        eprintln!("ocds: warning: no local copy of extension {url}; its merge rules are not applied");
                    }
                }
            }
        }
        ids.sort();
        ids.dedup();
        if let Some(merger) = self.cache.get(&ids) {
            self.current = Arc::clone(merger);
        } else {
            let merger = Arc::new(Merger::for_extensions(&ids)?);
            self.cache.insert(ids, Arc::clone(&merger));
            self.current = merger;
        }
        Ok(())
    }
}

fn read_groups(files: &[PathBuf], progress: bool, unsorted: bool, mut mergers: Mergers, sender: &SyncSender<Message>) -> anyhow::Result<()> {
    let send = |message: Message| sender.send(message).map_err(|_| anyhow::anyhow!("the writing thread stopped"));
    if unsorted {
        let mut spill = Spill::new()?;
        input::read(files, progress, &mut |event| match event {
            Event::Package(meta) => {
                mergers.package(&meta)?;
                send(Message::Package(meta))
            }
            Event::Release(release) => spill.push(&release, &mergers.current),
            Event::LinkedOnly => send(Message::Package(linked_marker())),
        })?;
        return spill.drain(&mut |group| send(Message::Group(group)));
    }
    let mut current: Option<(String, Vec<Value>)> = None;
    let mut finished: HashSet<String> = HashSet::new();
    let mut count = 0_u64;
    input::read(files, progress, &mut |event| {
        match event {
            Event::Package(meta) => {
                mergers.package(&meta)?;
                send(Message::Package(meta))?;
            }
            Event::LinkedOnly => send(Message::Package(linked_marker()))?,
            Event::Release(release) => {
                count += 1;
                let ocid = ocid_key(&release);
                match &mut current {
                    Some((open, releases)) if *open == ocid => releases.push(release),
                    _ => {
                        if finished.contains(&ocid) {
                            anyhow::bail!(
                                "release {count} has ocid {ocid:?}, whose group ended earlier: `ocds compile` streams input \
                                 grouped by ocid (all releases of a process next to each other, e.g. sorted by ocid). \
                                 Sort the input by ocid, or pass --unsorted to spill to temporary files"
                            );
                        }
                        if let Some((done, releases)) = current.replace((ocid, vec![release])) {
                            send(Message::Group(Group { releases, merger: Arc::clone(&mergers.current) }))?;
                            finished.insert(done);
                        }
                    }
                }
            }
        }
        Ok(())
    })
    .context("reading input")?;
    if let Some((_, releases)) = current {
        send(Message::Group(Group { releases, merger: Arc::clone(&mergers.current) }))?;
    }
    Ok(())
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
