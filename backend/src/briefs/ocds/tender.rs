//! The tender of a brief as it stands: published, edited, amended, withdrawn.

use chrono::{DateTime, Utc};
use ocds_schema::model::{
    Amendment, AwardCriteria, Budget, Document, DocumentType, Id, Item, Lot, PartyRole, Period,
    Planning, ProcurementCategory, RelatedProcess, SubmissionMethod, SubmissionTerms, Tender,
    TenderStatus,
};
use serde_json::{Value as Json, json};

use crate::domain::brief::draft::Brief;
use crate::entities::brief;
use crate::frameworks::ocds::FRAMEWORK_METHOD;
use crate::publish::parties;

use super::{Context, base, date, value};

/// The tender as it stands, with its lot, criteria, weights, periods and documents.
#[allow(clippy::too_many_arguments)]
pub(super) fn tender(
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
