//! Leased queues: tables whose rows workers claim for a while (`lease_owner`, `lease_until`,
//! `attempts`), work on, and then finish or hand back. The mail outbox and the search outbox
//! are such queues; this is their one claim and release code.
//!
//! A claim is one statement, atomic on both backends: SQLite has one writer at a time, and on
//! PostgreSQL the subquery locks the rows it picks while the outer conditions are re-checked
//! on the newest row versions. A lease that runs out (a crashed worker, an abandoned pass)
//! makes its rows claimable again, so nothing is lost; the row's own state says whether it
//! is done, so nothing is done twice.

use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Order, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, Value,
};

/// The current time at millisecond precision. SQLite keeps timestamps as RFC 3339 text and
/// compares them as text; a fixed precision keeps that order the order of time.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// `now() + offset`, saturating.
pub fn after(offset: Duration) -> DateTime<Utc> {
    now() + chrono::Duration::from_std(offset).unwrap_or(chrono::Duration::MAX)
}

/// A name for one worker's leases, unique per process and start.
pub fn new_owner() -> String {
    format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple())
}

/// How workers share a queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// Any number of workers take disjoint batches at once; PostgreSQL skips rows that
    /// another claim has locked (the mail outbox).
    Disjoint,
    /// One worker drains at a time, in queue order: a claim is refused while another
    /// owner's lease is live (the search outbox, whose updates must not overtake each other).
    OneAtATime,
}

/// A queue table: by convention its integer primary key `id` is the queue order, and it has
/// the lease columns `lease_owner`, `lease_until` and `attempts`.
#[derive(Clone, Copy, Debug)]
pub struct LeasedQueue<E: EntityTrait> {
    entity: E,
    id: E::Column,
    owner: E::Column,
    until: E::Column,
    attempts: E::Column,
    sharing: Sharing,
}

impl<E> LeasedQueue<E>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Send + Sync,
{
    /// The queue in table `entity`, shared as `sharing`; an error names a missing column.
    pub fn of(entity: E, sharing: Sharing) -> Result<LeasedQueue<E>, DbErr> {
        let column = |name: &str| {
            <E::Column as std::str::FromStr>::from_str(name).map_err(|_| {
                DbErr::Custom(format!(
                    "{} is not a leased queue: it has no column {name}",
                    entity.table_name()
                ))
            })
        };
        Ok(LeasedQueue {
            entity,
            id: column("id")?,
            owner: column("lease_owner")?,
            until: column("lease_until")?,
            attempts: column("attempts")?,
            sharing,
        })
    }

    fn unleased(&self, now: DateTime<Utc>) -> Condition {
        Condition::any()
            .add(self.until.is_null())
            .add(self.until.lt(now))
    }

    /// Leases to `owner`, for `lease`, up to `limit` rows that are `ready` (not done, due)
    /// and not leased, oldest first, counting an attempt on each; returns them in order.
    pub async fn claim<C: ConnectionTrait>(
        &self,
        db: &C,
        ready: Condition,
        owner: &str,
        lease: Duration,
        limit: u64,
    ) -> Result<Vec<E::Model>, DbErr> {
        let now = now();
        let claimable = Condition::all().add(ready).add(self.unleased(now));
        let mut due = Query::select();
        due.column(self.id)
            .from(self.entity)
            .cond_where(claimable.clone())
            .order_by(self.id, Order::Asc)
            .limit(limit);
        if db.get_database_backend() == DbBackend::Postgres {
            match self.sharing {
                Sharing::Disjoint => {
                    due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
                }
                // Waiting, not skipping, so the queue order holds.
                Sharing::OneAtATime => {
                    due.lock(LockType::Update);
                }
            }
        }
        let mut update = Query::update();
        update
            .table(self.entity)
            .value(self.owner, owner)
            .value(self.until, after(lease))
            .value(self.attempts, Expr::col(self.attempts).add(1))
            .and_where(self.id.in_subquery(due))
            .cond_where(claimable);
        if self.sharing == Sharing::OneAtATime {
            let mut held_elsewhere = Query::select();
            held_elsewhere
                .expr(Expr::val(1))
                .from(self.entity)
                .and_where(self.until.gte(now))
                .and_where(self.owner.ne(owner));
            update.and_where(Expr::exists(held_elsewhere).not());
        }
        update.returning_all();
        let rows = db.query_all(&update).await?;
        let mut claimed = rows
            .iter()
            .map(|row| E::Model::from_query_result(row, ""))
            .collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_cached_key(|m| claimed_id(self, m));
        Ok(claimed)
    }

    /// Ends `owner`'s lease on rows `ids` that still match `still`, setting `sets` as well
    /// (a finish time, an error, an attempt handed back). Rows another worker has taken over
    /// meanwhile are left alone.
    pub async fn end_lease<C: ConnectionTrait>(
        &self,
        db: &C,
        ids: &[i64],
        owner: &str,
        still: Condition,
        sets: Vec<(E::Column, SimpleExpr)>,
    ) -> Result<u64, DbErr> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut update = E::update_many()
            .col_expr(self.owner, Expr::value(Value::String(None)))
            .col_expr(self.until, Expr::value(Value::ChronoDateTimeUtc(None)));
        for (column, value) in sets {
            update = update.col_expr(column, value);
        }
        Ok(update
            .filter(self.id.is_in(ids.iter().copied()))
            .filter(self.owner.eq(owner))
            .filter(still)
            .exec(db)
            .await?
            .rows_affected)
    }
}

/// The id of a claimed row, for putting a batch in queue order.
fn claimed_id<E>(queue: &LeasedQueue<E>, model: &E::Model) -> i64
where
    E: EntityTrait,
{
    use sea_orm::ModelTrait;
    match model.get(queue.id) {
        Value::BigInt(Some(id)) => id,
        Value::Int(Some(id)) => i64::from(id),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_outboxes_are_leased_queues_and_other_tables_are_not() {
        use crate::entities::{mail_outbox, release, search_outbox};
        assert!(LeasedQueue::of(mail_outbox::Entity, Sharing::Disjoint).is_ok());
        assert!(LeasedQueue::of(search_outbox::Entity, Sharing::OneAtATime).is_ok());
        let err = LeasedQueue::of(release::Entity, Sharing::Disjoint).unwrap_err();
        assert!(err.to_string().contains("no column"), "{err}");
    }
}
