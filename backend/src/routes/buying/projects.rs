//! Direct-award pages: the buyer's projects, one project with its searches, short list,
//! downloads and outcome form, the short list as CSV and XLSX (each download recorded), and
//! the public page of a decided project.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Tr;
use marco_frontend::buying::{
    DirectAwardPage, ProjectPage, ProjectRow, ProjectsPage, SearchRow, ShortlistView,
};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::Fact;
use serde::Deserialize;

use super::viewer;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::buying::money_text;
use crate::buying::projects::{self as flow, Outcome, ProjectView, ShortlistRow};
use crate::buying::store;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::frameworks::store as catalogue;
use crate::http::context::PageContext;
use crate::routes::catalogue::search::csv_safe;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{
    check_csrf, day, first, form_values, moment, problem_form, unprocessable,
};
use crate::state::AppState;

fn status_label(tr: &Tr, status: &str) -> String {
    tr.t(&format!("da-status-{status}"))
}

/// A saved query string in words: "backup · lot: cloud-hosting · price 1000–5000".
fn summary(query: &str, tr: &Tr) -> String {
    let mut parts = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "q" => parts.insert(0, format!("“{v}”")),
            "sort" => {}
            other => parts.push(format!("{other}: {v}")),
        }
    }
    if parts.is_empty() {
        tr.t("da-search-everything")
    } else {
        parts.join(" · ")
    }
}

fn price_of(row: &ShortlistRow, tr: &Tr) -> String {
    crate::routes::catalogue::format_price(
        row.version.price,
        row.version.pricing_unit.as_deref(),
        &row.version.currency,
        tr,
    )
}

fn shortlist_views(view: &ProjectView, tr: &Tr) -> Vec<ShortlistView> {
    view.shortlist
        .iter()
        .map(|row| ShortlistView {
            position: row.entry.position,
            service_id: row.service.public_id.clone(),
            name: row.name.clone(),
            version: row.version.version,
            changed_since: row.service.current_version != row.version.version,
            supplier: row.supplier.name.clone(),
            price: price_of(row, tr),
            framework: row.framework.name.clone(),
            awarded: view.project.awarded_entry_id == Some(row.entry.id),
        })
        .collect()
}

fn outcome_facts(view: &ProjectView, tr: &Tr) -> Vec<Fact> {
    let p = &view.project;
    let mut facts = Vec::new();
    let fact = |label: &str, value: String| Fact {
        label: tr.t(label),
        value,
    };
    if let Some(at) = p.search_ended_at {
        facts.push(fact("da-search-ended", moment(at)));
    }
    if let Some(count) = p.shortlist_count {
        facts.push(fact("da-shortlist-count", count.to_string()));
    }
    if let Some(at) = p.decided_at {
        facts.push(fact("da-decided", moment(at)));
        facts.push(fact("order-status", status_label(tr, &p.status)));
    }
    if let Some(entry) = p.awarded_entry_id
        && let Some(row) = view.shortlist.iter().find(|r| r.entry.id == entry)
    {
        facts.push(fact(
            "da-awarded-service",
            format!("{} ({})", row.name, row.supplier.name),
        ));
    }
    if let (Some(value), Some(currency)) = (p.award_value, p.award_currency.as_deref()) {
        facts.push(fact(
            "contracts-value",
            money_text(value, currency, tr.lang.code()),
        ));
    }
    if let (Some(start), Some(end)) = (p.award_start, p.award_end) {
        facts.push(fact(
            "contracts-period",
            format!("{} – {}", day(start), day(end)),
        ));
    }
    if let Some(reason) = &p.outcome_reason {
        facts.push(fact("da-reason", reason.clone()));
    }
    facts
}

pub(super) async fn list(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    user: CurrentUser,
) -> Result<ProjectsPage, AppError> {
    let projects = flow::projects_of(&state.db, viewer(&user)).await?;
    let counts = flow::search_counts(&state.db, projects.iter().map(|p| p.id)).await?;
    let rows = projects
        .iter()
        .map(|p| ProjectRow {
            id: p.id,
            name: p.name.clone(),
            status: status_label(&shell.tr, &p.status),
            started: day(p.created_at),
            searches: counts.get(&p.id).copied().unwrap_or_default(),
        })
        .collect();
    Ok(ProjectsPage { rows, shell })
}

async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    form: Form,
    notice: Option<String>,
) -> Result<ProjectPage, AppError> {
    let view = flow::view(&state.db, id, viewer(user)).await?;
    let tr = &shell.tr;
    let mut searches = Vec::new();
    for s in view.searches.iter().rev() {
        let by = store::user(&state.db, s.saved_by)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        searches.push(SearchRow {
            summary: summary(&s.query, tr),
            link: format!("/catalogue?{}", s.query),
            results: s.result_count,
            by,
            at: moment(s.saved_at),
        });
    }
    let mut downloads = Vec::new();
    for d in &view.downloads {
        let by = store::user(&state.db, d.downloaded_by)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        downloads.push((by, d.format.to_uppercase(), moment(d.downloaded_at)));
    }
    let mut codes: Vec<String> = view
        .shortlist
        .iter()
        .map(|r| r.version.currency.clone())
        .collect();
    let buyer = catalogue::organisation(&state.db, user.organisation_id).await?;
    if let Some(own) = crate::domain::money::currency_of_country(&buyer.country_code) {
        codes.insert(0, own.code().to_owned());
    }
    codes.dedup();
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| seen.insert(c.clone()));
    let chosen = form.value("currency").to_owned();
    let currencies = codes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c.clone(),
                if chosen.is_empty() {
                    i == 0
                } else {
                    *c == chosen
                },
            )
        })
        .collect();
    Ok(ProjectPage {
        id: view.project.id,
        name: view.project.name.clone(),
        status: view.project.status.clone(),
        status_label: status_label(tr, &view.project.status),
        searches,
        shortlist: shortlist_views(&view, tr),
        outcome: outcome_facts(&view, tr),
        downloads,
        can_act: user.has(Role::CanAward),
        currencies,
        form,
        notice,
        shell,
    })
}

/// Query of the project page.
#[derive(Debug, Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<ProjectPage, AppError> {
    let notice = query
        .notice
        .filter(|n| ["started", "saved", "ended", "decided"].contains(&n.as_str()))
        .map(|n| shell.tr.t(&format!("da-notice-{n}")));
    page(&state, shell, &user, id, Form::new(csrf.0), notice).await
}

/// A form posted from the catalogue with a query that cannot be saved: shown as an error page
/// naming the field, since the catalogue page has no place for it.
pub(super) async fn start(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let id = flow::start(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        first(&values, "name"),
        first(&values, "query"),
    )
    .await?;
    Ok(Redirect::to(&format!("/direct-awards/projects/{id}?notice=started")).into_response())
}

pub(super) async fn save_search(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let id: i64 = first(&values, "project")
        .parse()
        .map_err(|_| AppError::NotFound)?;
    flow::save_search(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        first(&values, "query"),
    )
    .await?;
    Ok(Redirect::to(&format!("/direct-awards/projects/{id}?notice=saved")).into_response())
}

pub(super) async fn end_search(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    match flow::end_search(&state, &actor(&user, &ip), viewer(&user), id).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/direct-awards/projects/{id}?notice=ended")).into_response())
        }
        Err(crate::frameworks::FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "end_search")?;
            Ok(unprocessable(
                page(&state, shell, &user, id, form, None).await?,
            ))
        }
    }
}

pub(super) async fn decide(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let reason = first(&values, "reason").to_owned();
    let outcome = match first(&values, "outcome") {
        "cancelled" => Outcome::Cancelled { reason },
        "none_suitable" => Outcome::NoneSuitable { reason },
        _ => Outcome::Awarded {
            service: first(&values, "service").to_owned(),
            value: first(&values, "value").to_owned(),
            currency: first(&values, "currency").to_owned(),
            start: first(&values, "start").to_owned(),
            end: first(&values, "end").to_owned(),
            reason,
        },
    };
    match flow::decide(&state, &actor(&user, &ip), viewer(&user), id, outcome).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/direct-awards/projects/{id}?notice=decided")).into_response(),
        ),
        Err(crate::frameworks::FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "reason")?;
            for name in [
                "outcome", "service", "value", "currency", "start", "end", "reason",
            ] {
                form.keep(name, first(&values, name));
            }
            Ok(unprocessable(
                page(&state, shell, &user, id, form, None).await?,
            ))
        }
    }
}

const COLUMNS: [&str; 11] = [
    "position",
    "service_id",
    "version",
    "name",
    "supplier",
    "supplier_id",
    "framework",
    "lot",
    "price",
    "currency",
    "pricing_unit",
];

fn cells(row: &ShortlistRow) -> [String; 11] {
    [
        row.entry.position.to_string(),
        row.service.public_id.clone(),
        row.version.version.to_string(),
        csv_safe(&row.name),
        csv_safe(&row.supplier.name),
        format!(
            "{}-{}",
            row.supplier.identifier_scheme, row.supplier.identifier_id
        ),
        csv_safe(&row.framework.name),
        row.service.lot.clone(),
        row.version
            .price
            .map(|p| p.normalize().to_string())
            .unwrap_or_default(),
        row.version.currency.clone(),
        row.version.pricing_unit.clone().unwrap_or_default(),
    ]
}

pub(super) async fn download_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = flow::record_download(&state, &actor(&user, &ip), viewer(&user), id, "csv").await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(anyhow::Error::new(e));
    writer.write_record(COLUMNS).map_err(csv_err)?;
    for row in &view.shortlist {
        writer.write_record(cells(row)).map_err(csv_err)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"shortlist-{id}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(super) async fn download_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let view = flow::record_download(&state, &actor(&user, &ip), viewer(&user), id, "xlsx").await?;
    let bytes = xlsx(&view).map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"shortlist-{id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The short list as a spreadsheet: a header row, then one row per service; prices as numbers.
fn xlsx(view: &ProjectView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Shortlist")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    for (i, row) in view.shortlist.iter().enumerate() {
        let r = (i + 1) as u32;
        for (col, value) in cells(row).iter().enumerate() {
            let col = col as u16;
            match COLUMNS[col as usize] {
                "position" | "version" | "price" if !value.is_empty() => {
                    sheet.write_number(r, col, value.parse::<f64>().unwrap_or_default())?;
                }
                _ => {
                    sheet.write_string(r, col, value)?;
                }
            }
        }
    }
    sheet.autofit();
    book.save_to_buffer()
}

pub(super) async fn public_page(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Path(id): Path<i64>,
) -> Result<DirectAwardPage, AppError> {
    let view = flow::public_view(&state.db, id).await?;
    let buyer = catalogue::organisation(&state.db, view.project.buyer_org_id).await?;
    let tr = &shell.tr;
    Ok(DirectAwardPage {
        name: view.project.name.clone(),
        buyer: buyer.name,
        status_label: status_label(tr, &view.project.status),
        facts: outcome_facts(&view, tr),
        shortlist: shortlist_views(&view, tr),
        ocid: view.project.ocid.clone(),
        shell,
    })
}
