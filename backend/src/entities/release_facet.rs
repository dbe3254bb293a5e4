//! `release_facets`: what the feeds filter releases by (tag, buyer, supplier).

use sea_orm::entity::prelude::*;

/// One (kind, value) of one release, e.g. (`supplier`, `CL-RUT-76354771-3`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "release_facets")]
pub struct Model {
    /// `tag`, `buyer` or `supplier`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// The tag or the party id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: String,
    /// The release's publication sequence number.
    #[sea_orm(primary_key, auto_increment = false)]
    pub sequence: i64,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
