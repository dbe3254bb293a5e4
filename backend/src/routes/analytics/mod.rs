//! Supplier-performance analytics and red flags: public pages, downloads and the JSON API,
//! all read from the latest snapshot of the `analytics` job.

pub(crate) mod buyers;
pub(crate) mod markets;
mod scope;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use marco_frontend::analytics::{
    AnalyticsPage, BuyerRow, Figure, FlagCount, FlagRow, FlagsPage, Freshness,
    SupplierPerformancePage, SupplierRow,
};
use marco_frontend::i18n::Tr;
use ocds_schema::analyse::Supplier;
use serde::{Deserialize, Serialize};

use crate::analytics::{Snapshot, rows};
use crate::error::AppError;
use crate::http::api_json::ApiJson;
use crate::http::context::PageContext;
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/analytics", get(show_overview))
        .route("/analytics/red-flags", get(show_flags))
        .route("/analytics/suppliers/{id}", get(show_supplier))
        .route("/analytics/buyers/{id}", get(buyers::show_buyer))
        .route("/analytics/markets", get(markets::show_markets))
        .route("/analytics/markets/{framework}", get(markets::show_market))
        .route("/analytics/markets.csv", get(markets::download_markets))
        .route("/analytics/report.json", get(download_report))
        .route("/analytics/flags.csv", get(download_flags))
        .route("/analytics/suppliers.csv", get(download_suppliers))
        .route("/analytics/buyers.csv", get(download_buyers))
        .route("/api/v1/analytics", get(api_report))
        .route("/api/v1/analytics/flags", get(api_flags))
        .route("/api/v1/analytics/suppliers/{id}", get(api_supplier))
        .route("/api/v1/analytics/buyers/{id}", get(buyers::api_buyer))
        .route("/api/v1/analytics/markets", get(markets::api_markets))
}

/// Filters of the red-flags list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub(crate) struct FlagFilter {
    /// Only this flag (R003…, M001…).
    code: Option<String>,
    /// Only flags whose process, organisation or processes contain this text.
    q: Option<String>,
    /// On or after this day (YYYY-MM-DD), by award date or else the tender's start.
    #[param(value_type = Option<chrono::NaiveDate>)]
    from: Option<String>,
    /// On or before this day (YYYY-MM-DD).
    #[param(value_type = Option<chrono::NaiveDate>)]
    to: Option<String>,
    /// Processes calling off from this framework (its ocid).
    framework: Option<String>,
    /// Processes with an award in this lot.
    lot: Option<String>,
    /// Processes of this buyer (party id), or flags on it.
    buyer: Option<String>,
    /// Processes awarded to this supplier (party id), or flags on it.
    supplier: Option<String>,
}

impl FlagFilter {
    fn scope(&self) -> scope::ScopeQuery {
        scope::ScopeQuery {
            from: self.from.clone(),
            to: self.to.clone(),
            framework: self.framework.clone(),
            lot: self.lot.clone(),
            buyer: self.buyer.clone(),
            supplier: self.supplier.clone(),
        }
    }

    /// The flags kept by every filter, and the messages of filters that could not be read.
    fn apply(
        &self,
        s: &Snapshot,
        tr: &Tr,
        strict: bool,
    ) -> (Vec<rows::Flag>, Vec<(String, String)>) {
        let (scope, errors) = self.scope().parse(tr, strict);
        let kept = rows::flags(&s.report)
            .into_iter()
            .filter(|f| self.keep(f) && scope.keeps(s, f))
            .collect();
        (kept, errors)
    }

    fn keep(&self, flag: &rows::Flag) -> bool {
        let code = self.code.as_deref().filter(|c| !c.is_empty());
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        code.is_none_or(|c| flag.code == c)
            && q.is_none_or(|q| {
                let q = q.to_lowercase();
                flag.id.to_lowercase().contains(&q)
                    || flag.ocids.iter().any(|o| o.to_lowercase().contains(&q))
            })
    }

    fn query_string(&self) -> String {
        self.scope()
            .query_string(&[("code", &self.code), ("q", &self.q)])
    }
}

pub(super) async fn freshness(state: &AppState, tr: &Tr) -> Result<Option<Freshness>, AppError> {
    let Some(s) = state.analytics.get() else {
        return Ok(None);
    };
    let head = crate::publish::store::latest(&state.db)
        .await?
        .map_or(0, |r| r.sequence);
    Ok(Some(Freshness {
        text: tr.ta(
            "an-freshness",
            &[
                ("at", s.computed_at.format("%Y-%m-%d %H:%M UTC").to_string()),
                ("processes", s.processes.to_string()),
                ("sequence", s.up_to_sequence.to_string()),
                ("behind", (head - s.up_to_sequence).max(0).to_string()),
            ],
        ),
    }))
}

fn flag_name(tr: &Tr, code: &str) -> String {
    tr.t(&format!("an-name-{code}"))
}

pub(super) fn flag_row(tr: &Tr, f: &rows::Flag) -> FlagRow {
    FlagRow {
        code: f.code.to_owned(),
        name: flag_name(tr, f.code),
        group: tr.t(&format!("an-group-{}", f.group)),
        id: f.id.clone(),
        link: match f.group {
            "ocid" => Some(format!("/ocds/records/{}", f.id)),
            "tenderer" => Some(format!("/analytics/suppliers/{}", f.id)),
            _ => None,
        },
        value: if f.value.fract() == 0.0 {
            format!("{}", f.value)
        } else {
            format!("{:.4}", f.value)
        },
        ocids: f.ocids.clone(),
    }
}

fn supplier_row(tr: &Tr, id: &str, s: &Supplier) -> SupplierRow {
    let lang = tr.lang.code();
    SupplierRow {
        id: id.to_owned(),
        awards: s.awards,
        value: rows::money(&s.award_value, lang),
        win_rate: rows::percent(s.win_rate),
        processes_bid: s.processes_bid,
        terminations: s.terminations,
        buyers_served: s.buyers_served,
        scale: s
            .scale
            .as_deref()
            .map(|sc| tr.t(&format!("an-scale-{sc}")))
            .filter(|t| !t.starts_with("an-scale-"))
            .unwrap_or_else(|| "—".into()),
    }
}

fn delivery_figures(tr: &Tr, s: &Supplier) -> Vec<Figure> {
    let lang = tr.lang.code();
    let fig = |id: &str, key: &str, value: String| Figure::new(tr, id, key, value);
    let of = |part: u64, whole: u64| {
        tr.ta(
            "an-of",
            &[("part", part.to_string()), ("whole", whole.to_string())],
        )
    };
    let judged = s.milestones_on_time + s.milestones_late;
    vec![
        fig(
            "supplier-admissions",
            "an-admissions",
            s.framework_admissions.to_string(),
        ),
        fig(
            "supplier-contracts",
            "an-contracts",
            s.contracts.to_string(),
        ),
        fig(
            "supplier-contract-value",
            "an-contract-value",
            rows::money(&s.contract_value, lang),
        ),
        fig(
            "supplier-amendment-share",
            "an-amendment-share",
            if s.amendment_share.is_empty() {
                "—".into()
            } else {
                s.amendment_share
                    .iter()
                    .map(|(c, v)| format!("{} ({c})", rows::percent(Some(*v))))
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        ),
        fig(
            "supplier-on-time",
            "an-on-time",
            of(s.milestones_on_time, judged),
        ),
        fig("supplier-late", "an-late", of(s.milestones_late, judged)),
        fig(
            "supplier-accepted",
            "an-accepted",
            s.deliveries_accepted.to_string(),
        ),
        fig(
            "supplier-rejected",
            "an-rejected",
            s.deliveries_rejected.to_string(),
        ),
        fig(
            "supplier-rating",
            "an-rating",
            s.rating_average.map_or_else(
                || "—".into(),
                |a| {
                    tr.ta(
                        "an-rating-count",
                        &[
                            ("average", format!("{a:.1}")),
                            ("count", s.ratings.to_string()),
                        ],
                    )
                },
            ),
        ),
        fig(
            "supplier-indicators",
            "an-indicators",
            of(s.indicators_met, s.indicators_reported),
        ),
    ]
}

async fn show_overview(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
) -> Result<AnalyticsPage, AppError> {
    let tr = shell.tr;
    let lang = tr.lang.code();
    let snapshot = state.analytics.get();
    let all = snapshot
        .as_ref()
        .map(|s| rows::flags(&s.report))
        .unwrap_or_default();
    let flags = rows::codes()
        .map(|code| FlagCount {
            code: code.to_owned(),
            name: flag_name(&tr, code),
            definition: tr.t(&format!("an-def-{code}")),
            count: all.iter().filter(|f| f.code == code).count(),
        })
        .collect();
    let (mut suppliers, mut buyers) = (Vec::new(), Vec::new());
    if let Some(s) = &snapshot {
        let mut list: Vec<_> = s
            .report
            .marco
            .suppliers
            .iter()
            .filter(|(_, x)| x.awards > 0)
            .collect();
        list.sort_by(|a, b| b.1.awards.cmp(&a.1.awards).then(a.0.cmp(b.0)));
        suppliers = list
            .iter()
            .map(|(id, x)| supplier_row(&tr, id, x))
            .collect();
        let mut list: Vec<_> = s.report.marco.buyers.iter().collect();
        list.sort_by(|a, b| b.1.processes.cmp(&a.1.processes).then(a.0.cmp(b.0)));
        buyers = list
            .iter()
            .map(|(id, b)| BuyerRow {
                id: (*id).clone(),
                processes: b.processes,
                awards: b.awards,
                value: rows::money(&b.award_value, lang),
                sme_share: rows::percent(
                    (b.awards > 0).then(|| b.sme_awards as f64 / b.awards as f64),
                ),
                average_bids: b
                    .average_bids
                    .map_or_else(|| "—".into(), |a| format!("{a:.1}")),
                single_bid_share: rows::percent(b.single_bid_share),
            })
            .collect();
    }
    Ok(AnalyticsPage {
        freshness: freshness(&state, &tr).await?,
        flags,
        suppliers,
        buyers,
        shell,
    })
}

async fn show_flags(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Query(filter): Query<FlagFilter>,
) -> Result<FlagsPage, AppError> {
    let tr = shell.tr;
    let (kept, errors) = match state.analytics.get() {
        Some(s) => filter.apply(&s, &tr, false),
        None => (Vec::new(), filter.scope().parse(&tr, false).1),
    };
    let rows: Vec<FlagRow> = kept.iter().map(|f| flag_row(&tr, f)).collect();
    let names = crate::frameworks::directory::names(&state.db, tr.lang.code()).await?;
    let chosen = filter.code.clone().unwrap_or_default();
    Ok(FlagsPage {
        freshness: freshness(&state, &tr).await?,
        codes: rows::codes()
            .map(|c| {
                (
                    c.to_owned(),
                    format!("{c} {}", flag_name(&tr, c)),
                    c == chosen,
                )
            })
            .collect(),
        q: filter.q.clone().unwrap_or_default(),
        form: filter
            .scope()
            .form("/analytics/red-flags", errors, &names, true, true),
        query: filter.query_string(),
        rows,
        shell,
    })
}

fn supplier_flags(snapshot: &Snapshot, id: &str) -> Vec<rows::Flag> {
    rows::flags(&snapshot.report)
        .into_iter()
        .filter(|f| f.supplier.as_deref() == Some(id))
        .collect()
}

async fn show_supplier(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Path(id): Path<String>,
) -> Result<SupplierPerformancePage, AppError> {
    let tr = shell.tr;
    let snapshot = state.analytics.get().ok_or(AppError::NotFound)?;
    let figures = snapshot
        .report
        .marco
        .suppliers
        .get(&id)
        .ok_or(AppError::NotFound)?;
    let name = crate::accounts::store::name_of_party(&state.db, &id).await?;
    Ok(SupplierPerformancePage {
        freshness: freshness(&state, &tr).await?,
        row: supplier_row(&tr, &id, figures),
        delivery: delivery_figures(&tr, figures),
        flags: supplier_flags(&snapshot, &id)
            .iter()
            .map(|f| flag_row(&tr, f))
            .collect(),
        name,
        id,
        shell,
    })
}

pub(super) fn download(body: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub(super) fn snapshot(state: &AppState) -> Result<Arc<Snapshot>, AppError> {
    state.analytics.get().ok_or(AppError::NotFound)
}

async fn download_report(State(state): State<AppState>) -> Result<Response, AppError> {
    let s = snapshot(&state)?;
    let body = serde_json::to_vec(&api_body(&s)).map_err(anyhow::Error::from)?;
    Ok(download(body, "application/json", "marco-analytics.json"))
}

async fn download_flags(
    State(state): State<AppState>,
    Query(filter): Query<FlagFilter>,
) -> Result<Response, AppError> {
    let s = snapshot(&state)?;
    let (flags, errors) = filter.apply(&s, &Tr::new(marco_frontend::i18n::Lang::En), true);
    if !errors.is_empty() {
        return Err(markets::bad_filters(&errors));
    }
    Ok(download(
        rows::flags_csv(&flags)?,
        "text/csv; charset=utf-8",
        "marco-red-flags.csv",
    ))
}

async fn download_suppliers(State(state): State<AppState>) -> Result<Response, AppError> {
    let s = snapshot(&state)?;
    Ok(download(
        rows::suppliers_csv(&s.report)?,
        "text/csv; charset=utf-8",
        "marco-suppliers.csv",
    ))
}

async fn download_buyers(State(state): State<AppState>) -> Result<Response, AppError> {
    let s = snapshot(&state)?;
    Ok(download(
        rows::buyers_csv(&s.report)?,
        "text/csv; charset=utf-8",
        "marco-buyers.csv",
    ))
}

/// The analytics with their freshness.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ApiAnalytics {
    /// When they were computed.
    computed_at: String,
    /// The last release sequence they include.
    up_to_sequence: i64,
    /// Processes read.
    processes: u64,
    /// The results of `ocds analyse` on the same records: Cardinal's groups (`OCID`, `Buyer`,
    /// `ProcuringEntity`, `Tenderer`, `Meta`) and Marco's figures (`Marco`).
    #[schema(value_type = Object)]
    report: serde_json::Value,
}

fn api_body(s: &Snapshot) -> ApiAnalytics {
    ApiAnalytics {
        computed_at: s.computed_at.to_rfc3339(),
        up_to_sequence: s.up_to_sequence,
        processes: s.processes,
        report: serde_json::to_value(&s.report).unwrap_or_default(),
    }
}

/// The whole analytics report.
#[utoipa::path(get, path = "/api/v1/analytics", tag = "api",
    responses(
        (status = 200, description = "The latest analytics and red flags", body = ApiAnalytics),
        (status = 404, description = "Not computed yet (the job runs at start-up and after new releases)", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn api_report(
    State(state): State<AppState>,
) -> Result<ApiJson<ApiAnalytics>, AppError> {
    let s = snapshot(&state)?;
    Ok(ApiJson(api_body(&s)))
}

/// The red flags raised, filtered.
#[utoipa::path(get, path = "/api/v1/analytics/flags", tag = "api",
    params(FlagFilter),
    responses(
        (status = 200, description = "The flags raised", body = Vec<rows::Flag>),
        (status = 422, description = "A filter could not be read, such as a date not written YYYY-MM-DD or `from` after `to`; see the fields", body = crate::routes::api::ApiError),
        (status = 404, description = "Not computed yet", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn api_flags(
    State(state): State<AppState>,
    Query(filter): Query<FlagFilter>,
) -> Result<ApiJson<Vec<rows::Flag>>, AppError> {
    let s = snapshot(&state)?;
    let (flags, errors) = filter.apply(&s, &Tr::new(marco_frontend::i18n::Lang::En), true);
    if !errors.is_empty() {
        return Err(markets::bad_filters(&errors));
    }
    Ok(ApiJson(flags))
}

/// One supplier's performance and the flags on it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ApiSupplierPerformance {
    /// The supplier's party id.
    id: String,
    /// Awards, value by currency, bids, win rate, terminations, buyers served, size.
    #[schema(value_type = Object)]
    figures: serde_json::Value,
    /// Flags raised on it.
    flags: Vec<rows::Flag>,
}

/// One supplier's performance.
#[utoipa::path(get, path = "/api/v1/analytics/suppliers/{id}", tag = "api",
    params(("id" = String, Path, description = "The supplier's party id, such as CL-RUT-76086428-5")),
    responses(
        (status = 200, description = "The supplier's figures and flags", body = ApiSupplierPerformance),
        (status = 404, description = "No such supplier in the published data, or not computed yet", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn api_supplier(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<ApiJson<ApiSupplierPerformance>, AppError> {
    let s = snapshot(&state)?;
    let figures = s
        .report
        .marco
        .suppliers
        .get(&id)
        .ok_or(AppError::NotFound)?;
    Ok(ApiJson(ApiSupplierPerformance {
        figures: serde_json::to_value(figures).map_err(anyhow::Error::from)?,
        flags: supplier_flags(&s, &id),
        id,
    }))
}
