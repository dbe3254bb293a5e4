//! The release log: publishing inside a transaction, keyset feeds, records, and the
//! tamper-evident hash chain with its signed head.

use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use marco::publish::{PublishError, chain, publish};
use marco_tests::TestApp;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const BUYER: &str = "CL-RUT-60808000-K";

fn tender(title: &str) -> Value {
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

fn award(supplier: &str) -> Value {
    json!({
        "parties": [{
            "id": supplier, "name": "Nube Andina SpA",
            "identifier": {"scheme": "CL-RUT", "id": "76354771-3"},
            "roles": ["supplier"], "details": {"scale": "small"}
        }],
        "awards": [{"id": format!("admit-{supplier}"), "status": "active", "suppliers": [{"id": supplier, "name": "Nube Andina SpA"}]}]
    })
}

async fn publish_one(
    app: &TestApp,
    ocid: &str,
    tags: &[&str],
    body: Value,
) -> marco::publish::Published {
    let txn = app.state.begin_write().await.unwrap();
    let published = publish(&txn, &app.state.publisher, ocid, tags, body)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    published
}

#[tokio::test]
async fn a_published_release_is_served_exactly_as_hashed() {
    let app = TestApp::new().await;
    let published = publish_one(
        &app,
        "ocds-demo00-fw-1",
        &["tender"],
        tender("Cloud services 1"),
    )
    .await;
    assert_eq!(published.sequence, 1);

    let package = app
        .get(&format!("/ocds/releases/{}", published.release_id))
        .await
        .json();
    let release = &package["releases"][0];
    assert_eq!(release["ocid"], "ocds-demo00-fw-1");
    assert_eq!(release["tag"], json!(["tender"]));
    assert_eq!(release["initiationType"], "tender");
    let canonical = chain::canonical_json(release).unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(canonical.as_bytes())),
        published.release_hash
    );
    let mut joined = vec![0u8; 32];
    joined.extend(hex::decode(&published.release_hash).unwrap());
    assert_eq!(
        hex::encode(Sha256::digest(&joined)),
        published.chain_hash,
        "chain_1 = sha256(0^32 || hash_1)"
    );
    assert_eq!(package["version"], "1.1");
    assert_eq!(
        package["license"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert!(package["extensions"].as_array().unwrap().len() >= 5);
    assert!(
        app.state
            .publisher
            .validator()
            .validate_release_package(&package)
            .is_empty()
    );
}

#[tokio::test]
async fn a_rolled_back_action_leaves_no_release_and_no_gap() {
    let app = TestApp::new().await;
    let txn = app.state.begin_write().await.unwrap();
    publish(
        &txn,
        &app.state.publisher,
        "ocds-demo00-gone",
        &["tender"],
        tender("Never"),
    )
    .await
    .unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(
        app.get("/ocds/releases").await.json()["releases"],
        json!([])
    );
    let next = publish_one(&app, "ocds-demo00-kept", &["tender"], tender("Kept")).await;
    assert_eq!(next.sequence, 1, "the rolled-back number is reused: no gap");
}

#[tokio::test]
async fn invalid_releases_are_refused_outside_production() {
    let app = TestApp::new().await;
    let txn = app.state.begin_write().await.unwrap();
    let mut bad = tender("Bad");
    bad["tender"]["status"] = json!("bogus");
    let err = publish(
        &txn,
        &app.state.publisher,
        "ocds-demo00-bad",
        &["tender"],
        bad,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, PublishError::Invalid { errors, .. } if errors.iter().any(|e| e.pointer == "/tender/status")),
        "{err}"
    );
    let err = publish(
        &txn,
        &app.state.publisher,
        "wrong-prefix-1",
        &["tender"],
        tender("x"),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, PublishError::Invalid { .. }),
        "ocid prefix is checked"
    );
    let err = publish(
        &txn,
        &app.state.publisher,
        "ocds-demo00-x",
        &["tender"],
        json!({"id": "mine"}),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, PublishError::Body(_)),
        "id is assigned by publish"
    );
}

#[tokio::test]
async fn following_links_next_visits_every_release_once_in_order_with_filters() {
    let app = TestApp::new().await;
    let txn = app.state.begin_write().await.unwrap();
    for i in 0..125 {
        let ocid = format!("ocds-demo00-fw-{}", i % 5);
        if i < 5 {
            publish(
                &txn,
                &app.state.publisher,
                &ocid,
                &["tender"],
                tender(&format!("Framework {i}")),
            )
            .await
            .unwrap();
        } else {
            publish(
                &txn,
                &app.state.publisher,
                &ocid,
                &["award"],
                award(&format!("CL-RUT-S{}", i % 3)),
            )
            .await
            .unwrap();
        }
    }
    txn.commit().await.unwrap();

    let mut seen = Vec::new();
    let mut url = "/ocds/releases?limit=50".to_owned();
    loop {
        let page = app.get(&url).await.json();
        for release in page["releases"].as_array().unwrap() {
            seen.push(release["id"].as_str().unwrap().to_owned());
        }
        match page["links"]["next"].as_str() {
            Some(next) => url = next.trim_start_matches("http://127.0.0.1:8080").to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 125);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 125, "no release twice");
    let sequences: Vec<u64> = seen
        .iter()
        .map(|id| id.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        sequences,
        (1..=125).collect::<Vec<u64>>(),
        "publication order, gap-free"
    );

    assert_eq!(
        app_count(&app, "/ocds/releases?limit=1000&ocid=ocds-demo00-fw-2").await,
        25
    );
    assert_eq!(
        app_count(&app, "/ocds/releases?limit=1000&tag=tender").await,
        5
    );
    assert_eq!(
        app_count(&app, &format!("/ocds/releases?limit=1000&buyer={BUYER}")).await,
        5
    );
    assert_eq!(
        app_count(&app, "/ocds/releases?limit=1000&supplier=CL-RUT-S1").await,
        40
    );
    assert_eq!(
        app_count(&app, "/ocds/releases?limit=1000&since=2000-01-01").await,
        125
    );
    assert_eq!(
        app_count(&app, "/ocds/releases?limit=1000&until=2000-01-01").await,
        0
    );
}

async fn app_count(app: &TestApp, url: &str) -> usize {
    app.get(url).await.json()["releases"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn bad_feed_parameters_are_field_errors_not_500s() {
    let app = TestApp::new().await;
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("cursor=abc", "cursor"),
        ("since=yesterday", "since"),
    ] {
        let res = app.get(&format!("/ocds/releases?{query}")).await;
        assert_eq!(res.status, 422, "{query}");
        assert!(res.json()["error"]["fields"][field].is_object(), "{query}");
    }
    assert_eq!(app.get("/ocds/records/ocds-demo00-none").await.status, 404);
    assert_eq!(
        app.get("/ocds/releases/nope").await.json()["error"]["code"],
        "not_found"
    );
}

#[tokio::test]
async fn records_link_their_releases_and_carry_compiled_and_versioned_releases() {
    let app = TestApp::new().await;
    publish_one(&app, "ocds-demo00-fw-9", &["tender"], tender("Cloud 9")).await;
    let mut update = tender("Cloud 9, amended");
    update["tender"]["status"] = json!("complete");
    publish_one(&app, "ocds-demo00-fw-9", &["tenderUpdate"], update).await;
    publish_one(
        &app,
        "ocds-demo00-fw-9",
        &["award"],
        award("CL-RUT-76354771-3"),
    )
    .await;

    let package = app.get("/ocds/records/ocds-demo00-fw-9").await.json();
    let record = &package["records"][0];
    assert_eq!(record["releases"].as_array().unwrap().len(), 3);
    assert!(
        record["releases"][0]["url"]
            .as_str()
            .unwrap()
            .contains("/ocds/releases/ocds-demo00-fw-9-00000001#")
    );
    let compiled = &record["compiledRelease"];
    assert_eq!(compiled["tender"]["title"], "Cloud 9, amended");
    assert_eq!(compiled["tender"]["status"], "complete");
    assert_eq!(
        compiled["parties"].as_array().unwrap().len(),
        2,
        "buyer and supplier merged by id"
    );
    assert_eq!(compiled["tag"], json!(["compiled"]));
    assert_eq!(
        record["versionedRelease"]["tender"]["title"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let errors = app
        .state
        .publisher
        .validator()
        .validate_record_package(&package);
    assert!(errors.is_empty(), "{errors:?}");

    let list = app.get("/ocds/records").await.json();
    assert_eq!(list["records"].as_array().unwrap().len(), 1);
    assert!(
        list["records"][0].get("versionedRelease").is_none(),
        "compiled only by default"
    );
    let versioned = app.get("/ocds/records?versioned=true").await.json();
    assert!(versioned["records"][0]["versionedRelease"].is_object());
}

#[tokio::test]
async fn the_log_chains_every_release_and_its_head_is_signed() {
    let app = TestApp::new().await;
    for i in 0..7 {
        publish_one(
            &app,
            &format!("ocds-demo00-p{i}"),
            &["tender"],
            tender("Chained"),
        )
        .await;
    }
    let log = app.get("/ocds/log?from=1&limit=5").await.json();
    let next = log["next"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8080")
        .to_owned();
    let rest = app.get(&next).await.json();
    assert!(rest["next"].is_null());
    let entries: Vec<Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["entries"].as_array().unwrap())
        .cloned()
        .collect();
    assert_eq!(entries.len(), 7);
    let mut chain_value = [0u8; 32];
    for entry in &entries {
        let id = entry["releaseId"].as_str().unwrap();
        let package = app.get(&format!("/ocds/releases/{id}")).await.json();
        let canonical = chain::canonical_json(&package["releases"][0]).unwrap();
        let hash: [u8; 32] = Sha256::digest(canonical.as_bytes()).into();
        assert_eq!(hex::encode(hash), entry["releaseHash"]);
        let mut joined = chain_value.to_vec();
        joined.extend(hash);
        chain_value = Sha256::digest(&joined).into();
        assert_eq!(hex::encode(chain_value), entry["chainHash"]);
    }

    let head = app.get("/ocds/log/head").await.json();
    assert_eq!(head["sequence"], 7);
    assert_eq!(head["chainHash"], hex::encode(chain_value));
    let key = app.get("/ocds/log/key").await.json();
    let key: [u8; 32] = hex::decode(key["publicKey"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let signature: [u8; 64] = hex::decode(head["signature"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let message = format!("marco-log-head:v1:7:{}", hex::encode(chain_value));
    assert_eq!(head["signedMessage"], message);
    VerifyingKey::from_bytes(&key)
        .unwrap()
        .verify(message.as_bytes(), &Signature::from_bytes(&signature))
        .unwrap();
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_a_published_release() {
    let app = TestApp::new().await;
    publish_one(&app, "ocds-demo00-fixed", &["tender"], tender("Fixed")).await;
    let db = &app.state.db;
    assert!(
        db.execute_unprepared("UPDATE releases SET body = '{}'")
            .await
            .is_err()
    );
    assert!(db.execute_unprepared("DELETE FROM releases").await.is_err());
}

#[tokio::test]
async fn json_lines_stream_one_release_per_line() {
    let app = TestApp::new().await;
    for i in 0..3 {
        publish_one(
            &app,
            &format!("ocds-demo00-l{i}"),
            &["tender"],
            tender("Lines"),
        )
        .await;
    }
    let res = app.get("/ocds/releases.jsonl?cursor=1").await;
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("application/x-ndjson")
    );
    let lines: Vec<Value> = res
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["ocid"], "ocds-demo00-l1");
    let res = app
        .get_with("/ocds/releases", &[("accept", "application/x-ndjson")])
        .await;
    assert_eq!(res.text().lines().count(), 3);
}

#[tokio::test]
async fn the_open_data_page_explains_feeds_licence_policy_and_extensions() {
    let app = TestApp::new().await;
    publish_one(
        &app,
        "ocds-demo00-od-1",
        &["tender"],
        tender("Open data page"),
    )
    .await;
    let html = app.get("/open-data").await.text();
    assert!(
        html.contains("1 releases about 1 contracting processes"),
        "{html}"
    );
    assert!(html.contains("id=\"publication-policy\""));
    assert!(
        html.contains("curl &#x27;http://127.0.0.1:8080/ocds/releases?limit=100&#x27;")
            || html.contains("curl 'http://127.0.0.1:8080/ocds/releases?limit=100'")
    );
    assert!(html.contains("ocds_bid_extension"));
    assert!(html.contains("https://creativecommons.org/licenses/by/4.0/"));
    assert!(
        html.contains("demo ocid prefix"),
        "warns that the demo prefix is not registered"
    );
    let es = app
        .get_with("/open-data", &[("accept-language", "es")])
        .await
        .text();
    assert!(es.contains("Política de publicación"));
}

#[tokio::test]
async fn managers_see_publication_health_and_others_do_not() {
    let app = TestApp::new().await;
    marco::seed::load(&app.state.db).await.unwrap();
    for i in 0..3 {
        publish_one(
            &app,
            &format!("ocds-demo00-h{i}"),
            &["tender"],
            tender("Health"),
        )
        .await;
    }
    let mut manager = marco_tests::Client::new(&app);
    manager
        .post(
            "/sign-in",
            &[
                ("email", "manager@marco.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    let html = manager.get("/admin/publication").await.text();
    assert!(html.contains("Releases in the log: 3"), "{html}");
    assert!(html.contains("Every published release is valid OCDS"));
    assert!(
        html.contains(&chrono::Utc::now().format("%Y-%m-%d").to_string()),
        "releases per day"
    );
    let mut supplier = marco_tests::Client::new(&app);
    supplier
        .post(
            "/sign-in",
            &[
                ("email", "supplier@brightlane.example"),
                ("password", marco::seed::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(supplier.get("/admin/publication").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_following_links_next_sees_10000_releases_published_meanwhile_exactly_once_in_order()
 {
    const TOTAL: u64 = 10_000;
    const PER_TRANSACTION: u64 = 20;
    let app = TestApp::new().await;
    let state = app.state.clone();
    let writer = tokio::spawn(async move {
        for batch in 0..TOTAL / PER_TRANSACTION {
            let txn = state.begin_write().await.unwrap();
            for i in 0..PER_TRANSACTION {
                let n = batch * PER_TRANSACTION + i;
                let ocid = format!("ocds-demo00-load-{}", n % 500);
                publish(&txn, &state.publisher, &ocid, &["tender"], tender("Load"))
                    .await
                    .unwrap();
            }
            txn.commit().await.unwrap();
        }
    });

    let mut seen: Vec<u64> = Vec::with_capacity(TOTAL as usize);
    let mut url = "/ocds/releases?limit=250".to_owned();
    let started = std::time::Instant::now();
    while (seen.len() as u64) < TOTAL {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(300),
            "reader stuck at {}",
            seen.len()
        );
        let page = app.get(&url).await.json();
        let releases = page["releases"].as_array().unwrap();
        for release in releases {
            let id = release["id"].as_str().unwrap();
            seen.push(id.rsplit('-').next().unwrap().parse().unwrap());
        }
        match page["links"]["next"].as_str() {
            Some(next) => url = next.trim_start_matches("http://127.0.0.1:8080").to_owned(),
            None => {
                // Caught up with the writer: poll again from the last release seen.
                let cursor = seen.last().copied().unwrap_or(0);
                url = format!("/ocds/releases?limit=250&cursor={cursor}");
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
    }
    writer.await.unwrap();
    assert_eq!(
        seen,
        (1..=TOTAL).collect::<Vec<u64>>(),
        "every release once, in publication order, no gaps"
    );
    let rest = app
        .get(&format!("/ocds/releases?cursor={TOTAL}"))
        .await
        .json();
    assert_eq!(rest["releases"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_publishing_at_once_leave_no_gap_no_duplicate_and_a_valid_chain() {
    let app = TestApp::new().await;
    // A second instance: its own connection pool and state on the same database.
    let other_db = marco_tests::database::connect(&app.database.url).await;
    let other = marco::state::AppState::new(other_db, marco_tests::app::test_config(&app.database))
        .unwrap();
    let mut writers = Vec::new();
    for (n, state) in [app.state.clone(), other].into_iter().enumerate() {
        writers.push(tokio::spawn(async move {
            for batch in 0..60 {
                let txn = state.begin_write().await.unwrap();
                for i in 0..5 {
                    let ocid = format!("ocds-demo00-i{n}-{}", (batch * 5 + i) % 40);
                    publish(
                        &txn,
                        &state.publisher,
                        &ocid,
                        &["tender"],
                        tender("Two instances"),
                    )
                    .await
                    .unwrap();
                }
                txn.commit().await.unwrap();
            }
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let mut chain_value = [0u8; 32];
    let mut sequences = Vec::new();
    let mut url = "/ocds/log?limit=1000".to_owned();
    loop {
        let page = app.get(&url).await.json();
        for entry in page["entries"].as_array().unwrap() {
            sequences.push(entry["sequence"].as_u64().unwrap());
            let package = app
                .get(&format!(
                    "/ocds/releases/{}",
                    entry["releaseId"].as_str().unwrap()
                ))
                .await
                .json();
            let hash: [u8; 32] = Sha256::digest(
                chain::canonical_json(&package["releases"][0])
                    .unwrap()
                    .as_bytes(),
            )
            .into();
            assert_eq!(hex::encode(hash), entry["releaseHash"]);
            let mut joined = chain_value.to_vec();
            joined.extend(hash);
            chain_value = Sha256::digest(&joined).into();
            assert_eq!(
                hex::encode(chain_value),
                entry["chainHash"],
                "chain breaks at {}",
                entry["sequence"]
            );
        }
        match page["next"].as_str() {
            Some(next) => url = next.trim_start_matches("http://127.0.0.1:8080").to_owned(),
            None => break,
        }
    }
    assert_eq!(
        sequences,
        (1..=600).collect::<Vec<u64>>(),
        "gap-free, no duplicates"
    );
    assert_eq!(
        app.get("/ocds/log/head").await.json()["chainHash"],
        hex::encode(chain_value)
    );
}
