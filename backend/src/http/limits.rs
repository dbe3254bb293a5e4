//! Field lengths, checked once for every request: each query parameter, form field and JSON
//! string may be at most `marco_frontend::forms::max_chars(name)` characters. Pages state the
//! same limit as `maxlength`, so only clients that skip the form meet the refusal: HTTP 422
//! with a `too_long` field error, and nothing of the value echoed back.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use marco_frontend::Tr;
use marco_frontend::forms::max_chars;
use serde_json::Value;

use crate::error::{AppError, FieldError, FieldErrors};
use crate::state::AppState;

/// Middleware: refuses a request with any field past its length limit.
pub async fn check_lengths(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut errors = FieldErrors::new();
    let tr = Tr::new(super::context::lang_from_headers(request.headers()));
    if let Some(query) = request.uri().query() {
        check_pairs(&tr, query.as_bytes(), &mut errors);
    }
    let kind = body_kind(&request);
    let request = if kind == BodyKind::Other {
        request
    } else {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, state.config.body_limit).await else {
            return AppError::bad_request(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                None,
            )
            .into_response();
        };
        match kind {
            BodyKind::Form => check_pairs(&tr, &bytes, &mut errors),
            // Malformed JSON is the extractor's to report (400 invalid_json).
            _ => {
                if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                    check_json(&tr, None, &value, &mut errors);
                }
            }
        }
        Request::from_parts(parts, Body::from(bytes))
    };
    if !errors.is_empty() {
        return AppError::Invalid(errors).into_response();
    }
    next.run(request).await
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyKind {
    Form,
    Json,
    Other,
}

fn body_kind(request: &Request) -> BodyKind {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if content_type.starts_with("application/json") {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

fn too_long(tr: &Tr, errors: &mut FieldErrors, name: &str, max: usize) {
    // A name is echoed only when it is short: an oversized name is itself the attack.
    let name: String = name.chars().take(64).collect();
    errors.entry(name).or_insert_with(|| FieldError {
        code: "too_long".into(),
        message: tr.t1("err-too-long-max", "max", max),
    });
}

fn check_pairs(tr: &Tr, raw: &[u8], errors: &mut FieldErrors) {
    for (name, value) in url::form_urlencoded::parse(raw) {
        let max = max_chars(&name);
        if name.chars().count() > 64 {
            too_long(tr, errors, &name, 64);
        } else if value.chars().count() > max {
            too_long(tr, errors, &name, max);
        }
    }
}

fn check_json(tr: &Tr, key: Option<&str>, value: &Value, errors: &mut FieldErrors) {
    match value {
        Value::String(text) => {
            let name = key.unwrap_or_default();
            let max = max_chars(name);
            if text.chars().count() > max {
                too_long(tr, errors, name, max);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_json(tr, key, v, errors)),
        Value::Object(map) => {
            for (k, v) in map {
                if k.chars().count() > 64 {
                    too_long(tr, errors, k, 64);
                } else {
                    check_json(tr, Some(k), v, errors);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_past_its_fields_limit_is_named_and_a_short_one_passes() {
        let tr = Tr::new(marco_frontend::Lang::En);
        let mut errors = FieldErrors::new();
        let long = "a".repeat(201);
        check_pairs(&tr, format!("q={long}&page=2").as_bytes(), &mut errors);
        assert_eq!(errors["q"].code, "too_long");
        assert_eq!(errors["q"].message, "At most 200 characters");
        assert_eq!(errors.len(), 1);
        let mut ok = FieldErrors::new();
        check_pairs(&tr, b"q=cloud+hosting&page=2", &mut ok);
        assert!(ok.is_empty());
    }

    #[test]
    fn json_strings_are_checked_by_their_key_at_any_depth() {
        let tr = Tr::new(marco_frontend::Lang::Es);
        let mut errors = FieldErrors::new();
        let body = serde_json::json!({
            "email": format!("{}@x.example", "a".repeat(300)),
            "scopes": ["read", "w".repeat(65)],
            "nested": {"legal_name": "Nube Andina SpA"}
        });
        check_json(&tr, None, &body, &mut errors);
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["email", "scopes"]);
        assert_eq!(errors["email"].message, "Como máximo 254 caracteres");
    }
}
