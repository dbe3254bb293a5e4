//! The buyer's decision on a change, making an approved one, and what ending a contract
//! does to its delivery.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};

use super::super::ocds::Moment;
use super::super::{Actor, Change, FlowError, Viewer, store};
use crate::domain::contract::{ChangeKind, ChangeStatus, Side, needs_second_approver, public_at};
use crate::domain::roles::Role;
use crate::entities::{contract, contract_milestone, contract_module, contract_rating};
use crate::mail::ContractEvent;
use crate::state::AppState;
/// The buyer decides on a change: accepts a supplier's request (which may then need a second
/// approver), approves one waiting for a second approver, or refuses either with a reason.
#[expect(
    clippy::too_many_arguments,
    reason = "one flow with its ids and the decision"
)]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    contract_id: i64,
    change_id: i64,
    approve: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let reason = super::super::text("decision_reason", reason, !approve)?.to_owned();
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::super::must_be(&c, who, Side::Buyer)?;
    super::super::buyer_role(roles)?;
    let change = store::change(&txn, c.id, change_id).await?;
    let status = ChangeStatus::parse(&change.status).unwrap_or(ChangeStatus::Refused);
    if !status.open() {
        return Err(FlowError::Refused("change_decided"));
    }
    if status == ChangeStatus::AwaitingApproval {
        if change.requested_by == who.user_id || change.endorsed_by == Some(who.user_id) {
            return Err(FlowError::Refused("own_change"));
        }
        if !roles.contains(&Role::CanAward) {
            return Err(FlowError::Refused("needs_can_award"));
        }
    }
    if !approve {
        let mut row = change.clone().into_active_model();
        row.status = Set(ChangeStatus::Refused.as_str().into());
        row.decided_by = Set(Some(who.user_id));
        row.decided_at = Set(Some(now));
        row.decision_reason = Set(Some(reason.clone()));
        row.update(&txn).await?;
        actor
            .audit(
                &txn,
                "contract_change_refused",
                format!("contract {}: change {}", c.id, change.id),
            )
            .await?;
        let asker = Side::parse(&change.side).unwrap_or(Side::Buyer);
        super::super::mail_side(&txn, state, &c, asker, ContractEvent::ChangeRefused, reason)
            .await?;
        txn.commit().await?;
        return Ok(());
    }
    let t = store::timeline(&txn, c.clone()).await?;
    let needs_second = status == ChangeStatus::AwaitingBuyer
        && change.new_value.is_some_and(|v| {
            needs_second_approver(
                t.original_value(),
                c.value,
                v,
                state.config.contracts.approval_share,
            )
        });
    if needs_second {
        let mut row = change.clone().into_active_model();
        row.status = Set(ChangeStatus::AwaitingApproval.as_str().into());
        row.endorsed_by = Set(Some(who.user_id));
        row.update(&txn).await?;
        actor
            .audit(
                &txn,
                "contract_change_endorsed",
                format!("contract {}: change {}", c.id, change.id),
            )
            .await?;
        txn.commit().await?;
        return Ok(());
    }
    actor
        .audit(
            &txn,
            "contract_change_approved",
            format!("contract {}: change {}", c.id, change.id),
        )
        .await?;
    apply(&txn, state, &c, change, who.user_id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Makes an approved change: the contract's value, end and status, a new module, the
/// release and the e-mail to the other side.
pub(super) async fn apply<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    c: &contract::Model,
    change: Change,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let kind = ChangeKind::parse(&change.kind).unwrap_or(ChangeKind::Variation);
    let mut row = change.clone().into_active_model();
    row.status = Set(ChangeStatus::Approved.as_str().into());
    row.decided_by = Set(Some(by));
    row.decided_at = Set(Some(now));
    let change = row.update(txn).await?;
    let mut contract_row = c.clone().into_active_model();
    if c.original_value.is_none() {
        contract_row.original_value = Set(Some(c.value));
    }
    contract_row.updated_at = Set(now);
    let moment = match kind {
        ChangeKind::Termination => {
            contract_row.status = Set("terminated".into());
            contract_row.ended_at = Set(Some(now));
            contract_row.end_kind = Set(Some("terminated".into()));
            contract_row.end_at = Set(now.min(c.end_at).max(c.start_at));
            Moment::Termination
        }
        _ => {
            if let Some(v) = change.new_value {
                contract_row.value = Set(v);
            }
            if let Some(e) = change.new_end_at {
                contract_row.end_at = Set(e);
            }
            Moment::Amendment
        }
    };
    let updated = contract_row.update(txn).await?;
    if kind == ChangeKind::Module {
        let number = store::timeline(txn, updated.clone()).await?.modules.len() as i32 + 1;
        contract_module::ActiveModel {
            contract_id: Set(c.id),
            number: Set(number),
            scope: Set(change.module_scope.clone().unwrap_or_default()),
            value: Set(change.new_value.unwrap_or(c.value) - change.value_before),
            currency: Set(c.currency.clone()),
            start_at: Set(change.module_start_at.unwrap_or(now)),
            end_at: Set(change.new_end_at.unwrap_or(c.end_at)),
            change_id: Set(Some(change.id)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    if kind == ChangeKind::Termination {
        end_now(txn, c.id, now).await?;
    }
    let t = super::super::publish_contract(txn, state, c.id, moment).await?;
    let description = super::super::ocds::describe(&t, &change);
    let asker = Side::parse(&change.side).unwrap_or(Side::Buyer);
    let other = if asker == Side::Buyer {
        Side::Supplier
    } else {
        Side::Buyer
    };
    let (event, detail) = if kind == ChangeKind::Termination {
        (ContractEvent::Terminated, change.reason.clone())
    } else {
        (
            ContractEvent::ChangeApproved,
            format!("{description}. {}", change.reason),
        )
    };
    super::super::mail_side(txn, state, &updated, other, event, detail.clone()).await?;
    if asker == Side::Supplier {
        super::super::mail_side(txn, state, &updated, Side::Supplier, event, detail).await?;
    }
    Ok(())
}

/// What ending a contract does to its delivery: milestones never met become not met, and
/// ratings not yet public become public at the end (published by the caller's release).
pub async fn end_now<C: ConnectionTrait>(
    txn: &C,
    contract_id: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let c = store::contract(txn, contract_id).await?;
    let t = store::timeline(txn, c).await?;
    for m in &t.milestones {
        if !store::Timeline::status(m).met() && m.ended_unmet_at.is_none() {
            let mut row: contract_milestone::ActiveModel = m.clone().into_active_model();
            row.ended_unmet_at = Set(Some(now));
            row.updated_at = Set(now);
            row.update(txn).await?;
        }
    }
    for r in &t.ratings {
        let at = public_at(r.rated_at, Some(now));
        if at < r.public_at {
            let mut row: contract_rating::ActiveModel = r.clone().into_active_model();
            row.public_at = Set(at);
            row.update(txn).await?;
        }
    }
    store::publish_ratings(txn, contract_id, now).await?;
    Ok(())
}
