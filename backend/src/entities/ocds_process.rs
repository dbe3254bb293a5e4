//! `ocds_processes`: one row per contracting process (ocid) in the release log.

use sea_orm::entity::prelude::*;

/// A contracting process and where its releases sit in the log.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ocds_processes")]
pub struct Model {
    /// The ocid.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ocid: String,
    /// Sequence of its first release: the records feed pages by it.
    pub first_sequence: i64,
    /// Sequence of its latest release.
    pub last_sequence: i64,
    /// How many releases it has.
    pub release_count: i64,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
