//! Catalogue search: the query string, the results page with facets, and the CSV export.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use marco_frontend::Tr;
use marco_frontend::catalogue::{CataloguePage, FacetView, HitView};

use super::{FIXED, PER_PAGE, contents, format_price};
use crate::domain::content::FormValues;
use crate::error::AppError;
use crate::frameworks::store;
use crate::frameworks::{Framework, Organisation};
use crate::http::context::PageContext;
use crate::routes::frameworks::first;
use crate::search::{FacetCount, SearchQuery};
use crate::state::AppState;

/// Reads the query string into a search query; a price with letters is a problem to show.
fn parse_query(raw: &str, tr: &Tr) -> (SearchQuery, FormValues, Option<String>) {
    let (mut query, values, bad_price) = crate::search::from_query_string(raw);
    query.per_page = PER_PAGE;
    (query, values, bad_price.then(|| tr.t("cat-bad-price")))
}

fn with_page(raw: &str, page: u32) -> String {
    let mut pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.as_bytes())
        .filter(|(k, _)| k != "page")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.push(("page".into(), page.to_string()));
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        out.append_pair(k, v);
    }
    format!("/catalogue?{}", out.finish())
}

/// Options a filter shows at most; a facet such as the supplier can have hundreds.
const MAX_FACET_OPTIONS: usize = 15;

/// The options of a facet worth showing: the most frequent ones, plus any already chosen.
fn shown_options<'a>(
    counts: Option<&'a [FacetCount]>,
    checked: Option<&Vec<String>>,
) -> Vec<&'a FacetCount> {
    let counts = counts.unwrap_or_default();
    if counts.len() <= MAX_FACET_OPTIONS {
        return counts.iter().collect();
    }
    let mut top: Vec<&FacetCount> = counts.iter().collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    let keep: std::collections::HashSet<&str> = top
        .iter()
        .take(MAX_FACET_OPTIONS)
        .map(|c| c.value.as_str())
        .chain(checked.into_iter().flatten().map(String::as_str))
        .collect();
    counts
        .iter()
        .filter(|c| keep.contains(c.value.as_str()))
        .collect()
}

/// The "save this search" panel, for a buyer who may award.
async fn save_panel(
    state: &AppState,
    user: Option<&crate::auth::CurrentUser>,
    csrf: &crate::auth::csrf::CsrfToken,
    raw: &str,
) -> Result<Option<marco_frontend::buying::SaveSearchPanel>, AppError> {
    let Some(user) = user.filter(|u| u.has(crate::domain::roles::Role::CanAward) && !u.is_api())
    else {
        return Ok(None);
    };
    let viewer = crate::buying::Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
    };
    let projects = crate::buying::projects::projects_of(&state.db, viewer)
        .await?
        .into_iter()
        .filter(|p| p.status == crate::domain::project::ProjectStatus::Searching.as_str())
        .map(|p| (p.id, p.name))
        .collect();
    let query: String = url::form_urlencoded::parse(raw.as_bytes())
        .filter(|(k, _)| k != "page")
        .fold(
            url::form_urlencoded::Serializer::new(String::new()),
            |mut out, (k, v)| {
                out.append_pair(&k, &v);
                out
            },
        )
        .finish();
    Ok(Some(marco_frontend::buying::SaveSearchPanel {
        query,
        projects,
        csrf: csrf.0.clone(),
    }))
}

pub(super) async fn search_catalogue(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    crate::auth::MaybeUser(user): crate::auth::MaybeUser,
    csrf: crate::auth::csrf::CsrfToken,
    RawQuery(raw): RawQuery,
) -> Result<CataloguePage, AppError> {
    let raw = raw.unwrap_or_default();
    let save = save_panel(&state, user.as_ref(), &csrf, &raw).await?;
    let tr = shell.tr;
    let lang = tr.lang.code();
    let (mut query, values, problem) = parse_query(&raw, &tr);
    let contents = contents(&state).await?;
    // Facets: the fixed ones, then every filter question of the content files, once each.
    let mut facet_defs: Vec<(String, String, HashMap<String, String>)> = FIXED
        .iter()
        .map(|f| {
            (
                f.to_string(),
                tr.t(&format!("cat-facet-{f}")),
                HashMap::new(),
            )
        })
        .collect();
    let mut lot_names = HashMap::new();
    for (_, content) in &contents {
        for lot in &content.lots {
            lot_names.insert(lot.slug.clone(), lot.name.get(lang).to_owned());
            for facet in lot.facets() {
                if facet.id == "price" {
                    continue;
                }
                let labels = facet
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.get(lang).to_owned()));
                // A facet several lots share (their categories) gets the labels of each lot's
                // options, so no value is shown by its slug.
                match facet_defs.iter_mut().find(|(id, _, _)| *id == facet.id) {
                    Some((_, _, known)) => known.extend(labels),
                    None => facet_defs.push((
                        facet.id.clone(),
                        facet.label.get(lang).to_owned(),
                        labels.collect(),
                    )),
                }
            }
        }
    }
    query.facets = facet_defs.iter().map(|(id, _, _)| id.clone()).collect();
    let results = state
        .search
        .search(&query)
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    let services = store::services_by_public_id(&state.db, &ids).await?;
    // The suppliers of the hits, and of the supplier filter (which counts every match).
    let supplier_ids: std::collections::BTreeSet<i64> = services
        .values()
        .map(|s| s.organisation_id)
        .chain(
            shown_options(
                results.facets.get("supplier").map(Vec::as_slice),
                values.get("supplier"),
            )
            .into_iter()
            .filter_map(|c| c.value.parse().ok()),
        )
        .collect();
    let suppliers = store::organisations_by_id(&state.db, supplier_ids).await?;
    // The currency of each hit's current version, in one query.
    let currencies = store::current_currencies(&state.db, services.values()).await?;
    let frameworks: HashMap<i64, &Framework> = contents.iter().map(|(fw, _)| (fw.id, fw)).collect();
    let supplier_names: HashMap<String, String> = suppliers
        .values()
        .map(|o| (o.id.to_string(), o.name.clone()))
        .collect();
    let hits = results
        .hits
        .iter()
        .filter_map(|hit| {
            let s = services.get(&hit.id)?;
            let currency = currencies
                .get(&s.id)
                .map(String::as_str)
                .unwrap_or_default();
            Some(HitView {
                id: hit.id.clone(),
                name_html: hit.name_highlighted.as_str().to_owned(),
                snippet_html: hit.snippet_highlighted.as_str().to_owned(),
                supplier: suppliers
                    .get(&s.organisation_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                supplier_id: s.organisation_id,
                lot: lot_names
                    .get(&s.lot)
                    .cloned()
                    .unwrap_or_else(|| s.lot.clone()),
                framework: frameworks
                    .get(&s.framework_id)
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
                price: format_price(s.price, s.pricing_unit.as_deref(), currency, &tr),
            })
        })
        .collect();
    let facets = facet_defs
        .into_iter()
        .map(|(id, label, labels)| {
            let checked = values.get(&id).cloned().unwrap_or_default();
            let options = shown_options(results.facets.get(&id).map(Vec::as_slice), Some(&checked))
                .into_iter()
                .map(|c| {
                    let name = match id.as_str() {
                        "lot" => lot_names.get(&c.value).cloned(),
                        "supplier" => supplier_names.get(&c.value).cloned(),
                        "supplier_scale" | "pricing_unit" => {
                            let key = if id == "supplier_scale" {
                                "scale"
                            } else {
                                "unit"
                            };
                            let t = tr.t(&format!("{key}-{}", c.value));
                            (!t.starts_with(key)).then_some(t)
                        }
                        _ => labels.get(&c.value).cloned(),
                    }
                    .unwrap_or_else(|| c.value.clone());
                    (c.value.clone(), name, c.count, checked.contains(&c.value))
                })
                .collect();
            FacetView { id, label, options }
        })
        .collect();
    let pages = results.total.div_ceil(u64::from(PER_PAGE)).max(1) as u32;
    let page = query.page.min(pages);
    let summary = match &query.text {
        Some(text) => tr.ta(
            "cat-summary-for",
            &[("count", results.total.to_string()), ("q", text.clone())],
        ),
        None => tr.t1("cat-summary", "count", results.total),
    };
    let sort_value = first(&values, "sort").to_owned();
    let no_results = if results.total == 0 {
        let words = first(&values, "q").to_owned();
        let encode = |q: &str| {
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("q", q)
                .finish()
        };
        let suggestion = if words.is_empty() {
            None
        } else {
            state
                .search
                .suggest(&words)
                .await
                .inspect_err(|e| tracing::warn!(error = %e, "search suggestion failed"))
                .ok()
                .flatten()
                .map(|s| (s.clone(), format!("/catalogue?{}", encode(&s))))
        };
        let filtered = values.iter().any(|(k, v)| {
            k != "q" && k != "page" && k != "sort" && v.iter().any(|x| !x.trim().is_empty())
        });
        let without = filtered.then(|| format!("/catalogue?{}", encode(&words)));
        Some((suggestion, without))
    } else {
        None
    };
    Ok(CataloguePage {
        no_results,
        q: first(&values, "q").to_owned(),
        sorts: ["relevance", "price_asc", "price_desc", "name"]
            .iter()
            .map(|s| {
                (
                    s.to_string(),
                    tr.t(&format!("cat-sort-{s}")),
                    sort_value == *s || (sort_value.is_empty() && *s == "relevance"),
                )
            })
            .collect(),
        price_min: first(&values, "price_min").to_owned(),
        price_max: first(&values, "price_max").to_owned(),
        summary,
        hits,
        facets,
        prev: (page > 1).then(|| with_page(&raw, page - 1)),
        next: (page < pages).then(|| with_page(&raw, page + 1)),
        page_label: tr.ta(
            "cat-page",
            &[("page", page.to_string()), ("pages", pages.to_string())],
        ),
        csv: format!("/catalogue.csv?{raw}"),
        problem,
        save,
        shell,
    })
}

pub(super) async fn export_catalogue(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let raw = raw.unwrap_or_default();
    let (mut query, _, problem) = parse_query(&raw, &shell.tr);
    if let Some(problem) = problem {
        return Err(AppError::bad_request(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            Some(problem),
        ));
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(anyhow::Error::new(e));
    writer
        .write_record([
            "service_id",
            "name",
            "supplier",
            "supplier_id",
            "framework",
            "lot",
            "price",
            "currency",
            "pricing_unit",
            "url",
        ])
        .map_err(csv_err)?;
    query.per_page = 100;
    query.page = 1;
    // Each supplier and framework is read once for the whole export.
    let mut suppliers: HashMap<i64, Organisation> = HashMap::new();
    let mut frameworks: HashMap<i64, Framework> = HashMap::new();
    // At most 5,000 rows: enough for any real shortlist, bounded for the server.
    for _ in 0..50 {
        let results = state
            .search
            .search(&query)
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
        let services = store::services_by_public_id(&state.db, &ids).await?;
        for id in &ids {
            let Some(s) = services.get(id) else { continue };
            if !suppliers.contains_key(&s.organisation_id) {
                let org = store::organisation(&state.db, s.organisation_id).await?;
                suppliers.insert(org.id, org);
            }
            if !frameworks.contains_key(&s.framework_id) {
                let fw = store::framework_by_id(&state.db, s.framework_id).await?;
                frameworks.insert(fw.id, fw);
            }
            let (Some(supplier), Some(fw)) = (
                suppliers.get(&s.organisation_id),
                frameworks.get(&s.framework_id),
            ) else {
                continue;
            };
            let version = store::versions(&state.db, s.id).await?;
            let currency = version
                .last()
                .map(|v| v.currency.clone())
                .unwrap_or_default();
            writer
                .write_record([
                    s.public_id.as_str(),
                    &csv_safe(&s.name),
                    &csv_safe(&supplier.name),
                    &supplier.id.to_string(),
                    &csv_safe(&fw.name),
                    &s.lot,
                    &s.price
                        .map(|p| p.normalize().to_string())
                        .unwrap_or_default(),
                    &currency,
                    s.pricing_unit.as_deref().unwrap_or_default(),
                    &format!("{}/services/{}", state.config.public_url, s.public_id),
                ])
                .map_err(csv_err)?;
        }
        if u64::from(query.page) * 100 >= results.total {
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
                "attachment; filename=\"marco-catalogue.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Neutralises spreadsheet formulas in text cells (CSV injection).
pub(crate) fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
