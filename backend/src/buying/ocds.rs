//! The OCDS releases of a catalogue order, its own contracting process linked to its
//! framework (`relatedProcesses` `framework`). As the standard's guidance on catalogue
//! purchases says, the order is an award plus one contract, so its value is counted once.
//!
//! | moment | tags | what changes |
//! | --- | --- | --- |
//! | sent to the supplier | `award` | parties, buyer, tender (`direct`, not competitive), a pending award with the items |
//! | accepted | `award`, `contract` | the award becomes active; the contract with items, value and period |
//! | refused by the supplier, or withdrawn after sending | `awardUpdate` | the award becomes unsuccessful or cancelled |
//! | delivered, received, invoiced | `implementation` | `implementation.milestones` (delivery, receipt, payment) |
//! | paid | `implementation`, `contractUpdate` | the payment transaction, the payment milestone met, the contract terminated (completed) |
//!
//! An order refused inside the buyer's organisation was never sent, so it is never published.
//! The delivery address, cost centre, approval comment, notes and the people involved are
//! never in a release; free-text reasons are not published either, only what happened.

use chrono::{DateTime, SecondsFormat, Utc};
use ocds_schema::model::{
    Amount, Award, AwardStatus, Bids, Contract, ContractStatus, Id, Implementation, Item, Lot,
    Method, Milestone, MilestoneStatus, MilestoneType, PartyRole, ProcurementCategory, Release,
    Statistic, StatisticMeasure, Tender, TenderStatus, Transaction, Unit, Value,
};
use serde_json::json;

use crate::domain::order::OrderStatus;
use crate::entities::{order, order_item, organisation};
use crate::publish::{ocids, parties};

/// The framework an order was called off from, as the release names it.
#[derive(Clone, Debug)]
pub struct FrameworkRef<'a> {
    /// Its ocid.
    pub ocid: &'a str,
    /// Its name.
    pub name: &'a str,
}

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The award and contract id of an order.
pub fn award_id(o: &order::Model) -> String {
    format!("order-{}", o.id)
}

fn value(amount: rust_decimal::Decimal, currency: &str) -> Value {
    Value {
        amount: Amount(amount).into(),
        currency: currency.to_owned().into(),
        ..Default::default()
    }
}

fn quantity(q: rust_decimal::Decimal) -> serde_json::Number {
    serde_json::from_str(&q.normalize().to_string()).unwrap_or_else(|_| serde_json::Number::from(0))
}

/// The lines of an order as OCDS items, each with its unit price.
pub fn items(o: &order::Model, lines: &[order_item::Model]) -> Vec<Item> {
    lines
        .iter()
        .map(|line| Item {
            id: Id::String(line.id.to_string()).into(),
            description: line.description.clone().into(),
            quantity: quantity(line.quantity).into(),
            unit: Unit {
                name: line.unit.replace('_', " ").into(),
                value: value(line.unit_price, &o.currency).into(),
                ..Default::default()
            }
            .into(),
            related_lot: line.lot.clone().into(),
            ..Default::default()
        })
        .collect()
}

/// The framework lots an order's lines come from, each once, in order.
pub fn lots(lines: &[order_item::Model]) -> Vec<String> {
    let mut lots: Vec<String> = lines.iter().map(|l| l.lot.clone()).collect();
    lots.sort();
    lots.dedup();
    lots
}

/// Sent to the supplier: the whole process as far as it is known.
pub fn sent(
    o: &order::Model,
    lines: &[order_item::Model],
    buyer: &organisation::Model,
    supplier: &organisation::Model,
    framework: &FrameworkRef<'_>,
    quotes: u64,
) -> serde_json::Value {
    let mut tender = Tender {
        id: Id::String(award_id(o)).into(),
        title: format!("Catalogue order {} under {}", o.id, framework.name).into(),
        status: TenderStatus::Complete.into(),
        procuring_entity: parties::reference(buyer).into(),
        procurement_method: Method::Direct.into(),
        procurement_method_details: format!(
            "Catalogue order at the prices listed under the {} framework agreement, without further competition",
            framework.name
        )
        .into(),
        main_procurement_category: ProcurementCategory::Services.into(),
        // The framework's lots the order calls off from, by the framework's lot ids.
        lots: lots(lines)
            .into_iter()
            .map(|id| Lot {
                id: id.into(),
                status: TenderStatus::Complete.into(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into(),
        ..Default::default()
    };
    tender.extra.insert("competitive".into(), json!(false));
    let release = Release {
        language: "en".to_owned().into(),
        parties: vec![
            parties::party(buyer, &[PartyRole::Buyer, PartyRole::ProcuringEntity]),
            parties::party(supplier, &[PartyRole::Supplier]),
        ]
        .into(),
        buyer: parties::reference(buyer).into(),
        tender: tender.into(),
        awards: vec![Award {
            id: Id::String(award_id(o)).into(),
            title: format!("Catalogue order {}", o.id).into(),
            status: AwardStatus::Pending.into(),
            date: o.sent_at.map(date).into(),
            value: value(o.total, &o.currency).into(),
            suppliers: vec![parties::reference(supplier)].into(),
            items: items(o, lines).into(),
            related_lots: lots(lines).into(),
            ..Default::default()
        }]
        .into(),
        related_processes: vec![ocids::framework_link(framework.ocid, framework.name)].into(),
        bids: if quotes > 0 {
            // A large purchase: how many suppliers quoted before the order went to the lowest.
            Bids {
                statistics: vec![Statistic {
                    id: "quotes".to_owned().into(),
                    measure: StatisticMeasure::from("bids").into(),
                    value: serde_json::Number::from(quotes).into(),
                    notes: "Quotes gathered from suppliers on the framework before a large purchase; the order went to the lowest"
                        .to_owned()
                        .into(),
                    ..Default::default()
                }]
                .into(),
                ..Default::default()
            }
            .into()
        } else {
            Default::default()
        },
        ..Default::default()
    };
    parties::to_value(&release)
}

/// Accepted by the supplier: the award is active and the contract exists.
pub fn accepted(
    o: &order::Model,
    lines: &[order_item::Model],
    supplier: &organisation::Model,
    period_end: DateTime<Utc>,
) -> serde_json::Value {
    let accepted_at = o.accepted_at.unwrap_or(o.updated_at);
    let release = Release {
        awards: vec![Award {
            id: Id::String(award_id(o)).into(),
            status: AwardStatus::Active.into(),
            ..Default::default()
        }]
        .into(),
        contracts: vec![Contract {
            id: Id::String(award_id(o)).into(),
            award_id: Id::String(award_id(o)).into(),
            title: format!("Catalogue order {}", o.id).into(),
            status: ContractStatus::Active.into(),
            period: ocds_schema::model::Period {
                start_date: date(accepted_at).into(),
                end_date: date(period_end.max(accepted_at)).into(),
                ..Default::default()
            }
            .into(),
            value: value(o.total, &o.currency).into(),
            items: items(o, lines).into(),
            date_signed: date(accepted_at).into(),
            suppliers: vec![parties::reference(supplier)].into(),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// How a sent order ended without a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// The supplier refused it (`unsuccessful`).
    Refused,
    /// Either side withdrew it after sending (`cancelled`).
    Withdrawn,
    /// Nobody answered before the deadline (`cancelled`).
    Lapsed,
}

/// A sent order ended without a contract: the tender and award close, saying why in general
/// terms (free-text reasons are not published).
pub fn closed(o: &order::Model, ending: Ending) -> serde_json::Value {
    let (tender_status, award_status, description) = match ending {
        Ending::Refused => (
            TenderStatus::Unsuccessful,
            AwardStatus::Unsuccessful,
            "The supplier did not accept the order.",
        ),
        Ending::Withdrawn => (
            TenderStatus::Cancelled,
            AwardStatus::Cancelled,
            "The order was withdrawn before the supplier accepted it.",
        ),
        Ending::Lapsed => (
            TenderStatus::Cancelled,
            AwardStatus::Cancelled,
            "The supplier did not accept the order before the deadline.",
        ),
    };
    let release = Release {
        tender: Tender {
            id: Id::String(award_id(o)).into(),
            status: tender_status.into(),
            ..Default::default()
        }
        .into(),
        awards: vec![Award {
            id: Id::String(award_id(o)).into(),
            status: award_status.into(),
            description: description.to_owned().into(),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// The milestones of an order's delivery so far: delivery, receipt and payment.
pub fn milestones(o: &order::Model) -> Vec<Milestone> {
    let mut found = vec![Milestone {
        id: Id::String("delivery".into()).into(),
        title: "Delivery".to_owned().into(),
        r#type: MilestoneType::Delivery.into(),
        due_date: date(o.requested_date).into(),
        date_met: o.delivered_at.or(o.received_at).map(date).into(),
        status: if o.delivered_at.is_some() || o.received_at.is_some() {
            MilestoneStatus::Met
        } else {
            MilestoneStatus::Scheduled
        }
        .into(),
        ..Default::default()
    }];
    if let Some(received) = o.received_at {
        found.push(Milestone {
            id: Id::String("receipt".into()).into(),
            title: "Receipt confirmed by the buyer".to_owned().into(),
            r#type: MilestoneType::Delivery.into(),
            date_met: date(received).into(),
            status: if o.received_in_full == Some(false) {
                MilestoneStatus::PartiallyMet
            } else {
                MilestoneStatus::Met
            }
            .into(),
            ..Default::default()
        });
    }
    if let Some(due) = o.payment_due_at {
        found.push(Milestone {
            id: Id::String("payment".into()).into(),
            title: "Payment of the invoice".to_owned().into(),
            r#type: MilestoneType::Payment.into(),
            due_date: date(due).into(),
            date_met: o.paid_at.map(date).into(),
            status: if o.paid_at.is_some() {
                MilestoneStatus::Met
            } else {
                MilestoneStatus::Scheduled
            }
            .into(),
            ..Default::default()
        });
    }
    found
}

/// Delivery, receipt, invoice or payment: the contract's implementation as it is now.
pub fn implementation(
    o: &order::Model,
    buyer: &organisation::Model,
    supplier: &organisation::Model,
) -> serde_json::Value {
    let paid = OrderStatus::parse(&o.status) == Some(OrderStatus::Paid);
    let transactions: Vec<Transaction> = o
        .paid_at
        .map(|at| Transaction {
            id: Id::String(format!("payment-{}", o.id)).into(),
            date: date(at).into(),
            value: value(o.invoice_amount.unwrap_or(o.total), &o.currency).into(),
            payer: parties::reference(buyer).into(),
            payee: parties::reference(supplier).into(),
            ..Default::default()
        })
        .into_iter()
        .collect();
    let release = Release {
        contracts: vec![Contract {
            id: Id::String(award_id(o)).into(),
            award_id: Id::String(award_id(o)).into(),
            status: if paid {
                ContractStatus::Terminated.into()
            } else {
                Default::default()
            },
            implementation: Implementation {
                milestones: milestones(o).into(),
                transactions: if transactions.is_empty() {
                    Default::default()
                } else {
                    transactions.into()
                },
                ..Default::default()
            }
            .into(),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}
