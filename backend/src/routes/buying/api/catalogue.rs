//! The catalogue and frameworks, as JSON.

use axum::extract::{Path, RawQuery, State};
use serde::Serialize;

use super::{ApiMoney, ApiParty, field_error, money};
use crate::domain::content::Answers;
use crate::error::AppError;
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::store as catalogue;
use crate::frameworks::{Framework, Organisation, Service};
use crate::http::api_json::ApiJson;
use crate::state::AppState;

/// A service's price in its current version.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiPrice {
    /// The amount and currency.
    #[serde(flatten)]
    pub value: ApiMoney,
    /// The pricing unit, e.g. `per_user_per_month`.
    pub unit: Option<String>,
}

/// A catalogue service.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiService {
    /// The service's public id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The current version, which an order made now is priced from.
    pub version: i32,
    /// The framework's slug.
    pub framework: String,
    /// The lot's slug.
    pub lot: String,
    /// The supplier.
    pub supplier: ApiParty,
    /// The current price, when listed.
    pub price: Option<ApiPrice>,
    /// Whether it can be bought now (live, framework live, supplier not suspended).
    pub available: bool,
}

/// One page of catalogue results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiServicePage {
    /// Services matching across all pages.
    pub total: u64,
    /// This page.
    pub page: u32,
    /// Services per page.
    pub per_page: u32,
    /// The services.
    pub services: Vec<ApiService>,
}

/// One answer of a service's listing, labelled.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiAnswer {
    /// The question's label.
    pub label: String,
    /// The answer.
    pub value: String,
}

/// A catalogue service with its listing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiServiceDetail {
    /// The service.
    #[serde(flatten)]
    pub service: ApiService,
    /// Its status: `live`, `suspended`, `removed` or `expired`.
    pub status: String,
    /// The answers of the current version.
    pub answers: Vec<ApiAnswer>,
}

/// Catalogue search parameters (the catalogue page's query string; other keys are facet
/// filters, e.g. `lot=cloud-hosting`).
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(
    dead_code,
    reason = "a description of parameters read from the raw query"
)]
pub struct CatalogueParams {
    /// Keywords; typos are tolerated.
    #[param(max_length = 200)]
    q: Option<String>,
    /// A lot slug, e.g. `cloud-hosting`.
    #[param(max_length = 64)]
    lot: Option<String>,
    /// A framework slug.
    #[param(max_length = 64)]
    framework: Option<String>,
    /// Lowest price.
    #[param(max_length = 32, pattern = "^(0*[0-9]{1,15}([.,][0-9]{1,2})?)?$")]
    price_min: Option<String>,
    /// Highest price.
    #[param(max_length = 32, pattern = "^(0*[0-9]{1,15}([.,][0-9]{1,2})?)?$")]
    price_max: Option<String>,
    /// The page, from 1.
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    /// Services per page.
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

fn api_service(
    svc: &Service,
    fw: &Framework,
    supplier: &Organisation,
    currency: Option<&str>,
) -> ApiService {
    ApiService {
        id: svc.public_id.clone(),
        name: svc.name.clone(),
        version: svc.current_version,
        framework: fw.slug.clone(),
        lot: svc.lot.clone(),
        supplier: ApiParty {
            id: supplier.id,
            name: supplier.name.clone(),
        },
        price: svc
            .price
            .zip(currency.or(svc.currency.as_deref()))
            .map(|(amount, currency)| ApiPrice {
                value: money(amount, currency),
                unit: svc.pricing_unit.clone(),
            }),
        available: catalogue::service_available(svc, fw, supplier),
    }
}

/// Searches the catalogue: the same search as the catalogue page, as JSON.
#[utoipa::path(get, path = "/api/v1/catalogue/services", tag = "api",
    params(CatalogueParams),
    responses(
        (status = 200, description = "A page of services", body = ApiServicePage),
        (status = 422, description = "A price is not an amount, a page is out of range, or a parameter is too long", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn search_services(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<ApiJson<ApiServicePage>, AppError> {
    let raw = raw.unwrap_or_default();
    let (mut query, values, bad_price) = crate::search::from_query_string(&raw);
    if bad_price {
        return Err(field_error(
            "price_min",
            "price",
            "Prices are digits with up to two decimals",
        ));
    }
    // The API is strict where the page is forgiving: a page or page size out of range is an
    // error, not silently clamped.
    let number = |name: &str, most: u32| -> Result<Option<u32>, AppError> {
        match values.get(name).and_then(|v| v.first()) {
            None => Ok(None),
            Some(raw) => match raw.trim().parse::<u32>() {
                Ok(n) if (1..=most).contains(&n) => Ok(Some(n)),
                _ => Err(field_error(
                    name,
                    "range",
                    &format!("{name} is a whole number from 1 to {most}"),
                )),
            },
        }
    };
    query.page = number("page", 10_000)?.unwrap_or(1);
    query.per_page = number("per_page", crate::search::MAX_PER_PAGE)?.unwrap_or(20);
    let results = state
        .search
        .search(&query)
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    let services = catalogue::services_by_public_id(&state.db, &ids).await?;
    let orgs =
        catalogue::organisations_by_id(&state.db, services.values().map(|s| s.organisation_id))
            .await?;
    let frameworks: std::collections::HashMap<i64, Framework> = catalogue::frameworks(&state.db)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let currencies = catalogue::current_currencies(&state.db, services.values()).await?;
    let found = ids
        .iter()
        .filter_map(|id| {
            let svc = services.get(id)?;
            let fw = frameworks.get(&svc.framework_id)?;
            let supplier = orgs.get(&svc.organisation_id)?;
            Some(api_service(
                svc,
                fw,
                supplier,
                currencies.get(&svc.id).map(String::as_str),
            ))
        })
        .collect();
    Ok(ApiJson(ApiServicePage {
        total: results.total,
        page: results.page,
        per_page: results.per_page,
        services: found,
    }))
}

/// A service with its current version's price, availability and answers.
#[utoipa::path(get, path = "/api/v1/catalogue/services/{id}", tag = "api",
    params(("id" = String, Path, description = "The service's public id")),
    responses(
        (status = 200, description = "The service", body = ApiServiceDetail),
        (status = 404, description = "No such service", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_service(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<ApiJson<ApiServiceDetail>, AppError> {
    let svc = catalogue::service_by_public_id(&state.db, &id).await?;
    let fw = catalogue::framework_by_id(&state.db, svc.framework_id).await?;
    let supplier = catalogue::organisation(&state.db, svc.organisation_id).await?;
    let version = catalogue::versions(&state.db, svc.id).await?.pop();
    let answers = version
        .as_ref()
        .and_then(|v| Answers::from_json(&v.answers).ok())
        .unwrap_or_default();
    let content = content_of(&fw)?;
    let labelled = content
        .lot(&svc.lot)
        .map(|lot| {
            lot.display(&answers, "en")
                .into_iter()
                .map(|a| ApiAnswer {
                    label: a.label.to_owned(),
                    value: a.values.join("; "),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ApiJson(ApiServiceDetail {
        service: api_service(
            &svc,
            &fw,
            &supplier,
            version.as_ref().map(|v| v.currency.as_str()),
        ),
        status: svc.status.clone(),
        answers: labelled,
    }))
}

/// A lot of a framework.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiLot {
    /// Its slug, as used in filters and in OCDS.
    pub slug: String,
    /// Its name.
    pub name: String,
}

/// A framework agreement.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiFramework {
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// `coming`, `open`, `pending`, `standstill`, `live` or `expired`.
    pub status: String,
    /// The ocid of its set-up process.
    pub ocid: String,
    /// When buyers can start buying (RFC 3339).
    pub goes_live_at: String,
    /// When it ends (RFC 3339).
    pub expires_at: String,
    /// Its lots.
    pub lots: Vec<ApiLot>,
}

fn api_framework(fw: &Framework) -> ApiFramework {
    let lots = content_of(fw)
        .map(|content| {
            content
                .lots
                .iter()
                .map(|lot| ApiLot {
                    slug: lot.slug.clone(),
                    name: lot.name.en.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    ApiFramework {
        slug: fw.slug.clone(),
        name: fw.name.clone(),
        status: fw.status.clone(),
        ocid: fw.ocid.clone(),
        goes_live_at: fw.goes_live_at.to_rfc3339(),
        expires_at: fw.expires_at.to_rfc3339(),
        lots,
    }
}

/// Every framework agreement, with its lots.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "api",
    responses((status = 200, description = "The frameworks", body = Vec<ApiFramework>)))]
pub(crate) async fn list_frameworks(
    State(state): State<AppState>,
) -> Result<ApiJson<Vec<ApiFramework>>, AppError> {
    Ok(ApiJson(
        catalogue::frameworks(&state.db)
            .await?
            .iter()
            .map(api_framework)
            .collect(),
    ))
}

/// One framework agreement, with its lots.
#[utoipa::path(get, path = "/api/v1/frameworks/{slug}", tag = "api",
    params(("slug" = String, Path, description = "The framework's slug, e.g. `cloud-services-1`")),
    responses(
        (status = 200, description = "The framework", body = ApiFramework),
        (status = 404, description = "No such framework", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_framework(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<ApiJson<ApiFramework>, AppError> {
    let fw = catalogue::framework_by_slug(&state.db, &slug).await?;
    Ok(ApiJson(api_framework(&fw)))
}
