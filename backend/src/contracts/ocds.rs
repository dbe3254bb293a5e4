//! A contract's delivery releases, on the contract's own ocid (the call-off process that made
//! it). Each release carries the whole contract as it now stands, so the compiled record
//! shows its whole history and the latest state.
//!
//! | moment | tags | what changes |
//! | --- | --- | --- |
//! | a milestone planned, delivered, accepted or rejected | `implementation` | `implementation.milestones` (status, due date, date met, deliveries) |
//! | a payment | `implementation` | `implementation.transactions` (`payment-milestone-n`), the milestone's invoice and payment due dates |
//! | an extension, variation or new module | `contractAmendment` | `contracts.amendments` with the rationale, the new value, period and items (one per module) |
//! | a termination | `contractTermination` | status `terminated`, the end date, an amendment with the rationale |
//! | the end date reached | `contractUpdate` | status `terminated`; milestones never met become `notMet` |
//! | a rating becomes public, or its reply | `implementationUpdate` | `implementation.ratings` (`ocds_marco_supplierRatings_extension`) |
//! | a benefit report | `implementationUpdate` | `implementation.benefitReports` (`ocds_marco_benefitReports_extension`) |
//!
//! Never published: evidence links and files, the supplier's delivery notes, the buyer's
//! reasons for rejecting a delivery or refusing a change, changes not (yet) made, ratings
//! before they are public, and the people involved.
//!
//! A catalogue order's contract is delivered through the order's own releases
//! (`buying::ocds`); for it only `implementation.ratings` is published here.

use chrono::{DateTime, SecondsFormat, Utc};
use ocds_schema::model::{
    Amendment, Amount, Contract, ContractStatus, Id, Implementation, Item, Milestone,
    MilestoneStatus as OcdsMilestoneStatus, MilestoneType, Period, Release, Transaction, Unit,
    Value,
};
use serde_json::{Value as Json, json};

use super::store::Timeline;
use crate::domain::contract::{ChangeKind, ChangeStatus, IndicatorResult, MilestoneStatus};
use crate::entities::organisation;
use crate::publish::parties;

/// What a release reports, which decides its tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// A milestone planned, delivered, decided or paid.
    Implementation,
    /// An extension, variation or new module.
    Amendment,
    /// The contract ended early.
    Termination,
    /// The contract reached its end date.
    Completion,
    /// A rating (or its reply) published, or a benefit report filed.
    Update,
}

impl Moment {
    /// The release's tags.
    pub fn tags(self) -> &'static [&'static str] {
        match self {
            Moment::Implementation => &["implementation"],
            Moment::Amendment => &["contractAmendment"],
            Moment::Termination => &["contractTermination"],
            Moment::Completion => &["contractUpdate"],
            Moment::Update => &["implementationUpdate"],
        }
    }
}

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn value(amount: rust_decimal::Decimal, currency: &str) -> Value {
    Value {
        amount: Amount(amount).into(),
        currency: currency.to_owned().into(),
        ..Default::default()
    }
}

/// An amount as the (English) release text writes it.
fn money_text(amount: rust_decimal::Decimal, currency: &str) -> String {
    crate::buying::money_text(amount, currency, "en")
}

/// The public words of an approved change, for its amendment's description.
pub fn describe(t: &Timeline, change: &super::Change) -> String {
    let c = &t.contract;
    match ChangeKind::parse(&change.kind) {
        Some(ChangeKind::Extension) => format!(
            "End date moved from {} to {}",
            super::day(change.end_before),
            change.new_end_at.map(super::day).unwrap_or_default()
        ),
        Some(ChangeKind::Variation) => {
            let mut parts = Vec::new();
            if let Some(v) = change.new_value {
                parts.push(format!(
                    "value changed from {} to {}",
                    money_text(change.value_before, &c.currency),
                    money_text(v, &c.currency)
                ));
            }
            if let Some(end) = change.new_end_at {
                parts.push(format!(
                    "end date moved from {} to {}",
                    super::day(change.end_before),
                    super::day(end)
                ));
            }
            let text = parts.join("; ");
            let mut chars = text.chars();
            chars
                .next()
                .map(|f| f.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        Some(ChangeKind::Module) => {
            let module = t.modules.iter().find(|m| m.change_id == Some(change.id));
            format!(
                "Module {} added: {} ({}, {} to {})",
                module.map_or(0, |m| m.number),
                change.module_scope.as_deref().unwrap_or_default(),
                module.map_or_else(String::new, |m| money_text(m.value, &m.currency)),
                module.map(|m| super::day(m.start_at)).unwrap_or_default(),
                module.map(|m| super::day(m.end_at)).unwrap_or_default(),
            )
        }
        Some(ChangeKind::Termination) => "Terminated early".to_owned(),
        None => String::new(),
    }
}

fn milestone(t: &Timeline, m: &super::Milestone) -> Milestone {
    let status = Timeline::status(m);
    let ocds_status = if status.met() {
        OcdsMilestoneStatus::Met
    } else if m.ended_unmet_at.is_some() {
        OcdsMilestoneStatus::NotMet
    } else {
        OcdsMilestoneStatus::Scheduled
    };
    let module = t.modules.iter().find(|x| x.id == m.module_id);
    let mut out = Milestone {
        id: Id::String(format!("milestone-{}", m.number)).into(),
        title: m.title.clone().into(),
        r#type: MilestoneType::Delivery.into(),
        description: module
            .map(|x| format!("Module {}", x.number))
            .unwrap_or_default()
            .into(),
        due_date: date(m.due_at).into(),
        date_met: m.accepted_at.map(date).into(),
        date_modified: date(m.updated_at).into(),
        status: ocds_status.into(),
        ..Default::default()
    };
    out.extra.insert(
        "value".into(),
        parties::to_value(&value(m.amount, &m.currency)),
    );
    let deliveries: Vec<Json> = t
        .deliveries_of(m.id)
        .map(|d| {
            let mut one = json!({
                "id": format!("delivery-{}", d.number),
                "date": date(d.delivered_at),
                "decisionDueDate": date(d.decide_by),
                "status": d.decision,
            });
            if let Some(at) = d.decided_at {
                one["decisionDate"] = json!(date(at));
            }
            one
        })
        .collect();
    if !deliveries.is_empty() {
        out.extra
            .insert("deliveries".into(), Json::Array(deliveries));
    }
    if let Some(at) = m.invoice_date {
        out.extra.insert("invoiceDate".into(), json!(date(at)));
    }
    if let Some(at) = m.payment_due_at {
        out.extra.insert("paymentDueDate".into(), json!(date(at)));
    }
    out
}

fn ratings(t: &Timeline) -> Vec<Json> {
    t.ratings
        .iter()
        .filter(|r| r.published_at.is_some())
        .map(|r| {
            let milestone = r.milestone_id.and_then(|id| {
                t.milestones
                    .iter()
                    .find(|m| m.id == id)
                    .map(|m| format!("milestone-{}", m.number))
            });
            let mut one = json!({
                "id": format!("rating-{}", r.id),
                "date": date(r.rated_at),
                "stage": if r.milestone_id.is_some() { "milestone" } else { "final" },
                "quality": r.quality,
                "timeliness": r.timeliness,
                "communication": r.communication,
                "comment": r.comment,
            });
            if let Some(m) = milestone {
                one["milestoneID"] = json!(m);
            }
            if let (Some(reply), Some(at)) = (&r.reply, r.replied_at) {
                one["reply"] = json!(reply);
                one["replyDate"] = json!(date(at));
            }
            one
        })
        .collect()
}

fn reports(t: &Timeline) -> Vec<Json> {
    t.reports
        .iter()
        .map(|r| {
            let indicators: Vec<IndicatorResult> =
                serde_json::from_str(&r.indicators).unwrap_or_default();
            json!({
                "id": format!("report-{}", r.period),
                "period": r.period,
                "dueDate": date(r.due_at),
                "date": date(r.filed_at),
                "indicators": indicators.iter().map(|i| json!({
                    "id": i.id,
                    "title": i.name,
                    "baseline": i.baseline,
                    "target": i.target,
                    "value": i.value,
                    "met": i.met,
                })).collect::<Vec<_>>(),
                "notes": r.notes,
            })
        })
        .collect()
}

/// The release body of a contract as it now stands (the publisher adds ocid, id, date, tag).
pub fn release(t: &Timeline, buyer: &organisation::Model, supplier: &organisation::Model) -> Json {
    let c = &t.contract;
    let mut implementation = Implementation::default();
    let rated = ratings(t);
    if !rated.is_empty() {
        implementation
            .extra
            .insert("ratings".into(), Json::Array(rated));
    }
    let mut contract = Contract {
        id: Id::String(super::ocds_id(c)).into(),
        award_id: Id::String(super::ocds_award_id(c)).into(),
        ..Default::default()
    };
    if super::in_modules(c) {
        implementation.milestones = t
            .milestones
            .iter()
            .map(|m| milestone(t, m))
            .collect::<Vec<_>>()
            .into();
        implementation.transactions = t
            .milestones
            .iter()
            .filter_map(|m| {
                let paid = m.paid_at?;
                Some(Transaction {
                    id: Id::String(format!("payment-milestone-{}", m.number)).into(),
                    date: date(paid).into(),
                    value: value(m.amount, &m.currency).into(),
                    payer: parties::reference(buyer).into(),
                    payee: parties::reference(supplier).into(),
                    ..Default::default()
                })
            })
            .collect::<Vec<_>>()
            .into();
        let reported = reports(t);
        if !reported.is_empty() {
            implementation
                .extra
                .insert("benefitReports".into(), Json::Array(reported));
        }
        contract.status = if super::ended(c) {
            ContractStatus::Terminated
        } else {
            ContractStatus::Active
        }
        .into();
        contract.value = value(c.value, &c.currency).into();
        contract.period = Period {
            start_date: Some(date(c.start_at)).into(),
            end_date: Some(date(
                c.ended_at.unwrap_or(c.end_at).min(c.end_at).max(c.start_at),
            ))
            .into(),
            ..Default::default()
        }
        .into();
        contract.items = t
            .modules
            .iter()
            .map(|m| Item {
                id: Id::String(format!("module-{}", m.number)).into(),
                description: m.scope.clone().into(),
                quantity: serde_json::Number::from(1).into(),
                unit: Unit {
                    name: "module".to_owned().into(),
                    value: value(m.value, &m.currency).into(),
                    ..Default::default()
                }
                .into(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into();
        contract.amendments = t
            .changes
            .iter()
            .filter(|ch| ChangeStatus::parse(&ch.status) == Some(ChangeStatus::Approved))
            .map(|ch| Amendment {
                id: format!("change-{}", ch.id).into(),
                date: ch.decided_at.map(date).into(),
                rationale: ch.reason.clone().into(),
                description: describe(t, ch).into(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into();
    }
    let release = Release {
        // The parties and their roles were published when the contract was made; a release
        // listing them again would replace their roles in the record.
        contracts: vec![Contract {
            implementation: implementation.into(),
            ..contract
        }]
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// Whether a milestone is met on its due date (for pages).
pub fn on_time(m: &super::Milestone) -> Option<bool> {
    let met = MilestoneStatus::parse(&m.status).is_some_and(MilestoneStatus::met);
    met.then(|| m.accepted_at.is_some_and(|at| at <= m.due_at))
}
