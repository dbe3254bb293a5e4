//! Security headers and cache rules, set once for every response.
//!
//! Marco's pages run no script, so the Content-Security-Policy allows none. A response that a
//! shared cache may keep (`Cache-Control: public`: feed pages, bulk files, static assets)
//! never carries a cookie, or the cache would hand one person's token to everybody; pages for
//! a signed-in person, and any response that sets a cookie, are never stored at all.

use axum::extract::{Request, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, REFERRER_POLICY, SET_COOKIE,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::config::Environment;
use crate::state::AppState;

/// The policy of every response: no script, no plugin, no framing, forms post only here.
/// USWDS draws some icons from `data:` SVGs in its style sheet.
pub const CSP: &str = "default-src 'none'; script-src 'none'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; form-action 'self'; frame-ancestors 'none'; \
base-uri 'none'";

/// Two years, with subdomains: the HSTS preload list's minimum is one year.
const HSTS: &str = "max-age=63072000; includeSubDomains";

const PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");

/// Middleware: the security headers, and the cache rules above.
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let personal = carries_credentials(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (CONTENT_SECURITY_POLICY, CSP),
        (X_FRAME_OPTIONS, "DENY"),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (REFERRER_POLICY, "same-origin"),
        (
            PERMISSIONS_POLICY,
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
        (CROSS_ORIGIN_OPENER_POLICY, "same-origin"),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if state.config.environment == Environment::Production
        && state.config.public_url.starts_with("https://")
    {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    apply_cache_rules(headers, personal);
    response
}

/// Whether the request came with a session cookie or a bearer token: its answer may be
/// personal.
fn carries_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(AUTHORIZATION)
        || headers.get_all(COOKIE).iter().any(|v| {
            v.to_str()
                .is_ok_and(|c| c.contains(crate::auth::session::SESSION_COOKIE))
        })
}

fn apply_cache_rules(headers: &mut HeaderMap, personal: bool) {
    let shared = headers
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("public"));
    if shared {
        // The same bytes for everybody: a cookie here (a first CSRF token, a renewed session)
        // would be cached and replayed to others. It is sent on the next personal page.
        headers.remove(SET_COOKIE);
        return;
    }
    if !headers.contains_key(CACHE_CONTROL) && (personal || headers.contains_key(SET_COOKIE)) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publicly_cacheable_response_loses_its_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=60"),
        );
        headers.insert(SET_COOKIE, HeaderValue::from_static("marco_csrf=x"));
        apply_cache_rules(&mut headers, true);
        assert!(!headers.contains_key(SET_COOKIE));
        assert_eq!(headers[CACHE_CONTROL], "public, max-age=60");
    }

    #[test]
    fn a_personal_or_cookie_setting_response_is_not_stored() {
        for (personal, cookie) in [(true, false), (false, true), (true, true)] {
            let mut headers = HeaderMap::new();
            if cookie {
                headers.insert(SET_COOKIE, HeaderValue::from_static("marco_csrf=x"));
            }
            apply_cache_rules(&mut headers, personal);
            assert_eq!(headers[CACHE_CONTROL], "no-store");
        }
        let mut anonymous = HeaderMap::new();
        apply_cache_rules(&mut anonymous, false);
        assert!(!anonymous.contains_key(CACHE_CONTROL));
    }
}
