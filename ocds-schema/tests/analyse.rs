//! `ocds analyse` on real publishers' data and end to end through the command.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use ocds_schema::analyse::{Analyser, Settings};
use ocds_schema::merge::Merger;
use serde_json::{Value, json};

#[test]
fn every_real_file_is_analysed_without_error() {
    // Every release of every real file (1.0 and 1.1, packages and records), grouped by ocid,
    // compiled, then analysed.
    let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let files = common::json_files("real");
    assert!(files.len() > 20, "{} files", files.len());
    for path in &files {
        let file = std::fs::File::open(common::data(path)).unwrap();
        let reader = ocds_schema::read::decompressed(file).unwrap();
        ocds_schema::read::events(reader, false, &mut |event| {
            if let ocds_schema::read::Event::Release(r) = event {
                let ocid = r
                    .get("ocid")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                groups.entry(ocid).or_default().push(r);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let merger = Merger::new();
    let mut analyser = Analyser::new(Settings::default());
    let mut compiled = 0;
    for (seq, releases) in groups.values().enumerate() {
        // Some real releases cannot be merged (no date, for instance); the rest are analysed.
        if let Ok(c) = merger.compile(releases) {
            analyser
                .add_json(seq as u64, c.to_string().as_bytes())
                .unwrap();
            compiled += 1;
        }
    }
    assert!(compiled > 50, "{compiled} compiled releases");
    let report = analyser.finish();
    assert_eq!(report.marco.releases, compiled as u64);
    assert!(!report.marco.suppliers.is_empty());
    assert!(!report.marco.buyers.is_empty());
    // Ukraine's records carry bids: their tenderers are counted.
    assert!(report.marco.suppliers.values().any(|s| s.processes_bid > 0));
}

#[test]
fn the_command_compiles_releases_and_writes_json_and_csv() {
    let release = |ocid: &str, id: &str, tag: &str, extra: Value| {
        let mut r = json!({"ocid": ocid, "id": id, "date": format!("2024-01-0{id}T00:00:00Z"), "tag": [tag], "initiationType": "tender"});
        for (k, v) in extra.as_object().unwrap() {
            r[k] = v.clone();
        }
        r
    };
    let lines = [
        release(
            "ocds-a",
            "1",
            "tender",
            json!({"tender": {"id": "t", "procurementMethod": "open", "numberOfTenderers": 1,
            "tenderPeriod": {"startDate": "2024-01-01T00:00:00Z", "endDate": "2024-01-05T00:00:00Z"}}}),
        ),
        release(
            "ocds-a",
            "2",
            "award",
            json!({"awards": [{"id": "1", "status": "active", "suppliers": [{"id": "S", "name": "S"}], "value": {"amount": 10, "currency": "CLP"}}]}),
        ),
        release(
            "ocds-b",
            "3",
            "tender",
            json!({"tender": {"id": "t", "procurementMethod": "open", "numberOfTenderers": 3}}),
        ),
    ];
    let input: Vec<u8> = lines
        .iter()
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocds"))
        .args(["analyse", "--csv"])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["OCID"]["ocds-a"]["R018"], 1.0);
    assert_eq!(report["OCID"]["ocds-a"]["R003"], 1.0);
    assert!(report["OCID"].get("ocds-b").is_none());
    assert_eq!(
        report["Marco"]["releases"], 2,
        "two processes, compiled from three releases"
    );
    assert_eq!(report["Marco"]["suppliers"]["S"]["awards"], 1);
    let flags = std::fs::read_to_string(dir.path().join("flags.csv")).unwrap();
    assert!(
        flags.starts_with("code,name,group,id,value,ocids\n"),
        "{flags}"
    );
    assert!(
        flags.contains("R018,Single bid received,ocid,ocds-a,1,ocds-a"),
        "{flags}"
    );
    let suppliers = std::fs::read_to_string(dir.path().join("suppliers.csv")).unwrap();
    assert!(suppliers.contains("S,,1,CLP 10.00"), "{suppliers}");

    // Releases of one ocid split apart cannot be compiled as they stream: the command says how.
    let split = [lines[0].clone(), lines[2].clone(), lines[1].clone()];
    let input: Vec<u8> = split
        .iter()
        .flat_map(|l| format!("{l}\n").into_bytes())
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocds"))
        .arg("analyse")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ocds compile --unsorted"));
}

#[test]
fn records_with_only_a_compiled_release_are_analysed() {
    // A record package whose releases are linked by URL: only `compiledRelease` can be read.
    let package = json!({"uri": "u", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1",
    "records": [
        {"ocid": "ocds-r-1", "releases": [{"url": "https://example.org/r1.json", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}],
         "compiledRelease": {"ocid": "ocds-r-1", "id": "c1", "date": "2024-01-02T00:00:00Z", "tag": ["compiled"],
            "tender": {"procurementMethod": "open", "numberOfTenderers": 1}}},
        {"ocid": "ocds-r-2", "releases": [{"url": "https://example.org/r2.json", "date": "2024-01-01T00:00:00Z", "tag": ["tender"]}]}
    ]});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("records.json");
    std::fs::write(&path, package.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ocds"))
        .args(["analyse", "--no-progress"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["OCID"]["ocds-r-1"]["R018"], 1.0);
    // The record with neither embedded releases nor a compiled release cannot be read.
    assert_eq!(report["Marco"]["releases"], 1);
    let markets = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(markets, 1, "no CSV without --csv");
}
