//! The demo's steps, each one flow call as a person would make it at a given time.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::benefits::ReportInput;
use super::delivery::{Evidence, MilestoneInput, PaymentInput};
use super::ratings::RatingInput;
use super::{FlowError, store};
use crate::buying::demo::Person;
use crate::entities::contract;
use crate::state::AppState;

pub(super) fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

pub(super) async fn by_title(
    state: &AppState,
    title: &str,
) -> Result<Option<super::Contract>, FlowError> {
    Ok(contract::Entity::find()
        .filter(contract::Column::Title.eq(title))
        .one(&state.db)
        .await?)
}

/// Plans milestones `(title, days after the module's start, share of its price in %)` on
/// module `module`, as the buyer at `at`; returns their ids.
pub(super) async fn plan_all(
    state: &AppState,
    buyer: &Person,
    contract_id: i64,
    module: i32,
    plan: &[(&str, i64, i64)],
    at: DateTime<Utc>,
) -> Result<Vec<i64>, FlowError> {
    let t = store::timeline(&state.db, store::contract(&state.db, contract_id).await?).await?;
    let m = t
        .modules
        .iter()
        .find(|m| m.number == module)
        .ok_or(FlowError::NotFound)?;
    let mut ids = Vec::new();
    for (title, days, share) in plan {
        let amount = (m.value * rust_decimal::Decimal::from(*share)
            / rust_decimal::Decimal::from(100))
        .round();
        ids.push(
            super::delivery::plan(
                state,
                &buyer.actor(),
                buyer.who,
                contract_id,
                &MilestoneInput {
                    module: module.to_string(),
                    title: (*title).to_owned(),
                    due: day(m.start_at + Duration::days(*days)),
                    amount: amount.to_string(),
                },
                at,
            )
            .await?,
        );
    }
    Ok(ids)
}

pub(super) async fn deliver(
    state: &AppState,
    supplier: &Person,
    c: i64,
    m: i64,
    link: &str,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    super::delivery::deliver(
        state,
        &supplier.actor(),
        supplier.who,
        c,
        m,
        &Evidence {
            url: link.to_owned(),
            file: None,
            note: "Ready for review; the walkthrough is in the folder.".into(),
        },
        at,
    )
    .await
}

pub(super) async fn accept(
    state: &AppState,
    buyer: &Person,
    c: i64,
    m: i64,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    super::delivery::decide(state, &buyer.actor(), buyer.who, c, m, true, "", at).await
}

pub(super) async fn pay(
    state: &AppState,
    buyer: &Person,
    c: i64,
    m: i64,
    invoiced: DateTime<Utc>,
    paid: DateTime<Utc>,
) -> Result<(), FlowError> {
    super::delivery::pay(
        state,
        &buyer.actor(),
        buyer.who,
        c,
        m,
        &PaymentInput {
            invoice_date: day(invoiced),
            due_date: day(invoiced + Duration::days(30)),
            paid_on: day(paid),
        },
        paid,
    )
    .await
}

pub(super) async fn rate(
    state: &AppState,
    buyer: &Person,
    c: i64,
    m: Option<i64>,
    scores: (u8, u8, u8),
    comment: &str,
    at: DateTime<Utc>,
) -> Result<i64, FlowError> {
    super::ratings::rate(
        state,
        &buyer.actor(),
        buyer.who,
        c,
        &RatingInput {
            milestone: m.map(|m| m.to_string()).unwrap_or_default(),
            quality: scores.0.to_string(),
            timeliness: scores.1.to_string(),
            communication: scores.2.to_string(),
            comment: comment.into(),
        },
        at,
    )
    .await
}

pub(super) async fn report(
    state: &AppState,
    buyer: &Person,
    c: i64,
    period: i32,
    value: &str,
    met: bool,
    at: DateTime<Utc>,
) -> Result<(), FlowError> {
    super::benefits::file(
        state,
        &buyer.actor(),
        buyer.who,
        c,
        &ReportInput {
            period: period.to_string(),
            values: vec![value.into()],
            met: vec![if met { "yes" } else { "no" }.into()],
            notes: "Measured from the service's own records for the period.".into(),
        },
        at,
    )
    .await
}
