//! The panel, and each member's blind scores: named, scored, submitted.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::super::store::{self, status};
use super::super::{Actor, FlowError, Viewer, need, published};
use crate::domain::brief::scoring::{self};
use crate::domain::brief::{BriefStatus, MIN_PANEL, Stage};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_panel_member, brief_score, user};
use crate::mail::BriefEvent;
use crate::state::AppState;

use super::{COMMENT_MAX, criteria, scorable, stage_open};

/// Names the panel (at least two people of the buyer's organisation) and the moderator.
/// The panel can change until a member has submitted scores.
#[allow(clippy::too_many_arguments)]
pub async fn name_panel(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    members: &[i64],
    moderator: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanPublishBriefs, Role::CanAward])?;
    let mut members: Vec<i64> = members.to_vec();
    members.sort_unstable();
    members.dedup();
    if members.len() < MIN_PANEL {
        return Err(FlowError::field(
            "members",
            "panel_size",
            format!("Choose at least {MIN_PANEL} people for the panel"),
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if !matches!(status(&b)?, BriefStatus::Live | BriefStatus::Closed) {
        return Err(FlowError::Refused("scoring_closed"));
    }
    let colleagues = store::colleagues(&txn, who.organisation_id).await?;
    let known = |u: i64| colleagues.iter().any(|c| c.id == u);
    if !members.iter().all(|m| known(*m)) {
        return Err(FlowError::field(
            "members",
            "panel_member",
            "Choose people of your organisation",
        ));
    }
    if !known(moderator) {
        return Err(FlowError::field(
            "moderator",
            "panel_member",
            "Choose a moderator of your organisation",
        ));
    }
    let current = store::panel(&txn, id).await?;
    if current.iter().any(|m| m.proposal_submitted_at.is_some()) {
        return Err(FlowError::Refused("panel_scoring_started"));
    }
    brief_panel_member::Entity::delete_many()
        .filter(brief_panel_member::Column::BriefId.eq(id))
        .exec(&txn)
        .await?;
    for m in &members {
        brief_panel_member::ActiveModel {
            brief_id: Set(id),
            user_id: Set(*m),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    brief::Entity::update_many()
        .col_expr(brief::Column::ModeratorId, Expr::value(moderator))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let mut told: Vec<user::Model> = colleagues
        .into_iter()
        .filter(|c| members.contains(&c.id) || c.id == moderator)
        .filter(|c| !current.iter().any(|m| m.user_id == c.id))
        .collect();
    told.dedup_by_key(|u| u.id);
    super::super::mail_people(&txn, state, &told, &b, BriefEvent::Panel, String::new()).await?;
    actor
        .audit(
            &txn,
            "brief_panel_named",
            format!("brief {id}: {} members", members.len()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

pub(super) fn parse_sheet(
    entries: &[(String, String)],
    count: usize,
    comments_required: bool,
) -> Result<Vec<(u8, String)>, FlowError> {
    let mut errors = crate::domain::errors::FieldErrors::new();
    let mut parsed = Vec::new();
    for i in 0..count {
        let (score, comment) = entries.get(i).cloned().unwrap_or_default();
        let comment = comment.trim().to_owned();
        match scoring::parse_score(&score) {
            Some(s) => parsed.push((s, comment.clone())),
            None => {
                errors.insert(
                    format!("score_{i}"),
                    crate::domain::errors::FieldError {
                        code: "score".into(),
                        message: "Score from 0 to 4".into(),
                    },
                );
            }
        }
        if comments_required && comment.is_empty() {
            errors.insert(
                format!("comment_{i}"),
                crate::domain::errors::FieldError {
                    code: "score_comment".into(),
                    message: "Say why you gave this score".into(),
                },
            );
        } else if comment.chars().count() > COMMENT_MAX {
            errors.insert(
                format!("comment_{i}"),
                crate::domain::errors::FieldError {
                    code: "too_long".into(),
                    message: format!("Write at most {COMMENT_MAX} characters"),
                },
            );
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(FlowError::Invalid(errors))
    }
}

pub(super) async fn write_scores<C: ConnectionTrait>(
    txn: &C,
    b: &brief::Model,
    response_id: i64,
    stage: Stage,
    user_id: i64,
    agreed: bool,
    sheet: &[(u8, String)],
) -> Result<(), FlowError> {
    brief_score::Entity::delete_many()
        .filter(brief_score::Column::ResponseId.eq(response_id))
        .filter(brief_score::Column::Stage.eq(stage.as_str()))
        .filter(brief_score::Column::UserId.eq(user_id))
        .filter(brief_score::Column::Agreed.eq(agreed))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for (i, (score, comment)) in sheet.iter().enumerate() {
        brief_score::ActiveModel {
            brief_id: Set(b.id),
            response_id: Set(response_id),
            stage: Set(stage.as_str().into()),
            user_id: Set(user_id),
            agreed: Set(agreed),
            criterion: Set(i as i32),
            score: Set(i32::from(*score)),
            comment: Set(comment.clone()),
            scored_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The brief and `who`'s place on its panel, when `who` may still score `stage`: on the panel,
/// the stage open, and their scores for it not yet submitted.
async fn scoring_member<C: ConnectionTrait>(
    txn: &C,
    id: i64,
    who: Viewer,
    stage: Stage,
) -> Result<(brief::Model, brief_panel_member::Model), FlowError> {
    let b = store::own(txn, id, who).await?;
    let me = store::panel(txn, id)
        .await?
        .into_iter()
        .find(|m| m.user_id == who.user_id)
        .ok_or(FlowError::Refused("not_on_panel"))?;
    stage_open(&b, stage)?;
    if store::submitted(&me, stage) {
        return Err(FlowError::Refused("scores_submitted"));
    }
    Ok((b, me))
}

/// A panel member scores one response in `stage`. Refused to anyone not on the panel, and
/// to a member who already submitted their scores for the stage.
pub async fn score(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    stage: Stage,
    response_id: i64,
    entries: &[(String, String)],
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let (b, _me) = scoring_member(&txn, id, who, stage).await?;
    let brief = published(&b)?;
    let r = scorable(&txn, &b, stage)
        .await?
        .into_iter()
        .find(|r| r.id == response_id)
        .ok_or(FlowError::NotFound)?;
    let sheet = parse_sheet(entries, criteria(&brief, stage).len(), true)?;
    write_scores(&txn, &b, r.id, stage, who.user_id, false, &sheet).await?;
    actor
        .audit(
            &txn,
            "brief_scored",
            format!("brief {id}: response {response_id}, {}", stage.as_str()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

/// A panel member submits their scores for `stage`: every response scored on every
/// criterion. Only then do they see the others' scores.
pub async fn submit_scores(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    stage: Stage,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let (b, me) = scoring_member(&txn, id, who, stage).await?;
    let brief = published(&b)?;
    let needed = criteria(&brief, stage).len();
    let mine: Vec<brief_score::Model> = store::scores_for(&txn, &b, stage, who.user_id)
        .await?
        .into_iter()
        .filter(|s| s.user_id == who.user_id && !s.agreed)
        .collect();
    for r in scorable(&txn, &b, stage).await? {
        if mine.iter().filter(|s| s.response_id == r.id).count() < needed {
            return Err(FlowError::Refused("scores_incomplete"));
        }
    }
    let column = match stage {
        Stage::Proposal => brief_panel_member::Column::ProposalSubmittedAt,
        Stage::Challenge => brief_panel_member::Column::ChallengeSubmittedAt,
    };
    brief_panel_member::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(brief_panel_member::Column::Id.eq(me.id))
        .exec(&txn)
        .await?;
    actor
        .audit(
            &txn,
            "brief_scores_submitted",
            format!("brief {id}: {}", stage.as_str()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}
