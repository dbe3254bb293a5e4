//! A supplier's draft services: adding, editing and deleting them, uploading their PDFs,
//! copying services from the framework's last iteration, and downloading documents.

use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Shell;
use marco_frontend::forms::Form;
use marco_frontend::frameworks::QuestionsPage;

use super::manage::is_manager;
use super::{check_csrf, first, form_values, problem_form, question_fields, unprocessable};
use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::content::{Answers, FormValues};
use crate::error::AppError;
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::{application as flow, store};
use crate::http::context::PageContext;
use crate::state::AppState;

use super::apply::{NoticeQuery, load, notice, refused_on_application};

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
