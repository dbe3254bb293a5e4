//! Signing in and out, the lock after 5 failures, and API bearer tokens.

use axum::Form as AxumForm;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use marco_frontend::accounts::SignInPage;
use marco_frontend::forms::Form;
use serde::{Deserialize, Serialize};

use super::{Fields, field, message, refill};
use crate::accounts::sign_in::{AuthFailure, authenticate, end_session, start_session};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::{CurrentUser, session};
use crate::domain::email::Email;
use crate::domain::local_path::LocalPath;
use crate::error::AppError;
use crate::http::api_json::ApiJson;
use crate::http::context::PageContext;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn safe_next(next: Option<&str>) -> String {
    next.and_then(|n| LocalPath::parse(n).ok())
        .filter(|p| !p.as_str().starts_with("/sign-in"))
        .map_or_else(|| "/dashboard".to_owned(), |p| p.to_string())
}

pub async fn show_sign_in(
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    Query(query): Query<NextQuery>,
) -> SignInPage {
    SignInPage {
        shell,
        form: Form::new(csrf.0),
        next: safe_next(query.next.as_deref()),
    }
}

pub async fn submit_sign_in(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    jar: CookieJar,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let next = safe_next(fields.get("next").map(String::as_str));
    let mut form = refill(&csrf, &fields, &["email"], "email", &tr);
    let email = Email::parse(field(&fields, "email"));
    if email.is_err() {
        form.add_error("email", tr.t("err-email"));
    }
    if field(&fields, "password").is_empty() {
        form.add_error("password", super::required_message(&tr, "password", None));
    }
    let (Ok(email), false) = (email, form.has_errors()) else {
        return Ok(SignInPage { shell, form, next }.into_response());
    };
    state.limits.check("sign_in", &ip, Some(email.as_str()))?;
    match authenticate(
        &state,
        &email,
        fields
            .get("password")
            .map(String::as_str)
            .unwrap_or_default(),
        &ip,
    )
    .await
    {
        Ok(person) => {
            let (token, ttl) =
                start_session(&state, person.id, "browser", "", "sign_in", ip.audit()).await?;
            Ok((
                jar.add(session::cookie(&state, token, ttl)),
                Redirect::to(&next),
            )
                .into_response())
        }
        Err(AuthFailure::Internal(err)) => Err(err),
        Err(failure) => {
            let key = if matches!(failure, AuthFailure::Locked) {
                "err-locked"
            } else {
                "err-bad-credentials"
            };
            form.add_error("email", tr.t(key));
            Ok(SignInPage { shell, form, next }.into_response())
        }
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    PageContext(mut shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    jar: CookieJar,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        return Err(AppError::Denied("csrf_failed"));
    }
    end_session(&state, user.id, &user.session_id, ip.audit()).await?;
    shell.signed_in = None;
    let body = shell.tr.t("signed-out-body");
    let page = message(
        shell,
        "signed-out-title",
        body,
        Some(("/", "continue")),
        "success",
    );
    Ok((jar.add(session::removal(&state)), page).into_response())
}

/// A request for an API token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TokenRequest {
    /// Account e-mail.
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// Account password.
    #[schema(min_length = 1, max_length = 128)]
    pub password: String,
    /// Scopes wanted: `read`, `write`; `read` when omitted.
    #[serde(default)]
    #[schema(inline, value_type = Vec<TokenScope>)]
    pub scopes: Vec<String>,
}

/// A scope an API token may carry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TokenScope {
    /// Read what the account may see.
    Read,
    /// Change what the account may change.
    Write,
}

/// An issued API token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// The bearer token for the `Authorization` header.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until it expires.
    pub expires_in: i64,
    /// Granted scopes, space separated.
    pub scope: String,
}

/// Issues a bearer token for API clients, with scopes and an expiry.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "api", request_body = TokenRequest,
    responses(
        (status = 200, description = "Token issued", body = TokenResponse),
        (status = 400, description = "The body is not JSON (invalid_json)", body = crate::routes::api::ApiError),
        (status = 401, description = "Wrong e-mail or password", body = crate::routes::api::ApiError),
        (status = 403, description = "Locked, or e-mail not verified", body = crate::routes::api::ApiError),
        (status = 413, description = "The body is too large", body = crate::routes::api::ApiError),
        (status = 415, description = "The body is not sent as application/json", body = crate::routes::api::ApiError),
        (status = 422, description = "A missing field, an unknown scope, or a field past its maxLength", body = crate::routes::api::ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = crate::routes::api::ApiError),
    ))]
pub async fn issue_api_token(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<ApiJson<TokenResponse>, AppError> {
    let mut scopes: Vec<String> = if request.scopes.is_empty() {
        vec!["read".into()]
    } else {
        request.scopes
    };
    scopes.sort();
    scopes.dedup();
    if let Some(bad) = scopes
        .iter()
        .find(|s| !matches!(s.as_str(), "read" | "write"))
    {
        let mut fields = crate::error::FieldErrors::new();
        fields.insert(
            "scopes".into(),
            crate::error::FieldError {
                code: "unknown_scope".into(),
                message: format!("{bad:?} is not a scope; use read or write"),
            },
        );
        return Err(AppError::Invalid(fields));
    }
    let email = Email::parse(&request.email).map_err(|_| AppError::Unauthorized)?;
    state.limits.check("sign_in", &ip, Some(email.as_str()))?;
    let person = match authenticate(&state, &email, &request.password, &ip).await {
        Ok(person) => person,
        Err(AuthFailure::BadCredentials) => return Err(AppError::Unauthorized),
        Err(AuthFailure::Locked) => return Err(AppError::Denied("account_locked")),
        Err(AuthFailure::Internal(err)) => return Err(err),
    };
    if person.email_verified_at.is_none() {
        return Err(AppError::Denied("email_not_verified"));
    }
    let scope = scopes.join(" ");
    let (token, ttl) =
        start_session(&state, person.id, "api", &scope, "token_issued", ip.audit()).await?;
    Ok(ApiJson(TokenResponse {
        access_token: token,
        token_type: "Bearer",
        expires_in: ttl,
        scope,
    }))
}
