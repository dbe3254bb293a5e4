//! A borrowed, lenient view of the fields of a compiled release that the analyses read.
//!
//! Only these fields are parsed; everything else is skipped without building values. A field of
//! the wrong JSON type reads as absent (see [`super::lenient`]).

use serde::Deserialize;

pub use super::lenient::{Bool, List, Maybe, Num, Strings, Text};

/// A compiled release, as far as the analyses read it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Compiled<'a> {
    /// `ocid`.
    #[serde(borrow)]
    pub ocid: Text<'a>,
    /// `buyer`.
    #[serde(borrow)]
    pub buyer: Maybe<OrgRef<'a>>,
    /// `tender`.
    #[serde(borrow)]
    pub tender: Maybe<Tender<'a>>,
    /// `bids`.
    #[serde(borrow)]
    pub bids: Maybe<Bids<'a>>,
    /// `awards`.
    #[serde(borrow)]
    pub awards: List<Award<'a>>,
    /// `contracts`.
    #[serde(borrow)]
    pub contracts: List<Contract<'a>>,
    /// `parties`.
    #[serde(borrow)]
    pub parties: List<Party<'a>>,
    /// `relatedProcesses`.
    #[serde(rename = "relatedProcesses", borrow)]
    pub related_processes: List<RelatedProcess<'a>>,
    /// `date`.
    #[serde(borrow)]
    pub date: Text<'a>,
}

impl<'a> Compiled<'a> {
    /// The awards whose status is `active`.
    pub fn active_awards(&self) -> impl Iterator<Item = &Award<'a>> {
        self.awards
            .items()
            .iter()
            .filter(|a| a.status.get() == Some("active"))
    }

    /// The size (`details.scale`) the parties give for organisation `id`.
    pub fn scale_of(&self, id: &str) -> Option<&str> {
        self.parties
            .items()
            .iter()
            .find(|p| p.id.get() == Some(id))
            .and_then(|p| p.details.get())
            .and_then(|d| d.scale.get())
    }

    /// The ocid of the framework agreement this process calls off from (`relatedProcesses`
    /// with the relationship `framework` and the scheme `ocid`).
    pub fn framework(&self) -> Option<&str> {
        self.related_processes
            .items()
            .iter()
            .find(|p| {
                p.relationship.iter().any(|r| r == "framework")
                    && p.scheme.get().is_none_or(|s| s == "ocid")
            })
            .and_then(|p| p.identifier.get())
    }

    /// Whether this is a framework agreement's own (first-stage) process: its tender says
    /// `techniques.hasFrameworkAgreement` and it calls off from no other framework.
    pub fn is_framework(&self) -> bool {
        self.framework().is_none()
            && self
                .tender
                .get()
                .and_then(|t| t.techniques.get())
                .is_some_and(|t| t.has_framework_agreement.0 == Some(true))
    }
}

/// A related process.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RelatedProcess<'a> {
    /// `relationship`.
    #[serde(borrow)]
    pub relationship: Strings<'a>,
    /// `scheme`.
    #[serde(borrow)]
    pub scheme: Text<'a>,
    /// `identifier`.
    #[serde(borrow)]
    pub identifier: Text<'a>,
}

/// `tender.techniques` (techniques extension).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Techniques {
    /// `hasFrameworkAgreement`.
    pub has_framework_agreement: Bool,
}

/// An organisation reference.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OrgRef<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
}

/// `tender`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Tender<'a> {
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `procurementMethod`.
    #[serde(borrow)]
    pub procurement_method: Text<'a>,
    /// `procurementMethodDetails`.
    #[serde(borrow)]
    pub procurement_method_details: Text<'a>,
    /// `tenderPeriod`.
    #[serde(borrow)]
    pub tender_period: Maybe<Period<'a>>,
    /// `procuringEntity`.
    #[serde(borrow)]
    pub procuring_entity: Maybe<OrgRef<'a>>,
    /// `numberOfTenderers`.
    pub number_of_tenderers: Num,
    /// `techniques` (extension).
    pub techniques: Maybe<Techniques>,
}

/// A period.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Period<'a> {
    /// `startDate`.
    #[serde(borrow)]
    pub start_date: Text<'a>,
    /// `endDate`.
    #[serde(borrow)]
    pub end_date: Text<'a>,
}

/// `bids`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Bids<'a> {
    /// `details`.
    #[serde(borrow)]
    pub details: List<Bid<'a>>,
}

/// One bid.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Bid<'a> {
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
    /// `tenderers`.
    #[serde(borrow)]
    pub tenderers: List<OrgRef<'a>>,
}

/// A monetary value.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Value<'a> {
    /// `amount`.
    pub amount: Num,
    /// `currency`.
    #[serde(borrow)]
    pub currency: Text<'a>,
}

impl Value<'_> {
    /// The amount and currency, when both have the right type.
    pub fn money(&self) -> Option<(f64, &str)> {
        Some((self.amount.value()?, self.currency.get()?))
    }
}

/// One award.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Award<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
    /// `suppliers`.
    #[serde(borrow)]
    pub suppliers: List<OrgRef<'a>>,
    /// `items`.
    #[serde(borrow)]
    pub items: List<Item<'a>>,
    /// `date`.
    #[serde(borrow)]
    pub date: Text<'a>,
    /// `relatedLots` (lots extension).
    #[serde(rename = "relatedLots", borrow)]
    pub related_lots: Strings<'a>,
}

/// An item, for its classification, lot and price.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Item<'a> {
    /// `classification`.
    #[serde(borrow)]
    pub classification: Maybe<OrgRef<'a>>,
    /// `relatedLot` (lots extension).
    #[serde(borrow)]
    pub related_lot: Text<'a>,
    /// `quantity`.
    pub quantity: Num,
    /// `unit`.
    #[serde(borrow)]
    pub unit: Maybe<Unit<'a>>,
}

/// An item's unit, for its price.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Unit<'a> {
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
}

/// One contract.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Contract<'a> {
    /// `awardID`.
    #[serde(rename = "awardID", borrow)]
    pub award_id: Text<'a>,
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `value`.
    #[serde(borrow)]
    pub value: Maybe<Value<'a>>,
    /// `amendments`, counted only.
    pub amendments: List<serde::de::IgnoredAny>,
    /// `implementation`.
    #[serde(borrow)]
    pub implementation: Maybe<Implementation<'a>>,
}

/// `contracts.implementation`, with Marco's `ratings` and `benefitReports` extensions.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Implementation<'a> {
    /// `milestones`.
    #[serde(borrow)]
    pub milestones: List<Milestone<'a>>,
    /// `transactions`.
    #[serde(borrow)]
    pub transactions: List<Transaction<'a>>,
    /// `ratings` (Marco's extension): the buyer's marks out of 5.
    pub ratings: List<Rating>,
    /// `benefitReports` (Marco's extension).
    pub benefit_reports: List<BenefitReport>,
}

/// A milestone.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Milestone<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
    /// `type`.
    #[serde(rename = "type", borrow)]
    pub kind: Text<'a>,
    /// `status`.
    #[serde(borrow)]
    pub status: Text<'a>,
    /// `dueDate`.
    #[serde(borrow)]
    pub due_date: Text<'a>,
    /// `dateMet`.
    #[serde(borrow)]
    pub date_met: Text<'a>,
    /// `paymentDueDate` (Marco's extension): when the milestone's payment falls due.
    #[serde(borrow)]
    pub payment_due_date: Text<'a>,
    /// `deliveries` (Marco's extension): each delivery and the buyer's decision.
    #[serde(borrow)]
    pub deliveries: List<Delivery<'a>>,
}

/// A delivery of a milestone.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Delivery<'a> {
    /// `status` (accepted, rejected, submitted).
    #[serde(borrow)]
    pub status: Text<'a>,
}

/// A transaction.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Transaction<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
    /// `date`.
    #[serde(borrow)]
    pub date: Text<'a>,
}

/// A buyer's rating of the supplier's work.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Rating {
    /// `quality`.
    pub quality: Num,
    /// `timeliness`.
    pub timeliness: Num,
    /// `communication`.
    pub communication: Num,
}

/// A benefit report.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BenefitReport {
    /// `indicators`.
    pub indicators: List<Indicator>,
}

/// One indicator of a benefit report.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Indicator {
    /// `met`: whether the target was reached.
    pub met: Bool,
}

/// A party, for its roles and size.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Party<'a> {
    /// `id`.
    #[serde(borrow)]
    pub id: Text<'a>,
    /// `details`.
    #[serde(borrow)]
    pub details: Maybe<PartyDetails<'a>>,
}

/// `details` of a party.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PartyDetails<'a> {
    /// `scale` (sme, micro, small, medium, large).
    #[serde(borrow)]
    pub scale: Text<'a>,
}
