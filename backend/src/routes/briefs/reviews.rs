//! The category reviewer's pages: the business cases waiting, and one case to approve or
//! refuse with reasons.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{ReviewPage, ReviewsPage};
use marco_frontend::forms::Form;

use super::{facts, parse_id, roles, rows, sections, see, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, drafting, store};
use crate::domain::brief::{BriefStatus, ReviewStatus};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, problem_form, unprocessable};
use crate::state::AppState;

pub(super) async fn list(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    user: CurrentUser,
) -> Result<ReviewsPage, AppError> {
    let waiting = store::awaiting_review(&state.db, viewer(&user)).await?;
    Ok(ReviewsPage {
        rows: rows(&state, &waiting, &shell.tr).await?,
        shell,
    })
}

async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    id: i64,
    form: Form,
) -> Result<ReviewPage, AppError> {
    let b = store::brief(&state.db, id).await?;
    let review = store::review(&b);
    if !matches!(
        review,
        ReviewStatus::Pending | ReviewStatus::Approved | ReviewStatus::Refused
    ) {
        return Err(AppError::NotFound);
    }
    let d = store::draft(&b);
    let (brief_sections, business_case) = sections(&d, &shell.tr);
    Ok(ReviewPage {
        id,
        title: if b.title.is_empty() {
            d.title.clone()
        } else {
            b.title.clone()
        },
        facts: facts(state, &b, &shell.tr).await?,
        sections: brief_sections,
        business_case,
        pending: review == ReviewStatus::Pending && store::status(&b)? == BriefStatus::Draft,
        form,
        shell,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    Path(id): Path<String>,
) -> Result<ReviewPage, AppError> {
    page(&state, shell, parse_id(&id)?, Form::new(csrf.0)).await
}

pub(super) async fn decide(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let approve = first(&values, "decision") != "refuse";
    let reason = first(&values, "reason");
    match drafting::review(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles(&user),
        id,
        approve,
        reason,
        Utc::now(),
    )
    .await
    {
        Ok(()) => Ok(see("/reviews".into())),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "reason")?;
            form.keep("reason", reason);
            form.keep("decision", first(&values, "decision"));
            Ok(unprocessable(page(&state, shell, id, form).await?))
        }
    }
}
