//! Confidential data never reaches the open data: canary names, e-mails, phones and passwords
//! of registered people are looked for in every feed, every record, the log, every bulk file
//! decompressed and every CSV table, while the organisations they belong to do appear.

use std::io::Read;

use marco::entities::{organisation, user};
use marco::publish::{bulk, publish};
use marco_tests::{Client, TestApp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

use crate::bulk::{contract, gunzip, tender};

const CANARY_NAME: &str = "Canaryperson Qzxw";
const CANARY_EMAIL: &str = "canary-qzxw@canario.example";
const CANARY_PHONE: &str = "+56 9 7391 4482";
const CANARY_PASSWORD: &str = "canary-Feed-Passphrase-8u7y";

async fn register_canary_supplier(app: &TestApp) -> organisation::Model {
    let mut browser = Client::new(app);
    let rut = format!("77654321-{}", marco::domain::rut::check_digit(77_654_321));
    let res = browser
        .post(
            "/register/supplier",
            &[
                ("legal_name", "Canario Abierto SpA"),
                ("scheme", "CL-RUT"),
                ("identifier", rut.as_str()),
                ("country", "CL"),
                ("scale", "small"),
                ("name", CANARY_NAME),
                ("email", CANARY_EMAIL),
                ("password", CANARY_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text());
    let person = user::Entity::find()
        .filter(user::Column::Email.eq(CANARY_EMAIL))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the canary person is registered");
    let mut with_phone: user::ActiveModel = person.clone().into();
    with_phone.phone = Set(Some(CANARY_PHONE.to_owned()));
    with_phone.update(&app.state.db).await.unwrap();
    organisation::Entity::find_by_id(person.organisation_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// Everything a watchdog can download, as text.
async fn everything_published(app: &TestApp) -> Vec<(String, String)> {
    let mut seen = Vec::new();
    for path in [
        "/ocds/releases?limit=1000",
        "/ocds/releases.jsonl",
        "/ocds/records?limit=1000&versioned=true",
        "/ocds/records.jsonl?versioned=true",
        "/ocds/log?limit=1000",
        "/ocds/log/head",
        "/ocds/bulk/",
        "/open-data",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        seen.push((path.to_owned(), res.text()));
    }
    let releases = app.get("/ocds/releases?limit=1000").await.json();
    for release in releases["releases"].as_array().unwrap() {
        for path in [
            format!("/ocds/releases/{}", release["id"].as_str().unwrap()),
            format!("/ocds/records/{}", release["ocid"].as_str().unwrap()),
        ] {
            let res = app.get(&path).await;
            assert_eq!(res.status, 200, "{path}");
            seen.push((path, res.text()));
        }
    }
    let listing = app.get("/ocds/bulk/").await.json();
    for file in listing["files"].as_array().unwrap() {
        let name = file["name"].as_str().unwrap();
        let res = app.get(&format!("/ocds/bulk/{name}")).await;
        assert_eq!(res.status, 200, "{name}");
        if name.ends_with(".zip") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(res.body)).unwrap();
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).unwrap();
                let mut text = String::new();
                entry.read_to_string(&mut text).unwrap();
                seen.push((format!("{name}/{}", entry.name()), text));
            }
        } else {
            seen.push((name.to_owned(), gunzip(&res.body)));
        }
    }
    seen
}

#[tokio::test]
async fn personal_data_and_passwords_never_reach_any_feed_bulk_file_or_csv() {
    let app = TestApp::new().await;
    let org = register_canary_supplier(&app).await;
    let party_id = format!("{}-{}", org.identifier_scheme, org.identifier_id);

    let txn = app.state.begin_write().await.unwrap();
    for n in 0..4u32 {
        let ocid = format!("ocds-demo00-canary-{}", n % 2);
        let (tags, mut body): (&[&str], Value) = if n < 2 {
            (&["tender"], tender("Canary framework"))
        } else {
            (
                &["award", "contract", "implementation"],
                contract(n, &org.name),
            )
        };
        // The supplier appears as a flow names it: the organisation, never the person.
        if n >= 2 {
            let text = body.to_string().replace(crate::bulk::SUPPLIER, &party_id);
            body = serde_json::from_str(&text).unwrap();
        }
        publish(&txn, &app.state.publisher, &ocid, tags, body)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    bulk::refresh(&app.state).await.unwrap();

    let seen = everything_published(&app).await;
    let csv_tables = seen
        .iter()
        .filter(|(name, _)| name.ends_with(".csv"))
        .count();
    assert_eq!(csv_tables, 8, "every CSV table was read");
    assert!(
        seen.iter().any(|(name, _)| name.starts_with("releases-")),
        "the per-year file was read"
    );
    let parties = &seen
        .iter()
        .find(|(name, _)| name.ends_with("/parties.csv"))
        .unwrap()
        .1;
    assert!(
        parties.contains(&org.name) && parties.contains(&party_id),
        "the organisation itself is public: {parties}"
    );
    for (where_, text) in &seen {
        let lower = text.to_lowercase();
        for canary in [CANARY_NAME, CANARY_EMAIL, CANARY_PHONE, CANARY_PASSWORD] {
            assert!(
                !lower.contains(&canary.to_lowercase()),
                "{canary} leaked into {where_}"
            );
        }
        assert!(
            !lower.contains("canaryperson"),
            "a name part leaked into {where_}"
        );
        assert!(!lower.contains("7391 4482"), "a phone leaked into {where_}");
    }
}
