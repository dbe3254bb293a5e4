//! Changes to a contract. Either side may ask for an extension, a variation (value or end
//! date) or a termination, with a reason; the buyer decides. The buyer adds modules. A change
//! that raises the value above the original by more than the approval share
//! (`MARCO_AMENDMENT_APPROVAL_SHARE`) waits for a second person at the buyer with
//! `can_award`, never the one who asked or accepted it.

mod decide;

pub use decide::{decide, end_now};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, Set};

use super::delivery::{end_of, parse_day, start_of};
use super::{Actor, FlowError, Viewer, store};
use crate::domain::contract::{ChangeKind, ChangeStatus, Side, needs_second_approver};
use crate::domain::money::parse_amount;
use crate::domain::roles::Role;
use crate::entities::{contract, contract_change};
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
        ChangeStatus::Approved => {
            decide::apply(&txn, state, &c, change.clone(), who.user_id, now).await?
        }
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
