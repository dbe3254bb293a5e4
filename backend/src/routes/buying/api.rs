//! The buyer's JSON API under `/api/v1`, for the purchasing systems buyers integrate with:
//! catalogue search and service details (price, version, availability), frameworks and their
//! lots, and catalogue orders (create with an `Idempotency-Key` header, read, list, and each
//! state action). Bearer tokens from `POST /api/v1/auth/token`; writing needs the `write`
//! scope. Every operation is in the OpenAPI document.

use axum::extract::{Path, RawQuery, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::viewer;
use crate::auth::CurrentUser;
use crate::auth::limits::ClientIp;
use crate::buying::cart::{self, Checkout, Source};
use crate::buying::orders::{self as flow, ActionInput};
use crate::buying::{Order, store};
use crate::domain::content::Answers;
use crate::domain::order::OrderAction;
use crate::domain::roles::Role;
use crate::error::{AppError, FieldError, FieldErrors};
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::store as catalogue;
use crate::frameworks::{Framework, Organisation, Service};
use crate::http::api_json::ApiJson;
use crate::routes::frameworks::manage::actor;
use crate::state::AppState;

/// An organisation, as the API names it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiParty {
    /// Marco's id of the organisation.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// An amount of money: a decimal string, never a float, and its ISO 4217 currency.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiMoney {
    /// The amount, e.g. `470000` or `1250.50`.
    #[schema(example = "470000")]
    pub amount: String,
    /// ISO 4217 currency code.
    #[schema(example = "CLP")]
    pub currency: String,
}

fn money(amount: Decimal, currency: &str) -> ApiMoney {
    ApiMoney {
        amount: amount.normalize().to_string(),
        currency: currency.to_owned(),
    }
}

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

/// A line of an order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiOrderItem {
    /// The service's public id.
    pub service: String,
    /// The version it was priced from (immutable).
    pub version: i32,
    /// The service's name in that version.
    pub description: String,
    /// How many units, as a decimal string.
    pub quantity: String,
    /// The pricing unit.
    pub unit: String,
    /// The unit price.
    pub unit_price: ApiMoney,
    /// Quantity times unit price.
    pub line_total: ApiMoney,
}

/// A catalogue order, as its buyer or its supplier sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiOrder {
    /// The order number.
    pub id: i64,
    /// Its OCDS contracting process (published once sent to the supplier).
    pub ocid: String,
    /// `submitted`, `sent`, `accepted`, `delivered`, `received`, `invoiced`, `paid`,
    /// `rejected` or `cancelled`.
    pub status: String,
    /// The buyer.
    pub buyer: ApiParty,
    /// The supplier.
    pub supplier: ApiParty,
    /// The framework's slug.
    pub framework: String,
    /// The total.
    pub total: ApiMoney,
    /// The lines.
    pub items: Vec<ApiOrderItem>,
    /// Where to deliver (never published).
    pub delivery_address: String,
    /// The cost centre (never published).
    pub cost_centre: String,
    /// The date the buyer needs it by (RFC 3339).
    pub requested_date: String,
    /// Whether it needed a colleague's approval.
    pub needs_approval: bool,
    /// The supplier's deadline to accept, once sent.
    pub accept_by: Option<String>,
    /// When it was accepted.
    pub accepted_at: Option<String>,
    /// When the supplier said it delivered.
    pub delivered_at: Option<String>,
    /// When the buyer confirmed receipt.
    pub received_at: Option<String>,
    /// Whether everything was received.
    pub received_in_full: Option<bool>,
    /// The supplier's invoice number.
    pub invoice_number: Option<String>,
    /// When payment is due.
    pub payment_due_at: Option<String>,
    /// When it was paid.
    pub paid_at: Option<String>,
    /// Why it was rejected or cancelled.
    pub reason: Option<String>,
    /// The call-off contract, once accepted.
    pub contract_id: Option<i64>,
}

async fn api_order(state: &AppState, o: &Order) -> Result<ApiOrder, AppError> {
    let lines = store::items(&state.db, o.id).await?;
    let buyer = catalogue::organisation(&state.db, o.buyer_org_id).await?;
    let supplier = catalogue::organisation(&state.db, o.supplier_org_id).await?;
    let fw = catalogue::framework_by_id(&state.db, o.framework_id).await?;
    let mut items = Vec::with_capacity(lines.len());
    for line in &lines {
        let svc = catalogue::service_by_id(&state.db, line.service_id).await?;
        let version = catalogue::version(&state.db, line.service_version_id).await?;
        items.push(ApiOrderItem {
            service: svc.public_id,
            version: version.version,
            description: line.description.clone(),
            quantity: line.quantity.normalize().to_string(),
            unit: line.unit.clone(),
            unit_price: money(line.unit_price, &o.currency),
            line_total: money(line.line_total, &o.currency),
        });
    }
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339());
    Ok(ApiOrder {
        id: o.id,
        ocid: o.ocid.clone(),
        status: o.status.clone(),
        buyer: ApiParty {
            id: buyer.id,
            name: buyer.name,
        },
        supplier: ApiParty {
            id: supplier.id,
            name: supplier.name,
        },
        framework: fw.slug,
        total: money(o.total, &o.currency),
        items,
        delivery_address: o.delivery_address.clone(),
        cost_centre: o.cost_centre.clone(),
        requested_date: o.requested_date.date_naive().to_string(),
        needs_approval: o.needs_approval,
        accept_by: at(o.accept_by),
        accepted_at: at(o.accepted_at),
        delivered_at: at(o.delivered_at),
        received_at: at(o.received_at),
        received_in_full: o.received_in_full,
        invoice_number: o.invoice_number.clone(),
        payment_due_at: at(o.payment_due_at),
        paid_at: at(o.paid_at),
        reason: o.reason.clone(),
        contract_id: match crate::domain::order::OrderStatus::parse(&o.status) {
            Some(status) if status.has_contract() => store::contract_of_order(&state.db, o.id)
                .await?
                .map(|c| c.id),
            _ => None,
        },
    })
}

/// The orders of the caller's organisation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiOrderList {
    /// Newest first (up to 500).
    pub orders: Vec<ApiOrder>,
}

/// The orders the caller's organisation placed (buyers) or received (suppliers).
#[utoipa::path(get, path = "/api/v1/orders", tag = "api",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The orders", body = ApiOrderList),
        (status = 401, description = "No valid token", body = crate::routes::api::ApiError),
        (status = 403, description = "Not a buyer or a supplier", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn list_orders(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<ApiJson<ApiOrderList>, AppError> {
    let mut orders = Vec::new();
    for o in store::orders_of(&state.db, user.organisation_id).await? {
        orders.push(api_order(&state, &o).await?);
    }
    Ok(ApiJson(ApiOrderList { orders }))
}

/// One item to order.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewOrderItem {
    /// The service's public id.
    #[schema(required = true, min_length = 1, max_length = 64)]
    pub service: String,
    /// How many units, e.g. `3` or `2.5`.
    #[schema(
        required = true,
        max_length = 32,
        pattern = "^0*[0-9]{1,15}([.,][0-9]{1,2})?$",
        example = "3"
    )]
    pub quantity: String,
}

/// A new order to one supplier, priced from the services' current versions.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewOrder {
    /// The items, all from one supplier under one framework, in one currency.
    #[schema(required = true, min_items = 1, max_items = 50)]
    pub items: Vec<NewOrderItem>,
    /// Where to deliver.
    #[schema(required = true, min_length = 1, max_length = 500)]
    pub delivery_address: String,
    /// The cost centre that pays.
    #[schema(required = true, min_length = 1, max_length = 120)]
    pub cost_centre: String,
    /// The date it is needed by, `YYYY-MM-DD`, from today to two years ahead.
    #[schema(required = true, format = Date, example = "2027-01-31")]
    pub requested_date: String,
    /// Quotes gathered from other suppliers on the framework, needed when the deployment's
    /// large-purchase rule applies to the order's total (see the 422 field `quotes`).
    #[schema(max_items = 20)]
    pub quotes: Vec<NewQuote>,
}

/// A quote gathered before a large purchase.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewQuote {
    /// The quoting supplier's organisation id (as in `supplier.id` of the catalogue).
    #[schema(minimum = 1)]
    pub supplier: i64,
    /// The amount quoted, in the order's currency.
    #[schema(
        max_length = 32,
        pattern = "^0*[0-9]{1,15}([.,][0-9]{1,2})?$",
        example = "4500000"
    )]
    pub amount: String,
}

fn field_error(name: &str, code: &str, message: &str) -> AppError {
    let mut fields = FieldErrors::new();
    fields.insert(
        name.into(),
        FieldError {
            code: code.into(),
            message: message.into(),
        },
    );
    AppError::Invalid(fields)
}

/// Places an order. Send a unique `Idempotency-Key` with each new order: a repeat with the
/// same key and body returns the order first made (200) instead of making another; the same
/// key with another body is refused (409).
#[utoipa::path(post, path = "/api/v1/orders", tag = "api",
    security(("bearer" = [])),
    params(("Idempotency-Key" = String, Header, description = "1 to 100 letters, digits, `-` or `_`, unique per order, e.g. a UUID")),
    request_body = NewOrder,
    responses(
        (status = 201, description = "The order was placed: sent to the supplier, or waiting for a colleague's approval", body = ApiOrder, headers(("Location" = String, description = "The order's address"))),
        (status = 200, description = "A repeat of an earlier request with this key: the order it placed", body = ApiOrder),
        (status = 400, description = "The body is not valid JSON", body = crate::routes::api::ApiError),
        (status = 401, description = "No valid token", body = crate::routes::api::ApiError),
        (status = 403, description = "Not a buyer, or the token lacks the write scope", body = crate::routes::api::ApiError),
        (status = 409, description = "Refused now: the key was used for another order, nobody may approve this value, or the large-purchase rule applies", body = crate::routes::api::ApiError),
        (status = 413, description = "The body is too large", body = crate::routes::api::ApiError),
        (status = 415, description = "The body is not sent as application/json", body = crate::routes::api::ApiError),
        (status = 422, description = "A field or item is not valid, a service cannot be bought, or the key is missing; see the fields", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn create_order(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewOrder>,
) -> Result<Response, AppError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if key.is_empty() {
        return Err(field_error(
            "Idempotency-Key",
            "idempotency_key",
            "Send an Idempotency-Key header, unique per order (a UUID, for example)",
        ));
    }
    let items: Vec<(String, String)> = body
        .items
        .iter()
        .map(|i| (i.service.clone(), i.quantity.clone()))
        .collect();
    let input = Checkout {
        quotes: body
            .quotes
            .iter()
            .map(|q| (q.supplier.to_string(), q.amount.clone()))
            .collect(),
        delivery_address: body.delivery_address,
        cost_centre: body.cost_centre,
        requested_date: body.requested_date,
        idempotency_key: key,
    };
    let placed = cart::checkout(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &input,
        Source::Items(&items),
    )
    .await?;
    let id = *placed.ids.first().ok_or(AppError::NotFound)?;
    let o = store::order_for(&state.db, id, viewer(&user)).await?;
    let body = api_order(&state, &o).await?;
    let status = if placed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (status, ApiJson(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/orders/{id}")) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

/// One order of the caller's organisation.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "api",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The order number")),
    responses(
        (status = 200, description = "The order", body = ApiOrder),
        (status = 400, description = "The id is not a number", body = crate::routes::api::ApiError),
        (status = 401, description = "No valid token", body = crate::routes::api::ApiError),
        (status = 403, description = "Not a buyer or a supplier", body = crate::routes::api::ApiError),
        (status = 404, description = "No such order for this organisation", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn show_order(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<ApiJson<ApiOrder>, AppError> {
    let id = parse_id(&id)?;
    let o = store::order_for(&state.db, id, viewer(&user)).await?;
    Ok(ApiJson(api_order(&state, &o).await?))
}

fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().map_err(|_| {
        AppError::bad_request(
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("The order id is a number".into()),
        )
    })
}

/// What a person adds to an action.
#[derive(Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrderActionRequest {
    /// Why: needed to `reject` or `cancel`; an optional comment to `approve`.
    #[schema(max_length = 5000)]
    pub reason: String,
    /// A note to `deliver` or `receive`.
    #[schema(max_length = 5000)]
    pub note: String,
    /// To `receive`: whether everything was received (default true).
    pub in_full: Option<bool>,
    /// To `invoice`: the invoice number.
    #[schema(max_length = 60)]
    pub invoice_number: String,
}

/// An action's name in the path.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiOrderAction {
    /// An approver approves it (sending it to the supplier).
    Approve,
    /// An approver or the supplier refuses it, with a reason.
    Reject,
    /// The supplier accepts it before the deadline.
    Accept,
    /// Either side withdraws it before acceptance, with a reason.
    Cancel,
    /// The supplier says it delivered.
    Deliver,
    /// The buyer confirms receipt, in full or in part.
    Receive,
    /// The supplier records its invoice.
    Invoice,
    /// The buyer records payment.
    Pay,
}

/// Takes an action on an order: the same rules as the order page (who may do what, in
/// which state; nobody approves their own order; limits in the order's currency).
#[utoipa::path(post, path = "/api/v1/orders/{id}/{action}", tag = "api",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "The order number"),
        ("action" = ApiOrderAction, Path, description = "What to do"),
    ),
    request_body = OrderActionRequest,
    responses(
        (status = 200, description = "The order after the action", body = ApiOrder),
        (status = 400, description = "The body is not valid JSON, or the id is not a number", body = crate::routes::api::ApiError),
        (status = 401, description = "No valid token", body = crate::routes::api::ApiError),
        (status = 403, description = "Not a buyer or a supplier, or the token lacks the write scope", body = crate::routes::api::ApiError),
        (status = 404, description = "No such order for this organisation, or no such action", body = crate::routes::api::ApiError),
        (status = 409, description = "Not allowed in the order's state or for this person (e.g. own order, limit, deadline passed)", body = crate::routes::api::ApiError),
        (status = 413, description = "The body is too large", body = crate::routes::api::ApiError),
        (status = 415, description = "The body is not sent as application/json", body = crate::routes::api::ApiError),
        (status = 422, description = "A field is missing or not valid; see the fields", body = crate::routes::api::ApiError),
    ))]
pub(crate) async fn act_on_order(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<OrderActionRequest>,
) -> Result<ApiJson<ApiOrder>, AppError> {
    let id = parse_id(&id)?;
    let action = OrderAction::parse(&action)
        .filter(|a| !matches!(a, OrderAction::Submit | OrderAction::Send))
        .ok_or(AppError::NotFound)?;
    let input = ActionInput {
        reason: body.reason,
        note: body.note,
        in_full: body.in_full.unwrap_or(true),
        invoice_number: body.invoice_number,
    };
    let roles: Vec<Role> = user.roles.iter().copied().collect();
    let o = flow::act(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles,
        id,
        action,
        &input,
    )
    .await?;
    Ok(ApiJson(api_order(&state, &o).await?))
}
