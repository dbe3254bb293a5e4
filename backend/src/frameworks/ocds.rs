//! The OCDS releases of a framework's set-up process, shaped like the standard's worked
//! framework examples: planning and tender at open (with lots and
//! `techniques.hasFrameworkAgreement`), one award per admitted supplier at standstill, the
//! signed agreement as a document of that award (never a `contracts` entry), and amendments at
//! refresh and expiry.
//!
//! Only organisations are named. People (signatories, evaluators, contacts) never appear:
//! a signatory is described by role only.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use ocds_schema::model::PartyRole;

use crate::entities::{framework, organisation};
use crate::publish::parties;

/// A lot as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotInfo {
    /// The slug from the content file (the lot id).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: String,
}

/// A supplier admitted to the framework, with the lots it was admitted to.
#[derive(Clone, Debug)]
pub struct Admission<'a> {
    /// The supplier.
    pub supplier: &'a organisation::Model,
    /// Lot ids.
    pub lots: Vec<String>,
}

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub use crate::publish::parties::party_id;

/// The party entry of an organisation with `roles`, as release JSON.
fn party(org: &organisation::Model, roles: &[PartyRole]) -> Value {
    parties::to_value(&parties::party(org, roles))
}

fn reference(org: &organisation::Model) -> Value {
    parties::to_value(&parties::reference(org))
}

/// The award id of a supplier's admission.
pub fn award_id(fw: &framework::Model, supplier: &organisation::Model) -> String {
    format!("{}-{}", fw.slug, supplier.id)
}

/// Planning and tender, published when the framework opens.
pub fn opened(
    fw: &framework::Model,
    lots: &[LotInfo],
    procuring_entity: &organisation::Model,
    previous_ocid: Option<&str>,
    opened_at: DateTime<Utc>,
) -> Value {
    let mut body = json!({
        "language": "en",
        "parties": [party(procuring_entity, &[PartyRole::ProcuringEntity])],
        "planning": {
            "rationale": format!(
                "{} is iteration {} of the {} framework agreement, through which public buyers \
                 call off services from admitted suppliers.",
                fw.name, fw.iteration, fw.family
            ),
        },
        "tender": {
            "id": fw.slug,
            "title": fw.name,
            "description": fw.description,
            "status": "active",
            "procuringEntity": reference(procuring_entity),
            "procurementMethod": "open",
            "procurementMethodDetails": "Framework agreement open to any supplier that meets the published requirements",
            "mainProcurementCategory": "services",
            "techniques": {"hasFrameworkAgreement": true},
            "hasEnquiries": true,
            "enquiryPeriod": {
                "startDate": date(opened_at),
                "endDate": date(fw.clarifications_close_at),
            },
            "tenderPeriod": {
                "startDate": date(opened_at),
                "endDate": date(fw.applications_close_at),
            },
            "awardPeriod": {"startDate": date(fw.intention_to_award_at)},
            "contractPeriod": {
                "startDate": date(fw.goes_live_at),
                "endDate": date(fw.expires_at),
            },
            "lots": lots.iter().map(|lot| json!({
                "id": lot.id,
                "title": lot.title,
                "description": lot.description,
                "status": "active",
            })).collect::<Vec<_>>(),
        },
    });
    if let Some(previous) = previous_ocid {
        body["relatedProcesses"] = json!([{
            "id": "prior",
            "relationship": ["prior"],
            "title": "The previous iteration of this framework agreement",
            "scheme": "ocid",
            "identifier": previous,
        }]);
    }
    body
}

/// Applications closed: how many suppliers applied (not who).
pub fn closed(fw: &framework::Model, applicants: u64) -> Value {
    json!({
        "tender": {
            "id": fw.slug,
            "status": "active",
            "numberOfTenderers": applicants,
        },
    })
}

/// Results at standstill: one pending award per admitted supplier; the tender is complete
/// because this iteration admits no more suppliers.
pub fn awarded(fw: &framework::Model, admissions: &[Admission<'_>], at: DateTime<Utc>) -> Value {
    json!({
        "parties": admissions.iter().map(|a| party(a.supplier, &[PartyRole::Supplier])).collect::<Vec<_>>(),
        "tender": {"id": fw.slug, "status": "complete"},
        "awards": admissions.iter().map(|a| json!({
            "id": award_id(fw, a.supplier),
            "title": format!("{}: admission of {}", fw.name, a.supplier.name),
            "status": "pending",
            "date": date(at),
            "suppliers": [reference(a.supplier)],
            "relatedLots": a.lots,
        })).collect::<Vec<_>>(),
    })
}

/// The framework agreement of one supplier, countersigned: the award becomes active and
/// carries the signed agreement as a document and the agreement's period.
pub fn agreement_signed(
    fw: &framework::Model,
    supplier: &organisation::Model,
    lots: &[String],
    signer_role: &str,
    signed_at: DateTime<Utc>,
    countersigned_at: DateTime<Utc>,
    agreement_url: &str,
) -> Value {
    json!({
        "parties": [party(supplier, &[PartyRole::Supplier])],
        "awards": [{
            "id": award_id(fw, supplier),
            "status": "active",
            "suppliers": [reference(supplier)],
            "relatedLots": lots,
            "contractPeriod": {
                "startDate": date(fw.goes_live_at),
                "endDate": date(fw.expires_at),
            },
            "documents": [{
                "id": format!("agreement-{}", supplier.id),
                "documentType": "contractSigned",
                "title": format!("{} framework agreement", fw.name),
                "description": format!(
                    "Signed for the supplier by its {} on {}; countersigned by the framework manager on {}.",
                    signer_role,
                    signed_at.format("%Y-%m-%d"),
                    countersigned_at.format("%Y-%m-%d"),
                ),
                "url": agreement_url,
                "format": "text/html",
                "datePublished": date(countersigned_at),
            }],
        }],
    })
}

/// The next iteration exists: the framework names it as its renewal.
pub fn renewed(fw: &framework::Model, next_ocid: &str, next_name: &str) -> Value {
    json!({
        "tender": {"id": fw.slug},
        "relatedProcesses": [{
            "id": "renewal",
            "relationship": ["renewalProcess"],
            "title": next_name,
            "scheme": "ocid",
            "identifier": next_ocid,
        }],
    })
}

/// The framework expired: an amendment records it.
pub fn expired(fw: &framework::Model, release_before: Option<&str>, at: DateTime<Utc>) -> Value {
    let mut amendment = json!({
        "id": "expiry",
        "date": date(at),
        "rationale": "The framework agreement reached its expiry date; no new call-offs can be made under it.",
        "description": format!("{} expired on {}.", fw.name, at.format("%Y-%m-%d")),
    });
    if let Some(before) = release_before {
        amendment["amendsReleaseID"] = json!(before);
    }
    json!({
        "tender": {
            "id": fw.slug,
            "amendments": [amendment],
        },
    })
}
