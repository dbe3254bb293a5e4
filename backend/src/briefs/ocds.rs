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

use chrono::{DateTime, SecondsFormat, Utc};
use ocds_schema::model::{
    Amendment, Amount, Award, AwardCriteria, AwardStatus, Bid, BidStatus, Bids, Budget, Contract,
    ContractStatus, Document, DocumentType, Id, Item, Lot, Organization, OrganizationReference,
    PartyRole, PartyScale, Period, Planning, ProcurementCategory, RelatedProcess,
    RelatedProcessKind, RelatedProcessScheme, Statistic, StatisticMeasure, SubmissionMethod,
    SubmissionTerms, Tender, TenderStatus, Value,
};
use rust_decimal::Decimal;
use serde_json::{Value as Json, json};

use crate::domain::brief::draft::Brief;
use crate::entities::{brief, brief_response, contract, framework, organisation};
use crate::frameworks::ocds::FRAMEWORK_METHOD;
use crate::publish::{ocids, parties};

fn date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn value(amount: Decimal, currency: &str) -> Value {
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
    fn page(&self, b: &brief::Model) -> String {
        format!(
            "{}/opportunities/{}",
            self.public_url.trim_end_matches('/'),
            b.id
        )
    }
}

/// The tender as it stands, with its lot, criteria, weights, periods and documents.
#[allow(clippy::too_many_arguments)]
fn tender(
    b: &brief::Model,
    brief: &Brief,
    ctx: &Context<'_>,
    status: TenderStatus,
    answered: usize,
) -> Tender {
    let currency = brief.budget_max.code();
    let w = brief.weights;
    let mut criteria = format!(
        "Rated criteria: technical {}%, cultural fit {}%, price {}%. Each criterion is scored 0 to 4 by a panel of at least two, moderated.",
        w.technical, w.cultural, w.price
    );
    if let Some(c) = &brief.challenge {
        criteria.push_str(&format!(
            " The {} best responses are invited to a paid prototype challenge ({} {} each, {} weeks), which weighs {}% of the final score.",
            brief.shortlist,
            c.stipend.amount().normalize(),
            c.stipend.code(),
            c.weeks,
            c.weight
        ));
    }
    let mut documents = vec![Document {
        id: Id::String("brief".into()).into(),
        document_type: DocumentType::TenderNotice.into(),
        title: brief.title.clone().into(),
        description: "The brief: the problem, the users and their needs, the outcome wanted, the criteria, the evaluation and the business case.".to_owned().into(),
        url: ctx.page(b).into(),
        format: "text/html".to_owned().into(),
        date_published: b.published_at.map(date).into(),
        date_modified: Some(date(b.updated_at)).into(),
        ..Default::default()
    }];
    if answered > 0 {
        documents.push(Document {
            id: Id::String("clarifications".into()).into(),
            document_type: DocumentType::Clarifications.into(),
            title: "Questions and answers".to_owned().into(),
            description: format!(
                "{answered} questions answered, published on the brief's page without the names of who asked."
            )
            .into(),
            url: format!("{}#answers", ctx.page(b)).into(),
            format: "text/html".to_owned().into(),
            ..Default::default()
        });
    }
    let lot = Lot {
        id: b.lot.clone().into(),
        title: ctx.lot_name.to_owned().into(),
        status: status.clone().into(),
        value: value(brief.budget_max.amount(), currency).into(),
        ..Default::default()
    };
    Tender {
        id: Id::String(format!("brief-{}", b.id)).into(),
        title: brief.title.clone().into(),
        description: brief.problem.clone().into(),
        status: status.into(),
        procuring_entity: parties::reference(ctx.buyer).into(),
        items: vec![Item {
            id: Id::String("outcome".into()).into(),
            description: brief.outcome.clone().into(),
            extra: [("relatedLot".to_owned(), json!(b.lot))]
                .into_iter()
                .collect(),
            ..Default::default()
        }]
        .into(),
        value: value(brief.budget_max.amount(), currency).into(),
        min_value: value(brief.budget_min.amount(), currency).into(),
        procurement_method: FRAMEWORK_METHOD.into(),
        procurement_method_details: format!(
            "Further competition among the suppliers of the {} framework agreement's {} lot",
            ctx.framework.name, ctx.lot_name
        )
        .into(),
        main_procurement_category: ProcurementCategory::Services.into(),
        award_criteria: AwardCriteria::RatedCriteria.into(),
        award_criteria_details: criteria.into(),
        submission_method: vec![SubmissionMethod::ElectronicSubmission].into(),
        submission_method_details: format!("Responses are made on Marco at {}", ctx.page(b)).into(),
        tender_period: Period {
            start_date: b.published_at.map(date).into(),
            end_date: Some(date(brief.closing)).into(),
            ..Default::default()
        }
        .into(),
        enquiry_period: Period {
            start_date: b.published_at.map(date).into(),
            end_date: Some(date(brief.question_deadline)).into(),
            ..Default::default()
        }
        .into(),
        has_enquiries: (answered > 0).into(),
        eligibility_criteria: format!(
            "Suppliers with an available service on the {} lot. Essential criteria: {}",
            ctx.lot_name,
            brief.essential.join("; ")
        )
        .into(),
        documents: documents.into(),
        lots: vec![lot].into(),
        competitive: true.into(),
        submission_terms: SubmissionTerms {
            electronic_submission_policy: ocds_schema::model::Permission::Required.into(),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    }
}

fn planning(
    b: &brief::Model,
    brief: &Brief,
    ctx: &Context<'_>,
    reviewed: Option<DateTime<Utc>>,
) -> Planning {
    let case = &brief.business_case;
    let currency = brief.budget_max.code();
    let mut planning = Planning {
        rationale: case.objective.clone().into(),
        budget: Budget {
            id: Id::String(format!("brief-{}-tco", b.id)).into(),
            description: format!(
                "Total cost of ownership over {} years, from the business case",
                case.tco.len()
            )
            .into(),
            amount: value(case.total_cost(), currency).into(),
            ..Default::default()
        }
        .into(),
        documents: vec![Document {
            id: Id::String("business-case".into()).into(),
            document_type: DocumentType::NeedsAssessment.into(),
            title: "Business case".to_owned().into(),
            description: "The strategic objective, the options considered, the total cost of ownership, the expected benefits with their indicators, and the main risks.".to_owned().into(),
            url: format!("{}#business-case", ctx.page(b)).into(),
            format: "text/html".to_owned().into(),
            ..Default::default()
        }]
        .into(),
        ..Default::default()
    };
    planning.extra.insert(
        "businessCase".into(),
        json!({
            "strategicObjective": case.objective,
            "options": case.options,
            "totalCostOfOwnership": case.tco.iter().map(|y| json!({
                "year": y.year,
                "value": parties::to_value(&value(y.cost.amount(), y.cost.code())),
            })).collect::<Vec<_>>(),
            "indicators": case.benefits.iter().enumerate().map(|(i, ind)| json!({
                "id": (i + 1).to_string(),
                "title": ind.name,
                "baseline": ind.baseline,
                "target": ind.target,
                "targetDate": ind.by.to_string(),
            })).collect::<Vec<_>>(),
            "risks": case.risks,
            "review": if reviewed.is_some() { "approved" } else { "notNeeded" },
            "reviewDate": reviewed.map(date),
        }),
    );
    planning
}

fn framework_link(ctx: &Context<'_>) -> RelatedProcess {
    ocids::framework_link(ctx.framework_ocid, &ctx.framework.name)
}

fn base(
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

/// The release of a published or edited brief (`planning`+`tender`, `tenderUpdate`,
/// `tenderAmendment` with `amendment`, `tenderCancellation`).
#[allow(clippy::too_many_arguments)]
pub fn tender_release(
    b: &brief::Model,
    brief: &Brief,
    ctx: &Context<'_>,
    status: TenderStatus,
    answered: usize,
    reviewed: Option<DateTime<Utc>>,
    amendment: Option<(String, String)>,
    related: Vec<RelatedProcess>,
) -> Json {
    let mut tender = tender(b, brief, ctx, status, answered);
    if let Some((id, rationale)) = amendment {
        tender.amendments = vec![Amendment {
            id: id.into(),
            date: Some(date(b.updated_at)).into(),
            rationale: rationale.into(),
            description: format!(
                "Questions now close {} and responses {}",
                date(brief.question_deadline),
                date(brief.closing)
            )
            .into(),
            ..Default::default()
        }]
        .into();
    }
    let outcome = match (&b.withdrawn_reason, &b.not_awarded_reason) {
        (Some(reason), _) => Some((
            DocumentType::CancellationDetails,
            "Why the brief was withdrawn",
            reason,
        )),
        (_, Some(reason)) => Some((
            DocumentType::EvaluationReports,
            "Why nothing was awarded",
            reason,
        )),
        _ => None,
    };
    if let Some((kind, title, reason)) = outcome {
        let mut documents = tender.documents.get().cloned().unwrap_or_default();
        documents.push(Document {
            id: Id::String("outcome".into()).into(),
            document_type: kind.into(),
            title: title.to_owned().into(),
            description: reason.clone().into(),
            url: ctx.page(b).into(),
            format: "text/html".to_owned().into(),
            date_published: Some(date(b.updated_at)).into(),
            ..Default::default()
        });
        tender.documents = documents.into();
    }
    let mut body = base(
        vec![parties::party(
            ctx.buyer,
            &[PartyRole::Buyer, PartyRole::ProcuringEntity],
        )],
        ctx,
        related,
    );
    body.insert(
        "planning".into(),
        parties::to_value(&planning(b, brief, ctx, reviewed)),
    );
    body.insert("tender".into(), parties::to_value(&tender));
    Json::Object(body)
}

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

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::brief::draft::{Draft, When, gate};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 12, 0, 0).unwrap()
    }

    fn org(id: i64, kind: &str, name: &str, scale: Option<&str>) -> organisation::Model {
        organisation::Model {
            id,
            kind: kind.into(),
            name: name.into(),
            legal_name: format!("{name} (legal)"),
            identifier_scheme: "CL-RUT".into(),
            identifier_id: format!("7600000{id}-1"),
            street_address: None,
            locality: Some("Santiago".into()),
            region: None,
            postal_code: None,
            country_code: "CL".into(),
            scale: scale.map(str::to_owned),
            email_domains: String::new(),
            created_at: at(1),
            suspended_at: None,
            suspended_reason: None,
        }
    }

    fn framework() -> framework::Model {
        framework::Model {
            id: 2,
            slug: "digital-outcomes-and-specialists-1".into(),
            ocid: "ocds-demo00-fw-digital-outcomes-and-specialists-1".into(),
            name: "Digital Outcomes and Specialists 1".into(),
            family: "Digital Outcomes and Specialists".into(),
            iteration: 1,
            status: "live".into(),
            description: String::new(),
            content: String::new(),
            content_hash: String::new(),
            previous_id: None,
            clarifications_close_at: at(1),
            applications_close_at: at(1),
            intention_to_award_at: at(1),
            goes_live_at: at(1),
            expires_at: at(1),
            created_by: None,
            created_at: at(1),
            updated_at: at(1),
        }
    }

    fn draft() -> Draft {
        Draft {
            title: "Book a driving test online".into(),
            problem: "People wait weeks to book a test by phone.".into(),
            users: "Learners and their instructors.".into(),
            existing: "A phone line.".into(),
            outcome: "Most tests are booked online in minutes.".into(),
            budget_min: "20000000".into(),
            budget_max: "60000000".into(),
            currency: "CLP".into(),
            location: "Santiago".into(),
            working: "Two days a week on site.".into(),
            essential: "Built a public booking service".into(),
            nice: "Worked with transport agencies".into(),
            weight_technical: "70".into(),
            weight_cultural: "0".into(),
            weight_price: "30".into(),
            price_basis: "fixed".into(),
            methods: vec!["written_proposal".into()],
            question_deadline: "2026-12-10".into(),
            closing: "2026-12-16".into(),
            shortlist: "2".into(),
            bc_objective: "Shorter waits.".into(),
            bc_options: "Do nothing\nBuild with a supplier".into(),
            bc_tco: "2027: 40000000\n2028: 15000000".into(),
            bc_benefits: "Tests booked online | 0% | 80% | 2028-06-30".into(),
            bc_risks: "Staff are not ready".into(),
            ..Draft::default()
        }
    }

    fn stored(d: &Draft) -> brief::Model {
        brief::Model {
            id: 3,
            ocid: "ocds-demo00-co-brief-3".into(),
            buyer_org_id: 1,
            created_by: 1,
            framework_id: 2,
            lot: "digital-outcomes".into(),
            status: "live".into(),
            review: "not_needed".into(),
            draft: d.to_json(),
            title: d.title.clone(),
            location: d.location.clone(),
            budget_min: Some(Decimal::from(20_000_000)),
            budget_max: Some(Decimal::from(60_000_000)),
            currency: Some("CLP".into()),
            question_deadline_at: Some(at(10)),
            closing_at: Some(at(16)),
            published_at: Some(at(7)),
            version: 1,
            opened_at: Some(at(17)),
            withdrawn_reason: None,
            moderator_id: Some(1),
            proposal_agreed_at: Some(at(18)),
            challenge_started_at: None,
            challenge_agreed_at: None,
            awarded_response_id: Some(11),
            award_reason: None,
            awarded_by: Some(1),
            awarded_at: Some(at(19)),
            standstill_ends_at: Some(at(29)),
            not_awarded_reason: None,
            created_at: at(6),
            updated_at: at(7),
        }
    }

    fn response(
        id: i64,
        supplier: i64,
        price: i64,
        result: &str,
        rank: Option<i32>,
    ) -> brief_response::Model {
        brief_response::Model {
            id,
            brief_id: 3,
            supplier_org_id: supplier,
            created_by: 5,
            status: "submitted".into(),
            answers: "{\"evidence\":[\"sealed evidence\"]}".into(),
            price: Some(Decimal::from(price)),
            currency: Some("CLP".into()),
            available_from: None,
            submitted_at: Some(at(12)),
            result: Some(result.into()),
            fail_reason: None,
            proposal_total: None,
            challenge_total: None,
            final_total: None,
            rank,
            shortlisted: false,
            challenge_repository: None,
            challenge_demo: None,
            challenge_submitted_at: None,
            created_at: at(11),
            updated_at: at(12),
        }
    }

    fn validator() -> ocds_schema::validate::Validator {
        ocds_schema::validate::Validator::new(
            ocds_schema::schema::MARCO_EXTENSIONS,
            Some("ocds-demo00-"),
        )
        .unwrap()
    }

    /// What `publish` adds, so the snapshot is a whole release that validates.
    fn whole(body: Json, tag: &str) -> Json {
        let mut release = json!({
            "ocid": "ocds-demo00-co-brief-3",
            "id": "ocds-demo00-co-brief-3-00000042",
            "date": "2026-12-07T12:00:00Z",
            "tag": [tag],
            "initiationType": "tender",
        });
        if let (Json::Object(r), Json::Object(b)) = (&mut release, body) {
            r.extend(b);
        }
        release
    }

    #[test]
    fn the_published_brief_and_its_award_are_as_recorded() {
        let d = draft();
        let b = stored(&d);
        let brief = gate(&d, When::Stored).unwrap();
        let buyer = org(1, "buyer", "Dirección de Compras Demo", None);
        let fw = framework();
        let ctx = Context {
            buyer: &buyer,
            framework: &fw,
            framework_ocid: &fw.ocid,
            lot_name: "Digital outcomes",
            public_url: "https://marco.example",
        };
        let tender = whole(
            tender_release(
                &b,
                &brief,
                &ctx,
                TenderStatus::Active,
                1,
                None,
                None,
                Vec::new(),
            ),
            "tender",
        );
        assert_eq!(validator().validate_release(&tender), []);
        insta::assert_json_snapshot!("brief_tender", tender);

        let (small, large, micro) = (
            org(4, "supplier", "Nube Andina", Some("small")),
            org(5, "supplier", "Grande SA", Some("large")),
            org(6, "supplier", "Brightlane Digital", Some("micro")),
        );
        let rows = [
            response(11, 4, 41_000_000, "awarded", Some(1)),
            response(12, 5, 39_000_000, "unsuccessful", Some(2)),
            response(13, 6, 30_000_000, "failed_essential", None),
        ];
        let responders: Vec<Responder<'_>> = rows
            .iter()
            .zip([&small, &large, &micro])
            .map(|(response, supplier)| Responder { response, supplier })
            .collect();
        let award = whole(
            award_release(
                &b,
                &brief,
                &ctx,
                &responders,
                &responders[0],
                false,
                Vec::new(),
            ),
            "award",
        );
        assert_eq!(validator().validate_release(&award), []);
        let text = award.to_string();
        assert!(
            !text.contains("39000000") && !text.contains("30000000"),
            "losing prices stay unpublished"
        );
        assert!(!text.contains("sealed evidence"));
        insta::assert_json_snapshot!("brief_award", award);

        let with_prices = award_release(
            &b,
            &brief,
            &ctx,
            &responders,
            &responders[0],
            true,
            Vec::new(),
        );
        let stats = &with_prices["bids"]["statistics"];
        assert!(stats.to_string().contains("lowestValidBidValue"));
        assert!(with_prices.to_string().contains("39000000"));
    }
}
