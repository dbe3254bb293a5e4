//! The merge itself: releases are folded into a tree of paths, then the tree is written out.
//!
//! This is the tree form of `ocdsmerge`'s flatten/update/unflatten, and it reproduces that
//! reference's corner cases: empty objects and arrays in a release change nothing; a `null`
//! removes a value but the objects above it stay (possibly empty); objects in arrays are matched
//! by the string form of their `id` (an `id` of `1` and of `"1"` match) and keep the first `id`
//! seen; objects without `id` are always appended; and a path that holds a value in one release
//! and an object in another is an error, as in the reference.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::rules::{Rule, Rules};
use super::val::Val;
use super::{MergeError, py_eq};

/// A node of the merged tree: a value at this path, children, or (in bad data) both.
///
/// Values are borrowed from the releases being merged and cloned once, when written out.
#[derive(Debug, Default)]
pub(super) struct Node<'a> {
    /// The path first held a value (not an object or array of objects).
    pub(super) created_as_leaf: bool,
    /// Compiled merge: the latest value at this path.
    pub(super) leaf: Option<Cow<'a, Val<'a>>>,
    /// Versioned merge: the history of values at this path.
    pub(super) history: Vec<Version<'a>>,
    pub(super) kids: Kids<'a>,
}

#[derive(Debug, Default)]
pub(super) enum Kids<'a> {
    #[default]
    None,
    Object(Vec<(&'a str, Node<'a>)>),
    Array(Vec<Element<'a>>),
}

#[derive(Debug)]
pub(super) struct Element<'a> {
    /// Matching key: the string form of `id`, or `None` for an object without `id` (never matched).
    key: Option<Cow<'a, str>>,
    /// The first non-null `id` seen, written back unversioned.
    pub(super) id: Option<&'a Val<'a>>,
    pub(super) node: Node<'a>,
}

/// One entry of a versioned value's history; `release` indexes the merge's release metadata.
#[derive(Debug)]
pub(super) struct Version<'a> {
    pub(super) release: usize,
    pub(super) value: &'a Val<'a>,
}

/// The identity of a release, recorded with each versioned value.
#[derive(Debug)]
pub(super) struct ReleaseMeta<'a> {
    pub id: Val<'a>,
    pub date: Val<'a>,
    pub tag: Val<'a>,
}

/// Folding state shared by the compiled and versioned merges.
pub(super) struct Folder {
    pub versioned: bool,
    pub release: usize,
}

impl Folder {
    /// Merges one release into `root`.
    pub fn release<'a>(
        &self,
        root: &mut Node<'a>,
        release: &'a [(Cow<'a, str>, Val<'a>)],
        rules: &Rules,
    ) -> Result<(), MergeError> {
        self.object(root, release, Some(rules), "", true)
    }

    /// Merges an object; `path` is the field holding it (for error messages).
    fn object<'a>(
        &self,
        node: &mut Node<'a>,
        object: &'a [(Cow<'a, str>, Val<'a>)],
        rules: Option<&Rules>,
        path: &str,
        top: bool,
    ) -> Result<(), MergeError> {
        let mut hint = 0;
        for (key, value) in object {
            let key: &'a str = key;
            // At the top, `tag` is always dropped, and the versioned release does not version `ocid`.
            if top && (key == "tag" || (self.versioned && key == "ocid")) {
                continue;
            }
            let rules = rules.and_then(|r| r.child(key));
            let rule = rules.and_then(Rules::rule);
            if rule == Some(Rule::Omit) {
                continue;
            }
            let (child, fresh) = node.object_child(key, path, &mut hint)?;
            self.field(child, value, rules, rule, key)?;
            if fresh && child.is_empty() {
                // Like the reference, a field that yields no value leaves no trace.
                node.drop_last();
            }
        }
        Ok(())
    }

    fn field<'a>(
        &self,
        node: &mut Node<'a>,
        value: &'a Val<'a>,
        rules: Option<&Rules>,
        rule: Option<Rule>,
        key: &str,
    ) -> Result<(), MergeError> {
        let is_leaf = rule == Some(Rule::WholeList)
            || match value {
                Val::Obj(_) => false,
                Val::Arr(items) => items.iter().any(|item| !item.is_object()),
                _ => true,
            };
        if is_leaf {
            self.set(node, value);
            return Ok(());
        }
        match value {
            Val::Obj(map) if !map.is_empty() => self.object(node, map, rules, key, false),
            Val::Arr(items) if !items.is_empty() => {
                let path = key;
                for item in items {
                    if let Val::Obj(map) = item {
                        let (element, fresh) = node.element(item.get("id"), path)?;
                        self.object(element, map, rules, path, false)?;
                        if fresh && element.is_empty() {
                            node.drop_last();
                        }
                    }
                }
                Ok(())
            }
            // An empty object or array changes nothing.
            _ => Ok(()),
        }
    }

    fn set<'a>(&self, node: &mut Node<'a>, value: &'a Val<'a>) {
        if node.is_new() {
            node.created_as_leaf = true;
        }
        if self.versioned {
            // Within one release the last write wins (objects sharing an `id` in one array), as
            // in the reference, whose flattening keeps one value per path and release.
            if node
                .history
                .last()
                .is_some_and(|last| last.release == self.release)
            {
                node.history.pop();
            }
            if node
                .history
                .last()
                .is_none_or(|last| !py_eq(last.value, value))
            {
                node.history.push(Version {
                    release: self.release,
                    value,
                });
            }
        } else {
            node.leaf = Some(Cow::Borrowed(value));
        }
    }
}

impl<'a> Node<'a> {
    fn is_new(&self) -> bool {
        self.leaf.is_none() && self.history.is_empty() && !self.has_kids()
    }

    fn is_empty(&self) -> bool {
        self.is_new()
    }

    pub(super) fn has_kids(&self) -> bool {
        match &self.kids {
            Kids::None => false,
            Kids::Object(entries) => !entries.is_empty(),
            Kids::Array(elements) => !elements.is_empty(),
        }
    }

    /// Removes the newest child (one just created that turned out empty).
    fn drop_last(&mut self) {
        match &mut self.kids {
            Kids::Object(entries) => {
                entries.pop();
            }
            Kids::Array(elements) => {
                elements.pop();
            }
            Kids::None => {}
        }
    }

    /// Sets a compiled value directly (the compiled release's `tag`, `id`, `date`, `ocid`).
    pub fn set_value(&mut self, key: &'a str, value: Val<'a>) {
        if let Ok((child, _)) = self.object_child(key, "", &mut 0) {
            if child.is_new() {
                child.created_as_leaf = true;
            }
            child.leaf = Some(Cow::Owned(value));
        }
    }

    /// The index of child `key` (created if missing) and whether it was created.
    ///
    /// The search starts at `hint`, just after the previous match: releases list their fields
    /// in the same (sorted) order, so the next key is usually the next child.
    fn object_child(
        &mut self,
        key: &'a str,
        path: &str,
        hint: &mut usize,
    ) -> Result<(&mut Node<'a>, bool), MergeError> {
        if !self.has_kids() && !matches!(self.kids, Kids::Object(_)) {
            self.kids = Kids::Object(Vec::new());
        }
        let Kids::Object(entries) = &mut self.kids else {
            return Err(MergeError::InconsistentType {
                path: path.to_owned(),
            });
        };
        let len = entries.len();
        let found = (0..len)
            .map(|offset| (*hint + offset) % len)
            .find(|&i| same_key(entries[i].0, key));
        let (index, fresh) = match found {
            Some(index) => (index, false),
            None => {
                entries.push((key, Node::default()));
                (len, true)
            }
        };
        *hint = index + 1;
        Ok((&mut entries[index].1, fresh))
    }

    /// The index of the array element matching `id` (appended if none) and whether it was created.
    fn element(
        &mut self,
        id: Option<&'a Val<'a>>,
        path: &str,
    ) -> Result<(&mut Node<'a>, bool), MergeError> {
        if !self.has_kids() && !matches!(self.kids, Kids::Array(_)) {
            self.kids = Kids::Array(Vec::new());
        }
        let Kids::Array(elements) = &mut self.kids else {
            return Err(MergeError::InconsistentType {
                path: path.to_owned(),
            });
        };
        let key = id.map(id_key);
        let found = key
            .as_ref()
            .and_then(|key| elements.iter().position(|e| e.key.as_ref() == Some(key)));
        let (index, fresh) = match found {
            Some(index) => (index, false),
            None => {
                let id = id.filter(|id| !id.is_null());
                elements.push(Element {
                    key,
                    id,
                    node: Node::default(),
                });
                (elements.len() - 1, true)
            }
        };
        Ok((&mut elements[index].node, fresh))
    }

    /// Writes the merged tree out; `None` means the path is absent from the output.
    pub fn emit(self, metas: &[ReleaseMeta<'_>], path: &str) -> Result<Option<Value>, MergeError> {
        let has_kids = self.has_kids();
        if self.created_as_leaf {
            let value = if self.history.is_empty() {
                self.leaf.filter(|v| !v.is_null()).map(|v| v.to_value())
            } else {
                Some(Value::Array(
                    self.history.into_iter().map(|v| v.emit(metas)).collect(),
                ))
            };
            if let Some(value) = value {
                if has_kids {
                    return Err(MergeError::InconsistentType {
                        path: path.to_owned(),
                    });
                }
                return Ok(Some(value));
            }
        }
        match self.kids {
            Kids::None => Ok(None),
            Kids::Object(entries) => {
                let mut map = Map::new();
                for (key, node) in entries {
                    if let Some(value) = node.emit(metas, path)? {
                        map.insert(key.to_owned(), value);
                    }
                }
                Ok(Some(Value::Object(map)))
            }
            Kids::Array(elements) => {
                let mut out = Vec::with_capacity(elements.len());
                for element in elements {
                    let mut map = match element.node.emit(metas, path)? {
                        Some(Value::Object(map)) => map,
                        _ => Map::new(),
                    };
                    if let Some(id) = element.id {
                        map.insert("id".to_owned(), id.to_value());
                    }
                    out.push(Value::Object(map));
                }
                Ok(Some(Value::Array(out)))
            }
        }
    }
}

impl Version<'_> {
    fn emit(self, metas: &[ReleaseMeta<'_>]) -> Value {
        let mut map = Map::new();
        if let Some(meta) = metas.get(self.release) {
            map.insert("releaseID".to_owned(), meta.id.to_value());
            map.insert("releaseDate".to_owned(), meta.date.to_value());
            map.insert("releaseTag".to_owned(), meta.tag.to_value());
        }
        map.insert("value".to_owned(), self.value.to_value());
        Value::Object(map)
    }
}

/// The string an `id` is matched by, as Python's `str()` would give it.
fn id_key<'a>(id: &'a Val<'a>) -> Cow<'a, str> {
    match id {
        Val::Str(s) => Cow::Borrowed(s),
        Val::Null => Cow::Borrowed("None"),
        Val::Bool(true) => Cow::Borrowed("True"),
        Val::Bool(false) => Cow::Borrowed("False"),
        other => Cow::Owned(serde_json::to_string(other).unwrap_or_default()),
    }
}

/// Whether two keys are equal, compared inline (see [`super::val::key_order`]).
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}
