//! Saving, refining and ending a project's searches, and downloading the short list.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::super::{Actor, FlowError, Viewer};
use super::*;
use crate::domain::project::ProjectStatus;
use crate::entities::{da_download, da_project, da_search, da_shortlist_entry};
use crate::frameworks::store as catalogue;
use crate::publish::ocids;
use crate::search::SearchQuery;
use crate::state::AppState;

/// The search a query string describes, with every result on one page (up to 100).
fn search_of(raw: &str) -> Result<SearchQuery, FlowError> {
    if raw.len() > MAX_QUERY {
        return Err(FlowError::field(
            "query",
            "too_long",
            format!("A saved search is at most {MAX_QUERY} characters"),
        ));
    }
    let (mut query, _, bad_price) = crate::search::from_query_string(raw);
    if bad_price {
        return Err(FlowError::field(
            "query",
            "price",
            "Enter prices with digits only, like 1500 or 1500.50",
        ));
    }
    query.page = 1;
    query.per_page = crate::search::MAX_PER_PAGE;
    Ok(query)
}

/// The query string as saved: without paging.
fn saved_query(raw: &str) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(raw.trim_start_matches('?').as_bytes()) {
        if k != "page" && !v.trim().is_empty() {
            out.append_pair(&k, v.trim());
        }
    }
    out.finish()
}

async fn count(state: &AppState, raw: &str) -> Result<u64, FlowError> {
    let query = search_of(raw)?;
    let results = state
        .search
        .search(&query)
        .await
        .map_err(|e| FlowError::Other(anyhow::Error::new(e)))?;
    Ok(results.total)
}

fn check_name(name: &str) -> Result<String, FlowError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(FlowError::field(
            "name",
            "project_name",
            "Name the project in up to 200 characters, e.g. \"Backup for the regional offices\"",
        ));
    }
    Ok(name.to_owned())
}

/// Starts a project named `name` with its first saved search. Returns its id.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    name: &str,
    raw_query: &str,
) -> Result<i64, FlowError> {
    let name = check_name(name)?;
    let query = saved_query(raw_query);
    let results = count(state, &query).await?;
    let now = Utc::now();
    let txn = state.begin_write().await?;
    let created = da_project::ActiveModel {
        ocid: Set(format!("pending-{}", uuid::Uuid::new_v4())),
        buyer_org_id: Set(who.organisation_id),
        created_by: Set(who.user_id),
        name: Set(name),
        status: Set(ProjectStatus::Searching.as_str().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut active = created.into_active_model();
    active.ocid = Set(ocids::call_off_ocid(
        &state.config.ocid_prefix,
        ocids::CallOff::DirectAward,
        *active.id.as_ref(),
    ));
    let created = active.update(&txn).await?;
    insert_search(&txn, created.id, who, &query, results, now).await?;
    actor
        .audit(
            &txn,
            "project_started",
            format!(
                "direct-award project {} with a search of {results} results",
                created.id
            ),
        )
        .await?;
    txn.commit().await?;
    Ok(created.id)
}

async fn insert_search<C: ConnectionTrait>(
    txn: &C,
    project_id: i64,
    who: Viewer,
    query: &str,
    results: u64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    da_search::ActiveModel {
        project_id: Set(project_id),
        query: Set(query.to_owned()),
        result_count: Set(i64::try_from(results).unwrap_or(i64::MAX)),
        saved_by: Set(who.user_id),
        saved_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Saves a refined search into a project that is still searching.
pub async fn save_search(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    raw_query: &str,
) -> Result<(), FlowError> {
    let query = saved_query(raw_query);
    let results = count(state, &query).await?;
    let txn = state.begin_write().await?;
    let p = project(&txn, id, who).await?;
    if status(&p)? != ProjectStatus::Searching {
        return Err(FlowError::Refused("project_search_ended"));
    }
    let now = Utc::now();
    insert_search(&txn, p.id, who, &query, results, now).await?;
    touch(&txn, p.id, now).await?;
    actor
        .audit(
            &txn,
            "project_search_saved",
            format!("direct-award project {} search of {results} results", p.id),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn touch<C: ConnectionTrait>(txn: &C, id: i64, now: DateTime<Utc>) -> Result<(), FlowError> {
    da_project::Entity::update_many()
        .col_expr(da_project::Column::UpdatedAt, Expr::value(now))
        .filter(da_project::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Ends the search: the latest saved search is run again, and with 1 to 30 results its
/// services are frozen into the short list at their current versions.
pub async fn end_search(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
) -> Result<u64, FlowError> {
    let p = project(&state.db, id, who).await?;
    status(&p)?.end_search(1).map_err(refused)?;
    let latest = da_search::Entity::find()
        .filter(da_search::Column::ProjectId.eq(p.id))
        .order_by_desc(da_search::Column::Id)
        .one(&state.db)
        .await?
        .ok_or(FlowError::Refused("project_no_search"))?;
    let query = search_of(&latest.query)?;
    let results = state
        .search
        .search(&query)
        .await
        .map_err(|e| FlowError::Other(anyhow::Error::new(e)))?;
    status(&p)?.end_search(results.total).map_err(refused)?;
    let txn = state.begin_write().await?;
    let now = Utc::now();
    // Claim the move: a second "end search" at the same moment finds nothing to claim.
    let claimed = da_project::Entity::update_many()
        .col_expr(
            da_project::Column::Status,
            Expr::value(ProjectStatus::SearchEnded.as_str()),
        )
        .col_expr(da_project::Column::SearchEndedAt, Expr::value(now))
        .col_expr(da_project::Column::SearchEndedBy, Expr::value(who.user_id))
        .col_expr(
            da_project::Column::ShortlistCount,
            Expr::value(i32::try_from(results.hits.len()).unwrap_or(i32::MAX)),
        )
        .col_expr(da_project::Column::UpdatedAt, Expr::value(now))
        .filter(da_project::Column::Id.eq(p.id))
        .filter(da_project::Column::Status.eq(ProjectStatus::Searching.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    for (position, hit) in results.hits.iter().enumerate() {
        let svc = catalogue::service_by_public_id(&txn, &hit.id).await?;
        let version = catalogue::versions(&txn, svc.id)
            .await?
            .pop()
            .ok_or(FlowError::NotFound)?;
        da_shortlist_entry::ActiveModel {
            project_id: Set(p.id),
            position: Set(i32::try_from(position + 1).unwrap_or(i32::MAX)),
            service_id: Set(svc.id),
            service_version_id: Set(version.id),
            supplier_org_id: Set(svc.organisation_id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    actor
        .audit(
            &txn,
            "project_search_ended",
            format!(
                "direct-award project {} short list of {}",
                p.id,
                results.hits.len()
            ),
        )
        .await?;
    txn.commit().await?;
    Ok(results.total)
}

/// Records a download of the short list and returns it for the export.
pub async fn record_download(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    format: &str,
) -> Result<ProjectView, FlowError> {
    let txn = state.begin_write().await?;
    let p = project(&txn, id, who).await?;
    if p.search_ended_at.is_none() {
        return Err(FlowError::Refused("project_no_shortlist"));
    }
    da_download::ActiveModel {
        project_id: Set(p.id),
        format: Set(format.to_owned()),
        downloaded_by: Set(who.user_id),
        downloaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "project_shortlist_downloaded",
            format!("direct-award project {} as {format}", p.id),
        )
        .await?;
    let view = read_view(&txn, p).await?;
    txn.commit().await?;
    Ok(view)
}
