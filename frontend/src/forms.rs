//! Form state for templates: what the person typed (never passwords) and what is wrong.

use std::collections::BTreeMap;

/// A submitted or empty form, ready to render.
#[derive(Clone, Debug, Default)]
pub struct Form {
    /// Values to show again, by field name.
    pub values: BTreeMap<String, String>,
    /// Problems, in the order the fields appear, as (field, message).
    pub errors: Vec<(String, String)>,
    /// The CSRF token every form carries.
    pub csrf: String,
}

impl Form {
    /// An empty form with its CSRF token.
    pub fn new(csrf: impl Into<String>) -> Form {
        Form {
            csrf: csrf.into(),
            ..Form::default()
        }
    }

    /// The value typed in `field`, or "".
    pub fn value(&self, field: &str) -> &str {
        self.values
            .get(field)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Whether `field` holds `option` (for selects and radios).
    pub fn is(&self, field: &str, option: &str) -> bool {
        self.value(field) == option
    }

    /// The message for `field`, if it has a problem.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether any field has a problem.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Adds a problem to `field` (the first one per field is kept).
    pub fn add_error(&mut self, field: &str, message: impl Into<String>) {
        if self.error(field).is_none() {
            self.errors.push((field.to_owned(), message.into()));
        }
    }

    /// Keeps a typed value to show again.
    pub fn keep(&mut self, field: &str, value: &str) {
        self.values.insert(field.to_owned(), value.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_error_per_field_is_kept_in_order() {
        let mut form = Form::new("t");
        form.add_error("email", "bad");
        form.add_error("password", "short");
        form.add_error("email", "worse");
        assert_eq!(form.error("email"), Some("bad"));
        assert_eq!(form.errors.len(), 2);
        form.keep("email", "a@b.cl");
        assert!(form.is("email", "a@b.cl"));
        assert_eq!(form.value("name"), "");
    }
}
