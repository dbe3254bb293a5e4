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
mod val;
mod write;

use std::borrow::Cow;

use serde_json::{Map, Value};

pub use rules::{Rule, Rules};
use tree::{Folder, Node, ReleaseMeta};
pub use val::Val;

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
        self.write_compiled_val(&views(releases), out)
    }

    /// Appends the versioned release's JSON to `out` (faster than serializing [`Merger::versioned`]).
    pub fn write_versioned(&self, releases: &[Value], out: &mut Vec<u8>) -> Result<(), MergeError> {
        self.write_versioned_val(&views(releases), out)
    }

    /// [`Merger::write_compiled`] of releases parsed with [`Val::parse`]: the same bytes, and the
    /// fast path for many releases (no `serde_json::Value` is built).
    pub fn write_compiled_val(
        &self,
        releases: &[Val<'_>],
        out: &mut Vec<u8>,
    ) -> Result<(), MergeError> {
        self.fold(releases, false, |root, metas| root.write_root(metas, out))
    }

    /// [`Merger::write_versioned`] of releases parsed with [`Val::parse`].
    pub fn write_versioned_val(
        &self,
        releases: &[Val<'_>],
        out: &mut Vec<u8>,
    ) -> Result<(), MergeError> {
        self.fold(releases, true, |root, metas| root.write_root(metas, out))
    }

    fn merge(&self, releases: &[Value], versioned: bool) -> Result<Value, MergeError> {
        self.fold(&views(releases), versioned, |root, metas| {
            Ok(root
                .emit(metas, "")?
                .unwrap_or_else(|| Value::Object(Map::new())))
        })
    }

    /// Folds the releases into a tree and hands it to `finish`.
    fn fold<'a, T>(
        &self,
        releases: &'a [Val<'a>],
        versioned: bool,
        finish: impl FnOnce(Node<'a>, &[ReleaseMeta<'a>]) -> Result<T, MergeError>,
    ) -> Result<T, MergeError> {
        let ordered = sorted(releases)?;
        let mut root = Node::default();
        let mut metas = Vec::with_capacity(ordered.len());
        if !versioned {
            root.set_value("tag", Val::Arr(vec![Val::Str(Cow::Borrowed("compiled"))]));
        }
        for (position, (release, members)) in ordered.into_iter().enumerate() {
            let field = |key| release.get(key).cloned().unwrap_or(Val::Null);
            let (ocid, date) = (field("ocid"), field("date"));
            if versioned {
                root.set_value("ocid", ocid);
            } else {
                root.set_value(
                    "id",
                    Val::Str(Cow::Owned(format!("{}-{}", py_str(&ocid), py_str(&date)))),
                );
                root.set_value("date", date.clone());
                root.set_value("ocid", ocid);
            }
            metas.push(ReleaseMeta {
                id: field("id"),
                date,
                tag: field("tag"),
            });
            let folder = Folder {
                versioned,
                release: position,
            };
            folder.release(&mut root, members, &self.rules)?;
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
/// A release object and its members.
type Release<'a> = (&'a Val<'a>, &'a [(Cow<'a, str>, Val<'a>)]);

fn sorted<'a>(releases: &'a [Val<'a>]) -> Result<Vec<Release<'a>>, MergeError> {
    let mut out = Vec::with_capacity(releases.len());
    for (index, release) in releases.iter().enumerate() {
        let Val::Obj(members) = release else {
            return Err(MergeError::NotAnObject { index });
        };
        out.push((release, members.as_slice()));
    }
    if out.len() == 1 {
        return Ok(out);
    }
    for (index, (release, _)) in out.iter().enumerate() {
        if release.get("date").and_then(Val::as_str).is_none() {
            return Err(MergeError::BadDate { index });
        }
    }
    out.sort_by_key(|(r, _)| r.get("date").and_then(Val::as_str).unwrap_or_default());
    Ok(out)
}

/// Borrowed views of parsed releases.
fn views(releases: &[Value]) -> Vec<Val<'_>> {
    releases.iter().map(Val::from_value).collect()
}

/// Python's `str()` of a JSON value, as used in the reference's compiled `id`.
fn py_str(value: &Val<'_>) -> String {
    match value {
        Val::Str(s) => s.to_string(),
        Val::Null => "None".to_owned(),
        Val::Bool(true) => "True".to_owned(),
        Val::Bool(false) => "False".to_owned(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Python's `==` on JSON values: numbers compare by value (`1 == 1.0`), and booleans equal 0 and 1.
pub(crate) fn py_eq(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Val::Bool(x), Val::Num(n)) | (Val::Num(n), Val::Bool(x)) => {
            n.as_f64() == Some(f64::from(u8::from(*x)))
        }
        (Val::Arr(x), Val::Arr(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| py_eq(x, y))
        }
        // Members are sorted by key, each key once: equal objects pair up in order.
        (Val::Obj(x), Val::Obj(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| k == l && py_eq(v, w))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests;
