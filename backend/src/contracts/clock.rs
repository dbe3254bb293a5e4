//! The contracts' clock: it ends contracts whose end date has passed (milestones never met
//! become not met, and every rating becomes public), publishes ratings as they become public
//! (90 days after they were given), and reminds buyers of benefit reports due within two
//! weeks. Each step reads what is due from the database, so a pass missed while Marco was
//! down happens at the next start.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::ocds::Moment;
use super::{Actor, FlowError, store};
use crate::domain::contract::Side;
use crate::entities::contract;
use crate::mail::ContractEvent;
use crate::state::AppState;

/// Ends one contract that reached its end date; false when another pass did it first.
async fn complete(
    state: &AppState,
    c: &super::Contract,
    now: DateTime<Utc>,
) -> Result<bool, FlowError> {
    let txn = state.begin_write().await?;
    let claimed = contract::Entity::update_many()
        .col_expr(contract::Column::Status, Expr::value("terminated"))
        .col_expr(contract::Column::EndedAt, Expr::value(Some(c.end_at)))
        .col_expr(contract::Column::EndKind, Expr::value(Some("completed")))
        .col_expr(contract::Column::UpdatedAt, Expr::value(now))
        .filter(contract::Column::Id.eq(c.id))
        .filter(contract::Column::Status.eq("active"))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    super::changes::end_now(&txn, c.id, c.end_at.min(now)).await?;
    super::publish_contract(&txn, state, c.id, Moment::Completion).await?;
    for side in [Side::Buyer, Side::Supplier] {
        super::mail_side(
            &txn,
            state,
            c,
            side,
            ContractEvent::Completed,
            String::new(),
        )
        .await?;
    }
    Actor::clock()
        .audit(&txn, "contract_completed", format!("contract {}", c.id))
        .await?;
    txn.commit().await?;
    Ok(true)
}

/// Publishes each contract's ratings that became public; returns how many contracts.
async fn publish_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let mut contracts: Vec<i64> = store::ratings_due(&state.db, now)
        .await?
        .into_iter()
        .map(|r| r.contract_id)
        .collect();
    contracts.dedup();
    let mut done = 0;
    for id in contracts {
        let txn = state.begin_write().await?;
        if store::publish_ratings(&txn, id, now).await? == 0 {
            continue;
        }
        super::publish_contract(&txn, state, id, Moment::Update).await?;
        Actor::clock()
            .audit(&txn, "contract_ratings_published", format!("contract {id}"))
            .await?;
        txn.commit().await?;
        done += 1;
    }
    Ok(done)
}

/// One pass of the clock at `now`; returns how much it did.
pub async fn tick(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let mut done = 0;
    for c in store::ending_due(&state.db, now).await? {
        if complete(state, &c, now).await? {
            done += 1;
        }
    }
    done += publish_due(state, now).await?;
    done += super::benefits::remind(state, now).await?;
    Ok(done)
}

/// The job that runs [`tick`].
pub struct ContractClockJob {
    state: AppState,
}

impl ContractClockJob {
    /// The job over `state`'s contracts.
    pub fn new(state: AppState) -> ContractClockJob {
        ContractClockJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for ContractClockJob {
    fn name(&self) -> &'static str {
        "contract_clock"
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(300)
    }

    fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs(300)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let done = tick(&self.state, Utc::now()).await?;
        Ok(match done {
            0 => crate::jobs::Pass::Idle,
            n => crate::jobs::Pass::Done(n as u64),
        })
    }
}
