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
    debrief_of(db, b, who.organisation_id).await
}

/// The debrief of a supplier on a decided brief.
pub(super) async fn debrief_of<C: ConnectionTrait>(
    db: &C,
    b: brief::Model,
    supplier_org_id: i64,
) -> Result<Debrief, FlowError> {
    let id = b.id;
    let opened = responses::opened(db, &b).await?;
    let own = opened
        .iter()
        .find(|r| r.supplier_org_id == supplier_org_id)
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
        .filter(|c| c.supplier_org_id == supplier_org_id)
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

/// E-mails a supplier its debrief: its result, its agreed scores beside the winner's, the
/// number of responses and the buyer's reasons.
pub(super) async fn mail_debrief<C: ConnectionTrait>(
    txn: &C,
    state: &crate::state::AppState,
    d: &Debrief,
) -> Result<(), FlowError> {
    let mut rows = Vec::new();
    for (stage, criteria) in &d.criteria {
        for (i, c) in criteria.iter().enumerate() {
            let find = |lines: &[store::ScoreLine]| {
                lines
                    .iter()
                    .find(|l| l.stage == *stage && l.criterion == i)
                    .map(|l| l.score)
            };
            if let Some(own) = find(&d.own_scores) {
                rows.push((
                    stage.as_str().to_owned(),
                    c.clone(),
                    own,
                    find(&d.winner_scores),
                ));
            }
        }
    }
    let kind = crate::mail::MailKind::Debrief {
        brief: d.brief.title.clone(),
        responses: d.responses,
        rank: d.own.rank,
        failed: d.own.fail_reason.clone(),
        rows,
        reason: d
            .brief
            .award_reason
            .clone()
            .or_else(|| d.brief.not_awarded_reason.clone()),
        standstill_ends: d
            .brief
            .standstill_ends_at
            .map(super::super::when)
            .unwrap_or_default(),
        link: format!("{}/debrief", super::super::link(state, &d.brief)),
    };
    for person in crate::frameworks::store::recipients(txn, d.own.supplier_org_id).await? {
        let lang = marco_frontend::Lang::from_code(&person.locale).unwrap_or_default();
        crate::mail::enqueue(
            txn,
            crate::mail::OutgoingMail {
                to: person.email.clone(),
                lang,
                kind: kind.clone(),
            },
        )
        .await?;
    }
    Ok(())
}
