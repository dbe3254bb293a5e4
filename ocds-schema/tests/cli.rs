//! The `ocds` command end to end.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn ocds(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocds"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("writes stdin");
    child.wait_with_output().expect("the binary runs")
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

fn release(ocid: &str, id: &str, date: &str, title: &str) -> Value {
    json!({"ocid": ocid, "id": id, "date": date, "tag": ["tender"], "initiationType": "tender", "tender": {"id": "t", "title": title}})
}

fn jsonl(releases: &[Value]) -> Vec<u8> {
    releases
        .iter()
        .map(|r| format!("{r}\n"))
        .collect::<String>()
        .into_bytes()
}

#[test]
fn merge_prints_the_fixture_result() {
    let input = std::fs::read(common::data("merge-fixtures/1.1/simple.json")).expect("fixture");
    let schema = common::data("merge-fixtures/release-schema-1__1__5.json");
    let output = ocds(
        &[
            "merge",
            "--schema",
            schema.to_str().expect("utf-8 path"),
            "--kind",
            "versioned",
        ],
        &input,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        lines(&output),
        [common::json("merge-fixtures/1.1/simple-versioned.json")]
    );
}

#[test]
fn compile_turns_grouped_json_lines_into_compiled_releases() {
    let input = jsonl(&[
        release("ocds-a-1", "1", "2020-01-01T00:00:00Z", "A"),
        release("ocds-a-1", "2", "2020-01-02T00:00:00Z", "B"),
        release("ocds-a-2", "1", "2020-01-01T00:00:00Z", "C"),
    ]);
    let output = ocds(&["compile", "--output", "compiled"], &input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let compiled = lines(&output);
    assert_eq!(compiled.len(), 2);
    assert_eq!(compiled[0]["tender"]["title"], "B");
    assert_eq!(compiled[1]["ocid"], "ocds-a-2");
}

#[test]
fn compile_states_the_grouping_rule_when_an_ocid_comes_back() {
    let input = jsonl(&[
        release("ocds-a-1", "1", "2020-01-01T00:00:00Z", "A"),
        release("ocds-a-2", "1", "2020-01-01T00:00:00Z", "C"),
        release("ocds-a-1", "2", "2020-01-02T00:00:00Z", "B"),
    ]);
    let output = ocds(&["compile", "--output", "compiled"], &input);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("grouped by ocid") && stderr.contains("--unsorted"),
        "{stderr}"
    );

    let spilled = ocds(&["compile", "--unsorted", "--output", "compiled"], &input);
    assert!(spilled.status.success());
    let mut titles: Vec<Value> = lines(&spilled)
        .iter()
        .map(|c| c["tender"]["title"].clone())
        .collect();
    titles.sort_by_key(Value::to_string);
    assert_eq!(titles, [json!("B"), json!("C")]);

    // A file is checked first and spilled when it needs it: no flag, the same result.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("feed.jsonl");
    std::fs::write(&path, &input).expect("writes");
    let path = path.to_str().expect("utf-8 path");
    let auto = ocds(
        &["compile", "--output", "compiled", "--no-progress", path],
        b"",
    );
    assert!(
        auto.status.success(),
        "{}",
        String::from_utf8_lossy(&auto.stderr)
    );
    let mut from_file = lines(&auto);
    let mut spilled = lines(&spilled);
    from_file.sort_by_key(|c| c["ocid"].to_string());
    spilled.sort_by_key(|c| c["ocid"].to_string());
    assert_eq!(from_file, spilled);
    // A grouped file still streams in input order.
    let grouped = jsonl(&[
        release("ocds-b-9", "1", "2020-01-01T00:00:00Z", "Z"),
        release("ocds-a-1", "1", "2020-01-01T00:00:00Z", "A"),
        release("ocds-a-1", "2", "2020-01-02T00:00:00Z", "B"),
    ]);
    let path2 = dir.path().join("grouped.jsonl");
    std::fs::write(&path2, &grouped).expect("writes");
    let out = ocds(
        &[
            "compile",
            "--output",
            "compiled",
            "--no-progress",
            path2.to_str().expect("utf-8"),
        ],
        b"",
    );
    let ocids: Vec<Value> = lines(&out).iter().map(|c| c["ocid"].clone()).collect();
    assert_eq!(ocids, [json!("ocds-b-9"), json!("ocds-a-1")]);
}

#[test]
fn compile_reads_gzipped_release_packages_into_a_record_package() {
    let package = common::json("frameworks/open_multiple_first_stage.json");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(package.to_string().as_bytes())
        .expect("compresses");
    let output = ocds(
        &["compile", "--versioned", "--no-progress"],
        &gz.finish().expect("compresses"),
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let records: Value = serde_json::from_slice(&output.stdout).expect("one record package");
    assert_eq!(records["records"].as_array().map(Vec::len), Some(1));
    assert_eq!(records["uri"], package["uri"]);
    assert_eq!(records["extensions"], package["extensions"]);
    let record = &records["records"][0];
    assert_eq!(record["compiledRelease"]["tag"], json!(["compiled"]));
    assert!(record["versionedRelease"]["tender"]["title"].is_array());
}

#[test]
fn validate_exits_one_on_errors_and_zero_on_the_framework_examples() {
    let good = std::fs::read(common::data("frameworks/closed_single_award.json")).expect("example");
    assert!(ocds(&["validate"], &good).status.success());
    let mut bad = common::json("frameworks/closed_single_award.json");
    bad["releases"][0]["date"] = json!("yesterday");
    let output = ocds(&["validate", "--json"], bad.to_string().as_bytes());
    assert_eq!(output.status.code(), Some(1));
    let report = &lines(&output)[0];
    assert_eq!(report["errors"][0]["pointer"], "/releases/0/date");
}

#[test]
fn stats_counts_processes_releases_awards_and_value() {
    let mut first = release("ocds-a-1", "1", "2020-01-01T00:00:00Z", "A");
    first["awards"] = json!([{"id": "x", "value": {"amount": 10.5, "currency": "EUR"}}]);
    let mut second = release("ocds-a-1", "2", "2020-01-02T00:00:00Z", "A");
    second["awards"] = json!([{"id": "x", "value": {"amount": 12, "currency": "EUR"}}, {"id": "y", "value": {"amount": 1, "currency": "CLP"}}]);
    let output = ocds(&["stats", "--json"], &jsonl(&[first, second]));
    let stats: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(stats["ocids"], 1);
    assert_eq!(stats["releases"], 2);
    assert_eq!(stats["tags"]["tender"], 2);
    assert_eq!(stats["awards"], 2);
    assert_eq!(
        stats["awardValueByCurrency"],
        json!({"CLP": "1", "EUR": "12"})
    );
}

/// Runs `ocds` with standard output written to a regular file that already holds `before`
/// (opened for appending and positioned at its end); gives the exit code, the whole file and
/// stderr.
fn ocds_into_file(args: &[&str], before: &[u8]) -> (Option<i32>, Vec<u8>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("out");
    std::fs::write(&path, before).expect("writes");
    let mut out = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .expect("opens");
    // At the end, so that the output starts where the file ends and can be cut back to there.
    std::io::Seek::seek(&mut out, std::io::SeekFrom::End(0)).expect("seeks");
    let output = Command::new(env!("CARGO_BIN_EXE_ocds"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        std::fs::read(&path).expect("reads"),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A file compiled into a file is read once, as grouped, and read again when it is not: every
/// way gives what standard input (grouped) or `--unsorted` gives, and what the output file held
/// before stays.
#[test]
fn compile_into_a_file_starts_over_when_the_input_is_not_what_it_looked_like() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = |name: &str, text: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("writes");
        path.to_str().expect("utf-8").to_owned()
    };
    let grouped = jsonl(&[
        release("ocds-b-9", "1", "2020-01-01T00:00:00Z", "Z"),
        release("ocds-a-1", "1", "2020-01-01T00:00:00Z", "A"),
        release("ocds-a-1", "2", "2020-01-02T00:00:00Z", "B"),
    ]);
    let apart = jsonl(&[
        release("ocds-a-1", "1", "2020-01-01T00:00:00Z", "A"),
        release("ocds-b-9", "1", "2020-01-01T00:00:00Z", "Z"),
        release("ocds-a-1", "2", "2020-01-02T00:00:00Z", "B"),
    ]);
    // A record line whose own `ocid` comes first: grouped by its releases, not by the guess.
    let mut with_record = grouped.clone();
    with_record.extend_from_slice(
        br#"{"ocid":"ocds-a-1","releases":[{"ocid":"ocds-c-3","id":"9","date":"2021-01-01T00:00:00Z","tag":["tender"]}]}"#,
    );
    with_record.push(b'\n');
    // A second top-level `ocid`, which is the one a parser keeps.
    let mut two_ocids = grouped.clone();
    two_ocids.extend_from_slice(
        br#"{"ocid":"ocds-a-1","id":"3","date":"2020-01-03T00:00:00Z","ocid":"ocds-d-4","tag":["tender"]}"#,
    );
    two_ocids.push(b'\n');
    for kind in ["compiled", "records"] {
        for (name, text) in [
            ("grouped", &grouped),
            ("with-record", &with_record),
            ("two-ocids", &two_ocids),
        ] {
            let path = file(name, text);
            let expected = ocds(&["compile", "--output", kind, "--no-progress", "-"], text);
            assert!(expected.status.success(), "{name}");
            let (code, out, stderr) = ocds_into_file(
                &["compile", "--output", kind, "--no-progress", &path],
                b"kept\n",
            );
            assert_eq!(code, Some(0), "{name}: {stderr}");
            assert_eq!(
                out,
                [&b"kept\n"[..], &expected.stdout].concat(),
                "{name} {kind}"
            );
            // Written to a new file (`>`): the same.
            let (code, fresh, _) =
                ocds_into_file(&["compile", "--output", kind, "--no-progress", &path], b"");
            assert_eq!((code, fresh), (Some(0), expected.stdout.clone()), "{name}");
        }
        let path = file("apart", &apart);
        let spilled = ocds(&["compile", "--unsorted", "--output", kind, "-"], &apart);
        let (code, out, stderr) =
            ocds_into_file(&["compile", "--output", kind, "--no-progress", &path], b"");
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.contains("compiled again"), "{stderr}");
        let sorted = |bytes: &[u8]| {
            let mut lines: Vec<String> = String::from_utf8_lossy(bytes)
                .lines()
                .map(str::to_owned)
                .collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&out), sorted(&spilled.stdout), "{kind}");
    }
    // A line that is not JSON fails as it does from standard input, once.
    let mut bad = grouped.clone();
    bad.extend_from_slice(b"{\"ocid\":\"ocds-e-5\", nope}\n");
    let path = file("bad", &bad);
    let from_stdin = ocds(&["compile", "--output", "compiled", "-"], &bad);
    let (code, out, stderr) = ocds_into_file(
        &["compile", "--output", "compiled", "--no-progress", &path],
        b"",
    );
    assert_eq!(code, from_stdin.status.code());
    assert_eq!(out, from_stdin.stdout);
    assert_eq!(stderr.matches("not valid JSON").count(), 1, "{stderr}");
    // A group that cannot be merged (a release with no date) is reported once too, and the
    // other groups are still written.
    let mut undated = grouped.clone();
    undated.extend_from_slice(
        b"{\"ocid\":\"ocds-f-6\",\"id\":\"1\",\"date\":\"2020-01-01T00:00:00Z\"}\n",
    );
    undated.extend_from_slice(b"{\"ocid\":\"ocds-f-6\",\"id\":\"2\"}\n");
    undated.extend_from_slice(&jsonl(&[release(
        "ocds-g-7",
        "1",
        "2020-01-01T00:00:00Z",
        "G",
    )]));
    // After it, a record line: the run starts over, and the first run's failure is not told twice.
    undated.extend_from_slice(
        b"{\"ocid\":\"ocds-h-8\",\"releases\":[{\"ocid\":\"ocds-h-8\",\"id\":\"1\",\"date\":\"2021-01-01T00:00:00Z\"}]}\n",
    );
    let path = file("undated", &undated);
    let from_stdin = ocds(&["compile", "--output", "compiled", "-"], &undated);
    let (code, out, stderr) = ocds_into_file(
        &["compile", "--output", "compiled", "--no-progress", &path],
        b"",
    );
    assert_eq!(code, Some(1));
    assert_eq!(code, from_stdin.status.code());
    assert_eq!(out, from_stdin.stdout);
    assert_eq!(lines(&from_stdin).len(), 4, "the other groups are written");
    assert_eq!(stderr.matches("ocds-f-6").count(), 1, "{stderr}");
}
