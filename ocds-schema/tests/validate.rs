//! Validation of the standard's framework examples, and of mutated copies of them.

mod common;

use ocds_schema::validate::{ValidationError, Validator};
use serde_json::{Value, json};

const PACKAGES: [&str; 7] = [
    "frameworks/closed_single_award.json",
    "frameworks/closed_single_first_stage.json",
    "frameworks/closed_single_supplier.json",
    "frameworks/open_multiple_award.json",
    "frameworks/open_multiple_first_stage.json",
    "frameworks/open_multiple_second_stage.json",
    "frameworks/open_multiple_supplier.json",
];

fn validator() -> Validator {
    Validator::new::<&str>(&[], None).expect("embedded schemas compile")
}

fn found(errors: &[ValidationError]) -> Vec<(String, String)> {
    errors
        .iter()
        .map(|e| (e.pointer.clone(), e.rule.clone()))
        .collect()
}

#[test]
fn framework_examples_have_no_errors() {
    let validator = validator();
    for path in PACKAGES {
        let report = validator.check(&common::json(path));
        assert_eq!(report.errors, [], "{path}");
        assert_eq!(report.warnings, [], "{path}");
    }
}

#[test]
fn the_extensions_fragment_is_not_a_document() {
    let report = validator().check(&common::json("frameworks/extensions_block.json"));
    assert_eq!(
        found(&report.errors),
        [(String::new(), "documentType".to_owned())]
    );
}

fn mutate(path: &str, change: impl FnOnce(&mut Value)) -> Vec<(String, String)> {
    let mut package = common::json(path);
    change(&mut package);
    found(&validator().validate_release_package(&package))
}

fn one(pointer: &str, rule: &str) -> Vec<(String, String)> {
    vec![(pointer.to_owned(), rule.to_owned())]
}

#[test]
fn a_missing_ocid_is_reported_where_it_belongs() {
    let errors = mutate("frameworks/closed_single_award.json", |p| {
        if let Some(release) = p["releases"][0].as_object_mut() {
            release.remove("ocid");
        }
    });
    assert_eq!(errors, one("/releases/0/ocid", "required"));
}

#[test]
fn a_bad_date_is_reported() {
    let errors = mutate("frameworks/closed_single_award.json", |p| {
        p["releases"][0]["date"] = json!("yesterday")
    });
    assert_eq!(errors, one("/releases/0/date", "format"));
}

#[test]
fn an_unknown_tag_is_reported() {
    let errors = mutate("frameworks/open_multiple_award.json", |p| {
        p["releases"][0]["tag"] = json!(["bogus"])
    });
    assert_eq!(errors, one("/releases/0/tag/0", "enum"));
}

#[test]
fn a_duplicate_release_id_is_reported_on_the_second_release() {
    let errors = mutate("frameworks/open_multiple_first_stage.json", |p| {
        let mut copy = p["releases"][0].clone();
        copy["date"] = json!("2030-01-01T00:00:00Z");
        if let Some(releases) = p["releases"].as_array_mut() {
            releases.push(copy);
        }
    });
    assert_eq!(errors, one("/releases/1/id", "uniqueReleaseId"));
}

#[test]
fn a_supplier_missing_from_parties_is_reported() {
    let errors = mutate("frameworks/closed_single_supplier.json", |p| {
        p["releases"][0]["awards"][0]["suppliers"][0]["id"] = json!("ghost");
    });
    assert_eq!(
        errors,
        one("/releases/0/awards/0/suppliers/0/id", "referenceInParties")
    );
}

#[test]
fn a_supplier_without_the_supplier_role_is_reported() {
    let errors = mutate("frameworks/closed_single_supplier.json", |p| {
        p["releases"][0]["parties"][0]["roles"] = json!(["buyer"])
    });
    assert_eq!(
        errors,
        one("/releases/0/awards/0/suppliers/0/id", "partyRole")
    );
}

#[test]
fn negative_amounts_and_reversed_periods_are_reported() {
    let errors = mutate("frameworks/closed_single_first_stage.json", |p| {
        p["releases"][0]["tender"]["value"] = json!({"amount": -5, "currency": "GBP"});
        p["releases"][0]["tender"]["tenderPeriod"] =
            json!({"startDate": "2020-02-01T00:00:00Z", "endDate": "2020-01-01T00:00:00Z"});
    });
    assert!(
        errors.contains(&(
            "/releases/0/tender/value/amount".to_owned(),
            "nonNegativeAmount".to_owned()
        )),
        "{errors:?}"
    );
    assert!(
        errors.contains(&(
            "/releases/0/tender/tenderPeriod/endDate".to_owned(),
            "periodOrder".to_owned()
        )),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn the_ocid_prefix_is_checked_when_configured() {
    let validator = Validator::new::<&str>(&[], Some("ocds-abcdef-")).expect("schemas compile");
    let errors = found(
        &validator.validate_release_package(&common::json("frameworks/closed_single_award.json")),
    );
    assert_eq!(errors, one("/releases/0/ocid", "ocidPrefix"));
}

#[test]
fn declared_extensions_are_applied_from_local_copies() {
    // techniques is declared: its closed `method` codelist is enforced.
    let errors = mutate("frameworks/open_multiple_first_stage.json", |p| {
        p["releases"][0]["tender"]["techniques"]["frameworkAgreement"]["method"] =
            json!("byLottery");
    });
    assert_eq!(
        errors,
        one(
            "/releases/0/tender/techniques/frameworkAgreement/method",
            "enum"
        )
    );
}

#[test]
fn unknown_extensions_are_warnings_not_errors() {
    let mut package = common::json("frameworks/closed_single_supplier.json");
    package["extensions"] = json!(["https://example.com/unknown/extension.json"]);
    let report = validator().check(&package);
    assert_eq!(report.errors, []);
    assert_eq!(
        found(&report.warnings),
        one("/extensions/0", "unknownExtension")
    );
}

#[test]
fn errors_serialize_with_pointer_rule_and_message() {
    let error = ValidationError {
        pointer: "/a".to_owned(),
        rule: "required".to_owned(),
        message: "m".to_owned(),
    };
    assert_eq!(
        serde_json::to_value(&error).expect("serializes"),
        json!({"pointer": "/a", "rule": "required", "message": "m"})
    );
}

#[test]
fn record_packages_from_the_merge_examples_validate() {
    let validator = validator();
    for path in [
        "merging/updates/merged.json",
        "merging/updates/versioned.json",
    ] {
        let errors = validator.validate_record_package(&common::json(path));
        assert_eq!(errors, [], "{path}");
    }
}

#[test]
fn fields_outside_the_schema_are_warnings_with_pointers() {
    let mut package = common::json("frameworks/closed_single_award.json");
    package["releases"][0]["tender"]["colour"] = json!("red");
    package["releases"][0]["tender"]["title_es"] = json!("Marco");
    let report = validator().check(&package);
    assert_eq!(report.errors, []);
    assert_eq!(
        found(&report.warnings),
        one("/releases/0/tender/colour", "additionalField")
    );
}

#[test]
fn a_package_is_checked_around_its_releases_and_in_each_of_them() {
    // The package's own fields and the shape of its releases array are checked once; each
    // release is checked on its own (in parallel), and its errors keep their place.
    let errors = mutate("frameworks/open_multiple_award.json", |p| {
        p["publishedDate"] = json!("last week");
        p["uri"] = json!(7);
        let mut releases = Vec::new();
        for i in 0..40 {
            let mut release = p["releases"][0].clone();
            release["id"] = json!(format!("r{i}"));
            if i % 13 == 5 {
                release["date"] = json!(format!("day {i}"));
            }
            releases.push(release);
        }
        p["releases"] = json!(releases);
    });
    assert_eq!(
        errors,
        [
            ("/publishedDate", "format"),
            ("/uri", "type"),
            ("/releases/5/date", "format"),
            ("/releases/18/date", "format"),
            ("/releases/31/date", "format"),
        ]
        .map(|(p, r)| (p.to_owned(), r.to_owned()))
    );
}

#[test]
fn identical_releases_and_an_empty_or_misshapen_releases_array_are_package_errors() {
    let twice = mutate("frameworks/open_multiple_award.json", |p| {
        let release = p["releases"][0].clone();
        p["releases"] = json!([release.clone(), release]);
    });
    assert!(
        twice.contains(&(String::from("/releases"), String::from("uniqueItems"))),
        "{twice:?}"
    );
    let empty = mutate("frameworks/open_multiple_award.json", |p| {
        p["releases"] = json!([])
    });
    assert_eq!(empty, one("/releases", "minItems"));
    let object = mutate("frameworks/open_multiple_award.json", |p| {
        p["releases"] = json!({"ocid": "x"})
    });
    assert_eq!(object, one("/releases", "type"));
    let not_objects = mutate("frameworks/open_multiple_award.json", |p| {
        p["releases"] = json!(["a release"])
    });
    assert_eq!(not_objects, one("/releases/0", "type"));
}
