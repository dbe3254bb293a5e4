//! The award and what follows: the buyer awards the best response (overriding the ranking
//! needs a reason) or records why nothing is awarded; a standstill period follows, in which
//! each unsuccessful supplier has its debrief and may complain; the buyer replies to each
//! complaint; when the standstill is over and no complaint waits, the clock makes the
//! contract.

use chrono::{DateTime, Duration, Utc};
use ocds_schema::model::TenderStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::drafting::{named, publish_tender};
use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, published, responses, when};
use crate::domain::brief::{BriefStatus, Stage};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_complaint, brief_response, contract, organisation};
use crate::mail::BriefEvent;
use crate::publish;
use crate::state::AppState;

/// What the buyer decides.
#[derive(Clone, Debug)]
pub enum Decision {
    /// Award this response; `reason` is needed when it is not the best ranked.
    Award {
        /// The response.
        response_id: i64,
        /// Why (needed to override the ranking).
        reason: String,
    },
    /// Award nothing, with the reason.
    NoAward {
        /// Why.
        reason: String,
    },
}

fn scoring_done(b: &brief::Model, has_challenge: bool) -> Result<(), FlowError> {
    let s = status(b)?;
    let done = match s {
        BriefStatus::Closed => b.proposal_agreed_at.is_some() && !has_challenge,
        BriefStatus::Challenge => b.challenge_agreed_at.is_some(),
        _ => return Err(FlowError::Refused("not_awardable")),
    };
    if done {
        Ok(())
    } else {
        Err(FlowError::Refused("scores_not_agreed"))
    }
}

/// Records the buyer's decision. The award starts the standstill period, tells the winner,
/// and sends every other responder their debrief. One award only, however many try at once.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanAward])?;
    let reason = match &decision {
        Decision::Award { reason, .. } | Decision::NoAward { reason } => reason.trim().to_owned(),
    };
    if reason.chars().count() > 5000 {
        return Err(FlowError::field(
            "reason",
            "too_long",
            "Write at most 5000 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    let brief = published(&b)?;
    let from = status(&b)?;
    match decision {
        Decision::NoAward { .. } => {
            if reason.is_empty() {
                return Err(FlowError::field(
                    "reason",
                    "no_award_reason",
                    "Give the reason for not awarding",
                ));
            }
            if !matches!(from, BriefStatus::Closed | BriefStatus::Challenge) {
                return Err(FlowError::Refused("not_awardable"));
            }
            let claimed = brief::Entity::update_many()
                .col_expr(
                    brief::Column::Status,
                    Expr::value(BriefStatus::NotAwarded.as_str()),
                )
                .col_expr(brief::Column::NotAwardedReason, Expr::value(reason.clone()))
                .col_expr(brief::Column::AwardedBy, Expr::value(who.user_id))
                .col_expr(brief::Column::AwardedAt, Expr::value(now))
                .col_expr(brief::Column::UpdatedAt, Expr::value(now))
                .filter(brief::Column::Id.eq(id))
                .filter(brief::Column::Status.eq(from.as_str()))
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Err(FlowError::Refused("changed_concurrently"));
            }
            let b = store::brief(&txn, id).await?;
            responses::mark_outcome(&txn, id, None).await?;
            publish_tender(
                &txn,
                state,
                &b,
                &["tenderUpdate"],
                TenderStatus::Unsuccessful,
                None,
                Vec::new(),
            )
            .await?;
            for r in responses::opened(&txn, &b).await? {
                super::mail_supplier(
                    &txn,
                    state,
                    r.supplier_org_id,
                    &b,
                    BriefEvent::Debrief,
                    String::new(),
                )
                .await?;
            }
            actor
                .audit(&txn, "brief_not_awarded", format!("brief {id}"))
                .await?;
        }
        Decision::Award { response_id, .. } => {
            scoring_done(&b, brief.challenge.is_some())?;
            let stage = if from == BriefStatus::Challenge {
                Stage::Challenge
            } else {
                Stage::Proposal
            };
            let candidates = super::evaluation::scorable(&txn, &b, stage).await?;
            let chosen = candidates
                .iter()
                .find(|r| r.id == response_id)
                .ok_or_else(|| {
                    FlowError::field("response", "award_response", "Choose a ranked response")
                })?;
            if chosen.rank != Some(1) && reason.is_empty() {
                return Err(FlowError::field(
                    "reason",
                    "ranking_override",
                    "Give the reason for awarding other than the best-ranked response",
                ));
            }
            let ends = now + Duration::days(state.config.briefs.standstill_days);
            let claimed = brief::Entity::update_many()
                .col_expr(
                    brief::Column::Status,
                    Expr::value(BriefStatus::Standstill.as_str()),
                )
                .col_expr(brief::Column::AwardedResponseId, Expr::value(response_id))
                .col_expr(
                    brief::Column::AwardReason,
                    Expr::value((!reason.is_empty()).then(|| reason.clone())),
                )
                .col_expr(brief::Column::AwardedBy, Expr::value(who.user_id))
                .col_expr(brief::Column::AwardedAt, Expr::value(now))
                .col_expr(brief::Column::StandstillEndsAt, Expr::value(ends))
                .col_expr(brief::Column::UpdatedAt, Expr::value(now))
                .filter(brief::Column::Id.eq(id))
                .filter(brief::Column::Status.eq(from.as_str()))
                .filter(brief::Column::AwardedResponseId.is_null())
                .exec(&txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Err(FlowError::Refused("changed_concurrently"));
            }
            let b = store::brief(&txn, id).await?;
            responses::mark_outcome(&txn, id, Some(response_id)).await?;
            let opened = responses::opened(&txn, &b).await?;
            publish_award(&txn, state, &b, &opened).await?;
            for r in &opened {
                let (event, detail) = if r.id == response_id {
                    (BriefEvent::Awarded, when(ends))
                } else {
                    (BriefEvent::Debrief, when(ends))
                };
                super::mail_supplier(&txn, state, r.supplier_org_id, &b, event, detail).await?;
            }
            actor
                .audit(
                    &txn,
                    "brief_awarded",
                    format!("brief {id}: response {response_id}"),
                )
                .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

async fn publish_award<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    b: &brief::Model,
    opened: &[brief_response::Model],
) -> Result<(), FlowError> {
    let brief = published(b)?;
    let n = named(txn, b).await?;
    let suppliers = crate::frameworks::store::organisations_by_id(
        txn,
        opened.iter().map(|r| r.supplier_org_id),
    )
    .await?;
    let responders: Vec<super::ocds::Responder<'_>> = opened
        .iter()
        .filter_map(|r| {
            Some(super::ocds::Responder {
                response: r,
                supplier: suppliers.get(&r.supplier_org_id)?,
            })
        })
        .collect();
    let winner = responders
        .iter()
        .find(|r| Some(r.response.id) == b.awarded_response_id)
        .ok_or(FlowError::NotFound)?;
    let ctx = super::ocds::Context {
        buyer: &n.buyer,
        framework: &n.framework,
        framework_ocid: &n.framework.ocid,
        lot_name: &n.lot_name,
        public_url: &state.config.public_url,
    };
    let body = super::ocds::award_release(
        b,
        &brief,
        &ctx,
        &responders,
        winner,
        state.config.briefs.publish_bid_prices,
        Vec::new(),
    );
    publish::publish(txn, &state.publisher, &b.ocid, &["award"], body).await?;
    Ok(())
}

/// An unsuccessful supplier complains during the standstill period.
pub async fn complain(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FlowError::field(
            "complaint",
            "complaint_required",
            "Write your complaint",
        ));
    }
    if text.chars().count() > 5000 {
        return Err(FlowError::field(
            "complaint",
            "too_long",
            "Write at most 5000 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::brief(&txn, id).await?;
    if status(&b)? != BriefStatus::Standstill || b.standstill_ends_at.is_none_or(|e| e <= now) {
        return Err(FlowError::Refused("standstill_over"));
    }
    let mine = responses::own(&txn, id, who.organisation_id)
        .await?
        .filter(|r| r.submitted_at.is_some());
    if mine.is_none() {
        return Err(FlowError::Refused("not_a_responder"));
    }
    let complaints = store::complaints(&txn, id).await?;
    if complaints
        .iter()
        .any(|c| c.supplier_org_id == who.organisation_id && c.replied_at.is_none())
    {
        return Err(FlowError::Refused("complaint_open"));
    }
    brief_complaint::ActiveModel {
        brief_id: Set(id),
        supplier_org_id: Set(who.organisation_id),
        raised_by: Set(who.user_id),
        complaint: Set(text.to_owned()),
        raised_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::mail_buyer(&txn, state, &b, BriefEvent::Complaint, String::new()).await?;
    actor
        .audit(&txn, "brief_complaint_raised", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The buyer replies to a complaint; complaint and reply stay on record.
pub async fn reply(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    complaint_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanAward, Role::CanPublishBriefs])?;
    let text = text.trim();
    if text.is_empty() {
        return Err(FlowError::field(
            "reply",
            "reply_required",
            "Write your reply",
        ));
    }
    if text.chars().count() > 5000 {
        return Err(FlowError::field(
            "reply",
            "too_long",
            "Write at most 5000 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let c = brief_complaint::Entity::find_by_id(complaint_id)
        .one(&txn)
        .await?
        .ok_or(FlowError::NotFound)?;
    let b = store::own(&txn, c.brief_id, who).await?;
    let claimed = brief_complaint::Entity::update_many()
        .col_expr(brief_complaint::Column::Reply, Expr::value(text))
        .col_expr(brief_complaint::Column::RepliedBy, Expr::value(who.user_id))
        .col_expr(brief_complaint::Column::RepliedAt, Expr::value(now))
        .filter(brief_complaint::Column::Id.eq(complaint_id))
        .filter(brief_complaint::Column::RepliedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("already_answered"));
    }
    super::mail_supplier(
        &txn,
        state,
        c.supplier_org_id,
        &b,
        BriefEvent::ComplaintReply,
        String::new(),
    )
    .await?;
    actor
        .audit(&txn, "brief_complaint_answered", format!("brief {}", b.id))
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Makes the contract of every brief whose standstill is over with no complaint waiting.
/// Returns how many contracts were made.
pub async fn contract_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let due = brief::Entity::find()
        .filter(brief::Column::Status.eq(BriefStatus::Standstill.as_str()))
        .filter(brief::Column::StandstillEndsAt.lte(now))
        .order_by_asc(brief::Column::Id)
        .all(&state.db)
        .await?;
    let mut made = 0;
    for b in due {
        if store::open_complaint(&store::complaints(&state.db, b.id).await?) {
            continue;
        }
        if make_contract(state, &b, now).await? {
            made += 1;
        }
    }
    Ok(made)
}

async fn make_contract(
    state: &AppState,
    b: &brief::Model,
    now: DateTime<Utc>,
) -> Result<bool, FlowError> {
    let txn = state.begin_write().await?;
    // A complaint raised after the list was read waits too.
    if store::open_complaint(&store::complaints(&txn, b.id).await?) {
        return Ok(false);
    }
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Contracted.as_str()),
        )
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(b.id))
        .filter(brief::Column::Status.eq(BriefStatus::Standstill.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let brief = published(b)?;
    let winner = responses::opened(&txn, b)
        .await?
        .into_iter()
        .find(|r| Some(r.id) == b.awarded_response_id)
        .ok_or(FlowError::NotFound)?;
    let supplier: organisation::Model =
        crate::frameworks::store::organisation(&txn, winner.supplier_org_id).await?;
    let start = winner.available_from.unwrap_or(now).max(now);
    let made = contract::ActiveModel {
        ocid: Set(b.ocid.clone()),
        route: Set("brief".into()),
        brief_id: Set(Some(b.id)),
        buyer_org_id: Set(b.buyer_org_id),
        supplier_org_id: Set(winner.supplier_org_id),
        framework_id: Set(b.framework_id),
        lots: Set(b.lot.clone()),
        title: Set(b.title.chars().take(300).collect()),
        value: Set(winner.price.unwrap_or_default()),
        currency: Set(winner
            .currency
            .clone()
            .unwrap_or_else(|| brief.budget_max.code().to_owned())),
        start_at: Set(start),
        end_at: Set(start + Duration::days(365)),
        status: Set("active".into()),
        signed_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let n = named(&txn, b).await?;
    let ctx = super::ocds::Context {
        buyer: &n.buyer,
        framework: &n.framework,
        framework_ocid: &n.framework.ocid,
        lot_name: &n.lot_name,
        public_url: &state.config.public_url,
    };
    let responder = super::ocds::Responder {
        response: &winner,
        supplier: &supplier,
    };
    let body = super::ocds::contract_release(b, &brief, &ctx, &responder, &made);
    publish::publish(&txn, &state.publisher, &b.ocid, &["contract"], body).await?;
    super::mail_supplier(
        &txn,
        state,
        winner.supplier_org_id,
        b,
        BriefEvent::Contracted,
        String::new(),
    )
    .await?;
    super::mail_buyer(&txn, state, b, BriefEvent::Contracted, String::new()).await?;
    Actor::clock()
        .audit(
            &txn,
            "brief_contracted",
            format!("brief {}: contract {}", b.id, made.id),
        )
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// A supplier's debrief, after the award (or the decision not to award).
#[derive(Clone, Debug)]
pub struct Debrief {
    /// The brief.
    pub brief: brief::Model,
    /// The supplier's own response.
    pub own: brief_response::Model,
    /// The winning response, when one was awarded.
    pub winner: Option<brief_response::Model>,
    /// The criteria of each stage, in order.
    pub criteria: Vec<(Stage, Vec<String>)>,
    /// The supplier's agreed scores: (stage, criterion, score, comment).
    pub own_scores: Vec<store::ScoreLine>,
    /// The winner's agreed scores.
    pub winner_scores: Vec<store::ScoreLine>,
    /// How many responses were submitted.
    pub responses: usize,
    /// The supplier's complaints, with the buyer's replies.
    pub complaints: Vec<brief_complaint::Model>,
}

/// The debrief of `who`'s organisation on brief `id`, once the buyer decided.
pub async fn debrief<C: ConnectionTrait>(
    db: &C,
    who: Viewer,
    id: i64,
) -> Result<Debrief, FlowError> {
    let b = store::brief(db, id).await?;
    if !matches!(
        status(&b)?,
        BriefStatus::Standstill | BriefStatus::Contracted | BriefStatus::NotAwarded
    ) {
        return Err(FlowError::NotFound);
    }
    let opened = responses::opened(db, &b).await?;
    let own = opened
        .iter()
        .find(|r| r.supplier_org_id == who.organisation_id)
        .cloned()
        .ok_or(FlowError::NotFound)?;
    let winner = opened
        .iter()
        .find(|r| Some(r.id) == b.awarded_response_id)
        .cloned();
    let brief = published(&b)?;
    let mut criteria = vec![(
        Stage::Proposal,
        super::evaluation::criteria(&brief, Stage::Proposal),
    )];
    if brief.challenge.is_some() {
        criteria.push((
            Stage::Challenge,
            super::evaluation::criteria(&brief, Stage::Challenge),
        ));
    }
    let mut own_scores = Vec::new();
    let mut winner_scores = Vec::new();
    for stage in [Stage::Proposal, Stage::Challenge] {
        for s in store::agreed_scores(db, &b, stage).await? {
            let line = store::ScoreLine {
                stage,
                criterion: s.criterion as usize,
                score: s.score as u8,
                comment: s.comment.clone(),
            };
            if s.response_id == own.id {
                own_scores.push(line);
            } else if winner.as_ref().is_some_and(|w| w.id == s.response_id) {
                winner_scores.push(line);
            }
        }
    }
    let complaints = store::complaints(db, id)
        .await?
        .into_iter()
        .filter(|c| c.supplier_org_id == who.organisation_id)
        .collect();
    Ok(Debrief {
        responses: opened.len(),
        brief: b,
        own,
        winner,
        criteria,
        own_scores,
        winner_scores,
        complaints,
    })
}
