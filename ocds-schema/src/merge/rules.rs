//! Merge rules (`omitWhenMerged`, `wholeListMerge`) derived from a release schema.
//!
//! This follows `ocdsmerge.rules.get_merge_rules`: the schema is walked with its local `$ref`s
//! followed (a `$ref` replaces its object, as `jsonref` does), and a rule is recorded for the
//! path of each property (array positions do not appear in rule paths).

use rustc_hash::FxHashMap;
use serde_json::Value;

/// What the merge does with the values at one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The field is dropped (`omitWhenMerged`, or 1.0's `mergeStrategy: ocdsOmit`).
    Omit,
    /// The array is replaced as a whole (`wholeListMerge`, arrays of non-objects, objects without `id`).
    WholeList,
}

/// A tree of rules keyed by field name.
#[derive(Debug, Default, Clone)]
pub struct Rules {
    rule: Option<Rule>,
    /// Looked up for every field of every release merged: a fast hash (the keys are the schema's).
    children: FxHashMap<String, Rules>,
}

/// Nesting deeper than this is ignored, which guards against recursive schemas.
const MAX_DEPTH: usize = 32;

impl Rules {
    /// Derives the rules from a release schema (its `$ref`s need not be dereferenced).
    pub fn from_schema(schema: &Value) -> Self {
        let mut rules = Self::default();
        if let Some(Value::Object(properties)) = deref(schema, schema).get("properties") {
            rules.collect(schema, properties, 0);
        }
        rules
    }

    fn collect(&mut self, root: &Value, properties: &serde_json::Map<String, Value>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        for (key, value) in properties {
            let value = deref(root, value);
            let types = types(value);
            let has = |t: &str| types.contains(&t);
            let child = || Self::default();
            if value.get("omitWhenMerged").is_some_and(truthy)
                || value.get("mergeStrategy") == Some(&Value::from("ocdsOmit"))
            {
                self.insert(
                    key,
                    Self {
                        rule: Some(Rule::Omit),
                        ..child()
                    },
                );
            } else if has("array")
                && (value.get("wholeListMerge").is_some_and(truthy)
                    || value.get("mergeStrategy") == Some(&Value::from("ocdsVersion")))
            {
                self.insert(
                    key,
                    Self {
                        rule: Some(Rule::WholeList),
                        ..child()
                    },
                );
            } else if has("object") && value.get("properties").is_some() {
                if let Some(Value::Object(props)) = value.get("properties") {
                    let mut node = child();
                    node.collect(root, props, depth + 1);
                    self.insert(key, node);
                }
            } else if has("array") && value.get("items").is_some() {
                let items = value
                    .get("items")
                    .map(|items| deref(root, items))
                    .unwrap_or(&Value::Null);
                let item_types = types_of(items);
                if item_types.iter().any(|t| *t != "object") {
                    self.insert(
                        key,
                        Self {
                            rule: Some(Rule::WholeList),
                            ..child()
                        },
                    );
                } else if item_types.contains(&"object")
                    && let Some(Value::Object(props)) = items.get("properties")
                {
                    if props.contains_key("id") {
                        let mut node = child();
                        node.collect(root, props, depth + 1);
                        self.insert(key, node);
                    } else {
                        self.insert(
                            key,
                            Self {
                                rule: Some(Rule::WholeList),
                                ..child()
                            },
                        );
                    }
                }
            }
        }
    }

    fn insert(&mut self, key: &str, node: Self) {
        if node.rule.is_some() || !node.children.is_empty() {
            self.children.insert(key.to_owned(), node);
        }
    }

    /// The rules below field `key`, if any.
    pub fn child(&self, key: &str) -> Option<&Self> {
        self.children.get(key)
    }

    /// The rule at this path, if any.
    pub fn rule(&self) -> Option<Rule> {
        self.rule
    }

    /// Every rule as a (`/`-joined path, rule) pair, sorted: for tests and `--explain` output.
    pub fn list(&self) -> Vec<(String, Rule)> {
        let mut out = Vec::new();
        self.walk("", &mut out);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn walk(&self, prefix: &str, out: &mut Vec<(String, Rule)>) {
        for (key, node) in &self.children {
            let path = format!("{prefix}/{key}");
            if let Some(rule) = node.rule {
                out.push((path.clone(), rule));
            }
            node.walk(&path, out);
        }
    }
}

fn truthy(value: &Value) -> bool {
    !matches!(value, Value::Null | Value::Bool(false))
}

fn types(value: &Value) -> Vec<&str> {
    types_of(value)
}

fn types_of(value: &Value) -> Vec<&str> {
    match value.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Follows local `$ref`s (`#/definitions/X`) until a non-reference object is reached.
fn deref<'a>(root: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_DEPTH {
        let Some(Value::String(reference)) = value.get("$ref") else {
            return value;
        };
        let Some(pointer) = reference.split_once('#').map(|(_, fragment)| fragment) else {
            return value;
        };
        match root.pointer(pointer) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_schema_rules_match_the_reference_merge() -> Result<(), serde_json::Error> {
        let schema: Value = serde_json::from_str(crate::schema::RELEASE_SCHEMA)?;
        let rules = Rules::from_schema(&schema);
        let list = rules.list();
        let omit: Vec<_> = list
            .iter()
            .filter(|(_, r)| *r == Rule::Omit)
            .map(|(p, _)| p.as_str())
            .collect();
        assert_eq!(omit, ["/date", "/id", "/tag"]);
        let whole = list.iter().filter(|(_, r)| *r == Rule::WholeList).count();
        assert_eq!(whole, 21, "GUIDE.md 1.3: 21 whole-list paths in 1.1.5");
        assert_eq!(
            rules
                .child("parties")
                .and_then(|p| p.child("additionalIdentifiers"))
                .and_then(Rules::rule),
            Some(Rule::WholeList)
        );
        Ok(())
    }
}
