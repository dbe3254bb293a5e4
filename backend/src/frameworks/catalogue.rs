//! Services in the catalogue: published at go-live from passed drafts, edited into new
//! versions, removed by their supplier, suspended by a manager, and marked unavailable at
//! expiry. Every change queues its search-index update in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::answer_errors::field_errors;
use super::lifecycle::content_of;
use super::{Actor, FlowError, store};

use crate::domain::content::{Answers, ContentFile, FormValues, ServiceSummary};
use crate::domain::framework::FrameworkStatus;
use crate::domain::status::{ServiceStatus, Verdict, is_live};
use crate::entities::{
    framework, framework_application, organisation, service, service_document, service_version,
};
use crate::search::{self, ServiceDocument};
use crate::state::AppState;

/// The search document of a service version.
pub fn document(
    content: &ContentFile,
    fw: &framework::Model,
    supplier: &organisation::Model,
    svc: &service::Model,
    answers: &Answers,
) -> ServiceDocument {
    let lot = content.lot(&svc.lot);
    let summary = lot.map(|l| l.summary(answers)).unwrap_or_default();
    let mut features: Vec<String> = summary.features.to_vec();
    if let Some(lot) = lot {
        for text in lot.search_text(answers) {
            if Some(text) != summary.name
                && Some(text) != summary.description
                && !features.iter().any(|f| f == text)
            {
                features.push(text.to_owned());
            }
        }
    }
    let available = store::service_available(svc, fw, supplier);
    ServiceDocument {
        id: svc.public_id.clone(),
        version: i64::from(svc.current_version),
        framework_id: fw.slug.clone(),
        framework_name: fw.name.clone(),
        lot: svc.lot.clone(),
        lot_name: lot.map(|l| l.name.en.clone()).unwrap_or_default(),
        supplier_id: supplier.id.to_string(),
        supplier_name: supplier.name.clone(),
        supplier_scale: if supplier.scale.as_deref() == Some("large") {
            "large".into()
        } else {
            "sme".into()
        },
        name: summary.name.unwrap_or(&svc.name).to_owned(),
        description: summary.description.unwrap_or_default().to_owned(),
        features,
        price: summary.price.map(|p| p.amount),
        currency: summary
            .price
            .map(|p| p.currency.clone())
            .unwrap_or_default(),
        pricing_unit: summary.price.map(|p| p.unit.clone()),
        facets: lot.map(|l| l.facet_values(answers)).unwrap_or_default(),
        available,
    }
}

/// Queues the index update of a service as it is now.
pub async fn reindex_service<C: ConnectionTrait>(
    txn: &C,
    svc: &service::Model,
) -> Result<(), FlowError> {
    let fw = store::framework_by_id(txn, svc.framework_id).await?;
    let content = content_of(&fw)?;
    let supplier = store::organisation(txn, svc.organisation_id).await?;
    let versions = store::versions(txn, svc.id).await?;
    let Some(current) = versions.last() else {
        return Ok(());
    };
    let answers = Answers::from_json(&current.answers).map_err(anyhow::Error::from)?;
    let doc = document(&content, &fw, &supplier, svc, &answers);
    search::enqueue_upsert(txn, &doc).await?;
    Ok(())
}

/// Publishes the passed drafts of a countersigned application as live services.
pub async fn publish_services<C: ConnectionTrait>(
    _state: &AppState,
    txn: &C,
    fw: &framework::Model,
    application: &framework_application::Model,
    now: DateTime<Utc>,
) -> Result<usize, FlowError> {
    let content = content_of(fw)?;
    let mut fw_live = fw.clone();
    fw_live.status = FrameworkStatus::Live.as_str().into();
    let supplier = store::organisation(txn, application.organisation_id).await?;
    let mut published = 0;
    for draft in store::drafts(txn, application.id).await? {
        if !Verdict::passed(draft.result.as_deref()) || draft.service_id.is_some() {
            continue;
        }
        let answers = Answers::from_json(&draft.answers).map_err(anyhow::Error::from)?;
        let summary = content
            .lot(&draft.lot)
            .map(|l| l.summary(&answers))
            .unwrap_or_default();
        let svc = insert_live_service(
            txn,
            fw.id,
            supplier.id,
            &draft.lot,
            draft.answers.clone(),
            &summary,
            now,
        )
        .await?;
        service_document::Entity::update_many()
            .col_expr(
                service_document::Column::ServiceId,
                sea_orm::sea_query::Expr::value(svc.id),
            )
            .filter(service_document::Column::DraftId.eq(draft.id))
            .exec(txn)
            .await?;
        let mut active = draft.into_active_model();
        active.service_id = Set(Some(svc.id));
        active.update(txn).await?;
        search::enqueue_upsert(
            txn,
            &document(&content, &fw_live, &supplier, &svc, &answers),
        )
        .await?;
        published += 1;
    }
    Ok(published)
}

/// A new live service at version 1, from answers already checked against its lot. The
/// caller queues its search update.
pub(crate) async fn insert_live_service<C: ConnectionTrait>(
    db: &C,
    framework_id: i64,
    organisation_id: i64,
    lot: &str,
    answers_json: String,
    summary: &ServiceSummary<'_>,
    now: DateTime<Utc>,
) -> Result<service::Model, sea_orm::DbErr> {
    let price = summary.price;
    let svc = service::ActiveModel {
        public_id: Set(uuid::Uuid::new_v4().to_string()),
        framework_id: Set(framework_id),
        organisation_id: Set(organisation_id),
        lot: Set(lot.to_owned()),
        status: Set(ServiceStatus::Live.as_str().into()),
        current_version: Set(1),
        name: Set(summary.name.unwrap_or("—").chars().take(200).collect()),
        price: Set(price.map(|p| p.amount)),
        pricing_unit: Set(price.map(|p| p.unit.clone())),
        currency: Set(price.map(|p| p.currency.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    service_version::ActiveModel {
        service_id: Set(svc.id),
        version: Set(1),
        answers: Set(answers_json),
        price: Set(price.map(|p| p.amount)),
        pricing_unit: Set(price.map(|p| p.unit.clone())),
        currency: Set(price
            .map(|p| p.currency.clone())
            .unwrap_or_else(|| "CLP".into())),
        edited_by: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(svc)
}

/// Marks every live service of an expiring framework as expired.
pub async fn expire_services<C: ConnectionTrait>(
    _state: &AppState,
    txn: &C,
    fw: &framework::Model,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let content = content_of(fw)?;
    let mut fw_expired = fw.clone();
    fw_expired.status = FrameworkStatus::Expired.as_str().into();
    for svc in store::services_on(txn, fw.id).await? {
        let supplier = store::organisation(txn, svc.organisation_id).await?;
        let mut svc = svc;
        if is_live(&svc.status) {
            let mut active = svc.into_active_model();
            active.status = Set(ServiceStatus::Expired.as_str().into());
            active.updated_at = Set(now);
            svc = active.update(txn).await?;
        }
        let versions = store::versions(txn, svc.id).await?;
        if let Some(current) = versions.last() {
            let answers = Answers::from_json(&current.answers).map_err(anyhow::Error::from)?;
            search::enqueue_upsert(
                txn,
                &document(&content, &fw_expired, &supplier, &svc, &answers),
            )
            .await?;
        }
    }
    Ok(())
}

/// A supplier edits a live service: a new version with the new answers.
pub async fn edit_service(
    state: &AppState,
    actor: &Actor,
    public_id: &str,
    organisation_id: i64,
    form: &FormValues,
    lang: &str,
) -> Result<service::Model, FlowError> {
    let txn = state.begin_write().await?;
    let svc = store::service_by_public_id(&txn, public_id).await?;
    if svc.organisation_id != organisation_id {
        return Err(FlowError::NotFound);
    }
    if !is_live(&svc.status) {
        return Err(FlowError::Refused("service_not_live"));
    }
    let fw = store::framework_by_id(&txn, svc.framework_id).await?;
    let content = content_of(&fw)?;
    let lot = content.lot(&svc.lot).ok_or(FlowError::NotFound)?;
    let answers = lot.validate_complete(form).map_err(|e| {
        FlowError::Invalid(field_errors(
            &e,
            lang,
            super::answer_errors::lot_label(lot, lang),
        ))
    })?;
    let summary = lot.summary(&answers);
    let now = Utc::now();
    let version = svc.current_version + 1;
    service_version::ActiveModel {
        service_id: Set(svc.id),
        version: Set(version),
        answers: Set(answers.to_json()),
        price: Set(summary.price.map(|p| p.amount)),
        pricing_unit: Set(summary.price.map(|p| p.unit.clone())),
        currency: Set(summary
            .price
            .map(|p| p.currency.clone())
            .unwrap_or_else(|| "CLP".into())),
        edited_by: Set(actor.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active = svc.into_active_model();
    active.current_version = Set(version);
    active.name = Set(summary.name.unwrap_or("—").chars().take(200).collect());
    active.price = Set(summary.price.map(|p| p.amount));
    active.pricing_unit = Set(summary.price.map(|p| p.unit.clone()));
    active.currency = Set(summary.price.map(|p| p.currency.clone()));
    active.updated_at = Set(now);
    let svc = active.update(&txn).await?;
    reindex_service(&txn, &svc).await?;
    actor
        .audit(
            &txn,
            "service_edited",
            format!("{} version {version}", svc.public_id),
        )
        .await?;
    txn.commit().await?;
    Ok(svc)
}

/// Changes a service's status: `removed` by its supplier, `suspended` (with a reason) or back
/// to `live` by a manager.
pub async fn set_service_status(
    state: &AppState,
    actor: &Actor,
    public_id: &str,
    owner: Option<i64>,
    status: ServiceStatus,
    reason: Option<&str>,
) -> Result<service::Model, FlowError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if status == ServiceStatus::Suspended && reason.is_none() {
        return Err(FlowError::field(
            "reason",
            "reason_required",
            "Give the reason for suspending this service",
        ));
    }
    let txn = state.begin_write().await?;
    let svc = store::service_by_public_id(&txn, public_id).await?;
    if owner.is_some_and(|o| o != svc.organisation_id) {
        return Err(FlowError::NotFound);
    }
    let allowed = ServiceStatus::parse(&svc.status).map(|from| from.check_transition(status));
    if !matches!(allowed, Some(Ok(()))) {
        return Err(FlowError::Refused("service_status"));
    }
    let mut active = svc.into_active_model();
    active.status = Set(status.as_str().into());
    active.status_reason = Set(reason.map(str::to_owned));
    active.updated_at = Set(Utc::now());
    let svc = active.update(&txn).await?;
    reindex_service(&txn, &svc).await?;
    actor
        .audit(
            &txn,
            "service_status",
            format!("{} -> {status}", svc.public_id),
        )
        .await?;
    txn.commit().await?;
    Ok(svc)
}

/// Suspends a supplier (or lifts the suspension with `reason = None`): its services leave
/// search results and it cannot apply to frameworks.
pub async fn suspend_supplier(
    state: &AppState,
    actor: &Actor,
    organisation_id: i64,
    reason: Option<&str>,
) -> Result<organisation::Model, FlowError> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let txn = state.begin_write().await?;
    let org = store::organisation(&txn, organisation_id).await?;
    if org.kind != "supplier" {
        return Err(FlowError::NotFound);
    }
    let mut active = org.into_active_model();
    active.suspended_at = Set(reason.map(|_| Utc::now()));
    active.suspended_reason = Set(reason.map(str::to_owned));
    let org = active.update(&txn).await?;
    for svc in service::Entity::find()
        .filter(service::Column::OrganisationId.eq(org.id))
        .all(&txn)
        .await?
    {
        reindex_service(&txn, &svc).await?;
    }
    actor
        .audit(
            &txn,
            if reason.is_some() {
                "supplier_suspended"
            } else {
                "supplier_reinstated"
            },
            format!("organisation {}", org.id),
        )
        .await?;
    txn.commit().await?;
    Ok(org)
}
