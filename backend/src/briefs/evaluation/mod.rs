//! Evaluation: the buyer names a panel of two or more colleagues and a moderator; each member
//! scores each eligible response on each criterion (0 to 4, with a comment) without seeing
//! the others' scores until they submit their own; the moderator records the agreed scores,
//! which rank the responses. With a prototype challenge, the best responses get a paid
//! challenge order each, the panel scores the prototypes on the challenge's rubric the same
//! way, and the final ranking combines the two stages as the brief stated.

mod challenge;
mod ranking;
mod sheets;

pub use challenge::start_challenge;
pub use ranking::agree;
pub use sheets::{name_panel, score, submit_scores};

use sea_orm::ConnectionTrait;

use super::store::status;
use super::{FlowError, responses};
use crate::domain::brief::draft::Brief;
use crate::domain::brief::{BriefStatus, Stage};
use crate::entities::{brief, brief_response};

/// Longest comment on a score.
pub const COMMENT_MAX: usize = 2000;

/// The criteria scored in `stage`, in order.
pub fn criteria(brief: &Brief, stage: Stage) -> Vec<String> {
    match stage {
        Stage::Proposal => brief
            .criteria()
            .iter()
            .map(|(_, c)| (*c).to_owned())
            .collect(),
        Stage::Challenge => brief
            .challenge
            .as_ref()
            .map(|c| c.rubric.clone())
            .unwrap_or_default(),
    }
}

/// The responses scored in `stage`: eligible ones for the written stage, shortlisted ones for
/// the challenge.
pub async fn scorable<C: ConnectionTrait>(
    db: &C,
    b: &brief::Model,
    stage: Stage,
) -> Result<Vec<brief_response::Model>, FlowError> {
    Ok(responses::opened(db, b)
        .await?
        .into_iter()
        .filter(|r| match stage {
            Stage::Proposal => r.result.as_deref() != Some("failed_essential"),
            Stage::Challenge => r.shortlisted,
        })
        .collect())
}

pub(super) fn stage_open(b: &brief::Model, stage: Stage) -> Result<(), FlowError> {
    let s = status(b)?;
    let ok = match stage {
        Stage::Proposal => s == BriefStatus::Closed && b.proposal_agreed_at.is_none(),
        Stage::Challenge => s == BriefStatus::Challenge && b.challenge_agreed_at.is_none(),
    };
    if ok {
        Ok(())
    } else {
        Err(FlowError::Refused("scoring_closed"))
    }
}
