//! `search_outbox`: search-index updates queued in the transaction of the change that caused
//! them.

use sea_orm::entity::prelude::*;

/// One queued index update.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_outbox")]
pub struct Model {
    /// Outbox id: the order updates are applied in.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `upsert` or `delete`.
    pub op: String,
    /// The service's public id.
    pub service_id: String,
    /// The whole `ServiceDocument` as JSON, for upserts.
    pub document: Option<String>,
    /// When it was queued.
    pub created_at: DateTimeUtc,
    /// Times a worker has claimed it.
    pub attempts: i32,
    /// The worker holding the lease, if any.
    pub lease_owner: Option<String>,
    /// The lease ends then.
    pub lease_until: Option<DateTimeUtc>,
    /// When the index took it (or, with `last_error`, when it was skipped as unusable).
    pub processed_at: Option<DateTimeUtc>,
    /// The last failure.
    pub last_error: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
