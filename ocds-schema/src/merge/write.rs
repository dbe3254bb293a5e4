//! Writes a merged tree straight to JSON bytes, without building a `serde_json::Value`:
//! the same output as `Node::emit` followed by serialization, with fewer allocations.

use serde::Serialize;
use serde_json::Value;

use super::MergeError;
use super::tree::{Kids, Node, ReleaseMeta, Version};

impl Node<'_> {
    /// Whether the node writes anything (`emit` would give `Some`).
    fn present(&self) -> bool {
        let leaf = self.created_as_leaf
            && (!self.history.is_empty() || self.leaf.as_deref().is_some_and(|v| !v.is_null()));
        leaf || !matches!(self.kids, Kids::None)
    }

    /// Appends the node's JSON to `out` (the caller checked [`Node::present`]).
    pub(super) fn write(
        &self,
        metas: &[ReleaseMeta<'_>],
        path: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), MergeError> {
        if self.created_as_leaf {
            if !self.history.is_empty() {
                if self.has_kids() {
                    return Err(MergeError::InconsistentType {
                        path: path.to_owned(),
                    });
                }
                out.push(b'[');
                for (i, version) in self.history.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    version.write(metas, out)?;
                }
                out.push(b']');
                return Ok(());
            }
            if let Some(value) = self.leaf.as_deref().filter(|v| !v.is_null()) {
                if self.has_kids() {
                    return Err(MergeError::InconsistentType {
                        path: path.to_owned(),
                    });
                }
                return json(value, out);
            }
        }
        match &self.kids {
            Kids::None => Ok(()),
            Kids::Object(entries) => {
                out.push(b'{');
                let mut first = true;
                for (key, node) in entries {
                    if node.present() {
                        field(&mut first, key, out)?;
                        node.write(metas, key, out)?;
                    }
                }
                out.push(b'}');
                Ok(())
            }
            Kids::Array(elements) => {
                out.push(b'[');
                for (i, element) in elements.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.push(b'{');
                    let mut first = true;
                    if let Some(id) = element.id {
                        field(&mut first, "id", out)?;
                        json(id, out)?;
                    }
                    if let Kids::Object(entries) = &element.node.kids {
                        for (key, node) in entries {
                            // The first `id` seen replaces the element's own (never versioned) `id`.
                            if (element.id.is_some() && *key == "id") || !node.present() {
                                continue;
                            }
                            field(&mut first, key, out)?;
                            node.write(metas, path, out)?;
                        }
                    }
                    out.push(b'}');
                }
                out.push(b']');
                Ok(())
            }
        }
    }

    /// Appends the whole tree (the merged release) to `out`.
    pub(super) fn write_root(
        &self,
        metas: &[ReleaseMeta<'_>],
        out: &mut Vec<u8>,
    ) -> Result<(), MergeError> {
        if self.present() {
            self.write(metas, "", out)
        } else {
            json(&Value::Object(serde_json::Map::new()), out)
        }
    }
}

impl Version<'_> {
    fn write(&self, metas: &[ReleaseMeta<'_>], out: &mut Vec<u8>) -> Result<(), MergeError> {
        out.push(b'{');
        let mut first = true;
        if let Some(meta) = metas.get(self.release) {
            for (key, value) in [
                ("releaseID", &meta.id),
                ("releaseDate", &meta.date),
                ("releaseTag", &meta.tag),
            ] {
                field(&mut first, key, out)?;
                json(value, out)?;
            }
        }
        field(&mut first, "value", out)?;
        json(self.value, out)?;
        out.push(b'}');
        Ok(())
    }
}

/// Writes `"key":`, preceded by a comma unless it is the first member.
fn field(first: &mut bool, key: &str, out: &mut Vec<u8>) -> Result<(), MergeError> {
    if !std::mem::take(first) {
        out.push(b',');
    }
    json(key, out)?;
    out.push(b':');
    Ok(())
}

fn json<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), MergeError> {
    serde_json::to_writer(out, value).map_err(|e| MergeError::Write(e.to_string()))
}
