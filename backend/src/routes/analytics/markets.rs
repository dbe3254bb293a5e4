//! Market insights per framework agreement and lot: the list, one market's page with its
//! charts, the CSV and the JSON API, each for a period, buyer or supplier when asked.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use marco_frontend::analytics::{Bar, BarChart, Figure, MarketPage, MarketRow, MarketsPage};
use marco_frontend::i18n::Tr;
use ocds_schema::analyse::market::Market;

use super::scope::ScopeQuery;
use super::{download, freshness, snapshot};
use crate::analytics::rows;
use crate::error::AppError;
use crate::frameworks::directory::{self, Named};
use crate::http::api_json::ApiJson;
use crate::http::context::PageContext;
use crate::state::AppState;

fn framework_name(tr: &Tr, names: &[Named], ocid: Option<&str>) -> String {
    match ocid {
        None => tr.t("an-no-framework"),
        Some(o) => names
            .iter()
            .find(|n| n.ocid == o)
            .map_or_else(|| o.to_owned(), |n| n.name.clone()),
    }
}

fn lot_name(tr: &Tr, names: &[Named], ocid: Option<&str>, lot: Option<&str>) -> String {
    match lot {
        None => tr.t("an-all-lots"),
        Some(l) => names
            .iter()
            .find(|n| Some(n.ocid.as_str()) == ocid)
            .and_then(|n| n.lots.iter().find(|(slug, _)| slug == l))
            .map_or_else(|| l.to_owned(), |(_, name)| name.clone()),
    }
}

fn market_link(m: &Market) -> String {
    let fw = m.framework.as_deref().unwrap_or("none");
    match &m.lot {
        Some(lot) => format!(
            "/analytics/markets/{fw}?{}",
            serde_urlencoded::to_string([("lot", lot)]).unwrap_or_default()
        ),
        None => format!("/analytics/markets/{fw}"),
    }
}

fn score(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |h| format!("{:.0}", h))
}

pub(super) async fn show_markets(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Query(q): Query<ScopeQuery>,
) -> Result<MarketsPage, AppError> {
    let tr = shell.tr;
    let lang = tr.lang.code();
    let names = directory::names(&state.db, lang).await?;
    let (scope, errors) = q.parse(&tr, false);
    let markets = state
        .analytics
        .get()
        .map(|s| scope.markets(&s))
        .unwrap_or_default();
    let rows = markets
        .iter()
        .map(|m| MarketRow {
            framework: framework_name(&tr, &names, m.framework.as_deref()),
            lot: lot_name(&tr, &names, m.framework.as_deref(), m.lot.as_deref()),
            link: market_link(m),
            awards: m.awards,
            value: rows::money(&m.value, lang),
            suppliers: format!(
                "{} / {}",
                m.active_suppliers,
                m.admitted_suppliers
                    .map_or_else(|| "—".into(), |n| n.to_string())
            ),
            hhi: score(m.hhi),
            top5: rows::percent(m.top5_share),
            sme: rows::percent(m.sme_value_share),
        })
        .collect();
    Ok(MarketsPage {
        freshness: freshness(&state, &tr).await?,
        form: q.form("/analytics/markets", errors, &names, true, true),
        query: q.query_string(&[]),
        rows,
        shell,
    })
}

#[derive(Debug, serde::Deserialize)]
pub(super) struct LotQuery {
    #[serde(flatten)]
    scope: ScopeQuery,
}

pub(super) async fn show_market(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    Path(framework): Path<String>,
    Query(LotQuery { scope: mut q }): Query<LotQuery>,
) -> Result<MarketPage, AppError> {
    let tr = shell.tr;
    let lang = tr.lang.code();
    let names = directory::names(&state.db, lang).await?;
    let outside = framework == "none";
    q.framework = (!outside).then(|| framework.clone());
    let (mut scope, errors) = q.parse(&tr, false);
    let snapshot = state.analytics.get();
    let known = outside
        || names.iter().any(|n| n.ocid == framework)
        || snapshot.as_ref().is_some_and(|s| {
            s.report
                .marco
                .markets
                .iter()
                .any(|m| m.framework.as_deref() == Some(&framework))
        });
    if !known {
        return Err(AppError::NotFound);
    }
    // The lot is a market of its own here, not a filter on processes.
    let lot = scope.lot.take();
    let market = snapshot.as_ref().and_then(|s| {
        let mut markets = scope.markets(s);
        if outside {
            markets.retain(|m| m.framework.is_none());
        }
        markets.into_iter().find(|m| m.lot == lot)
    });
    let fw_name = framework_name(&tr, &names, (!outside).then_some(framework.as_str()));
    let heading = match &lot {
        Some(_) => format!(
            "{fw_name}, {}",
            lot_name(&tr, &names, Some(&framework), lot.as_deref())
        ),
        None => fw_name,
    };
    let (figures, charts) = match &market {
        Some(m) => (market_figures(&tr, m), market_charts(&state, &tr, m).await?),
        None => (Vec::new(), Vec::new()),
    };
    Ok(MarketPage {
        freshness: freshness(&state, &tr).await?,
        heading,
        form: q.form(
            &format!("/analytics/markets/{framework}"),
            errors,
            &names,
            false,
            true,
        ),
        query: q.query_string(&[]),
        framework_page: names
            .iter()
            .find(|n| n.ocid == framework)
            .map(|n| format!("/frameworks/{}", n.slug)),
        figures,
        charts,
        shell,
    })
}

fn market_figures(tr: &Tr, m: &Market) -> Vec<Figure> {
    let lang = tr.lang.code();
    let fig = |id: &str, key: &str, value: String| Figure::new(tr, id, key, value);
    vec![
        fig("market-awards", "an-awards", m.awards.to_string()),
        fig("market-value", "an-value", rows::money(&m.value, lang)),
        fig("market-active", "an-active", m.active_suppliers.to_string()),
        fig(
            "market-admitted",
            "an-admitted",
            m.admitted_suppliers
                .map_or_else(|| "—".into(), |n| n.to_string()),
        ),
        fig("market-hhi", "an-hhi", score(m.hhi)),
        fig("market-top5", "an-top5", rows::percent(m.top5_share)),
        fig(
            "market-sme-value",
            "an-sme-value",
            rows::percent(m.sme_value_share),
        ),
        fig(
            "market-sme-awards",
            "an-sme-awards",
            rows::percent(m.sme_award_share),
        ),
        fig(
            "market-currency",
            "an-currency",
            m.currency.clone().unwrap_or_else(|| "—".into()),
        ),
    ]
}

async fn market_charts(state: &AppState, tr: &Tr, m: &Market) -> Result<Vec<BarChart>, AppError> {
    let mut top = Vec::new();
    for s in &m.top_suppliers {
        let name = crate::accounts::store::name_of_party(&state.db, &s.supplier)
            .await?
            .unwrap_or_else(|| s.supplier.clone());
        top.push(Bar {
            label: name,
            value: s.share,
            text: rows::percent(Some(s.share)),
        });
    }
    Ok(vec![
        BarChart {
            id: "chart-top".into(),
            title: tr.t("an-chart-top"),
            label_header: tr.t("an-supplier"),
            value_header: tr.t("an-share"),
            bars: top,
        },
        BarChart {
            id: "chart-first".into(),
            title: tr.t("an-chart-first"),
            label_header: tr.t("an-quarter"),
            value_header: tr.t("an-new-winners"),
            bars: m
                .first_time_winners
                .iter()
                .map(|(q, n)| Bar {
                    label: q.clone(),
                    value: *n as f64,
                    text: n.to_string(),
                })
                .collect(),
        },
        BarChart {
            id: "chart-sme".into(),
            title: tr.t("an-chart-sme"),
            label_header: tr.t("an-measure"),
            value_header: tr.t("an-share"),
            bars: [
                ("an-by-value", m.sme_value_share),
                ("an-by-awards", m.sme_award_share),
            ]
            .into_iter()
            .filter_map(|(k, v)| {
                v.map(|v| Bar {
                    label: tr.t(k),
                    value: v,
                    text: rows::percent(Some(v)),
                })
            })
            .collect(),
        },
    ])
}

/// The filters the API could not read, each with its message (422, as the feeds answer).
pub(super) fn bad_filters(errors: &[(String, String)]) -> AppError {
    let mut fields = crate::error::FieldErrors::new();
    for (field, message) in errors {
        fields.insert(
            field.clone(),
            crate::error::FieldError {
                code: "invalid".into(),
                message: message.clone(),
            },
        );
    }
    AppError::Invalid(fields)
}

pub(super) async fn download_markets(
    State(state): State<AppState>,
    Query(q): Query<ScopeQuery>,
) -> Result<Response, AppError> {
    let s = snapshot(&state)?;
    let (scope, errors) = q.parse(&Tr::new(marco_frontend::i18n::Lang::En), true);
    if !errors.is_empty() {
        return Err(bad_filters(&errors));
    }
    let mut out = Vec::new();
    ocds_schema::analyse::csv_out::markets(&scope.markets(&s), &mut out)
        .map_err(anyhow::Error::from)?;
    Ok(download(
        out,
        "text/csv; charset=utf-8",
        "marco-markets.csv",
    ))
}

/// Market insights per framework agreement and lot, for the processes in scope.
#[utoipa::path(get, path = "/api/v1/analytics/markets", tag = "api",
    params(ScopeQuery),
    responses(
        (status = 200, description = "One entry per framework and lot (`lot` null: all its lots): awards, value, active and admitted suppliers, HHI, top-5 share, SME shares, first-time winners by quarter, the ten largest suppliers", body = Vec<Object>),
        (status = 422, description = "A filter could not be read, such as a date not written YYYY-MM-DD or `from` after `to`; see the fields", body = crate::routes::api::ApiError),
        (status = 404, description = "Not computed yet", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn api_markets(
    State(state): State<AppState>,
    Query(q): Query<ScopeQuery>,
) -> Result<ApiJson<Vec<Market>>, AppError> {
    let s = snapshot(&state)?;
    let (scope, errors) = q.parse(&Tr::new(marco_frontend::i18n::Lang::En), true);
    if !errors.is_empty() {
        return Err(bad_filters(&errors));
    }
    Ok(ApiJson(scope.markets(&s)))
}
