//! The panel's part of the briefs store: the panel, the scores each reader may see (their own
//! always; the others' only once they submitted theirs), the agreed scores, and complaints.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::FlowError;
use crate::domain::brief::Stage;
use crate::entities::{brief, brief_complaint, brief_panel_member, brief_score};

/// The panel of a brief, in the order named.
pub async fn panel<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
) -> Result<Vec<brief_panel_member::Model>, FlowError> {
    Ok(brief_panel_member::Entity::find()
        .filter(brief_panel_member::Column::BriefId.eq(brief_id))
        .order_by_asc(brief_panel_member::Column::Id)
        .all(db)
        .await?)
}

/// Whether every panel member submitted their scores for `stage`.
pub fn all_submitted(panel: &[brief_panel_member::Model], stage: Stage) -> bool {
    !panel.is_empty()
        && panel.iter().all(|m| match stage {
            Stage::Proposal => m.proposal_submitted_at.is_some(),
            Stage::Challenge => m.challenge_submitted_at.is_some(),
        })
}

/// Whether `member` submitted their scores for `stage`.
pub fn submitted(member: &brief_panel_member::Model, stage: Stage) -> bool {
    match stage {
        Stage::Proposal => member.proposal_submitted_at.is_some(),
        Stage::Challenge => member.challenge_submitted_at.is_some(),
    }
}

/// The scores of `stage` that `reader` may see: their own always; the other members' and
/// the agreed ones only once `reader` submitted theirs, or when `reader` is the moderator
/// and every member has submitted. Anyone else sees the agreed scores only, once agreed.
pub async fn scores_for<C: ConnectionTrait>(
    db: &C,
    b: &brief::Model,
    stage: Stage,
    reader: i64,
) -> Result<Vec<brief_score::Model>, FlowError> {
    let panel = panel(db, b.id).await?;
    let me = panel.iter().find(|m| m.user_id == reader);
    let moderator = b.moderator_id == Some(reader);
    let sees_all =
        me.is_some_and(|m| submitted(m, stage)) || (moderator && all_submitted(&panel, stage));
    let agreed_done = match stage {
        Stage::Proposal => b.proposal_agreed_at.is_some(),
        Stage::Challenge => b.challenge_agreed_at.is_some(),
    };
    let all = brief_score::Entity::find()
        .filter(brief_score::Column::BriefId.eq(b.id))
        .filter(brief_score::Column::Stage.eq(stage.as_str()))
        .order_by_asc(brief_score::Column::Id)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|s| {
            if s.agreed {
                agreed_done || sees_all
            } else {
                s.user_id == reader || sees_all
            }
        })
        .collect())
}

/// The agreed scores of `stage` (empty until agreed), for rankings, award and debriefs.
pub async fn agreed_scores<C: ConnectionTrait>(
    db: &C,
    b: &brief::Model,
    stage: Stage,
) -> Result<Vec<brief_score::Model>, FlowError> {
    let done = match stage {
        Stage::Proposal => b.proposal_agreed_at.is_some(),
        Stage::Challenge => b.challenge_agreed_at.is_some(),
    };
    if !done {
        return Ok(Vec::new());
    }
    Ok(brief_score::Entity::find()
        .filter(brief_score::Column::BriefId.eq(b.id))
        .filter(brief_score::Column::Stage.eq(stage.as_str()))
        .filter(brief_score::Column::Agreed.eq(true))
        .order_by_asc(brief_score::Column::Criterion)
        .all(db)
        .await?)
}

/// One agreed score, as a debrief shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreLine {
    /// The stage.
    pub stage: Stage,
    /// The criterion's position.
    pub criterion: usize,
    /// 0 to 4.
    pub score: u8,
    /// The panel's agreed comment.
    pub comment: String,
}

/// The complaints of a brief, oldest first.
pub async fn complaints<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
) -> Result<Vec<brief_complaint::Model>, FlowError> {
    Ok(brief_complaint::Entity::find()
        .filter(brief_complaint::Column::BriefId.eq(brief_id))
        .order_by_asc(brief_complaint::Column::Id)
        .all(db)
        .await?)
}

/// Whether a complaint waits for its reply (the contract waits with it).
pub fn open_complaint(complaints: &[brief_complaint::Model]) -> bool {
    complaints.iter().any(|c| c.replied_at.is_none())
}
