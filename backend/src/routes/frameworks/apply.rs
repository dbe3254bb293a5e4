//! The supplier's application: task list, declaration, draft services with documents, copy,
//! submit and signing the agreement.

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Shell;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::{ApplicationPage, DraftRow, QuestionsPage, Task};
use serde::Deserialize;

use super::manage::{actor, is_manager};
use super::{check_csrf, first, form_values, moment, problem_form, question_fields, unprocessable};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::{CurrentUser, MaybeUser};
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

fn notice(shell: &Shell, query: &NoticeQuery) -> Option<String> {
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

async fn load(
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
    Ok(QuestionsPage {
        title: shell.tr.t("app-declaration"),
        lead: shell.tr.t("app-declaration-lead"),
        action: format!("/frameworks/{slug}/application/declaration"),
        upload_action: None,
        back: format!("/frameworks/{slug}/application"),
        fields: question_fields(
            content.declaration.questions.iter().map(|q| &q.question),
            &values,
            &form,
            lang,
            &[],
        ),
        editable,
        form,
        notice,
        shell,
    })
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

pub(super) async fn add_draft(
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
    match flow::create_draft(&state, &fw, application.id, first(&values, "lot")).await {
        Ok(draft) => Ok(Redirect::to(&format!(
            "/frameworks/{slug}/application/services/{}",
            draft.id
        ))
        .into_response()),
        Err(e) => refused_on_application(&state, shell, &user, &csrf, &slug, e).await,
    }
}

async fn refused_on_application(
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

#[expect(
    clippy::too_many_arguments,
    reason = "the page is rebuilt from several parts of the request"
)]
async fn draft_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    slug: &str,
    draft_id: i64,
    values: Option<FormValues>,
    form: Form,
    notice: Option<String>,
) -> Result<QuestionsPage, AppError> {
    let (fw, application) = load(state, slug, user).await?;
    let draft = store::draft(&state.db, application.id, draft_id).await?;
    let content = content_of(&fw)?;
    let lot = content.lot(&draft.lot).ok_or(AppError::NotFound)?;
    let lang = shell.tr.lang.code();
    let values = match values {
        Some(v) => v,
        None => Answers::from_json(&draft.answers)
            .map_err(anyhow::Error::from)?
            .to_form(),
    };
    let documents: Vec<(String, String, String)> = store::documents_of_draft(&state.db, draft.id)
        .await?
        .into_iter()
        .map(|(question, name, id)| (question, name, format!("/documents/{id}")))
        .collect();
    let editable = store::application_editable(&fw, &application)?;
    Ok(QuestionsPage {
        title: shell.tr.t1("app-draft-title", "lot", lot.name.get(lang)),
        lead: shell.tr.t("app-draft-lead"),
        action: format!("/frameworks/{slug}/application/services/{draft_id}"),
        upload_action: Some(format!(
            "/frameworks/{slug}/application/services/{draft_id}/documents"
        )),
        back: format!("/frameworks/{slug}/application"),
        fields: question_fields(&lot.questions, &values, &form, lang, &documents),
        editable,
        form,
        notice,
        shell,
    })
}

pub(super) async fn show_draft(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
    Query(query): Query<NoticeQuery>,
) -> Result<QuestionsPage, AppError> {
    let notice = notice(&shell, &query);
    draft_page(
        &state,
        shell,
        &user,
        &slug,
        id,
        None,
        Form::new(csrf.0),
        notice,
    )
    .await
}

pub(super) async fn save_draft(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let (fw, application) = load(&state, &slug, &user).await?;
    let lang = shell.tr.lang.code();
    match flow::save_draft(&state, &fw, application.id, id, &values, lang).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/frameworks/{slug}/application/services/{id}?notice=saved"
        ))
        .into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "save")?;
            Ok(unprocessable(
                draft_page(&state, shell, &user, &slug, id, Some(values), form, None).await?,
            ))
        }
    }
}

pub(super) async fn delete_draft(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let (fw, application) = load(&state, &slug, &user).await?;
    match flow::delete_draft(&state, &fw, application.id, id).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/frameworks/{slug}/application?notice=deleted")).into_response(),
        ),
        Err(e) => refused_on_application(&state, shell, &user, &csrf, &slug, e).await,
    }
}

pub(super) async fn upload_document(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path((slug, id)): Path<(String, i64)>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let mut fields = FormValues::new();
    let mut file: Option<(String, Bytes)> = None;
    while let Some(part) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::bad_request(e.status(), "bad_request", Some(e.body_text())))?
    {
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = part.file_name().unwrap_or("document.pdf").to_owned();
            let data = part.bytes().await.map_err(|e| {
                AppError::bad_request(e.status(), "bad_request", Some(e.body_text()))
            })?;
            file = Some((file_name, data));
        } else {
            let data = part.bytes().await.map_err(|e| {
                AppError::bad_request(e.status(), "bad_request", Some(e.body_text()))
            })?;
            fields
                .entry(name)
                .or_default()
                .push(String::from_utf8_lossy(&data).into_owned());
        }
    }
    check_csrf(&csrf, &fields)?;
    let (fw, application) = load(&state, &slug, &user).await?;
    let question = first(&fields, "question").to_owned();
    let (file_name, data) = file.unwrap_or_default();
    let lang = shell.tr.lang.code();
    match flow::attach_document(
        &state,
        &fw,
        application.id,
        id,
        &question,
        &file_name,
        &data,
        lang,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/frameworks/{slug}/application/services/{id}?notice=uploaded"
        ))
        .into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, &question)?;
            Ok(unprocessable(
                draft_page(&state, shell, &user, &slug, id, None, form, None).await?,
            ))
        }
    }
}

pub(super) async fn copy_services(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    let (fw, application) = load(&state, &slug, &user).await?;
    match flow::copy_previous_services(&state, &fw, application.id).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/frameworks/{slug}/application?notice=copied")).into_response(),
        ),
        Err(e) => refused_on_application(&state, shell, &user, &csrf, &slug, e).await,
    }
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

pub(super) async fn download_document(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let reader = store::DocumentReader {
        organisation_id: user.as_ref().map(|u| u.organisation_id),
        manager: is_manager(user.as_ref()),
    };
    let document = store::readable_document(&state.db, &id, reader).await?;
    let path = flow::documents_dir(&state).join(format!("{}.pdf", document.public_id));
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let name: String = document
        .file_name
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
