//! Request-scoped values for pages: the language and the layout shell.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use marco_frontend::i18n::LANG_COOKIE;
use marco_frontend::{Lang, Shell};

/// The language of this request: cookie, then `Accept-Language`, then English.
pub fn lang_from_headers(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    let cookie = jar.get(LANG_COOKIE).map(|c| c.value().to_owned());
    let accept = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(cookie.as_deref(), accept)
}

/// The layout shell for the page being rendered; handlers take it as an extractor.
#[derive(Debug, Clone)]
pub struct PageContext(pub Shell);

impl<S: Send + Sync> FromRequestParts<S> for PageContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_from_headers(&parts.headers);
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/");
        let mut shell = shell_for(lang, path);
        if let Some(user) = parts.extensions.get::<crate::auth::CurrentUser>() {
            signed_in(&mut shell, &SignedIn::of(user));
        }
        Ok(PageContext(shell))
    }
}

/// Who is signed in, as the layout shows it. The session layer also puts it on each response,
/// so that error pages, rendered outside that layer, show the same header.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The person's name.
    pub name: String,
    /// Their organisation's kind.
    pub org_kind: crate::domain::roles::OrgKind,
    /// Whether they review business cases.
    pub reviewer: bool,
    /// Whether they run frameworks or the platform (the admin pages).
    pub admin: bool,
}

impl SignedIn {
    /// The header's view of `user`.
    pub fn of(user: &crate::auth::CurrentUser) -> SignedIn {
        SignedIn {
            name: user.name.clone(),
            org_kind: user.org_kind,
            reviewer: user.has(crate::domain::roles::Role::CategoryReviewer),
            admin: user.has(crate::domain::roles::Role::FrameworkManager)
                || user.has(crate::domain::roles::Role::PlatformAdmin),
        }
    }
}

/// Fills the header of `shell` for the person signed in: their name and links to their work.
pub fn signed_in(shell: &mut Shell, who: &SignedIn) {
    use crate::domain::roles::OrgKind;
    shell.signed_in = Some(who.name.clone());
    let mut work = vec![("/dashboard", "nav-dashboard")];
    match who.org_kind {
        OrgKind::Buyer => work.extend([
            ("/orders", "nav-orders"),
            ("/direct-awards/projects", "nav-direct-awards"),
            ("/briefs", "nav-briefs"),
        ]),
        OrgKind::Supplier => {
            work.extend([("/orders", "nav-orders"), ("/responses", "nav-responses")])
        }
        OrgKind::Platform => {}
    }
    if who.reviewer {
        work.push(("/reviews", "nav-reviews"));
    }
    if who.admin {
        work.push(("/admin/publication", "nav-admin"));
    }
    shell.work = work
        .into_iter()
        .map(|(href, key)| (href.to_owned(), shell.tr.t(key)))
        .collect();
}

/// The layout shell for a page at `path_and_query`. Pages reached through e-mailed links carry
/// a secret token in their address, which the language switch must not copy into the page.
pub fn shell_for(lang: Lang, path_and_query: &str) -> Shell {
    Shell::new(
        lang,
        if carries_token(path_and_query) {
            "/"
        } else {
            path_and_query
        },
    )
}

/// Whether a request path or query holds a single-use token from an e-mail.
pub fn carries_token(path_and_query: &str) -> bool {
    path_and_query.contains("token=")
        || path_and_query.starts_with("/invitations/")
        || (path_and_query.starts_with("/password-reset/")
            && !path_and_query.starts_with("/password-reset/new"))
}
