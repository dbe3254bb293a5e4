//! Contract delivery: every call-off contract from signature to its last benefit report.
//!
//! - `delivery`: modules and their milestones; the supplier delivers with evidence, the
//!   buyer accepts or rejects with a reason, then records the payment;
//! - `changes`: extensions, variations, terminations and new modules, asked for by either
//!   side and decided by the buyer, with a second approver above the threshold;
//! - `ratings`: the buyer's ratings at each accepted milestone and at the end, the supplier's
//!   one reply, published once public;
//! - `benefits`: six-monthly benefit reports against the brief's business case;
//! - `clock`: the job that ends contracts at their end date, publishes ratings as they become
//!   public and reminds buyers of benefit reports;
//! - `ocds`: the contract's releases on its own ocid.
//!
//! Contracts made by a brief or a direct award are delivered in modules and milestones here.
//! A catalogue order's delivery, invoice and payment follow the order's own flow
//! (`buying::orders`); once paid, its contract has ended and the buyer rates it here.
//! Each flow is one transaction holding the state change, its audit entry, its OCDS release
//! and its e-mail, as in `frameworks::lifecycle`.

pub mod benefits;
pub mod changes;
pub mod clock;
pub mod delivery;
pub mod demo;
mod demo_steps;
pub mod ocds;
#[cfg(test)]
mod ocds_tests;
pub mod ratings;
pub mod store;
pub mod tasks;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

pub use crate::buying::Viewer;
pub use crate::frameworks::{Actor, FlowError};

use crate::domain::contract::Side;
use crate::domain::roles::Role;
use crate::entities::contract;
use crate::mail::{self, ContractEvent, MailKind, OutgoingMail};
use crate::state::AppState;

/// A contract as stored.
pub type Contract = crate::entities::contract::Model;
/// A module.
pub type Module = crate::entities::contract_module::Model;
/// A milestone.
pub type Milestone = crate::entities::contract_milestone::Model;
/// One delivery of a milestone.
pub type Delivery = crate::entities::contract_delivery::Model;
/// A change.
pub type Change = crate::entities::contract_change::Model;
/// A rating.
pub type Rating = crate::entities::contract_rating::Model;
/// A benefit report.
pub type Report = crate::entities::benefit_report::Model;

/// The longest free text the delivery flows take (a reason, a note, a scope).
pub const TEXT_MAX: usize = 5000;

/// Whether a contract's delivery is managed in modules and milestones here (brief and direct
/// award contracts), rather than by the order flow or the brief's challenge.
pub fn in_modules(c: &contract::Model) -> bool {
    matches!(c.route.as_str(), "brief" | "award")
}

/// Whether the contract has ended (completed or terminated).
pub fn ended(c: &contract::Model) -> bool {
    c.status == "terminated"
}

/// The contract's `id` in its OCDS releases (the one its award made).
pub fn ocds_id(c: &contract::Model) -> String {
    match c.route.as_str() {
        "order" => format!("order-{}", c.order_id.unwrap_or_default()),
        "award" => format!("award-{}", c.project_id.unwrap_or_default()),
        "brief" => format!("brief-{}-contract", c.brief_id.unwrap_or_default()),
        _ => format!("contract-{}", c.id),
    }
}

/// The `awardID` of the contract in its OCDS releases.
pub fn ocds_award_id(c: &contract::Model) -> String {
    match c.route.as_str() {
        "brief" => format!("brief-{}-award", c.brief_id.unwrap_or_default()),
        _ => ocds_id(c),
    }
}

/// The side `who` is on, if any: anyone else gets "not found".
pub fn side_of(c: &contract::Model, who: Viewer) -> Result<Side, FlowError> {
    if who.organisation_id == c.buyer_org_id {
        Ok(Side::Buyer)
    } else if who.organisation_id == c.supplier_org_id {
        Ok(Side::Supplier)
    } else {
        Err(FlowError::NotFound)
    }
}

/// Refused unless `who` is on `side`; a stranger gets "not found".
pub fn must_be(c: &contract::Model, who: Viewer, side: Side) -> Result<(), FlowError> {
    if side_of(c, who)? == side {
        Ok(())
    } else {
        Err(FlowError::Refused("wrong_side"))
    }
}

/// Refused unless `roles` holds a buyer role.
pub fn buyer_role(roles: &[Role]) -> Result<(), FlowError> {
    if roles
        .iter()
        .any(|r| matches!(r, Role::BuyerUser | Role::BuyerAdmin | Role::CanAward))
    {
        Ok(())
    } else {
        Err(FlowError::Refused("not_permitted"))
    }
}

/// `text` trimmed, refused on `field` when empty (if `required`) or too long.
pub fn text<'a>(field: &str, raw: &'a str, required: bool) -> Result<&'a str, FlowError> {
    let required = required.then_some(("required", "Enter this information"));
    crate::briefs::checked_text(field, raw, required)
}

/// The page where each side manages the contract.
pub fn link(state: &AppState, c: &contract::Model) -> String {
    format!(
        "{}/contracts/{}/manage",
        state.config.public_url.trim_end_matches('/'),
        c.id
    )
}

/// Queues a contract message to every active user of one side's organisation.
pub async fn mail_side<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    c: &contract::Model,
    side: Side,
    event: ContractEvent,
    detail: String,
) -> Result<(), FlowError> {
    let org = match side {
        Side::Buyer => c.buyer_org_id,
        Side::Supplier => c.supplier_org_id,
    };
    let people = crate::frameworks::store::recipients(txn, org).await?;
    for person in people.iter().filter(|p| p.active) {
        let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
        mail::enqueue(
            txn,
            OutgoingMail {
                to: person.email.clone(),
                lang,
                kind: MailKind::Contract {
                    event,
                    contract: c.title.clone(),
                    detail: detail.clone(),
                    link: link(state, c),
                },
            },
        )
        .await?;
    }
    Ok(())
}

/// A day as messages and pages show it.
pub fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// Publishes the contract as it now stands, inside the caller's transaction.
pub async fn publish_contract<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    contract_id: i64,
    moment: ocds::Moment,
) -> Result<store::Timeline, FlowError> {
    let c = store::contract(txn, contract_id).await?;
    let t = store::timeline(txn, c).await?;
    let buyer = crate::frameworks::store::organisation(txn, t.contract.buyer_org_id).await?;
    let supplier = crate::frameworks::store::organisation(txn, t.contract.supplier_org_id).await?;
    let body = ocds::release(&t, &buyer, &supplier);
    crate::publish::publish(txn, &state.publisher, &t.contract.ocid, moment.tags(), body).await?;
    Ok(t)
}
