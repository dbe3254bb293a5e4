//! Direct-award projects: a buyer with `can_award` saves a catalogue search into a named
//! project, refines it, ends it with 1 to 30 results (freezing the short list at the versions
//! found), downloads the list (each download recorded), and records one final outcome:
//! awarded, cancelled or none suitable. A reminder goes out when a short list has waited two
//! weeks for its outcome.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::award_ocds::{self, Listed};
use super::{Actor, FlowError, Viewer, money_text, version_name};
use crate::domain::errors::{FieldError, FieldErrors};
use crate::domain::money::Money;
use crate::domain::project::{ProjectError, ProjectStatus};
use crate::entities::{
    contract, da_download, da_project, da_search, da_shortlist_entry, framework, organisation,
    service, service_version,
};
use crate::frameworks::store as catalogue;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::publish::{self, ocids};
use crate::search::SearchQuery;
use crate::state::AppState;

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

/// The final outcome a buyer records.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// A service on the short list, with the value, the contract dates and why it was chosen.
    Awarded {
        /// The service's public id.
        service: String,
        /// The value as typed.
        value: String,
        /// Its ISO 4217 currency.
        currency: String,
        /// Contract start, `YYYY-MM-DD`.
        start: String,
        /// Contract end, `YYYY-MM-DD`.
        end: String,
        /// Why this service over the others.
        reason: String,
    },
    /// Stopped, with a reason.
    Cancelled {
        /// Why.
        reason: String,
    },
    /// None of the short list met the need, with a reason.
    NoneSuitable {
        /// Why.
        reason: String,
    },
}

fn problem(errors: &mut FieldErrors, name: &str, code: &str, message: &str) {
    errors.insert(
        name.into(),
        FieldError {
            code: code.into(),
            message: message.into(),
        },
    );
}

fn day(raw: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|d| d.and_utc())
}

/// Records the outcome. It is final: a second outcome is refused.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    outcome: Outcome,
) -> Result<da_project::Model, FlowError> {
    let reason = match &outcome {
        Outcome::Awarded { reason, .. }
        | Outcome::Cancelled { reason }
        | Outcome::NoneSuitable { reason } => reason.trim().to_owned(),
    };
    let mut errors = FieldErrors::new();
    if reason.is_empty() {
        problem(
            &mut errors,
            "reason",
            "outcome_reason",
            "Give the reason for this outcome",
        );
    } else if reason.chars().count() > marco_frontend::forms::max_chars("reason") {
        problem(
            &mut errors,
            "reason",
            "too_long",
            "Write at most 5000 characters",
        );
    }
    let to = match outcome {
        Outcome::Awarded { .. } => ProjectStatus::Awarded,
        Outcome::Cancelled { .. } => ProjectStatus::Cancelled,
        Outcome::NoneSuitable { .. } => ProjectStatus::NoneSuitable,
    };
    let mut award = None;
    if let Outcome::Awarded {
        service,
        value,
        currency,
        start,
        end,
        ..
    } = &outcome
    {
        let money = Money::parse(value, currency);
        if money.as_ref().map_or(true, |m| m.amount().is_zero()) {
            problem(
                &mut errors,
                "value",
                "award_value",
                "Enter the contract value as an amount above 0, such as 250000",
            );
        }
        let (start, end) = (day(start), day(end));
        if start.is_none() {
            problem(
                &mut errors,
                "start",
                "date",
                "Enter the start date as YYYY-MM-DD",
            );
        }
        if end.is_none() {
            problem(
                &mut errors,
                "end",
                "date",
                "Enter the end date as YYYY-MM-DD",
            );
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            problem(
                &mut errors,
                "end",
                "award_date_order",
                "The end date must be on or after the start date",
            );
        }
        award = Some((service.trim().to_owned(), money.ok(), start, end));
    }
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let txn = state.begin_write().await?;
    let p = project(&txn, id, who).await?;
    let from = status(&p)?;
    from.check_transition(to).map_err(refused)?;
    let shortlist = shortlist_rows(&txn, p.id).await?;
    let chosen = match &award {
        Some((service, ..)) => Some(
            shortlist
                .iter()
                .find(|row| row.service.public_id == *service)
                .ok_or_else(|| {
                    FlowError::field(
                        "service",
                        "not_on_shortlist",
                        "Choose a service from the frozen short list",
                    )
                })?,
        ),
        None => None,
    };
    let now = Utc::now();
    let claimed = da_project::Entity::update_many()
        .col_expr(da_project::Column::Status, Expr::value(to.as_str()))
        .col_expr(da_project::Column::UpdatedAt, Expr::value(now))
        .filter(da_project::Column::Id.eq(p.id))
        .filter(da_project::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let mut active = p.clone().into_active_model();
    active.status = Set(to.as_str().into());
    active.outcome_reason = Set(Some(reason.clone()));
    active.decided_by = Set(Some(who.user_id));
    active.decided_at = Set(Some(now));
    active.updated_at = Set(now);
    if let (Some(row), Some((_, Some(money), Some(start), Some(end)))) = (chosen, &award) {
        active.awarded_entry_id = Set(Some(row.entry.id));
        active.award_value = Set(Some(money.amount()));
        active.award_currency = Set(Some(money.code().to_owned()));
        active.award_start = Set(Some(*start));
        active.award_end = Set(Some(*end));
    }
    let p = active.update(&txn).await?;
    actor
        .audit(
            &txn,
            &format!("project_{}", to.as_str()),
            format!("direct-award project {}", p.id),
        )
        .await?;
    let buyer = catalogue::organisation(&txn, p.buyer_org_id).await?;
    let listed: Vec<Listed<'_>> = shortlist
        .iter()
        .map(|row| Listed {
            id: &row.service.public_id,
            version: row.version.version,
            name: &row.name,
            supplier: &row.supplier,
        })
        .collect();
    let public_url = state.config.public_url.clone();
    match chosen {
        Some(row) => {
            contract::ActiveModel {
                ocid: Set(p.ocid.clone()),
                route: Set("award".into()),
                project_id: Set(Some(p.id)),
                buyer_org_id: Set(p.buyer_org_id),
                supplier_org_id: Set(row.supplier.id),
                framework_id: Set(row.framework.id),
                lots: Set(row.service.lot.clone()),
                title: Set(format!("{} ({})", p.name, row.name)
                    .chars()
                    .take(300)
                    .collect()),
                value: Set(p.award_value.unwrap_or_default()),
                currency: Set(p.award_currency.clone().unwrap_or_default()),
                start_at: Set(p.award_start.unwrap_or(now)),
                end_at: Set(p.award_end.unwrap_or(now)),
                status: Set("active".into()),
                signed_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let chosen_listed = Listed {
                id: &row.service.public_id,
                version: row.version.version,
                name: &row.name,
                supplier: &row.supplier,
            };
            let body = award_ocds::awarded(
                &p,
                &buyer,
                &chosen_listed,
                &listed,
                &award_ocds::FrameworkRef {
                    ocid: &row.framework.ocid,
                    name: &row.framework.name,
                },
                &public_url,
            );
            publish::publish(
                &txn,
                &state.publisher,
                &p.ocid,
                &["award", "contract"],
                body,
            )
            .await?;
            let people = catalogue::recipients(&txn, row.supplier.id).await?;
            for person in people {
                let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
                mail::enqueue(
                    &txn,
                    OutgoingMail {
                        to: person.email.clone(),
                        lang,
                        kind: MailKind::DirectAward {
                            buyer: buyer.name.clone(),
                            service: row.name.clone(),
                            value: money_text(
                                p.award_value.unwrap_or_default(),
                                p.award_currency.as_deref().unwrap_or_default(),
                                lang.code(),
                            ),
                            link: format!(
                                "{}/direct-awards/{}",
                                public_url.trim_end_matches('/'),
                                p.id
                            ),
                        },
                    },
                )
                .await?;
            }
        }
        None if p.search_ended_at.is_some() => {
            let mut frameworks: Vec<&framework::Model> = Vec::new();
            for row in &shortlist {
                if !frameworks.iter().any(|f| f.id == row.framework.id) {
                    frameworks.push(&row.framework);
                }
            }
            let refs: Vec<award_ocds::FrameworkRef<'_>> = frameworks
                .iter()
                .map(|f| award_ocds::FrameworkRef {
                    ocid: &f.ocid,
                    name: &f.name,
                })
                .collect();
            let body = award_ocds::closed(
                &p,
                &buyer,
                to == ProjectStatus::NoneSuitable,
                &refs,
                &public_url,
            );
            publish::publish(&txn, &state.publisher, &p.ocid, &["tender"], body).await?;
        }
        None => {}
    }
    txn.commit().await?;
    Ok(p)
}

/// Reminds the buyers whose short lists have waited two weeks for an outcome; each project
/// once. Returns how many were reminded.
pub async fn remind_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let due = da_project::Entity::find()
        .filter(da_project::Column::Status.eq(ProjectStatus::SearchEnded.as_str()))
        .filter(da_project::Column::SearchEndedAt.lt(now - Duration::days(REMIND_AFTER_DAYS)))
        .filter(da_project::Column::RemindedAt.is_null())
        .order_by_asc(da_project::Column::Id)
        .all(&state.db)
        .await?;
    let mut reminded = 0;
    for p in due {
        let txn = state.begin_write().await?;
        let claimed = da_project::Entity::update_many()
            .col_expr(da_project::Column::RemindedAt, Expr::value(now))
            .filter(da_project::Column::Id.eq(p.id))
            .filter(da_project::Column::RemindedAt.is_null())
            .filter(da_project::Column::Status.eq(ProjectStatus::SearchEnded.as_str()))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        if let Some(person) = super::store::user(&txn, p.created_by)
            .await?
            .filter(|u| u.active)
        {
            let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
            let days = p
                .search_ended_at
                .map(|at| (now - at).num_days())
                .unwrap_or(REMIND_AFTER_DAYS);
            mail::enqueue(
                &txn,
                OutgoingMail {
                    to: person.email.clone(),
                    lang,
                    kind: MailKind::ProjectReminder {
                        project: p.name.clone(),
                        days,
                        link: format!(
                            "{}/direct-awards/projects/{}",
                            state.config.public_url.trim_end_matches('/'),
                            p.id
                        ),
                    },
                },
            )
            .await?;
        }
        Actor::clock()
            .audit(
                &txn,
                "project_reminded",
                format!("direct-award project {}", p.id),
            )
            .await?;
        txn.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// The scheduled job that sends the reminders, hourly.
pub struct ReminderJob {
    state: AppState,
}

impl ReminderJob {
    /// The job over `state`'s projects.
    pub fn new(state: AppState) -> ReminderJob {
        ReminderJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for ReminderJob {
    fn name(&self) -> &'static str {
        "direct_award_reminders"
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(3600)
    }

    fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs(300)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let sent = remind_due(&self.state, Utc::now()).await?;
        Ok(match sent {
            0 => crate::jobs::Pass::Idle,
            n => crate::jobs::Pass::Done(n as u64),
        })
    }
}
