//! A supplier's application: register interest, answer the declaration, draft services (with
//! documents), copy from the previous iteration, and submit before the deadline. Nothing can be
//! changed once submitted or once the deadline has passed.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};
use sha2::{Digest, Sha256};

use super::lifecycle::content_of;
use super::{Actor, FlowError, store};

use super::answer_errors::{declaration_label, field_errors, lot_label};
use crate::domain::content::{Answers, ContentFile, FormValues, QuestionKind};
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::status::ApplicationStatus;
use crate::entities::{draft_service, framework, framework_application, service, service_document};
use crate::state::AppState;

/// Refuses changes once the application is submitted or the deadline has passed.
fn check_editable(
    fw: &framework::Model,
    application: &framework_application::Model,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    if !store::accepts_applications_at(fw, now)? {
        return Err(FlowError::Refused("applications_closed"));
    }
    if ApplicationStatus::parse(&application.status) == Some(ApplicationStatus::Submitted) {
        return Err(FlowError::Refused("application_submitted"));
    }
    Ok(())
}

/// Re-reads the application inside `txn` and checks it may still change.
async fn editable<C: ConnectionTrait>(
    txn: &C,
    fw: &framework::Model,
    application_id: i64,
    now: DateTime<Utc>,
) -> Result<framework_application::Model, FlowError> {
    let fw = store::framework_by_id(txn, fw.id).await?;
    let application = store::application(txn, fw.id, application_id).await?;
    check_editable(&fw, &application, now)?;
    Ok(application)
}

/// Registers a supplier's interest (idempotent).
pub async fn register_interest(
    state: &AppState,
    actor: &Actor,
    fw: &framework::Model,
    organisation_id: i64,
) -> Result<framework_application::Model, FlowError> {
    let txn = state.begin_write().await?;
    if let Some(existing) = store::application_of(&txn, fw.id, organisation_id).await? {
        return Ok(existing);
    }
    let org = store::organisation(&txn, organisation_id).await?;
    if org.kind != "supplier" {
        return Err(FlowError::Refused("not_a_supplier"));
    }
    if org.suspended_at.is_some() {
        return Err(FlowError::Refused("supplier_suspended"));
    }
    if !store::accepts_applications_at(fw, state.clock.now())? {
        return Err(FlowError::Refused("applications_closed"));
    }
    let application = framework_application::ActiveModel {
        framework_id: Set(fw.id),
        organisation_id: Set(organisation_id),
        status: Set(ApplicationStatus::Interested.as_str().into()),
        declaration: Set("{}".into()),
        declaration_complete: Set(false),
        automatic_fails: Set("[]".into()),
        interest_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "application_interest",
            format!("{} organisation {organisation_id}", fw.slug),
        )
        .await?;
    txn.commit().await?;
    Ok(application)
}

/// Saves the declaration answers. Incomplete answers are kept; the outcome is recomputed.
pub async fn save_declaration(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
    form: &FormValues,
    lang: &str,
) -> Result<framework_application::Model, FlowError> {
    let content = content_of(fw)?;
    let answers = content.declaration.validate_partial(form).map_err(|e| {
        FlowError::Invalid(field_errors(&e, lang, declaration_label(&content, lang)))
    })?;
    store_declaration(state, fw, application_id, &content, answers).await
}

async fn store_declaration(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
    content: &ContentFile,
    answers: Answers,
) -> Result<framework_application::Model, FlowError> {
    let outcome = content.declaration.evaluate(&answers);
    let txn = state.begin_write().await?;
    let application = editable(&txn, fw, application_id, state.clock.now()).await?;
    let mut active = application.into_active_model();
    active.declaration = Set(answers.to_json());
    active.declaration_complete = Set(outcome.complete);
    active.automatic_fails =
        Set(serde_json::to_string(&outcome.automatic_fails).map_err(anyhow::Error::from)?);
    let application = active.update(&txn).await?;
    txn.commit().await?;
    Ok(application)
}

/// The supplier's application to the iteration this framework continues, if any.
pub async fn previous_application<C: ConnectionTrait>(
    db: &C,
    fw: &framework::Model,
    organisation_id: i64,
) -> Result<Option<framework_application::Model>, FlowError> {
    let Some(previous) = fw.previous_id else {
        return Ok(None);
    };
    Ok(store::application_of(db, previous, organisation_id).await?)
}

/// Reuses the declaration answered for the previous iteration (only questions that still
/// exist, re-checked against this iteration's content file).
pub async fn reuse_declaration(
    state: &AppState,
    fw: &framework::Model,
    application: &framework_application::Model,
    lang: &str,
) -> Result<framework_application::Model, FlowError> {
    let previous = previous_application(&state.db, fw, application.organisation_id)
        .await?
        .ok_or(FlowError::Refused("nothing_to_reuse"))?;
    let old = Answers::from_json(&previous.declaration).map_err(anyhow::Error::from)?;
    let content = content_of(fw)?;
    let mut form = old.to_form();
    form.retain(|id, _| {
        let base = id.split('.').next().unwrap_or(id);
        content.declaration.question(base).is_some()
    });
    let answers = content.declaration.validate_partial(&form).map_err(|e| {
        FlowError::Invalid(field_errors(&e, lang, declaration_label(&content, lang)))
    })?;
    store_declaration(state, fw, application.id, &content, answers).await
}

/// Starts a draft service in `lot`.
pub async fn create_draft(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
    lot: &str,
) -> Result<draft_service::Model, FlowError> {
    let content = content_of(fw)?;
    if content.lot(lot).is_none() {
        return Err(FlowError::field(
            "lot",
            "unknown_lot",
            "Choose one of the lots",
        ));
    }
    let txn = state.begin_write().await?;
    editable(&txn, fw, application_id, state.clock.now()).await?;
    let now = state.clock.now();
    let draft = draft_service::ActiveModel {
        application_id: Set(application_id),
        lot: Set(lot.into()),
        answers: Set("{}".into()),
        complete: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(draft)
}

/// The document questions of a draft that have an upload.
pub async fn uploaded_questions<C: ConnectionTrait>(
    db: &C,
    draft_id: i64,
) -> Result<BTreeSet<String>, FlowError> {
    Ok(service_document::Entity::find()
        .filter(service_document::Column::DraftId.eq(draft_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| d.question_id)
        .collect())
}

/// The questions of `lot` that a draft's answers and uploads leave unanswered, by id.
pub fn missing(
    content: &ContentFile,
    lot: &str,
    form: &FormValues,
    uploads: &BTreeSet<String>,
) -> Vec<String> {
    let Some(lot) = content.lot(lot) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = lot
        .validate_complete(form)
        .err()
        .map(|e| e.into_keys().collect())
        .unwrap_or_default();
    if let Err(e) = lot.check_documents(uploads) {
        ids.extend(e.into_keys());
    }
    // In the order the form asks them.
    lot.questions
        .iter()
        .filter(|q| ids.contains(&q.id))
        .map(|q| q.id.clone())
        .collect()
}

/// Whether answers plus uploads complete the lot's questions.
fn is_complete(
    content: &ContentFile,
    lot: &str,
    form: &FormValues,
    uploads: &BTreeSet<String>,
) -> bool {
    content.lot(lot).is_some_and(|lot| {
        lot.validate_complete(form).is_ok() && lot.check_documents(uploads).is_ok()
    })
}

/// Saves a draft's answers. Every answer given must be valid; missing ones may wait.
pub async fn save_draft(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
    draft_id: i64,
    form: &FormValues,
    lang: &str,
) -> Result<draft_service::Model, FlowError> {
    let content = content_of(fw)?;
    let txn = state.begin_write().await?;
    editable(&txn, fw, application_id, state.clock.now()).await?;
    let draft = store::draft(&txn, application_id, draft_id).await?;
    let lot = content.lot(&draft.lot).ok_or(FlowError::NotFound)?;
    let answers = lot
        .validate_partial(form)
        .map_err(|e| FlowError::Invalid(field_errors(&e, lang, lot_label(lot, lang))))?;
    let uploads = uploaded_questions(&txn, draft.id).await?;
    let complete = is_complete(&content, &draft.lot, &answers.to_form(), &uploads);
    let mut active = draft.into_active_model();
    active.answers = Set(answers.to_json());
    active.complete = Set(complete);
    active.updated_at = Set(state.clock.now());
    let draft = active.update(&txn).await?;
    txn.commit().await?;
    Ok(draft)
}

/// Deletes a draft (and its documents' records).
pub async fn delete_draft(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
    draft_id: i64,
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    editable(&txn, fw, application_id, state.clock.now()).await?;
    let draft = store::draft(&txn, application_id, draft_id).await?;
    service_document::Entity::delete_many()
        .filter(service_document::Column::DraftId.eq(draft.id))
        .exec(&txn)
        .await?;
    draft_service::Entity::delete_by_id(draft.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Where uploaded documents are kept.
pub fn documents_dir(state: &AppState) -> std::path::PathBuf {
    state.config.data_dir.join("documents")
}

#[expect(
    clippy::too_many_arguments,
    reason = "one flow with its framework, ids and the upload"
)]
/// Stores a PDF for a document question of a draft. The type is checked by its first bytes
/// (`%PDF-`), not by the name the browser sent; the size by the content file's limit.
pub async fn attach_document(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
    draft_id: i64,
    question_id: &str,
    file_name: &str,
    bytes: &[u8],
    lang: &str,
) -> Result<service_document::Model, FlowError> {
    let es = lang.starts_with("es");
    let content = content_of(fw)?;
    let draft = store::draft(&state.db, application_id, draft_id).await?;
    let lot = content.lot(&draft.lot).ok_or(FlowError::NotFound)?;
    let Some(QuestionKind::Document { max_bytes }) = lot.question(question_id).map(|q| &q.kind)
    else {
        return Err(FlowError::NotFound);
    };
    if bytes.is_empty() {
        return Err(FlowError::field(
            question_id,
            "file_empty",
            if es {
                "Elija un archivo PDF".to_owned()
            } else {
                "Choose a PDF file".to_owned()
            },
        ));
    }
    if bytes.len() as u64 > *max_bytes {
        let mb = *max_bytes as f64 / 1_048_576.0;
        return Err(FlowError::field(
            question_id,
            "file_too_large",
            if es {
                format!("El archivo debe pesar {mb:.1} MB o menos")
            } else {
                format!("The file must be {mb:.1} MB or smaller")
            },
        ));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(FlowError::field(
            question_id,
            "file_not_pdf",
            if es {
                "El archivo debe ser un PDF".to_owned()
            } else {
                "The file must be a PDF".to_owned()
            },
        ));
    }
    let clean: String = std::path::Path::new(file_name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("document.pdf")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let public_id = uuid::Uuid::new_v4().to_string();
    let dir = documents_dir(state);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(anyhow::Error::from)?;
    // Write to a temporary name and rename, so no half-written document is ever served.
    let path = dir.join(format!("{public_id}.pdf"));
    let partial = dir.join(format!("{public_id}.partial"));
    tokio::fs::write(&partial, bytes)
        .await
        .map_err(anyhow::Error::from)?;
    tokio::fs::rename(&partial, &path)
        .await
        .map_err(anyhow::Error::from)?;
    let txn = state.begin_write().await?;
    let result = async {
        editable(&txn, fw, application_id, state.clock.now()).await?;
        let document = service_document::ActiveModel {
            public_id: Set(public_id.clone()),
            draft_id: Set(Some(draft.id)),
            question_id: Set(question_id.into()),
            file_name: Set(if clean.is_empty() {
                "document.pdf".into()
            } else {
                clean
            }),
            bytes: Set(bytes.len() as i64),
            sha256: Set(hex::encode(Sha256::digest(bytes))),
            uploaded_at: Set(state.clock.now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let uploads = uploaded_questions(&txn, draft.id).await?;
        let answers = Answers::from_json(&draft.answers).map_err(anyhow::Error::from)?;
        let mut active = draft.clone().into_active_model();
        active.complete = Set(is_complete(
            &content,
            &draft.lot,
            &answers.to_form(),
            &uploads,
        ));
        active.update(&txn).await?;
        Ok::<_, FlowError>(document)
    }
    .await;
    match result {
        Ok(document) => {
            txn.commit().await?;
            Ok(document)
        }
        Err(e) => {
            drop(txn);
            let _ = tokio::fs::remove_file(&path).await;
            Err(e)
        }
    }
}

/// Copies the supplier's live services on the previous iteration into drafts, for lots that
/// still exist. Returns how many were copied.
pub async fn copy_previous_services(
    state: &AppState,
    fw: &framework::Model,
    application_id: i64,
) -> Result<usize, FlowError> {
    let content = content_of(fw)?;
    let txn = state.begin_write().await?;
    let application = editable(&txn, fw, application_id, state.clock.now()).await?;
    let Some(previous) = fw.previous_id else {
        return Err(FlowError::Refused("nothing_to_copy"));
    };
    let existing: BTreeSet<i64> = store::drafts(&txn, application.id)
        .await?
        .into_iter()
        .filter_map(|d| d.copied_from_service_id)
        .collect();
    let services = service::Entity::find()
        .filter(service::Column::FrameworkId.eq(previous))
        .filter(service::Column::OrganisationId.eq(application.organisation_id))
        .filter(service::Column::Status.is_in([
            crate::domain::status::ServiceStatus::Live.as_str(),
            crate::domain::status::ServiceStatus::Expired.as_str(),
        ]))
        .all(&txn)
        .await?;
    let mut copied = 0;
    let now = state.clock.now();
    for service in services {
        if existing.contains(&service.id) {
            continue;
        }
        let Some(lot) = content.lot(&service.lot) else {
            continue;
        };
        let versions = store::versions(&txn, service.id).await?;
        let Some(current) = versions.last() else {
            continue;
        };
        let old = Answers::from_json(&current.answers).map_err(anyhow::Error::from)?;
        let mut form = old.to_form();
        form.retain(|id, _| lot.question(id.split('.').next().unwrap_or(id)).is_some());
        // Answers that no longer fit this iteration's questions are dropped, not guessed.
        let answers = lot.validate_partial(&form).unwrap_or_default();
        let complete = is_complete(&content, &service.lot, &answers.to_form(), &BTreeSet::new());
        draft_service::ActiveModel {
            application_id: Set(application.id),
            lot: Set(service.lot.clone()),
            answers: Set(answers.to_json()),
            complete: Set(complete),
            copied_from_service_id: Set(Some(service.id)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        copied += 1;
    }
    txn.commit().await?;
    Ok(copied)
}

/// Submits the application. It needs a complete declaration and at least one service, and
/// every draft must be complete (delete the ones you do not want to submit).
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    fw: &framework::Model,
    application_id: i64,
) -> Result<framework_application::Model, FlowError> {
    let txn = state.begin_write().await?;
    let application = editable(&txn, fw, application_id, state.clock.now()).await?;
    let mut problems = FieldErrors::new();
    if !application.declaration_complete {
        problems.insert(
            "declaration".into(),
            FieldError {
                code: "declaration_incomplete".into(),
                message: "Answer every question of the declaration".into(),
            },
        );
    }
    let drafts = store::drafts(&txn, application.id).await?;
    if drafts.is_empty() {
        problems.insert(
            "services".into(),
            FieldError {
                code: "no_services".into(),
                message: "Add at least one service".into(),
            },
        );
    } else if drafts.iter().any(|d| !d.complete) {
        problems.insert(
            "services".into(),
            FieldError {
                code: "services_incomplete".into(),
                message: "Complete or delete every draft service".into(),
            },
        );
    }
    if !problems.is_empty() {
        return Err(FlowError::Invalid(problems));
    }
    let mut active = application.into_active_model();
    active.status = Set(ApplicationStatus::Submitted.as_str().into());
    active.submitted_at = Set(Some(state.clock.now()));
    active.submitted_by = Set(actor.user_id);
    let application = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            "application_submitted",
            format!("{} application {}", fw.slug, application.id),
        )
        .await?;
    txn.commit().await?;
    Ok(application)
}
