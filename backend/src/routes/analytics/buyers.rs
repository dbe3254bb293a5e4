//! A buyer's purchasing: what it bought, by route, framework and lot, how competitive it was,
//! how promptly it awarded and paid, and the flags on it.

use axum::extract::{Path, State};
use marco_frontend::analytics::{Bar, BarChart, BuyerPerformancePage, Cell, Figure, Table};
use marco_frontend::i18n::Tr;
use ocds_schema::analyse::Buyer;
use serde::Serialize;

use super::{flag_row, freshness, snapshot};
use crate::analytics::{Snapshot, rows};
use crate::error::AppError;
use crate::frameworks::directory::{self, Named};
use crate::http::api_json::ApiJson;
use crate::http::context::PageContext;
use crate::state::AppState;

fn buyer_flags(s: &Snapshot, id: &str) -> Vec<rows::Flag> {
    rows::flags(&s.report)
        .into_iter()
        .filter(|f| {
            f.buyer.as_deref() == Some(id)
                || f.ocids
                    .iter()
                    .any(|o| s.fact(o).is_some_and(|x| x.buyer.as_deref() == Some(id)))
        })
        .collect()
}

fn figures(tr: &Tr, b: &Buyer) -> Vec<Figure> {
    let lang = tr.lang.code();
    let fig = |id: &str, key: &str, value: String| Figure::new(tr, id, key, value);
    vec![
        fig("buyer-processes", "an-processes", b.processes.to_string()),
        fig("buyer-awards", "an-awards", b.awards.to_string()),
        fig("buyer-value", "an-value", rows::money(&b.award_value, lang)),
        fig(
            "buyer-sme-value",
            "an-sme-value-buyer",
            rows::money(&b.sme_value, lang),
        ),
        fig(
            "buyer-sme-awards",
            "an-sme-awards",
            rows::percent((b.awards > 0).then(|| b.sme_awards as f64 / b.awards as f64)),
        ),
        fig(
            "buyer-average-bids",
            "an-average-bids",
            b.average_bids
                .map_or_else(|| "—".into(), |a| format!("{a:.1}")),
        ),
        fig(
            "buyer-single-bid",
            "an-single-bid",
            rows::percent(b.single_bid_share),
        ),
        fig(
            "buyer-days-to-award",
            "an-days-to-award",
            b.average_days_to_award.map_or_else(
                || "—".into(),
                |d| format!("{d:.1} ({} {})", b.awards_timed, tr.t("an-timed")),
            ),
        ),
        fig(
            "buyer-paid-on-time",
            "an-payments-on-time",
            b.payments_on_time.to_string(),
        ),
        fig(
            "buyer-paid-late",
            "an-payments-late",
            b.payments_late.to_string(),
        ),
    ]
}

fn route_name(tr: &Tr, route: &str) -> String {
    let key = format!("an-route-{route}");
    let t = tr.t(&key);
    if t == key { route.to_owned() } else { t }
}

fn fw_name(tr: &Tr, names: &[Named], ocid: &str) -> String {
    if ocid.is_empty() {
        return tr.t("an-no-framework");
    }
    names
        .iter()
        .find(|n| n.ocid == ocid)
        .map_or_else(|| ocid.to_owned(), |n| n.name.clone())
}

fn tables(tr: &Tr, names: &[Named], b: &Buyer) -> Vec<Table> {
    let lang = tr.lang.code();
    let market = |fw: &str| {
        format!(
            "/analytics/markets/{}",
            if fw.is_empty() { "none" } else { fw }
        )
    };
    let by_framework = b
        .spend_by_framework
        .iter()
        .map(|(fw, v)| {
            vec![
                Cell::link(fw_name(tr, names, fw), market(fw)),
                Cell::text(rows::money(v, lang)),
            ]
        })
        .collect();
    let mut by_lot = Vec::new();
    for (fw, lots) in &b.spend_by_lot {
        for (lot, v) in lots {
            let lot_name = if lot.is_empty() {
                tr.t("an-no-lot")
            } else {
                names
                    .iter()
                    .find(|n| &n.ocid == fw)
                    .and_then(|n| n.lots.iter().find(|(s, _)| s == lot))
                    .map_or_else(|| lot.clone(), |(_, name)| name.clone())
            };
            by_lot.push(vec![
                Cell::text(fw_name(tr, names, fw)),
                Cell::text(lot_name),
                Cell::text(rows::money(v, lang)),
            ]);
        }
    }
    vec![
        Table {
            id: "spend-framework".into(),
            caption: tr.t("an-spend-framework"),
            headers: vec![tr.t("an-framework"), tr.t("an-value")],
            rows: by_framework,
        },
        Table {
            id: "spend-lot".into(),
            caption: tr.t("an-spend-lot"),
            headers: vec![tr.t("an-framework"), tr.t("an-lot"), tr.t("an-value")],
            rows: by_lot,
        },
    ]
}

fn route_chart(tr: &Tr, b: &Buyer, currency: Option<&str>) -> BarChart {
    let lang = tr.lang.code();
    BarChart {
        id: "chart-route".into(),
        title: tr.t("an-chart-route"),
        label_header: tr.t("an-route"),
        value_header: tr.t("an-value"),
        bars: b
            .spend_by_route
            .iter()
            .map(|(route, v)| Bar {
                label: route_name(tr, route),
                // Lengths compare one currency: the main one, or the route's largest.
                value: currency
                    .and_then(|c| v.get(c))
                    .copied()
                    .unwrap_or_else(|| v.values().copied().fold(0.0, f64::max)),
                text: rows::money(v, lang),
            })
            .collect(),
    }
}

pub(super) async fn show_buyer(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Path(id): Path<String>,
) -> Result<BuyerPerformancePage, AppError> {
    let tr = shell.tr;
    let s = state.analytics.get().ok_or(AppError::NotFound)?;
    let b = s.report.marco.buyers.get(&id).ok_or(AppError::NotFound)?;
    let names = directory::names(&state.db, tr.lang.code()).await?;
    let name = crate::accounts::store::name_of_party(&state.db, &id).await?;
    Ok(BuyerPerformancePage {
        freshness: freshness(&state, &tr).await?,
        figures: figures(&tr, b),
        charts: vec![route_chart(&tr, b, s.report.marco.main_currency.as_deref())],
        tables: tables(&tr, &names, b),
        flags: buyer_flags(&s, &id)
            .iter()
            .map(|f| flag_row(&tr, f))
            .collect(),
        name,
        id,
        shell,
    })
}

/// One buyer's purchasing and the flags on it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ApiBuyerPerformance {
    /// The buyer's party id.
    id: String,
    /// Processes, awards, value, SME value, bids, spend by framework, lot and route, days to
    /// award, payments on time and late.
    #[schema(value_type = Object)]
    figures: serde_json::Value,
    /// Flags raised on it or on its processes.
    flags: Vec<rows::Flag>,
}

/// One buyer's purchasing.
#[utoipa::path(get, path = "/api/v1/analytics/buyers/{id}", tag = "api",
    params(("id" = String, Path, description = "The buyer's party id, such as CL-RUT-61000001-5")),
    responses(
        (status = 200, description = "The buyer's figures and flags", body = ApiBuyerPerformance),
        (status = 404, description = "No such buyer in the published data, or not computed yet", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn api_buyer(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<ApiJson<ApiBuyerPerformance>, AppError> {
    let s = snapshot(&state)?;
    let b = s.report.marco.buyers.get(&id).ok_or(AppError::NotFound)?;
    Ok(ApiJson(ApiBuyerPerformance {
        figures: serde_json::to_value(b).map_err(anyhow::Error::from)?,
        flags: buyer_flags(&s, &id),
        id,
    }))
}
