//! Who may use which route: one table, enforced by one middleware, tested route × role.
//!
//! The table gives each route its coarse rule (public, signed in, verified, or one of some
//! roles). Handlers add the fine checks next to their action, such as answering 404 for
//! another organisation's user, so that what must stay invisible does. A route missing from
//! the table is refused with a 500 in every environment, so a new route cannot ship without
//! joining the matrix.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::CurrentUser;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::http::errors::is_machine_path;

/// The coarse rule of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user, verified or not (viewing their own account, signing out).
    SignedIn,
    /// A signed-in user whose e-mail is verified.
    Verified,
    /// A verified user holding one of these roles.
    AnyOf(&'static [Role]),
}

/// What the middleware decides for a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go on to the handler.
    Allow,
    /// Sign in first (a redirect for pages, 401 for the API).
    SignIn,
    /// Signed in, but verify the e-mail address first.
    VerifyEmail,
    /// Signed in, but not allowed.
    Forbidden,
}

const MANAGERS: &[Role] = &[Role::FrameworkManager, Role::PlatformAdmin];
const ADMINS: &[Role] = &[Role::PlatformAdmin];
const ORG_ADMINS: &[Role] = &[Role::SupplierAdmin, Role::BuyerAdmin];
const SUPPLIERS: &[Role] = &[Role::SupplierAdmin, Role::SupplierUser];
const SUPPLIER_ADMINS: &[Role] = &[Role::SupplierAdmin];
const BUYERS: &[Role] = &[
    Role::BuyerAdmin,
    Role::BuyerUser,
    Role::CanAward,
    Role::CanApproveOrders,
    Role::CanPublishBriefs,
];
const AWARDERS: &[Role] = &[Role::CanAward];
const BRIEF_WRITERS: &[Role] = &[Role::CanPublishBriefs];
const BRIEF_RUNNERS: &[Role] = &[Role::CanPublishBriefs, Role::CanAward];
const ANSWERERS: &[Role] = &[Role::CanPublishBriefs, Role::CanAnswerQuestions];
const CATEGORY_REVIEWERS: &[Role] = &[Role::CategoryReviewer];
const TRADERS: &[Role] = &[
    Role::BuyerAdmin,
    Role::BuyerUser,
    Role::CanAward,
    Role::CanApproveOrders,
    Role::CanPublishBriefs,
    Role::SupplierAdmin,
    Role::SupplierUser,
];
const REVIEWERS: &[Role] = &[
    Role::FrameworkManager,
    Role::PlatformAdmin,
    Role::CategoryReviewer,
];

/// Every route Marco serves: (method, matched path, rule).
pub const ROUTES: &[(&str, &str, Rule)] = &[
    ("GET", "/", Rule::Public),
    ("GET", "/language/{code}", Rule::Public),
    ("GET", "/catalogue", Rule::Public),
    ("GET", "/opportunities", Rule::Public),
    ("GET", "/opportunities/{id}", Rule::Public),
    ("GET", "/opportunities/{id}/respond", Rule::AnyOf(SUPPLIERS)),
    (
        "POST",
        "/opportunities/{id}/respond",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/opportunities/{id}/questions",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/opportunities/{id}/prototype",
        Rule::AnyOf(SUPPLIERS),
    ),
    ("GET", "/opportunities/{id}/debrief", Rule::AnyOf(SUPPLIERS)),
    (
        "POST",
        "/opportunities/{id}/complaint",
        Rule::AnyOf(SUPPLIERS),
    ),
    ("GET", "/responses", Rule::AnyOf(SUPPLIERS)),
    ("POST", "/responses/alerts", Rule::AnyOf(SUPPLIERS)),
    ("GET", "/briefs", Rule::AnyOf(BUYERS)),
    ("POST", "/briefs", Rule::AnyOf(BRIEF_WRITERS)),
    ("GET", "/briefs/{id}", Rule::AnyOf(BUYERS)),
    ("GET", "/briefs/{id}/edit", Rule::AnyOf(BRIEF_WRITERS)),
    ("POST", "/briefs/{id}/edit", Rule::AnyOf(BRIEF_WRITERS)),
    (
        "POST",
        "/briefs/{id}/review-request",
        Rule::AnyOf(BRIEF_WRITERS),
    ),
    ("POST", "/briefs/{id}/publish", Rule::AnyOf(BRIEF_WRITERS)),
    ("POST", "/briefs/{id}/withdraw", Rule::AnyOf(BRIEF_WRITERS)),
    ("POST", "/briefs/{id}/panel", Rule::AnyOf(BRIEF_RUNNERS)),
    ("POST", "/briefs/{id}/challenge", Rule::AnyOf(BRIEF_RUNNERS)),
    ("POST", "/briefs/{id}/award", Rule::AnyOf(AWARDERS)),
    (
        "POST",
        "/briefs/questions/{id}/answer",
        Rule::AnyOf(ANSWERERS),
    ),
    (
        "POST",
        "/briefs/complaints/{id}/reply",
        Rule::AnyOf(BRIEF_RUNNERS),
    ),
    ("GET", "/briefs/{id}/score/proposal", Rule::AnyOf(BUYERS)),
    ("POST", "/briefs/{id}/score/proposal", Rule::AnyOf(BUYERS)),
    ("GET", "/briefs/{id}/score/challenge", Rule::AnyOf(BUYERS)),
    ("POST", "/briefs/{id}/score/challenge", Rule::AnyOf(BUYERS)),
    (
        "POST",
        "/briefs/{id}/score/proposal/submit",
        Rule::AnyOf(BUYERS),
    ),
    (
        "POST",
        "/briefs/{id}/score/challenge/submit",
        Rule::AnyOf(BUYERS),
    ),
    ("GET", "/briefs/{id}/moderate/proposal", Rule::AnyOf(BUYERS)),
    (
        "POST",
        "/briefs/{id}/moderate/proposal",
        Rule::AnyOf(BUYERS),
    ),
    (
        "GET",
        "/briefs/{id}/moderate/challenge",
        Rule::AnyOf(BUYERS),
    ),
    (
        "POST",
        "/briefs/{id}/moderate/challenge",
        Rule::AnyOf(BUYERS),
    ),
    ("GET", "/reviews", Rule::AnyOf(CATEGORY_REVIEWERS)),
    ("GET", "/reviews/{id}", Rule::AnyOf(CATEGORY_REVIEWERS)),
    ("POST", "/reviews/{id}", Rule::AnyOf(CATEGORY_REVIEWERS)),
    ("GET", "/open-data", Rule::Public),
    ("GET", "/analytics", Rule::Public),
    ("GET", "/analytics/red-flags", Rule::Public),
    ("GET", "/analytics/suppliers/{id}", Rule::Public),
    ("GET", "/analytics/buyers/{id}", Rule::Public),
    ("GET", "/analytics/markets", Rule::Public),
    ("GET", "/analytics/markets/{framework}", Rule::Public),
    ("GET", "/analytics/markets.csv", Rule::Public),
    ("GET", "/analytics/report.json", Rule::Public),
    ("GET", "/analytics/flags.csv", Rule::Public),
    ("GET", "/analytics/suppliers.csv", Rule::Public),
    ("GET", "/analytics/buyers.csv", Rule::Public),
    ("GET", "/api/v1/analytics", Rule::Public),
    ("GET", "/api/v1/analytics/flags", Rule::Public),
    ("GET", "/api/v1/analytics/suppliers/{id}", Rule::Public),
    ("GET", "/api/v1/analytics/buyers/{id}", Rule::Public),
    ("GET", "/api/v1/analytics/markets", Rule::Public),
    ("GET", "/static/{*path}", Rule::Public),
    ("GET", "/healthz", Rule::Public),
    ("GET", "/readyz", Rule::Public),
    ("GET", "/metrics", Rule::Public),
    ("GET", "/api/v1/", Rule::Public),
    ("GET", "/api/v1", Rule::Public),
    ("GET", "/api/v1/openapi.json", Rule::Public),
    ("GET", "/api/v1/status", Rule::Public),
    (
        "POST",
        "/api/v1/organisation-identifiers/check",
        Rule::Public,
    ),
    ("POST", "/api/v1/auth/token", Rule::Public),
    ("POST", "/api/v1/registrations/supplier", Rule::Public),
    ("POST", "/api/v1/registrations/buyer", Rule::Public),
    ("GET", "/api/v1/me", Rule::SignedIn),
    ("GET", "/api/v1/catalogue/services", Rule::Public),
    ("GET", "/api/v1/catalogue/services/{id}", Rule::Public),
    ("GET", "/api/v1/frameworks", Rule::Public),
    ("GET", "/api/v1/frameworks/{slug}", Rule::Public),
    ("GET", "/api/v1/orders", Rule::AnyOf(TRADERS)),
    ("POST", "/api/v1/orders", Rule::AnyOf(BUYERS)),
    ("GET", "/api/v1/orders/{id}", Rule::AnyOf(TRADERS)),
    ("POST", "/api/v1/orders/{id}/{action}", Rule::AnyOf(TRADERS)),
    ("GET", "/ocds", Rule::Public),
    ("GET", "/ocds/releases", Rule::Public),
    ("GET", "/ocds/releases.jsonl", Rule::Public),
    ("GET", "/ocds/releases/{id}", Rule::Public),
    ("GET", "/ocds/records", Rule::Public),
    ("GET", "/ocds/records.jsonl", Rule::Public),
    ("GET", "/ocds/records/{ocid}", Rule::Public),
    ("GET", "/ocds/bulk/", Rule::Public),
    ("GET", "/ocds/bulk/{file}", Rule::Public),
    ("GET", "/ocds/log", Rule::Public),
    ("GET", "/ocds/log/head", Rule::Public),
    ("GET", "/ocds/log/key", Rule::Public),
    ("GET", "/ocds/extensions/{extension}/{file}", Rule::Public),
    ("GET", "/sign-in", Rule::Public),
    ("POST", "/sign-in", Rule::Public),
    ("POST", "/sign-out", Rule::SignedIn),
    ("GET", "/register", Rule::Public),
    ("GET", "/register/supplier", Rule::Public),
    ("POST", "/register/supplier", Rule::Public),
    ("GET", "/register/buyer", Rule::Public),
    ("POST", "/register/buyer", Rule::Public),
    ("GET", "/check-email", Rule::Public),
    ("GET", "/verify-email", Rule::Public),
    ("POST", "/verify-email/resend", Rule::SignedIn),
    ("GET", "/password-reset", Rule::Public),
    ("POST", "/password-reset", Rule::Public),
    ("GET", "/password-reset/new", Rule::Public),
    ("POST", "/password-reset/new", Rule::Public),
    ("GET", "/password-reset/{token}", Rule::Public),
    ("GET", "/account", Rule::SignedIn),
    ("GET", "/dashboard", Rule::SignedIn),
    ("GET", "/account/data", Rule::SignedIn),
    ("POST", "/account/close", Rule::SignedIn),
    ("GET", "/organisation/users", Rule::AnyOf(ORG_ADMINS)),
    ("POST", "/organisation/invitations", Rule::AnyOf(ORG_ADMINS)),
    (
        "POST",
        "/organisation/users/{id}/deactivate",
        Rule::AnyOf(ORG_ADMINS),
    ),
    (
        "GET",
        "/organisation/users/{id}/roles",
        Rule::AnyOf(ORG_ADMINS),
    ),
    (
        "POST",
        "/organisation/users/{id}/roles",
        Rule::AnyOf(ORG_ADMINS),
    ),
    ("GET", "/invitations/{token}", Rule::Public),
    ("POST", "/invitations/{token}", Rule::Public),
    ("GET", "/admin/audit", Rule::AnyOf(ADMINS)),
    ("GET", "/admin/mail", Rule::AnyOf(ADMINS)),
    ("GET", "/admin/publication", Rule::AnyOf(MANAGERS)),
    ("GET", "/admin/buyer-domains", Rule::AnyOf(MANAGERS)),
    ("POST", "/admin/buyer-domains", Rule::AnyOf(MANAGERS)),
    ("GET", "/frameworks", Rule::Public),
    ("GET", "/frameworks/new", Rule::AnyOf(MANAGERS)),
    ("POST", "/frameworks/new", Rule::AnyOf(MANAGERS)),
    ("GET", "/frameworks/content-example.toml", Rule::Public),
    ("GET", "/frameworks/{slug}", Rule::Public),
    ("POST", "/frameworks/{slug}/status", Rule::AnyOf(MANAGERS)),
    ("POST", "/frameworks/{slug}/copy", Rule::AnyOf(MANAGERS)),
    (
        "GET",
        "/frameworks/{slug}/agreements/{organisation}",
        Rule::Public,
    ),
    (
        "GET",
        "/frameworks/{slug}/application",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "GET",
        "/frameworks/{slug}/application/declaration",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/declaration",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/declaration/reuse",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/services",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "GET",
        "/frameworks/{slug}/application/services/{id}",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/services/{id}",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/services/{id}/delete",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/services/{id}/documents",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/copy",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/submit",
        Rule::AnyOf(SUPPLIERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/application/sign",
        Rule::AnyOf(SUPPLIER_ADMINS),
    ),
    ("GET", "/documents/{id}", Rule::Public),
    ("GET", "/catalogue.csv", Rule::Public),
    ("GET", "/services/{id}", Rule::Public),
    ("GET", "/services/{id}/edit", Rule::AnyOf(SUPPLIERS)),
    ("POST", "/services/{id}/edit", Rule::AnyOf(SUPPLIERS)),
    (
        "POST",
        "/services/{id}/remove",
        Rule::AnyOf(SUPPLIER_ADMINS),
    ),
    ("POST", "/services/{id}/status", Rule::AnyOf(MANAGERS)),
    ("GET", "/suppliers/{id}", Rule::Public),
    ("GET", "/cart", Rule::AnyOf(BUYERS)),
    ("POST", "/cart/items", Rule::AnyOf(BUYERS)),
    ("POST", "/cart/items/{id}/delete", Rule::AnyOf(BUYERS)),
    ("POST", "/cart/checkout", Rule::AnyOf(BUYERS)),
    ("GET", "/orders", Rule::AnyOf(TRADERS)),
    ("GET", "/orders/{id}", Rule::AnyOf(TRADERS)),
    ("POST", "/orders/{id}/{action}", Rule::AnyOf(TRADERS)),
    ("GET", "/contracts", Rule::Public),
    ("GET", "/contracts.csv", Rule::Public),
    ("GET", "/contracts/{id}", Rule::Public),
    ("GET", "/contracts/{id}/manage", Rule::Verified),
    ("POST", "/contracts/{id}/milestones", Rule::Verified),
    ("POST", "/contracts/{id}/deliver", Rule::Verified),
    ("POST", "/contracts/{id}/decide", Rule::Verified),
    ("POST", "/contracts/{id}/pay", Rule::Verified),
    ("POST", "/contracts/{id}/ratings", Rule::Verified),
    ("POST", "/contracts/{id}/reply", Rule::Verified),
    ("POST", "/contracts/{id}/changes", Rule::Verified),
    (
        "POST",
        "/contracts/{id}/changes/{change}/decide",
        Rule::Verified,
    ),
    ("POST", "/contracts/{id}/reports", Rule::Verified),
    ("GET", "/contracts/{id}/evidence/{delivery}", Rule::Verified),
    ("GET", "/direct-awards/projects", Rule::AnyOf(BUYERS)),
    ("POST", "/direct-awards/projects", Rule::AnyOf(AWARDERS)),
    ("POST", "/direct-awards/searches", Rule::AnyOf(AWARDERS)),
    ("GET", "/direct-awards/projects/{id}", Rule::AnyOf(BUYERS)),
    (
        "POST",
        "/direct-awards/projects/{id}/end-search",
        Rule::AnyOf(AWARDERS),
    ),
    (
        "POST",
        "/direct-awards/projects/{id}/outcome",
        Rule::AnyOf(AWARDERS),
    ),
    (
        "GET",
        "/direct-awards/projects/{id}/shortlist.csv",
        Rule::AnyOf(BUYERS),
    ),
    (
        "GET",
        "/direct-awards/projects/{id}/shortlist.xlsx",
        Rule::AnyOf(BUYERS),
    ),
    ("GET", "/direct-awards/{id}", Rule::Public),
    ("POST", "/suppliers/{id}/suspension", Rule::AnyOf(MANAGERS)),
    (
        "GET",
        "/frameworks/{slug}/applications",
        Rule::AnyOf(REVIEWERS),
    ),
    (
        "GET",
        "/frameworks/{slug}/applications/{id}",
        Rule::AnyOf(REVIEWERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/applications/{id}",
        Rule::AnyOf(REVIEWERS),
    ),
    (
        "POST",
        "/frameworks/{slug}/applications/{id}/countersign",
        Rule::AnyOf(MANAGERS),
    ),
];

/// The rule of a route, if the table has it.
pub fn rule_for(method: &Method, path: &str) -> Option<Rule> {
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, rule)| *rule)
}

/// Applies a rule to a request's user.
pub fn decide(rule: Rule, user: Option<&CurrentUser>, method: &Method) -> Decision {
    let Some(user) = user else {
        return if rule == Rule::Public {
            Decision::Allow
        } else {
            Decision::SignIn
        };
    };
    // An API token without the write scope may only read.
    if user.is_api() && method != Method::GET && !user.has_scope("write") && rule != Rule::Public {
        return Decision::Forbidden;
    }
    match rule {
        Rule::Public | Rule::SignedIn => Decision::Allow,
        Rule::Verified if user.verified => Decision::Allow,
        Rule::AnyOf(roles) if user.verified && roles.iter().any(|r| user.roles.contains(r)) => {
            Decision::Allow
        }
        Rule::AnyOf(roles) if !user.verified && roles.iter().any(|r| user.roles.contains(r)) => {
            Decision::VerifyEmail
        }
        Rule::Verified => Decision::VerifyEmail,
        Rule::AnyOf(_) => Decision::Forbidden,
    }
}

/// Middleware: enforces the table for the matched route.
pub async fn enforce(request: Request, next: Next) -> Response {
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        // No route matched: the fallback answers 404.
        return next.run(request).await;
    };
    let Some(rule) = rule_for(request.method(), &path) else {
        // Another method on a known path: the router answers 405 (or HEAD through GET).
        if ROUTES.iter().any(|(_, p, _)| *p == path) {
            return next.run(request).await;
        }
        return AppError::Internal(anyhow::anyhow!(
            "{} {path} is not in the authorisation table",
            request.method()
        ))
        .into_response();
    };
    let user = request.extensions().get::<CurrentUser>();
    match decide(rule, user, request.method()) {
        Decision::Allow => next.run(request).await,
        Decision::SignIn if !is_machine_path(&path) && request.method() == Method::GET => {
            let next_path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let encoded: String =
                url::form_urlencoded::byte_serialize(next_path.as_bytes()).collect();
            Redirect::to(&format!("/sign-in?next={encoded}")).into_response()
        }
        Decision::SignIn => AppError::Unauthorized.into_response(),
        Decision::VerifyEmail => AppError::Denied("email_not_verified").into_response(),
        Decision::Forbidden => AppError::Forbidden.into_response(),
    }
}
