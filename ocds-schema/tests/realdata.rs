//! The merge of the real 1.1 data equals the reference merge (ocdsmerge 0.8) output.

mod common;

use std::collections::HashMap;
use std::io::BufRead;

use ocds_schema::merge::Merger;
use serde_json::Value;

/// Releases of the `version: "1.1"` real files (records excluded), grouped by ocid in input order.
fn groups() -> Vec<(String, Vec<Value>)> {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<Value>> = HashMap::new();
    for path in common::json_files("real") {
        let document = common::json(&path);
        if document.get("version").and_then(Value::as_str) != Some("1.1")
            || document.get("records").is_some()
        {
            continue;
        }
        let releases = match document.get("releases") {
            Some(Value::Array(releases)) => releases.clone(),
            _ => vec![document],
        };
        for release in releases {
            let ocid = release["ocid"].as_str().unwrap_or_default().to_owned();
            if !groups.contains_key(&ocid) {
                order.push(ocid.clone());
            }
            groups.entry(ocid).or_default().push(release);
        }
    }
    order
        .into_iter()
        .map(|ocid| {
            let releases = groups.remove(&ocid).unwrap_or_default();
            (ocid, releases)
        })
        .collect()
}

fn expected(name: &str) -> HashMap<String, Value> {
    let file = std::fs::File::open(common::data(name)).expect("expected output");
    let reader = std::io::BufReader::new(flate2::read::GzDecoder::new(file));
    reader
        .lines()
        .map(|line| serde_json::from_str::<Value>(&line.expect("a line")).expect("JSON"))
        .map(|merged| {
            (
                merged["ocid"].as_str().unwrap_or_default().to_owned(),
                merged,
            )
        })
        .collect()
}

#[test]
fn real_data_compiles_and_versions_like_the_reference() {
    let merger = Merger::new();
    let compiled = expected("expected/real-1.1-compiled.jsonl.gz");
    let versioned = expected("expected/real-1.1-versioned.jsonl.gz");
    let groups = groups();
    assert_eq!(groups.len(), 195);
    for (ocid, releases) in &groups {
        let mut sorted = releases.clone();
        sorted.sort_by(|a, b| a["date"].as_str().cmp(&b["date"].as_str()));
        assert_eq!(
            merger.compile(&sorted).ok().as_ref(),
            compiled.get(ocid),
            "compiled {ocid}"
        );
        assert_eq!(
            merger.versioned(&sorted).ok().as_ref(),
            versioned.get(ocid),
            "versioned {ocid}"
        );
    }
}
