//! Bulk files: the same releases as the feed, grown by appending, replaced atomically, served
//! with ETag, Last-Modified and byte ranges; the records JSON Lines feed; and HTTP 429 on the
//! keyless feeds.

use std::io::Read;

use marco::publish::{bulk, publish};
use marco_tests::TestApp;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const BUYER: &str = "CL-RUT-60808000-K";
pub const SUPPLIER: &str = "CL-RUT-76354771-3";

/// A framework tender naming its buyer.
pub fn tender(title: &str) -> Value {
    json!({
        "parties": [{
            "id": BUYER, "name": "Dirección de Compras Demo",
            "identifier": {"scheme": "CL-RUT", "id": "60808000-K"},
            "roles": ["buyer", "procuringEntity"]
        }],
        "buyer": {"id": BUYER, "name": "Dirección de Compras Demo"},
        "tender": {
            "id": "framework", "title": title, "status": "active", "procurementMethod": "selective",
            "techniques": {"hasFrameworkAgreement": true},
            "tenderPeriod": {"startDate": "2026-01-05T00:00:00Z", "endDate": "2026-02-05T00:00:00Z"}
        }
    })
}

/// An award with its contract, a delivery milestone and a payment.
pub fn contract(n: u32, supplier_name: &str) -> Value {
    json!({
        "parties": [
            {"id": BUYER, "name": "Dirección de Compras Demo",
             "identifier": {"scheme": "CL-RUT", "id": "60808000-K"},
             "roles": ["buyer", "payer"]},
            {"id": SUPPLIER, "name": supplier_name,
             "identifier": {"scheme": "CL-RUT", "id": "76354771-3"},
             "roles": ["supplier", "payee"], "details": {"scale": "small"}}
        ],
        "buyer": {"id": BUYER, "name": "Dirección de Compras Demo"},
        "awards": [{
            "id": format!("award-{n}"), "status": "active", "date": "2026-03-01T00:00:00Z",
            "value": {"amount": 1000 + n, "currency": "CLP"},
            "suppliers": [{"id": SUPPLIER, "name": supplier_name}]
        }],
        "contracts": [{
            "id": format!("contract-{n}"), "awardID": format!("award-{n}"), "status": "active",
            "value": {"amount": 1000 + n, "currency": "CLP"},
            "milestones": [{"id": format!("m-{n}"), "title": "Kick-off", "type": "delivery", "status": "scheduled", "dueDate": "2026-04-01T00:00:00Z"}],
            "implementation": {
                "transactions": [{
                    "id": format!("payment-{n}"), "date": "2026-05-01T00:00:00Z",
                    "value": {"amount": 500 + n, "currency": "CLP"},
                    "payer": {"id": BUYER, "name": "Dirección de Compras Demo"},
                    "payee": {"id": SUPPLIER, "name": supplier_name}
                }]
            }
        }]
    })
}

/// Publishes `count` releases over `processes` contracting processes in one transaction.
pub async fn publish_many(app: &TestApp, start: u32, count: u32, processes: u32) {
    let txn = app.state.begin_write().await.unwrap();
    for i in start..start + count {
        let ocid = format!("ocds-demo00-bulk-{}", i % processes);
        let (tags, body): (&[&str], Value) = if i < processes {
            (&["tender"], tender(&format!("Framework {i}")))
        } else {
            (
                &["award", "contract", "implementation"],
                contract(i, "Nube Andina SpA"),
            )
        };
        publish(&txn, &app.state.publisher, &ocid, tags, body)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
}

/// Decompresses concatenated gzip members.
pub fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn listing(app_listing: &Value, name: &str) -> Value {
    app_listing["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {app_listing}"))
        .clone()
}

async fn download(app: &TestApp, name: &str) -> Vec<u8> {
    let res = app.get(&format!("/ocds/bulk/{name}")).await;
    assert_eq!(res.status, 200, "{name}: {}", res.text());
    res.body
}

#[tokio::test]
async fn bulk_files_hold_every_release_once_in_order_and_grow_by_appending() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 30, 6).await;
    let report = bulk::refresh(&app.state).await.unwrap();
    assert_eq!((report.last_sequence, report.new_releases), (30, 30));

    let feed = app.get("/ocds/releases.jsonl").await.text();
    assert_eq!(feed.lines().count(), 30);
    let first = download(&app, bulk::RELEASES).await;
    assert_eq!(
        gunzip(&first),
        feed,
        "the bulk file is the feed, byte for byte"
    );

    let list = app.get("/ocds/bulk/").await.json();
    assert_eq!(list["lastSequence"], 30);
    let first_release: Value = serde_json::from_str(feed.lines().next().unwrap()).unwrap();
    let year = &first_release["date"].as_str().unwrap()[..4];
    let per_year = download(&app, &format!("releases-{year}.jsonl.gz")).await;
    assert_eq!(gunzip(&per_year), feed, "every release is dated this year");
    for file in list["files"].as_array().unwrap() {
        let name = file["name"].as_str().unwrap();
        let bytes = download(&app, name).await;
        assert_eq!(file["size"], bytes.len(), "{name}");
        assert_eq!(
            file["sha256"],
            hex::encode(Sha256::digest(&bytes)),
            "{name}"
        );
        assert_eq!(
            file["url"],
            format!("http://127.0.0.1:8080/ocds/bulk/{name}")
        );
        assert!(file["lastModified"].as_str().unwrap().ends_with('Z'));
    }

    let records = gunzip(&download(&app, bulk::RECORDS).await);
    assert_eq!(
        records,
        app.get("/ocds/records.jsonl").await.text(),
        "the records file holds what the records feed streams"
    );
    assert_eq!(records.lines().count(), 6);
    for line in records.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["releases"].as_array().unwrap().len(), 5);
        assert_eq!(record["compiledRelease"]["ocid"], record["ocid"]);
    }

    // Nothing new: nothing is rewritten.
    let again = bulk::refresh(&app.state).await.unwrap();
    assert_eq!(again.new_releases, 0);
    assert_eq!(download(&app, bulk::RELEASES).await, first);

    publish_many(&app, 30, 7, 6).await;
    let report = bulk::refresh(&app.state).await.unwrap();
    assert_eq!((report.new_releases, report.from_scratch), (7, false));
    let grown = download(&app, bulk::RELEASES).await;
    assert!(
        grown.len() > first.len() && grown[..first.len()] == first[..],
        "the old bytes are kept and a new gzip member is appended"
    );
    let feed = app.get("/ocds/releases.jsonl").await.text();
    assert_eq!(gunzip(&grown), feed);
    assert_eq!(feed.lines().count(), 37);
    if let Ok(mut gzip) = std::process::Command::new("gzip")
        .args(["-dc"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        gzip.stdin.take().unwrap().write_all(&grown).unwrap();
        let out = gzip.wait_with_output().unwrap();
        assert!(out.status.success(), "gzip -d reads it as one file");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), feed);
    }
    let list = app.get("/ocds/bulk/").await.json();
    assert_eq!(listing(&list, bulk::RELEASES)["releases"], 37);
    assert_eq!(listing(&list, bulk::RECORDS)["lastSequence"], 37);
    assert_eq!(
        gunzip(&download(&app, bulk::RECORDS).await).lines().count(),
        6
    );
}

#[tokio::test]
async fn a_file_changed_on_disk_is_rebuilt_rather_than_appended_to() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 5, 2).await;
    bulk::refresh(&app.state).await.unwrap();
    let path = app.state.bulk.dir().join(bulk::RELEASES);
    std::fs::write(&path, b"not what the manifest says").unwrap();
    publish_many(&app, 5, 3, 2).await;
    let report = bulk::refresh(&app.state).await.unwrap();
    assert!(report.from_scratch);
    let feed = app.get("/ocds/releases.jsonl").await.text();
    assert_eq!(gunzip(&download(&app, bulk::RELEASES).await), feed);
    assert_eq!(feed.lines().count(), 8);
}

#[tokio::test]
async fn bulk_downloads_answer_etag_last_modified_304_and_ranges() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 12, 3).await;
    bulk::refresh(&app.state).await.unwrap();
    let url = format!("/ocds/bulk/{}", bulk::RELEASES);
    let full = app.get_with(&url, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.header("content-type").unwrap(), "application/gzip");
    assert_eq!(full.header("accept-ranges").unwrap(), "bytes");
    assert!(
        full.header("content-encoding").is_none(),
        "not compressed twice"
    );
    let etag = full.header("etag").unwrap();
    assert_eq!(
        etag,
        format!("\"{}\"", hex::encode(Sha256::digest(&full.body)))
    );
    let modified = full.header("last-modified").unwrap();
    assert!(modified.ends_with(" GMT"), "{modified}");

    let res = app.get_with(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status, 304);
    assert!(res.body.is_empty());
    assert_eq!(res.header("etag").unwrap(), etag);
    let res = app.get_with(&url, &[("if-none-match", "\"other\"")]).await;
    assert_eq!(res.status, 200);
    let res = app
        .get_with(&url, &[("if-modified-since", &modified)])
        .await;
    assert_eq!(res.status, 304);
    let res = app
        .get_with(
            &url,
            &[("if-modified-since", "Thu, 01 Jan 2015 00:00:00 GMT")],
        )
        .await;
    assert_eq!(res.status, 200);

    let len = full.body.len();
    let res = app.get_with(&url, &[("range", "bytes=10-19")]).await;
    assert_eq!(res.status, 206);
    assert_eq!(res.body, full.body[10..20]);
    assert_eq!(
        res.header("content-range").unwrap(),
        format!("bytes 10-19/{len}")
    );
    let res = app.get_with(&url, &[("range", "bytes=-7")]).await;
    assert_eq!(
        (res.status.as_u16(), &res.body[..]),
        (206, &full.body[len - 7..])
    );
    let res = app.get_with(&url, &[("range", "bytes=5-")]).await;
    assert_eq!(res.body, full.body[5..]);
    let res = app
        .get_with(&url, &[("range", "bytes=0-3"), ("if-range", "\"stale\"")])
        .await;
    assert_eq!(
        res.status, 200,
        "a range of another version is not honoured"
    );
    let res = app
        .get_with(&url, &[("range", "bytes=0-3"), ("if-range", &etag)])
        .await;
    assert_eq!(res.status, 206);
    let res = app
        .get_with(&url, &[("range", &format!("bytes={len}-"))])
        .await;
    assert_eq!(res.status, 416);
    assert_eq!(
        res.header("content-range").unwrap(),
        format!("bytes */{len}")
    );
    assert_eq!(res.json()["error"]["code"], "range_not_satisfiable");

    for missing in [
        "/ocds/bulk/nope.jsonl.gz",
        "/ocds/bulk/manifest.json",
        "/ocds/bulk/..%2F..%2Fmarco.db",
        "/ocds/bulk/%2E%2E",
    ] {
        let res = app.get(missing).await;
        assert_eq!(res.status, 404, "{missing}");
        assert_eq!(res.json()["error"]["code"], "not_found", "{missing}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_during_a_refresh_always_gets_a_whole_file() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 20, 4).await;
    bulk::refresh(&app.state).await.unwrap();
    let state = app.state.clone();
    let writer = tokio::spawn(async move {
        let app_state = state;
        for round in 0..12u32 {
            let txn = app_state.begin_write().await.unwrap();
            for i in 0..25 {
                let n = 100 + round * 25 + i;
                publish(
                    &txn,
                    &app_state.publisher,
                    &format!("ocds-demo00-bulk-{}", n % 4),
                    &["award", "contract", "implementation"],
                    contract(n, "Nube Andina SpA"),
                )
                .await
                .unwrap();
            }
            txn.commit().await.unwrap();
            bulk::refresh(&app_state).await.unwrap();
        }
    });
    let mut reads = 0;
    let mut last_count = 0;
    while !writer.is_finished() || reads < 5 {
        let res = app.get(&format!("/ocds/bulk/{}", bulk::RELEASES)).await;
        assert_eq!(res.status, 200);
        assert_eq!(
            res.header("etag").unwrap(),
            format!("\"{}\"", hex::encode(Sha256::digest(&res.body))),
            "the ETag names the bytes sent"
        );
        let text = gunzip(&res.body);
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(lines.len() >= last_count, "files only grow");
        assert_eq!(lines.len() % 25, 20, "whole refreshes only");
        last_count = lines.len();
        let zip = app.get(&format!("/ocds/bulk/{}", bulk::CSV_ZIP)).await;
        zip::ZipArchive::new(std::io::Cursor::new(zip.body)).expect("a complete zip");
        reads += 1;
    }
    writer.await.unwrap();
    assert!(reads >= 5);
    let last = app.get(&format!("/ocds/bulk/{}", bulk::RELEASES)).await;
    assert_eq!(gunzip(&last.body).lines().count(), 20 + 12 * 25);
}

#[tokio::test]
async fn the_csv_zip_holds_every_table_joined_by_ocid_and_release_id() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 6, 2).await;
    bulk::refresh(&app.state).await.unwrap();
    let bytes = download(&app, bulk::CSV_ZIP).await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "amendments.csv",
            "award_suppliers.csv",
            "awards.csv",
            "contracts.csv",
            "milestones.csv",
            "parties.csv",
            "releases.csv",
            "transactions.csv"
        ]
    );
    let mut table = |name: &str| -> Vec<csv::StringRecord> {
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "ocid", "{name}");
        assert_eq!(&headers[1], "release_id", "{name}");
        reader.records().map(Result::unwrap).collect()
    };
    let releases = table("releases.csv");
    assert_eq!(releases.len(), 6);
    let awards = table("awards.csv");
    assert_eq!(awards.len(), 4, "releases 2 to 5 each award once");
    let award = &awards[0];
    let parent = releases
        .iter()
        .find(|r| r[0] == award[0] && r[1] == award[1])
        .expect("the award joins back to its release");
    assert_eq!(&parent[3], "award;contract;implementation", "tags");
    let suppliers = table("award_suppliers.csv");
    assert!(suppliers.iter().any(|s| s[1] == award[1]
        && s[2] == award[2]
        && &s[3] == SUPPLIER
        && &s[4] == "Nube Andina SpA"));
    let parties = table("parties.csv");
    assert!(
        parties
            .iter()
            .any(|p| p[1] == award[1] && &p[2] == SUPPLIER && &p[7] == "supplier;payee"),
        "the supplier party joins by release"
    );
    let contracts = table("contracts.csv");
    assert_eq!(contracts.len(), 4);
    assert!(
        contracts
            .iter()
            .all(|c| c[3] == c[2].replace("contract", "award"))
    );
    let transactions = table("transactions.csv");
    assert_eq!(transactions.len(), 4);
    assert!(
        transactions
            .iter()
            .all(|t| contracts.iter().any(|c| c[1] == t[1] && c[2] == t[2]))
    );
    let milestones = table("milestones.csv");
    assert_eq!(milestones.len(), 4);
    assert!(
        milestones
            .iter()
            .all(|m| &m[2] == "contract" && m[3].starts_with("contract-"))
    );
}

#[tokio::test]
async fn records_stream_as_json_lines_by_path_or_accept_header() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 15, 5).await;
    let package = app.get("/ocds/records?limit=1000").await.json();
    let by_path = app.get("/ocds/records.jsonl").await;
    assert_eq!(
        by_path.header("content-type").unwrap(),
        "application/x-ndjson"
    );
    let lines: Vec<Value> = by_path
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&Value::Array(lines.clone()), &package["records"]);
    let by_accept = app
        .get_with("/ocds/records", &[("accept", "application/x-ndjson")])
        .await;
    assert_eq!(by_accept.text(), by_path.text());
    let page = app.get("/ocds/records.jsonl?limit=2").await.text();
    assert_eq!(page.lines().count(), 2);
    let cursor = lines[1]["releases"][0]["url"].as_str().unwrap();
    assert!(cursor.contains("-00000002"), "{cursor}");
    let rest = app.get("/ocds/records.jsonl?cursor=2").await.text();
    assert_eq!(
        rest.lines().count(),
        3,
        "after the second process's first release"
    );
    let versioned = app
        .get("/ocds/records.jsonl?versioned=true&limit=1")
        .await
        .text();
    assert!(versioned.contains("\"versionedRelease\""));
    assert_eq!(
        app.get("/ocds/records.jsonl?versioned=maybe").await.status,
        422
    );
}

#[tokio::test]
async fn the_feeds_answer_429_with_retry_after_over_their_rate() {
    let database = marco_tests::database::TestDatabase::new().await;
    let mut config = marco_tests::app::test_config(&database);
    config.feed_rate_per_minute = 3;
    let state = marco::state::AppState::new(database.db.clone(), config).unwrap();
    let app = TestApp {
        router: marco::router(state.clone()),
        state,
        database,
    };
    for path in ["/ocds/releases", "/ocds/bulk/", "/ocds/log"] {
        assert_eq!(app.get(path).await.status, 200, "{path}");
    }
    let res = app.get("/ocds/records.jsonl").await;
    assert_eq!(res.status, 429);
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    let body = res.json();
    assert_eq!(body["error"]["code"], "rate_limited");
    assert_eq!(
        app.get("/healthz").await.status,
        200,
        "only the feeds are limited"
    );
}
