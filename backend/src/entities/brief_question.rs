//! `brief_questions`: Suppliers' questions on a brief, and the buyer's answers (published without the asker).

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_questions")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// The asking supplier (never published).
    pub supplier_org_id: i64,
    /// Who asked.
    pub asked_by: i64,
    /// The question, at most 100 words.
    #[sea_orm(column_type = "Text")]
    pub question: String,
    /// When.
    pub asked_at: DateTimeUtc,
    /// The answer.
    #[sea_orm(column_type = "Text")]
    pub answer: Option<String>,
    /// Who answered.
    pub answered_by: Option<i64>,
    /// When.
    pub answered_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
