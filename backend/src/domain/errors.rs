//! Field-level problems with input, as flows report them: a stable code and a message per
//! field. The HTTP layer renders them (a form shown again, or the `fields` of a JSON error).

use std::collections::BTreeMap;

use serde::Serialize;

/// A field-level problem with a stable code, e.g. `email` → `invalid_email`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    /// Stable snake_case code of the problem.
    pub code: String,
    /// A plain message for people.
    pub message: String,
}

/// Problems per field name.
pub type FieldErrors = BTreeMap<String, FieldError>;
