//! Direct-award projects: a buyer with `can_award` saves a catalogue search into a named
//! project, refines it, ends it with 1 to 30 results (freezing the short list at the versions
//! found), downloads the list (each download recorded), and records one final outcome:
//! awarded, cancelled or none suitable. A reminder goes out when a short list has waited two
//! weeks for its outcome.

mod outcome;
mod reminders;
mod search;

pub use outcome::{Outcome, decide};
pub use reminders::{ReminderJob, remind_due};
pub use search::{end_search, record_download, save_search, start};

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{FlowError, Viewer, version_name};
use crate::domain::project::{ProjectError, ProjectStatus};
use crate::entities::{
    da_download, da_project, da_search, da_shortlist_entry, framework, organisation, service,
    service_version,
};
use crate::frameworks::store as catalogue;

/// Days a short list may wait for its outcome before its buyer is reminded.
pub const REMIND_AFTER_DAYS: i64 = 14;
/// The longest saved query string.
pub const MAX_QUERY: usize = 2000;

/// One entry of a frozen short list, with what it points to.
#[derive(Clone, Debug)]
pub struct ShortlistRow {
    /// The entry.
    pub entry: da_shortlist_entry::Model,
    /// The service.
    pub service: service::Model,
    /// The version frozen.
    pub version: service_version::Model,
    /// The service's name in that version.
    pub name: String,
    /// The supplier.
    pub supplier: organisation::Model,
    /// The framework.
    pub framework: framework::Model,
}

/// A project with its searches and its short list.
#[derive(Clone, Debug)]
pub struct ProjectView {
    /// The project.
    pub project: da_project::Model,
    /// Saved searches, oldest first.
    pub searches: Vec<da_search::Model>,
    /// The frozen short list, in rank order (empty while searching).
    pub shortlist: Vec<ShortlistRow>,
    /// Recorded downloads, oldest first.
    pub downloads: Vec<da_download::Model>,
}

fn status(p: &da_project::Model) -> Result<ProjectStatus, FlowError> {
    ProjectStatus::parse(&p.status).ok_or_else(|| {
        FlowError::Other(anyhow::anyhow!(
            "project {} has status {:?}",
            p.id,
            p.status
        ))
    })
}

fn refused(e: ProjectError) -> FlowError {
    match e {
        ProjectError::Transition { .. } => FlowError::Refused("project_closed"),
        ProjectError::ShortlistSize(n) => FlowError::field(
            "end_search",
            "shortlist_size",
            format!("A search ends with 1 to 30 results; this one has {n}. Refine it first."),
        ),
    }
}

/// A project of the viewer's organisation, or not found.
pub async fn project<C: ConnectionTrait>(
    db: &C,
    id: i64,
    who: Viewer,
) -> Result<da_project::Model, FlowError> {
    da_project::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|p| p.buyer_org_id == who.organisation_id)
        .ok_or(FlowError::NotFound)
}

/// The projects of the viewer's organisation, newest first.
pub async fn projects_of<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
) -> Result<Vec<da_project::Model>, FlowError> {
    Ok(da_project::Entity::find()
        .filter(da_project::Column::BuyerOrgId.eq(who.organisation_id))
        .order_by_desc(da_project::Column::Id)
        .all(db)
        .await?)
}

/// How many searches each of `projects` has saved, for lists (one query).
pub async fn search_counts<C: ConnectionTrait>(
    db: &C,
    projects: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, usize>, FlowError> {
    let mut counts = std::collections::HashMap::new();
    for project_id in da_search::Entity::find()
        .select_only()
        .column(da_search::Column::ProjectId)
        .filter(da_search::Column::ProjectId.is_in(projects))
        .into_tuple::<i64>()
        .all(db)
        .await?
    {
        *counts.entry(project_id).or_insert(0) += 1;
    }
    Ok(counts)
}

async fn shortlist_rows<C: ConnectionTrait>(
    db: &C,
    project_id: i64,
) -> Result<Vec<ShortlistRow>, FlowError> {
    let entries = da_shortlist_entry::Entity::find()
        .filter(da_shortlist_entry::Column::ProjectId.eq(project_id))
        .order_by_asc(da_shortlist_entry::Column::Position)
        .all(db)
        .await?;
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        let service = catalogue::service_by_id(db, entry.service_id).await?;
        let version = catalogue::version(db, entry.service_version_id).await?;
        let framework = catalogue::framework_by_id(db, service.framework_id).await?;
        let supplier = catalogue::organisation(db, entry.supplier_org_id).await?;
        let name = version_name(&framework, &service.lot, &version)
            .unwrap_or_else(|| service.name.clone());
        rows.push(ShortlistRow {
            entry,
            service,
            version,
            name,
            supplier,
            framework,
        });
    }
    Ok(rows)
}

/// A project with everything it keeps, for the viewer's organisation.
pub async fn view<C: ConnectionTrait>(
    db: &C,
    id: i64,
    who: Viewer,
) -> Result<ProjectView, FlowError> {
    let project = project(db, id, who).await?;
    read_view(db, project).await
}

async fn read_view<C: ConnectionTrait>(
    db: &C,
    project: da_project::Model,
) -> Result<ProjectView, FlowError> {
    let searches = da_search::Entity::find()
        .filter(da_search::Column::ProjectId.eq(project.id))
        .order_by_asc(da_search::Column::Id)
        .all(db)
        .await?;
    let downloads = da_download::Entity::find()
        .filter(da_download::Column::ProjectId.eq(project.id))
        .order_by_asc(da_download::Column::Id)
        .all(db)
        .await?;
    let shortlist = shortlist_rows(db, project.id).await?;
    Ok(ProjectView {
        project,
        searches,
        shortlist,
        downloads,
    })
}

/// A project whose outcome is final, as the public sees it (the short list and the outcome;
/// never the saved searches or downloads). Not found until the outcome is published.
pub async fn public_view<C: ConnectionTrait>(db: &C, id: i64) -> Result<ProjectView, FlowError> {
    let project = da_project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)?;
    let published = status(&project)?.is_final() && project.search_ended_at.is_some();
    if !published {
        return Err(FlowError::NotFound);
    }
    let mut view = read_view(db, project).await?;
    view.searches.clear();
    view.downloads.clear();
    Ok(view)
}
