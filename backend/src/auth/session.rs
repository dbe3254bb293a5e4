//! Browser sessions (a short-lived JWT in an HttpOnly cookie, renewed while in use) and API
//! bearer tokens, both backed by a `sessions` row so sign-out and deactivation revoke them.

use std::collections::BTreeSet;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::CurrentUser;
use super::jwt::Claims;
use crate::config::Environment;
use crate::domain::roles::{OrgKind, Role};
use crate::entities::{organisation, session, user, user_role};
use crate::state::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "marco_session";
/// How long one browser token lives; it is renewed while the person is active.
pub const TOKEN_TTL: Duration = Duration::minutes(20);
/// The longest a browser session lasts, however active.
pub const SESSION_MAX: Duration = Duration::hours(12);
/// How long an API token lives.
pub const API_TOKEN_TTL: Duration = Duration::hours(1);

/// Starts a session for `user_id` and returns the signed token.
pub async fn start<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    user_id: i64,
    kind: &str,
    scopes: &str,
) -> anyhow::Result<(String, i64)> {
    let now = Utc::now();
    let (ttl, max) = if kind == "api" {
        (API_TOKEN_TTL, API_TOKEN_TTL)
    } else {
        (TOKEN_TTL, SESSION_MAX)
    };
    let id = uuid::Uuid::new_v4().to_string();
    session::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user_id),
        kind: Set(kind.into()),
        scopes: Set(scopes.into()),
        created_at: Set(now),
        expires_at: Set(now + max),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    let claims = Claims {
        sub: user_id.to_string(),
        sid: id,
        kind: kind.into(),
        scope: scopes.into(),
        iat: now.timestamp(),
        exp: (now + ttl).timestamp(),
    };
    Ok((state.keys.sign(&claims)?, ttl.num_seconds()))
}

/// Revokes one session.
pub async fn revoke<C: ConnectionTrait>(db: &C, session_id: &str) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every session and API token of a user (deactivation, password change, closure).
pub async fn revoke_all<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), sea_orm::DbErr> {
    session::Entity::update_many()
        .col_expr(
            session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The `Set-Cookie` value carrying a browser token.
pub fn cookie(state: &AppState, token: String, max_age: i64) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(state.config.environment == Environment::Production)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age))
        .build()
}

/// A `Set-Cookie` value that removes the session cookie.
pub fn removal(state: &AppState) -> Cookie<'static> {
    cookie(state, String::new(), 0)
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// Middleware: recognises the user from the bearer token or the session cookie, checks the
/// session is live and the user active, and renews a browser token past half its life.
pub async fn load(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let from_header = bearer(request.headers());
    let token = from_header.clone().or_else(|| {
        CookieJar::from_headers(request.headers())
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
    });
    let Some(claims) = token.as_deref().and_then(|t| state.keys.verify(t)) else {
        return next.run(request).await;
    };
    // A bearer token must be an API token, and a cookie a browser one.
    if (from_header.is_some()) != (claims.kind == "api") {
        return next.run(request).await;
    }
    let user = match current_user(&state, &claims).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(error = %err, "loading the session failed");
            None
        }
    };
    let Some(user) = user else {
        return next.run(request).await;
    };
    let renew =
        user.kind == "browser" && claims.exp - Utc::now().timestamp() < TOKEN_TTL.num_seconds() / 2;
    request.extensions_mut().insert(user.clone());
    let mut response = next.run(request).await;
    response
        .extensions_mut()
        .insert(crate::http::context::SignedIn::of(&user));
    // A handler that set the session cookie itself (sign-in, sign-out) knows best.
    let sets_session = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .any(|v| v.to_str().is_ok_and(|c| c.starts_with(SESSION_COOKIE)));
    if renew && !sets_session {
        let now = Utc::now();
        let renewed = Claims {
            iat: now.timestamp(),
            exp: (now + TOKEN_TTL).timestamp(),
            ..claims
        };
        if let Ok(token) = state.keys.sign(&renewed) {
            let value = cookie(&state, token, TOKEN_TTL.num_seconds()).to_string();
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(SET_COOKIE, value);
            }
        }
    }
    response
}

async fn current_user(
    state: &AppState,
    claims: &Claims,
) -> Result<Option<CurrentUser>, sea_orm::DbErr> {
    let db = &state.db;
    let Some(live) = session::Entity::find_by_id(claims.sid.clone())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if live.revoked_at.is_some()
        || live.expires_at < Utc::now()
        || live.user_id.to_string() != claims.sub
    {
        return Ok(None);
    }
    let Some(person) = user::Entity::find_by_id(live.user_id).one(db).await? else {
        return Ok(None);
    };
    if !person.active {
        return Ok(None);
    }
    let Some(org) = organisation::Entity::find_by_id(person.organisation_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let roles: BTreeSet<Role> = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(person.id))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.role.parse().ok())
        .collect();
    Ok(Some(CurrentUser {
        id: person.id,
        organisation_id: org.id,
        org_kind: OrgKind::parse(&org.kind).unwrap_or(OrgKind::Supplier),
        name: person.name,
        email: person.email,
        roles,
        verified: person.email_verified_at.is_some(),
        session_id: live.id,
        kind: live.kind,
        scopes: live.scopes,
    }))
}
