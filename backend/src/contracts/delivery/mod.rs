//! Modules and milestones: the first module made with the contract, milestones planned by
//! the buyer (`plan`), delivered by the supplier with evidence, a link or a PDF (`deliver`),
//! accepted or rejected by the buyer within the acceptance period (`decide`), and paid
//! (`pay`).

mod decide;
mod deliver;
mod pay;
mod plan;

pub use decide::decide;
pub use deliver::{Evidence, deliver, evidence_dir};
pub use pay::{PaymentInput, pay};
pub use plan::plan;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use super::FlowError;
use crate::entities::{contract, contract_module};

/// The largest evidence file.
pub const EVIDENCE_MAX_BYTES: usize = 10 * 1024 * 1024;

/// Makes a contract's first module (its whole scope, value and period), in the transaction
/// that makes the contract.
pub async fn first_module<C: ConnectionTrait>(
    txn: &C,
    c: &contract::Model,
    scope: &str,
) -> Result<(), FlowError> {
    contract_module::ActiveModel {
        contract_id: Set(c.id),
        number: Set(1),
        scope: Set(scope.trim().chars().take(super::TEXT_MAX).collect()),
        value: Set(c.value),
        currency: Set(c.currency.clone()),
        start_at: Set(c.start_at),
        end_at: Set(c.end_at),
        change_id: Set(None),
        created_at: Set(c.signed_at),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// A date typed as `YYYY-MM-DD`, or a field error.
pub fn parse_day(field: &str, raw: &str) -> Result<NaiveDate, FlowError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        FlowError::field(
            field,
            "date_format",
            "Enter a date as YYYY-MM-DD, e.g. 2027-03-31",
        )
    })
}

/// The last second of a day, UTC.
pub fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default())
        .and_utc()
}

/// The first second of a day, UTC.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// A milestone as typed.
#[derive(Clone, Debug, Default)]
pub struct MilestoneInput {
    /// Which module (its number).
    pub module: String,
    /// What is delivered.
    pub title: String,
    /// When it is due (`YYYY-MM-DD`).
    pub due: String,
    /// The payment on acceptance.
    pub amount: String,
}

pub(super) fn active(c: &contract::Model) -> Result<(), FlowError> {
    if super::ended(c) {
        return Err(FlowError::Refused("contract_ended"));
    }
    if !super::in_modules(c) {
        return Err(FlowError::Refused("not_in_modules"));
    }
    Ok(())
}
