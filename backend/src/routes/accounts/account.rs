//! The signed-in person's account page and `GET /api/v1/me`.

use axum::extract::State;
use marco_frontend::accounts::AccountPage;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::error::AppError;
use crate::http::api_json::ApiJson;
use crate::http::context::PageContext;
use crate::state::AppState;

pub async fn show_account(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
) -> Result<AccountPage, AppError> {
    let organisation =
        crate::accounts::store::organisation_name(&state.db, user.organisation_id).await?;
    let tr = &shell.tr;
    let links = work_links(&user, tr);
    let roles = user
        .roles
        .iter()
        .map(|r| tr.t(&format!("role-{}", r.as_str())))
        .collect();
    Ok(AccountPage {
        links,
        roles,
        shell,
        name: user.name.clone(),
        email: user.email.clone(),
        organisation,
        verified: user.verified,
        csrf: csrf.0,
    })
}

/// The sections of Marco a person's roles open, for their dashboard and account page.
pub(crate) fn work_links(user: &CurrentUser, tr: &marco_frontend::Tr) -> Vec<(String, String)> {
    use crate::domain::roles::{OrgKind, Role};
    let mut links = Vec::new();
    let mut link = |href: &str, label: &str| links.push((href.to_owned(), tr.t(label)));
    match user.org_kind {
        OrgKind::Buyer => {
            link("/catalogue", "nav-catalogue");
            link("/cart", "cart-title");
            link("/orders", "orders-title");
            link("/direct-awards/projects", "da-projects-title");
            link("/briefs", "mine-title");
        }
        OrgKind::Supplier => {
            link("/opportunities", "opp-title");
            link("/responses", "responses-title");
            link("/orders", "orders-title");
            link("/frameworks", "nav-frameworks");
        }
        OrgKind::Platform => {}
    }
    if user.has(Role::SupplierAdmin) || user.has(Role::BuyerAdmin) {
        link("/organisation/users", "account-link-users");
    }
    if user.has(Role::CategoryReviewer) {
        link("/reviews", "reviews-title");
    }
    if user.has(Role::FrameworkManager) || user.has(Role::PlatformAdmin) {
        link("/frameworks", "nav-frameworks");
        link("/admin/publication", "account-link-publication");
        link("/admin/buyer-domains", "account-link-domains");
    }
    if user.has(Role::PlatformAdmin) {
        link("/admin/audit", "account-link-audit");
        link("/admin/mail", "account-link-mail");
    }
    link("/contracts", "contracts-title");
    link("/account", "account-title");
    links.dedup();
    links
}

/// Who the API token belongs to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// User id.
    pub id: i64,
    /// Organisation id.
    pub organisation_id: i64,
    /// Roles held.
    pub roles: Vec<String>,
    /// Whether the e-mail is verified.
    pub verified: bool,
    /// Scopes of the token, space separated (empty for browser sessions).
    pub scope: String,
}

/// The user behind the token or session.
#[utoipa::path(get, path = "/api/v1/me", tag = "api",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "No valid token", body = crate::routes::api::ApiError),
    ))]
pub async fn show_me(user: CurrentUser) -> ApiJson<Me> {
    ApiJson(Me {
        id: user.id,
        organisation_id: user.organisation_id,
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        verified: user.verified,
        scope: user.scopes.clone(),
    })
}

/// Everything Marco holds about the signed-in person, as a JSON download.
pub async fn download_data(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let roles: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    let data = crate::accounts::store::personal_data(&state.db, user.id, &roles)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"marco-account.json\"",
            ),
        ],
        serde_json::to_string_pretty(&data).map_err(|e| AppError::Internal(e.into()))?,
    )
        .into_response())
}

/// Closes the account: the organisation's records stay, the person's name, e-mail and phone go.
pub async fn close_account(
    State(state): State<AppState>,
    PageContext(mut shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: crate::auth::limits::ClientIp,
    jar: axum_extra::extract::CookieJar,
    axum::Form(fields): axum::Form<super::Fields>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        return Err(AppError::Denied("csrf_failed"));
    }
    crate::accounts::closure::close_account(&state, user.id, ip.audit()).await?;
    shell.signed_in = None;
    let body = shell.tr.t("account-closed-body");
    let page = super::message(
        shell,
        "account-closed-title",
        body,
        Some(("/", "continue")),
        "success",
    );
    Ok((jar.add(crate::auth::session::removal(&state)), page).into_response())
}
