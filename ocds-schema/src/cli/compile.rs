//! `ocds compile`: releases to records, compiled releases or versioned releases, streaming.
//!
//! Input grouped by `ocid` (every release of a process together, as in a file sorted by ocid)
//! streams: a group is merged as soon as the next ocid starts. Input in any other order (a bulk
//! file or a harvest of a release feed, in publication order) is spilled to temporary bucket
//! files by ocid and merged bucket by bucket. The path is chosen without a flag:
//! - **files written to a regular file** (`ocds compile in.jsonl > out.jsonl`) are compiled as
//!   grouped straight away ([`Route::Hopeful`]), each line grouped by the `{"ocid":"…"` it starts
//!   with; the workers confirm each guess once the line is parsed. If an ocid comes back, or a
//!   line is not the plain release it looked like, the output is cut back to where it started
//!   and the input is read again the careful way below. A grouped file is read once.
//! - **other files** (written to a pipe or a terminal, which cannot be cut back) are first read
//!   for their ocids only (a plain JSON Lines file of releases in two halves, on two threads)
//!   to choose between streaming and spilling;
//! - **standard input** cannot be read twice: an ocid that reappears after its group ended is an
//!   error unless `--unsorted` is given.
//!
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
    /// The ocid the lines were grouped by from their start alone ([`Route::Hopeful`]): the worker
    /// confirms, once they are parsed, that each is a release with that ocid, or answers
    /// [`StartOver`].
    pub guessed: Option<String>,
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

/// How the input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Grouped by ocid: an ocid that comes back is an error.
    Grouped,
    /// Grouped, as far as is known: an ocid that comes back stops the run with [`SplitFound`].
    Hopeful,
    /// Spilled to bucket files by ocid first.
    Spill,
}

/// Runs `ocds compile`.
///
/// Files written to a file are compiled as grouped straight away, without the grouping check:
/// if an ocid comes back, the output is cut back to where it started and the input compiled
/// again through the spill. That reads grouped files once instead of twice.
pub fn run(args: &CompileArgs) -> anyhow::Result<ExitCode> {
    let files = &args.inputs.files;
    if args.unsorted {
        return compile(args, Route::Spill);
    }
    if files.is_empty() || files.iter().any(|f| f.as_os_str() == "-") {
        return compile(args, Route::Grouped);
    }
    if let Some(start) = OutputStart::of_stdout() {
        match compile(args, Route::Hopeful) {
            Err(error) if error.chain().any(|e| e.is::<SplitFound>()) => {
                start.cut()?;
                eprintln!(
                    "ocds: the releases of an ocid are apart in the input, so it is compiled again \
                     through temporary files"
                );
                return compile(args, Route::Spill);
            }
            // Lines that are not all plain releases: read again, the careful way.
            Err(error) if error.chain().any(|e| e.is::<StartOver>()) => start.cut()?,
            other => return other,
        }
    }
    let spill = needs_spill(files, !args.inputs.no_progress)?;
    compile(args, if spill { Route::Spill } else { Route::Grouped })
}

/// Where the output began in a regular file on standard output, so that it can be cut back.
struct OutputStart {
    file: std::fs::File,
    at: u64,
}

impl OutputStart {
    /// Standard output when it is a regular file written at its end (`> file`, or `>>` to a new
    /// or empty file); `None` for anything else (a pipe, a terminal, `/dev/null`).
    fn of_stdout() -> Option<Self> {
        use std::io::Seek;
        use std::os::fd::AsFd;
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        let mut file = std::fs::File::from(fd);
        let meta = file.metadata().ok()?;
        let at = file.stream_position().ok()?;
        (meta.is_file() && at == meta.len()).then_some(Self { file, at })
    }

    /// Cuts what was written since, and writes from there again.
    fn cut(mut self) -> anyhow::Result<()> {
        use std::io::{Seek, SeekFrom};
        self.file
            .set_len(self.at)
            .context("cutting back the output to compile again")?;
        self.file.seek(SeekFrom::Start(self.at))?;
        Ok(())
    }
}

fn compile(args: &CompileArgs, route: Route) -> anyhow::Result<ExitCode> {
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
    let reader =
        std::thread::spawn(move || read_groups(&files, progress, route, mergers, &to_workers));
    let written = write_in_order(&done, &mut output, route == Route::Hopeful);
    drop(done);
    let read = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the reading thread panicked"))?;
    for worker in workers {
        worker
            .join()
            .map_err(|_| anyhow::anyhow!("a worker thread panicked"))?;
    }
    // A start-over found by the writer stops the reader too: it comes first.
    let summary = match written {
        Err(error) if error.is::<StartOver>() => return Err(error),
        written => {
            read?;
            written?
        }
    };
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

/// Writes results in input order. On the hopeful route any failed group starts the run over,
/// so that the careful route reports it, once.
fn write_in_order(
    done: &Receiver<(u64, Done)>,
    output: &mut Output,
    hopeful: bool,
) -> anyhow::Result<Summary> {
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
                            Err(error) if hopeful || error.is::<StartOver>() => {
                                return Err(StartOver.into());
                            }
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
    if let [file] = files
        && let Some(split) = split_by_scan(file)?
    {
        return Ok(split);
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

/// Files smaller than this are checked by the reader in one thread.
const SCAN_MIN_BYTES: u64 = 1 << 20;

/// The grouping check of one plain JSON Lines file whose every line is a release (the usual bulk
/// file or harvest), in two halves on two threads, reading only each line's ocid: whether some
/// ocid's releases are apart. `None` when the file is anything else (gzip, small, a line that is
/// not such a release), for the general check.
fn split_by_scan(path: &std::path::Path) -> anyhow::Result<Option<bool>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let len = file.metadata()?.len();
    if len < SCAN_MIN_BYTES {
        return Ok(None);
    }
    let mut magic = [0_u8; 2];
    file.read_exact(&mut magic)?;
    if magic == [0x1f, 0x8b] {
        return Ok(None);
    }
    // The second half starts at the line after the middle byte.
    file.seek(SeekFrom::Start(len / 2))?;
    let mut reader = std::io::BufReader::new(file);
    let mut skipped = Vec::new();
    let middle = len / 2 + std::io::BufRead::read_until(&mut reader, b'\n', &mut skipped)? as u64;
    let halves = std::thread::scope(|scope| {
        let second = scope.spawn(|| scan_range(path, middle, len));
        let first = scan_range(path, 0, middle);
        (first, second.join())
    });
    let (Some(first), Some(second)) = (
        halves.0?,
        halves
            .1
            .map_err(|_| anyhow::anyhow!("the grouping check panicked"))??,
    ) else {
        return Ok(None);
    };
    if first.split || second.split {
        return Ok(Some(true));
    }
    // A group may run on from the first half into the second; any other ocid in both is apart.
    let continued = first.last.filter(|last| second.first == Some(*last));
    let split = second
        .seen
        .iter()
        .any(|h| first.seen.contains(h) && Some(*h) != continued);
    Ok(Some(split))
}

/// What one range of lines says about grouping.
struct RangeScan {
    /// Hashes of every ocid whose group is in the range.
    seen: HashSet<u64>,
    first: Option<u64>,
    last: Option<u64>,
    /// An ocid came back after another one within the range.
    split: bool,
}

/// Reads the lines from `start` to `end` (both at line starts) and hashes their ocids; `None`
/// when a line is not a release whose ocid can be read without parsing it.
fn scan_range(path: &std::path::Path, start: u64, end: u64) -> anyhow::Result<Option<RangeScan>> {
    use std::hash::BuildHasher;
    use std::io::{BufRead, Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file.take(end - start));
    let state = rustc_hash::FxBuildHasher;
    let mut scan = RangeScan {
        seen: HashSet::new(),
        first: None,
        last: None,
        split: false,
    };
    let mut line = Vec::with_capacity(1 << 16);
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(Some(scan));
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Some(ocid) = ocds_schema::read::release_ocid(&line) else {
            return Ok(None);
        };
        let hash = state.hash_one(ocid);
        if scan.last != Some(hash) {
            if !scan.seen.insert(hash) {
                scan.split = true;
                return Ok(Some(scan));
            }
            scan.first.get_or_insert(hash);
            scan.last = Some(hash);
        }
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
    route: Route,
    mut mergers: Mergers,
    channel: &SyncSender<(u64, Message)>,
) -> anyhow::Result<()> {
    let mut out = Sender {
        channel,
        seq: 0,
        batch: Vec::with_capacity(BATCH),
    };
    if route == Route::Spill {
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
    if route == Route::Hopeful {
        return read_hopefully(files, progress, &mergers, &mut out);
    }
    let mut groups = Groups::default();
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
        if !groups.add(&ocid, item, false, &mergers.current, &mut out)? {
            anyhow::bail!(
                "release {count} has ocid {ocid:?}, whose group ended earlier: `ocds compile` streams input \
                 grouped by ocid (all releases of a process next to each other, e.g. sorted by ocid). \
                 Standard input is read once: pass --unsorted, or give the file's name"
            );
        }
        Ok(())
    })
    .context("reading input")?;
    groups.finish(&mergers.current, &mut out)?;
    out.flush()
}

/// Releases gathered into groups of one ocid, in input order: a group is sent when the next
/// starts.
#[derive(Default)]
struct Groups {
    /// The open group: its ocid, its releases, and whether any was grouped by a guessed ocid.
    open: Option<(String, Vec<Item>, bool)>,
    finished: HashSet<String>,
}

impl Groups {
    /// Adds a release of `ocid` (`guessed`: read from the line's start alone), sending the open
    /// group when a new one starts. `false`, and nothing added, when the ocid's group ended
    /// earlier.
    fn add(
        &mut self,
        ocid: &str,
        item: Item,
        guessed: bool,
        merger: &Arc<Merger>,
        out: &mut Sender<'_>,
    ) -> anyhow::Result<bool> {
        if let Some((open, releases, any_guessed)) = &mut self.open
            && open == ocid
        {
            releases.push(item);
            *any_guessed |= guessed;
            return Ok(true);
        }
        if self.finished.contains(ocid) {
            return Ok(false);
        }
        if let Some((done, releases, any_guessed)) =
            self.open.replace((ocid.to_owned(), vec![item], guessed))
        {
            Self::send(releases, any_guessed.then(|| done.clone()), merger, out)?;
            self.finished.insert(done);
        }
        Ok(true)
    }

    /// Sends the last group.
    fn finish(self, merger: &Arc<Merger>, out: &mut Sender<'_>) -> anyhow::Result<()> {
        match self.open {
            Some((done, releases, any_guessed)) => {
                Self::send(releases, any_guessed.then_some(done), merger, out)
            }
            None => Ok(()),
        }
    }

    fn send(
        releases: Vec<Item>,
        guessed: Option<String>,
        merger: &Arc<Merger>,
        out: &mut Sender<'_>,
    ) -> anyhow::Result<()> {
        out.group(Group {
            releases,
            merger: Arc::clone(merger),
            guessed,
        })
    }
}

/// [`Route::Hopeful`]: JSON Lines of releases grouped by ocid, each line's ocid read from its
/// start (`{"ocid":"…"`) or, failing that, by walking its top level. A line that is not a
/// release, or an ocid that comes back, stops the run ([`StartOver`], [`SplitFound`]).
fn read_hopefully(
    files: &[PathBuf],
    progress: bool,
    mergers: &Mergers,
    out: &mut Sender<'_>,
) -> anyhow::Result<()> {
    let mut groups = Groups::default();
    input::lines(files, progress, &mut |line| {
        let (ocid, guessed) = match ocds_schema::read::leading_ocid(&line) {
            Some(ocid) => (ocid.to_owned(), true),
            None => (
                ocds_schema::read::release_ocid(&line)
                    .ok_or(StartOver)?
                    .to_owned(),
                false,
            ),
        };
        if !groups.add(&ocid, Item::Raw(line), guessed, &mergers.current, out)? {
            anyhow::bail!(SplitFound);
        }
        Ok(())
    })?;
    groups.finish(&mergers.current, out)?;
    out.flush()
}

/// The hopeful reading guessed wrong about a line: the input is read again the careful way.
#[derive(Debug)]
pub struct StartOver;

impl std::fmt::Display for StartOver {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a line is not a plain JSON Lines release")
    }
}

impl std::error::Error for StartOver {}

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

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A JSON Lines file of releases over `ocids` in the given order (over 1 MB, so it is scanned).
    fn file_of(ocids: &[usize]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        let padding = "x".repeat(300);
        for (n, ocid) in ocids.iter().enumerate() {
            writeln!(
                file,
                r#"{{"ocid":"ocds-213czf-{ocid}","id":"{n}","date":"2020-01-01T00:00:00Z","tender":{{"ocid":"inner","title":"{padding}"}}}}"#
            )
            .expect("write");
        }
        file.flush().expect("flush");
        file
    }

    #[test]
    fn the_two_halves_scan_finds_split_groups_wherever_they_are() -> anyhow::Result<()> {
        // 4,000 releases, three per ocid: about 1.5 MB.
        let grouped: Vec<usize> = (0..4000).map(|n| n / 3).collect();
        let file = file_of(&grouped);
        assert!(std::fs::metadata(file.path())?.len() > SCAN_MIN_BYTES);
        assert_eq!(split_by_scan(file.path())?, Some(false));
        // Every group boundary as the middle: a group running on into the second half is whole.
        for shift in 0..3 {
            let mut ocids = vec![9999; shift];
            ocids.extend(&grouped);
            assert_eq!(
                split_by_scan(file_of(&ocids).path())?,
                Some(false),
                "shift {shift}"
            );
        }
        // A release of the first group at the end: apart across the halves.
        let mut across = grouped.clone();
        across.push(0);
        assert_eq!(split_by_scan(file_of(&across).path())?, Some(true));
        // Apart within the first half, and within the second.
        let mut first = grouped.clone();
        first.swap(1, 10);
        assert_eq!(split_by_scan(file_of(&first).path())?, Some(true));
        let mut second = grouped.clone();
        second.swap(3000, 3500);
        assert_eq!(split_by_scan(file_of(&second).path())?, Some(true));
        // Each answer agrees with the reader's own check in one thread.
        for ocids in [&grouped, &across, &first, &second] {
            let file = file_of(ocids);
            let general = {
                let mut finished = HashSet::new();
                let mut current = None;
                let mut split = false;
                input::read(&[file.path().to_owned()], false, true, &mut |event| {
                    let ocid = match event {
                        Event::RawRelease { ocid, .. } => ocid,
                        Event::Release(release) => ocid_key(&release),
                        _ => return Ok(()),
                    };
                    if current.as_ref() != Some(&ocid) {
                        split |= finished.contains(&ocid);
                        if let Some(done) = current.replace(ocid) {
                            finished.insert(done);
                        }
                    }
                    Ok(())
                })?;
                split
            };
            assert_eq!(split_by_scan(file.path())?, Some(general));
            assert_eq!(needs_spill(&[file.path().to_owned()], false)?, general);
        }
        Ok(())
    }

    #[test]
    fn files_the_scan_does_not_read_go_to_the_general_check() -> anyhow::Result<()> {
        let grouped: Vec<usize> = (0..4000).map(|n| n / 3).collect();
        let file = file_of(&grouped);
        // A package line among the releases.
        let mut text = std::fs::read(file.path())?;
        text.extend_from_slice(b"{\"uri\":\"u\",\"releases\":[]}\n");
        let mut with_package = tempfile::NamedTempFile::new()?;
        with_package.write_all(&text)?;
        assert_eq!(split_by_scan(with_package.path())?, None);
        // Gzip.
        let mut gz = tempfile::NamedTempFile::new()?;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&std::fs::read(file.path())?)?;
        gz.write_all(&encoder.finish()?)?;
        assert_eq!(split_by_scan(gz.path())?, None);
        assert!(!needs_spill(&[gz.path().to_owned()], false)?);
        // Small files.
        assert_eq!(split_by_scan(file_of(&[1, 2, 1]).path())?, None);
        assert!(needs_spill(
            &[file_of(&[1, 2, 1]).path().to_owned()],
            false
        )?);
        Ok(())
    }
}
