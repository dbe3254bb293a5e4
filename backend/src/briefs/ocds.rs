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
            low.value = serde_json::Number::from_f64(lo.0.try_into().unwrap_or_default())
                .unwrap_or(0.into())
                .into();
            low.currency = lo.1.to_owned().into();
            let mut high = statistic(
                "highestValidBidValue",
                StatisticMeasure::HighestValidBidValue,
                0,
            );
            high.value = serde_json::Number::from_f64(hi.0.try_into().unwrap_or_default())
                .unwrap_or(0.into())
                .into();
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
