//! `frameworks`: one framework agreement iteration, with the content file that drives it.

use sea_orm::entity::prelude::*;

/// One framework iteration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "frameworks")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// URL slug, e.g. `cloud-services-3`.
    #[sea_orm(unique)]
    pub slug: String,
    /// The OCDS ocid of the framework's set-up process.
    #[sea_orm(unique)]
    pub ocid: String,
    /// Name, e.g. "Cloud Services 3".
    pub name: String,
    /// Family, e.g. "Cloud Services".
    pub family: String,
    /// Iteration number within the family.
    pub iteration: i32,
    /// coming, open, pending, standstill, live or expired.
    pub status: String,
    /// A public description.
    pub description: String,
    /// The framework content file (TOML) as uploaded.
    pub content: String,
    /// SHA-256 of `content`.
    pub content_hash: String,
    /// The iteration this one was copied from.
    pub previous_id: Option<i64>,
    /// Clarification questions close.
    pub clarifications_close_at: DateTimeUtc,
    /// Applications close (the submission deadline).
    pub applications_close_at: DateTimeUtc,
    /// Intention to award (results, standstill begins).
    pub intention_to_award_at: DateTimeUtc,
    /// The framework goes live.
    pub goes_live_at: DateTimeUtc,
    /// The framework expires.
    pub expires_at: DateTimeUtc,
    /// The manager who created it.
    pub created_by: Option<i64>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
