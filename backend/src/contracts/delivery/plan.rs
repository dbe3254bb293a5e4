//! The buyer plans a milestone on one of the contract's modules.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, Set};

use super::super::ocds::Moment;
use super::super::{Actor, FlowError, Viewer, store};
use super::{MilestoneInput, active, end_of, parse_day, start_of};
use crate::domain::contract::{MilestoneStatus, Side};
use crate::domain::money::parse_amount;
use crate::entities::contract_milestone;
use crate::mail::ContractEvent;
use crate::state::AppState;
use rust_decimal::Decimal;

/// The buyer plans a milestone on one of the contract's modules. The milestones of a module
/// never add up to more than its price.
pub async fn plan(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    input: &MilestoneInput,
    now: DateTime<Utc>,
) -> Result<i64, FlowError> {
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::super::must_be(&c, who, Side::Buyer)?;
    active(&c)?;
    let t = store::timeline(&txn, c.clone()).await?;
    let module = input
        .module
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|n| t.modules.iter().find(|m| m.number == n))
        .ok_or_else(|| {
            FlowError::field(
                "module",
                "module_unknown",
                "Choose one of the contract's modules",
            )
        })?;
    let title = super::super::text("title", &input.title, true)?;
    if title.chars().count() > 300 {
        return Err(FlowError::field(
            "title",
            "too_long",
            "Write at most 300 characters",
        ));
    }
    let due = end_of(parse_day("due", &input.due)?);
    if due < module.start_at || start_of(due.date_naive()) > module.end_at {
        return Err(FlowError::field(
            "due",
            "due_outside_module",
            format!(
                "Choose a date in the module's period, {} to {}",
                super::super::day(module.start_at),
                super::super::day(module.end_at)
            ),
        ));
    }
    let amount = parse_amount(&input.amount).map_err(|_| {
        FlowError::field(
            "amount",
            "amount_format",
            "Enter an amount such as 1500000 or 1500000.50",
        )
    })?;
    if amount < Decimal::ZERO {
        return Err(FlowError::field(
            "amount",
            "amount_format",
            "Enter an amount of zero or more",
        ));
    }
    let planned: Decimal = t
        .milestones
        .iter()
        .filter(|m| m.module_id == module.id)
        .map(|m| m.amount)
        .sum();
    if planned + amount > module.value {
        return Err(FlowError::field(
            "amount",
            "over_module_value",
            format!(
                "The module's milestones would add up to more than its price: {} of {} is planned",
                planned, module.value
            ),
        ));
    }
    let number = t.milestones.iter().map(|m| m.number).max().unwrap_or(0) + 1;
    let m = contract_milestone::ActiveModel {
        contract_id: Set(c.id),
        module_id: Set(module.id),
        number: Set(number),
        title: Set(title.to_owned()),
        due_at: Set(due),
        amount: Set(amount),
        currency: Set(module.currency.clone()),
        status: Set(MilestoneStatus::Planned.as_str().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "milestone_planned",
            format!("contract {}: milestone {}", c.id, number),
        )
        .await?;
    super::super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    super::super::mail_side(
        &txn,
        state,
        &c,
        Side::Supplier,
        ContractEvent::MilestonePlanned,
        format!("{number}. {title}, due {}", super::super::day(due)),
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}
