//! The buyer's ratings of the supplier (quality, timeliness, communication, 1 to 5, with a
//! comment) at each accepted milestone and at the end, and the supplier's one reply. A rating
//! is published once public: when the contract ends, or 90 days after it was given.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::ocds::Moment;
use super::{Actor, FlowError, Viewer, store};
use crate::domain::contract::{Rating, Side, public_at};
use crate::entities::contract_rating;
use crate::mail::ContractEvent;
use crate::state::AppState;

/// A rating as typed.
#[derive(Clone, Debug, Default)]
pub struct RatingInput {
    /// The milestone rated (its id), or empty for the final rating.
    pub milestone: String,
    /// 1 to 5.
    pub quality: String,
    /// 1 to 5.
    pub timeliness: String,
    /// 1 to 5.
    pub communication: String,
    /// Why.
    pub comment: String,
}

/// The buyer rates the supplier once per accepted milestone, and once at the end.
pub async fn rate(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    input: &RatingInput,
    now: DateTime<Utc>,
) -> Result<i64, FlowError> {
    let rating = Rating::parse(
        &input.quality,
        &input.timeliness,
        &input.communication,
        &input.comment,
    )
    .map_err(|e| {
        let code = match e {
            crate::domain::contract::RatingError::Score(_) => "rating_score",
            crate::domain::contract::RatingError::NoComment => "rating_comment",
            crate::domain::contract::RatingError::TooLong => "too_long",
        };
        let message = e
            .to_string()
            .split_once(": ")
            .map_or(String::new(), |(_, m)| m.to_owned());
        FlowError::field(e.field(), code, message)
    })?;
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::must_be(&c, who, Side::Buyer)?;
    let (milestone_id, stage) =
        if input.milestone.trim().is_empty() || input.milestone.trim() == "final" {
            if !super::ended(&c) {
                return Err(FlowError::Refused("not_ended"));
            }
            (None, "final".to_owned())
        } else {
            let id = input
                .milestone
                .trim()
                .parse::<i64>()
                .map_err(|_| FlowError::NotFound)?;
            let m = store::milestone(&txn, c.id, id).await?;
            if !store::Timeline::status(&m).met() {
                return Err(FlowError::Refused("milestone_not_accepted"));
            }
            (Some(m.id), format!("milestone-{}", m.number))
        };
    let t = store::timeline(&txn, c.clone()).await?;
    if t.ratings.iter().any(|r| r.stage == stage) {
        return Err(FlowError::Refused("already_rated"));
    }
    // A catalogue order's contract ends with its payment, which the order flow records as
    // the contract's last change.
    let ended_at = c
        .ended_at
        .or_else(|| super::ended(&c).then_some(c.updated_at));
    let public = public_at(now, ended_at);
    let row = contract_rating::ActiveModel {
        contract_id: Set(c.id),
        milestone_id: Set(milestone_id),
        stage: Set(stage.clone()),
        quality: Set(i32::from(rating.quality)),
        timeliness: Set(i32::from(rating.timeliness)),
        communication: Set(i32::from(rating.communication)),
        comment: Set(rating.comment.clone()),
        rated_by: Set(who.user_id),
        rated_at: Set(now),
        public_at: Set(public),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "contract_rated",
            format!("contract {}: rating {} ({stage})", c.id, row.id),
        )
        .await?;
    if public <= now && store::publish_ratings(&txn, c.id, now).await? > 0 {
        super::publish_contract(&txn, state, c.id, Moment::Update).await?;
    }
    super::mail_side(
        &txn,
        state,
        &c,
        Side::Supplier,
        ContractEvent::Rated,
        format!(
            "{}/5, {}/5, {}/5",
            rating.quality, rating.timeliness, rating.communication
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// The supplier publishes its one reply to a rating.
pub async fn reply(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    rating_id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let text = super::text("reply", text, true)?.to_owned();
    if text.chars().count() > crate::domain::contract::COMMENT_MAX {
        return Err(FlowError::field(
            "reply",
            "too_long",
            "Write at most 2000 characters",
        ));
    }
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::must_be(&c, who, Side::Supplier)?;
    let r = store::rating(&txn, c.id, rating_id).await?;
    if r.reply.is_some() {
        return Err(FlowError::Refused("already_replied"));
    }
    let published = r.published_at.is_some();
    let mut row = r.into_active_model();
    row.reply = Set(Some(text.clone()));
    row.replied_at = Set(Some(now));
    row.replied_by = Set(Some(who.user_id));
    row.update(&txn).await?;
    actor
        .audit(
            &txn,
            "contract_rating_reply",
            format!("contract {}: rating {rating_id}", c.id),
        )
        .await?;
    if published {
        super::publish_contract(&txn, state, c.id, Moment::Update).await?;
    }
    super::mail_side(&txn, state, &c, Side::Buyer, ContractEvent::Replied, text).await?;
    txn.commit().await?;
    Ok(())
}
