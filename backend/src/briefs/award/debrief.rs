//! A supplier's debrief: its own scores, the winner's, the count of responses and the reasons.

use sea_orm::ConnectionTrait;

use super::super::store::{self, status};
use super::super::{FlowError, Viewer, published, responses};
use crate::domain::brief::{BriefStatus, Stage};
use crate::entities::{brief, brief_complaint, brief_response};

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
        super::super::evaluation::criteria(&brief, Stage::Proposal),
    )];
    if brief.challenge.is_some() {
        criteria.push((
            Stage::Challenge,
            super::super::evaluation::criteria(&brief, Stage::Challenge),
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
