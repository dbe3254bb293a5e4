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
