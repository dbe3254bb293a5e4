//! `da_shortlist`: the frozen short list of a direct-award project, each entry pointing to
//! the immutable service version that was found.

use sea_orm::entity::prelude::*;

/// One entry.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "da_shortlist")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// 1, 2, … in the order the search ranked them.
    pub position: i32,
    /// The service.
    pub service_id: i64,
    /// The version frozen.
    pub service_version_id: i64,
    /// The supplier.
    pub supplier_org_id: i64,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
