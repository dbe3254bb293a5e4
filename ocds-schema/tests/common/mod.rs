//! Helpers shared by the integration tests: every fixture is read from `tests/data`.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of the helpers"
)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Path of a file under `tests/data`.
pub fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

/// Parsed JSON of a file under `tests/data`.
pub fn json(path: &str) -> Value {
    let text =
        std::fs::read_to_string(data(path)).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"))
}

/// Every `.json` file under a `tests/data` folder, recursively, as paths relative to `tests/data`.
pub fn json_files(folder: &str) -> Vec<String> {
    let mut out = Vec::new();
    let root = data("");
    let mut stack = vec![data(folder)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(
                    path.strip_prefix(&root)
                        .map(|p| p.display().to_string())
                        .unwrap_or_default(),
                );
            }
        }
    }
    out.sort();
    out
}
