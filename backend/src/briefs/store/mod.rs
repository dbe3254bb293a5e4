//! The briefs store: every read of briefs, their history, reviews, questions, panel, scores
//! and complaints. Responses have their own store (`briefs::responses`), which keeps them
//! sealed until closing. Who may see what is decided here:
//!
//! - a draft is its organisation's only; anything published is public;
//! - questions are public only as answered questions, without the asker;
//! - a panel member's own scores are theirs; the others' only after they submitted theirs.

mod panel;
pub use panel::*;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{FlowError, Viewer};
use crate::domain::brief::draft::Draft;
use crate::domain::brief::{BriefStatus, ReviewStatus};
use crate::entities::{
    brief, brief_complaint, brief_edit, brief_question, brief_review, framework, service, user,
};
use crate::frameworks::store as catalogue;

/// The status of a stored brief.
pub fn status(b: &brief::Model) -> Result<BriefStatus, FlowError> {
    BriefStatus::parse(&b.status).ok_or_else(|| {
        FlowError::Other(anyhow::anyhow!("brief {} has status {:?}", b.id, b.status))
    })
}

/// The review state of a stored brief.
pub fn review(b: &brief::Model) -> ReviewStatus {
    ReviewStatus::parse(&b.review).unwrap_or(ReviewStatus::NotRequested)
}

/// The brief as typed.
pub fn draft(b: &brief::Model) -> Draft {
    Draft::from_json(&b.draft).unwrap_or_default()
}

/// Any brief, by id (for flows, which check who acts).
pub async fn brief<C: ConnectionTrait>(db: &C, id: i64) -> Result<brief::Model, FlowError> {
    brief::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A brief as `who` may see it: its own organisation sees every state; everyone else sees it
/// once published.
pub async fn visible<C: ConnectionTrait>(
    db: &C,
    id: i64,
    who: Option<Viewer>,
) -> Result<brief::Model, FlowError> {
    let b = brief(db, id).await?;
    let own = who.is_some_and(|w| w.organisation_id == b.buyer_org_id);
    if own || status(&b)?.is_public() {
        Ok(b)
    } else {
        Err(FlowError::NotFound)
    }
}

/// A brief of `who`'s organisation, or not found.
pub async fn own<C: ConnectionTrait>(
    db: &C,
    id: i64,
    who: Viewer,
) -> Result<brief::Model, FlowError> {
    let b = brief(db, id).await?;
    if b.buyer_org_id == who.organisation_id {
        Ok(b)
    } else {
        Err(FlowError::NotFound)
    }
}

/// The filters of `/opportunities`.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Words in the title, problem or outcome.
    pub q: String,
    /// Only this lot.
    pub lot: String,
    /// Words in the location.
    pub location: String,
    /// Highest budget at most this.
    pub budget_up_to: Option<Decimal>,
    /// Closing on or before this day.
    pub closing_by: Option<DateTime<Utc>>,
    /// `live` (open for responses) or `closed` (everything after); empty for both.
    pub status: String,
}

fn folded(text: &str) -> String {
    crate::search::text::fold(text)
}

/// Published briefs matching `filter`, live ones first by closing time, then the newest.
pub async fn opportunities<C: ConnectionTrait>(
    db: &C,
    filter: &Filter,
) -> Result<Vec<brief::Model>, FlowError> {
    let mut select = brief::Entity::find().filter(brief::Column::Status.ne("draft"));
    if !filter.lot.is_empty() {
        select = select.filter(brief::Column::Lot.eq(filter.lot.as_str()));
    }
    match filter.status.as_str() {
        "live" => select = select.filter(brief::Column::Status.eq("live")),
        "closed" => select = select.filter(brief::Column::Status.ne("live")),
        _ => {}
    }
    if let Some(max) = filter.budget_up_to {
        select = select.filter(brief::Column::BudgetMax.lte(max));
    }
    if let Some(by) = filter.closing_by {
        select = select.filter(brief::Column::ClosingAt.lte(by));
    }
    let found = select
        .order_by_desc(brief::Column::PublishedAt)
        .all(db)
        .await?;
    let words: Vec<String> = folded(&filter.q)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let place = folded(&filter.location);
    let mut kept: Vec<brief::Model> = found
        .into_iter()
        .filter(|b| {
            let d = draft(b);
            let text = folded(&format!(
                "{} {} {} {}",
                b.title, d.problem, d.outcome, d.users
            ));
            words.iter().all(|w| text.contains(w.as_str()))
                && (place.is_empty() || folded(&b.location).contains(&place))
        })
        .collect();
    kept.sort_by(|a, b| match (a.status == "live", b.status == "live") {
        (true, true) => a.closing_at.cmp(&b.closing_at),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => b.published_at.cmp(&a.published_at),
    });
    Ok(kept)
}

/// The briefs of `who`'s organisation, newest first.
pub async fn briefs_of<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
) -> Result<Vec<brief::Model>, FlowError> {
    Ok(brief::Entity::find()
        .filter(brief::Column::BuyerOrgId.eq(who.organisation_id))
        .order_by_desc(brief::Column::Id)
        .all(db)
        .await?)
}

/// Briefs waiting for a category reviewer, oldest first (never the reviewer's own).
pub async fn awaiting_review<C: ConnectionTrait>(
    db: &C,
    reviewer: Viewer,
) -> Result<Vec<brief::Model>, FlowError> {
    Ok(brief::Entity::find()
        .filter(brief::Column::Review.eq(ReviewStatus::Pending.as_str()))
        .filter(brief::Column::CreatedBy.ne(reviewer.user_id))
        .order_by_asc(brief::Column::UpdatedAt)
        .all(db)
        .await?)
}

/// The history of a brief: publications, edits and moved closing dates, oldest first.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
) -> Result<Vec<brief_edit::Model>, FlowError> {
    Ok(brief_edit::Entity::find()
        .filter(brief_edit::Column::BriefId.eq(brief_id))
        .order_by_asc(brief_edit::Column::Id)
        .all(db)
        .await?)
}

/// The business-case reviews of a brief, oldest first.
pub async fn reviews<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
) -> Result<Vec<brief_review::Model>, FlowError> {
    Ok(brief_review::Entity::find()
        .filter(brief_review::Column::BriefId.eq(brief_id))
        .order_by_asc(brief_review::Column::Id)
        .all(db)
        .await?)
}

/// Every question of a brief, for its buyer (who sees them to answer them, but not who
/// asked), oldest first.
pub async fn questions<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
) -> Result<Vec<brief_question::Model>, FlowError> {
    Ok(brief_question::Entity::find()
        .filter(brief_question::Column::BriefId.eq(brief_id))
        .order_by_asc(brief_question::Column::Id)
        .all(db)
        .await?)
}

/// A question and its answer as published: nothing says who asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicAnswer {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
    /// When it was answered.
    pub answered_at: DateTime<Utc>,
}

/// The answered questions of a brief, for everyone, and how many wait for an answer.
pub async fn answers<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
) -> Result<(Vec<PublicAnswer>, usize), FlowError> {
    let all = questions(db, brief_id).await?;
    let unanswered = all.iter().filter(|q| q.answer.is_none()).count();
    let answered = all
        .into_iter()
        .filter_map(|q| {
            Some(PublicAnswer {
                question: q.question,
                answer: q.answer?,
                answered_at: q.answered_at?,
            })
        })
        .collect();
    Ok((answered, unanswered))
}

/// The questions a supplier asked on a brief (its own only).
pub async fn questions_of<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
    supplier_org_id: i64,
) -> Result<Vec<brief_question::Model>, FlowError> {
    Ok(brief_question::Entity::find()
        .filter(brief_question::Column::BriefId.eq(brief_id))
        .filter(brief_question::Column::SupplierOrgId.eq(supplier_org_id))
        .order_by_asc(brief_question::Column::Id)
        .all(db)
        .await?)
}

/// Whether a supplier has an available service on the brief's lot: only those may ask
/// questions and respond.
pub async fn on_lot<C: ConnectionTrait>(
    db: &C,
    b: &brief::Model,
    supplier_org_id: i64,
) -> Result<bool, FlowError> {
    let fw = catalogue::framework_by_id(db, b.framework_id).await?;
    let supplier = catalogue::organisation(db, supplier_org_id).await?;
    if supplier.kind != "supplier" {
        return Ok(false);
    }
    let services = service::Entity::find()
        .filter(service::Column::FrameworkId.eq(b.framework_id))
        .filter(service::Column::OrganisationId.eq(supplier_org_id))
        .filter(service::Column::Lot.eq(b.lot.as_str()))
        .all(db)
        .await?;
    Ok(services
        .iter()
        .any(|s| catalogue::service_available(s, &fw, &supplier)))
}

/// The users of every supplier with an available service on a brief's lot: the audience of
/// its notices. Everyone on the lot is told of a change, not only those who asked or started
/// a response, so that the list of recipients says nothing about who is responding.
pub async fn audience<C: ConnectionTrait>(
    db: &C,
    fw: &framework::Model,
    lot: &str,
) -> Result<Vec<user::Model>, FlowError> {
    let services = service::Entity::find()
        .filter(service::Column::FrameworkId.eq(fw.id))
        .filter(service::Column::Lot.eq(lot))
        .all(db)
        .await?;
    let mut orgs: Vec<i64> = services.iter().map(|s| s.organisation_id).collect();
    orgs.sort_unstable();
    orgs.dedup();
    let by_id = catalogue::organisations_by_id(db, orgs.iter().copied()).await?;
    let mut people = Vec::new();
    for org in orgs {
        let Some(supplier) = by_id.get(&org) else {
            continue;
        };
        let available = services
            .iter()
            .any(|s| s.organisation_id == org && catalogue::service_available(s, fw, supplier));
        if available {
            people.extend(catalogue::recipients(db, org).await?);
        }
    }
    Ok(people)
}

/// Users of an organisation who hold `role`, for choosing a panel and telling buyers.
pub async fn colleagues<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Vec<user::Model>, FlowError> {
    Ok(user::Entity::find()
        .filter(user::Column::OrganisationId.eq(organisation_id))
        .filter(user::Column::Active.eq(true))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?)
}

/// The brief of a question, when it is `who`'s organisation's.
pub async fn question_brief<C: ConnectionTrait>(
    db: &C,
    question_id: i64,
    who: Viewer,
) -> Result<i64, FlowError> {
    let q = brief_question::Entity::find_by_id(question_id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)?;
    Ok(own(db, q.brief_id, who).await?.id)
}

/// The brief of a complaint, when it is `who`'s organisation's.
pub async fn complaint_brief<C: ConnectionTrait>(
    db: &C,
    complaint_id: i64,
    who: Viewer,
) -> Result<i64, FlowError> {
    let c = brief_complaint::Entity::find_by_id(complaint_id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)?;
    Ok(own(db, c.brief_id, who).await?.id)
}
