//! Snapshots of merged output for the standard's worked example (review diffs like code).

mod common;

use ocds_schema::merge::Merger;
use serde_json::Value;

fn releases() -> Vec<Value> {
    ["tender1", "tender2", "tender3", "award1", "award2"]
        .iter()
        .flat_map(|name| {
            common::json(&format!("merging/updates/{name}.json"))["releases"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn compiled_release_of_the_worked_example() {
    let compiled = Merger::new().compile(&releases()).expect("merges");
    // Sorted keys: the snapshot must not depend on serde_json's `preserve_order` feature.
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!("worked_example_compiled", compiled);
    });
}

#[test]
fn versioned_release_of_the_worked_example_without_release_ids() {
    let versioned = Merger::new().versioned(&releases()).expect("merges");
    // Release ids are publisher-specific; the history itself is what the snapshot checks.
    insta::with_settings!({sort_maps => true}, {
        insta::assert_json_snapshot!("worked_example_versioned_tender", versioned["tender"], {
            ".**.releaseID" => "[release id]",
        });
    });
}
