//! Benefit reports: for a contract whose brief had a business case, the buyer reports each
//! indicator (the value reached against its baseline and target) every six months from the
//! contract's start until two years after it ends. Reports are public when filed; one not
//! filed by its due date shows as late, and the clock reminds the buyer two weeks before.

use chrono::{DateTime, Duration, Months, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::ocds::Moment;
use super::{Actor, Contract, FlowError, Viewer, store};
use crate::domain::brief::draft::Indicator;
use crate::domain::contract::{IndicatorResult, REPORT_MONTHS, Side, report_schedule};
use crate::entities::{benefit_reminder, benefit_report};
use crate::mail::ContractEvent;
use crate::state::AppState;

/// Days before a report's due date that the buyer is reminded.
pub const REMIND_DAYS: i64 = 14;

/// The business case's indicators of the brief that made `c`, if it had any.
pub async fn indicators_of<C: ConnectionTrait>(
    db: &C,
    c: &Contract,
) -> Result<Option<Vec<Indicator>>, FlowError> {
    let Some(brief_id) = c.brief_id.filter(|_| c.route == "brief") else {
        return Ok(None);
    };
    let b = crate::briefs::store::brief(db, brief_id).await?;
    let brief = crate::briefs::published(&b)?;
    let benefits = brief.business_case.benefits;
    Ok((!benefits.is_empty()).then_some(benefits))
}

/// One report of a contract's schedule, for pages and dashboards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// The period, from 1.
    pub period: i32,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// When it was filed, if it was.
    pub filed: Option<DateTime<Utc>>,
    /// Not filed and past its due date.
    pub late: bool,
    /// The period has started: the report may be filed.
    pub open: bool,
}

/// The report schedule of a contract with what was filed.
pub fn schedule(c: &Contract, reports: &[super::Report], now: DateTime<Utc>) -> Vec<Due> {
    report_schedule(c.start_at, c.end_at)
        .into_iter()
        .enumerate()
        .map(|(i, due)| {
            let period = i as i32 + 1;
            let filed = reports
                .iter()
                .find(|r| r.period == period)
                .map(|r| r.filed_at);
            let opens = due
                .checked_sub_months(Months::new(REPORT_MONTHS))
                .unwrap_or(due);
            Due {
                period,
                due,
                filed,
                late: filed.is_none() && now > due,
                open: now >= opens,
            }
        })
        .collect()
}

/// A report as typed: the period and, per indicator (in the business case's order), the
/// value reached and whether the target is met.
#[derive(Clone, Debug, Default)]
pub struct ReportInput {
    /// The period reported.
    pub period: String,
    /// The value reached, per indicator.
    pub values: Vec<String>,
    /// `yes` or `no`, per indicator.
    pub met: Vec<String>,
    /// Notes.
    pub notes: String,
}

/// The buyer files the report of one period.
pub async fn file(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    contract_id: i64,
    input: &ReportInput,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let (c, _) = store::contract_for(&txn, contract_id, who).await?;
    super::must_be(&c, who, Side::Buyer)?;
    let indicators = indicators_of(&txn, &c)
        .await?
        .ok_or(FlowError::Refused("no_business_case"))?;
    let t = store::timeline(&txn, c.clone()).await?;
    let due = schedule(&c, &t.reports, now);
    let period = input
        .period
        .trim()
        .parse::<i32>()
        .ok()
        .and_then(|p| due.iter().find(|d| d.period == p))
        .ok_or_else(|| {
            FlowError::field(
                "period",
                "period_unknown",
                "Choose one of the contract's report periods",
            )
        })?;
    if period.filed.is_some() {
        return Err(FlowError::Refused("already_reported"));
    }
    if !period.open {
        return Err(FlowError::field(
            "period",
            "period_not_started",
            "This period has not started yet",
        ));
    }
    let mut results = Vec::new();
    for (i, ind) in indicators.iter().enumerate() {
        let field = format!("value_{}", i + 1);
        let value = super::text(&field, input.values.get(i).map_or("", String::as_str), true)?;
        if value.chars().count() > 200 {
            return Err(FlowError::field(
                &field,
                "too_long",
                "Write at most 200 characters",
            ));
        }
        let met = match input.met.get(i).map(|m| m.trim()) {
            Some("yes") => true,
            Some("no") => false,
            _ => {
                return Err(FlowError::field(
                    &format!("met_{}", i + 1),
                    "choose_met",
                    "Say whether the target is met",
                ));
            }
        };
        results.push(IndicatorResult {
            id: (i + 1).to_string(),
            name: ind.name.clone(),
            baseline: ind.baseline.clone(),
            target: ind.target.clone(),
            value: value.to_owned(),
            met,
        });
    }
    let notes = super::text("notes", &input.notes, false)?.to_owned();
    benefit_report::ActiveModel {
        contract_id: Set(c.id),
        period: Set(period.period),
        due_at: Set(period.due),
        indicators: Set(serde_json::to_string(&results).map_err(anyhow::Error::from)?),
        notes: Set(notes),
        filed_by: Set(who.user_id),
        filed_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    actor
        .audit(
            &txn,
            "benefit_report_filed",
            format!("contract {}: period {}", c.id, period.period),
        )
        .await?;
    super::publish_contract(&txn, state, c.id, Moment::Update).await?;
    txn.commit().await?;
    Ok(())
}

/// Reminds buyers of reports due within two weeks (once per report); returns how many.
pub async fn remind(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let mut sent = 0;
    for c in store::brief_contracts(&state.db).await? {
        let reports = store::timeline(&state.db, c.clone()).await?.reports;
        let soon: Vec<Due> = schedule(&c, &reports, now)
            .into_iter()
            .filter(|d| d.filed.is_none() && d.due <= now + Duration::days(REMIND_DAYS))
            .collect();
        if soon.is_empty() || indicators_of(&state.db, &c).await?.is_none() {
            continue;
        }
        for d in soon {
            let txn = state.begin_write().await?;
            let done = benefit_reminder::Entity::find()
                .filter(benefit_reminder::Column::ContractId.eq(c.id))
                .filter(benefit_reminder::Column::Period.eq(d.period))
                .one(&txn)
                .await?;
            if done.is_some() {
                continue;
            }
            benefit_reminder::ActiveModel {
                contract_id: Set(c.id),
                period: Set(d.period),
                sent_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            super::mail_side(
                &txn,
                state,
                &c,
                Side::Buyer,
                ContractEvent::ReportDue,
                super::day(d.due),
            )
            .await?;
            Actor::clock()
                .audit(
                    &txn,
                    "benefit_report_reminder",
                    format!("contract {}: period {}", c.id, d.period),
                )
                .await?;
            txn.commit().await?;
            sent += 1;
        }
    }
    Ok(sent)
}
