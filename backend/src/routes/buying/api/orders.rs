//! Orders through the API: list, create idempotently, read, and each action.

use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::super::viewer;
use super::{ApiMoney, ApiParty, field_error, money};
use crate::auth::CurrentUser;
use crate::auth::limits::ClientIp;
use crate::buying::checkout::{self, Checkout, Source};
use crate::buying::orders::{self as flow, ActionInput};
use crate::buying::{Order, store};
use crate::domain::order::OrderAction;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::frameworks::store as catalogue;
use crate::http::api_json::ApiJson;
use crate::routes::frameworks::manage::actor;
use crate::state::AppState;

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
    let items = lines
        .iter()
        .zip(super::super::line_refs(state, &lines).await?)
        .map(|(line, (service, version))| ApiOrderItem {
            service,
            version,
            description: line.description.clone(),
            quantity: line.quantity.normalize().to_string(),
            unit: line.unit.clone(),
            unit_price: money(line.unit_price, &o.currency),
            line_total: money(line.line_total, &o.currency),
        })
        .collect();
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
    let placed = checkout::checkout(
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
        .filter(|a| a.by_people())
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
