//! The working page of a contract for its two sides (`/contracts/{id}/manage`), its forms
//! (plan, deliver, decide, pay, rate, reply, change, decide a change, report) and the
//! evidence files. Each action parses its form, calls one flow in `contracts`, and returns
//! to the page with a notice, or shows the page again with the problem on its field. Anyone
//! but the contract's buyer and supplier gets 404.

mod actions;
pub mod options;
pub mod views;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use marco_frontend::delivery::ManagePage;
use marco_frontend::forms::Form;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::contracts::{Viewer, benefits, delivery, store};
use crate::domain::contract::Side;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::state::AppState;
/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts/{id}/manage", get(manage))
        .route("/contracts/{id}/milestones", post(actions::plan))
        .route(
            "/contracts/{id}/deliver",
            post(actions::deliver).layer(DefaultBodyLimit::max(
                delivery::EVIDENCE_MAX_BYTES + 1024 * 1024,
            )),
        )
        .route("/contracts/{id}/decide", post(actions::decide))
        .route("/contracts/{id}/pay", post(actions::pay))
        .route("/contracts/{id}/ratings", post(actions::rate))
        .route("/contracts/{id}/reply", post(actions::reply))
        .route("/contracts/{id}/changes", post(actions::request_change))
        .route(
            "/contracts/{id}/changes/{change}/decide",
            post(actions::decide_change),
        )
        .route("/contracts/{id}/reports", post(actions::report))
        .route("/contracts/{id}/evidence/{delivery}", get(evidence))
}

pub(super) fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
    }
}

pub(super) fn roles(user: &CurrentUser) -> Vec<Role> {
    user.roles.iter().copied().collect()
}

pub(super) fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

const NOTICES: &[&str] = &[
    "planned",
    "delivered",
    "decided",
    "paid",
    "rated",
    "replied",
    "changed",
    "requested",
    "refused",
    "reported",
];

/// The working page for `user`, with `form` (values and problems) and a notice.
pub(super) async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    form: Form,
    notice: Option<&str>,
) -> Result<ManagePage, AppError> {
    let (c, side) = store::contract_for(&state.db, id, viewer(user)).await?;
    let now = Utc::now();
    let indicators = benefits::indicators_of(&state.db, &c).await?;
    let t = store::timeline(&state.db, c).await?;
    let tr = &shell.tr;
    let contract = crate::routes::buying::contracts::row_of(state, &t.contract, tr).await?;
    let timeline = views::timeline_view(&t, indicators.is_some(), tr, true, now);
    let actions = options::actions(
        &t,
        indicators.as_deref(),
        side,
        user.id,
        user.roles.contains(&Role::CanAward),
        tr,
        now,
    );
    Ok(ManagePage {
        contract,
        side: side.as_str().to_owned(),
        timeline,
        actions,
        form,
        notice: notice
            .filter(|n| NOTICES.contains(n))
            .map(|n| tr.t(&format!("delivery-notice-{n}"))),
        shell,
    })
}

async fn manage(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<ManagePage, AppError> {
    let id = parse_id(&id)?;
    page(
        &state,
        shell,
        &user,
        id,
        Form::new(csrf.0.clone()),
        q.notice.as_deref(),
    )
    .await
}

async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let d = store::evidence(
        &state.db,
        parse_id(&id)?,
        parse_id(&delivery_id)?,
        viewer(&user),
    )
    .await?;
    let (Some(file), Some(name)) = (d.evidence_file, d.evidence_name) else {
        return Err(AppError::NotFound);
    };
    let bytes = tokio::fs::read(delivery::evidence_dir(&state).join(&file))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .collect();
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// Whether `user` is on one of the contract's two sides (for the public page's link).
pub async fn side_of(state: &AppState, id: i64, user: Option<&CurrentUser>) -> Option<Side> {
    let user = user?;
    store::contract_for(&state.db, id, viewer(user))
        .await
        .ok()
        .map(|(_, side)| side)
}
