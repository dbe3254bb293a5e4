//! Service versions are immutable in the database itself, on SQLite and PostgreSQL: what a
//! buyer saw, and what an order or award points to, cannot be rewritten afterwards.

use marco::entities::service_version;
use marco_tests::TestApp;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

#[tokio::test]
async fn a_service_version_can_be_added_but_never_updated_or_deleted() {
    let app = TestApp::new().await;
    marco::frameworks::bench::seed_catalogue(&app.state, 3)
        .await
        .unwrap();
    let before = service_version::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(before.len(), 3, "the seed adds one version per service");
    // A service's current price carries the currency of its current version.
    for svc in marco::entities::service::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap()
    {
        let version = before.iter().find(|v| v.service_id == svc.id).unwrap();
        if svc.price.is_some() {
            assert_eq!(svc.currency.as_deref(), Some(version.currency.as_str()));
        }
    }
    for sql in [
        "UPDATE service_versions SET price = 1",
        "UPDATE service_versions SET answers = '{}' WHERE version = 1",
        "DELETE FROM service_versions",
    ] {
        let err = app
            .state
            .db
            .execute_unprepared(sql)
            .await
            .expect_err(sql)
            .to_string();
        assert!(
            err.contains("service versions are immutable"),
            "{sql}: {err}"
        );
    }
    let after = service_version::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(
        service_version::Entity::find()
            .count(&app.state.db)
            .await
            .unwrap(),
        3
    );
}
