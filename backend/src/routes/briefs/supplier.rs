//! A supplier's questions and prototype, the list of its responses, and how it hears of new
//! briefs.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{MyResponseRow, ResponsesPage};
use marco_frontend::forms::Form;

use super::{NoticeQuery, parse_id, see, status_label, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, clock, questions, responses, store};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{
    check_csrf, first, form_values, moment, problem_form, unprocessable,
};
use crate::state::AppState;

pub(super) async fn ask(
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
    let text = first(&values, "question");
    match questions::ask(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        text,
        Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(see(format!("/opportunities/{id}?notice=asked#answers"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "question")?;
            form.keep("question", text);
            Ok(unprocessable(
                super::public::page(&state, shell, Some(&user), id, form, None).await?,
            ))
        }
    }
}

pub(super) async fn prototype(
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
    let (repo, demo) = (first(&values, "repository"), first(&values, "demo"));
    match responses::submit_prototype(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        repo,
        demo,
        Utc::now(),
    )
    .await
    {
        Ok(()) => Ok(see(format!("/opportunities/{id}?notice=prototype"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "repository")?;
            form.keep("repository", repo);
            form.keep("demo", demo);
            Ok(unprocessable(
                super::public::page(&state, shell, Some(&user), id, form, None).await?,
            ))
        }
    }
}

pub(super) async fn responses(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> Result<ResponsesPage, AppError> {
    let tr = &shell.tr;
    let mut rows = Vec::new();
    for r in responses::submitted_by(&state.db, user.organisation_id).await? {
        let b = store::brief(&state.db, r.brief_id).await?;
        let decided = matches!(
            b.status.as_str(),
            "standstill" | "contracted" | "not_awarded"
        );
        let state_text = match (&r.result, r.submitted_at) {
            (Some(result), _) if decided => tr.t(&format!("brief-result-{result}")),
            (_, Some(at)) => tr.t1("respond-state-submitted", "at", moment(at)),
            _ => tr.t("respond-state-draft"),
        };
        rows.push(MyResponseRow {
            id: b.id,
            title: b.title.clone(),
            brief_status: status_label(tr, &b.status),
            state: state_text,
            closing: b.closing_at.map(moment).unwrap_or_default(),
            debrief: decided && r.submitted_at.is_some(),
        });
    }
    let mode = clock::alert_mode(&state.db, user.id).await?;
    let modes = clock::MODES
        .iter()
        .map(|m| ((*m).to_owned(), tr.t(&format!("alerts-{m}")), *m == mode))
        .collect();
    let notice = query
        .notice
        .filter(|n| n == "alerts")
        .map(|_| tr.t("alerts-saved"));
    Ok(ResponsesPage {
        rows,
        modes,
        form: Form::new(csrf.0),
        notice,
        shell,
    })
}

pub(super) async fn alerts(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    clock::set_alert_mode(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        first(&values, "mode"),
        Utc::now(),
    )
    .await?;
    Ok(see("/responses?notice=alerts#alerts".into()))
}
