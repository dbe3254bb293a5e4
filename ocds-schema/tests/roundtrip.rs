//! The typed models read real published data and write back equal JSON (values, not bytes).

mod common;

use ocds_schema::model::{Field, Record, RecordPackage, Release, ReleasePackage};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn round_trip<T: DeserializeOwned + Serialize>(original: &Value) -> (T, Value) {
    let typed: T = serde_json::from_value(original.clone()).expect("deserializes");
    let back = serde_json::to_value(&typed).expect("serializes");
    (typed, back)
}

#[test]
fn every_real_file_round_trips_through_the_typed_models() {
    let files = common::json_files("real");
    assert!(
        files.len() > 150,
        "the real data is copied into tests/data/real"
    );
    for path in files {
        let original = common::json(&path);
        let back = if original.get("releases").is_some() && original.get("ocid").is_none() {
            let (package, back): (ReleasePackage, _) = round_trip(&original);
            assert!(
                matches!(package.releases, Field::Value(_)),
                "{path}: releases are typed"
            );
            back
        } else if original.get("records").is_some() {
            let (package, back): (RecordPackage, _) = round_trip(&original);
            assert!(
                matches!(package.records, Field::Value(_)),
                "{path}: records are typed"
            );
            back
        } else if original.get("compiledRelease").is_some() || original.get("releases").is_some() {
            round_trip::<Record>(&original).1
        } else {
            round_trip::<Release>(&original).1
        };
        assert_eq!(back, original, "{path}");
    }
}

#[test]
fn typed_fields_are_reachable_in_real_data() {
    let package: ReleasePackage =
        serde_json::from_value(common::json("frameworks/open_multiple_first_stage.json"))
            .expect("parses");
    let releases = package.releases.get().expect("typed releases");
    let tender = releases[0].tender.get().expect("a tender");
    let techniques = tender
        .techniques
        .get()
        .expect("techniques extension fields");
    assert_eq!(techniques.has_framework_agreement, Field::Value(true));
}

#[test]
fn explicit_nulls_survive_and_differ_from_absent_fields() {
    let release: Release =
        serde_json::from_str(r#"{"ocid": "x", "tender": {"title": null}}"#).expect("parses");
    let tender = release.tender.get().expect("tender");
    assert_eq!(tender.title, Field::Null);
    assert_eq!(tender.description, Field::Absent);
    assert_eq!(
        serde_json::to_string(&release).expect("serializes"),
        r#"{"ocid":"x","tender":{"title":null}}"#
    );
}

#[test]
fn values_of_the_wrong_type_are_kept_verbatim() {
    let raw = serde_json::json!({"ocid": "x", "tender": {"value": {"amount": "1,000", "currency": "EUR"}}, "tag": "tender"});
    let release: Release = serde_json::from_value(raw.clone()).expect("parses");
    assert!(matches!(release.tag, Field::Invalid(_)));
    assert_eq!(serde_json::to_value(&release).expect("serializes"), raw);
}
