//! The merge against the reference fixtures and the standard's worked examples.

mod common;

use ocds_schema::merge::Merger;
use serde_json::Value;

/// The schema each fixture folder is merged with (as in ocds-merge's own tests).
fn merger_for(folder: &str) -> Merger {
    let schema = match folder {
        "1.1" => "merge-fixtures/release-schema-1__1__5.json",
        "1.0" => "merge-fixtures/release-schema-1__0__3.json",
        _ => "merge-fixtures/schema.json",
    };
    Merger::from_schema(&common::json(schema))
}

#[test]
fn every_reference_fixture_matches() {
    let mut checked = 0;
    for folder in ["1.1", "1.0", "schema"] {
        let merger = merger_for(folder);
        for path in common::json_files(&format!("merge-fixtures/{folder}")) {
            let (input, kind) = if let Some(stem) = path.strip_suffix("-compiled.json") {
                (format!("{stem}.json"), "compiled")
            } else if let Some(stem) = path.strip_suffix("-versioned.json") {
                (format!("{stem}.json"), "versioned")
            } else {
                continue;
            };
            if !common::data(&input).exists() {
                continue;
            }
            let releases: Vec<Value> =
                serde_json::from_value(common::json(&input)).expect("a JSON array of releases");
            let actual = if kind == "compiled" {
                merger.compile(&releases)
            } else {
                merger.versioned(&releases)
            };
            assert_eq!(actual.as_ref(), Ok(&common::json(&path)), "{path}");
            checked += 1;
        }
    }
    assert_eq!(checked, 50, "the suite has 50 cases");
}

fn releases_of(packages: &[&str]) -> Vec<Value> {
    let mut releases = Vec::new();
    for path in packages {
        let package = common::json(path);
        releases.extend(package["releases"].as_array().cloned().unwrap_or_default());
    }
    releases
}

#[test]
fn worked_update_example_compiles_and_versions_as_published() {
    let releases = releases_of(&[
        "merging/updates/tender1.json",
        "merging/updates/tender2.json",
        "merging/updates/tender3.json",
        "merging/updates/award1.json",
        "merging/updates/award2.json",
    ]);
    let merger = Merger::new();
    let merged = common::json("merging/updates/merged.json");
    assert_eq!(
        merger.compile(&releases).as_ref(),
        Ok(&merged["records"][0]["compiledRelease"])
    );
    let versioned = common::json("merging/updates/versioned.json");
    assert_eq!(
        merger.versioned(&releases).as_ref(),
        Ok(&versioned["records"][0]["versionedRelease"])
    );
}

#[test]
fn worked_deletion_examples_compile_and_version_as_published() {
    let cases = [
        (
            &[
                "merging/deletions/field_tender.json",
                "merging/deletions/field_tenderUpdate.json",
            ][..],
            "merging/deletions/field_record.json",
        ),
        (
            &[
                "merging/deletions/object_tender.json",
                "merging/deletions/object_tenderAmendment.json",
            ][..],
            "merging/deletions/object_record.json",
        ),
        (
            &[
                "merging/deletions/array_award.json",
                "merging/deletions/array_awardAmendment.json",
            ][..],
            "merging/deletions/array_record.json",
        ),
    ];
    let merger = Merger::new();
    for (packages, record) in cases {
        let expected = common::json(record);
        let releases = releases_of(packages);
        assert_eq!(
            merger.compile(&releases).as_ref(),
            Ok(&expected["records"][0]["compiledRelease"]),
            "{record}"
        );
        assert_eq!(
            merger.versioned(&releases).as_ref(),
            Ok(&expected["records"][0]["versionedRelease"]),
            "{record} (versioned)"
        );
    }
}
