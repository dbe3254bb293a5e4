//! Fuzzes the model parser, the merge and the validator with arbitrary bytes: they must return
//! values or errors, never panic.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ocds_schema::merge::Merger;
use ocds_schema::model::{Release, ReleasePackage};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = serde_json::from_value::<Release>(value.clone());
    let _ = serde_json::from_value::<ReleasePackage>(value.clone());
    let releases = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    let merger = Merger::new();
    let _ = merger.compile(&releases);
    let _ = merger.versioned(&releases);
});
