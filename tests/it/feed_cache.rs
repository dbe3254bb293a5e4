//! Full pages of the release feed are served from memory: byte for byte what a fresh render
//! gives, with an entity tag for conditional requests, while the last, partial page keeps
//! growing as releases are published.

use marco::publish::publish;
use marco_tests::TestApp;
use serde_json::{Value, json};

fn tender(n: usize) -> Value {
    json!({
        "parties": [{
            "id": "CL-RUT-60808000-K", "name": "Dirección de Compras Demo",
            "identifier": {"scheme": "CL-RUT", "id": "60808000-K"},
            "roles": ["buyer", "procuringEntity"]
        }],
        "buyer": {"id": "CL-RUT-60808000-K", "name": "Dirección de Compras Demo"},
        "tender": {"id": "framework", "title": format!("Framework {n}"), "status": "active"}
    })
}

async fn publish_many(app: &TestApp, from: usize, count: usize) {
    let txn = app.state.begin_write().await.unwrap();
    for n in from..from + count {
        publish(
            &txn,
            &app.state.publisher,
            &format!("ocds-demo00-cache-{n}"),
            &["tender"],
            tender(n),
        )
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn full_feed_pages_are_cached_exactly_and_the_last_page_keeps_growing() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 7).await;

    let first = app.get("/ocds/releases?limit=5").await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").expect("a full page has an entity tag");
    assert!(
        first
            .header("cache-control")
            .is_some_and(|c| c.contains("max-age"))
    );
    let again = app.get("/ocds/releases?limit=5").await;
    assert_eq!(
        again.text(),
        first.text(),
        "the cached page is the same bytes"
    );
    assert_eq!(again.header("etag").as_deref(), Some(etag.as_str()));
    let conditional = app
        .get_with(
            "/ocds/releases?limit=5",
            &[("if-none-match", etag.as_str())],
        )
        .await;
    assert_eq!(conditional.status, 304);
    assert!(conditional.text().is_empty());

    // The partial last page is kept only until the next release: a poller gets 304 while
    // nothing is new, and the new releases as soon as they are published.
    let next = first.json()["links"]["next"].as_str().unwrap().to_owned();
    let path = next
        .split_once("/ocds/")
        .map(|(_, p)| format!("/ocds/{p}"))
        .unwrap();
    let partial = app.get(&path).await;
    assert_eq!(partial.json()["releases"].as_array().unwrap().len(), 2);
    assert_eq!(partial.header("cache-control").as_deref(), Some("no-cache"));
    let partial_tag = partial
        .header("etag")
        .expect("a partial page has an entity tag");
    let unchanged = app
        .get_with(&path, &[("if-none-match", partial_tag.as_str())])
        .await;
    assert_eq!(unchanged.status, 304);
    assert_eq!(
        app.get(&path).await.text(),
        partial.text(),
        "the same bytes again"
    );
    publish_many(&app, 7, 2).await;
    let grown = app
        .get_with(&path, &[("if-none-match", partial_tag.as_str())])
        .await;
    assert_eq!(grown.status, 200, "a new release changes the page");
    assert_eq!(grown.json()["releases"].as_array().unwrap().len(), 4);
    assert_ne!(grown.header("etag"), Some(partial_tag));
    // A release committed outside this process's write queue (another instance on the same
    // database) shows up once the page is checked again, within RECHECK.
    let txn = marco::db::begin_immediate(&app.state.db).await.unwrap();
    publish(
        &txn,
        &app.state.publisher,
        "ocds-demo00-cache-elsewhere",
        &["tender"],
        tender(99),
    )
    .await
    .unwrap();
    txn.commit().await.unwrap();
    tokio::time::sleep(marco::http::feed_pages::RECHECK).await;
    let elsewhere = app.get(&path).await;
    assert_eq!(elsewhere.json()["releases"].as_array().unwrap().len(), 5);
    // The grown page is the same as a full render: its first releases are the old ones.
    assert_eq!(
        grown.json()["releases"].as_array().unwrap()[..2],
        partial.json()["releases"].as_array().unwrap()[..]
    );

    // Whatever the cache holds, a full page equals a fresh render of the same query.
    let fresh_app = TestApp::new().await;
    publish_many(&fresh_app, 0, 7).await;
    let mut cached = first.json();
    let mut fresh = fresh_app.get("/ocds/releases?limit=5").await.json();
    for package in [&mut cached, &mut fresh] {
        for release in package["releases"].as_array_mut().unwrap() {
            // Release ids and dates differ between two databases; the rest must not.
            release["id"] = Value::Null;
            release["date"] = Value::Null;
        }
        package["publishedDate"] = Value::Null;
    }
    assert_eq!(cached, fresh);

    // Another limit is another page, not the cached one.
    let other = app.get("/ocds/releases?limit=3").await;
    assert_eq!(other.json()["releases"].as_array().unwrap().len(), 3);
}

/// Another instance of the app on the same database and data folder: nothing kept in memory.
fn instance(app: &TestApp) -> Instance {
    let config = marco_tests::app::test_config(&app.database);
    let state =
        marco::state::AppState::new(app.database.db.clone(), config).expect("application state");
    Instance {
        router: marco::router(state.clone()),
        state,
    }
}

struct Instance {
    router: axum::Router,
    state: marco::state::AppState,
}

impl Instance {
    async fn page(&self, path: &str) -> String {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let request = axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        String::from_utf8(body.to_vec()).unwrap()
    }
}

async fn segment_pass(state: &marco::state::AppState) {
    use marco::jobs::Job;
    marco::publish::segment::SegmentJob::new(state.clone())
        .pass(&marco::jobs::Stopping::never())
        .await
        .expect("segment pass");
}

#[tokio::test]
async fn full_pages_read_from_the_segment_are_the_pages_the_database_renders() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 23).await;
    // (An empty page says when it was asked for, so it is left out.)
    let paths: Vec<String> = [0, 1, 3, 10, 17, 18, 20, 22]
        .iter()
        .map(|cursor| format!("/ocds/releases?cursor={cursor}&limit=5"))
        .chain([
            "/ocds/releases?limit=23".to_owned(),
            "/ocds/releases?limit=1".to_owned(),
        ])
        .collect();
    let database = instance(&app);
    let mut rendered = Vec::new();
    for path in &paths {
        rendered.push(database.page(path).await);
    }
    assert_eq!(database.state.segment.pages_served(), 0);

    // The job copies the log; a fresh instance reads full pages from the copy.
    segment_pass(&app.state).await;
    assert_eq!(app.state.segment.last_sequence(), Some(23));
    for (path, expected) in paths.iter().zip(&rendered) {
        assert_eq!(&app.get(path).await.text(), expected, "{path}");
    }
    // Cursors 0, 1, 3, 10, 17, 18 and the two first pages are full and in the file; cursor
    // 20 and on are partial or empty pages, rendered from the database.
    assert_eq!(app.state.segment.pages_served(), 8);

    // Releases published later are appended; a page across the old end is read whole.
    publish_many(&app, 23, 9).await;
    let across = "/ocds/releases?cursor=20&limit=10";
    let from_database = instance(&app).page(across).await;
    segment_pass(&app.state).await;
    assert_eq!(app.state.segment.last_sequence(), Some(32));
    assert_eq!(instance(&app).page(across).await, from_database);
    let body: Value = serde_json::from_str(&from_database).unwrap();
    let ids: Vec<&str> = body["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ocid"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 10);
    assert_eq!(ids[0], "ocds-demo00-cache-20");
    assert_eq!(ids[9], "ocds-demo00-cache-29");
    // Filtered pages are never read from the file.
    let filtered = app
        .get("/ocds/releases?ocid=ocds-demo00-cache-4&limit=1")
        .await
        .json();
    assert_eq!(filtered["releases"][0]["ocid"], "ocds-demo00-cache-4");
}

#[tokio::test]
async fn a_segment_that_does_not_match_the_log_is_written_again() {
    let app = TestApp::new().await;
    publish_many(&app, 0, 6).await;
    segment_pass(&app.state).await;
    let feeds = app.state.config.data_dir.join("feeds");

    // A crash after writing bodies and index but before the head: the extra bytes are cut.
    let bodies = feeds.join("releases.bodies");
    let length = std::fs::metadata(&bodies).unwrap().len();
    let mut extra = std::fs::OpenOptions::new()
        .append(true)
        .open(&bodies)
        .unwrap();
    std::io::Write::write_all(&mut extra, b"{\"torn\":").unwrap();
    drop(extra);
    let restarted = instance(&app);
    segment_pass(&restarted.state).await;
    assert_eq!(std::fs::metadata(&bodies).unwrap().len(), length);
    let page = restarted.page("/ocds/releases?limit=3").await;
    assert_eq!(restarted.state.segment.pages_served(), 1);
    assert!(!page.contains("torn"));

    // The same folder next to another log (a database restored, or replaced): its head's
    // chain hash does not match, so the file is written again from the log.
    let head = feeds.join("releases.head");
    let text = std::fs::read_to_string(&head).unwrap();
    let (counts, _) = text.trim().rsplit_once(' ').unwrap();
    std::fs::write(&head, format!("{counts} {}\n", "0".repeat(64))).unwrap();
    std::fs::write(&bodies, vec![b'x'; length as usize]).unwrap();
    let other = instance(&app);
    segment_pass(&other.state).await;
    assert_eq!(other.state.segment.last_sequence(), Some(6));
    assert!(std::fs::read(&bodies).unwrap().starts_with(b"{\""));
    let fresh = instance(&app).page("/ocds/releases?cursor=2&limit=3").await;
    assert_eq!(other.page("/ocds/releases?cursor=2&limit=3").await, fresh);
    assert_eq!(other.state.segment.pages_served(), 1);
}
