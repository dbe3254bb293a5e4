//! Cross-cutting HTTP machinery: the middleware stack, error rendering, metrics and extractors.

pub mod api_json;
pub mod context;
pub mod errors;
pub mod feed_pages;
pub mod limits;
pub mod metrics;
pub mod security;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, StatusCode};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::state::AppState;

/// The request id header, set on every request and echoed on every response.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Wraps the routes in every layer, in one place: request id, tracing, metrics, error pages,
/// panic catching, timeout, compression and the body size limit.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let config = state.config.clone();
    // Router::layer wraps what is already there, so the list reads from the innermost layer
    // (next to the handlers) to the outermost one (first to see a request).
    routes
        .layer(DefaultBodyLimit::max(config.body_limit))
        // The hard cap on any body; each extractor applies its route's own limit below it
        // (`config.body_limit` by default, more where a form uploads documents).
        .layer(RequestBodyLimitLayer::new(
            config
                .body_limit
                .max(crate::domain::content::UPLOAD_BODY_LIMIT),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::check_lengths,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .layer(axum::middleware::from_fn(crate::auth::authz::enforce))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::ensure,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session::load,
        ))
        .layer(axum::middleware::from_fn(errors::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        // Bulk files are already compressed, and compressing them again would drop their
        // Content-Length and break byte ranges.
        .layer(
            CompressionLayer::new().compress_when(
                DefaultPredicate::new()
                    .and(NotForContentType::const_new("application/gzip"))
                    .and(NotForContentType::const_new("application/zip")),
            ),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(make_span)
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .with_state(state)
}

/// The span of one request. It records the route template (`/password-reset/{token}`), never
/// the concrete path, query string or headers: those carry reset tokens, cookies and other
/// secrets. Unmatched requests record their path, which reaches no handler.
fn make_span(request: &Request) -> tracing::Span {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let path = if matched.is_some() {
        String::new()
    } else {
        request.uri().path().chars().take(200).collect()
    };
    let route = matched.unwrap_or_default();
    let request_id = request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        http.method = %request.method(),
        http.path = path,
        http.route = route,
        request_id = request_id,
    )
}
