//! `releases`: the append-only OCDS release log.

use sea_orm::entity::prelude::*;

/// One published release, stored exactly as hashed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "releases")]
pub struct Model {
    /// Publication sequence number: gap-free, in commit order.
    #[sea_orm(primary_key, auto_increment = false)]
    pub sequence: i64,
    /// The release `id`, unique within Marco.
    #[sea_orm(unique)]
    pub release_id: String,
    /// The contracting process.
    pub ocid: String,
    /// The release `date` (RFC 3339, UTC, milliseconds), as published.
    pub date: String,
    /// The release tags, space separated.
    pub tags: String,
    /// The release as RFC 8785 canonical JSON: the exact bytes that were hashed.
    pub body: String,
    /// Lower-case hex SHA-256 of `body`.
    pub release_hash: String,
    /// Lower-case hex `sha256(previous chain || release hash)`.
    pub chain_hash: String,
    /// False when the release failed schema validation (production only records it).
    pub valid: bool,
    /// When it was committed to the log.
    pub published_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
