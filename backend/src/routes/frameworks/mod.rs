//! Framework pages: the public list and framework page, manager actions, the supplier's
//! application and the evaluation. Handlers parse, call `crate::frameworks` flows and render.

mod apply;
mod drafts;
mod evaluate;
pub mod manage;
mod page;

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use marco_frontend::Tr;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::QuestionField;

use crate::auth::csrf::CsrfToken;
use crate::domain::content::{FormValues, Question, QuestionKind, yes_no};
use crate::error::{AppError, FieldErrors};

use crate::frameworks::FlowError;
use crate::state::AppState;

/// The framework routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/frameworks", get(manage::list_frameworks))
        .route(
            "/frameworks/new",
            get(manage::new_framework).post(manage::create_framework),
        )
        .route(
            "/frameworks/content-example.toml",
            get(manage::content_example),
        )
        .route("/frameworks/{slug}", get(page::show_framework))
        .route("/frameworks/{slug}/status", post(manage::change_status))
        .route("/frameworks/{slug}/copy", post(manage::copy_framework))
        .route(
            "/frameworks/{slug}/agreements/{organisation}",
            get(manage::show_agreement),
        )
        .route(
            "/frameworks/{slug}/application",
            get(apply::show_application).post(apply::register_interest),
        )
        .route(
            "/frameworks/{slug}/application/declaration",
            get(apply::show_declaration).post(apply::save_declaration),
        )
        .route(
            "/frameworks/{slug}/application/declaration/reuse",
            post(apply::reuse_declaration),
        )
        .route(
            "/frameworks/{slug}/application/services",
            post(drafts::add_draft),
        )
        .route(
            "/frameworks/{slug}/application/services/{id}",
            get(drafts::show_draft).post(drafts::save_draft),
        )
        .route(
            "/frameworks/{slug}/application/services/{id}/delete",
            post(drafts::delete_draft),
        )
        .route(
            "/frameworks/{slug}/application/services/{id}/documents",
            // A document may be as large as its question allows (the form says how large);
            // the flow refuses one over that limit with a field error, not a bare 413.
            post(drafts::upload_document).layer(DefaultBodyLimit::max(
                crate::domain::content::UPLOAD_BODY_LIMIT,
            )),
        )
        .route(
            "/frameworks/{slug}/application/copy",
            post(drafts::copy_services),
        )
        .route(
            "/frameworks/{slug}/application/submit",
            post(apply::submit_application),
        )
        .route(
            "/frameworks/{slug}/application/sign",
            post(apply::sign_agreement),
        )
        .route("/documents/{id}", get(drafts::download_document))
        .route(
            "/frameworks/{slug}/applications",
            get(evaluate::list_applications),
        )
        .route(
            "/frameworks/{slug}/applications/{id}",
            get(evaluate::show_evaluation).post(evaluate::save_evaluation),
        )
        .route(
            "/frameworks/{slug}/applications/{id}/countersign",
            post(evaluate::countersign),
        )
}

/// Parses an `application/x-www-form-urlencoded` body keeping repeated fields.
pub fn form_values(body: &Bytes) -> FormValues {
    crate::domain::content::form_values(
        url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())),
    )
}

/// The first value of a field, trimmed.
pub fn first<'a>(form: &'a FormValues, name: &str) -> &'a str {
    form.get(name)
        .and_then(|v| v.first())
        .map(|v| v.trim())
        .unwrap_or_default()
}

/// Refuses a form whose CSRF token does not match.
pub fn check_csrf(csrf: &CsrfToken, form: &FormValues) -> Result<(), AppError> {
    if csrf.matches(
        form.get("csrf_token")
            .and_then(|v| v.first())
            .map(String::as_str),
    ) {
        Ok(())
    } else {
        Err(AppError::Denied("csrf_failed"))
    }
}

/// A date formatted for people.
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// A date and time (UTC) formatted for people.
pub fn moment(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A state's label.
pub fn status_label(tr: &Tr, status: &str) -> String {
    tr.t(&format!("fw-status-{status}"))
}

/// The words for a refusal code, e.g. `applications_closed`.
pub fn refusal(tr: &Tr, code: &str) -> String {
    tr.t(&format!("error-{code}"))
}

/// Field errors, in the person's language, onto a form.
pub fn add_errors(form: &mut Form, errors: &FieldErrors, tr: &Tr) {
    for (field, e) in errors {
        if e.code == "required" {
            let message = crate::routes::accounts::required_message(tr, field, Some(&e.message));
            form.add_error(field, message);
            continue;
        }
        let translated = tr.t(&format!("err-{}", e.code.replace('_', "-")));
        let message = if translated.starts_with("err-") {
            e.message.clone()
        } else {
            translated
        };
        form.add_error(field, message);
    }
}

/// What a flow error means on a page: field errors to show, a refusal to explain, or an
/// error page.
pub enum Outcome {
    /// Show these field errors on the form.
    Fields(FieldErrors),
    /// Explain this refusal above the page.
    Refused(String),
}

/// Splits flow errors into those a page shows inline and those that become error pages.
pub fn outcome(err: FlowError, tr: &Tr) -> Result<Outcome, AppError> {
    match err {
        FlowError::Invalid(fields) => Ok(Outcome::Fields(fields)),
        FlowError::Gate(problems) => Ok(Outcome::Fields(
            crate::domain::brief::draft::field_errors(&problems),
        )),
        FlowError::Refused(code) => Ok(Outcome::Refused(refusal(tr, code))),
        FlowError::Transition(e) => Ok(Outcome::Refused(tr.t1(
            "error-illegal_transition_detail",
            "detail",
            e.to_string(),
        ))),
        other => Err(other.into()),
    }
}

/// A form carrying what a refused flow said: its field errors, or the refusal on `field`.
/// Errors that are not the person's to fix become error pages.
pub fn problem_form(
    csrf: &CsrfToken,
    err: FlowError,
    tr: &Tr,
    field: &str,
) -> Result<Form, AppError> {
    let mut form = Form::new(csrf.0.clone());
    match outcome(err, tr)? {
        Outcome::Fields(errors) => add_errors(&mut form, &errors, tr),
        Outcome::Refused(problem) => form.add_error(field, problem),
    }
    Ok(form)
}

/// A page shown again with its problems, answered 422.
pub fn unprocessable(page: impl IntoResponse) -> Response {
    let mut response = page.into_response();
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}

/// The form fields of `questions` with the values of `form` and the problems in `errors`.
pub fn question_fields<'a>(
    questions: impl IntoIterator<Item = &'a Question>,
    form: &FormValues,
    errors: &Form,
    lang: &str,
    documents: &[(String, String, String)],
) -> Vec<QuestionField> {
    questions
        .into_iter()
        .map(|q| {
            let values = form.get(&q.id).cloned().unwrap_or_default();
            let selected = |value: &str| values.iter().any(|v| v == value);
            let options = match &q.kind {
                QuestionKind::Boolean => yes_no()
                    .into_iter()
                    .map(|o| {
                        let chosen = selected(&o.value);
                        (o.value, o.label.get(lang).to_owned(), chosen)
                    })
                    .collect(),
                QuestionKind::Price { units, .. } => {
                    let unit = form
                        .get(&format!("{}.unit", q.id))
                        .and_then(|v| v.first())
                        .cloned()
                        .unwrap_or_default();
                    units
                        .iter()
                        .map(|o| {
                            (
                                o.value.clone(),
                                o.label.get(lang).to_owned(),
                                o.value == unit,
                            )
                        })
                        .collect()
                }
                kind => kind
                    .options()
                    .iter()
                    .map(|o| {
                        (
                            o.value.clone(),
                            o.label.get(lang).to_owned(),
                            selected(&o.value),
                        )
                    })
                    .collect(),
            };
            let currency = match &q.kind {
                QuestionKind::Price { currencies, .. } => form
                    .get(&format!("{}.currency", q.id))
                    .and_then(|v| v.first())
                    .cloned()
                    .or_else(|| currencies.first().cloned())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            QuestionField {
                id: q.id.clone(),
                label: q.label.get(lang).to_owned(),
                hint: q
                    .hint
                    .as_ref()
                    .map(|h| h.get(lang).to_owned())
                    .unwrap_or_default(),
                kind: q.kind.name().to_owned(),
                max_chars: q.kind.max_chars(),
                required: q.required,
                value: match &q.kind {
                    QuestionKind::List { .. } => values.join("\n"),
                    _ => values.first().cloned().unwrap_or_default(),
                },
                options,
                currency,
                error: errors.error(&q.id).map(str::to_owned),
                documents: documents
                    .iter()
                    .filter(|(question, _, _)| *question == q.id)
                    .map(|(_, name, url)| (name.clone(), url.clone()))
                    .collect(),
            }
        })
        .collect()
}
