//! The public catalogue: keyword and facet search (with a CSV export), service pages with
//! their version and price history, supplier profiles, and supplier and manager actions on
//! services.

pub(crate) mod search;
mod services;
mod suppliers;

use axum::Router;
use axum::routing::{get, post};
use marco_frontend::Tr;
use rust_decimal::Decimal;

use crate::domain::content::ContentFile;
use crate::error::AppError;
use crate::frameworks::Framework;
use crate::frameworks::lifecycle::content_of;
use crate::frameworks::store;
use crate::state::AppState;
use search::{export_catalogue, search_catalogue};
use services::{change_service_status, edit_service, remove_service, save_service, show_service};
use suppliers::{change_suspension, show_supplier};

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
) -> Result<Vec<(Framework, std::sync::Arc<ContentFile>)>, AppError> {
    let mut out = Vec::new();
    for fw in store::frameworks(&state.db).await? {
        if let Ok(content) = content_of(&fw) {
            out.push((fw, content));
        }
    }
    Ok(out)
}

/// A price with its unit as people read it (`CLP 470,000 per user`), or "no price".
pub(crate) fn format_price(
    amount: Option<Decimal>,
    unit: Option<&str>,
    currency: &str,
    tr: &Tr,
) -> String {
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
            // A price stored without a known currency still shows its amount.
            format!(
                "{}{unit}",
                crate::buying::money_text(amount, currency, tr.lang.code())
            )
        }
        None => tr.t("cat-no-price"),
    }
}
