//! Brief pages: `/opportunities` (public, and the supplier's questions, response, prototype,
//! debrief and complaint), `/responses` (a supplier's responses and alerts), `/briefs` (the
//! buyer's briefs, the form, and the page that runs each brief, with scoring and moderation)
//! and `/reviews` (the category reviewer's queue).

mod actions;
mod buyer;
mod debrief;
mod manage;
mod panel;
mod public;
mod respond;
mod reviews;
mod supplier;
mod view;

use view::{facts, history, lot_name, rows, sections, status_label};

use axum::Router;
use axum::routing::{get, post};
use marco_frontend::Tr;
use marco_frontend::forms::Form;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::briefs::{FlowError, Viewer};
use crate::domain::brief::draft::{self, Draft};
use crate::error::AppError;
use crate::routes::frameworks::problem_form;
use crate::state::AppState;

/// The brief routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opportunities", get(public::list))
        .route("/opportunities/{id}", get(public::show))
        .route(
            "/opportunities/{id}/respond",
            get(respond::respond_form).post(respond::respond),
        )
        .route("/opportunities/{id}/questions", post(supplier::ask))
        .route("/opportunities/{id}/prototype", post(supplier::prototype))
        .route("/opportunities/{id}/debrief", get(debrief::debrief))
        .route("/opportunities/{id}/complaint", post(debrief::complain))
        .route("/responses", get(supplier::responses))
        .route("/responses/alerts", post(supplier::alerts))
        .route("/briefs", get(buyer::list).post(buyer::create))
        .route("/briefs/{id}", get(manage::manage))
        .route("/briefs/{id}/edit", get(buyer::edit_form).post(buyer::edit))
        .route("/briefs/{id}/review-request", post(actions::request_review))
        .route("/briefs/{id}/publish", post(actions::publish))
        .route("/briefs/{id}/withdraw", post(actions::withdraw))
        .route("/briefs/{id}/panel", post(actions::panel))
        .route("/briefs/{id}/challenge", post(actions::challenge))
        .route("/briefs/{id}/award", post(actions::award))
        .route("/briefs/questions/{id}/answer", post(actions::answer))
        .route("/briefs/complaints/{id}/reply", post(actions::reply))
        .route(
            "/briefs/{id}/score/proposal",
            get(panel::score_proposal).post(panel::save_proposal),
        )
        .route(
            "/briefs/{id}/score/challenge",
            get(panel::score_challenge).post(panel::save_challenge),
        )
        .route(
            "/briefs/{id}/score/proposal/submit",
            post(panel::submit_proposal),
        )
        .route(
            "/briefs/{id}/score/challenge/submit",
            post(panel::submit_challenge),
        )
        .route(
            "/briefs/{id}/moderate/proposal",
            get(panel::moderate_proposal).post(panel::agree_proposal),
        )
        .route(
            "/briefs/{id}/moderate/challenge",
            get(panel::moderate_challenge).post(panel::agree_challenge),
        )
        .route("/reviews", get(reviews::list))
        .route("/reviews/{id}", get(reviews::show).post(reviews::decide))
}

/// Query of pages that show a notice after an action.
#[derive(Debug, serde::Deserialize)]
pub(super) struct NoticeQuery {
    /// The notice's code.
    notice: Option<String>,
}

/// The viewer of a request.
fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
    }
}

/// The roles of a request's user.
fn roles(user: &CurrentUser) -> Vec<crate::domain::roles::Role> {
    user.roles.iter().copied().collect()
}

/// A form showing what a refused flow said: the quality gate's problems each on its field in
/// the reader's language, field errors, or the refusal on `field`.
fn brief_problems(
    csrf: &CsrfToken,
    err: FlowError,
    tr: &Tr,
    field: &str,
) -> Result<Form, AppError> {
    match err {
        FlowError::Gate(problems) => {
            let mut form = Form::new(csrf.0.clone());
            for p in &problems {
                let args: Vec<(&str, String)> =
                    p.args.iter().map(|(k, v)| (*k, v.clone())).collect();
                let key = format!("brief-err-{}", p.code.replace('_', "-"));
                let named = format!("brief-field-{}", p.field);
                let message = if p.code == "required" && tr.has(&named) {
                    tr.t1("brief-err-required-named", "field", tr.t(&named))
                } else if tr.has(&key) {
                    tr.ta(&key, &args)
                } else {
                    p.english()
                };
                form.add_error(p.field, message);
            }
            Ok(form)
        }
        other => problem_form(csrf, other, tr, field),
    }
}

/// Copies a draft into a form's values.
fn draft_values(form: &mut Form, d: &Draft) {
    for field in draft::TEXT_FIELDS {
        form.values.insert((*field).into(), d.get(field).to_owned());
    }
}

/// A redirect after a successful post (303 See Other).
fn see(path: String) -> axum::response::Response {
    use axum::response::IntoResponse;
    axum::response::Redirect::to(&path).into_response()
}

/// Parses a path id that must be a number, or answers 404.
fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}
