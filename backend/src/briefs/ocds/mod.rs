//! The OCDS releases of a brief. A brief is a mini-competition under a framework agreement:
//! its own contracting process (`{prefix}-co-brief-{n}`), linked to the framework by
//! `relatedProcesses` (`framework`), with `tender.competitive` true and the framework's
//! `procurementMethod` (OCDS framework guidance; ../shared/ocds/GUIDE.md section 1.5).
//!
//! | moment | tags | what changes |
//! | --- | --- | --- |
//! | published | `planning`, `tender` | the business case (`planning.businessCase`), the tender with its lot, criteria, weights, periods and documents |
//! | edited, or a question answered | `tenderUpdate` | the tender as it now is; answers counted in the clarifications document |
//! | closing date moved | `tenderAmendment` | the new periods, and an entry in `tender.amendments` |
//! | withdrawn | `tenderCancellation` | status `cancelled`, with the reason |
//! | challenge begun | `tenderUpdate` | a `relatedProcesses` entry (`subContract`) for each paid challenge order |
//! | awarded | `award` | `bids` (statistics, and details without unsuccessful prices unless configured), the award |
//! | not awarded | `tenderUpdate` | status `unsuccessful`, with the reason |
//! | contract made | `contract` | the contract |
//!
//! Nothing of a response is published before the award: not its content, not its count. The
//! asker of a question is never published, nor the panel's names or individual scores.

mod award;
mod challenge;
mod tender;
#[cfg(test)]
mod tests;

pub use award::{Responder, award_id, award_release, bids, contract_release};
pub use challenge::{challenge_link, challenge_order};
pub use tender::tender_release;

use chrono::{DateTime, SecondsFormat, Utc};
use ocds_schema::model::{Amount, Organization, RelatedProcess, Value};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::entities::{brief, framework, organisation};
use crate::publish::{ocids, parties};

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn value(amount: Decimal, currency: &str) -> Value {
    Value {
        amount: Amount(amount).into(),
        currency: currency.to_owned().into(),
        ..Default::default()
    }
}

/// What every release of a brief needs besides the brief.
#[derive(Clone, Debug)]
pub struct Context<'a> {
    /// The buying organisation.
    pub buyer: &'a organisation::Model,
    /// The framework.
    pub framework: &'a framework::Model,
    /// The framework's ocid.
    pub framework_ocid: &'a str,
    /// The lot's name.
    pub lot_name: &'a str,
    /// The deployment's public URL.
    pub public_url: &'a str,
}

impl Context<'_> {
    pub(super) fn page(&self, b: &brief::Model) -> String {
        format!(
            "{}/opportunities/{}",
            self.public_url.trim_end_matches('/'),
            b.id
        )
    }
}

pub(super) fn framework_link(ctx: &Context<'_>) -> RelatedProcess {
    ocids::framework_link(ctx.framework_ocid, &ctx.framework.name)
}

pub(super) fn base(
    parties: Vec<Organization>,
    ctx: &Context<'_>,
    related: Vec<RelatedProcess>,
) -> serde_json::Map<String, Json> {
    let mut body = serde_json::Map::new();
    body.insert("parties".into(), parties::to_value(&parties));
    body.insert(
        "buyer".into(),
        parties::to_value(&parties::reference(ctx.buyer)),
    );
    let mut links = vec![framework_link(ctx)];
    links.extend(related);
    body.insert("relatedProcesses".into(), parties::to_value(&links));
    body
}

/// The `relatedProcesses` entry of a brief that buys the next module of an earlier contract:
/// the contract's own contracting process, as the `prior` process.
pub fn prior_contract(c: &crate::entities::contract::Model) -> RelatedProcess {
    RelatedProcess {
        id: "prior-contract".to_owned().into(),
        relationship: vec![ocds_schema::model::RelatedProcessKind::Prior].into(),
        title: c.title.clone().into(),
        scheme: ocds_schema::model::RelatedProcessScheme::Ocid.into(),
        identifier: c.ocid.clone().into(),
        ..Default::default()
    }
}
