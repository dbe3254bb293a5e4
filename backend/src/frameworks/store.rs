//! Queries about frameworks, applications, drafts and services. Only code that knows columns.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::domain::framework::{FrameworkStatus, Timetable};
use crate::domain::status::{ApplicationStatus, is_live};
use crate::entities::{
    draft_service, framework, framework_application, organisation, service, service_version, user,
};

use super::FlowError;

/// The framework's timetable.
pub fn timetable(fw: &framework::Model) -> Timetable {
    Timetable {
        clarifications_close_at: fw.clarifications_close_at,
        applications_close_at: fw.applications_close_at,
        intention_to_award_at: fw.intention_to_award_at,
        goes_live_at: fw.goes_live_at,
        expires_at: fw.expires_at,
    }
}

/// The framework's state.
pub fn status(fw: &framework::Model) -> Result<FrameworkStatus, FlowError> {
    FrameworkStatus::parse(&fw.status)
        .ok_or_else(|| FlowError::Other(anyhow::anyhow!("unknown framework status {}", fw.status)))
}

/// Whether the framework takes applications now (open, before the deadline).
pub fn accepts_applications_now(fw: &framework::Model) -> Result<bool, FlowError> {
    accepts_applications_at(fw, chrono::Utc::now())
}

/// Whether the framework takes applications at `now`.
pub fn accepts_applications_at(
    fw: &framework::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, FlowError> {
    Ok(crate::domain::framework::accepts_applications(
        status(fw)?,
        &timetable(fw),
        now,
    ))
}

/// Whether a supplier may still change its application.
pub fn application_editable(
    fw: &framework::Model,
    application: &framework_application::Model,
) -> Result<bool, FlowError> {
    Ok(!is_submitted(application) && accepts_applications_now(fw)?)
}

/// Whether a service is available to buyers: live, on a live framework, from a supplier that
/// is not suspended.
pub fn service_available(
    svc: &service::Model,
    fw: &framework::Model,
    supplier: &organisation::Model,
) -> bool {
    is_live(&svc.status)
        && FrameworkStatus::parse(&fw.status) == Some(FrameworkStatus::Live)
        && supplier.suspended_at.is_none()
}

/// The id of the latest release of a contracting process, without reading release bodies.
pub async fn last_release_id<C: ConnectionTrait>(
    db: &C,
    ocid: &str,
) -> Result<Option<String>, DbErr> {
    let Some(process) = crate::entities::ocds_process::Entity::find_by_id(ocid.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(
        crate::entities::release::Entity::find_by_id(process.last_sequence)
            .one(db)
            .await?
            .map(|r| r.release_id),
    )
}

/// A framework by slug.
pub async fn framework_by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> Result<framework::Model, FlowError> {
    framework::Entity::find()
        .filter(framework::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A framework by id.
pub async fn framework_by_id<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<framework::Model, FlowError> {
    framework::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// Every framework, newest first.
pub async fn frameworks<C: ConnectionTrait>(db: &C) -> Result<Vec<framework::Model>, DbErr> {
    framework::Entity::find()
        .order_by_asc(framework::Column::Family)
        .order_by_desc(framework::Column::Iteration)
        .all(db)
        .await
}

/// The platform operator, the procuring entity of every framework.
pub async fn platform<C: ConnectionTrait>(db: &C) -> Result<organisation::Model, FlowError> {
    organisation::Entity::find()
        .filter(organisation::Column::Kind.eq("platform"))
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await?
        .ok_or_else(|| FlowError::Other(anyhow::anyhow!("no platform organisation exists")))
}

/// An organisation by id.
pub async fn organisation<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<organisation::Model, FlowError> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A supplier's application to a framework, if it registered interest.
pub async fn application_of<C: ConnectionTrait>(
    db: &C,
    framework_id: i64,
    organisation_id: i64,
) -> Result<Option<framework_application::Model>, DbErr> {
    framework_application::Entity::find()
        .filter(framework_application::Column::FrameworkId.eq(framework_id))
        .filter(framework_application::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await
}

/// Every application to a framework, in order of registration.
pub async fn applications<C: ConnectionTrait>(
    db: &C,
    framework_id: i64,
) -> Result<Vec<framework_application::Model>, DbErr> {
    framework_application::Entity::find()
        .filter(framework_application::Column::FrameworkId.eq(framework_id))
        .order_by_asc(framework_application::Column::Id)
        .all(db)
        .await
}

/// An application by id, within a framework.
pub async fn application<C: ConnectionTrait>(
    db: &C,
    framework_id: i64,
    id: i64,
) -> Result<framework_application::Model, FlowError> {
    framework_application::Entity::find_by_id(id)
        .filter(framework_application::Column::FrameworkId.eq(framework_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// Submitted applications that have no result yet.
pub async fn unevaluated<C: ConnectionTrait>(db: &C, framework_id: i64) -> Result<u64, DbErr> {
    framework_application::Entity::find()
        .filter(framework_application::Column::FrameworkId.eq(framework_id))
        .filter(framework_application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .filter(framework_application::Column::Result.is_null())
        .count(db)
        .await
}

/// The drafts of an application, in creation order.
pub async fn drafts<C: ConnectionTrait>(
    db: &C,
    application_id: i64,
) -> Result<Vec<draft_service::Model>, DbErr> {
    draft_service::Entity::find()
        .filter(draft_service::Column::ApplicationId.eq(application_id))
        .order_by_asc(draft_service::Column::Id)
        .all(db)
        .await
}

/// One draft of an application.
pub async fn draft<C: ConnectionTrait>(
    db: &C,
    application_id: i64,
    id: i64,
) -> Result<draft_service::Model, FlowError> {
    draft_service::Entity::find_by_id(id)
        .filter(draft_service::Column::ApplicationId.eq(application_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A service by public id.
pub async fn service_by_public_id<C: ConnectionTrait>(
    db: &C,
    public_id: &str,
) -> Result<service::Model, FlowError> {
    service::Entity::find()
        .filter(service::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A service by internal id.
pub async fn service_by_id<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<service::Model, FlowError> {
    service::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// Services by internal id, as a map.
pub async fn services_by_id<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, service::Model>, DbErr> {
    Ok(service::Entity::find()
        .filter(service::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// Service versions by id, as a map.
pub async fn versions_by_id<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, service_version::Model>, DbErr> {
    Ok(service_version::Entity::find()
        .filter(service_version::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect())
}

/// One version of a service, by its id (immutable once written).
pub async fn version<C: ConnectionTrait>(
    db: &C,
    id: i64,
) -> Result<service_version::Model, FlowError> {
    service_version::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// The versions of a service, oldest first.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    service_id: i64,
) -> Result<Vec<service_version::Model>, DbErr> {
    service_version::Entity::find()
        .filter(service_version::Column::ServiceId.eq(service_id))
        .order_by_asc(service_version::Column::Version)
        .all(db)
        .await
}

/// A supplier's services, by name.
pub async fn services_of<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Vec<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(service::Column::Name)
        .all(db)
        .await
}

/// The services on a framework.
pub async fn services_on<C: ConnectionTrait>(
    db: &C,
    framework_id: i64,
) -> Result<Vec<service::Model>, DbErr> {
    service::Entity::find()
        .filter(service::Column::FrameworkId.eq(framework_id))
        .order_by_asc(service::Column::Id)
        .all(db)
        .await
}

/// The active, verified users of an organisation, who receive its notices.
pub async fn recipients<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Vec<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

/// Services by public id (the search index's ids), as a map.
pub async fn services_by_public_id<C: ConnectionTrait>(
    db: &C,
    public_ids: &[String],
) -> Result<std::collections::HashMap<String, service::Model>, DbErr> {
    Ok(service::Entity::find()
        .filter(service::Column::PublicId.is_in(public_ids.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.public_id.clone(), s))
        .collect())
}

/// Organisations by id, as a map.
pub async fn organisations_by_id<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, organisation::Model>, DbErr> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect())
}

/// The currency of each service's current version, by service id: one query that reads only
/// the current versions.
pub async fn current_currencies<C: ConnectionTrait>(
    db: &C,
    services: impl IntoIterator<Item = &service::Model>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    use sea_orm::{Condition, QuerySelect};
    let current = services.into_iter().fold(Condition::any(), |any, s| {
        any.add(
            Condition::all()
                .add(service_version::Column::ServiceId.eq(s.id))
                .add(service_version::Column::Version.eq(s.current_version)),
        )
    });
    if current.is_empty() {
        return Ok(Default::default());
    }
    Ok(service_version::Entity::find()
        .select_only()
        .columns([
            service_version::Column::ServiceId,
            service_version::Column::Currency,
        ])
        .filter(current)
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The documents attached to a live service: (file name, public id).
pub async fn documents_of_service<C: ConnectionTrait>(
    db: &C,
    service_id: i64,
) -> Result<Vec<(String, String, i64)>, DbErr> {
    use crate::entities::service_document;
    Ok(service_document::Entity::find()
        .filter(service_document::Column::ServiceId.eq(service_id))
        .order_by_asc(service_document::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.file_name, d.public_id, d.bytes))
        .collect())
}

/// Who is asking to read a document.
#[derive(Clone, Copy, Debug)]
pub struct DocumentReader {
    /// The reader's organisation, when signed in.
    pub organisation_id: Option<i64>,
    /// Whether the reader manages frameworks.
    pub manager: bool,
}

/// A document by public id, if `reader` may read it: anybody once its service is live;
/// before that only the supplier whose draft it belongs to, and framework managers. Any
/// other reader is told it does not exist.
pub async fn readable_document<C: ConnectionTrait>(
    db: &C,
    public_id: &str,
    reader: DocumentReader,
) -> Result<crate::entities::service_document::Model, FlowError> {
    use crate::entities::service_document;
    let document = service_document::Entity::find()
        .filter(service_document::Column::PublicId.eq(public_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)?;
    let live = match document.service_id {
        Some(service_id) => service::Entity::find_by_id(service_id)
            .one(db)
            .await?
            .is_some_and(|s| is_live(&s.status)),
        None => false,
    };
    if live || reader.manager {
        return Ok(document);
    }
    let owner = match document.draft_id {
        Some(draft_id) => match draft_service::Entity::find_by_id(draft_id).one(db).await? {
            Some(draft) => framework_application::Entity::find_by_id(draft.application_id)
                .one(db)
                .await?
                .map(|a| a.organisation_id),
            None => None,
        },
        None => None,
    };
    match (owner, reader.organisation_id) {
        (Some(owner), Some(reader)) if owner == reader => Ok(document),
        _ => Err(FlowError::NotFound),
    }
}

/// The documents attached to a draft: (question id, file name, public id).
pub async fn documents_of_draft<C: ConnectionTrait>(
    db: &C,
    draft_id: i64,
) -> Result<Vec<(String, String, String)>, DbErr> {
    use crate::entities::service_document;
    Ok(service_document::Entity::find()
        .filter(service_document::Column::DraftId.eq(draft_id))
        .order_by_asc(service_document::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.question_id, d.file_name, d.public_id))
        .collect())
}

/// Whether an organisation had services on a framework (so it can copy them forward).
pub async fn has_services_on<C: ConnectionTrait>(
    db: &C,
    framework_id: i64,
    organisation_id: i64,
) -> Result<bool, DbErr> {
    Ok(service::Entity::find()
        .filter(service::Column::FrameworkId.eq(framework_id))
        .filter(service::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?
        .is_some())
}

/// Whether an application has been submitted.
pub fn is_submitted(application: &framework_application::Model) -> bool {
    ApplicationStatus::parse(&application.status) == Some(ApplicationStatus::Submitted)
}
