//! The standstill: complaints and their replies, and the contract once it is over with no
//! complaint waiting.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::super::drafting::named;
use super::super::store::{self, status};
use super::super::{Actor, FlowError, Viewer, need, published, responses};
use crate::domain::brief::BriefStatus;
use crate::domain::roles::Role;
use crate::entities::{brief, brief_complaint, contract, organisation};
use crate::mail::BriefEvent;
use crate::publish;
use crate::state::AppState;

/// An unsuccessful supplier complains during the standstill period.
pub async fn complain(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let text = super::super::checked_text(
        "complaint",
        text,
        Some(("complaint_required", "Write your complaint")),
    )?;
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
    super::super::mail_buyer(&txn, state, &b, BriefEvent::Complaint, String::new()).await?;
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
    let text =
        super::super::checked_text("reply", text, Some(("reply_required", "Write your reply")))?;
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
    super::super::mail_supplier(
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
    crate::contracts::delivery::first_module(&txn, &made, &brief.outcome).await?;
    let n = named(&txn, b).await?;
    let ctx = super::super::ocds::Context {
        buyer: &n.buyer,
        framework: &n.framework,
        framework_ocid: &n.framework.ocid,
        lot_name: &n.lot_name,
        public_url: &state.config.public_url,
    };
    let responder = super::super::ocds::Responder {
        response: &winner,
        supplier: &supplier,
    };
    let body = super::super::ocds::contract_release(b, &brief, &ctx, &responder, &made);
    publish::publish(&txn, &state.publisher, &b.ocid, &["contract"], body).await?;
    super::super::mail_supplier(
        &txn,
        state,
        winner.supplier_org_id,
        b,
        BriefEvent::Contracted,
        String::new(),
    )
    .await?;
    super::super::mail_buyer(&txn, state, b, BriefEvent::Contracted, String::new()).await?;
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
