//! The award of a brief, with its bids, and the contract after the standstill.

use chrono::{DateTime, Utc};
use ocds_schema::model::{
    Award, AwardStatus, Bid, BidStatus, Bids, Contract, ContractStatus, Id, Organization,
    OrganizationReference, PartyRole, PartyScale, Period, RelatedProcess, Statistic,
    StatisticMeasure, TenderStatus,
};
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::domain::brief::draft::Brief;
use crate::entities::{brief, brief_response, contract, organisation};
use crate::publish::parties;

use super::tender::tender;
use super::{Context, base, date, value};

/// One opened response, with what the award release may say about it.
#[derive(Clone, Debug)]
pub struct Responder<'a> {
    /// The response.
    pub response: &'a brief_response::Model,
    /// Its supplier.
    pub supplier: &'a organisation::Model,
}

fn is_sme(org: &organisation::Model) -> bool {
    matches!(
        parties::scale(org),
        Some(PartyScale::Micro | PartyScale::Small | PartyScale::Medium | PartyScale::Sme)
    )
}

fn statistic(id: &str, measure: StatisticMeasure, n: usize) -> Statistic {
    Statistic {
        id: id.to_owned().into(),
        measure: measure.into(),
        value: serde_json::Number::from(n as u64).into(),
        ..Default::default()
    }
}

/// An amount as a JSON number: whole amounts as integers.
fn number(amount: Decimal) -> serde_json::Number {
    use rust_decimal::prelude::ToPrimitive;
    let amount = amount.normalize();
    match amount.to_i64() {
        Some(n) if amount.fract().is_zero() => serde_json::Number::from(n),
        _ => amount
            .to_f64()
            .and_then(serde_json::Number::from_f64)
            .unwrap_or_else(|| serde_json::Number::from(0)),
    }
}

/// The `bids` of the award: counts (with the SME split) and one entry per response, with
/// prices only for the winner unless `publish_prices`.
pub fn bids(
    responders: &[Responder<'_>],
    winner: Option<i64>,
    publish_prices: bool,
    closed_at: Option<DateTime<Utc>>,
) -> Bids {
    let valid = |r: &Responder<'_>| r.response.result.as_deref() != Some("failed_essential");
    let count = |f: &dyn Fn(&Responder<'_>) -> bool| responders.iter().filter(|r| f(r)).count();
    let scale =
        |s: PartyScale| move |r: &Responder<'_>| parties::scale(r.supplier) == Some(s.clone());
    let mut statistics = vec![
        statistic("bids", StatisticMeasure::Bids, responders.len()),
        statistic("validBids", StatisticMeasure::ValidBids, count(&valid)),
        statistic(
            "disqualifiedBids",
            StatisticMeasure::DisqualifiedBids,
            count(&|r| !valid(r)),
        ),
        statistic("bidders", StatisticMeasure::Bidders, responders.len()),
        statistic(
            "qualifiedBidders",
            StatisticMeasure::QualifiedBidders,
            count(&valid),
        ),
        statistic(
            "electronicBids",
            StatisticMeasure::ElectronicBids,
            responders.len(),
        ),
        statistic(
            "smeBids",
            StatisticMeasure::SmeBids,
            count(&|r| is_sme(r.supplier)),
        ),
        statistic(
            "microBids",
            StatisticMeasure::MicroBids,
            count(&scale(PartyScale::Micro)),
        ),
        statistic(
            "smallBids",
            StatisticMeasure::SmallBids,
            count(&scale(PartyScale::Small)),
        ),
        statistic(
            "mediumBids",
            StatisticMeasure::MediumBids,
            count(&scale(PartyScale::Medium)),
        ),
    ];
    if let Some(at) = closed_at {
        for s in &mut statistics {
            s.date = Some(date(at)).into();
        }
    }
    if publish_prices {
        let prices: Vec<(Decimal, &str)> = responders
            .iter()
            .filter(|r| valid(r))
            .filter_map(|r| Some((r.response.price?, r.response.currency.as_deref()?)))
            .collect();
        if let (Some(lo), Some(hi)) = (
            prices.iter().min_by_key(|p| p.0),
            prices.iter().max_by_key(|p| p.0),
        ) {
            let mut low = statistic(
                "lowestValidBidValue",
                StatisticMeasure::LowestValidBidValue,
                0,
            );
            low.value = number(lo.0).into();
            low.currency = lo.1.to_owned().into();
            let mut high = statistic(
                "highestValidBidValue",
                StatisticMeasure::HighestValidBidValue,
                0,
            );
            high.value = number(hi.0).into();
            high.currency = hi.1.to_owned().into();
            statistics.push(low);
            statistics.push(high);
        }
    }
    let details: Vec<Bid> = responders
        .iter()
        .map(|r| {
            let show_price = publish_prices || Some(r.response.id) == winner;
            Bid {
                id: format!("response-{}", r.response.id).into(),
                date: r.response.submitted_at.map(date).into(),
                status: if valid(r) {
                    BidStatus::Valid
                } else {
                    BidStatus::Disqualified
                }
                .into(),
                tenderers: vec![parties::reference(r.supplier)].into(),
                value: match (show_price, r.response.price, r.response.currency.as_deref()) {
                    (true, Some(p), Some(c)) => Some(value(p, c)),
                    _ => None,
                }
                .into(),
                has_rank: r.response.rank.is_some().into(),
                rank: r.response.rank.map(i64::from).into(),
                ..Default::default()
            }
        })
        .collect();
    Bids {
        statistics: statistics.into(),
        details: details.into(),
        ..Default::default()
    }
}

/// The award id of a brief.
pub fn award_id(b: &brief::Model) -> String {
    format!("brief-{}-award", b.id)
}

fn award(b: &brief::Model, winner: &Responder<'_>, brief: &Brief) -> Award {
    let price = winner.response.price.unwrap_or_default();
    let currency = winner
        .response
        .currency
        .clone()
        .unwrap_or_else(|| brief.budget_max.code().to_owned());
    Award {
        id: Id::String(award_id(b)).into(),
        title: brief.title.clone().into(),
        description: b.award_reason.clone().into(),
        status: AwardStatus::Active.into(),
        date: b.awarded_at.map(date).into(),
        value: value(price, &currency).into(),
        suppliers: vec![parties::reference(winner.supplier)].into(),
        related_lots: vec![b.lot.clone()].into(),
        related_bids: vec![format!("response-{}", winner.response.id)].into(),
        ..Default::default()
    }
}

fn all_parties(
    ctx: &Context<'_>,
    responders: &[Responder<'_>],
    winner: Option<i64>,
) -> Vec<Organization> {
    let mut list = vec![parties::party(
        ctx.buyer,
        &[PartyRole::Buyer, PartyRole::ProcuringEntity],
    )];
    for r in responders {
        let mut roles = vec![PartyRole::Tenderer];
        if Some(r.response.id) == winner {
            roles.push(PartyRole::Supplier);
        }
        list.push(parties::party(r.supplier, &roles));
    }
    list
}

/// The award release: the tender complete, the bids, and the award to `winner`.
#[allow(clippy::too_many_arguments)]
pub fn award_release(
    b: &brief::Model,
    brief: &Brief,
    ctx: &Context<'_>,
    responders: &[Responder<'_>],
    winner: &Responder<'_>,
    publish_prices: bool,
    related: Vec<RelatedProcess>,
) -> Json {
    let win = Some(winner.response.id);
    let mut body = base(all_parties(ctx, responders, win), ctx, related);
    let mut tender = tender(b, brief, ctx, TenderStatus::Complete, 0);
    tender.documents = ocds_schema::model::Field::Absent;
    tender.number_of_tenderers = (responders.len() as i64).into();
    tender.tenderers = responders
        .iter()
        .map(|r| parties::reference(r.supplier))
        .collect::<Vec<OrganizationReference>>()
        .into();
    body.insert("tender".into(), parties::to_value(&tender));
    body.insert(
        "bids".into(),
        parties::to_value(&bids(responders, win, publish_prices, b.opened_at)),
    );
    body.insert(
        "awards".into(),
        parties::to_value(&vec![award(b, winner, brief)]),
    );
    Json::Object(body)
}

/// The contract release, after the standstill.
pub fn contract_release(
    b: &brief::Model,
    brief: &Brief,
    ctx: &Context<'_>,
    winner: &Responder<'_>,
    made: &contract::Model,
) -> Json {
    let mut body = base(
        vec![
            parties::party(ctx.buyer, &[PartyRole::Buyer, PartyRole::ProcuringEntity]),
            parties::party(winner.supplier, &[PartyRole::Tenderer, PartyRole::Supplier]),
        ],
        ctx,
        Vec::new(),
    );
    let contract = Contract {
        id: Id::String(format!("brief-{}-contract", b.id)).into(),
        award_id: Id::String(award_id(b)).into(),
        title: brief.title.clone().into(),
        description: brief.outcome.clone().into(),
        status: ContractStatus::Active.into(),
        period: Period {
            start_date: Some(date(made.start_at)).into(),
            end_date: Some(date(made.end_at)).into(),
            ..Default::default()
        }
        .into(),
        value: value(made.value, &made.currency).into(),
        date_signed: Some(date(made.signed_at)).into(),
        related_bids: vec![format!("response-{}", winner.response.id)].into(),
        ..Default::default()
    };
    body.insert("contracts".into(), parties::to_value(&vec![contract]));
    Json::Object(body)
}
