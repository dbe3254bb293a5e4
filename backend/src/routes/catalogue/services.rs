//! Service pages with their version and price history, and what suppliers and managers do
//! to a service.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::catalogue::{ServicePage, VersionRow};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::{Fact, QuestionsPage};
use serde::Deserialize;

use super::format_price;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::content::{Answers, FormValues};
use crate::domain::framework::FrameworkStatus;
use crate::domain::status::{ServiceStatus, is_live};
use crate::error::AppError;
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::{catalogue as flow, store};
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::{actor, is_manager};
use crate::routes::frameworks::{
    check_csrf, day, first, form_values, problem_form, question_fields, unprocessable,
};
use crate::state::AppState;

/// Query of the service page.
#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

async fn service_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: Option<&CurrentUser>,
    id: &str,
    form: Form,
    notice: Option<String>,
) -> Result<ServicePage, AppError> {
    let svc = store::service_by_public_id(&state.db, id).await?;
    let fw = store::framework_by_id(&state.db, svc.framework_id).await?;
    let content = content_of(&fw)?;
    let supplier = store::organisation(&state.db, svc.organisation_id).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let versions = store::versions(&state.db, svc.id).await?;
    let current = versions.last();
    let answers = current
        .map(|v| Answers::from_json(&v.answers))
        .transpose()
        .map_err(anyhow::Error::from)?
        .unwrap_or_default();
    let lot = content.lot(&svc.lot);
    let currency = current.map(|v| v.currency.clone()).unwrap_or_default();
    let available = store::service_available(&svc, &fw, &supplier);
    let unavailable_reason = if supplier.suspended_at.is_some() {
        supplier.suspended_reason.clone()
    } else if FrameworkStatus::parse(&fw.status) == Some(FrameworkStatus::Expired) {
        Some(tr.t("svc-framework-expired"))
    } else {
        svc.status_reason.clone()
    };
    let documents = store::documents_of_service(&state.db, svc.id)
        .await?
        .into_iter()
        .map(|(name, id, bytes)| (name, format!("/documents/{id}"), document_size(bytes, tr)))
        .collect();
    let other_services = store::services_of(&state.db, supplier.id)
        .await?
        .into_iter()
        .filter(|s| s.id != svc.id && s.status == "live" && s.framework_id == fw.id)
        .take(5)
        .map(|s| (s.public_id, s.name))
        .collect();
    let summary = lot
        .and_then(|l| l.summary(&answers).description)
        .unwrap_or_default()
        .to_owned();
    let header_roles = [
        crate::domain::content::Role::Name,
        crate::domain::content::Role::Description,
    ];
    let shown_in_header: Vec<String> = lot
        .map(|l| {
            header_roles
                .iter()
                .filter_map(|r| l.role(*r).map(|q| q.id.clone()))
                .collect()
        })
        .unwrap_or_default();
    Ok(ServicePage {
        id: svc.public_id.clone(),
        name: svc.name.clone(),
        supplier: supplier.name.clone(),
        supplier_id: supplier.id,
        framework: (fw.name.clone(), fw.slug.clone()),
        lot: lot.map(|l| l.name.get(lang).to_owned()).unwrap_or_default(),
        available,
        unavailable_reason,
        price: format_price(svc.price, svc.pricing_unit.as_deref(), &currency, tr),
        answers: lot
            .map(|l| {
                l.display(&answers, lang)
                    .into_iter()
                    .filter(|a| !shown_in_header.iter().any(|id| id == a.id))
                    .map(|a| Fact {
                        label: a.label.to_owned(),
                        value: a.values.join("; "),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        documents,
        summary,
        lot_slug: svc.lot.clone(),
        supplier_scale: supplier
            .scale
            .as_deref()
            .map(|scale| tr.t(&format!("scale-{scale}")))
            .unwrap_or_default(),
        supplier_place: [
            supplier.locality.clone().unwrap_or_default(),
            supplier.country_code.clone(),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", "),
        other_services,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionRow {
                version: v.version,
                date: day(v.created_at),
                price: format_price(v.price, v.pricing_unit.as_deref(), &v.currency, tr),
            })
            .collect(),
        is_owner: user.is_some_and(|u| u.organisation_id == svc.organisation_id),
        is_manager: is_manager(user),
        can_buy: available
            && svc.price.is_some()
            && user.is_some_and(|u| {
                u.org_kind == crate::domain::roles::OrgKind::Buyer
                    && [
                        crate::domain::roles::Role::BuyerAdmin,
                        crate::domain::roles::Role::BuyerUser,
                        crate::domain::roles::Role::CanAward,
                        crate::domain::roles::Role::CanApproveOrders,
                        crate::domain::roles::Role::CanPublishBriefs,
                    ]
                    .iter()
                    .any(|r| u.has(*r))
            }),
        status: svc.status,
        form,
        notice,
        shell,
    })
}

/// A document's size as people read it: "PDF, 12 KB" or "PDF, 1.4 MB".
fn document_size(bytes: i64, tr: &marco_frontend::Tr) -> String {
    let kb = bytes as f64 / 1024.0;
    let size = if kb < 1024.0 {
        format!("{} KB", kb.ceil().max(1.0))
    } else {
        format!("{:.1} MB", kb / 1024.0)
    };
    tr.t1("svc-document-size", "size", size)
}

pub(super) async fn show_service(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<ServicePage, AppError> {
    let notice = query
        .notice
        .as_deref()
        .filter(|n| ["saved", "status"].contains(n))
        .map(|n| shell.tr.t(&format!("svc-notice-{n}")));
    service_page(&state, shell, user.as_ref(), &id, Form::new(csrf.0), notice).await
}

async fn edit_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: &str,
    values: Option<FormValues>,
    form: Form,
) -> Result<QuestionsPage, AppError> {
    let svc = store::service_by_public_id(&state.db, id).await?;
    if svc.organisation_id != user.organisation_id {
        return Err(AppError::NotFound);
    }
    let fw = store::framework_by_id(&state.db, svc.framework_id).await?;
    let content = content_of(&fw)?;
    let lot = content.lot(&svc.lot).ok_or(AppError::NotFound)?;
    let lang = shell.tr.lang.code();
    let values = match values {
        Some(v) => v,
        None => {
            let versions = store::versions(&state.db, svc.id).await?;
            versions
                .last()
                .map(|v| Answers::from_json(&v.answers))
                .transpose()
                .map_err(anyhow::Error::from)?
                .unwrap_or_default()
                .to_form()
        }
    };
    let questions: Vec<_> = lot
        .questions
        .iter()
        .filter(|q| q.kind.name() != "document")
        .collect();
    Ok(QuestionsPage {
        title: shell.tr.t1("svc-edit-title", "name", svc.name.clone()),
        lead: shell.tr.t("svc-edit-lead"),
        action: format!("/services/{id}/edit"),
        upload_action: None,
        back: format!("/services/{id}"),
        fields: question_fields(questions, &values, &form, lang, &[]),
        editable: is_live(&svc.status),
        form,
        notice: None,
        shell,
    })
}

pub(super) async fn edit_service(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<QuestionsPage, AppError> {
    edit_page(&state, shell, &user, &id, None, Form::new(csrf.0)).await
}

pub(super) async fn save_service(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let lang = shell.tr.lang.code();
    match flow::edit_service(
        &state,
        &actor(&user, &ip),
        &id,
        user.organisation_id,
        &values,
        lang,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/services/{id}?notice=saved")).into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "save")?;
            Ok(unprocessable(
                edit_page(&state, shell, &user, &id, Some(values), form).await?,
            ))
        }
    }
}

pub(super) async fn remove_service(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    flow::set_service_status(
        &state,
        &actor(&user, &ip),
        &id,
        Some(user.organisation_id),
        ServiceStatus::Removed,
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/services/{id}?notice=status")).into_response())
}

pub(super) async fn change_service_status(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    // Managers suspend and reinstate; removal is the supplier's, expiry the framework's.
    let status = match ServiceStatus::parse(first(&values, "status")) {
        Some(status @ (ServiceStatus::Suspended | ServiceStatus::Live)) => status,
        _ => return Err(AppError::Conflict("service_status")),
    };
    match flow::set_service_status(
        &state,
        &actor(&user, &ip),
        &id,
        None,
        status,
        Some(first(&values, "reason")),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/services/{id}?notice=status")).into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "reason")?;
            Ok(unprocessable(
                service_page(&state, shell, Some(&user), &id, form, None).await?,
            ))
        }
    }
}
