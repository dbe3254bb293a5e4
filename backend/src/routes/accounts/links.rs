//! Following e-mailed links: verifying an address and resetting a password.

use axum::Form as AxumForm;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use marco_frontend::accounts::{MessagePage, NewPasswordPage, ResetRequestPage};
use marco_frontend::forms::Form;
use marco_frontend::pages::Shell;
use serde::Deserialize;

use super::{Fields, field, link_problem, message, refill};
use crate::accounts::links;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::tokens::{self, TokenKind};
use crate::domain::email::Email;
use crate::domain::password;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::state::AppState;

pub async fn show_check_email(PageContext(shell): PageContext) -> MessagePage {
    let body = shell.tr.t("check-email-body");
    message(
        shell,
        "check-email-title",
        body,
        Some(("/account", "account-title")),
        "info",
    )
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

pub async fn verify_email(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    ip: ClientIp,
    Query(query): Query<TokenQuery>,
) -> Result<MessagePage, AppError> {
    let token = query.token.as_deref().unwrap_or_default();
    if let Err(err) = links::verify_email(&state, token, ip.audit()).await? {
        return link_problem(shell, err, ("/account", "account-resend"));
    }
    let body = shell.tr.t("verified-body");
    Ok(message(
        shell,
        "verified-title",
        body,
        Some(("/account", "continue")),
        "success",
    ))
}

pub async fn resend_verification(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        return Err(AppError::Denied("csrf_failed"));
    }
    if user.verified {
        return Ok(Redirect::to("/account").into_response());
    }
    links::resend_verification(&state, user.id, &user.name, &user.email, shell.tr.lang).await?;
    Ok(Redirect::to("/check-email").into_response())
}

pub async fn show_reset_request(
    PageContext(shell): PageContext,
    csrf: CsrfToken,
) -> ResetRequestPage {
    ResetRequestPage {
        shell,
        form: Form::new(csrf.0),
    }
}

/// Always answers the same way, so the page does not reveal which addresses have accounts.
pub async fn submit_reset_request(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let mut form = refill(&csrf, &fields, &["email"], "email", &tr);
    let email = Email::parse(field(&fields, "email"));
    if email.is_err() {
        form.add_error("email", tr.t("err-email"));
    }
    let (Ok(email), false) = (email, form.has_errors()) else {
        return Ok(ResetRequestPage { shell, form }.into_response());
    };
    state
        .limits
        .check("password_reset", &ip, Some(email.as_str()))?;
    links::request_reset(&state, &email, tr.lang, ip.audit()).await?;
    let body = tr.t("reset-sent-body");
    Ok(message(shell, "reset-sent-title", body, None, "info").into_response())
}

/// The cookie that carries a reset token from the e-mailed link to the form, so the token
/// leaves the address bar (and so browser history, `Referer` headers and page bodies) at once.
const RESET_COOKIE: &str = "marco_reset";

fn new_password_page(shell: Shell, form: Form) -> NewPasswordPage {
    let title = shell.tr.t("reset-title");
    NewPasswordPage {
        shell,
        form,
        action: "/password-reset/new".into(),
        title,
        ask_name: false,
    }
}

/// The e-mailed link: checks the token, moves it into a cookie and redirects to the form.
pub async fn follow_reset_link(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    jar: CookieJar,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match tokens::peek(&state.db, TokenKind::Reset, &token).await {
        Ok(_) => {
            let cookie = Cookie::build((RESET_COOKIE, token))
                .path("/password-reset")
                .http_only(true)
                .secure(state.config.environment == crate::config::Environment::Production)
                .same_site(SameSite::Strict)
                .max_age(time::Duration::hours(1))
                .build();
            Ok((jar.add(cookie), Redirect::to("/password-reset/new")).into_response())
        }
        Err(err) => {
            Ok(link_problem(shell, err, ("/password-reset", "reset-title"))?.into_response())
        }
    }
}

fn reset_token(jar: &CookieJar) -> String {
    jar.get(RESET_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default()
}

pub async fn show_new_password(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    jar: CookieJar,
) -> Result<Response, AppError> {
    match tokens::peek(&state.db, TokenKind::Reset, &reset_token(&jar)).await {
        Ok(_) => Ok(new_password_page(shell, Form::new(csrf.0)).into_response()),
        Err(err) => {
            Ok(link_problem(shell, err, ("/password-reset", "reset-title"))?.into_response())
        }
    }
}

pub async fn submit_new_password(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    jar: CookieJar,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let token = reset_token(&jar);
    let found = match tokens::peek(&state.db, TokenKind::Reset, &token).await {
        Ok(found) => found,
        Err(err) => {
            return Ok(
                link_problem(shell, err, ("/password-reset", "reset-title"))?.into_response(),
            );
        }
    };
    let mut form = refill(&csrf, &fields, &[], "password", &tr);
    let new_password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    if let Err(err) = password::check_policy(new_password, &found.email) {
        form.add_error("password", err.to_string());
    }
    if form.has_errors() {
        return Ok(new_password_page(shell, form).into_response());
    }
    if let Err(err) =
        links::reset_password(&state, &token, new_password, tr.lang, ip.audit()).await?
    {
        return Ok(link_problem(shell, err, ("/password-reset", "reset-title"))?.into_response());
    }
    let body = tr.t("reset-done-body");
    let page = message(
        shell,
        "reset-done-title",
        body,
        Some(("/sign-in", "sign-in-title")),
        "success",
    );
    Ok((
        jar.remove(Cookie::build(RESET_COOKIE).path("/password-reset")),
        page,
    )
        .into_response())
}
