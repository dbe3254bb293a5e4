//! `order_checkouts`: one row per idempotency key and person, naming the orders it made.

use sea_orm::entity::prelude::*;

/// One checkout.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_checkouts")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who checked out.
    pub user_id: i64,
    /// The key the client sent.
    pub idempotency_key: String,
    /// SHA-256 of the request, so a key reused for another request is refused.
    pub request_hash: String,
    /// The orders made, comma separated.
    pub order_ids: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
