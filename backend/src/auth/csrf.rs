//! CSRF protection for forms: a random token in a SameSite cookie that every form must echo
//! in a hidden `csrf_token` field (double submit), compared in constant time.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use subtle::ConstantTimeEq;

use crate::config::Environment;
use crate::state::AppState;

/// The CSRF cookie's name.
pub const CSRF_COOKIE: &str = "marco_csrf";

/// This request's CSRF token, for rendering forms and checking submissions.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl CsrfToken {
    /// Whether a submitted token matches; a missing one never does.
    pub fn matches(&self, submitted: Option<&str>) -> bool {
        submitted
            .is_some_and(|s| !s.is_empty() && bool::from(s.as_bytes().ct_eq(self.0.as_bytes())))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CsrfToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<CsrfToken>()
            .cloned()
            .unwrap_or_else(|| CsrfToken(String::new())))
    }
}

/// Middleware: makes sure the person has a CSRF cookie and exposes its token to handlers.
/// The cookie is Secure in production, and is only set on HTML pages, where forms are.
pub async fn ensure(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let existing = CookieJar::from_headers(request.headers())
        .get(CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64);
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => (hex::encode(rand::random::<[u8; 32]>()), true),
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if fresh && html {
        let cookie = Cookie::build((CSRF_COOKIE, token))
            .path("/")
            .http_only(true)
            .secure(state.config.environment == Environment::Production)
            .same_site(SameSite::Lax)
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}
