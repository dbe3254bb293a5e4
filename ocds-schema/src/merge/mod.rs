//! Compiled and versioned releases by the OCDS merge routine.
//!
//! The behaviour is that of the reference implementation, `ocdsmerge` 0.8 (which the standard's
//! merge fixtures were written for), including its conventions for the compiled release
//! (`tag: ["compiled"]`, `id: "{ocid}-{date}"`, `date` of the newest release) and its handling
//! of releases with identical dates: the sort is stable, so they are merged in input order and
//! the later one wins.
//!
//! ```
//! use ocds_schema::merge::Merger;
//! use serde_json::json;
//!
//! let merger = Merger::for_extensions(&["bid"])?;
//! let releases = [
//!     json!({"ocid": "ocds-213czf-1", "id": "1", "date": "2020-01-01T00:00:00Z", "tag": ["tender"],
//!            "tender": {"id": "t", "title": "Pens"}}),
//!     json!({"ocid": "ocds-213czf-1", "id": "2", "date": "2020-02-01T00:00:00Z", "tag": ["tenderUpdate"],
//!            "tender": {"title": "Pencils"}}),
//! ];
//! let compiled = merger.compile(&releases)?;
//! assert_eq!(compiled["tender"]["title"], "Pencils");
//! assert_eq!(compiled["id"], "ocds-213czf-1-2020-02-01T00:00:00Z");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod rules;
mod tree;
mod write;

use serde_json::{Map, Value};

pub use rules::{Rule, Rules};
use tree::{Folder, Node, ReleaseMeta};

use crate::schema::{self, SchemaError, SchemaKind};

/// Why releases could not be merged.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    /// A release is not a JSON object.
    #[error("release {index} is not a JSON object")]
    NotAnObject {
        /// Position of the release in the input.
        index: usize,
    },
    /// A release has no `date`, or a `date` that is not a string (releases are ordered by it).
    #[error("release {index} has no `date` string, so the releases cannot be ordered")]
    BadDate {
        /// Position of the release in the input.
        index: usize,
    },
    /// The output could not be written.
    #[error("cannot write the merged release: {0}")]
    Write(String),
    /// A field holds an object in one release and a value or array in another.
    #[error(
        "releases disagree on the type of field {path:?}: an object in one, a value or array in another"
    )]
    InconsistentType {
        /// Name of the field (or of the field holding it).
        path: String,
    },
}

/// Merges releases of one contracting process, with rules from a (patched) release schema.
#[derive(Debug, Clone)]
pub struct Merger {
    rules: Rules,
}

impl Merger {
    /// A merger with the rules of the embedded OCDS 1.1.5 release schema and no extensions.
    pub fn new() -> Self {
        Self::for_extensions::<&str>(&[]).unwrap_or_else(|_| Self {
            rules: Rules::default(),
        })
    }

    /// A merger for the 1.1.5 release schema patched with the given extensions (ids or URLs).
    pub fn for_extensions<S: AsRef<str>>(extensions: &[S]) -> Result<Self, SchemaError> {
        let extensions = schema::resolve_extensions(extensions)?;
        let schema = schema::patched_schema(SchemaKind::Release, &extensions)?;
        Ok(Self::from_schema(&schema))
    }

    /// A merger with the rules of any release schema (e.g. OCDS 1.0, or a test schema).
    pub fn from_schema(schema: &Value) -> Self {
        Self {
            rules: Rules::from_schema(schema),
        }
    }

    /// The merge rules in use.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The compiled release of `releases` (any order; they are sorted by `date`).
    pub fn compile(&self, releases: &[Value]) -> Result<Value, MergeError> {
        self.merge(releases, false)
    }

    /// The versioned release of `releases` (any order; they are sorted by `date`).
    pub fn versioned(&self, releases: &[Value]) -> Result<Value, MergeError> {
        self.merge(releases, true)
    }

    /// Appends the compiled release's JSON to `out` (faster than serializing [`Merger::compile`]).
    pub fn write_compiled(&self, releases: &[Value], out: &mut Vec<u8>) -> Result<(), MergeError> {
        self.fold(releases, false, |root, metas| root.write_root(metas, out))
    }

    /// Appends the versioned release's JSON to `out` (faster than serializing [`Merger::versioned`]).
    pub fn write_versioned(&self, releases: &[Value], out: &mut Vec<u8>) -> Result<(), MergeError> {
        self.fold(releases, true, |root, metas| root.write_root(metas, out))
    }

    fn merge(&self, releases: &[Value], versioned: bool) -> Result<Value, MergeError> {
        self.fold(releases, versioned, |root, metas| {
            Ok(root
                .emit(metas, "")?
                .unwrap_or_else(|| Value::Object(Map::new())))
        })
    }

    /// Folds the releases into a tree and hands it to `finish`.
    fn fold<T>(
        &self,
        releases: &[Value],
        versioned: bool,
        finish: impl FnOnce(Node<'_>, &[ReleaseMeta]) -> Result<T, MergeError>,
    ) -> Result<T, MergeError> {
        let ordered = sorted(releases)?;
        let mut root = Node::default();
        let mut metas = Vec::with_capacity(ordered.len());
        if !versioned {
            root.set_value("tag", Value::Array(vec![Value::from("compiled")]));
        }
        for (position, release) in ordered.into_iter().enumerate() {
            let ocid = release.get("ocid").cloned().unwrap_or(Value::Null);
            let date = release.get("date").cloned().unwrap_or(Value::Null);
            if versioned {
                root.set_value("ocid", ocid);
            } else {
                root.set_value(
                    "id",
                    Value::from(format!("{}-{}", py_str(&ocid), py_str(&date))),
                );
                root.set_value("date", date.clone());
                root.set_value("ocid", ocid);
            }
            metas.push(ReleaseMeta {
                id: release.get("id").cloned().unwrap_or(Value::Null),
                date,
                tag: release.get("tag").cloned().unwrap_or(Value::Null),
            });
            let folder = Folder {
                versioned,
                release: position,
            };
            folder.release(&mut root, release, &self.rules)?;
        }
        finish(root, &metas)
    }
}

impl Default for Merger {
    fn default() -> Self {
        Self::new()
    }
}

/// Orders releases by `date`, stably (identical dates keep input order), as the reference does;
/// a single release is taken as it is.
fn sorted(releases: &[Value]) -> Result<Vec<&Map<String, Value>>, MergeError> {
    let mut out = Vec::with_capacity(releases.len());
    for (index, release) in releases.iter().enumerate() {
        let object = release
            .as_object()
            .ok_or(MergeError::NotAnObject { index })?;
        out.push(object);
    }
    if out.len() == 1 {
        return Ok(out);
    }
    for (index, release) in out.iter().enumerate() {
        if !release.get("date").is_some_and(Value::is_string) {
            return Err(MergeError::BadDate { index });
        }
    }
    out.sort_by_key(|r| r.get("date").and_then(Value::as_str).unwrap_or_default());
    Ok(out)
}

/// Python's `str()` of a JSON value, as used in the reference's compiled `id`.
fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}

/// Python's `==` on JSON values: numbers compare by value (`1 == 1.0`), and booleans equal 0 and 1.
pub(crate) fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Bool(x), Value::Number(n)) | (Value::Number(n), Value::Bool(x)) => {
            n.as_f64() == Some(f64::from(u8::from(*x)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| py_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests;
