//! The business-case review: the buyer asks for it once the brief passes the gate, and a
//! category reviewer (never the brief's author) approves it or refuses it with reasons. Each
//! request and decision is kept.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need};
use crate::domain::brief::draft::{self, When};
use crate::domain::brief::{BriefStatus, ReviewStatus};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_review, user, user_role};
use crate::mail::BriefEvent;
use crate::state::AppState;

/// Asks a category reviewer to approve the business case. The brief must pass the quality
/// gate first, so that the reviewer reads a whole case.
pub async fn request_review(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if status(&b)? != BriefStatus::Draft {
        return Err(FlowError::Refused("brief_not_draft"));
    }
    let d = store::draft(&b);
    draft::gate(
        &d,
        When::Publishing {
            today: now.date_naive(),
        },
    )
    .map_err(FlowError::Gate)?;
    if !matches!(
        store::review(&b),
        ReviewStatus::NotRequested | ReviewStatus::Refused
    ) {
        return Err(FlowError::Refused("review_not_needed"));
    }
    let mut active = b.clone().into_active_model();
    active.review = Set(ReviewStatus::Pending.as_str().into());
    active.updated_at = Set(now);
    let b = active.update(&txn).await?;
    brief_review::ActiveModel {
        brief_id: Set(id),
        decision: Set("requested".into()),
        reason: Set(None),
        user_id: Set(who.user_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let reviewers: Vec<user::Model> = reviewers(&txn)
        .await?
        .into_iter()
        .filter(|u| u.id != who.user_id)
        .collect();
    super::mail_people(
        &txn,
        state,
        &reviewers,
        &b,
        BriefEvent::ReviewRequested,
        String::new(),
    )
    .await?;
    actor
        .audit(&txn, "brief_review_requested", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(())
}

async fn reviewers<C: ConnectionTrait>(db: &C) -> Result<Vec<user::Model>, FlowError> {
    let ids: Vec<i64> = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::CategoryReviewer.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?)
}

/// A category reviewer approves the business case, or refuses it with reasons. Reviewers
/// never review their own briefs.
#[allow(clippy::too_many_arguments)]
pub async fn review(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    approve: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CategoryReviewer])?;
    let reason = super::checked_text(
        "reason",
        reason,
        (!approve).then_some((
            "review_reason",
            "Give the reasons for refusing, so the buyer can fix the business case",
        )),
    )?;
    let txn = state.begin_write().await?;
    let b = store::brief(&txn, id).await?;
    if b.created_by == who.user_id {
        return Err(FlowError::Refused("own_review"));
    }
    if status(&b)? != BriefStatus::Draft || store::review(&b) != ReviewStatus::Pending {
        return Err(FlowError::Refused("review_not_pending"));
    }
    let decided = if approve {
        ReviewStatus::Approved
    } else {
        ReviewStatus::Refused
    };
    let claimed = brief::Entity::update_many()
        .col_expr(brief::Column::Review, Expr::value(decided.as_str()))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Review.eq(ReviewStatus::Pending.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("review_not_pending"));
    }
    brief_review::ActiveModel {
        brief_id: Set(id),
        decision: Set(if approve { "approved" } else { "refused" }.into()),
        reason: Set((!reason.is_empty()).then(|| reason.to_owned())),
        user_id: Set(who.user_id),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let event = if approve {
        BriefEvent::ReviewApproved
    } else {
        BriefEvent::ReviewRefused
    };
    super::mail_buyer(&txn, state, &b, event, reason.to_owned()).await?;
    actor
        .audit(
            &txn,
            if approve {
                "brief_review_approved"
            } else {
                "brief_review_refused"
            },
            format!("brief {id}"),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}
