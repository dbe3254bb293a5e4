//! The suppliers' deadline to accept: an order sent and left unanswered past it lapses. It is
//! closed as cancelled by the clock, its OCDS award is marked cancelled, and both sides are
//! told. A job checks every five minutes; a check missed while Marco was down happens at
//! start-up, since what is due is read from the database.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Actor, FlowError, ocds, orders};
use crate::domain::order::{OrderAction, OrderStatus, Side};
use crate::entities::order;
use crate::publish;
use crate::state::AppState;

/// Why a lapsed order was closed, as the order page shows it.
pub const LAPSED_REASON: &str = "Not accepted by the supplier before the deadline";

/// Closes every order whose deadline to accept has passed; each once. Returns how many.
pub async fn lapse_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let due = order::Entity::find()
        .filter(order::Column::Status.eq(OrderStatus::Sent.as_str()))
        .filter(order::Column::AcceptBy.lt(now))
        .order_by_asc(order::Column::Id)
        .all(&state.db)
        .await?;
    let mut lapsed = 0;
    for o in due {
        let to = OrderStatus::Sent
            .apply(OrderAction::Lapse, Side::Clock)
            .map_err(|e| FlowError::Other(anyhow::Error::new(e)))?;
        let txn = state.begin_write().await?;
        // Claim it: an acceptance or a refusal that came first wins.
        let claimed = order::Entity::update_many()
            .col_expr(order::Column::Status, Expr::value(to.as_str()))
            .col_expr(order::Column::Reason, Expr::value(LAPSED_REASON))
            .col_expr(
                order::Column::ClosedBy,
                Expr::value(Side::Clock.to_string()),
            )
            .col_expr(order::Column::ClosedAt, Expr::value(now))
            .col_expr(order::Column::UpdatedAt, Expr::value(now))
            .filter(order::Column::Id.eq(o.id))
            .filter(order::Column::Status.eq(OrderStatus::Sent.as_str()))
            .filter(order::Column::AcceptBy.lt(now))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let o = order::Entity::find_by_id(o.id)
            .one(&txn)
            .await?
            .ok_or(FlowError::NotFound)?;
        publish::publish(
            &txn,
            &state.publisher,
            &o.ocid,
            &["awardUpdate"],
            ocds::closed(&o, ocds::Ending::Lapsed),
        )
        .await?;
        Actor::clock()
            .audit(&txn, "order_lapse", format!("order {}", o.id))
            .await?;
        orders::tell_both(state, &txn, &o).await?;
        txn.commit().await?;
        lapsed += 1;
    }
    Ok(lapsed)
}

/// The scheduled job that lets unanswered orders lapse.
pub struct DeadlineJob {
    state: AppState,
}

impl DeadlineJob {
    /// The job over `state`'s orders.
    pub fn new(state: AppState) -> DeadlineJob {
        DeadlineJob { state }
    }
}

#[async_trait::async_trait]
impl crate::jobs::Job for DeadlineJob {
    fn name(&self) -> &'static str {
        "order_deadlines"
    }

    fn interval(&self) -> std::time::Duration {
        std::time::Duration::from_secs(300)
    }

    fn time_limit(&self) -> std::time::Duration {
        std::time::Duration::from_secs(120)
    }

    async fn pass(&self, _stopping: &crate::jobs::Stopping) -> anyhow::Result<crate::jobs::Pass> {
        let lapsed = lapse_due(&self.state, Utc::now()).await?;
        Ok(match lapsed {
            0 => crate::jobs::Pass::Idle,
            n => crate::jobs::Pass::Done(n as u64),
        })
    }
}
