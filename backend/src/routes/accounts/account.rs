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
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

    use crate::entities::{audit_event, session, user as users};
    let person = users::Entity::find_by_id(user.id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = organisation::Entity::find_by_id(person.organisation_id)
        .one(&state.db)
        .await?;
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(user.id))
        .order_by_asc(session::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let events = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectUserId.eq(user.id))
        .order_by_asc(audit_event::Column::Id)
        .all(&state.db)
        .await?;
    let data = serde_json::json!({
        "user": {
            "id": person.id, "name": person.name, "email": person.email, "phone": person.phone,
            "language": person.locale, "emailVerifiedAt": person.email_verified_at, "createdAt": person.created_at,
            "roles": user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        },
        "organisation": org.map(|o| serde_json::json!({"name": o.name, "identifier": {"scheme": o.identifier_scheme, "id": o.identifier_id}})),
        "sessions": sessions.iter().map(|s| serde_json::json!({"kind": s.kind, "createdAt": s.created_at, "expiresAt": s.expires_at, "revokedAt": s.revoked_at})).collect::<Vec<_>>(),
        "securityEvents": events.iter().map(|e| serde_json::json!({"at": e.at, "event": e.event, "ip": e.ip})).collect::<Vec<_>>(),
    });
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
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

    use crate::auth::audit::{self, Event};
    use crate::entities::user as users;
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        return Err(AppError::Denied("csrf_failed"));
    }
    let txn = state.begin_write().await?;
    let person = users::Entity::find_by_id(user.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let closed_address = format!("closed-{}@closed.invalid", person.id);
    let old_address = person.email.clone();
    let mut closed = person.into_active_model();
    closed.name = Set("Closed account".into());
    closed.email = Set(closed_address.clone());
    closed.phone = Set(None);
    closed.password_hash = Set(crate::domain::password::hash(&hex::encode(
        rand::random::<[u8; 32]>(),
    ))?);
    closed.active = Set(false);
    closed.update(&txn).await?;
    crate::auth::session::revoke_all(&txn, user.id).await?;
    crate::mail::forget_recipient(&txn, &old_address).await?;
    crate::auth::tokens::forget_email(&txn, &old_address, &closed_address).await?;
    audit::record(
        &txn,
        Event {
            event: "account_closed",
            actor: Some(user.id),
            subject: Some(user.id),
            ip: ip.audit(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
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
