//! Contract delivery pages: the timeline of a contract (modules, milestones with their
//! deliveries, payments, changes, ratings and benefit reports), shown publicly in the
//! contracts register and, with the forms of each side, on the contract's working page.

use askama::Template;
use askama_web::WebTemplate;

use crate::buying::ContractRow;
use crate::forms::Form;
use crate::pages::Shell;

/// A module.
#[derive(Clone, Debug)]
pub struct ModuleView {
    /// Its number.
    pub number: i32,
    /// What it delivers.
    pub scope: String,
    /// Its price.
    pub value: String,
    /// Its period.
    pub period: String,
}

/// One delivery of a milestone.
#[derive(Clone, Debug)]
pub struct DeliveryView {
    /// Its number.
    pub number: i32,
    /// When delivered.
    pub date: String,
    /// By when the buyer must decide.
    pub decide_by: String,
    /// The decision, as a label.
    pub decision: String,
    /// When decided.
    pub decided: String,
    /// The buyer's reason for rejecting (working page only).
    pub reason: String,
    /// The evidence link (working page only).
    pub evidence_url: String,
    /// The evidence file's download link and name (working page only).
    pub evidence_file: Option<(String, String)>,
    /// The supplier's note (working page only).
    pub note: String,
}

/// A milestone.
#[derive(Clone, Debug)]
pub struct MilestoneView {
    /// Id.
    pub id: i64,
    /// Its number in the contract.
    pub number: i32,
    /// Its module's number.
    pub module: i32,
    /// What is delivered.
    pub title: String,
    /// Due date.
    pub due: String,
    /// The payment.
    pub amount: String,
    /// Status label.
    pub status: String,
    /// Status code (`planned`, `delivered`, …).
    pub code: String,
    /// Accepted on.
    pub accepted: String,
    /// Invoice date.
    pub invoiced: String,
    /// Payment due date.
    pub payment_due: String,
    /// Paid on.
    pub paid: String,
    /// Due and not delivered (or delivered after its due date).
    pub late: bool,
    /// Delivered and not decided within the acceptance period.
    pub decision_overdue: bool,
    /// Paid after its due date, or due and unpaid.
    pub payment_late: bool,
    /// Its deliveries.
    pub deliveries: Vec<DeliveryView>,
}

/// A change.
#[derive(Clone, Debug)]
pub struct ChangeView {
    /// Id.
    pub id: i64,
    /// What it does, as a label.
    pub kind: String,
    /// Who asked, as a label.
    pub side: String,
    /// Status label.
    pub status: String,
    /// Status code.
    pub code: String,
    /// The rationale.
    pub reason: String,
    /// What changed (approved changes).
    pub description: String,
    /// Asked on.
    pub requested: String,
    /// Decided on.
    pub decided: String,
    /// Why it was refused (working page only).
    pub refusal: String,
}

/// A rating.
#[derive(Clone, Debug)]
pub struct RatingView {
    /// Id.
    pub id: i64,
    /// Which milestone, or the final rating, as a label.
    pub stage: String,
    /// 1 to 5.
    pub quality: i32,
    /// 1 to 5.
    pub timeliness: i32,
    /// 1 to 5.
    pub communication: i32,
    /// The comment.
    pub comment: String,
    /// Given on.
    pub date: String,
    /// The supplier's reply.
    pub reply: String,
    /// Published, or when it will be.
    pub visibility: String,
}

/// One indicator of a benefit report: (indicator, baseline, target, value reached, met label).
pub type IndicatorRow = (String, String, String, String, String);

/// One period of the benefit report schedule.
#[derive(Clone, Debug)]
pub struct ReportView {
    /// The period.
    pub period: i32,
    /// Due date.
    pub due: String,
    /// Filed on (empty when not).
    pub filed: String,
    /// Not filed and past due.
    pub late: bool,
    /// The indicators reported.
    pub indicators: Vec<IndicatorRow>,
    /// Notes.
    pub notes: String,
}

/// Everything that happened on a contract.
#[derive(Clone, Debug, Default)]
pub struct TimelineView {
    /// Modules.
    pub modules: Vec<ModuleView>,
    /// Milestones.
    pub milestones: Vec<MilestoneView>,
    /// Changes.
    pub changes: Vec<ChangeView>,
    /// Ratings.
    pub ratings: Vec<RatingView>,
    /// Benefit reports (the schedule with what was filed); empty without a business case.
    pub reports: Vec<ReportView>,
    /// The original value, when changes moved it.
    pub original_value: String,
    /// How the contract ended, as a sentence (empty while active).
    pub ended: String,
}

/// An option of a select: (value, label).
pub type Opt = (String, String);

/// What one side may do on the working page: the options of each form (a form with no
/// options is not shown).
#[derive(Clone, Debug, Default)]
pub struct Actions {
    /// Modules to plan a milestone on (buyer).
    pub plan: Vec<Opt>,
    /// Milestones to deliver (supplier).
    pub deliver: Vec<Opt>,
    /// Milestones whose delivery waits for a decision (buyer).
    pub decide: Vec<Opt>,
    /// Milestones to pay (buyer).
    pub pay: Vec<Opt>,
    /// What may be rated (buyer).
    pub rate: Vec<Opt>,
    /// Ratings to reply to (supplier).
    pub reply: Vec<Opt>,
    /// Kinds of change this side may ask for.
    pub change: Vec<Opt>,
    /// The change waiting for this person's decision, if any: (id, description).
    pub pending: Option<(i64, String)>,
    /// A change waiting for someone else, as a sentence.
    pub waiting: String,
    /// Report periods that may be filed (buyer).
    pub report: Vec<Opt>,
    /// The business case's indicators: (name, baseline, target, value field, met field).
    pub indicators: Vec<(String, String, String, String, String)>,
    /// The scores 5 to 1 with their labels.
    pub scores: Vec<Opt>,
}

/// The public page of one contract.
#[derive(Template, WebTemplate)]
#[template(path = "delivery/contract.html")]
pub struct ContractPage {
    /// The layout.
    pub shell: Shell,
    /// The row.
    pub contract: ContractRow,
    /// A catalogue order's lines.
    pub items: Vec<crate::buying::OrderItemView>,
    /// A catalogue order's delivery milestones: (label, due, met).
    pub order_milestones: Vec<(String, String, String)>,
    /// The timeline.
    pub timeline: TimelineView,
    /// The working page, for the contract's two sides.
    pub manage_link: Option<String>,
}

/// The working page of one contract, for the buyer or the supplier.
#[derive(Template, WebTemplate)]
#[template(path = "delivery/manage.html")]
pub struct ManagePage {
    /// The layout.
    pub shell: Shell,
    /// The row.
    pub contract: ContractRow,
    /// `buyer` or `supplier`.
    pub side: String,
    /// The timeline, with what only the two sides see.
    pub timeline: TimelineView,
    /// What this side may do.
    pub actions: Actions,
    /// Values and problems of the form last sent.
    pub form: Form,
    /// What just happened, if anything.
    pub notice: Option<String>,
}
