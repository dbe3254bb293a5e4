//! Publishing a brief, editing it while live (kept as history, published and sent to the
//! lot's suppliers), and withdrawing it.

use chrono::{DateTime, Utc};
use ocds_schema::model::TenderStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, Set,
};

use super::drafting::{publish_tender, review_fields_changed, too_long};
use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, when};
use crate::domain::brief::draft::{self, Draft, When};
use crate::domain::brief::{BriefStatus, ReviewStatus};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_edit, user};
use crate::frameworks::store as catalogue;
use crate::mail::BriefEvent;
use crate::state::AppState;

/// Keeps the brief as it now is in its history, with what happened and the fields changed.
pub(super) async fn record_edit<C: ConnectionTrait>(
    txn: &C,
    b: &brief::Model,
    kind: &str,
    fields: &[&str],
    by: Option<i64>,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    brief_edit::ActiveModel {
        brief_id: Set(b.id),
        version: Set(b.version),
        kind: Set(kind.into()),
        draft: Set(b.draft.clone()),
        fields: Set(fields.join(" ").chars().take(2000).collect()),
        edited_by: Set(by),
        edited_at: Set(at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// Publishes a draft that passes the quality gate (and, above the review threshold, whose
/// business case was approved): the tender release, the history's first entry, and an
/// e-mail to every supplier on the lot who asked for each new brief.
pub async fn publish_brief(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    now: DateTime<Utc>,
) -> Result<brief::Model, FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    status(&b)?
        .check_transition(BriefStatus::Live)
        .map_err(|_| FlowError::Refused("brief_not_draft"))?;
    let d = store::draft(&b);
    let checked = draft::gate(
        &d,
        When::Publishing {
            today: now.date_naive(),
        },
    )
    .map_err(FlowError::Gate)?;
    let needed = state
        .config
        .briefs
        .review_needed(checked.budget_max.amount(), checked.budget_max.code());
    let review = store::review(&b);
    if needed && review != ReviewStatus::Approved {
        return Err(FlowError::Refused("review_needed"));
    }
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Live.as_str()),
        )
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Status.eq(BriefStatus::Draft.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let mut active = b.clone().into_active_model();
    active.status = Set(BriefStatus::Live.as_str().into());
    if !needed {
        active.review = Set(ReviewStatus::NotNeeded.as_str().into());
    }
    active.title = Set(checked.title.clone());
    active.location = Set(checked.location.clone());
    active.budget_min = Set(Some(checked.budget_min.amount()));
    active.budget_max = Set(Some(checked.budget_max.amount()));
    active.currency = Set(Some(checked.budget_max.code().to_owned()));
    active.question_deadline_at = Set(Some(checked.question_deadline));
    active.closing_at = Set(Some(checked.closing));
    active.published_at = Set(Some(now));
    active.version = Set(1);
    active.updated_at = Set(now);
    let b = active.update(&txn).await?;
    record_edit(&txn, &b, "published", &[], Some(who.user_id), now).await?;
    publish_tender(
        &txn,
        state,
        &b,
        &["planning", "tender"],
        TenderStatus::Active,
        None,
        Vec::new(),
    )
    .await?;
    let fw = catalogue::framework_by_id(&txn, b.framework_id).await?;
    let audience = store::audience(&txn, &fw, &b.lot).await?;
    let modes = super::clock::alert_modes(&txn, audience.iter().map(|u| u.id)).await?;
    let each: Vec<user::Model> = audience
        .into_iter()
        .filter(|u| modes.get(&u.id).map_or("each", String::as_str) == "each")
        .collect();
    super::mail_people(
        &txn,
        state,
        &each,
        &b,
        BriefEvent::Published,
        when(checked.closing),
    )
    .await?;
    actor
        .audit(&txn, "brief_published", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(b)
}

/// Edits a live brief before it closes. The brief passes the gate again; the closing date
/// may move later, never earlier; the budget and an approved business case cannot change.
/// The edit is kept in the history, published (`tenderUpdate`, or `tenderAmendment` when a
/// date moved) and sent to every supplier on the lot.
pub async fn edit(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    d: Draft,
    now: DateTime<Utc>,
) -> Result<brief::Model, FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let errors = too_long(&d);
    if !errors.is_empty() {
        return Err(FlowError::Invalid(errors));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if status(&b)? != BriefStatus::Live || b.closing_at.is_none_or(|c| c <= now) {
        return Err(FlowError::Refused("brief_not_live"));
    }
    super::drafting::follows(&txn, b.buyer_org_id, &d).await?;
    let old = store::draft(&b);
    let closing = b
        .closing_at
        .map(|c| c.date_naive())
        .unwrap_or_else(|| now.date_naive());
    let checked = draft::gate(
        &d,
        When::Editing {
            today: now.date_naive(),
            closing,
        },
    )
    .map_err(FlowError::Gate)?;
    if review_fields_changed(&old, &d) && store::review(&b) == ReviewStatus::Approved {
        return Err(FlowError::Refused("business_case_approved"));
    }
    let changed = old.changed_fields(&d);
    if changed.is_empty() {
        return Ok(b);
    }
    let dates_moved = changed.contains(&"closing") || changed.contains(&"question_deadline");
    let mut active = b.clone().into_active_model();
    active.draft = Set(d.to_json());
    active.title = Set(checked.title.clone());
    active.location = Set(checked.location.clone());
    active.budget_min = Set(Some(checked.budget_min.amount()));
    active.budget_max = Set(Some(checked.budget_max.amount()));
    active.question_deadline_at = Set(Some(checked.question_deadline));
    active.closing_at = Set(Some(checked.closing));
    active.version = Set(b.version + 1);
    active.updated_at = Set(now);
    let b = active.update(&txn).await?;
    record_edit(&txn, &b, "edited", &changed, Some(who.user_id), now).await?;
    let (tag, amendment) = if dates_moved {
        (
            "tenderAmendment",
            Some((
                format!("version-{}", b.version),
                "The buyer changed the brief's dates".to_owned(),
            )),
        )
    } else {
        ("tenderUpdate", None)
    };
    publish_tender(
        &txn,
        state,
        &b,
        &[tag],
        TenderStatus::Active,
        amendment,
        Vec::new(),
    )
    .await?;
    let fw = catalogue::framework_by_id(&txn, b.framework_id).await?;
    let audience = store::audience(&txn, &fw, &b.lot).await?;
    super::mail_people(
        &txn,
        state,
        &audience,
        &b,
        BriefEvent::Edited,
        changed.join(", "),
    )
    .await?;
    actor
        .audit(
            &txn,
            "brief_edited",
            format!("brief {id}: {}", changed.join(" ")),
        )
        .await?;
    txn.commit().await?;
    Ok(b)
}

/// Withdraws a draft or a live brief, with a reason. A live brief's withdrawal is published
/// and sent to every supplier on the lot.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanPublishBriefs])?;
    let reason = super::checked_text(
        "reason",
        reason,
        Some((
            "withdraw_reason",
            "Give the reason for withdrawing the brief",
        )),
    )?;
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    let from = status(&b)?;
    from.check_transition(BriefStatus::Withdrawn)
        .map_err(|_| FlowError::Refused("brief_closed"))?;
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Withdrawn.as_str()),
        )
        .col_expr(brief::Column::WithdrawnReason, Expr::value(reason))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let b = store::brief(&txn, id).await?;
    if from == BriefStatus::Live {
        publish_tender(
            &txn,
            state,
            &b,
            &["tenderCancellation"],
            TenderStatus::Cancelled,
            None,
            Vec::new(),
        )
        .await?;
        let fw = catalogue::framework_by_id(&txn, b.framework_id).await?;
        let audience = store::audience(&txn, &fw, &b.lot).await?;
        super::mail_people(
            &txn,
            state,
            &audience,
            &b,
            BriefEvent::Withdrawn,
            reason.to_owned(),
        )
        .await?;
    }
    actor
        .audit(&txn, "brief_withdrawn", format!("brief {id}"))
        .await?;
    txn.commit().await?;
    Ok(())
}
