//! `framework_applications`: a supplier's application to one framework iteration.

use sea_orm::entity::prelude::*;

/// One application.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "framework_applications")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The framework.
    pub framework_id: i64,
    /// The supplier organisation.
    pub organisation_id: i64,
    /// interested or submitted.
    pub status: String,
    /// Declaration answers (JSON object: question id to answer).
    pub declaration: String,
    /// Whether every declaration question is answered.
    pub declaration_complete: bool,
    /// Automatic fails found in the declaration (JSON list of {question, reason}).
    pub automatic_fails: String,
    /// When the supplier registered interest.
    pub interest_at: DateTimeUtc,
    /// When it was submitted.
    pub submitted_at: Option<DateTimeUtc>,
    /// Who submitted it.
    pub submitted_by: Option<i64>,
    /// pass or fail, once evaluated.
    pub result: Option<String>,
    /// Why, as told to the supplier.
    pub result_reason: Option<String>,
    /// Evaluator.
    pub evaluated_by: Option<i64>,
    /// When evaluated.
    pub evaluated_at: Option<DateTimeUtc>,
    /// When the result e-mail was queued (at standstill).
    pub result_sent_at: Option<DateTimeUtc>,
    /// The supplier's signatory (a user id; their name is personal data, never published).
    pub signed_by: Option<i64>,
    /// The signatory's role, e.g. "Director".
    pub signer_role: Option<String>,
    /// When the supplier signed.
    pub signed_at: Option<DateTimeUtc>,
    /// The manager who countersigned.
    pub countersigned_by: Option<i64>,
    /// When the agreement was countersigned.
    pub countersigned_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
