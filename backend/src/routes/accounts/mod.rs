//! Sign-up, sign-in, e-mail verification, password reset and the account page.

pub mod account;
mod links;
pub mod register;
pub mod register_api;
pub mod sign_in;

use std::collections::HashMap;

use axum::Router;
use axum::routing::{get, post};
use marco_frontend::Tr;
use marco_frontend::accounts::MessagePage;
use marco_frontend::forms::Form;
use marco_frontend::pages::Shell;

use crate::auth::csrf::CsrfToken;
use crate::auth::tokens::TokenErrorOrDb;
use crate::error::AppError;
use crate::state::AppState;

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sign-in",
            get(sign_in::show_sign_in).post(sign_in::submit_sign_in),
        )
        .route("/sign-out", post(sign_in::sign_out))
        .route("/api/v1/auth/token", post(sign_in::issue_api_token))
        .route("/api/v1/me", get(account::show_me))
        .route(
            "/api/v1/registrations/supplier",
            post(register_api::api_register_supplier),
        )
        .route(
            "/api/v1/registrations/buyer",
            post(register_api::api_register_buyer),
        )
        .route("/register", get(register::show_choice))
        .route(
            "/register/supplier",
            get(register::show_supplier).post(register::submit_supplier),
        )
        .route(
            "/register/buyer",
            get(register::show_buyer).post(register::submit_buyer),
        )
        .route("/check-email", get(links::show_check_email))
        .route("/verify-email", get(links::verify_email))
        .route("/verify-email/resend", post(links::resend_verification))
        .route(
            "/password-reset",
            get(links::show_reset_request).post(links::submit_reset_request),
        )
        .route(
            "/password-reset/new",
            get(links::show_new_password).post(links::submit_new_password),
        )
        .route("/password-reset/{token}", get(links::follow_reset_link))
        .route("/account", get(account::show_account))
        .route("/account/data", get(account::download_data))
        .route("/account/close", post(account::close_account))
}

/// Submitted form fields by name.
pub type Fields = HashMap<String, String>;

/// A trimmed field value, or "".
pub fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(|v| v.trim()).unwrap_or_default()
}

/// A form holding what was typed in `names` (never passwords), with the CSRF checked.
pub fn refill(
    csrf: &CsrfToken,
    fields: &Fields,
    names: &[&str],
    first_field: &str,
    tr: &Tr,
) -> Form {
    let mut form = Form::new(csrf.0.clone());
    for name in names {
        form.keep(name, field(fields, name));
    }
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        form.add_error(first_field, tr.t("err-csrf"));
    }
    form
}

/// Adds a "required" error naming the field to each empty field in `names`, and
/// `err-too-long` past `max` chars.
pub fn require(form: &mut Form, fields: &Fields, names: &[&str], max: usize, tr: &Tr) {
    for name in names {
        let value = field(fields, name);
        if value.is_empty() {
            form.add_error(name, required_message(tr, name, None));
        } else if value.chars().count() > max {
            form.add_error(name, tr.t("err-too-long"));
        }
    }
}

/// The message for an empty required `field`, which names the field so that an error summary
/// with several problems says which is which: `err-required-{field}` where the locale has it,
/// then the flow's own `message`, then the generic `err-required`.
pub fn required_message(tr: &Tr, field: &str, message: Option<&str>) -> String {
    let key = format!("err-required-{}", field.replace('_', "-"));
    if tr.has(&key) {
        tr.t(&key)
    } else if let Some(message) = message.filter(|m| !m.is_empty()) {
        message.to_owned()
    } else {
        tr.t("err-required")
    }
}

/// A message page.
pub fn message(
    shell: Shell,
    title: &str,
    body: String,
    link: Option<(&str, &str)>,
    tone: &'static str,
) -> MessagePage {
    let tr = shell.tr;
    MessagePage {
        title: tr.t(title),
        body,
        link: link.map(|(href, label)| (href.to_owned(), tr.t(label))),
        tone,
        shell,
    }
}

/// The page for an e-mailed link that does not work, with `retry` as the next step.
pub fn link_problem(
    shell: Shell,
    err: TokenErrorOrDb,
    retry: (&str, &str),
) -> Result<MessagePage, AppError> {
    match err {
        TokenErrorOrDb::Db(err) => Err(err.into()),
        TokenErrorOrDb::Token(err) => {
            let body = shell.tr.t(err.code());
            Ok(message(
                shell,
                "link-problem-title",
                body,
                Some(retry),
                "error",
            ))
        }
    }
}
