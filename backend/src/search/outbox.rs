//! The search outbox: domain code queues index updates in its own transaction
//! ([`enqueue_upsert`], [`enqueue_delete`]); the worker applies them to the index in queue
//! order and marks them processed only after the index has committed them. A crash between
//! the two re-applies a batch, which is harmless: each row carries the whole document.
//!
//! One worker drains at a time across all instances (a claim is refused while another
//! worker's lease is live), so updates of one service never overtake each other.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, NotSet, QueryFilter, QueryOrder, Set,
};

use super::{SearchError, SearchIndex, ServiceDocument};
use crate::entities::search_outbox::{self, Column, Entity};
use crate::jobs::lease::{LeasedQueue, Sharing};
use crate::jobs::{Job, Pass, Stopping};
use crate::state::AppState;

const UPSERT: &str = "upsert";
const DELETE: &str = "delete";

/// How the worker paces itself.
#[derive(Clone, Debug)]
pub struct OutboxSettings {
    /// Rows claimed per pass.
    pub batch: u64,
    /// How long a claim lasts; far longer than indexing a batch takes.
    pub lease: Duration,
    /// Pause between passes when the queue is empty (and after a failure).
    pub poll_interval: Duration,
    /// Processed rows are deleted once they are this old.
    pub keep_processed: Duration,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings {
            batch: 500,
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_millis(500),
            keep_processed: Duration::from_secs(7 * 24 * 3600),
        }
    }
}

fn now() -> DateTime<Utc> {
    crate::jobs::lease::now()
}

/// The search outbox as a leased queue: one worker drains it at a time, in order, so
/// updates of one service never overtake each other.
fn queue() -> Result<LeasedQueue<Entity>, DbErr> {
    LeasedQueue::of(Entity, Sharing::OneAtATime)
}

/// Queues indexing `doc` as it is now; call it inside the transaction that changed the
/// service, after updating the service's row. Returns the outbox id.
pub async fn enqueue_upsert<C: ConnectionTrait>(
    db: &C,
    doc: &ServiceDocument,
) -> Result<i64, DbErr> {
    doc.validate()
        .map_err(|e| DbErr::Custom(format!("not queued for search: {e}")))?;
    let json = serde_json::to_string(doc)
        .map_err(|e| DbErr::Custom(format!("not queued for search: {e}")))?;
    insert(db, UPSERT, &doc.id, Some(json)).await
}

/// Queues removing service `id` from the index, inside the transaction that removed it.
pub async fn enqueue_delete<C: ConnectionTrait>(db: &C, id: &str) -> Result<i64, DbErr> {
    insert(db, DELETE, id, None).await
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    op: &str,
    service_id: &str,
    document: Option<String>,
) -> Result<i64, DbErr> {
    let row = search_outbox::ActiveModel {
        id: NotSet,
        op: Set(op.to_owned()),
        service_id: Set(service_id.to_owned()),
        document: Set(document),
        created_at: Set(now()),
        attempts: Set(0),
        lease_owner: Set(None),
        lease_until: Set(None),
        processed_at: Set(None),
        last_error: Set(None),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Rows not yet processed.
pub async fn pending<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Entity::find()
        .filter(Column::ProcessedAt.is_null())
        .count(db)
        .await
}

/// Leases the oldest `limit` unprocessed rows to `owner`, unless another worker holds a live
/// lease.
async fn claim<C: ConnectionTrait>(
    db: &C,
    owner: &str,
    lease: Duration,
    limit: u64,
) -> Result<Vec<search_outbox::Model>, DbErr> {
    let unprocessed = Condition::all().add(Column::ProcessedAt.is_null());
    queue()?.claim(db, unprocessed, owner, lease, limit).await
}

/// Marks rows processed (with `error` for rows skipped as unusable) and ends their lease.
async fn finish<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    owner: &str,
    error: Option<&str>,
) -> Result<(), DbErr> {
    let sets = vec![
        (Column::ProcessedAt, Expr::value(now())),
        (Column::LastError, Expr::value(error.map(str::to_owned))),
    ];
    queue()?
        .end_lease(db, ids, owner, Condition::all(), sets)
        .await?;
    Ok(())
}

/// Hands rows back after a failure, with the error, so the next pass retries them in order.
async fn release<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    owner: &str,
    error: &str,
) -> Result<(), DbErr> {
    let sets = vec![(
        Column::LastError,
        Expr::value(error.chars().take(2000).collect::<String>()),
    )];
    queue()?
        .end_lease(db, ids, owner, Condition::all(), sets)
        .await?;
    Ok(())
}

/// Deletes processed rows older than `age`.
async fn prune<C: ConnectionTrait>(db: &C, age: Duration) -> Result<u64, DbErr> {
    let before = now() - chrono::Duration::from_std(age).unwrap_or(chrono::Duration::MAX);
    Ok(Entity::delete_many()
        .filter(Column::ProcessedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// What a batch comes to: the last usable operation per service, and the unusable rows.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    upserts: Vec<ServiceDocument>,
    deletes: Vec<String>,
    unusable: Vec<(i64, String)>,
}

fn plan(rows: &[search_outbox::Model]) -> Plan {
    let mut last: BTreeMap<&str, Option<ServiceDocument>> = BTreeMap::new();
    let mut plan = Plan::default();
    for row in rows {
        let op = match (row.op.as_str(), &row.document) {
            (DELETE, _) => Ok(None),
            (UPSERT, Some(json)) => serde_json::from_str::<ServiceDocument>(json)
                .map_err(|e| e.to_string())
                .and_then(|doc| {
                    doc.validate()
                        .map(|()| Some(doc))
                        .map_err(|e| e.to_string())
                }),
            (op, _) => Err(format!("unknown operation {op:?} or missing document")),
        };
        match op {
            Ok(doc) => {
                last.insert(&row.service_id, doc);
            }
            Err(why) => plan.unusable.push((row.id, why)),
        }
    }
    for (id, doc) in last {
        match doc {
            Some(doc) => plan.upserts.push(doc),
            None => plan.deletes.push(id.to_owned()),
        }
    }
    plan
}

/// One pass: claims a batch, applies it and commits the index, then marks it processed.
/// Returns how many rows it took care of.
#[tracing::instrument(skip_all, fields(search.worker = %owner))]
async fn pass(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    settings: &OutboxSettings,
    owner: &str,
) -> Result<usize, SearchError> {
    let rows = claim(db, owner, settings.lease, settings.batch).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let plan = plan(&rows);
    let applied = async {
        index.delete(&plan.deletes).await?;
        index.upsert(&plan.upserts).await?;
        index.commit().await
    }
    .await;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if let Err(e) = applied {
        release(db, &ids, owner, &e.to_string()).await?;
        return Err(e);
    }
    for (id, why) in &plan.unusable {
        tracing::error!(outbox.id = id, error = %why, "skipping an unusable search update");
        finish(db, &[*id], owner, Some(why)).await?;
    }
    let applied: Vec<i64> = ids
        .into_iter()
        .filter(|id| !plan.unusable.iter().any(|(bad, _)| bad == id))
        .collect();
    finish(db, &applied, owner, None).await?;
    tracing::debug!(
        search.upserts = plan.upserts.len(),
        search.deletes = plan.deletes.len(),
        "search index updated"
    );
    Ok(rows.len())
}

/// Applies everything queued so far, then returns how many rows it took care of. For
/// tests and one-off runs; the server runs [`spawn`] instead.
pub async fn drain_once(state: &AppState) -> Result<usize, SearchError> {
    drain(&state.db, state.search.as_ref(), &OutboxSettings::default()).await
}

/// [`drain_once`] on a given database and index.
pub async fn drain(
    db: &DatabaseConnection,
    index: &dyn SearchIndex,
    settings: &OutboxSettings,
) -> Result<usize, SearchError> {
    let owner = crate::jobs::lease::new_owner();
    let mut total = 0;
    loop {
        let done = pass(db, index, settings, &owner).await?;
        if done == 0 {
            return Ok(total);
        }
        total += done;
    }
}

/// The job that applies queued search updates to the index. It catches up with whatever was
/// queued while Marco was down on its first pass.
pub struct SearchJob {
    db: DatabaseConnection,
    index: Arc<dyn SearchIndex>,
    settings: OutboxSettings,
    owner: String,
    passes: AtomicU64,
}

impl SearchJob {
    /// The job for `index`, fed from the outbox in `db`.
    pub fn new(
        db: DatabaseConnection,
        index: Arc<dyn SearchIndex>,
        settings: OutboxSettings,
    ) -> Self {
        SearchJob {
            db,
            index,
            settings,
            owner: crate::jobs::lease::new_owner(),
            passes: AtomicU64::new(0),
        }
    }
}

#[async_trait::async_trait]
impl Job for SearchJob {
    fn name(&self) -> &'static str {
        "search"
    }

    fn interval(&self) -> Duration {
        self.settings.poll_interval
    }

    /// Half the lease: a pass never outlives its claim, so no other worker applies the same
    /// rows meanwhile.
    fn time_limit(&self) -> Duration {
        self.settings.lease / 2
    }

    async fn pass(&self, _stopping: &Stopping) -> anyhow::Result<Pass> {
        let done = pass(&self.db, self.index.as_ref(), &self.settings, &self.owner).await? as u64;
        if self
            .passes
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(1000)
        {
            prune(&self.db, self.settings.keep_processed).await?;
        }
        Ok(match done {
            0 => Pass::Idle,
            n if n >= self.settings.batch => Pass::More(n),
            n => Pass::Done(n),
        })
    }

    async fn lag(&self) -> Option<Duration> {
        let oldest = Entity::find()
            .filter(Column::ProcessedAt.is_null())
            .order_by_asc(Column::Id)
            .one(&self.db)
            .await
            .ok()??;
        (now() - oldest.created_at).to_std().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, op: &str, service: &str, doc: Option<String>) -> search_outbox::Model {
        search_outbox::Model {
            id,
            op: op.into(),
            service_id: service.into(),
            document: doc,
            created_at: now(),
            attempts: 1,
            lease_owner: None,
            lease_until: None,
            processed_at: None,
            last_error: None,
        }
    }

    #[test]
    fn a_batch_keeps_the_last_usable_operation_per_service() {
        let doc = |id: &str, version| {
            let mut d = crate::search::synthetic::services(1, 7).remove(0);
            d.id = id.into();
            d.version = version;
            serde_json::to_string(&d).ok()
        };
        let rows = [
            row(1, UPSERT, "a", doc("a", 1)),
            row(2, UPSERT, "b", doc("b", 1)),
            row(3, DELETE, "a", None),
            row(4, UPSERT, "b", doc("b", 2)),
            row(5, UPSERT, "b", Some("{not json".into())),
            row(6, "rename", "c", None),
        ];
        let plan = plan(&rows);
        assert_eq!(plan.deletes, ["a"]);
        assert_eq!(plan.upserts.len(), 1);
        assert_eq!(
            (plan.upserts[0].id.as_str(), plan.upserts[0].version),
            ("b", 2)
        );
        let unusable: Vec<i64> = plan.unusable.iter().map(|(id, _)| *id).collect();
        assert_eq!(unusable, [5, 6]);
    }
}
