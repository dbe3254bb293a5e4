//! `brief_responses`: A supplier's response to a brief. Sealed until closing: read only through `briefs::responses`.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_responses")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// The supplier.
    pub supplier_org_id: i64,
    /// Who started it.
    pub created_by: i64,
    /// `draft` or `submitted`.
    pub status: String,
    /// Evidence per criterion, as JSON.
    #[sea_orm(column_type = "Text")]
    pub answers: String,
    /// The price or day rate.
    pub price: Option<Decimal>,
    /// Its currency.
    pub currency: Option<String>,
    /// When the supplier can start.
    pub available_from: Option<DateTimeUtc>,
    /// When submitted.
    pub submitted_at: Option<DateTimeUtc>,
    /// After opening: `eligible` or `failed_essential`; after award: `awarded` or `unsuccessful`.
    pub result: Option<String>,
    /// Which essential criterion it failed.
    #[sea_orm(column_type = "Text")]
    pub fail_reason: Option<String>,
    /// The agreed written total.
    pub proposal_total: Option<Decimal>,
    /// The agreed challenge score.
    pub challenge_total: Option<Decimal>,
    /// The final score.
    pub final_total: Option<Decimal>,
    /// Its place in the ranking.
    pub rank: Option<i32>,
    /// Chosen for the challenge.
    pub shortlisted: bool,
    /// The prototype's open repository.
    pub challenge_repository: Option<String>,
    /// The demo link.
    pub challenge_demo: Option<String>,
    /// When the prototype was submitted.
    pub challenge_submitted_at: Option<DateTimeUtc>,
    /// Started.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
