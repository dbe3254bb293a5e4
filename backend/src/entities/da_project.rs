//! `da_projects`: direct-award projects. Each is its own OCDS contracting process.

use sea_orm::entity::prelude::*;

/// One project.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "da_projects")]
pub struct Model {
    /// Internal id; also the project number.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Its contracting process.
    #[sea_orm(unique)]
    pub ocid: String,
    /// The buying organisation.
    pub buyer_org_id: i64,
    /// Who started it.
    pub created_by: i64,
    /// The buyer's name for it.
    pub name: String,
    /// `domain::project::ProjectStatus`.
    pub status: String,
    /// When the search ended and the short list froze.
    pub search_ended_at: Option<DateTimeUtc>,
    /// Who ended it.
    pub search_ended_by: Option<i64>,
    /// How many services the short list holds.
    pub shortlist_count: Option<i32>,
    /// The reason for the outcome (the choice, the cancellation, or why none was suitable).
    pub outcome_reason: Option<String>,
    /// The short-list entry awarded.
    pub awarded_entry_id: Option<i64>,
    /// The awarded value.
    pub award_value: Option<Decimal>,
    /// Its currency.
    pub award_currency: Option<String>,
    /// Contract start.
    pub award_start: Option<DateTimeUtc>,
    /// Contract end.
    pub award_end: Option<DateTimeUtc>,
    /// Who recorded the outcome.
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<DateTimeUtc>,
    /// When the reminder to record an outcome was sent.
    pub reminded_at: Option<DateTimeUtc>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
