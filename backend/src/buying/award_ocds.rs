//! The OCDS release of a direct-award project's outcome, its own contracting process linked to
//! the framework of the awarded service (`relatedProcesses` `framework`):
//!
//! - **awarded** (`award`, `contract`): the buyer, the supplier, a tender that says it is a
//!   direct award from the framework (`procurementMethod` `direct`, `competitive` false), the
//!   active award with its value, period, the frozen short list (Marco's shortlist extension,
//!   `Award.shortlist`) and the short list as a `shortlistedFirms` document, and the contract
//!   with its item, value and period;
//! - **cancelled** or **none suitable** after the search ended (`tender`): the tender with
//!   status `cancelled` or `unsuccessful`, and the short list as a document.
//!
//! Nothing is published for a project cancelled before its search ended: nothing happened in
//! public. People are never named; the buyer's saved searches stay internal.

use chrono::{DateTime, SecondsFormat, Utc};
use ocds_schema::model::{
    Amount, Award, AwardStatus, Contract, ContractStatus, Document, DocumentType, Id, Item, Lot,
    Method, PartyRole, Period, ProcurementCategory, Release, Tender, TenderStatus, Value,
};
use serde_json::json;

use crate::entities::{da_project, organisation};
use crate::publish::{ocids, parties};

/// One service of the frozen short list, as published.
#[derive(Clone, Debug)]
pub struct Listed<'a> {
    /// The service's public id.
    pub id: &'a str,
    /// The version frozen.
    pub version: i32,
    /// Its name in that version.
    pub name: &'a str,
    /// Its supplier.
    pub supplier: &'a organisation::Model,
    /// The framework lot it is listed in.
    pub lot: &'a str,
}

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The award and contract id of a project.
pub fn award_id(p: &da_project::Model) -> String {
    format!("award-{}", p.id)
}

fn tender(
    p: &da_project::Model,
    buyer: &organisation::Model,
    status: TenderStatus,
    framework: &str,
) -> Tender {
    let mut tender = Tender {
        id: Id::String(award_id(p)).into(),
        title: p.name.clone().into(),
        status: status.into(),
        procuring_entity: parties::reference(buyer).into(),
        procurement_method: Method::Direct.into(),
        procurement_method_details: format!(
            "Direct award from the {framework} framework agreement's catalogue after a recorded search that ended with a short list"
        )
        .into(),
        main_procurement_category: ProcurementCategory::Services.into(),
        ..Default::default()
    };
    tender.extra.insert("competitive".into(), json!(false));
    tender
}

fn shortlist_document(p: &da_project::Model, public_url: &str) -> Document {
    Document {
        id: Id::String("shortlist".into()).into(),
        document_type: DocumentType::ShortlistedFirms.into(),
        title: "The frozen short list and the outcome".to_owned().into(),
        description: format!(
            "The {} services the search found when it ended, each at the version found, and the reason for the outcome.",
            p.shortlist_count.unwrap_or_default()
        )
        .into(),
        url: format!("{}/direct-awards/{}", public_url.trim_end_matches('/'), p.id).into(),
        format: "text/html".to_owned().into(),
        date_published: p.decided_at.map(date).into(),
        ..Default::default()
    }
}

/// The published short list (Marco's shortlist extension).
fn shortlist(
    p: &da_project::Model,
    listed: &[Listed<'_>],
    rationale: Option<&str>,
) -> serde_json::Value {
    json!({
        "count": listed.len(),
        "searchEndedDate": p.search_ended_at.map(date),
        "choiceRationale": rationale,
        "services": listed.iter().map(|l| json!({
            "id": l.id,
            "version": l.version,
            "name": l.name,
            "supplier": parties::to_value(&parties::reference(l.supplier)),
        })).collect::<Vec<_>>(),
    })
}

/// What the framework link names.
#[derive(Clone, Debug)]
pub struct FrameworkRef<'a> {
    /// The framework's ocid.
    pub ocid: &'a str,
    /// Its name.
    pub name: &'a str,
}

/// The award, with the chosen service, the contract and the short list.
pub fn awarded(
    p: &da_project::Model,
    buyer: &organisation::Model,
    chosen: &Listed<'_>,
    listed: &[Listed<'_>],
    framework: &FrameworkRef<'_>,
    public_url: &str,
) -> serde_json::Value {
    let value = Value {
        amount: Amount(p.award_value.unwrap_or_default()).into(),
        currency: p.award_currency.clone().unwrap_or_default().into(),
        ..Default::default()
    };
    let period = Period {
        start_date: p.award_start.map(date).into(),
        end_date: p.award_end.map(date).into(),
        ..Default::default()
    };
    let item = Item {
        id: Id::String(chosen.id.to_owned()).into(),
        description: format!("{} (version {})", chosen.name, chosen.version).into(),
        related_lot: chosen.lot.to_owned().into(),
        ..Default::default()
    };
    let mut award = Award {
        id: Id::String(award_id(p)).into(),
        title: p.name.clone().into(),
        description: p.outcome_reason.clone().into(),
        status: AwardStatus::Active.into(),
        date: p.decided_at.map(date).into(),
        value: value.clone().into(),
        suppliers: vec![parties::reference(chosen.supplier)].into(),
        items: vec![item.clone()].into(),
        contract_period: period.clone().into(),
        documents: vec![shortlist_document(p, public_url)].into(),
        related_lots: vec![chosen.lot.to_owned()].into(),
        ..Default::default()
    };
    award.extra.insert(
        "shortlist".into(),
        shortlist(p, listed, p.outcome_reason.as_deref()),
    );
    let release = Release {
        language: "en".to_owned().into(),
        parties: vec![
            parties::party(buyer, &[PartyRole::Buyer, PartyRole::ProcuringEntity]),
            parties::party(chosen.supplier, &[PartyRole::Supplier]),
        ]
        .into(),
        buyer: parties::reference(buyer).into(),
        tender: Tender {
            // The framework lot the chosen service is listed in.
            lots: vec![Lot {
                id: chosen.lot.to_owned().into(),
                status: TenderStatus::Complete.into(),
                ..Default::default()
            }]
            .into(),
            ..tender(p, buyer, TenderStatus::Complete, framework.name)
        }
        .into(),
        awards: vec![award].into(),
        contracts: vec![Contract {
            id: Id::String(award_id(p)).into(),
            award_id: Id::String(award_id(p)).into(),
            title: p.name.clone().into(),
            status: ContractStatus::Active.into(),
            period: period.into(),
            value: value.into(),
            items: vec![item].into(),
            date_signed: p.decided_at.map(date).into(),
            suppliers: vec![parties::reference(chosen.supplier)].into(),
            ..Default::default()
        }]
        .into(),
        related_processes: vec![ocids::framework_link(framework.ocid, framework.name)].into(),
        ..Default::default()
    };
    parties::to_value(&release)
}

/// Cancelled, or none suitable, after the search ended: the tender closes without an award.
pub fn closed(
    p: &da_project::Model,
    buyer: &organisation::Model,
    none_suitable: bool,
    frameworks: &[FrameworkRef<'_>],
    public_url: &str,
) -> serde_json::Value {
    let names: Vec<&str> = frameworks.iter().map(|f| f.name).collect();
    let mut tender = tender(
        p,
        buyer,
        if none_suitable {
            TenderStatus::Unsuccessful
        } else {
            TenderStatus::Cancelled
        },
        &names.join(", "),
    );
    let what = if none_suitable {
        "No service on the short list met the need"
    } else {
        "Cancelled by the buyer"
    };
    tender.description = match p.outcome_reason.as_deref() {
        Some(reason) => format!("{what}: {reason}"),
        None => what.to_owned(),
    }
    .into();
    tender.documents = vec![shortlist_document(p, public_url)].into();
    let release = Release {
        language: "en".to_owned().into(),
        parties: vec![parties::party(
            buyer,
            &[PartyRole::Buyer, PartyRole::ProcuringEntity],
        )]
        .into(),
        buyer: parties::reference(buyer).into(),
        tender: tender.into(),
        related_processes: frameworks
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut link = ocids::framework_link(f.ocid, f.name);
                link.id = format!("framework-{}", i + 1).into();
                link
            })
            .collect::<Vec<_>>()
            .into(),
        ..Default::default()
    };
    parties::to_value(&release)
}
