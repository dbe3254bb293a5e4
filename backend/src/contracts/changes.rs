//! Changes to a contract. Either side may ask for an extension, a variation (value or end
//! date) or a termination, with a reason; the buyer decides. The buyer adds modules. A change
//! that raises the value above the original by more than the approval share
//! (`MARCO_AMENDMENT_APPROVAL_SHARE`) waits for a second person at the buyer with
//! `can_award`, never the one who asked or accepted it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};

use super::delivery::{end_of, parse_day, start_of};
use super::ocds::Moment;
use super::{Actor, Change, FlowError, Viewer, store};
use crate::domain::contract::{ChangeKind, ChangeStatus, Side, needs_second_approver, public_at};
use crate::domain::money::parse_amount;
use crate::domain::roles::Role;
use crate::entities::{
    contract, contract_change, contract_milestone, contract_module, contract_rating,
};
use crate::mail::ContractEvent;
use crate::state::AppState;

/// A change as typed.
#[derive(Clone, Debug, Default)]
pub struct ChangeInput {
    /// `extension`, `variation`, `termination` or `module`.
    pub kind: String,
    /// Why (published as the amendment's rationale).
    pub reason: String,
    /// The new contract value (variation).
    pub new_value: String,
    /// The new end date (extension, variation; a module's end).
    pub new_end: String,
    /// A new module's scope.
    pub scope: String,
    /// A new module's price.
    pub module_value: String,
    /// A new module's start.
    pub module_start: String,
}

fn amount(field: &str, raw: &str) -> Result<Decimal, FlowError> {
    parse_amount(raw)
        .ok()
        .filter(|v| *v >= Decimal::ZERO)
        .ok_or_else(|| {
            FlowError::field(
                field,
                "amount_format",
                "Enter an amount such as 1500000 or 1500000.50",
            )
        })
}

/// The checked change: (kind, reason, new value, new end, module scope, module start).
type Checked = (
    ChangeKind,
    String,
    Option<Decimal>,
    Option<DateTime<Utc>>,
    Option<String>,
    Option<DateTime<Utc>>,
);

fn check(
    c: &contract::Model,
    side: Side,
    input: &ChangeInput,
    now: DateTime<Utc>,
) -> Result<Checked, FlowError> {
    let kind = ChangeKind::parse(input.kind.trim())
        .ok_or_else(|| FlowError::field("kind", "change_kind", "Choose what to change"))?;
    if side == Side::Supplier && !kind.supplier_may_ask() {
        return Err(FlowError::Refused("wrong_side"));
    }
    let reason = super::text("reason", &input.reason, true)?.to_owned();
    let end = |field: &str| -> Result<DateTime<Utc>, FlowError> {
        Ok(end_of(parse_day(field, &input.new_end)?))
    };
    match kind {
        ChangeKind::Extension => {
            let new_end = end("new_end")?;
            if new_end <= c.end_at {
                return Err(FlowError::field(
                    "new_end",
                    "not_later",
                    format!(
                        "Choose a date after the current end, {}",
                        super::day(c.end_at)
                    ),
                ));
            }
            Ok((kind, reason, None, Some(new_end), None, None))
        }
        ChangeKind::Variation => {
            let value = if input.new_value.trim().is_empty() {
                None
            } else {
                Some(amount("new_value", &input.new_value)?)
            };
            let new_end = if input.new_end.trim().is_empty() {
                None
            } else {
                Some(end("new_end")?)
            };
            if value.is_none() && new_end.is_none() {
                return Err(FlowError::field(
                    "new_value",
                    "nothing_changed",
                    "Enter a new value, a new end date, or both",
                ));
            }
            if let Some(e) = new_end
                && e < now.max(c.start_at)
            {
                return Err(FlowError::field(
                    "new_end",
                    "date_past",
                    "The new end date cannot be in the past",
                ));
            }
            Ok((kind, reason, value, new_end, None, None))
        }
        ChangeKind::Termination => Ok((kind, reason, None, None, None, None)),
        ChangeKind::Module => {
            let scope = super::text("scope", &input.scope, true)?.to_owned();
            let price = amount("module_value", &input.module_value)?;
            let start = start_of(parse_day("module_start", &input.module_start)?);
            let module_end = end("new_end")?;
            if module_end <= start {
                return Err(FlowError::field(
                    "new_end",
                    "end_before_start",
                    "The module must end after it starts",
                ));
            }
            Ok((
                kind,
                reason,
                Some(c.value + price),
                Some(module_end.max(c.end_at)),
                Some(scope),
                Some(start),
            ))
        }
    }
}

/// Either side asks for a change. A supplier's request waits for the buyer. A buyer's change
/// is made at once, or waits for a second approver when it raises the value above the
/// threshold. Returns the change's id.
pub async fn request(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    contract_id: i64,
    input: &ChangeInput,
    now: DateTime<Utc>,
) -> Result<i64, FlowError> {
    let txn = state.begin_write().await?;
    let (c, side) = store::contract_for(&txn, contract_id, who).await?;
    if super::ended(&c) {
        return Err(FlowError::Refused("contract_ended"));
    }
    if !super::in_modules(&c) {
        return Err(FlowError::Refused("not_in_modules"));
    }
    if side == Side::Buyer {
        super::buyer_role(roles)?;
    }
    let t = store::timeline(&txn, c.clone()).await?;
    if t.changes
        .iter()
        .any(|ch| ChangeStatus::parse(&ch.status).is_some_and(ChangeStatus::open))
    {
        return Err(FlowError::Refused("change_waiting"));
    }
    let (kind, reason, new_value, new_end, scope, module_start) = check(&c, side, input, now)?;
    let module_value = new_value
        .filter(|_| kind == ChangeKind::Module)
        .map(|v| v - c.value);
    let status = match side {
        Side::Supplier => ChangeStatus::AwaitingBuyer,
        Side::Buyer => {
            if new_value.is_some_and(|v| {
                needs_second_approver(
                    t.original_value(),
                    c.value,
                    v,
                    state.config.contracts.approval_share,
                )
            }) {
                ChangeStatus::AwaitingApproval
            } else {
                ChangeStatus::Approved
            }
        }
    };
    let change = contract_change::ActiveModel {
        contract_id: Set(c.id),
        kind: Set(kind.as_str().into()),
        side: Set(side.as_str().into()),
        status: Set(status.as_str().into()),
        reason: Set(reason.clone()),
        value_before: Set(c.value),
        end_before: Set(c.end_at),
        new_value: Set(new_value),
        new_end_at: Set(new_end),
        module_scope: Set(scope),
        module_start_at: Set(module_start),
        requested_by: Set(who.user_id),
        requested_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let _ = module_value;
    actor
        .audit(
            &txn,
            "contract_change_requested",
            format!(
                "contract {}: change {} ({})",
                c.id,
                change.id,
                kind.as_str()
            ),
        )
        .await?;
    match status {
        ChangeStatus::Approved => apply(&txn, state, &c, change.clone(), who.user_id, now).await?,
        ChangeStatus::AwaitingBuyer => {
            super::mail_side(
                &txn,
                state,
                &c,
                Side::Buyer,
                ContractEvent::ChangeRequested,
                format!("{}: {reason}", kind.as_str()),
            )
            .await?;
        }
        _ => {
            super::mail_side(
                &txn,
                state,
                &c,
                Side::Buyer,
                ContractEvent::ChangeRequested,
                format!("{} above the approval threshold: {reason}", kind.as_str()),
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(change.id)
}

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
    let reason = super::text("decision_reason", reason, !approve)?.to_owned();
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::must_be(&c, who, Side::Buyer)?;
    super::buyer_role(roles)?;
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
        super::mail_side(&txn, state, &c, asker, ContractEvent::ChangeRefused, reason).await?;
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
async fn apply<C: ConnectionTrait>(
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
    let t = super::publish_contract(txn, state, c.id, moment).await?;
    let description = super::ocds::describe(&t, &change);
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
    super::mail_side(txn, state, &updated, other, event, detail.clone()).await?;
    if asker == Side::Supplier {
        super::mail_side(txn, state, &updated, Side::Supplier, event, detail).await?;
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
