//! Modules and milestones: the first module made with the contract, milestones planned by
//! the buyer, delivered by the supplier with evidence (a link or a PDF), accepted or rejected
//! by the buyer within the acceptance period, and paid.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set};

use super::ocds::Moment;
use super::{Actor, FlowError, Viewer, store};
use crate::domain::contract::{MilestoneAction, MilestoneStatus, Side, decide_by};
use crate::domain::money::parse_amount;
use crate::entities::{contract, contract_delivery, contract_milestone, contract_module};
use crate::mail::ContractEvent;
use crate::state::AppState;

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

fn active(c: &contract::Model) -> Result<(), FlowError> {
    if super::ended(c) {
        return Err(FlowError::Refused("contract_ended"));
    }
    if !super::in_modules(c) {
        return Err(FlowError::Refused("not_in_modules"));
    }
    Ok(())
}

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
    super::must_be(&c, who, Side::Buyer)?;
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
    let title = super::text("title", &input.title, true)?;
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
                super::day(module.start_at),
                super::day(module.end_at)
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
    super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    super::mail_side(
        &txn,
        state,
        &c,
        Side::Supplier,
        ContractEvent::MilestonePlanned,
        format!("{number}. {title}, due {}", super::day(due)),
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// The evidence of a delivery: a link, a PDF, or both.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    /// A link (http or https).
    pub url: String,
    /// A PDF: its name as sent and its bytes.
    pub file: Option<(String, Vec<u8>)>,
    /// A note for the buyer (never published).
    pub note: String,
}

fn check_url(raw: &str) -> Result<Option<String>, FlowError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = url::Url::parse(raw)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    match ok {
        Some(_) if raw.len() <= 2000 => Ok(Some(raw.to_owned())),
        _ => Err(FlowError::field(
            "evidence_url",
            "evidence_url",
            "Enter a full web address starting with https://",
        )),
    }
}

fn check_pdf(file: &Option<(String, Vec<u8>)>) -> Result<Option<(String, &[u8])>, FlowError> {
    let Some((name, bytes)) = file.as_ref().filter(|(_, b)| !b.is_empty()) else {
        return Ok(None);
    };
    if bytes.len() > EVIDENCE_MAX_BYTES {
        return Err(FlowError::field(
            "evidence_file",
            "evidence_too_large",
            "The file must be 10 MB or smaller",
        ));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(FlowError::field(
            "evidence_file",
            "evidence_not_pdf",
            "The file must be a PDF",
        ));
    }
    let clean: String = std::path::Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("evidence.pdf")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    Ok(Some((
        if clean.is_empty() {
            "evidence.pdf".into()
        } else {
            clean
        },
        bytes,
    )))
}

/// Where evidence files are kept.
pub fn evidence_dir(state: &AppState) -> std::path::PathBuf {
    state.config.data_dir.join("evidence")
}

/// The supplier delivers a milestone (again, after a rejection) with its evidence.
pub async fn deliver(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    milestone_id: i64,
    evidence: &Evidence,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    // Checked before anything is stored.
    {
        let (c, _) = store::contract_for(&state.db, contract_id, who).await?;
        store::milestone(&state.db, c.id, milestone_id).await?;
    }
    let url = check_url(&evidence.url)?;
    let pdf = check_pdf(&evidence.file)?;
    if url.is_none() && pdf.is_none() {
        return Err(FlowError::field(
            "evidence_url",
            "evidence_missing",
            "Give a link to the work or attach a PDF",
        ));
    }
    let note = super::text("note", &evidence.note, false)?.to_owned();
    // The file is written (under a temporary name, then renamed) before the transaction; a
    // refused delivery leaves an unreferenced file, never a reference without a file.
    let stored = match &pdf {
        Some((_, bytes)) => {
            let dir = evidence_dir(state);
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(anyhow::Error::from)?;
            let name = format!("{}.pdf", uuid::Uuid::new_v4());
            let partial = dir.join(format!("{name}.partial"));
            tokio::fs::write(&partial, bytes)
                .await
                .map_err(anyhow::Error::from)?;
            tokio::fs::rename(&partial, dir.join(&name))
                .await
                .map_err(anyhow::Error::from)?;
            Some(name)
        }
        None => None,
    };
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::must_be(&c, who, Side::Supplier)?;
    active(&c)?;
    let m = store::milestone(&txn, c.id, milestone_id).await?;
    let next = store::Timeline::status(&m)
        .apply(MilestoneAction::Deliver, Side::Supplier)
        .map_err(|e| FlowError::Refused(e.code()))?;
    let t = store::timeline(&txn, c.clone()).await?;
    let number = t.deliveries_of(m.id).map(|d| d.number).max().unwrap_or(0) + 1;
    let by = decide_by(now, state.config.contracts.acceptance_days);
    contract_delivery::ActiveModel {
        milestone_id: Set(m.id),
        number: Set(number),
        delivered_at: Set(now),
        decide_by: Set(by),
        evidence_url: Set(url),
        evidence_file: Set(stored),
        evidence_name: Set(pdf.map(|(name, _)| name)),
        note: Set((!note.is_empty()).then_some(note)),
        delivered_by: Set(who.user_id),
        decision: Set("pending".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let title = m.title.clone();
    let mut row = m.into_active_model();
    row.status = Set(next.as_str().into());
    row.updated_at = Set(now);
    let m = row.update(&txn).await?;
    actor
        .audit(
            &txn,
            "milestone_delivered",
            format!(
                "contract {}: milestone {} delivery {}",
                c.id, m.number, number
            ),
        )
        .await?;
    super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    super::mail_side(
        &txn,
        state,
        &c,
        Side::Buyer,
        ContractEvent::Delivered,
        format!("{}. {title}; decide by {}", m.number, super::day(by)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

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
    let reason = super::text("reason", reason, !accept)?.to_owned();
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::must_be(&c, who, Side::Buyer)?;
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
    super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    let (event, detail) = if accept {
        (ContractEvent::Accepted, format!("{}. {title}", m.number))
    } else {
        (
            ContractEvent::Rejected,
            format!("{}. {title}: {reason}", m.number),
        )
    };
    super::mail_side(&txn, state, &c, Side::Supplier, event, detail).await?;
    txn.commit().await?;
    Ok(())
}

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
    super::must_be(&c, who, Side::Buyer)?;
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
    super::publish_contract(&txn, state, c.id, Moment::Implementation).await?;
    super::mail_side(
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
