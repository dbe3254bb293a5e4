//! Form state for templates: what the person typed (never passwords) and what is wrong.

use std::collections::BTreeMap;

/// The most characters any form or API field takes, whatever its name: longer than any
/// field's own limit below and than any content-file answer may be.
pub const FIELD_MAX: usize = 20_000;

/// The most characters the field called `name` takes, in every form and JSON body. Pages
/// state it as `maxlength`, the server refuses longer values with a field error
/// (`too_long`), and the OpenAPI document gives it as `maxLength`.
pub fn max_chars(name: &str) -> usize {
    match name {
        // RFC 5321 caps an address at 254 characters.
        "email" => 254,
        // Long enough for any passphrase; short enough that hashing it costs nothing extra.
        "password" => 128,
        "csrf_token" => 128,
        "q" => 200,
        "identifier" | "scheme" | "scheme_other" | "country" | "scale" | "role" | "lot" | "to"
        | "sort" | "status" | "result" | "action" | "question" | "accept" | "cursor" | "limit"
        | "from" | "page" | "per_page" | "versioned" | "scopes" => 64,
        "price_min" | "price_max" | "approval_limit" | "iteration" | "quantity" => 32,
        "service" | "route" | "in_full" | "framework" => 64,
        "requested_date" => 40,
        "invoice_number" => 60,
        "idempotency_key" => 100,
        "cost_centre" => 120,
        "delivery_address" => 500,
        "note" => 5000,
        "since"
        | "until"
        | "clarifications_close_at"
        | "applications_close_at"
        | "intention_to_award_at"
        | "goes_live_at"
        | "expires_at" => 40,
        "family" => 120,
        "name" | "signer_role" | "ocid" | "buyer" | "supplier" | "tag" | "token" => 200,
        // A DNS name is at most 253 characters.
        "domain" => 253,
        "legal_name" | "trading_name" | "organisation_name" | "street_address" | "locality" => 300,
        "next" => 2048,
        "description" | "reason" => 5000,
        "due" | "invoice_date" | "due_date" | "paid_on" | "new_end" | "module_start" => 40,
        "amount" | "new_value" | "module_value" => 32,
        "evidence_url" => 2000,
        "comment" | "reply" => 2000,
        n if n.starts_with("reason_") => 5000,
        _ => FIELD_MAX,
    }
}

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

    /// Keeps a typed value to show again, cut to the field's limit so that an oversized
    /// value is never echoed back whole.
    pub fn keep(&mut self, field: &str, value: &str) {
        let kept = match value.char_indices().nth(max_chars(field)) {
            Some((end, _)) => &value[..end],
            None => value,
        };
        self.values.insert(field.to_owned(), kept.to_owned());
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
