//! Writing merged groups: a record package (streamed) or JSON Lines.

use std::io::{BufWriter, StdoutLock, Write};

use anyhow::Context;
use ocds_schema::merge::Val;
use serde_json::{Map, Value};

use super::compile::{Group, Item, StartOver};

/// Key of the metadata message that only counts a linked-only record.
pub const LINKED_MARKER: &str = "\u{0}linked-only";

/// The shape of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// One record package.
    RecordPackage,
    /// JSON Lines of records.
    Records,
    /// JSON Lines of compiled releases.
    Compiled,
    /// JSON Lines of versioned releases.
    Versioned,
}

/// Writes merged groups to stdout.
pub struct Output {
    kind: OutputKind,
    out: BufWriter<StdoutLock<'static>>,
    records_written: usize,
    meta: Option<Map<String, Value>>,
    packages: Vec<Value>,
    newest_date: String,
    uri: Option<String>,
    published_date: Option<String>,
    publisher_name: Option<String>,
    /// Records skipped because their releases were only linked.
    pub linked_only: usize,
}

impl Output {
    /// An output of the given kind.
    pub fn new(kind: OutputKind) -> Self {
        Self {
            kind,
            out: BufWriter::with_capacity(1 << 20, std::io::stdout().lock()),
            records_written: 0,
            meta: None,
            packages: Vec::new(),
            newest_date: String::new(),
            uri: None,
            published_date: None,
            publisher_name: None,
            linked_only: 0,
        }
    }

    /// Record package metadata given on the command line.
    pub fn overrides(
        &mut self,
        uri: Option<String>,
        published_date: Option<String>,
        publisher_name: Option<String>,
    ) {
        self.uri = uri;
        self.published_date = published_date;
        self.publisher_name = publisher_name;
    }

    /// Notes an input package's metadata (the first one supplies the record package's).
    pub fn package(&mut self, meta: Map<String, Value>) {
        if meta.contains_key(LINKED_MARKER) {
            self.linked_only += 1;
            return;
        }
        if let Some(uri) = meta.get("uri").filter(|u| u.is_string())
            && !self.packages.contains(uri)
        {
            self.packages.push(uri.clone());
        }
        if self.meta.is_none() {
            self.meta = Some(meta);
        }
    }

    /// Writes one rendered group.
    pub fn write(&mut self, rendered: &Rendered) -> anyhow::Result<()> {
        if rendered.newest_date > self.newest_date {
            self.newest_date.clone_from(&rendered.newest_date);
        }
        if self.kind == OutputKind::RecordPackage {
            self.out.write_all(if self.records_written == 0 {
                b"{\"records\":[\n"
            } else {
                b",\n"
            })?;
            self.records_written += 1;
        }
        self.out.write_all(&rendered.bytes)?;
        Ok(())
    }

    /// Closes the record package (its metadata goes after `records`, once all is known) and flushes.
    pub fn finish(&mut self) -> anyhow::Result<()> {
        if self.kind == OutputKind::RecordPackage {
            if self.records_written == 0 {
                self.out.write_all(b"{\"records\":[")?;
            }
            self.out.write_all(b"\n]")?;
            for (key, value) in self.package_meta() {
                write!(self.out, ",{}:", Value::String(key))?;
                serde_json::to_writer(&mut self.out, &value)?;
            }
            self.out.write_all(b"}\n")?;
        }
        self.out.flush().context("writing output")
    }

    fn package_meta(&self) -> Map<String, Value> {
        let input = self.meta.clone().unwrap_or_default();
        let mut meta = Map::new();
        let uri = self.uri.clone().map(Value::String);
        meta.insert(
            "uri".to_owned(),
            uri.or_else(|| input.get("uri").cloned())
                .unwrap_or_else(|| Value::from("")),
        );
        let mut publisher = input
            .get("publisher")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({"name": ""}));
        if let (Some(name), Some(object)) = (&self.publisher_name, publisher.as_object_mut()) {
            object.insert("name".to_owned(), Value::from(name.clone()));
        }
        meta.insert("publisher".to_owned(), publisher);
        let date = self.published_date.clone().map(Value::String);
        let date = date
            .or_else(|| input.get("publishedDate").cloned())
            .unwrap_or_else(|| Value::from(self.newest_date.clone()));
        meta.insert("publishedDate".to_owned(), date);
        meta.insert("version".to_owned(), Value::from("1.1"));
        for key in ["license", "publicationPolicy", "extensions"] {
            if let Some(value) = input.get(key) {
                meta.insert(key.to_owned(), value.clone());
            }
        }
        if !self.packages.is_empty() {
            meta.insert("packages".to_owned(), Value::Array(self.packages.clone()));
        }
        meta
    }
}

/// A merged group, serialized by a worker thread.
pub struct Rendered {
    /// The JSON (a line for JSON Lines, a bare record for a record package).
    pub bytes: Vec<u8>,
    /// The newest release date in the group (for the package's default `publishedDate`).
    pub newest_date: String,
}

/// Parses, merges and serializes one group (runs on worker threads).
///
/// JSON Lines releases are parsed into [`Val`]s that borrow from their lines, and written back
/// as is inside records; releases already parsed (from packages and records) are viewed the same
/// way.
pub fn render(group: Group, kind: OutputKind, versioned: bool) -> anyhow::Result<Rendered> {
    let Group {
        releases: items,
        merger,
        guessed,
    } = group;
    let mut releases = Vec::with_capacity(items.len());
    for item in &items {
        releases.push(match item {
            Item::Parsed(value) => Val::from_value(value),
            Item::Raw(line) => match Val::parse(line) {
                Ok(release) => release,
                // A guessed group is read again the careful way, which reports bad lines.
                Err(_) if guessed.is_some() => return Err(StartOver.into()),
                Err(error) => {
                    return Err(error).context("a JSON Lines release is not valid JSON");
                }
            },
        });
    }
    // The guess holds when every line is a release whose `ocid` is the one it was grouped by,
    // as the careful reader would have found it.
    if let Some(ocid) = &guessed {
        let plain = |r: &Val<'_>| {
            r.get("ocid").and_then(Val::as_str) == Some(ocid.as_str())
                && ["releases", "records", "compiledRelease"]
                    .iter()
                    .all(|key| r.get(key).is_none())
        };
        if !releases.iter().all(plain) {
            return Err(StartOver.into());
        }
    }
    let ocid = releases
        .first()
        .and_then(|r| r.get("ocid"))
        .map_or(Value::Null, Val::to_value);
    let failed = |e| anyhow::Error::new(e).context(format!("merging the releases of ocid {ocid}"));
    let newest_date = releases
        .iter()
        .filter_map(|r| r.get("date").and_then(Val::as_str))
        .max()
        .unwrap_or_default()
        .to_owned();
    let mut bytes = Vec::with_capacity(4096);
    match kind {
        OutputKind::Compiled => merger
            .write_compiled_val(&releases, &mut bytes)
            .map_err(failed)?,
        OutputKind::Versioned => merger
            .write_versioned_val(&releases, &mut bytes)
            .map_err(failed)?,
        OutputKind::Records | OutputKind::RecordPackage => {
            // Records list releases oldest first (stable); the merge already checked the dates.
            let mut order: Vec<usize> = (0..releases.len()).collect();
            if releases.len() > 1 {
                order.sort_by_key(|&i| releases[i].get("date").and_then(Val::as_str));
            }
            bytes.extend_from_slice(b"{\"ocid\":");
            serde_json::to_writer(&mut bytes, &ocid)?;
            bytes.extend_from_slice(b",\"releases\":[");
            for (n, &i) in order.iter().enumerate() {
                if n > 0 {
                    bytes.push(b',');
                }
                match &items[i] {
                    Item::Raw(line) => bytes.extend_from_slice(line.trim_ascii()),
                    Item::Parsed(value) => serde_json::to_writer(&mut bytes, value)?,
                }
            }
            bytes.extend_from_slice(b"],\"compiledRelease\":");
            merger
                .write_compiled_val(&releases, &mut bytes)
                .map_err(failed)?;
            if versioned {
                bytes.extend_from_slice(b",\"versionedRelease\":");
                merger
                    .write_versioned_val(&releases, &mut bytes)
                    .map_err(failed)?;
            }
            bytes.push(b'}');
        }
    }
    if kind != OutputKind::RecordPackage {
        bytes.push(b'\n');
    }
    Ok(Rendered { bytes, newest_date })
}
