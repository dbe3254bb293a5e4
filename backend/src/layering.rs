//! Routes parse a request, call one flow or store function, and render: they never reach
//! the tables (`entities`), the ORM (`sea_orm`) or a transaction. A route that tried would
//! fail this test, which runs in every `make test`.

use std::path::{Path, PathBuf};

/// What a route file may not say.
const FORBIDDEN: &[&str] = &[
    "entities::",
    "sea_orm",
    "begin_write",
    "begin_immediate",
    "TransactionTrait",
    "DatabaseTransaction",
    ".transaction(",
    "DbBackend",
];

fn violations(text: &str) -> Vec<&'static str> {
    FORBIDDEN
        .iter()
        .copied()
        .filter(|word| text.contains(word))
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("routes folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_check_catches_each_way_into_the_database() {
    for sample in [
        "use sea_orm::EntityTrait;",
        "use crate::entities::user;",
        "let txn = state.begin_write().await?;",
        "crate::db::begin_immediate(&db)",
        "db.transaction(|txn| {})",
    ] {
        assert!(!violations(sample).is_empty(), "{sample} slipped through");
    }
    assert!(violations("store::framework_by_slug(&state.db, &slug)").is_empty());
}

#[test]
fn no_route_reaches_the_tables_the_orm_or_a_transaction() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut lines = 0;
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable route file");
        lines += text.lines().count();
        // This file names the words it forbids.
        if file.ends_with("routes/mod.rs") {
            continue;
        }
        for word in violations(&text) {
            found.push(format!("{}: {word}", file.display()));
        }
    }
    assert!(
        files.len() >= 25 && lines >= 5_000,
        "only {} files, {lines} lines read",
        files.len()
    );
    assert!(
        found.is_empty(),
        "routes reach the database:\n{}",
        found.join("\n")
    );
}

/// Responses to briefs are sealed until closing. The rule lives in one store,
/// `briefs/responses.rs`; no other code may touch their table, so nothing can read around it.
#[test]
fn only_the_responses_store_touches_sealed_responses() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(files.len() > 100, "read only {} files", files.len());
    let allowed = [
        Path::new("briefs/responses.rs"),
        Path::new("entities/brief_response.rs"),
        Path::new("entities/mod.rs"),
        Path::new("layering.rs"),
    ];
    let mut found = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&dir).expect("under src");
        if allowed.contains(&relative) {
            continue;
        }
        let text = std::fs::read_to_string(file).expect("readable file");
        if text.contains("brief_response::Entity") || text.contains("brief_response::Column") {
            found.push(relative.display().to_string());
        }
    }
    assert!(
        found.is_empty(),
        "sealed responses read outside their store: {found:?}"
    );
    let store = std::fs::read_to_string(dir.join("briefs/responses.rs")).expect("the store");
    assert!(
        store.contains("brief_response::Entity::find()"),
        "the check looks for the right words"
    );
}
