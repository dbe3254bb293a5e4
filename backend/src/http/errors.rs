//! Renders every error response: an HTML page for people, JSON for the `/api/` routes and
//! the open-data feeds. Errors from our handlers carry an `ErrorInfo`; bare statuses from
//! routing and layers (404, 405, 408, 413) are rendered from their status code.

use std::any::Any;

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use marco_frontend::pages::ErrorPage;
use marco_frontend::{Lang, Tr};
use serde_json::json;

use super::REQUEST_ID;
use super::context::lang_from_headers;
use crate::error::{ErrorInfo, FieldErrors, code_for_status};

/// Whether errors at `path` are answered in JSON rather than HTML.
pub fn is_machine_path(path: &str) -> bool {
    path.starts_with("/api/")
        || path == "/api"
        || path.starts_with("/ocds/")
        || path == "/ocds"
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// Middleware: gives every 4xx and 5xx response a body in the right format and language.
pub async fn render(request: Request, next: Next) -> Response {
    let json = is_machine_path(request.uri().path());
    let lang = lang_from_headers(request.headers());
    let path = request.uri().path().to_owned();
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let info = match response.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // A handler that wrote its own typed body (an HTML form re-rendered with errors, a
        // JSON document) knows best; only bare bodies from routing and layers are replaced.
        None if has_own_body(&response) => return response,
        None => ErrorInfo {
            code: code_for_status(status).into(),
            detail: None,
            fields: FieldErrors::new(),
        },
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::CONTENT_ENCODING);
    let tr = Tr::new(lang);
    if json {
        let body = error_json(&tr, &info);
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Response::from_parts(parts, Body::from(body.to_string()))
    } else {
        let mut shell = super::context::shell_for(lang, &path);
        if let Some(who) = parts.extensions.get::<super::context::SignedIn>() {
            super::context::signed_in(&mut shell, who);
        }
        let page = ErrorPage {
            shell,
            status: status.as_u16(),
            code: info.code.clone(),
            request_id,
            problems: info
                .fields
                .iter()
                .map(|(field, problem)| (field.clone(), problem.message.clone()))
                .collect(),
        };
        let html = page
            .render()
            .unwrap_or_else(|_| tr.t("error-internal_error"));
        parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        Response::from_parts(parts, Body::from(html))
    }
}

fn has_own_body(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json") || ct.starts_with("text/html"))
}

/// The JSON error body: `{"error": {"code", "message", "fields"}}`.
pub fn error_json(tr: &Tr, info: &ErrorInfo) -> serde_json::Value {
    let base = tr.t(&format!("error-{}", info.code));
    let base = if base.starts_with("error-") {
        tr.t("error-internal_error")
    } else {
        base
    };
    let message = match &info.detail {
        Some(detail) => format!("{base} {detail}"),
        None => base,
    };
    json!({ "error": { "code": info.code, "message": message, "fields": info.fields } })
}

/// Turns a panic in a handler into a plain 500; the panic message is logged, never shown.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = message, "handler panicked");
    let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
    response.extensions_mut().insert(ErrorInfo {
        code: "internal_error".into(),
        detail: None,
        fields: FieldErrors::new(),
    });
    response
}

/// An example error body for the API reference page.
pub fn example_error(lang: Lang) -> String {
    let mut fields = FieldErrors::new();
    fields.insert(
        "identifier".into(),
        crate::error::FieldError {
            code: "invalid_rut".into(),
            message: "76.123.456-0: the check digit should be K".into(),
        },
    );
    let info = ErrorInfo {
        code: "validation_failed".into(),
        detail: None,
        fields,
    };
    serde_json::to_string_pretty(&error_json(&Tr::new(lang), &info)).unwrap_or_default()
}
