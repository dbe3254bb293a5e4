//! Managers and reviewers see applications, with automatic fails marked, and pass or fail
//! suppliers and services; managers countersign agreements.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Shell;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::{
    ApplicationRow, ApplicationsPage, DraftReview, EvaluatePage, Fact,
};
use serde::Deserialize;

use super::manage::actor;
use super::{check_csrf, first, form_values, moment, problem_form, unprocessable};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::domain::content::{Answers, ContentFile};
use crate::domain::framework::{accepts_evaluation, accepts_signatures};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::frameworks::Application;
use crate::frameworks::evaluation::{self, Evaluation, Verdict};
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::store;
use crate::http::context::PageContext;
use crate::state::AppState;

fn failures(application: &Application, lang: &str) -> Vec<String> {
    serde_json::from_str::<Vec<serde_json::Value>>(&application.automatic_fails)
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let key = if lang.starts_with("es") {
                "reason_es"
            } else {
                "reason_en"
            };
            f.get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

fn display(content: &ContentFile, lot: Option<&str>, answers: &Answers, lang: &str) -> Vec<Fact> {
    match lot.and_then(|l| content.lot(l)) {
        Some(lot) => lot
            .display(answers, lang)
            .into_iter()
            .map(|a| Fact {
                label: a.label.to_owned(),
                value: a.values.join("; "),
            })
            .collect(),
        None => content
            .declaration
            .questions
            .iter()
            .map(|q| Fact {
                label: q.question.label.get(lang).to_owned(),
                value: answers
                    .get(&q.question.id)
                    .map(|v| q.question.display_values(v, lang).join("; "))
                    .unwrap_or_else(|| "—".into()),
            })
            .collect(),
    }
}

pub(super) async fn list_applications(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Path(slug): Path<String>,
) -> Result<ApplicationsPage, AppError> {
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let mut rows = Vec::new();
    for application in store::applications(&state.db, fw.id).await? {
        let supplier = store::organisation(&state.db, application.organisation_id).await?;
        let services = store::drafts(&state.db, application.id).await?.len();
        rows.push(ApplicationRow {
            id: application.id,
            supplier: supplier.name,
            status: tr.t(&format!("app-status-{}", application.status)),
            services,
            automatic_fails: failures(&application, lang),
            result: application
                .result
                .as_deref()
                .map(|r| tr.t(&format!("app-result-{r}"))),
            agreement: if application.countersigned_at.is_some() {
                tr.t("eval-agreement-countersigned")
            } else if application.signed_at.is_some() {
                tr.t("eval-agreement-signed")
            } else {
                "—".into()
            },
        });
    }
    Ok(ApplicationsPage {
        slug,
        framework: fw.name,
        rows,
        shell,
    })
}

/// Query of the evaluation page.
#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

async fn evaluate_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    slug: &str,
    id: i64,
    form: Form,
    notice: Option<String>,
) -> Result<EvaluatePage, AppError> {
    let fw = store::framework_by_slug(&state.db, slug).await?;
    let application = store::application(&state.db, fw.id, id).await?;
    let content = content_of(&fw)?;
    let supplier = store::organisation(&state.db, application.organisation_id).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let status = store::status(&fw)?;
    let declaration = Answers::from_json(&application.declaration).unwrap_or_default();
    let drafts = store::drafts(&state.db, application.id)
        .await?
        .into_iter()
        .map(|d| {
            let answers = Answers::from_json(&d.answers).unwrap_or_default();
            let name = content
                .lot(&d.lot)
                .and_then(|l| l.summary(&answers).name.map(str::to_owned))
                .unwrap_or_else(|| tr.t1("app-untitled", "id", d.id));
            DraftReview {
                id: d.id,
                name,
                lot: content
                    .lot(&d.lot)
                    .map(|l| l.name.get(lang).to_owned())
                    .unwrap_or_default(),
                answers: display(&content, Some(&d.lot), &answers, lang),
                result: d.result.unwrap_or_default(),
                reason: d.result_reason.unwrap_or_default(),
            }
        })
        .collect();
    Ok(EvaluatePage {
        slug: slug.to_owned(),
        framework: fw.name.clone(),
        id,
        supplier: supplier.name,
        declaration: display(&content, None, &declaration, lang),
        automatic_fails: failures(&application, lang),
        drafts,
        result: application.result.clone().unwrap_or_default(),
        reason: application.result_reason.clone().unwrap_or_default(),
        can_evaluate: accepts_evaluation(status) && store::is_submitted(&application),
        signed: application.signed_at.map(|at| {
            tr.ta(
                "app-signed",
                &[
                    ("role", application.signer_role.clone().unwrap_or_default()),
                    ("date", moment(at)),
                ],
            )
        }),
        can_countersign: accepts_signatures(status)
            && application.signed_at.is_some()
            && application.countersigned_at.is_none()
            && (user.has(Role::FrameworkManager) || user.has(Role::PlatformAdmin)),
        countersigned: application.countersigned_at.map(moment),
        form,
        notice,
        shell,
    })
}

pub(super) async fn show_evaluation(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
    Query(query): Query<NoticeQuery>,
) -> Result<EvaluatePage, AppError> {
    let notice = query
        .notice
        .as_deref()
        .filter(|n| ["saved", "countersigned"].contains(n))
        .map(|n| shell.tr.t(&format!("eval-notice-{n}")));
    evaluate_page(&state, shell, &user, &slug, id, Form::new(csrf.0), notice).await
}

pub(super) async fn save_evaluation(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    let application = store::application(&state.db, fw.id, id).await?;
    let mut services = BTreeMap::new();
    for draft in store::drafts(&state.db, application.id).await? {
        services.insert(
            draft.id,
            (
                Verdict::parse(first(&values, &format!("service_{}", draft.id))),
                first(&values, &format!("reason_{}", draft.id)).to_owned(),
            ),
        );
    }
    let evaluation = Evaluation {
        result: Verdict::parse(first(&values, "result")),
        reason: first(&values, "reason").to_owned(),
        services,
    };
    match evaluation::evaluate(&state, &actor(&user, &ip), &fw, id, evaluation).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/frameworks/{slug}/applications/{id}?notice=saved"
        ))
        .into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "result")?;
            Ok(unprocessable(
                evaluate_page(&state, shell, &user, &slug, id, form, None).await?,
            ))
        }
    }
}

pub(super) async fn countersign(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    evaluation::countersign(&state, &actor(&user, &ip), &fw, id).await?;
    Ok(Redirect::to(&format!(
        "/frameworks/{slug}/applications/{id}?notice=countersigned"
    ))
    .into_response())
}
