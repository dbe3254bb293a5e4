//! Opening the command's inputs: files or stdin, with a progress bar on a terminal, then the
//! library's streaming reader ([`ocds_schema::read`]).

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use ocds_schema::read;
use serde_json::Value;

pub use ocds_schema::read::Event;

/// Reads every input in turn (stdin when `files` is empty or `-`), sending events to `sink`.
/// With `raw`, JSON Lines releases are sent unparsed ([`Event::RawRelease`]).
pub fn read(
    files: &[PathBuf],
    progress: bool,
    raw: bool,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stdin = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    for path in files {
        let (reader, bar) = open(path, progress)?;
        read::events(read::decompressed(reader)?, raw, sink)
            .with_context(|| format!("reading {}", display(path)))?;
        bar.finish_and_clear();
    }
    Ok(())
}

/// Reads every input like [`read`], but JSON Lines of releases arrive in unpeeked batches of
/// about `batch_bytes` ([`Event::RawLines`]): for `analyse`, whose workers parse them.
pub fn release_lines(
    files: &[PathBuf],
    progress: bool,
    batch_bytes: usize,
    spare: &mut dyn FnMut() -> Vec<u8>,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stdin = [PathBuf::from("-")];
    let files = if files.is_empty() { &stdin[..] } else { files };
    for path in files {
        let (reader, bar) = open(path, progress)?;
        read::release_lines(read::decompressed(reader)?, batch_bytes, spare, sink)
            .with_context(|| format!("reading {}", display(path)))?;
        bar.finish_and_clear();
    }
    Ok(())
}

/// Reads every input file in turn as lines (gzip decompressed), sending each line that is not
/// blank with its newline; for readers that decide themselves what the lines are.
pub fn lines(
    files: &[PathBuf],
    progress: bool,
    sink: &mut dyn FnMut(Vec<u8>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::io::BufRead;
    for path in files {
        let (reader, bar) = open(path, progress)?;
        let mut reader = read::decompressed(reader)?;
        loop {
            let mut line = Vec::with_capacity(1 << 12);
            if reader
                .read_until(b'\n', &mut line)
                .with_context(|| format!("reading {}", display(path)))?
                == 0
            {
                break;
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                sink(line)?;
            }
        }
        bar.finish_and_clear();
    }
    Ok(())
}

/// Reads whole documents (packages, releases, records) without splitting packages: for `validate`.
pub fn documents(
    path: &Path,
    progress: bool,
    sink: &mut dyn FnMut(Value) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let (reader, bar) = open(path, progress)?;
    read::documents(read::decompressed(reader)?, sink)
        .with_context(|| format!("parsing {}", display(path)))?;
    bar.finish_and_clear();
    Ok(())
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Opens a file or stdin, with a progress bar on a terminal.
fn open(path: &Path, progress: bool) -> anyhow::Result<(Box<dyn Read>, ProgressBar)> {
    let show = progress && std::io::stderr().is_terminal();
    let (raw, len): (Box<dyn Read>, Option<u64>) = if path == Path::new("-") {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(file), len)
    };
    let bar = if !show {
        ProgressBar::hidden()
    } else if let Some(len) = len {
        let bar = ProgressBar::new(len);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
        {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::new_spinner()
    };
    let reader = Box::new(bar.wrap_read(raw));
    Ok((reader, bar))
}
