//! `brief_edits`: The history of a brief: each publication and each edit while live, with the draft as it then was.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_edits")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// The version this made.
    pub version: i32,
    /// `published`, `edited` or `closing_moved`.
    pub kind: String,
    /// The draft as it then was.
    #[sea_orm(column_type = "Text")]
    pub draft: String,
    /// The fields changed, space separated.
    pub fields: String,
    /// Who (none for the clock).
    pub edited_by: Option<i64>,
    /// When.
    pub edited_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
