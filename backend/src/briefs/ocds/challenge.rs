//! A brief's paid prototype challenge orders: each a process of its own, the child of the
//! brief, which links to it.

use ocds_schema::model::{
    Award, AwardStatus, Contract, ContractStatus, Id, PartyRole, Period, ProcurementCategory,
    RelatedProcess, RelatedProcessKind, RelatedProcessScheme, Tender, TenderStatus,
};
use serde_json::Value as Json;

use crate::entities::{brief, contract, organisation};
use crate::publish::parties;

use super::{Context, base, date, value};

/// A paid challenge order's link from the brief.
pub fn challenge_link(order: &contract::Model, supplier: &organisation::Model) -> RelatedProcess {
    RelatedProcess {
        id: format!("challenge-{}", order.id).into(),
        relationship: vec![RelatedProcessKind::SubContract].into(),
        title: format!("Paid prototype challenge: {}", supplier.name).into(),
        scheme: RelatedProcessScheme::Ocid.into(),
        identifier: order.ocid.clone().into(),
        ..Default::default()
    }
}

/// The release of a paid challenge order: its own process, the child of the brief.
pub fn challenge_order(
    order: &contract::Model,
    b: &brief::Model,
    ctx: &Context<'_>,
    supplier: &organisation::Model,
    deliverables: &str,
) -> Json {
    let mut body = base(
        vec![
            parties::party(ctx.buyer, &[PartyRole::Buyer, PartyRole::ProcuringEntity]),
            parties::party(supplier, &[PartyRole::Supplier]),
        ],
        ctx,
        vec![RelatedProcess {
            id: "brief".to_owned().into(),
            relationship: vec![RelatedProcessKind::Parent].into(),
            title: b.title.clone().into(),
            scheme: RelatedProcessScheme::Ocid.into(),
            identifier: b.ocid.clone().into(),
            ..Default::default()
        }],
    );
    let id = format!("challenge-{}", order.id);
    let price = value(order.value, &order.currency);
    let mut tender = Tender {
        id: Id::String(id.clone()).into(),
        title: order.title.clone().into(),
        status: TenderStatus::Complete.into(),
        procuring_entity: parties::reference(ctx.buyer).into(),
        procurement_method: ocds_schema::model::Method::Limited.into(),
        procurement_method_details:
            "A stipend paid to each supplier shortlisted in a brief for its prototype challenge"
                .to_owned()
                .into(),
        main_procurement_category: ProcurementCategory::Services.into(),
        ..Default::default()
    };
    tender.competitive = false.into();
    body.insert("tender".into(), parties::to_value(&tender));
    let period = Period {
        start_date: Some(date(order.start_at)).into(),
        end_date: Some(date(order.end_at)).into(),
        ..Default::default()
    };
    body.insert(
        "awards".into(),
        parties::to_value(&vec![Award {
            id: Id::String(id.clone()).into(),
            title: order.title.clone().into(),
            status: AwardStatus::Active.into(),
            date: Some(date(order.signed_at)).into(),
            value: price.clone().into(),
            suppliers: vec![parties::reference(supplier)].into(),
            contract_period: period.clone().into(),
            ..Default::default()
        }]),
    );
    body.insert(
        "contracts".into(),
        parties::to_value(&vec![Contract {
            id: Id::String(id.clone()).into(),
            award_id: Id::String(id).into(),
            title: order.title.clone().into(),
            description: deliverables.to_owned().into(),
            status: ContractStatus::Active.into(),
            period: period.into(),
            value: price.into(),
            date_signed: Some(date(order.signed_at)).into(),
            ..Default::default()
        }]),
    );
    Json::Object(body)
}
