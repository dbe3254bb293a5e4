//! The search outbox end to end: updates queued in a transaction reach the app's index only
//! when the transaction commits, in order, and unusable rows are skipped without blocking.

use marco::search::{self, SearchQuery, ServiceDocument, synthetic};
use marco_tests::TestApp;
use sea_orm::{ConnectionTrait, Statement};

fn service(id: &str, name: &str) -> ServiceDocument {
    let mut doc = synthetic::services(1, 3).remove(0);
    doc.id = id.into();
    doc.name = name.into();
    doc.available = true;
    doc
}

async fn found(app: &TestApp, words: &str) -> Vec<String> {
    let query = SearchQuery {
        text: Some(words.into()),
        ..SearchQuery::default()
    };
    let results = app.state.search.search(&query).await.unwrap();
    results.hits.into_iter().map(|h| h.id).collect()
}

#[tokio::test]
async fn search_updates_reach_the_index_only_when_their_transaction_commits() {
    let app = TestApp::new().await;
    let txn = app.state.begin_write().await.unwrap();
    search::enqueue_upsert(&txn, &service("rolled-back", "Quetzal Hosting"))
        .await
        .unwrap();
    txn.rollback().await.unwrap();
    let txn = app.state.begin_write().await.unwrap();
    search::enqueue_upsert(&txn, &service("kept", "Zapallo Hosting"))
        .await
        .unwrap();
    txn.commit().await.unwrap();

    assert_eq!(search::drain_once(&app.state).await.unwrap(), 1);
    assert_eq!(found(&app, "zapallo").await, ["kept"]);
    assert!(found(&app, "quetzal").await.is_empty());
    assert_eq!(search::outbox::pending(&app.state.db).await.unwrap(), 0);
}

#[tokio::test]
async fn search_updates_apply_in_queue_order() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    search::enqueue_upsert(db, &service("svc", "Ñandú Backup"))
        .await
        .unwrap();
    let mut renamed = service("svc", "Cóndor Backup");
    renamed.version = 2;
    search::enqueue_upsert(db, &renamed).await.unwrap();
    search::enqueue_upsert(db, &service("gone", "Cóndor Mail"))
        .await
        .unwrap();
    search::enqueue_delete(db, "gone").await.unwrap();
    search::drain_once(&app.state).await.unwrap();

    assert_eq!(found(&app, "condor").await, ["svc"]);
    assert!(found(&app, "nandu").await.is_empty());
    assert_eq!(app.state.search.count().await.unwrap(), 1);

    search::enqueue_delete(db, "svc").await.unwrap();
    assert_eq!(search::drain_once(&app.state).await.unwrap(), 1);
    assert!(found(&app, "condor").await.is_empty());
}

#[tokio::test]
async fn an_unusable_search_update_is_skipped_and_recorded() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let bad = service("bad", "Broken");
    let id = search::enqueue_upsert(db, &bad).await.unwrap();
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => "UPDATE search_outbox SET document = $1 WHERE id = $2",
            _ => "UPDATE search_outbox SET document = ? WHERE id = ?",
        },
        ["{\"id\": 1".into(), id.into()],
    ))
    .await
    .unwrap();
    search::enqueue_upsert(db, &service("good", "Working Tucán"))
        .await
        .unwrap();

    assert_eq!(search::drain_once(&app.state).await.unwrap(), 2);
    assert_eq!(found(&app, "tucan").await, ["good"]);
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT last_error FROM search_outbox WHERE id = {id}"),
        ))
        .await
        .unwrap()
        .unwrap();
    let error: Option<String> = row.try_get("", "last_error").unwrap();
    assert!(
        error.as_deref().is_some_and(|e| e.contains("line 1")),
        "the parse error is recorded: {error:?}"
    );
}

#[tokio::test]
async fn documents_that_cannot_be_indexed_are_refused_when_queued() {
    let app = TestApp::new().await;
    let mut bad = service("has spaces", "Name");
    assert!(search::enqueue_upsert(&app.state.db, &bad).await.is_err());
    bad.id = "fine".into();
    bad.facets.insert("bad key!".into(), vec!["x".into()]);
    assert!(search::enqueue_upsert(&app.state.db, &bad).await.is_err());
}
