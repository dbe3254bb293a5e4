//! `draft_services`: a service listing drafted in an application, before the framework is live.

use sea_orm::entity::prelude::*;

/// One draft listing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draft_services")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The application it belongs to.
    pub application_id: i64,
    /// Lot slug from the content file.
    pub lot: String,
    /// Answers (JSON, typed by the content file).
    pub answers: String,
    /// Whether every required question is answered.
    pub complete: bool,
    /// pass or fail, once evaluated.
    pub result: Option<String>,
    /// Why.
    pub result_reason: Option<String>,
    /// The live service of the previous iteration it was copied from.
    pub copied_from_service_id: Option<i64>,
    /// The service it became at go-live.
    pub service_id: Option<i64>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
