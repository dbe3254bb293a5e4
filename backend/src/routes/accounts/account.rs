//! The signed-in person's account page and `GET /api/v1/me`.

use axum::extract::State;
use marco_frontend::accounts::AccountPage;
use sea_orm::EntityTrait;
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::entities::organisation;
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
    let organisation = organisation::Entity::find_by_id(user.organisation_id)
        .one(&state.db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(AccountPage {
        shell,
        name: user.name.clone(),
        email: user.email.clone(),
        organisation,
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        verified: user.verified,
        csrf: csrf.0,
    })
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
    responses((status = 200, description = "The signed-in user", body = Me), (status = 401, description = "No valid token")))]
pub async fn show_me(user: CurrentUser) -> ApiJson<Me> {
    ApiJson(Me {
        id: user.id,
        organisation_id: user.organisation_id,
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        verified: user.verified,
        scope: user.scopes.clone(),
    })
}
