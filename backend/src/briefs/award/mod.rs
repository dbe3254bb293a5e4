//! The award and what follows: the buyer awards the best response (overriding the ranking
//! needs a reason) or records why nothing is awarded; a standstill period follows, in which
//! each unsuccessful supplier has its debrief and may complain; the buyer replies to each
//! complaint; when the standstill is over and no complaint waits, the clock makes the
//! contract.

mod debrief;
mod standstill;

pub use debrief::{Debrief, debrief};
pub use standstill::{complain, contract_due, reply};

use chrono::{DateTime, Duration, Utc};
use ocds_schema::model::TenderStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::drafting::{named, publish_tender};
use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, published, responses, when};
use crate::domain::brief::{BriefStatus, Stage};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_response};
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
        Decision::Award { reason, .. } | Decision::NoAward { reason } => {
            super::checked_text("reason", reason, None)?.to_owned()
        }
    };
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
                let d = debrief::debrief_of(&txn, b.clone(), r.supplier_org_id).await?;
                debrief::mail_debrief(&txn, state, &d).await?;
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
                if r.id == response_id {
                    super::mail_supplier(
                        &txn,
                        state,
                        r.supplier_org_id,
                        &b,
                        BriefEvent::Awarded,
                        when(ends),
                    )
                    .await?;
                } else {
                    let d = debrief::debrief_of(&txn, b.clone(), r.supplier_org_id).await?;
                    debrief::mail_debrief(&txn, state, &d).await?;
                }
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
