//! `ocds analyse`: red flags (Cardinal's indicators and Marco's) and supplier and buyer figures
//! from any OCDS input. Compiled releases are analysed as they stream; releases are compiled
//! first (grouped by ocid, as in a file sorted by ocid or a record package).
//!
//! One thread reads; worker threads parse and analyse batches of compiled releases, each with
//! its own analyser, and the analysers are joined at the end, so memory stays bounded by what
//! the analyses keep (flagged and price-compared processes, organisations), not by the input.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::sync_channel;

use anyhow::Context;
use ocds_schema::analyse::{Analyser, Report, Settings, pipe_list};
use ocds_schema::merge::Merger;
use serde_json::Value;

use super::Inputs;
use super::input::{self, Event};

/// Arguments of `ocds analyse`.
#[derive(Debug, clap::Args)]
pub struct AnalyseArgs {
    #[command(flatten)]
    inputs: Inputs,
    /// Write the JSON results here (default: stdout).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write flags.csv, suppliers.csv, buyers.csv and markets.csv into this folder.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Compare only amounts in this currency (default: the first currency examined).
    #[arg(long)]
    currency: Option<String>,
    /// Price-compare only processes with these procurementMethodDetails (pipe-separated).
    #[arg(long)]
    price_comparison_methods: Option<String>,
    /// Never price-compare processes with these procurementMethodDetails (pipe-separated).
    #[arg(long)]
    no_price_comparison_methods: Option<String>,
    /// Leave out processes with these procurementMethodDetails (pipe-separated).
    #[arg(long)]
    exclude_method_details: Option<String>,
    /// R003: flag tender periods shorter than this many whole days.
    #[arg(long, default_value_t = 15)]
    r003_days: i64,
    /// R018: the procurement methods where one tenderer is a flag (pipe-separated).
    #[arg(long, default_value = "open|selective")]
    r018_methods: String,
    /// R024: a fixed limit instead of the lower fence.
    #[arg(long)]
    r024_threshold: Option<f64>,
    /// R035: how many other tenderers must be disqualified.
    #[arg(long, default_value_t = 1)]
    r035_threshold: usize,
    /// R038: a fixed limit instead of the upper fence.
    #[arg(long)]
    r038_threshold: Option<f64>,
    /// R048: a fixed number of categories instead of the upper fence.
    #[arg(long)]
    r048_threshold: Option<f64>,
    /// R048: the fewest processes a supplier must have won.
    #[arg(long, default_value_t = 20)]
    r048_minimum_processes: u64,
    /// R048: leading characters of a classification code that make a category.
    #[arg(long, default_value_t = 2)]
    r048_digits: usize,
    /// R058: a fixed limit instead of the upper fence.
    #[arg(long)]
    r058_threshold: Option<f64>,
    /// M001: flag a supplier with more than this share of one buyer's awards.
    #[arg(long, default_value_t = 0.5)]
    m001_share: f64,
    /// M002: flag this many direct awards from one buyer to one supplier.
    #[arg(long, default_value_t = 3)]
    m002_direct_awards: u64,
    /// M003: flag a contract worth more than its award by more than this share.
    #[arg(long, default_value_t = 0.2)]
    m003_rise: f64,
    /// Only Cardinal's indicators, without Marco's figures and flags (as `ocdscardinal indicators`).
    #[arg(long)]
    cardinal_only: bool,
    /// Worker threads (default: one more than the number of CPUs, as the reading thread mostly waits).
    #[arg(long)]
    threads: Option<usize>,
}

impl AnalyseArgs {
    fn settings(&self) -> Settings {
        let list = |v: &Option<String>| v.as_deref().map(pipe_list).unwrap_or_default();
        Settings {
            currency: self.currency.clone(),
            price_comparison_methods: list(&self.price_comparison_methods),
            no_price_comparison_methods: list(&self.no_price_comparison_methods),
            excluded_method_details: list(&self.exclude_method_details),
            r003_days: self.r003_days,
            r018_methods: pipe_list(&self.r018_methods),
            r024_threshold: self.r024_threshold,
            r035_threshold: self.r035_threshold,
            r038_threshold: self.r038_threshold,
            r048_threshold: self.r048_threshold,
            r048_minimum_processes: self.r048_minimum_processes,
            r048_digits: self.r048_digits,
            r058_threshold: self.r058_threshold,
            m001_share: self.m001_share,
            m002_direct_awards: self.m002_direct_awards,
            m003_rise: self.m003_rise,
            marco: !self.cardinal_only,
            ..Settings::default()
        }
    }
}

/// Compiled releases for a worker: the input position of the first, the lines one after
/// another, and where each ends.
type Batch = (u64, Vec<u8>, Vec<usize>);
/// About this many bytes of lines go to a worker at once.
const BATCH_BYTES: usize = 1 << 20;

/// Runs `ocds analyse`.
pub fn run(args: &AnalyseArgs) -> anyhow::Result<ExitCode> {
    let settings = args.settings();
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from) + 1)
        .max(1);
    let (to_workers, batches) = sync_channel::<Batch>(threads * 2);
    let batches = std::sync::Arc::new(std::sync::Mutex::new(batches));
    // Workers hand their read buffers back for the next batches.
    let (give_back, returned) = sync_channel::<Vec<u8>>(threads * 4);
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let batches = batches.clone();
            let give_back = give_back.clone();
            let settings = settings.clone();
            std::thread::spawn(move || -> (Analyser, u64, Option<String>) {
                let mut analyser = Analyser::new(settings);
                let (mut bad, mut first_error) = (0u64, None);
                loop {
                    let next = batches.lock().map(|rx| rx.recv());
                    let Ok(Ok(batch)) = next else { break };
                    let (first, mut bytes, ends) = batch;
                    let mut start = 0;
                    for (i, end) in ends.into_iter().enumerate() {
                        let seq = first + i as u64;
                        if let Err(e) = analyser.add_json(seq, &bytes[start..end]) {
                            bad += 1;
                            first_error.get_or_insert_with(|| format!("release {}: {e}", seq + 1));
                        }
                        start = end;
                    }
                    bytes.clear();
                    let _ = give_back.try_send(bytes);
                }
                (analyser, bad, first_error)
            })
        })
        .collect();

    let mut feeder = Feeder {
        to_workers,
        batch: (0, Vec::new(), Vec::new()),
        seq: 0,
        group: Vec::new(),
        done_ocids: HashSet::new(),
        merger: Merger::new(),
        compiled_input: None,
    };
    drop(give_back);
    let mut spare = || {
        returned
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(BATCH_BYTES + (1 << 16)))
    };
    let read = input::release_lines(
        &args.inputs.files,
        !args.inputs.no_progress,
        BATCH_BYTES,
        &mut spare,
        &mut |event| feeder.event(event),
    );
    let flushed = read.and_then(|()| feeder.finish());
    drop(feeder);
    let mut total = Analyser::new(settings);
    let (mut bad, mut first_error) = (0u64, None);
    for w in workers {
        let (a, b, e) = w
            .join()
            .map_err(|_| anyhow::anyhow!("an analysis thread panicked"))?;
        total.absorb(a);
        bad += b;
        if first_error.is_none() {
            first_error = e;
        }
    }
    flushed?;
    if bad > 0 {
        eprintln!(
            "ocds: {bad} release(s) could not be read and were skipped; the first: {}",
            first_error.unwrap_or_default()
        );
    }
    let report = total.finish();
    write_json(&report, args.output.as_ref())?;
    if let Some(dir) = &args.csv {
        write_csv(&report, dir)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Turns input events into batches of compiled releases for the workers.
struct Feeder {
    to_workers: std::sync::mpsc::SyncSender<Batch>,
    batch: Batch,
    seq: u64,
    /// Releases of the current ocid, when the input is releases to compile.
    group: Vec<Value>,
    done_ocids: HashSet<String>,
    merger: Merger,
    /// Whether the input holds compiled releases (decided by its first release).
    compiled_input: Option<bool>,
}

impl Feeder {
    fn event(&mut self, event: Event) -> anyhow::Result<()> {
        match event {
            Event::RawLines { bytes, ends } => {
                if self.compiled_input.is_none() {
                    let first = &bytes[..ends.first().copied().unwrap_or_default()];
                    let v: Value = serde_json::from_slice(first).context("reading a release")?;
                    self.compiled_input = Some(is_compiled(&v));
                }
                if self.compiled_input == Some(true) {
                    // Compiled releases go to the workers as they came, without a copy.
                    self.flush()?;
                    let count = ends.len() as u64;
                    self.to_workers
                        .send((self.seq, bytes, ends))
                        .map_err(|_| anyhow::anyhow!("the analysis threads stopped"))?;
                    self.seq += count;
                    return Ok(());
                }
                let mut start = 0;
                for end in ends {
                    let v: Value =
                        serde_json::from_slice(&bytes[start..end]).context("reading a release")?;
                    self.release(v)?;
                    start = end;
                }
                Ok(())
            }
            Event::RawRelease { line, .. } => {
                let v: Value = serde_json::from_slice(&line).context("reading a release")?;
                self.release(v)
            }
            Event::Release(v) => {
                if self.compiled_input.is_none() {
                    self.compiled_input = Some(is_compiled(&v));
                }
                if is_compiled(&v) {
                    self.send(serde_json::to_vec(&v)?)
                } else {
                    self.release(v)
                }
            }
            // A record whose releases are only linked: its compiled release is analysed as is.
            Event::LinkedOnly(Some(compiled)) => self.send(serde_json::to_vec(&compiled)?),
            Event::Package(_) | Event::LinkedOnly(None) => Ok(()),
        }
    }

    /// Collects a release of the current ocid; a new ocid compiles the previous group.
    fn release(&mut self, v: Value) -> anyhow::Result<()> {
        let ocid = v
            .get("ocid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let current = self
            .group
            .first()
            .and_then(|r| r.get("ocid"))
            .and_then(Value::as_str);
        if current.is_some_and(|c| c != ocid) {
            self.compile_group()?;
        }
        if self.group.is_empty() && !self.done_ocids.insert(ocid.clone()) {
            anyhow::bail!(
                "the releases of {ocid} are not together; compile them first, for example \
                 `ocds compile --unsorted --output compiled FILE | ocds analyse`"
            );
        }
        self.group.push(v);
        Ok(())
    }

    fn compile_group(&mut self) -> anyhow::Result<()> {
        if self.group.is_empty() {
            return Ok(());
        }
        let group = std::mem::take(&mut self.group);
        let compiled = self.merger.compile(&group)?;
        self.send(serde_json::to_vec(&compiled)?)
    }

    /// Queues one compiled release (JSON) for the workers.
    fn send(&mut self, line: Vec<u8>) -> anyhow::Result<()> {
        if self.batch.2.is_empty() {
            self.batch.0 = self.seq;
        }
        self.batch.1.extend_from_slice(&line);
        self.batch.2.push(self.batch.1.len());
        self.seq += 1;
        if self.batch.1.len() >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the queued releases.
    fn flush(&mut self) -> anyhow::Result<()> {
        if self.batch.2.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, (self.seq, Vec::new(), Vec::new()));
        self.to_workers
            .send(batch)
            .map_err(|_| anyhow::anyhow!("the analysis threads stopped"))
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        self.compile_group()?;
        self.flush()
    }
}

fn is_compiled(v: &Value) -> bool {
    v.get("tag")
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|x| x == "compiled"))
}

fn write_json(report: &Report, to: Option<&PathBuf>) -> anyhow::Result<()> {
    let text = serde_json::to_string(report)?;
    match to {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("writing {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

fn write_csv(report: &Report, dir: &PathBuf) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let create = |name: &str| {
        std::fs::File::create(dir.join(name))
            .with_context(|| format!("writing {}", dir.join(name).display()))
    };
    ocds_schema::analyse::csv_out::flags(&report.raised(), create("flags.csv")?)?;
    ocds_schema::analyse::csv_out::suppliers(report, create("suppliers.csv")?)?;
    ocds_schema::analyse::csv_out::buyers(report, create("buyers.csv")?)?;
    ocds_schema::analyse::csv_out::markets(&report.marco.markets, create("markets.csv")?)?;
    Ok(())
}
