//! `orders`: catalogue orders, one per supplier. Delivery address, cost centre, approval
//! comments and notes are internal and never published.

use sea_orm::entity::prelude::*;

/// One order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    /// Internal id; also the order number.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Its own OCDS contracting process.
    #[sea_orm(unique)]
    pub ocid: String,
    /// The buying organisation.
    pub buyer_org_id: i64,
    /// The supplier.
    pub supplier_org_id: i64,
    /// The framework it is called off from.
    pub framework_id: i64,
    /// Who placed it.
    pub placed_by: i64,
    /// `domain::order::OrderStatus`.
    pub status: String,
    /// Sum of the lines.
    pub total: Decimal,
    /// ISO 4217 currency of every amount of the order.
    pub currency: String,
    /// Where to deliver (internal).
    pub delivery_address: String,
    /// Cost centre (internal).
    pub cost_centre: String,
    /// The date the buyer asked for.
    pub requested_date: DateTimeUtc,
    /// Above the placer's own limit when placed.
    pub needs_approval: bool,
    /// Who approved or rejected it.
    pub approver_id: Option<i64>,
    /// The approver's comment (internal).
    pub approval_comment: Option<String>,
    /// When the approval decision was made.
    pub decided_at: Option<DateTimeUtc>,
    /// When it went to the supplier.
    pub sent_at: Option<DateTimeUtc>,
    /// The supplier's deadline to accept.
    pub accept_by: Option<DateTimeUtc>,
    /// When the supplier accepted.
    pub accepted_at: Option<DateTimeUtc>,
    /// Why it was rejected or cancelled.
    pub reason: Option<String>,
    /// Who rejected or cancelled it: `approver`, `buyer` or `supplier`.
    pub closed_by: Option<String>,
    /// When it was rejected or cancelled.
    pub closed_at: Option<DateTimeUtc>,
    /// When the supplier said it delivered.
    pub delivered_at: Option<DateTimeUtc>,
    /// The supplier's delivery note.
    pub delivery_note: Option<String>,
    /// When the buyer confirmed receipt.
    pub received_at: Option<DateTimeUtc>,
    /// Received in full (or in part).
    pub received_in_full: Option<bool>,
    /// The buyer's receipt note (internal).
    pub receipt_note: Option<String>,
    /// The supplier's invoice number.
    pub invoice_number: Option<String>,
    /// The invoiced amount.
    pub invoice_amount: Option<Decimal>,
    /// When the invoice was recorded.
    pub invoiced_at: Option<DateTimeUtc>,
    /// When payment is due.
    pub payment_due_at: Option<DateTimeUtc>,
    /// When it was paid.
    pub paid_at: Option<DateTimeUtc>,
    /// Created.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
