//! `ocds verify-log`: downloads a publisher's release log (`/ocds/log`), its signed head and
//! every release, and proves that nothing published was changed or removed. Exit 0 with one
//! summary line; exit 1 naming each bad release; exit 2 when the server cannot be read.
//!
//! Releases come from `/ocds/releases/{id}`, or from local files (`--releases`, e.g. the bulk
//! `releases.jsonl.gz`), read alongside the log: a file in log order keeps memory flat, and a
//! release the file lacks (it may be older than the log) is downloaded instead.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use flate2::read::MultiGzDecoder;
use indicatif::{ProgressBar, ProgressStyle};
use ocds_schema::release_log::{LogEntry, LogVerifier, SignedHead, from_hex};
use serde::Deserialize;
use serde_json::value::RawValue;

/// Arguments of `ocds verify-log`.
#[derive(Debug, clap::Args)]
pub struct VerifyLogArgs {
    /// Base URL of the publisher, e.g. `https://marco.example` (its `/ocds/log` is read).
    #[arg(long)]
    url: String,
    /// Read releases from these files (JSON Lines, release packages or arrays; gzip ok)
    /// instead of one request per release; releases missing from them are downloaded.
    #[arg(long = "releases", value_name = "FILE")]
    releases: Vec<PathBuf>,
    /// A head saved earlier, as `SEQUENCE:CHAINHASH`: the log must still reach it unchanged
    /// (detects releases removed from the end, and rewritten history).
    #[arg(long, value_name = "SEQ:HEX", value_parser = parse_head)]
    expect_head: Option<(i64, String)>,
    /// Hex Ed25519 public key obtained out of band; by default the one at `/ocds/log/key`.
    #[arg(long, value_name = "HEX")]
    public_key: Option<String>,
    /// Log entries per request (1 to 1000).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=1000))]
    page_size: u64,
    /// Never show a progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,
}

fn parse_head(raw: &str) -> Result<(i64, String), String> {
    let (sequence, hash) = raw
        .split_once(':')
        .ok_or("expected SEQUENCE:CHAINHASH, e.g. 42:9f86d0…")?;
    let sequence: i64 = sequence
        .parse()
        .ok()
        .filter(|s| *s >= 0)
        .ok_or("the sequence is a whole number, 0 or more")?;
    if from_hex(hash).is_none() {
        return Err("the chain hash is 64 lower-case hex digits".into());
    }
    Ok((sequence, hash.to_owned()))
}

#[derive(Deserialize)]
struct LogPage {
    entries: Vec<LogEntry>,
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublicKey {
    public_key: String,
}

#[derive(Deserialize)]
struct Package {
    releases: Vec<Box<RawValue>>,
}

/// Runs `ocds verify-log`.
pub fn run(args: &VerifyLogArgs) -> anyhow::Result<ExitCode> {
    let server = Server::new(&args.url);
    let mut files = ReleaseFiles::open(args.releases.clone())?;
    let mut problems: Vec<String> = Vec::new();

    let key = match &args.public_key {
        Some(key) => key.clone(),
        None => {
            let key: PublicKey = server.json("/ocds/log/key")?;
            key.public_key
        }
    };
    // The head is read before the log, so a log that grows meanwhile still reaches it.
    let head: SignedHead = server.json("/ocds/log/head")?;
    if let Err(error) = head.verify(&key) {
        problems.push(format!("head {}: {error}", head.sequence));
    }
    let mut verifier = LogVerifier::new();
    verifier.expect_head("signed head", head.sequence, &head.chain_hash);
    if let Some((sequence, hash)) = &args.expect_head {
        verifier.expect_head("expected head", *sequence, hash);
    }

    let bar = progress(args.no_progress, head.sequence);
    let mut query = format!("limit={}", args.page_size);
    loop {
        let page: LogPage = server.json(&format!("/ocds/log?{query}"))?;
        for entry in &page.entries {
            let text = match files.take(&entry.release_id)? {
                Some(text) => Some(text),
                None => server.release(&entry.release_id)?,
            };
            verifier.check(entry, text.as_deref());
            bar.inc(1);
        }
        // Only the query of `next` is used: the publisher's public URL may not be the address
        // this command reaches it at (a proxy, a test port), but the log is always at /ocds/log.
        let Some(next) = page.next else { break };
        let next_query = next.split_once('?').map(|(_, q)| q.to_owned());
        match next_query {
            Some(next_query) if next_query != query && !page.entries.is_empty() => {
                query = next_query
            }
            _ => bail!("the log's next link {next:?} does not advance"),
        }
    }
    bar.finish_and_clear();
    for release_id in files.leftovers()? {
        problems.push(format!(
            "release {release_id}: in the releases file but not in the log (removed)"
        ));
    }

    let report = verifier.finish();
    for finding in &report.findings {
        println!("BAD {finding}");
    }
    for problem in &problems {
        println!("BAD {problem}");
    }
    let bad = report.findings.len() + problems.len();
    if bad > 0 {
        println!(
            "FAILED: {bad} problems in {} releases checked",
            report.releases
        );
        return Ok(ExitCode::from(1));
    }
    println!(
        "verified {} releases, head {} chain {}",
        report.releases, head.sequence, head.chain_hash
    );
    Ok(ExitCode::SUCCESS)
}

fn progress(hidden: bool, length: i64) -> ProgressBar {
    if hidden || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(u64::try_from(length).unwrap_or(0));
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} releases {per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The publisher, over HTTP(S) with one keep-alive agent.
struct Server {
    base: String,
    agent: ureq::Agent,
}

/// Largest response read: a release package with one very large release.
const BODY_LIMIT: u64 = 512 << 20;

impl Server {
    fn new(base: &str) -> Server {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent(concat!("ocds-verify-log/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Server {
            base: base.trim_end_matches('/').to_owned(),
            agent,
        }
    }

    /// GETs `path`; `None` on 404. Waits out HTTP 429 as `Retry-After` asks.
    fn get(&self, path: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let url = format!("{}{path}", self.base);
        for _ in 0..20 {
            let mut response = self
                .agent
                .get(&url)
                .call()
                .with_context(|| format!("requesting {url}"))?;
            match response.status().as_u16() {
                200 => {
                    let body = response
                        .body_mut()
                        .with_config()
                        .limit(BODY_LIMIT)
                        .read_to_vec()
                        .with_context(|| format!("reading {url}"))?;
                    return Ok(Some(body));
                }
                404 => return Ok(None),
                429 => {
                    let wait = response
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                        .clamp(1, 60);
                    std::thread::sleep(Duration::from_secs(wait));
                }
                status => bail!("{url} answered HTTP {status}"),
            }
        }
        bail!("{url} kept answering HTTP 429 (rate-limited)")
    }

    fn json<T: serde::de::DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let body = self
            .get(path)?
            .with_context(|| format!("{}{path} is not found", self.base))?;
        serde_json::from_slice(&body).with_context(|| format!("parsing {}{path}", self.base))
    }

    /// The release text exactly as served in its package; `None` when it is not found.
    fn release(&self, release_id: &str) -> anyhow::Result<Option<Vec<u8>>> {
        let path = format!("/ocds/releases/{}", encode_segment(release_id));
        let Some(body) = self.get(&path)? else {
            return Ok(None);
        };
        let package: Package = serde_json::from_slice(&body)
            .with_context(|| format!("parsing the release package at {path}"))?;
        Ok(package
            .releases
            .into_iter()
            .next()
            .map(|r| r.get().as_bytes().to_vec()))
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for one path segment.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Releases read from local files, in file order, matched to log entries by release id.
struct ReleaseFiles {
    paths: std::vec::IntoIter<PathBuf>,
    current: Option<(PathBuf, Box<dyn BufRead>)>,
    /// Releases read ahead of the log (only when the file is not in log order).
    pending: HashMap<String, Vec<u8>>,
    /// Releases of the document being read (a package or an array).
    queued: std::vec::IntoIter<Vec<u8>>,
}

#[derive(Deserialize)]
struct ReleaseId {
    id: Option<String>,
}

impl ReleaseFiles {
    fn open(paths: Vec<PathBuf>) -> anyhow::Result<ReleaseFiles> {
        Ok(ReleaseFiles {
            paths: paths.into_iter(),
            current: None,
            pending: HashMap::new(),
            queued: Vec::new().into_iter(),
        })
    }

    /// The text of `release_id`, reading on until it is found; `None` if no file has it.
    fn take(&mut self, release_id: &str) -> anyhow::Result<Option<Vec<u8>>> {
        if let Some(text) = self.pending.remove(release_id) {
            return Ok(Some(text));
        }
        while let Some((id, text)) = self.next_release()? {
            if id == release_id {
                return Ok(Some(text));
            }
            self.pending.insert(id, text);
        }
        Ok(None)
    }

    /// Ids of releases in the files that no log entry asked for.
    fn leftovers(mut self) -> anyhow::Result<Vec<String>> {
        while let Some((id, text)) = self.next_release()? {
            self.pending.insert(id, text);
        }
        let mut ids: Vec<String> = self.pending.into_keys().collect();
        ids.sort();
        Ok(ids)
    }

    fn next_release(&mut self) -> anyhow::Result<Option<(String, Vec<u8>)>> {
        loop {
            if let Some(text) = self.queued.next() {
                match serde_json::from_slice::<ReleaseId>(&text) {
                    Ok(ReleaseId { id: Some(id) }) => return Ok(Some((id, text))),
                    _ => {
                        let name = self.current_name();
                        bail!("{name} holds a release without a string id")
                    }
                }
            }
            if self.current.is_none() {
                let Some(path) = self.paths.next() else {
                    return Ok(None);
                };
                let reader = open(&path)?;
                self.current = Some((path, reader));
            }
            let Some((path, reader)) = self.current.as_mut() else {
                continue;
            };
            let mut line = Vec::new();
            if reader.read_until(b'\n', &mut line)? == 0 {
                self.current = None;
                continue;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // JSON Lines: one document per line. A pretty-printed document spans lines, so
            // read on to its end.
            let document = match serde_json::from_slice::<&RawValue>(&line) {
                Ok(_) => line,
                Err(_) => {
                    reader.read_to_end(&mut line)?;
                    line
                }
            };
            self.queued = split_document(&document)
                .with_context(|| format!("reading {}", path.display()))?
                .into_iter();
        }
    }

    fn current_name(&self) -> String {
        self.current.as_ref().map_or_else(
            || "a releases file".into(),
            |(p, _)| p.display().to_string(),
        )
    }
}

/// The releases of one document: a release, a release package, or an array of releases;
/// several whitespace-separated documents are allowed.
fn split_document(document: &[u8]) -> anyhow::Result<Vec<Vec<u8>>> {
    #[derive(Deserialize)]
    struct Probe<'a> {
        #[serde(borrow)]
        releases: Option<Vec<&'a RawValue>>,
    }
    let mut out = Vec::new();
    for doc in serde_json::Deserializer::from_slice(document).into_iter::<&RawValue>() {
        let doc = doc.context("not JSON")?;
        let text = doc.get().trim_start();
        if text.starts_with('[') {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            out.extend(items.into_iter().map(|r| r.get().as_bytes().to_vec()));
        } else {
            match serde_json::from_str::<Probe<'_>>(text)?.releases {
                Some(items) => out.extend(items.into_iter().map(|r| r.get().as_bytes().to_vec())),
                None => out.push(text.as_bytes().to_vec()),
            }
        }
    }
    Ok(out)
}

fn open(path: &std::path::Path) -> anyhow::Result<Box<dyn BufRead>> {
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut buffered = BufReader::with_capacity(1 << 20, file);
    let gzipped = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzipped {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_head_is_sequence_colon_lower_case_hex() {
        let hash = "ab".repeat(32);
        assert_eq!(parse_head(&format!("42:{hash}")), Ok((42, hash.clone())));
        assert!(parse_head(&format!("x:{hash}")).is_err());
        assert!(parse_head(&format!("-1:{hash}")).is_err());
        assert!(parse_head(&format!("1:{}", hash.to_uppercase())).is_err());
        assert!(parse_head("1").is_err());
    }

    #[test]
    fn release_ids_are_percent_encoded_as_one_path_segment() {
        assert_eq!(encode_segment("ocds-x-0001_a.b~"), "ocds-x-0001_a.b~");
        assert_eq!(encode_segment("a/b c?é"), "a%2Fb%20c%3F%C3%A9");
    }

    #[test]
    fn releases_come_from_lines_packages_and_arrays_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let lines = dir.path().join("releases.jsonl");
        std::fs::write(
            &lines,
            "{\"id\":\"a\",\"x\":1}\n\n{\"id\":\"b\"}\n[{\"id\":\"c\"}, {\"id\":\"d\"}]\n",
        )
        .unwrap();
        let package = dir.path().join("package.json");
        std::fs::write(
            &package,
            "{\n  \"uri\": \"x\",\n  \"releases\": [\n    {\"id\": \"e\"}\n  ]\n}\n",
        )
        .unwrap();
        let mut files = ReleaseFiles::open(vec![lines, package]).unwrap();
        assert_eq!(
            files.take("b").unwrap().as_deref(),
            Some(&br#"{"id":"b"}"#[..])
        );
        assert_eq!(
            files.take("a").unwrap().as_deref(),
            Some(&br#"{"id":"a","x":1}"#[..]),
            "read ahead and kept"
        );
        assert_eq!(
            files.take("e").unwrap().as_deref(),
            Some(&br#"{"id": "e"}"#[..])
        );
        assert_eq!(files.take("zz").unwrap(), None);
        assert_eq!(files.leftovers().unwrap(), ["c", "d"]);
    }
}
