//! The supplier's application: task list, declaration, submitting, and signing the
//! agreement. Draft services and their documents are in `drafts.rs`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Shell;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::{ApplicationPage, DraftRow, QuestionsPage, Task};
use serde::Deserialize;

use super::manage::actor;
use super::{check_csrf, first, form_values, moment, problem_form, question_fields, unprocessable};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::domain::content::{Answers, FormValues};
use crate::domain::framework::accepts_signatures;
use crate::domain::roles::Role;
use crate::domain::status::Verdict;
use crate::error::AppError;
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::{Application, Framework};
use crate::frameworks::{application as flow, evaluation, store};
use crate::http::context::PageContext;
use crate::state::AppState;

/// Query of the application pages: a notice after an action.
#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) fn notice(shell: &Shell, query: &NoticeQuery) -> Option<String> {
    query
        .notice
        .as_deref()
        .filter(|n| {
            [
                "interest",
                "declaration",
                "saved",
                "deleted",
                "copied",
                "submitted",
                "signed",
                "uploaded",
            ]
            .contains(n)
        })
        .map(|n| shell.tr.t(&format!("app-notice-{n}")))
}

pub(super) async fn load(
    state: &AppState,
    slug: &str,
    user: &CurrentUser,
) -> Result<(Framework, Application), AppError> {
    let fw = store::framework_by_slug(&state.db, slug).await?;
    let application = store::application_of(&state.db, fw.id, user.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((fw, application))
}

pub(super) async fn register_interest(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let fw = store::framework_by_slug(&state.db, &slug).await?;
    flow::register_interest(&state, &actor(&user, &ip), &fw, user.organisation_id).await?;
    Ok(Redirect::to(&format!("/frameworks/{slug}/application?notice=interest")).into_response())
}

async fn application_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    csrf: &CsrfToken,
    slug: &str,
    notice: Option<String>,
    mut form: Form,
) -> Result<ApplicationPage, AppError> {
    let (fw, application) = load(state, slug, user).await?;
    let content = content_of(&fw)?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let status = store::status(&fw)?;
    let submitted = store::is_submitted(&application);
    let editable = store::application_editable(&fw, &application)?;
    let drafts = store::drafts(&state.db, application.id).await?;
    let complete_drafts = drafts.iter().filter(|d| d.complete).count();
    let lot_name = |slug: &str| {
        content
            .lot(slug)
            .map(|l| l.name.get(lang).to_owned())
            .unwrap_or_else(|| slug.to_owned())
    };
    let tasks = vec![
        Task {
            label: tr.t("app-task-interest"),
            href: None,
            status: tr.t("app-done"),
            done: true,
        },
        Task {
            label: tr.t("app-task-declaration"),
            href: Some(format!("/frameworks/{slug}/application/declaration")),
            status: if application.declaration_complete {
                tr.t("app-done")
            } else {
                tr.t("app-todo")
            },
            done: application.declaration_complete,
        },
        Task {
            label: tr.t("app-task-services"),
            href: None,
            status: tr.t1("app-services-complete", "count", complete_drafts),
            done: !drafts.is_empty() && complete_drafts == drafts.len(),
        },
        Task {
            label: tr.t("app-task-submit"),
            href: None,
            status: if submitted {
                tr.t("app-done")
            } else {
                tr.t("app-todo")
            },
            done: submitted,
        },
    ];
    let previous = flow::previous_application(&state.db, &fw, user.organisation_id).await?;
    let can_copy = editable
        && match fw.previous_id {
            Some(previous_id) => {
                store::has_services_on(&state.db, previous_id, user.organisation_id).await?
            }
            None => false,
        };
    let result = application
        .result_sent_at
        .and(application.result.as_deref())
        .map(|r| {
            (
                tr.t(&format!("app-result-{r}")),
                application.result_reason.clone().unwrap_or_default(),
            )
        });
    let can_sign = accepts_signatures(status)
        && Verdict::passed(application.result.as_deref())
        && application.result_sent_at.is_some()
        && application.signed_at.is_none()
        && user.has(Role::SupplierAdmin);
    if form.csrf.is_empty() {
        form.csrf = csrf.0.clone();
    }
    // What each incomplete draft still needs, named as the form names it.
    let mut missing = std::collections::HashMap::new();
    for d in drafts.iter().filter(|d| !d.complete) {
        let answers = Answers::from_json(&d.answers).unwrap_or_default();
        let uploads = flow::uploaded_questions(&state.db, d.id).await?;
        let labels: Vec<String> = flow::missing(&content, &d.lot, &answers.to_form(), &uploads)
            .iter()
            .filter_map(|id| content.lot(&d.lot).and_then(|l| l.question(id)))
            .map(|q| q.label.get(lang).to_owned())
            .collect();
        missing.insert(d.id, labels);
    }
    Ok(ApplicationPage {
        slug: slug.to_owned(),
        framework: fw.name.clone(),
        deadline: moment(fw.applications_close_at),
        editable,
        submitted,
        tasks,
        drafts: drafts
            .iter()
            .map(|d| {
                let answers = Answers::from_json(&d.answers).unwrap_or_default();
                let name = content
                    .lot(&d.lot)
                    .and_then(|l| l.summary(&answers).name.map(str::to_owned))
                    .unwrap_or_else(|| tr.t1("app-untitled", "id", d.id));
                DraftRow {
                    id: d.id,
                    name,
                    lot: lot_name(&d.lot),
                    complete: d.complete,
                    missing: missing.remove(&d.id).unwrap_or_default(),
                    result: application
                        .result_sent_at
                        .and(d.result.as_deref())
                        .map(|r| tr.t(&format!("app-result-{r}"))),
                }
            })
            .collect(),
        lots: content
            .lots
            .iter()
            .map(|l| (l.slug.clone(), l.name.get(lang).to_owned()))
            .collect(),
        can_copy,
        can_reuse: editable && previous.is_some(),
        result,
        can_sign,
        signed: application.signed_at.map(|at| {
            tr.ta(
                "app-signed",
                &[
                    ("role", application.signer_role.clone().unwrap_or_default()),
                    ("date", moment(at)),
                ],
            )
        }),
        countersigned: application.countersigned_at.map(moment),
        csrf: csrf.0.clone(),
        notice,
        form,
        shell,
    })
}

pub(super) async fn show_application(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<ApplicationPage, AppError> {
    let notice = notice(&shell, &query);
    application_page(&state, shell, &user, &csrf, &slug, notice, Form::default()).await
}

async fn declaration_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    slug: &str,
    values: Option<FormValues>,
    form: Form,
    notice: Option<String>,
) -> Result<QuestionsPage, AppError> {
    let (fw, application) = load(state, slug, user).await?;
    let content = content_of(&fw)?;
    let lang = shell.tr.lang.code();
    let values = match values {
        Some(v) => v,
        None => Answers::from_json(&application.declaration)
            .map_err(anyhow::Error::from)?
            .to_form(),
    };
    let editable = store::application_editable(&fw, &application)?;
    let mut fields = question_fields(
        content.declaration.questions.iter().map(|q| &q.question),
        &values,
        &form,
        lang,
        &[],
    );
    // The lead promises that the answers which exclude a supplier are marked: each mandatory
    // exclusion ground says, in its hint, which answer excludes.
    for (field, dq) in fields.iter_mut().zip(&content.declaration.questions) {
        if let Some(mark) = exclusion_mark(&shell.tr, dq, lang) {
            field.hint = if field.hint.is_empty() {
                mark
            } else {
                format!("{} {mark}", field.hint)
            };
        }
    }
    Ok(QuestionsPage {
        title: shell.tr.t("app-declaration"),
        lead: shell.tr.t("app-declaration-lead"),
        action: format!("/frameworks/{slug}/application/declaration"),
        upload_action: None,
        back: format!("/frameworks/{slug}/application"),
        fields,
        editable,
        form,
        notice,
        shell,
    })
}

/// For a mandatory exclusion ground, the sentence naming the answer that excludes a supplier.
fn exclusion_mark(
    tr: &marco_frontend::i18n::Tr,
    dq: &crate::domain::content::DeclarationQuestion,
    lang: &str,
) -> Option<String> {
    use crate::domain::content::PassIf;
    if !dq.mandatory {
        return None;
    }
    match dq.pass_if.as_ref()? {
        PassIf::Bool(pass) => Some(tr.t(if *pass {
            "app-declaration-excludes-no"
        } else {
            "app-declaration-excludes-yes"
        })),
        PassIf::OneOf(ok) => {
            let labels: Vec<String> = dq
                .question
                .kind
                .options()
                .iter()
                .filter(|o| ok.contains(&o.value))
                .map(|o| format!("“{}”", o.label.get(lang)))
                .collect();
            Some(tr.t1(
                "app-declaration-excludes-other",
                "answers",
                labels.join(", "),
            ))
        }
    }
}

pub(super) async fn show_declaration(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
) -> Result<QuestionsPage, AppError> {
    declaration_page(&state, shell, &user, &slug, None, Form::new(csrf.0), None).await
}

pub(super) async fn save_declaration(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let (fw, application) = load(&state, &slug, &user).await?;
    let lang = shell.tr.lang.code();
    match flow::save_declaration(&state, &fw, application.id, &values, lang).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/frameworks/{slug}/application?notice=declaration"
        ))
        .into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "declaration")?;
            Ok(unprocessable(
                declaration_page(&state, shell, &user, &slug, Some(values), form, None).await?,
            ))
        }
    }
}

pub(super) async fn reuse_declaration(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let (fw, application) = load(&state, &slug, &user).await?;
    flow::reuse_declaration(&state, &fw, &application, shell.tr.lang.code()).await?;
    Ok(Redirect::to(&format!("/frameworks/{slug}/application/declaration")).into_response())
}

pub(super) async fn refused_on_application(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    csrf: &CsrfToken,
    slug: &str,
    e: crate::frameworks::FlowError,
) -> Result<Response, AppError> {
    let form = problem_form(csrf, e, &shell.tr, "application")?;
    Ok(unprocessable(
        application_page(state, shell, user, csrf, slug, None, form).await?,
    ))
}

pub(super) async fn submit_application(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let (fw, application) = load(&state, &slug, &user).await?;
    match flow::submit(&state, &actor(&user, &ip), &fw, application.id).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/frameworks/{slug}/application?notice=submitted"))
                .into_response(),
        ),
        Err(e) => refused_on_application(&state, shell, &user, &csrf, &slug, e).await,
    }
}

pub(super) async fn sign_agreement(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let (fw, application) = load(&state, &slug, &user).await?;
    if first(&values, "accept") != "yes" {
        let mut form = Form::new(csrf.0.clone());
        form.keep("signer_role", first(&values, "signer_role"));
        form.add_error("accept", shell.tr.t("err-accept-agreement"));
        return Ok(unprocessable(
            application_page(&state, shell, &user, &csrf, &slug, None, form).await?,
        ));
    }
    match evaluation::sign(
        &state,
        &actor(&user, &ip),
        &fw,
        application.id,
        first(&values, "signer_role"),
    )
    .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/frameworks/{slug}/application?notice=signed")).into_response(),
        ),
        Err(e) => refused_on_application(&state, shell, &user, &csrf, &slug, e).await,
    }
}
