//! The buyer accepts a delivery, or rejects it with a reason the supplier reads (never
//! published).

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::super::ocds::Moment;
use super::super::{Actor, FlowError, Viewer, store};
use crate::domain::contract::{MilestoneAction, Side};
use crate::mail::ContractEvent;
use crate::state::AppState;

/// The buyer accepts the pending delivery of a milestone, or rejects it with a reason.
#[expect(
    clippy::too_many_arguments,
    reason = "one flow with its ids and the decision"
)]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    milestone_id: i64,
    accept: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let reason = super::super::text("reason", reason, !accept)?.to_owned();
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::super::must_be(&c, who, Side::Buyer)?;
    let m = store::milestone(&txn, c.id, milestone_id).await?;
    let action = if accept {
        MilestoneAction::Accept
    } else {
        MilestoneAction::Reject
    };
    let next = store::Timeline::status(&m)
        .apply(action, Side::Buyer)
        .map_err(|e| FlowError::Refused(e.code()))?;
    let delivery = store::pending_delivery(&txn, m.id)
        .await?
        .ok_or(FlowError::Refused("milestone_not_ready"))?;
    let mut d = delivery.into_active_model();
    d.decision = Set(if accept { "accepted" } else { "rejected" }.into());
    d.decided_at = Set(Some(now));
    d.decided_by = Set(Some(who.user_id));
    d.reason = Set((!reason.is_empty()).then(|| reason.clone()));
    d.update(&txn).await?;
    let title = m.title.clone();
    let mut row = m.into_active_model();
    row.status = Set(next.as_str().into());
    if accept {
        row.accepted_at = Set(Some(now));
    }
    row.updated_at = Set(now);
    let m = row.update(&txn).await?;
    actor
        .audit(
            &txn,
            if accept {
                "milestone_accepted"
            } else {
                "milestone_rejected"
            },
            format!("contract {}: milestone {}", c.id, m.number),
        )
        .await?;
    super::super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    let (event, detail) = if accept {
        (ContractEvent::Accepted, format!("{}. {title}", m.number))
    } else {
        (
            ContractEvent::Rejected,
            format!("{}. {title}: {reason}", m.number),
        )
    };
    super::super::mail_side(&txn, state, &c, Side::Supplier, event, detail).await?;
    txn.commit().await?;
    Ok(())
}
