//! Buying pages: the cart and its checkout, orders for buyers, approvers and suppliers, and
//! the public contracts register.

pub(crate) mod api;
mod cart;
pub(crate) mod contracts;
mod orders;
mod projects;

use axum::Router;
use axum::routing::{get, post};
use marco_frontend::Tr;
use marco_frontend::buying::OrderItemView;
use rust_decimal::Decimal;

use crate::auth::CurrentUser;
use crate::buying::{OrderLine, Viewer, money_text};
use crate::error::AppError;
use crate::frameworks::store as catalogue;
use crate::state::AppState;

/// The buying routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cart", get(cart::show))
        .route("/cart/items", post(cart::add))
        .route("/cart/items/{id}/delete", post(cart::remove))
        .route("/cart/checkout", post(cart::checkout))
        .route("/orders", get(orders::list))
        .route("/orders/{id}", get(orders::show))
        .route("/orders/{id}/{action}", post(orders::act))
        .route("/contracts", get(contracts::register))
        .route("/contracts.csv", get(contracts::export))
        .route("/contracts/{id}", get(contracts::show))
        .route(
            "/direct-awards/projects",
            get(projects::list).post(projects::start),
        )
        .route("/direct-awards/searches", post(projects::save_search))
        .route("/direct-awards/projects/{id}", get(projects::show))
        .route(
            "/direct-awards/projects/{id}/end-search",
            post(projects::end_search),
        )
        .route(
            "/direct-awards/projects/{id}/outcome",
            post(projects::decide),
        )
        .route(
            "/direct-awards/projects/{id}/shortlist.csv",
            get(projects::download_csv),
        )
        .route(
            "/direct-awards/projects/{id}/shortlist.xlsx",
            get(projects::download_xlsx),
        )
        .route("/direct-awards/{id}", get(projects::public_page))
        .route(
            "/api/v1/catalogue/services",
            get(api::catalogue::search_services),
        )
        .route(
            "/api/v1/catalogue/services/{id}",
            get(api::catalogue::show_service),
        )
        .route("/api/v1/frameworks", get(api::catalogue::list_frameworks))
        .route(
            "/api/v1/frameworks/{slug}",
            get(api::catalogue::show_framework),
        )
        .route(
            "/api/v1/orders",
            get(api::orders::list_orders).post(api::orders::create_order),
        )
        .route("/api/v1/orders/{id}", get(api::orders::show_order))
        .route(
            "/api/v1/orders/{id}/{action}",
            post(api::orders::act_on_order),
        )
}

/// The viewer of a request.
fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
    }
}

/// A quantity and its unit as people read it: "3 per user".
fn quantity_text(quantity: Decimal, unit: &str, tr: &Tr) -> String {
    let unit_label = tr.t(&format!("unit-{unit}"));
    let number = quantity.normalize().to_string();
    let number = if tr.lang.code() == "es" {
        number.replace('.', ",")
    } else {
        number
    };
    if unit_label.starts_with("unit-") {
        number
    } else {
        format!("{number} × {unit_label}")
    }
}

/// The lines of an order or contract, display-ready, each naming the version ordered.
async fn item_views(
    state: &AppState,
    lines: &[OrderLine],
    currency: &str,
    tr: &Tr,
) -> Result<Vec<OrderItemView>, AppError> {
    let lang = tr.lang.code();
    Ok(lines
        .iter()
        .zip(line_refs(state, lines).await?)
        .map(|(line, (service_id, version))| OrderItemView {
            service_id,
            description: line.description.clone(),
            version,
            quantity: quantity_text(line.quantity, &line.unit, tr),
            unit_price: money_text(line.unit_price, currency, lang),
            line_total: money_text(line.line_total, currency, lang),
        })
        .collect())
}

/// The service public id and version number each order line points to: two queries for all
/// the lines.
pub(super) async fn line_refs(
    state: &AppState,
    lines: &[OrderLine],
) -> Result<Vec<(String, i32)>, AppError> {
    let services = catalogue::services_by_id(&state.db, lines.iter().map(|l| l.service_id)).await?;
    let versions =
        catalogue::versions_by_id(&state.db, lines.iter().map(|l| l.service_version_id)).await?;
    lines
        .iter()
        .map(|line| {
            match (
                services.get(&line.service_id),
                versions.get(&line.service_version_id),
            ) {
                (Some(svc), Some(version)) => Ok((svc.public_id.clone(), version.version)),
                _ => Err(AppError::NotFound),
            }
        })
        .collect()
}
