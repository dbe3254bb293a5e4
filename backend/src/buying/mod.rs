//! Buying from the catalogue, two ways:
//!
//! - **Catalogue orders** (`cart`, `orders`), after ChileCompra's convenio marco store: a cart
//!   of items at catalogue prices, split into one order per supplier, approved inside the
//!   buyer's organisation when it is above the buyer's own limit, sent to the supplier,
//!   accepted (which makes a call-off contract), delivered, received, invoiced and paid.
//! - **Direct awards** (`projects`), after the UK G-Cloud process: saved and refined searches,
//!   a frozen short list of 1 to 30 services, downloads recorded, and one final outcome.
//!
//! Each flow runs in one transaction that holds the state change, its audit entry, its OCDS
//! release (`buying::ocds`) and its e-mail, so a crash loses nothing acknowledged. Access
//! rules are in `store`.

pub mod award_ocds;
pub mod cart;
pub mod checkout;
pub mod deadlines;
pub mod demo;
pub mod ocds;
pub mod orders;
pub mod projects;
pub mod quotes;
pub mod store;

pub use crate::frameworks::{Actor, FlowError};
pub use store::Viewer;

/// A catalogue order as stored.
pub type Order = crate::entities::order::Model;
/// A line of an order.
pub type OrderLine = crate::entities::order_item::Model;
/// A line of a cart.
pub type CartLine = crate::entities::cart_item::Model;
/// A call-off contract.
pub type Contract = crate::entities::contract::Model;
/// A direct-award project.
pub type Project = crate::entities::da_project::Model;

/// The service's name in a version, from its answers and its framework's content file.
pub fn version_name(
    fw: &crate::entities::framework::Model,
    lot: &str,
    version: &crate::entities::service_version::Model,
) -> Option<String> {
    let content = crate::frameworks::lifecycle::content_of(fw).ok()?;
    let answers = crate::domain::content::Answers::from_json(&version.answers).ok()?;
    content.lot(lot)?.summary(&answers).name.map(str::to_owned)
}

/// The amount `amount` of `currency` as people reading `lang` write it (`CLP 470.000`).
pub fn money_text(amount: rust_decimal::Decimal, currency: &str, lang: &str) -> String {
    match crate::domain::money::Money::from_stored(amount, currency) {
        Ok(money) => money.localized(lang),
        Err(_) => format!("{currency} {}", amount.normalize()),
    }
}
