//! `briefs`: A brief: a challenge-based purchase from a framework lot, its own OCDS contracting process.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "briefs")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Its contracting process.
    #[sea_orm(unique)]
    pub ocid: String,
    /// The buying organisation.
    pub buyer_org_id: i64,
    /// Who drafted it.
    pub created_by: i64,
    /// The framework.
    pub framework_id: i64,
    /// The lot slug (outcomes or specialists).
    pub lot: String,
    /// `domain::brief::BriefStatus`.
    pub status: String,
    /// `domain::brief::ReviewStatus` of the business case.
    pub review: String,
    /// The brief as typed (`domain::brief::draft::Draft` as JSON).
    #[sea_orm(column_type = "Text")]
    pub draft: String,
    /// Title, for lists.
    pub title: String,
    /// Location, for filters.
    pub location: String,
    /// Lowest budget, once it passed the gate.
    pub budget_min: Option<Decimal>,
    /// Highest budget, once it passed the gate.
    pub budget_max: Option<Decimal>,
    /// ISO 4217 currency of the budget.
    pub currency: Option<String>,
    /// End of the question period.
    pub question_deadline_at: Option<DateTimeUtc>,
    /// When responses close.
    pub closing_at: Option<DateTimeUtc>,
    /// When it was published.
    pub published_at: Option<DateTimeUtc>,
    /// How many times it was published or edited while live.
    pub version: i32,
    /// When the responses were opened, after closing.
    pub opened_at: Option<DateTimeUtc>,
    /// Why it was withdrawn.
    #[sea_orm(column_type = "Text")]
    pub withdrawn_reason: Option<String>,
    /// Who records the agreed scores.
    pub moderator_id: Option<i64>,
    /// When the written scores were agreed.
    pub proposal_agreed_at: Option<DateTimeUtc>,
    /// When the challenge stage began.
    pub challenge_started_at: Option<DateTimeUtc>,
    /// When the challenge scores were agreed.
    pub challenge_agreed_at: Option<DateTimeUtc>,
    /// The response awarded.
    pub awarded_response_id: Option<i64>,
    /// Why, when the ranking was overridden (or a note).
    #[sea_orm(column_type = "Text")]
    pub award_reason: Option<String>,
    /// Who awarded.
    pub awarded_by: Option<i64>,
    /// When.
    pub awarded_at: Option<DateTimeUtc>,
    /// End of the standstill period.
    pub standstill_ends_at: Option<DateTimeUtc>,
    /// Why nothing was awarded.
    #[sea_orm(column_type = "Text")]
    pub not_awarded_reason: Option<String>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
