//! The public contracts register: every call-off contract, filtered and paged, as a page and
//! as CSV, and one contract with its items and delivery milestones. No sign-in needed.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use marco_frontend::Tr;
use marco_frontend::buying::{Choice, ContractRow, ContractsPage};
use marco_frontend::delivery::ContractPage;
use serde::Deserialize;

use super::item_views;
use crate::auth::MaybeUser;
use crate::buying::store::{self, RegisterQuery};
use crate::buying::{Contract, money_text, ocds};
use crate::contracts as delivery_flows;
use crate::domain::errors::{FieldError, FieldErrors};
use crate::error::AppError;
use crate::frameworks::{Framework, Organisation, store as catalogue};
use crate::http::context::PageContext;
use crate::routes::catalogue::search::csv_safe;
use crate::routes::frameworks::day;
use crate::state::AppState;

const PER_PAGE: u64 = 25;
const ROUTES: [&str; 4] = ["order", "award", "brief", "challenge"];
const STATUSES: [&str; 2] = ["active", "terminated"];

/// The register's filters, as typed in the address.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Filters {
    supplier: Option<String>,
    buyer: Option<String>,
    framework: Option<String>,
    route: Option<String>,
    status: Option<String>,
    page: Option<String>,
}

impl Filters {
    /// The query, or a field error for each filter that makes no sense.
    fn parse(&self) -> Result<RegisterQuery, AppError> {
        let mut errors = FieldErrors::new();
        let mut id = |name: &str, raw: &Option<String>| -> Option<i64> {
            let raw = raw.as_deref().map(str::trim).filter(|r| !r.is_empty())?;
            match raw.parse::<i64>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    errors.insert(
                        name.into(),
                        FieldError {
                            code: "filter".into(),
                            message: format!("{name} must be a whole number from 1"),
                        },
                    );
                    None
                }
            }
        };
        let supplier = id("supplier", &self.supplier);
        let buyer = id("buyer", &self.buyer);
        let framework = id("framework", &self.framework);
        let page = id("page", &self.page).unwrap_or(1);
        let mut choice = |name: &str, raw: &Option<String>, allowed: &[&str]| {
            let raw = raw.as_deref().map(str::trim).filter(|r| !r.is_empty())?;
            if allowed.contains(&raw) {
                Some(raw.to_owned())
            } else {
                errors.insert(
                    name.into(),
                    FieldError {
                        code: "filter".into(),
                        message: format!("{name} must be one of {}", allowed.join(", ")),
                    },
                );
                None
            }
        };
        let route = choice("route", &self.route, &ROUTES);
        let status = choice("status", &self.status, &STATUSES);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(RegisterQuery {
            supplier,
            buyer,
            framework,
            route,
            status,
            page: page.min(1_000_000) as u64,
            per_page: PER_PAGE,
        })
    }

    /// The filters as a query string, without the page.
    fn query_string(&self, query: &RegisterQuery) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if let Some(v) = query.supplier {
            out.append_pair("supplier", &v.to_string());
        }
        if let Some(v) = query.buyer {
            out.append_pair("buyer", &v.to_string());
        }
        if let Some(v) = query.framework {
            out.append_pair("framework", &v.to_string());
        }
        if let Some(v) = &query.route {
            out.append_pair("route", v);
        }
        if let Some(v) = &query.status {
            out.append_pair("status", v);
        }
        out.finish()
    }
}

/// The contracts of an organisation, display-ready, for its dashboard.
pub(super) async fn rows_of(
    state: &AppState,
    organisation_id: i64,
    tr: &Tr,
) -> Result<Vec<ContractRow>, AppError> {
    let contracts = store::contracts_of(&state.db, organisation_id).await?;
    let names = Names::load(state, &contracts, &[]).await?;
    Ok(contracts.iter().map(|c| names.row(c, tr)).collect())
}

/// One contract's register row, display-ready.
pub(crate) async fn row_of(
    state: &AppState,
    c: &Contract,
    tr: &Tr,
) -> Result<ContractRow, AppError> {
    let names = Names::load(state, std::slice::from_ref(c), &[]).await?;
    Ok(names.row(c, tr))
}

/// Names the register needs: organisations and frameworks by id.
struct Names {
    orgs: HashMap<i64, Organisation>,
    frameworks: HashMap<i64, Framework>,
}

impl Names {
    async fn load(
        state: &AppState,
        contracts: &[Contract],
        extra_orgs: &[i64],
    ) -> Result<Names, AppError> {
        let orgs = catalogue::organisations_by_id(
            &state.db,
            contracts
                .iter()
                .flat_map(|c| [c.buyer_org_id, c.supplier_org_id])
                .chain(extra_orgs.iter().copied()),
        )
        .await?;
        let frameworks = catalogue::frameworks(&state.db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        Ok(Names { orgs, frameworks })
    }

    fn org(&self, id: i64) -> String {
        self.orgs
            .get(&id)
            .map(|o| o.name.clone())
            .unwrap_or_default()
    }

    fn lots(&self, c: &Contract, lang: &str) -> String {
        let Some(fw) = self.frameworks.get(&c.framework_id) else {
            return c.lots.clone();
        };
        let content = crate::frameworks::lifecycle::content_of(fw).ok();
        c.lots
            .split_whitespace()
            .map(|slug| {
                content
                    .as_ref()
                    .and_then(|content| content.lot(slug))
                    .map(|lot| lot.name.get(lang).to_owned())
                    .unwrap_or_else(|| slug.to_owned())
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn row(&self, c: &Contract, tr: &Tr) -> ContractRow {
        let lang = tr.lang.code();
        ContractRow {
            id: c.id,
            title: c.title.clone(),
            buyer: self.org(c.buyer_org_id),
            supplier: self.org(c.supplier_org_id),
            supplier_id: c.supplier_org_id,
            framework: self
                .frameworks
                .get(&c.framework_id)
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            lots: self.lots(c, lang),
            route: tr.t(&format!("contract-route-{}", c.route)),
            value: money_text(c.value, &c.currency, lang),
            start: day(c.start_at),
            end: day(c.end_at),
            status: tr.t(&format!("contract-status-{}", c.status)),
            ocid: c.ocid.clone(),
        }
    }
}

fn choices(
    options: impl IntoIterator<Item = (String, String)>,
    selected: Option<&str>,
) -> Vec<Choice> {
    let mut found: Vec<Choice> = options
        .into_iter()
        .map(|(value, label)| {
            let on = selected == Some(value.as_str());
            (value, label, on)
        })
        .collect();
    found.sort_by_key(|c| c.1.to_lowercase());
    found
}

pub(super) async fn register(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Query(filters): Query<Filters>,
) -> Result<ContractsPage, AppError> {
    let query = filters.parse()?;
    let (rows, total) = store::contracts(&state.db, &query).await?;
    let (buyers, suppliers) = store::register_parties(&state.db).await?;
    let all: Vec<i64> = buyers.iter().chain(suppliers.iter()).copied().collect();
    let names = Names::load(&state, &rows, &all).await?;
    let tr = &shell.tr;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let base = filters.query_string(&query);
    let link = |page: u64| {
        if base.is_empty() {
            format!("/contracts?page={page}")
        } else {
            format!("/contracts?{base}&page={page}")
        }
    };
    let supplier_choices = choices(
        suppliers.iter().map(|id| (id.to_string(), names.org(*id))),
        query.supplier.map(|v| v.to_string()).as_deref(),
    );
    let buyer_choices = choices(
        buyers.iter().map(|id| (id.to_string(), names.org(*id))),
        query.buyer.map(|v| v.to_string()).as_deref(),
    );
    let framework_choices = choices(
        names
            .frameworks
            .values()
            .map(|f| (f.id.to_string(), f.name.clone())),
        query.framework.map(|v| v.to_string()).as_deref(),
    );
    let route_choices = ROUTES
        .iter()
        .map(|r| {
            (
                (*r).to_owned(),
                tr.t(&format!("contract-route-{r}")),
                query.route.as_deref() == Some(r),
            )
        })
        .collect();
    let status_choices = STATUSES
        .iter()
        .map(|s| {
            (
                (*s).to_owned(),
                tr.t(&format!("contract-status-{s}")),
                query.status.as_deref() == Some(s),
            )
        })
        .collect();
    Ok(ContractsPage {
        rows: rows.iter().map(|c| names.row(c, tr)).collect(),
        suppliers: supplier_choices,
        buyers: buyer_choices,
        frameworks: framework_choices,
        routes: route_choices,
        statuses: status_choices,
        summary: tr.t1("contracts-count", "count", total),
        prev: (query.page > 1).then(|| link(query.page - 1)),
        next: (query.page < pages).then(|| link(query.page + 1)),
        page_label: tr.ta(
            "contracts-page",
            &[
                ("page", query.page.to_string()),
                ("pages", pages.to_string()),
            ],
        ),
        csv: if base.is_empty() {
            "/contracts.csv".into()
        } else {
            format!("/contracts.csv?{base}")
        },
        shell,
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Query(filters): Query<Filters>,
) -> Result<Response, AppError> {
    let mut query = filters.parse()?;
    query.per_page = 500;
    query.page = 1;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(anyhow::Error::new(e));
    writer
        .write_record([
            "contract_id",
            "ocid",
            "title",
            "buyer",
            "supplier",
            "framework",
            "lots",
            "route",
            "value",
            "currency",
            "start_date",
            "end_date",
            "status",
            "record_url",
        ])
        .map_err(csv_err)?;
    let base = state.config.public_url.trim_end_matches('/').to_owned();
    loop {
        let (rows, total) = store::contracts(&state.db, &query).await?;
        let names = Names::load(&state, &rows, &[]).await?;
        for c in &rows {
            let row = names.row(c, &shell.tr);
            writer
                .write_record([
                    c.id.to_string().as_str(),
                    &c.ocid,
                    &csv_safe(&c.title),
                    &csv_safe(&row.buyer),
                    &csv_safe(&row.supplier),
                    &csv_safe(&row.framework),
                    &csv_safe(&c.lots),
                    &c.route,
                    &c.value.normalize().to_string(),
                    &c.currency,
                    &row.start,
                    &row.end,
                    &c.status,
                    &format!("{base}/ocds/records/{}", c.ocid),
                ])
                .map_err(csv_err)?;
        }
        if query.page * query.per_page >= total {
            break;
        }
        query.page += 1;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"marco-contracts.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

pub(super) async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Result<ContractPage, AppError> {
    let c = store::contract(&state.db, id).await?;
    let names = Names::load(&state, std::slice::from_ref(&c), &[]).await?;
    let tr = &shell.tr;
    let (items, order_milestones) = match c.order_id {
        Some(order_id) => {
            let o = store::order_by_id(&state.db, order_id).await?;
            let lines = store::items(&state.db, order_id).await?;
            let milestones = ocds::milestones(&o)
                .into_iter()
                .map(|m| {
                    let id = m.id.get().map(|i| i.to_string()).unwrap_or_default();
                    (
                        tr.t(&format!("milestone-{id}")),
                        m.due_date
                            .get()
                            .map(|d| d[..10.min(d.len())].to_owned())
                            .unwrap_or_default(),
                        m.date_met
                            .get()
                            .map(|d| d[..10.min(d.len())].to_owned())
                            .unwrap_or_default(),
                    )
                })
                .collect();
            (
                item_views(&state, &lines, &c.currency, tr).await?,
                milestones,
            )
        }
        None => (Vec::new(), Vec::new()),
    };
    let indicators = delivery_flows::benefits::indicators_of(&state.db, &c)
        .await?
        .is_some();
    let manage_link = crate::routes::delivery::side_of(&state, c.id, user.as_ref())
        .await
        .map(|_| format!("/contracts/{}/manage", c.id));
    let contract = names.row(&c, tr);
    let t = delivery_flows::store::timeline(&state.db, c).await?;
    let timeline = crate::routes::delivery::views::timeline_view(
        &t,
        indicators,
        tr,
        false,
        chrono::Utc::now(),
    );
    Ok(ContractPage {
        contract,
        items,
        order_milestones,
        timeline,
        manage_link,
        shell,
    })
}
