//! Buying pages: the cart, the orders of a buyer and a supplier, one order with what each side
//! may do next, and the public contracts register.

use askama::Template;
use askama_web::WebTemplate;

use crate::forms::Form;
use crate::frameworks::Fact;
use crate::pages::Shell;

/// A line of the cart, display-ready.
#[derive(Clone, Debug)]
pub struct CartLineView {
    /// Cart line id.
    pub id: i64,
    /// The service's public id.
    pub service_id: String,
    /// Its name.
    pub name: String,
    /// The supplier's name.
    pub supplier: String,
    /// Quantity and unit, e.g. "3 per user per month".
    pub quantity: String,
    /// Unit price.
    pub unit_price: String,
    /// Quantity times unit price.
    pub line_total: String,
    /// Why it cannot be bought any more, if so.
    pub problem: Option<String>,
}

/// The quotes a large purchase needs, asked for on the checkout form.
#[derive(Clone, Debug)]
pub struct QuoteForm {
    /// The rule in words ("above 1000 UTM (CLP 68,306,000), quotes from 3 suppliers").
    pub rule: String,
    /// Suppliers on the framework that may quote: (organisation id, name).
    pub suppliers: Vec<(String, String)>,
    /// Row numbers, from 1.
    pub rows: Vec<usize>,
}

/// The cart and the checkout form.
#[derive(Template, WebTemplate)]
#[template(path = "buying/cart.html")]
pub struct CartPage {
    /// The layout.
    pub shell: Shell,
    /// Lines.
    pub lines: Vec<CartLineView>,
    /// One sentence per order the cart will make ("Nube Andina: CLP 470,000").
    pub orders: Vec<String>,
    /// The key that makes this checkout happen once.
    pub idempotency_key: String,
    /// The quotes a large purchase needs, when the cart holds one.
    pub quotes: Option<QuoteForm>,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// An order in a list.
#[derive(Clone, Debug)]
pub struct OrderRow {
    /// Number.
    pub id: i64,
    /// The other party's name.
    pub party: String,
    /// Total.
    pub total: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Placed on.
    pub date: String,
    /// What needs doing, if anything ("Accept by 2026-12-07").
    pub attention: Option<String>,
}

/// A buyer's or supplier's orders.
#[derive(Template, WebTemplate)]
#[template(path = "buying/orders.html")]
pub struct OrdersPage {
    /// The layout.
    pub shell: Shell,
    /// Orders waiting for this person's approval.
    pub to_approve: Vec<OrderRow>,
    /// Orders placed by the organisation.
    pub placed: Vec<OrderRow>,
    /// Orders received by the organisation (suppliers).
    pub received: Vec<OrderRow>,
    /// Whether the person's organisation buys (to show the cart link).
    pub is_buyer: bool,
    /// How many lines the cart has.
    pub cart_size: u64,
    /// A success message.
    pub notice: Option<String>,
    /// The organisation's call-off contracts, as buyer or supplier.
    pub contracts: Vec<ContractRow>,
}

/// A line of an order.
#[derive(Clone, Debug)]
pub struct OrderItemView {
    /// The service's public id.
    pub service_id: String,
    /// Name in the version ordered.
    pub description: String,
    /// Version number ordered.
    pub version: i32,
    /// Quantity with its unit.
    pub quantity: String,
    /// Unit price.
    pub unit_price: String,
    /// Line total.
    pub line_total: String,
}

/// Something the viewer may do to the order now.
#[derive(Clone, Debug)]
pub struct ActionView {
    /// Action code (`accept`).
    pub action: String,
    /// Button label.
    pub label: String,
    /// Asks for a reason.
    pub reason: bool,
    /// Asks for a note.
    pub note: bool,
    /// Asks for an invoice number.
    pub invoice: bool,
    /// Asks whether all was received.
    pub in_full: bool,
    /// A secondary (refusing) action.
    pub secondary: bool,
}

/// One order.
#[derive(Template, WebTemplate)]
#[template(path = "buying/order.html")]
pub struct OrderPage {
    /// The layout.
    pub shell: Shell,
    /// Number.
    pub id: i64,
    /// The ocid.
    pub ocid: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Buyer, supplier, framework, dates.
    pub facts: Vec<Fact>,
    /// Internal facts, shown to the buyer's organisation only.
    pub internal: Vec<Fact>,
    /// Lines.
    pub items: Vec<OrderItemView>,
    /// Total.
    pub total: String,
    /// Warnings (deadline passed, payment late).
    pub warnings: Vec<String>,
    /// What the viewer may do.
    pub actions: Vec<ActionView>,
    /// The contract, once accepted.
    pub contract_id: Option<i64>,
    /// Whether the OCDS record exists (the order was sent).
    pub published: bool,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// A contract in the register.
#[derive(Clone, Debug)]
pub struct ContractRow {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Buyer.
    pub buyer: String,
    /// Supplier.
    pub supplier: String,
    /// Supplier id.
    pub supplier_id: i64,
    /// Framework name.
    pub framework: String,
    /// Lot names.
    pub lots: String,
    /// Route label.
    pub route: String,
    /// Value.
    pub value: String,
    /// Start date.
    pub start: String,
    /// End date.
    pub end: String,
    /// Status label.
    pub status: String,
    /// The ocid of its process.
    pub ocid: String,
}

/// One option of a filter: (value, label, selected).
pub type Choice = (String, String, bool);

/// The public contracts register.
#[derive(Template, WebTemplate)]
#[template(path = "buying/contracts.html")]
pub struct ContractsPage {
    /// The layout.
    pub shell: Shell,
    /// Rows.
    pub rows: Vec<ContractRow>,
    /// Supplier filter.
    pub suppliers: Vec<Choice>,
    /// Buyer filter.
    pub buyers: Vec<Choice>,
    /// Framework filter.
    pub frameworks: Vec<Choice>,
    /// Route filter.
    pub routes: Vec<Choice>,
    /// Status filter.
    pub statuses: Vec<Choice>,
    /// "12 contracts".
    pub summary: String,
    /// Previous page.
    pub prev: Option<String>,
    /// Next page.
    pub next: Option<String>,
    /// "Page 1 of 3".
    pub page_label: String,
    /// CSV of the same selection.
    pub csv: String,
}

/// A direct-award project in a list.
#[derive(Clone, Debug)]
pub struct ProjectRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Status label.
    pub status: String,
    /// Started on.
    pub started: String,
    /// Searches saved.
    pub searches: usize,
}

/// The buyer's direct-award projects.
#[derive(Template, WebTemplate)]
#[template(path = "buying/projects.html")]
pub struct ProjectsPage {
    /// The layout.
    pub shell: Shell,
    /// Projects, newest first.
    pub rows: Vec<ProjectRow>,
}

/// A saved search of a project.
#[derive(Clone, Debug)]
pub struct SearchRow {
    /// What was searched, in words.
    pub summary: String,
    /// The catalogue link that runs it again.
    pub link: String,
    /// Results when saved.
    pub results: i64,
    /// Who saved it.
    pub by: String,
    /// When.
    pub at: String,
}

/// One entry of a frozen short list.
#[derive(Clone, Debug)]
pub struct ShortlistView {
    /// Rank.
    pub position: i32,
    /// Service public id.
    pub service_id: String,
    /// Name in the frozen version.
    pub name: String,
    /// Version frozen.
    pub version: i32,
    /// Whether the service has changed since.
    pub changed_since: bool,
    /// Supplier.
    pub supplier: String,
    /// Price in the frozen version.
    pub price: String,
    /// Framework.
    pub framework: String,
    /// Whether this is the awarded one.
    pub awarded: bool,
}

/// One direct-award project, for its buyer.
#[derive(Template, WebTemplate)]
#[template(path = "buying/project.html")]
pub struct ProjectPage {
    /// The layout.
    pub shell: Shell,
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Saved searches, newest first.
    pub searches: Vec<SearchRow>,
    /// The frozen short list.
    pub shortlist: Vec<ShortlistView>,
    /// Facts about the outcome.
    pub outcome: Vec<Fact>,
    /// Downloads recorded: (who, format, when).
    pub downloads: Vec<(String, String, String)>,
    /// Whether the viewer may act (holds `can_award`).
    pub can_act: bool,
    /// Currencies offered for the award value.
    pub currencies: Vec<(String, bool)>,
    /// Form state.
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// A direct award's public page: the outcome and the frozen short list.
#[derive(Template, WebTemplate)]
#[template(path = "buying/direct_award.html")]
pub struct DirectAwardPage {
    /// The layout.
    pub shell: Shell,
    /// Project name.
    pub name: String,
    /// Buyer.
    pub buyer: String,
    /// Status label.
    pub status_label: String,
    /// Facts.
    pub facts: Vec<Fact>,
    /// Short list.
    pub shortlist: Vec<ShortlistView>,
    /// The ocid.
    pub ocid: String,
}

/// The "save this search" panel of the catalogue, for buyers who award.
#[derive(Clone, Debug)]
pub struct SaveSearchPanel {
    /// The query string to save.
    pub query: String,
    /// Projects still searching: (id, name).
    pub projects: Vec<(i64, String)>,
    /// CSRF token.
    pub csrf: String,
}
