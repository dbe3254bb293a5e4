//! Demo data loads on both backends and loading it twice changes nothing.

use marco::entities::{organisation, user, user_role};
use marco_tests::TestApp;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test]
async fn demo_data_is_idempotent() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    let first = marco::seed::load(db).await.unwrap();
    let counts = (
        organisation::Entity::find().count(db).await.unwrap(),
        user::Entity::find().count(db).await.unwrap(),
        user_role::Entity::find().count(db).await.unwrap(),
    );
    let second = marco::seed::load(db).await.unwrap();
    let again = (
        organisation::Entity::find().count(db).await.unwrap(),
        user::Entity::find().count(db).await.unwrap(),
        user_role::Entity::find().count(db).await.unwrap(),
    );
    assert_eq!(first, second);
    assert_eq!(counts, again);
    assert!(counts.0 >= 5 && counts.1 >= 5);
}

#[tokio::test]
async fn demo_suppliers_have_valid_identifiers_and_hashed_passwords() {
    let app = TestApp::new().await;
    let db = &app.state.db;
    marco::seed::load(db).await.unwrap();
    for org in organisation::Entity::find().all(db).await.unwrap() {
        let checked = marco::domain::identifier::OrgIdentifier::parse(
            &org.identifier_scheme,
            &org.identifier_id,
        );
        assert_eq!(
            checked.map(|c| c.id),
            Ok(org.identifier_id.clone()),
            "{}",
            org.name
        );
    }
    for account in user::Entity::find().all(db).await.unwrap() {
        assert!(account.password_hash.starts_with("$argon2id$"));
        assert!(marco::domain::password::verify(
            marco::seed::DEMO_PASSWORD,
            &account.password_hash
        ));
    }
}
