//! The public catalogue: keyword and facet search (with a CSV export), service pages with
//! their version and price history, supplier profiles, and supplier and manager actions on
//! services.

use std::collections::{BTreeMap, HashMap};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use marco_frontend::Tr;
use marco_frontend::catalogue::{
    CataloguePage, FacetView, HitView, ServicePage, SupplierPage, VersionRow,
};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::{Fact, QuestionsPage};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;

use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::{CurrentUser, MaybeUser};
use crate::domain::content::{Answers, ContentFile, FormValues};
use crate::domain::money::parse_amount;
use crate::domain::roles::OrgKind;
use crate::entities::{framework, organisation, service, service_document, service_version};
use crate::error::AppError;
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::{catalogue as flow, store};
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::{actor, is_manager};
use crate::routes::frameworks::{
    check_csrf, day, first, form_values, problem_form, question_fields, unprocessable,
};
use crate::search::{FacetCount, SearchQuery, Sort};
use crate::state::AppState;

/// The catalogue routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/catalogue", get(search_catalogue))
        .route("/catalogue.csv", get(export_catalogue))
        .route("/services/{id}", get(show_service))
        .route("/services/{id}/edit", get(edit_service).post(save_service))
        .route("/services/{id}/remove", post(remove_service))
        .route("/services/{id}/status", post(change_service_status))
        .route("/suppliers/{id}", get(show_supplier))
        .route("/suppliers/{id}/suspension", post(change_suspension))
}

const PER_PAGE: u32 = 20;
const FIXED: [&str; 4] = ["lot", "supplier_scale", "pricing_unit", "supplier"];

/// The content files of every framework, by slug (for facet and answer labels).
async fn contents(
    state: &AppState,
) -> Result<Vec<(framework::Model, std::sync::Arc<ContentFile>)>, AppError> {
    let mut out = Vec::new();
    for fw in store::frameworks(&state.db).await? {
        if let Ok(content) = content_of(&fw) {
            out.push((fw, content));
        }
    }
    Ok(out)
}

fn format_price(amount: Option<Decimal>, unit: Option<&str>, currency: &str, tr: &Tr) -> String {
    match amount {
        Some(amount) => {
            let unit = unit
                .map(|u| tr.t(&format!("unit-{u}")))
                .map(|u| {
                    if u.starts_with("unit-") {
                        String::new()
                    } else {
                        format!(" {u}")
                    }
                })
                .unwrap_or_default();
            format!("{currency} {}{unit}", amount.normalize())
        }
        None => tr.t("cat-no-price"),
    }
}

/// Reads the query string into a search query; a price with letters is a problem to show.
fn parse_query(raw: &str, tr: &Tr) -> (SearchQuery, FormValues, Option<String>) {
    let values = crate::domain::content::form_values(
        url::form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())),
    );
    let mut problem = None;
    let mut price = |name: &str| {
        let text = first(&values, name);
        if text.is_empty() {
            return None;
        }
        match parse_amount(text) {
            Ok(amount) => Some(amount),
            Err(_) => {
                problem = Some(tr.t("cat-bad-price"));
                None
            }
        }
    };
    let price_min = price("price_min");
    let price_max = price("price_max");
    let mut filters = BTreeMap::new();
    for (key, vals) in &values {
        if ["q", "sort", "page", "price_min", "price_max"].contains(&key.as_str()) {
            continue;
        }
        let vals: Vec<String> = vals.iter().filter(|v| !v.is_empty()).cloned().collect();
        if !vals.is_empty() && crate::search::is_facet_key(key) {
            filters.insert(key.clone(), vals);
        }
    }
    let sort = match first(&values, "sort") {
        "price_asc" => Sort::PriceAsc,
        "price_desc" => Sort::PriceDesc,
        "name" => Sort::Name,
        _ => Sort::Relevance,
    };
    let page = first(&values, "page")
        .parse::<u32>()
        .unwrap_or(1)
        .clamp(1, 10_000);
    let text = first(&values, "q");
    let query = SearchQuery {
        text: (!text.is_empty()).then(|| text.chars().take(200).collect()),
        filters,
        price_min,
        price_max,
        sort,
        page,
        per_page: PER_PAGE,
        facets: Vec::new(),
        include_unavailable: false,
    };
    (query, values, problem)
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

async fn search_catalogue(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    RawQuery(raw): RawQuery,
) -> Result<CataloguePage, AppError> {
    let raw = raw.unwrap_or_default();
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
                if facet.id == "price" || facet_defs.iter().any(|(id, _, _)| *id == facet.id) {
                    continue;
                }
                let labels = facet
                    .options
                    .iter()
                    .map(|o| (o.value.clone(), o.label.get(lang).to_owned()))
                    .collect();
                facet_defs.push((facet.id.clone(), facet.label.get(lang).to_owned(), labels));
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
    let services: HashMap<String, service::Model> = service::Entity::find()
        .filter(service::Column::PublicId.is_in(ids.clone()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.public_id.clone(), s))
        .collect();
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
    let suppliers: HashMap<i64, organisation::Model> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(supplier_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    // The currency of each hit's current version, in one query.
    let currencies: HashMap<i64, String> = service_version::Entity::find()
        .filter(service_version::Column::ServiceId.is_in(services.values().map(|s| s.id)))
        .all(&state.db)
        .await?
        .into_iter()
        .filter(|v| {
            services
                .values()
                .any(|s| s.id == v.service_id && s.current_version == v.version)
        })
        .map(|v| (v.service_id, v.currency))
        .collect();
    let frameworks: HashMap<i64, &framework::Model> =
        contents.iter().map(|(fw, _)| (fw.id, fw)).collect();
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
    Ok(CataloguePage {
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
        shell,
    })
}

async fn export_catalogue(
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
    let mut suppliers: HashMap<i64, organisation::Model> = HashMap::new();
    let mut frameworks: HashMap<i64, framework::Model> = HashMap::new();
    // At most 5,000 rows: enough for any real shortlist, bounded for the server.
    for _ in 0..50 {
        let results = state
            .search
            .search(&query)
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
        let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
        let services: HashMap<String, service::Model> = service::Entity::find()
            .filter(service::Column::PublicId.is_in(ids.clone()))
            .all(&state.db)
            .await?
            .into_iter()
            .map(|s| (s.public_id.clone(), s))
            .collect();
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
fn csv_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Query of the service page.
#[derive(Debug, Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn service_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: Option<&CurrentUser>,
    id: &str,
    form: Form,
    notice: Option<String>,
) -> Result<ServicePage, AppError> {
    let svc = store::service_by_public_id(&state.db, id).await?;
    let fw = store::framework_by_id(&state.db, svc.framework_id).await?;
    let content = content_of(&fw)?;
    let supplier = store::organisation(&state.db, svc.organisation_id).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let versions = store::versions(&state.db, svc.id).await?;
    let current = versions.last();
    let answers = current
        .map(|v| Answers::from_json(&v.answers))
        .transpose()
        .map_err(anyhow::Error::from)?
        .unwrap_or_default();
    let lot = content.lot(&svc.lot);
    let currency = current.map(|v| v.currency.clone()).unwrap_or_default();
    let available = store::service_available(&svc, &fw, &supplier);
    let unavailable_reason = if supplier.suspended_at.is_some() {
        supplier.suspended_reason.clone()
    } else if fw.status == "expired" {
        Some(tr.t("svc-framework-expired"))
    } else {
        svc.status_reason.clone()
    };
    let documents = service_document::Entity::find()
        .filter(service_document::Column::ServiceId.eq(svc.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|d| (d.file_name, format!("/documents/{}", d.public_id)))
        .collect();
    Ok(ServicePage {
        id: svc.public_id.clone(),
        name: svc.name.clone(),
        supplier: supplier.name.clone(),
        supplier_id: supplier.id,
        framework: (fw.name.clone(), fw.slug.clone()),
        lot: lot.map(|l| l.name.get(lang).to_owned()).unwrap_or_default(),
        available,
        unavailable_reason,
        price: format_price(svc.price, svc.pricing_unit.as_deref(), &currency, tr),
        answers: lot
            .map(|l| {
                l.display(&answers, lang)
                    .into_iter()
                    .map(|a| Fact {
                        label: a.label.to_owned(),
                        value: a.values.join("; "),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        documents,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionRow {
                version: v.version,
                date: day(v.created_at),
                price: format_price(v.price, v.pricing_unit.as_deref(), &v.currency, tr),
            })
            .collect(),
        is_owner: user.is_some_and(|u| u.organisation_id == svc.organisation_id),
        is_manager: is_manager(user),
        status: svc.status,
        form,
        notice,
        shell,
    })
}

async fn show_service(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    csrf: CsrfToken,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<ServicePage, AppError> {
    let notice = query
        .notice
        .as_deref()
        .filter(|n| ["saved", "status"].contains(n))
        .map(|n| shell.tr.t(&format!("svc-notice-{n}")));
    service_page(&state, shell, user.as_ref(), &id, Form::new(csrf.0), notice).await
}

async fn edit_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: &str,
    values: Option<FormValues>,
    form: Form,
) -> Result<QuestionsPage, AppError> {
    let svc = store::service_by_public_id(&state.db, id).await?;
    if svc.organisation_id != user.organisation_id {
        return Err(AppError::NotFound);
    }
    let fw = store::framework_by_id(&state.db, svc.framework_id).await?;
    let content = content_of(&fw)?;
    let lot = content.lot(&svc.lot).ok_or(AppError::NotFound)?;
    let lang = shell.tr.lang.code();
    let values = match values {
        Some(v) => v,
        None => {
            let versions = store::versions(&state.db, svc.id).await?;
            versions
                .last()
                .map(|v| Answers::from_json(&v.answers))
                .transpose()
                .map_err(anyhow::Error::from)?
                .unwrap_or_default()
                .to_form()
        }
    };
    let questions: Vec<_> = lot
        .questions
        .iter()
        .filter(|q| q.kind.name() != "document")
        .collect();
    Ok(QuestionsPage {
        title: shell.tr.t1("svc-edit-title", "name", svc.name.clone()),
        lead: shell.tr.t("svc-edit-lead"),
        action: format!("/services/{id}/edit"),
        upload_action: None,
        back: format!("/services/{id}"),
        fields: question_fields(questions, &values, &form, lang, &[]),
        editable: svc.status == "live",
        form,
        notice: None,
        shell,
    })
}

async fn edit_service(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<QuestionsPage, AppError> {
    edit_page(&state, shell, &user, &id, None, Form::new(csrf.0)).await
}

async fn save_service(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let lang = shell.tr.lang.code();
    match flow::edit_service(
        &state,
        &actor(&user, &ip),
        &id,
        user.organisation_id,
        &values,
        lang,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/services/{id}?notice=saved")).into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "save")?;
            Ok(unprocessable(
                edit_page(&state, shell, &user, &id, Some(values), form).await?,
            ))
        }
    }
}

async fn remove_service(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    check_csrf(&csrf, &form_values(&body))?;
    flow::set_service_status(
        &state,
        &actor(&user, &ip),
        &id,
        Some(user.organisation_id),
        "removed",
        None,
    )
    .await?;
    Ok(Redirect::to(&format!("/services/{id}?notice=status")).into_response())
}

async fn change_service_status(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let status = first(&values, "status");
    if !["suspended", "live"].contains(&status) {
        return Err(AppError::Conflict("service_status"));
    }
    match flow::set_service_status(
        &state,
        &actor(&user, &ip),
        &id,
        None,
        status,
        Some(first(&values, "reason")),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/services/{id}?notice=status")).into_response()),
        Err(e) => {
            let form = problem_form(&csrf, e, &shell.tr, "reason")?;
            Ok(unprocessable(
                service_page(&state, shell, Some(&user), &id, form, None).await?,
            ))
        }
    }
}

async fn supplier_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: Option<&CurrentUser>,
    id: i64,
    form: Form,
) -> Result<SupplierPage, AppError> {
    let org = store::organisation(&state.db, id).await?;
    if org.kind != OrgKind::Supplier.as_str() {
        return Err(AppError::NotFound);
    }
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let contents = contents(state).await?;
    let lot_name = |fw_id: i64, slug: &str| {
        contents
            .iter()
            .find(|(fw, _)| fw.id == fw_id)
            .and_then(|(_, c)| c.lot(slug))
            .map(|l| l.name.get(lang).to_owned())
            .unwrap_or_else(|| slug.to_owned())
    };
    let live_frameworks: Vec<i64> = contents
        .iter()
        .filter(|(fw, _)| fw.status == "live")
        .map(|(fw, _)| fw.id)
        .collect();
    let mut services = Vec::new();
    for s in store::services_of(&state.db, org.id).await? {
        if s.status != "live" || !live_frameworks.contains(&s.framework_id) {
            continue;
        }
        let currency = store::versions(&state.db, s.id)
            .await?
            .last()
            .map(|v| v.currency.clone())
            .unwrap_or_default();
        services.push((
            s.public_id.clone(),
            s.name.clone(),
            lot_name(s.framework_id, &s.lot),
            format_price(s.price, s.pricing_unit.as_deref(), &currency, tr),
        ));
    }
    let mut facts = vec![
        Fact {
            label: tr.t("sup-identifier"),
            value: format!("{} {}", org.identifier_scheme, org.identifier_id),
        },
        Fact {
            label: tr.t("sup-place"),
            value: [
                org.locality.clone().unwrap_or_default(),
                org.country_code.clone(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        },
    ];
    if let Some(scale) = &org.scale {
        facts.push(Fact {
            label: tr.t("sup-scale"),
            value: tr.t(&format!("scale-{scale}")),
        });
    }
    Ok(SupplierPage {
        id: org.id,
        name: org.name.clone(),
        facts,
        suspended: org.suspended_reason.clone(),
        services,
        is_manager: is_manager(user),
        form,
        shell,
    })
}

async fn show_supplier(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    csrf: CsrfToken,
    Path(id): Path<i64>,
) -> Result<SupplierPage, AppError> {
    supplier_page(&state, shell, user.as_ref(), id, Form::new(csrf.0)).await
}

async fn change_suspension(
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
    let org = store::organisation(&state.db, id).await?;
    let reason = first(&values, "reason");
    if org.suspended_at.is_none() && reason.is_empty() {
        let mut form = Form::new(csrf.0.clone());
        form.add_error("reason", shell.tr.t("err-reason-required"));
        return Ok(unprocessable(
            supplier_page(&state, shell, Some(&user), id, form).await?,
        ));
    }
    let reason = (!reason.is_empty() && org.suspended_at.is_none()).then_some(reason);
    flow::suspend_supplier(&state, &actor(&user, &ip), id, reason).await?;
    Ok(Redirect::to(&format!("/suppliers/{id}")).into_response())
}
