//! The buyer records the payment of an accepted milestone, with its invoice and due dates.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};

use super::super::ocds::Moment;
use super::super::{Actor, FlowError, Viewer, store};
use super::{end_of, parse_day, start_of};
use crate::domain::contract::{MilestoneAction, Side};
use crate::mail::ContractEvent;
use crate::state::AppState;

/// A payment as typed.
#[derive(Clone, Debug, Default)]
pub struct PaymentInput {
    /// The invoice's date (`YYYY-MM-DD`).
    pub invoice_date: String,
    /// When the payment fell due (`YYYY-MM-DD`).
    pub due_date: String,
    /// When it was paid (`YYYY-MM-DD`; today when empty).
    pub paid_on: String,
}

/// The buyer records the payment of an accepted milestone.
pub async fn pay(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    milestone_id: i64,
    input: &PaymentInput,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::super::must_be(&c, who, Side::Buyer)?;
    let m = store::milestone(&txn, c.id, milestone_id).await?;
    let next = store::Timeline::status(&m)
        .apply(MilestoneAction::Pay, Side::Buyer)
        .map_err(|e| {
            FlowError::Refused(match e.code() {
                "milestone_not_ready" => "milestone_not_accepted",
                other => other,
            })
        })?;
    let invoice = parse_day("invoice_date", &input.invoice_date)?;
    let due = parse_day("due_date", &input.due_date)?;
    let paid = if input.paid_on.trim().is_empty() {
        now
    } else {
        end_of(parse_day("paid_on", &input.paid_on)?).min(now)
    };
    let today = now.date_naive();
    if invoice > today {
        return Err(FlowError::field(
            "invoice_date",
            "date_future",
            "The invoice date cannot be in the future",
        ));
    }
    if due < invoice {
        return Err(FlowError::field(
            "due_date",
            "due_before_invoice",
            "The due date cannot be before the invoice date",
        ));
    }
    if paid.date_naive() < invoice || paid.date_naive() > today {
        return Err(FlowError::field(
            "paid_on",
            "paid_outside",
            "The payment date must be between the invoice date and today",
        ));
    }
    let title = m.title.clone();
    let (amount, currency) = (m.amount, m.currency.clone());
    let mut row = m.into_active_model();
    row.status = Set(next.as_str().into());
    row.invoice_date = Set(Some(start_of(invoice)));
    row.payment_due_at = Set(Some(end_of(due)));
    row.paid_at = Set(Some(paid));
    row.updated_at = Set(now);
    let m = row.update(&txn).await?;
    actor
        .audit(
            &txn,
            "milestone_paid",
            format!("contract {}: milestone {}", c.id, m.number),
        )
        .await?;
    super::super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    super::super::mail_side(
        &txn,
        state,
        &c,
        Side::Supplier,
        ContractEvent::Paid,
        format!("{}. {title}: {currency} {amount}", m.number),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
