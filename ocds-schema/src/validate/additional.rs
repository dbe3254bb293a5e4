//! Warnings for fields that are in neither the schema nor its declared extensions: OCDS asks
//! validators to report them, but they do not make the data invalid.

use serde_json::Value;

use super::ValidationError;
use super::checks::{push_index, push_key};

/// Nesting deeper than this is not inspected (guards against recursive schemas).
const MAX_DEPTH: usize = 24;

/// Appends an `additionalField` warning for each field of `instance` unknown to `schema`.
pub(super) fn warn(
    root: &Value,
    schema: &Value,
    instance: &Value,
    pointer: &str,
    out: &mut Vec<ValidationError>,
) {
    walk(root, schema, instance, &mut pointer.to_owned(), 0, out);
}

fn walk(
    root: &Value,
    schema: &Value,
    instance: &Value,
    pointer: &mut String,
    depth: usize,
    out: &mut Vec<ValidationError>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = deref(root, schema);
    match instance {
        Value::Object(map) => {
            let Some(Value::Object(properties)) = schema.get("properties") else {
                return;
            };
            for (key, value) in map {
                match properties.get(key) {
                    Some(property) => {
                        if value.is_object() || value.is_array() {
                            let len = pointer.len();
                            push_key(pointer, key);
                            walk(root, property, value, pointer, depth + 1, out);
                            pointer.truncate(len);
                        }
                    }
                    None if is_translation(key, properties) => {}
                    None => {
                        let mut at = pointer.clone();
                        push_key(&mut at, key);
                        out.push(ValidationError {
                            pointer: at,
                            rule: "additionalField".to_owned(),
                            message: format!(
                                "{key:?} is not in the schema or the declared extensions"
                            ),
                        });
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() || item.is_array() {
                        let len = pointer.len();
                        push_index(pointer, i);
                        walk(root, item_schema, item, pointer, depth + 1, out);
                        pointer.truncate(len);
                    }
                }
            }
        }
        _ => {}
    }
}

/// `title_es`, `description_en-GB`...: translations allowed by the schema's `patternProperties`.
fn is_translation(key: &str, properties: &serde_json::Map<String, Value>) -> bool {
    key.split_once('_').is_some_and(|(field, language)| {
        properties.contains_key(field)
            && !language.is_empty()
            && language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

fn deref<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..MAX_DEPTH {
        let Some(pointer) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            return schema;
        };
        match root.pointer(pointer) {
            Some(target) => schema = target,
            None => return schema,
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_reported_but_translations_are_not() {
        let root = json!({"properties": {"tender": {"$ref": "#/definitions/Tender"}},
                          "definitions": {"Tender": {"properties": {"title": {}, "items": {"items": {"properties": {"id": {}}}}}}}});
        let instance = json!({"tender": {"title": "a", "title_es": "b", "color": "red", "items": [{"id": "1", "size": 2}]}, "x": 1});
        let mut out = Vec::new();
        warn(&root, &root, &instance, "", &mut out);
        let pointers: Vec<_> = out.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/tender/color", "/tender/items/0/size", "/x"]);
    }
}
