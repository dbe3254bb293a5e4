//! The OCDS releases of a framework's set-up process, shaped like the standard's worked
//! framework examples: planning and tender at open (with lots and
//! `techniques.hasFrameworkAgreement`), one award per admitted supplier at standstill, the
//! signed agreement as a document of that award (never a `contracts` entry), and amendments at
//! refresh and expiry.
//!
//! Bodies are built from the `ocds-schema` models (`Release`, `Tender`, `Award`, …) and
//! published as JSON.
//!
//! Only organisations are named. People (signatories, evaluators, contacts) never appear:
//! a signatory is described by role only.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use ocds_schema::model::{
    Amendment, Award, AwardStatus, Document, DocumentType, Id, Lot, Method, PartyRole, Period,
    Planning, ProcurementCategory, RelatedProcess, RelatedProcessKind, RelatedProcessScheme,
    Release, Tender, TenderStatus,
};

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

/// How suppliers join a framework (the first stage); its mini-competitions (briefs) publish the
/// same `procurementMethod`, as the OCDS framework guidance asks.
pub const FRAMEWORK_METHOD: Method = Method::Open;

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub use crate::publish::parties::party_id;

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
    let mut tender = Tender {
        id: Id::String(fw.slug.clone()).into(),
        title: fw.name.clone().into(),
        description: fw.description.clone().into(),
        status: TenderStatus::Active.into(),
        procuring_entity: parties::reference(procuring_entity).into(),
        procurement_method: FRAMEWORK_METHOD.into(),
        procurement_method_details:
            "Framework agreement open to any supplier that meets the published requirements"
                .to_owned()
                .into(),
        main_procurement_category: ProcurementCategory::Services.into(),
        has_enquiries: true.into(),
        enquiry_period: period(opened_at, Some(fw.clarifications_close_at)).into(),
        tender_period: period(opened_at, Some(fw.applications_close_at)).into(),
        award_period: period(fw.intention_to_award_at, None).into(),
        contract_period: period(fw.goes_live_at, Some(fw.expires_at)).into(),
        lots: lots
            .iter()
            .map(|lot| Lot {
                id: lot.id.clone().into(),
                title: lot.title.clone().into(),
                description: lot.description.clone().into(),
                status: TenderStatus::Active.into(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into(),
        ..Default::default()
    };
    // The techniques extension: a framework agreement, not a one-off tender.
    tender
        .extra
        .insert("techniques".into(), json!({"hasFrameworkAgreement": true}));
    let release = Release {
        language: "en".to_owned().into(),
        parties: vec![parties::party(
            procuring_entity,
            &[PartyRole::ProcuringEntity],
        )]
        .into(),
        planning: Planning {
            rationale: format!(
                "{} is iteration {} of the {} framework agreement, through which public buyers \
                 call off services from admitted suppliers.",
                fw.name, fw.iteration, fw.family
            )
            .into(),
            ..Default::default()
        }
        .into(),
        tender: tender.into(),
        related_processes: previous_ocid
            .map(|previous| {
                vec![RelatedProcess {
                    id: "prior".to_owned().into(),
                    relationship: vec![RelatedProcessKind::Prior].into(),
                    title: "The previous iteration of this framework agreement"
                        .to_owned()
                        .into(),
                    scheme: RelatedProcessScheme::Ocid.into(),
                    identifier: previous.to_owned().into(),
                    ..Default::default()
                }]
            })
            .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// A period from `start` to `end`, if it has one.
fn period(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> Period {
    Period {
        start_date: date(start).into(),
        end_date: end.map(date).into(),
        ..Default::default()
    }
}

/// The tender of the framework, with only its id and what changes.
fn tender_of(fw: &framework::Model) -> Tender {
    Tender {
        id: Id::String(fw.slug.clone()).into(),
        ..Default::default()
    }
}

/// Applications closed: how many suppliers applied (not who).
pub fn closed(fw: &framework::Model, applicants: u64) -> Value {
    let release = Release {
        tender: Tender {
            status: TenderStatus::Active.into(),
            number_of_tenderers: i64::try_from(applicants).unwrap_or(i64::MAX).into(),
            ..tender_of(fw)
        }
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// Results at standstill: one pending award per admitted supplier; the tender is complete
/// because this iteration admits no more suppliers.
pub fn awarded(fw: &framework::Model, admissions: &[Admission<'_>], at: DateTime<Utc>) -> Value {
    let release = Release {
        parties: admissions
            .iter()
            .map(|a| parties::party(a.supplier, &[PartyRole::Supplier]))
            .collect::<Vec<_>>()
            .into(),
        tender: Tender {
            status: TenderStatus::Complete.into(),
            ..tender_of(fw)
        }
        .into(),
        awards: admissions
            .iter()
            .map(|a| Award {
                id: Id::String(award_id(fw, a.supplier)).into(),
                title: format!("{}: admission of {}", fw.name, a.supplier.name).into(),
                status: AwardStatus::Pending.into(),
                date: date(at).into(),
                suppliers: vec![parties::reference(a.supplier)].into(),
                related_lots: a.lots.clone().into(),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into(),
        ..Default::default()
    };
    parties::to_value(&release)
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
    let agreement = Document {
        id: Id::String(format!("agreement-{}", supplier.id)).into(),
        document_type: DocumentType::ContractSigned.into(),
        title: format!("{} framework agreement", fw.name).into(),
        description: format!(
            "Signed for the supplier by its {} on {}; countersigned by the framework manager on {}.",
            signer_role,
            signed_at.format("%Y-%m-%d"),
            countersigned_at.format("%Y-%m-%d"),
        )
        .into(),
        url: agreement_url.to_owned().into(),
        format: "text/html".to_owned().into(),
        date_published: date(countersigned_at).into(),
        ..Default::default()
    };
    let release = Release {
        parties: vec![parties::party(supplier, &[PartyRole::Supplier])].into(),
        awards: vec![Award {
            id: Id::String(award_id(fw, supplier)).into(),
            status: AwardStatus::Active.into(),
            suppliers: vec![parties::reference(supplier)].into(),
            related_lots: lots.to_vec().into(),
            contract_period: period(fw.goes_live_at, Some(fw.expires_at)).into(),
            documents: vec![agreement].into(),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// The next iteration exists: the framework names it as its renewal.
pub fn renewed(fw: &framework::Model, next_ocid: &str, next_name: &str) -> Value {
    let release = Release {
        tender: tender_of(fw).into(),
        related_processes: vec![RelatedProcess {
            id: "renewal".to_owned().into(),
            relationship: vec![RelatedProcessKind::RenewalProcess].into(),
            title: next_name.to_owned().into(),
            scheme: RelatedProcessScheme::Ocid.into(),
            identifier: next_ocid.to_owned().into(),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// The framework expired: an amendment records it.
pub fn expired(fw: &framework::Model, release_before: Option<&str>, at: DateTime<Utc>) -> Value {
    let amendment = Amendment {
        id: "expiry".to_owned().into(),
        date: date(at).into(),
        rationale: "The framework agreement reached its expiry date; no new call-offs can be made under it."
            .to_owned()
            .into(),
        description: format!("{} expired on {}.", fw.name, at.format("%Y-%m-%d")).into(),
        amends_release_id: release_before.map(str::to_owned).into(),
        ..Default::default()
    };
    let release = Release {
        tender: Tender {
            amendments: vec![amendment].into(),
            ..tender_of(fw)
        }
        .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}
