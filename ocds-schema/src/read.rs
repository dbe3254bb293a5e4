//! Streaming reader of OCDS data in any of its shapes: release packages, record packages,
//! releases, records, JSON arrays and JSON Lines, optionally gzipped (`.json`, `.jsonl`,
//! `.jsonl.gz`, packages). It reads from any [`Read`]; opening files is the caller's (the
//! `ocds` command, Marco's server and analytics).
//!
//! JSON Lines are detected when the first line is a complete JSON document, and are then read
//! line by line (each line is held in memory). Otherwise (a pretty-printed package) a package's
//! `releases` or `records` array is parsed one element at a time, so a package far larger than
//! memory streams; its metadata is what precedes that array.

use std::fmt;
use std::io::{BufRead, BufReader, Read};

use anyhow::Context;
use flate2::read::MultiGzDecoder;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Something read from the input.
#[derive(Debug)]
pub enum Event {
    /// Metadata of a package (its fields before `releases`/`records`).
    Package(Map<String, Value>),
    /// One release (from a package, a record's embedded releases, an array or a line).
    Release(Value),
    /// A record whose releases are only linked (`url`), which cannot be merged, with its
    /// `compiledRelease` when it has one.
    LinkedOnly(Option<Value>),
    /// JSON Lines releases left unparsed and unpeeked, in one buffer: line `i` is
    /// `bytes[ends[i - 1]..ends[i]]` (from 0 for the first). Sent only by [`release_lines`].
    RawLines {
        /// The lines, one after another.
        bytes: Vec<u8>,
        /// Where each line ends.
        ends: Vec<usize>,
    },
    /// One JSON Lines release left unparsed (only its `ocid` was read), for parallel parsing.
    RawRelease {
        /// The release's `ocid`.
        ocid: String,
        /// The line.
        line: Vec<u8>,
    },
}

/// The ocid of a line that is a release (an object with a string `ocid` and no `releases`,
/// `records` or `compiledRelease`), found by scanning the top-level keys without parsing values.
/// Anything unusual (an escaped ocid, a non-object line) gives `None`: the line is then parsed
/// in full. Malformed lines are reported by the worker that parses them.
fn peek_release(line: &[u8]) -> Option<String> {
    release_ocid(line).map(str::to_owned)
}

/// The ocid of a line that starts `{"ocid":"…"` (no escape), without looking further: a guess
/// at [`release_ocid`] for the usual JSON Lines release, which whoever parses the line must
/// confirm (the line could be a record, or name another `ocid` later).
pub fn leading_ocid(line: &[u8]) -> Option<&str> {
    let rest = line.trim_ascii_start().strip_prefix(b"{\"ocid\":\"")?;
    let end = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
    if rest[end] != b'"' {
        return None;
    }
    std::str::from_utf8(&rest[..end]).ok()
}

/// The ocid of a JSON Lines release as `ocds compile` groups it: what [`Event::RawRelease`]
/// carries for the line, or `None` when the line is not read that way (not a release object, an
/// escaped ocid, a package or record line), and is parsed in full instead.
pub fn release_ocid(line: &[u8]) -> Option<&str> {
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    if line[start] != b'{' {
        return None;
    }
    let (mut depth, mut expect_key, mut ocid) = (0_usize, false, None);
    let mut i = start;
    while i < line.len() {
        match line[i] {
            b'"' => {
                let begin = i + 1;
                i = begin;
                // The closing quote: the next quote not escaped (most of a line is inside strings).
                loop {
                    match crate::bytescan::string_stop::<false>(line, i) {
                        Some(at) if line[at] == b'"' => {
                            i = at;
                            break;
                        }
                        Some(at) => i = at + 2,
                        None => {
                            i = line.len();
                            break;
                        }
                    }
                }
                let text = line.get(begin..i)?;
                i += 1;
                if depth == 1 && std::mem::take(&mut expect_key) {
                    match text {
                        b"releases" | b"records" | b"compiledRelease" => return None,
                        b"ocid" => {
                            let rest = line.get(i..)?;
                            let colon = rest.iter().position(|b| !b.is_ascii_whitespace())?;
                            let after = rest.get(colon + 1..)?;
                            let quote = after.iter().position(|b| !b.is_ascii_whitespace())?;
                            if rest[colon] != b':' || after[quote] != b'"' {
                                return None;
                            }
                            let value = &after[quote + 1..];
                            let end = value.iter().position(|&b| b == b'"' || b == b'\\')?;
                            if value[end] != b'"' {
                                return None;
                            }
                            ocid = Some(std::str::from_utf8(&value[..end]).ok()?);
                            i += colon + 1 + quote + 1 + end + 1;
                        }
                        _ => {}
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b',' => {
                expect_key = depth == 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    ocid
}

/// Wraps `reader` so that gzipped input is decompressed transparently (detected by its magic
/// bytes; concatenated gzip members are read in turn).
pub fn decompressed<'r>(reader: impl Read + 'r) -> std::io::Result<Box<dyn BufRead + 'r>> {
    let mut buffered = BufReader::with_capacity(1 << 20, reader);
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

/// Reads one input, sending each package's metadata and each release to `sink` as it goes.
/// With `raw`, JSON Lines releases are sent unparsed ([`Event::RawRelease`]).
pub fn events(
    reader: impl BufRead,
    raw: bool,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    read_one(Box::new(reader), raw, sink)
}

/// Like [`events`] with `raw`, for readers that parse releases themselves: when the input is
/// JSON Lines whose first line is a release, every line is sent unparsed, in batches of about
/// `batch_bytes` ([`Event::RawLines`]), without even reading its `ocid`; any other input is
/// read as [`events`] reads it. JSON Lines are expected to hold one kind of document.
/// `spare` gives an empty buffer for the next batch (a caller may hand back used ones, which
/// spares the system zeroing fresh memory for every batch).
pub fn release_lines(
    mut reader: impl BufRead,
    batch_bytes: usize,
    spare: &mut dyn FnMut() -> Vec<u8>,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut bytes = spare();
    reader.read_until(b'\n', &mut bytes)?;
    let first_is_release = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .is_some_and(|d| {
            d.get("ocid").is_some_and(Value::is_string)
                && ["releases", "records", "compiledRelease"]
                    .iter()
                    .all(|k| d.get(*k).is_none())
        });
    if !first_is_release {
        let chained = std::io::Cursor::new(bytes).chain(reader);
        return read_one(Box::new(std::io::BufReader::new(chained)), false, sink);
    }
    let mut ends = vec![bytes.len()];
    loop {
        let before = bytes.len();
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        if bytes[before..].iter().all(u8::is_ascii_whitespace) {
            bytes.truncate(before);
            continue;
        }
        ends.push(bytes.len());
        if bytes.len() >= batch_bytes {
            let full = std::mem::replace(&mut bytes, spare());
            sink(Event::RawLines {
                bytes: full,
                ends: std::mem::take(&mut ends),
            })?;
        }
    }
    if !ends.is_empty() {
        sink(Event::RawLines { bytes, ends })?;
    }
    Ok(())
}

/// Reads whole documents (packages, releases, records) one after another, without splitting
/// packages: for validating them as published.
///
/// JSON Lines (the first line is a whole document) are read line by line, so memory holds one
/// document at a time however long the stream. Anything else (a package over many lines,
/// concatenated JSON) is read into memory and parsed from there, which is much faster than
/// parsing from a reader byte by byte; a document's parsed tree takes more memory than its
/// text anyway.
pub fn documents(
    mut reader: impl BufRead,
    sink: &mut dyn FnMut(Value) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut number = 0_usize;
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    let mut lines = line.iter().any(|b| !b.is_ascii_whitespace());
    while lines {
        let Some(rest) = each_document(&line, &mut number, sink, false)? else {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            continue;
        };
        // A document runs over several lines: not JSON Lines after all.
        line.drain(..rest);
        lines = false;
    }
    reader.read_to_end(&mut line)?;
    each_document(&line, &mut number, sink, true)?;
    Ok(())
}

/// Sends every document in `bytes` to `sink`, counting them in `number`. When the last one is
/// cut short and this is not the `end` of the input, returns where it starts.
fn each_document(
    bytes: &[u8],
    number: &mut usize,
    sink: &mut dyn FnMut(Value) -> anyhow::Result<()>,
    end: bool,
) -> anyhow::Result<Option<usize>> {
    let mut stream = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    loop {
        let start = stream.byte_offset();
        match stream.next() {
            None => return Ok(None),
            Some(Ok(document)) => {
                *number += 1;
                sink(document)?;
            }
            Some(Err(error)) if error.is_eof() && !end => return Ok(Some(start)),
            Some(Err(error)) => {
                return Err(error).with_context(|| format!("document {} is not JSON", *number + 1));
            }
        }
    }
}

fn read_one(
    mut reader: Box<dyn BufRead + '_>,
    raw: bool,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut first = Vec::new();
    reader.read_until(b'\n', &mut first)?;
    let first_doc = serde_json::from_slice::<Value>(&first).ok();
    if let Some(doc) = first_doc {
        // JSON Lines (of releases, records or whole packages): the first line is a complete
        // document. A release is sent as its line, like every line after it.
        match peek_release(&first).filter(|_| raw) {
            Some(ocid) => sink(Event::RawRelease { ocid, line: first })?,
            None => classify(doc, sink)?,
        }
        let mut number = 1;
        loop {
            let mut line = Vec::with_capacity(1 << 12);
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            number += 1;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if raw && let Some(ocid) = peek_release(&line) {
                sink(Event::RawRelease { ocid, line })?;
                continue;
            }
            let doc: Value = serde_json::from_slice(&line)
                .with_context(|| format!("line {number} is not JSON"))?;
            classify(doc, sink)?;
        }
    }
    let chained = std::io::Cursor::new(first).chain(reader);
    let mut de = serde_json::Deserializer::from_reader(chained);
    loop {
        DocSeed { sink: &mut *sink }.deserialize(&mut de)?;
        if de.end().is_ok() {
            return Ok(());
        }
    }
}

/// Sends a whole document: a package, a record, a release or an array of them.
fn classify(doc: Value, sink: &mut dyn FnMut(Event) -> anyhow::Result<()>) -> anyhow::Result<()> {
    match doc {
        Value::Array(items) => items.into_iter().try_for_each(|item| classify(item, sink)),
        Value::Object(mut map) => {
            let releases = map.remove("releases");
            let records = map.remove("records");
            if releases.is_none() && records.is_none() {
                return sink(Event::Release(Value::Object(map)));
            }
            if !map.contains_key("ocid") {
                sink(Event::Package(map))?;
            }
            for item in releases.into_iter().chain(records).flat_map(into_items) {
                item_event(item, sink)?;
            }
            Ok(())
        }
        _ => anyhow::bail!("expected a JSON object or array, found {doc}"),
    }
}

fn into_items(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// Sends an element of a `releases` or `records` array.
fn item_event(
    item: Value,
    sink: &mut dyn FnMut(Event) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let is_record = item.get("releases").is_some() || item.get("compiledRelease").is_some();
    if is_record {
        let mut linked_only = true;
        let mut compiled = None;
        if let Value::Object(mut record) = item {
            for release in record.remove("releases").into_iter().flat_map(into_items) {
                if !is_linked(&release) {
                    linked_only = false;
                    sink(Event::Release(release))?;
                }
            }
            compiled = record.remove("compiledRelease").filter(Value::is_object);
        }
        if linked_only {
            sink(Event::LinkedOnly(compiled))?;
        }
        return Ok(());
    }
    if is_linked(&item) {
        sink(Event::LinkedOnly(None))
    } else {
        sink(Event::Release(item))
    }
}

/// A linked release (`{url, date, tag}` in a record) rather than an embedded one.
fn is_linked(release: &Value) -> bool {
    release.get("url").is_some() && release.get("ocid").is_none() && release.get("id").is_none()
}

/// Streams one document: arrays named `releases` or `records` are read element by element.
struct DocSeed<'s> {
    sink: &'s mut dyn FnMut(Event) -> anyhow::Result<()>,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OCDS package, release, record or array of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            classify(item, self.sink).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "releases" || key == "records" {
                if !streamed && !rest.contains_key("ocid") {
                    (self.sink)(Event::Package(rest.clone())).map_err(serde::de::Error::custom)?;
                }
                streamed = true;
                map.next_value_seed(ItemsSeed {
                    sink: &mut *self.sink,
                })?;
            } else {
                rest.insert(key, map.next_value()?);
            }
        }
        if !streamed {
            (self.sink)(Event::Release(Value::Object(rest))).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }
}

/// Streams the elements of a `releases` or `records` array.
struct ItemsSeed<'s> {
    sink: &'s mut dyn FnMut(Event) -> anyhow::Result<()>,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of releases or records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Value>()? {
            item_event(item, self.sink).map_err(serde::de::Error::custom)?;
        }
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_documents(input: &[u8]) -> anyhow::Result<Vec<Value>> {
        let mut seen = Vec::new();
        documents(decompressed(input)?, &mut |document| {
            seen.push(document);
            Ok(())
        })?;
        Ok(seen)
    }

    #[test]
    fn documents_are_read_in_every_layout() {
        let ids = |docs: Vec<Value>| docs.iter().map(|d| d["id"].clone()).collect::<Vec<_>>();
        let expected = vec![
            serde_json::json!(1),
            serde_json::json!(2),
            serde_json::json!(3),
        ];
        // JSON Lines, with a blank line and no final newline.
        let lines = b"{\"id\":1}\n\n{\"id\":2}\n{\"id\":3}";
        assert_eq!(ids(all_documents(lines).unwrap()), expected);
        // Pretty-printed, concatenated.
        let pretty = b"{\n  \"id\": 1\n}\n{\n  \"id\": 2\n} {\"id\": 3}\n";
        assert_eq!(ids(all_documents(pretty).unwrap()), expected);
        // JSON Lines at first, then a document over several lines, then two on one line.
        let mixed = b"{\"id\":1}\n{\n\"id\":2}\n{\"id\":3}\n";
        assert_eq!(ids(all_documents(mixed).unwrap()), expected);
        let two = b"{\"id\":1} {\"id\":2}\n{\"id\":3}\n";
        assert_eq!(ids(all_documents(two).unwrap()), expected);
        // gzip.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, pretty).unwrap();
        assert_eq!(ids(all_documents(&gz.finish().unwrap()).unwrap()), expected);
        assert!(all_documents(b"").unwrap().is_empty());
    }

    #[test]
    fn a_bad_or_cut_document_is_named_by_its_number() {
        let bad = all_documents(b"{\"id\":1}\n{\"id\":}\n").unwrap_err();
        assert_eq!(bad.to_string(), "document 2 is not JSON");
        let cut = all_documents(b"{\"id\":1}\n{\"id\":2}\n{\"id\":").unwrap_err();
        assert_eq!(cut.to_string(), "document 3 is not JSON");
        let cut_pretty = all_documents(b"{\n\"id\": 1").unwrap_err();
        assert_eq!(cut_pretty.to_string(), "document 1 is not JSON");
    }

    fn all_events(input: &[u8]) -> Vec<String> {
        let mut seen = Vec::new();
        let reader = decompressed(input).unwrap();
        events(reader, false, &mut |event| {
            seen.push(match event {
                Event::Package(meta) => format!("package {:?}", meta.get("uri")),
                Event::Release(r) => format!("release {}", r["id"]),
                Event::LinkedOnly(c) => format!("linked {}", c.is_some()),
                Event::RawRelease { ocid, .. } => format!("raw {ocid}"),
                Event::RawLines { ends, .. } => format!("lines {}", ends.len()),
            });
            Ok(())
        })
        .unwrap();
        seen
    }

    #[test]
    fn release_lines_come_in_unparsed_batches_and_other_input_as_events() {
        let input = b"{\"ocid\":\"a\",\"id\":\"1\"}\n\n{\"ocid\":\"b\",\"id\":\"2\"}\n{\"ocid\":\"c\",\"id\":\"3\"}";
        let mut batches = Vec::new();
        release_lines(
            decompressed(&input[..]).unwrap(),
            40,
            &mut Vec::new,
            &mut |event| {
                if let Event::RawLines { bytes, ends } = event {
                    let mut start = 0;
                    let lines: Vec<String> = ends
                        .iter()
                        .map(|&end| {
                            let line = String::from_utf8(bytes[start..end].to_vec()).unwrap();
                            start = end;
                            line.trim().to_owned()
                        })
                        .collect();
                    batches.push(lines);
                }
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(
            batches,
            [
                vec![r#"{"ocid":"a","id":"1"}"#, r#"{"ocid":"b","id":"2"}"#],
                vec![r#"{"ocid":"c","id":"3"}"#]
            ]
        );
        let package = br#"{"uri": "u", "releases": [{"ocid": "a", "id": "1"}]}"#;
        let mut seen = Vec::new();
        release_lines(
            decompressed(&package[..]).unwrap(),
            40,
            &mut Vec::new,
            &mut |event| {
                seen.push(matches!(event, Event::Release(_)));
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, [false, true], "the package, then its release");
    }

    #[test]
    fn packages_json_lines_and_gzip_give_the_same_releases() {
        let package =
            br#"{"uri": "u", "releases": [{"ocid": "o", "id": "1"}, {"ocid": "o", "id": "2"}]}"#;
        assert_eq!(
            all_events(package),
            [
                "package Some(String(\"u\"))",
                "release \"1\"",
                "release \"2\""
            ]
        );
        let lines = b"{\"ocid\": \"o\", \"id\": \"1\"}\n\n{\"ocid\": \"o\", \"id\": \"2\"}\n";
        assert_eq!(all_events(lines), ["release \"1\"", "release \"2\""]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, lines).unwrap();
        assert_eq!(
            all_events(&gz.finish().unwrap()),
            ["release \"1\"", "release \"2\""]
        );
        let record = br#"{"records": [{"ocid": "o", "releases": [{"url": "x#1", "date": "d", "tag": []}]}]}"#;
        assert_eq!(all_events(record), ["package None", "linked false"]);
        // A record with linked releases and its compiled release keeps the compiled one.
        let record = br#"{"records": [{"ocid": "o", "releases": [{"url": "x#1", "date": "d", "tag": []}], "compiledRelease": {"ocid": "o", "id": "c"}}]}"#;
        assert_eq!(all_events(record), ["package None", "linked true"]);
    }

    #[test]
    fn peek_finds_the_top_level_ocid_only() {
        let line = br#"{"id": "1", "tender": {"ocid": "inner", "x": "a\"b"}, "ocid" : "ocds-1", "tag": ["t"]}"#;
        assert_eq!(peek_release(line), Some("ocds-1".to_owned()));
        assert_eq!(peek_release(br#"{"ocid": "x", "releases": []}"#), None);
        assert_eq!(peek_release(br#"{"records": [], "ocid": "x"}"#), None);
        assert_eq!(peek_release(br#"{"ocid": "a\u0041"}"#), None);
        assert_eq!(peek_release(br#"{"ocid": 5}"#), None);
        assert_eq!(peek_release(br#"[{"ocid": "x"}]"#), None);
        assert_eq!(peek_release(br#"{"id": "1"}"#), None);
        assert_eq!(leading_ocid(br#" {"ocid":"a","tag":[]}"#), Some("a"));
        assert_eq!(leading_ocid(br#"{"ocid":"a\u0041"}"#), None);
        assert_eq!(leading_ocid(br#"{"ocid": "a"}"#), None);
        assert_eq!(leading_ocid(br#"{"id":"1","ocid":"a"}"#), None);
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop::sample::select(vec![
            "ocid",
            "id",
            "releases",
            "records",
            "compiledRelease",
            "tag",
            "q\"uote",
            "back\\slash",
        ]);
        let text =
            prop::string::string_regex("[a-z\"\\\\{}\\[\\],: \u{e9}\u{1}]{0,8}").expect("regex");
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6).prop_map(|pairs| {
                    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    proptest::proptest! {
        /// Peeking agrees with parsing: the top-level string ocid of an object that is not a
        /// package, record or record-like object, when it needs no escape; nothing otherwise.
        #[test]
        fn peeking_agrees_with_parsing(value in json_value()) {
            let line = serde_json::to_vec(&value).expect("serializes");
            let expected = match &value {
                Value::Object(map)
                    if !["releases", "records", "compiledRelease"].iter().any(|k| map.contains_key(*k)) =>
                {
                    map.get("ocid")
                        .and_then(Value::as_str)
                        .filter(|ocid| !ocid.chars().any(|c| c == '"' || c == '\\' || c < ' '))
                        .map(str::to_owned)
                }
                _ => None,
            };
            proptest::prop_assert_eq!(peek_release(&line), expected);
        }
    }
}
