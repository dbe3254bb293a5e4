//! The public catalogue: search with facets, service pages with their history, and supplier
//! profiles.

use askama::Template;
use askama_web::WebTemplate;

use crate::forms::Form;
use crate::frameworks::Fact;
use crate::pages::Shell;

/// One search result, display-ready. `name_html` and `snippet_html` are escaped HTML with
/// `<mark>` around matched words, made by the search index.
#[derive(Clone, Debug)]
pub struct HitView {
    /// Public id.
    pub id: String,
    /// Name with highlights (escaped HTML).
    pub name_html: String,
    /// Snippet with highlights (escaped HTML).
    pub snippet_html: String,
    /// Supplier name.
    pub supplier: String,
    /// Supplier id.
    pub supplier_id: i64,
    /// Lot name.
    pub lot: String,
    /// Framework name.
    pub framework: String,
    /// Price, formatted with unit.
    pub price: String,
}

/// One facet with its options: (value, label, count, checked).
#[derive(Clone, Debug)]
pub struct FacetView {
    /// Field name.
    pub id: String,
    /// Label.
    pub label: String,
    /// Options.
    pub options: Vec<(String, String, u64, bool)>,
}

/// Help when a search found nothing: a spelling suggestion (the words and their link), and
/// the link to the same words without the filters.
pub type NoResults = (Option<(String, String)>, Option<String>);

/// The catalogue search page.
#[derive(Template, WebTemplate)]
#[template(path = "catalogue/search.html")]
pub struct CataloguePage {
    /// The layout.
    pub shell: Shell,
    /// Keywords.
    pub q: String,
    /// Sort options (value, label, selected).
    pub sorts: Vec<(String, String, bool)>,
    /// Lowest price typed.
    pub price_min: String,
    /// Highest price typed.
    pub price_max: String,
    /// "123 services found for …".
    pub summary: String,
    /// Results.
    pub hits: Vec<HitView>,
    /// Facets.
    pub facets: Vec<FacetView>,
    /// Previous page link.
    pub prev: Option<String>,
    /// Next page link.
    pub next: Option<String>,
    /// "Page 2 of 7".
    pub page_label: String,
    /// CSV export link with the same query.
    pub csv: String,
    /// A problem with the query, e.g. a price with letters.
    pub problem: Option<String>,
    /// Saving the search into a direct-award project, for buyers who award.
    pub save: Option<crate::buying::SaveSearchPanel>,
    /// Help when nothing matched: a spelling suggestion (the words and the link) and the
    /// same words without the filters.
    pub no_results: Option<NoResults>,
}

/// A version in a service's history.
#[derive(Clone, Debug)]
pub struct VersionRow {
    /// Version number.
    pub version: i32,
    /// When.
    pub date: String,
    /// Price with unit.
    pub price: String,
}

/// A service page.
#[derive(Template, WebTemplate)]
#[template(path = "catalogue/service.html")]
pub struct ServicePage {
    /// The layout.
    pub shell: Shell,
    /// Public id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Supplier name.
    pub supplier: String,
    /// Supplier id.
    pub supplier_id: i64,
    /// Framework name and slug.
    pub framework: (String, String),
    /// Lot name.
    pub lot: String,
    /// Whether buyers can use it now.
    pub available: bool,
    /// Why not, if it is not.
    pub unavailable_reason: Option<String>,
    /// Current price.
    pub price: String,
    /// Answers of the current version.
    pub answers: Vec<Fact>,
    /// Documents (name, url, size in words such as "PDF, 12 KB").
    pub documents: Vec<(String, String, String)>,
    /// The service's summary, shown under its name.
    pub summary: String,
    /// The lot's slug, for the link to the lot's other services.
    pub lot_slug: String,
    /// The supplier's size, in words (empty when not given).
    pub supplier_scale: String,
    /// Where the supplier is.
    pub supplier_place: String,
    /// The supplier's other live services: (public id, name), a few.
    pub other_services: Vec<(String, String)>,
    /// Versions, newest first.
    pub versions: Vec<VersionRow>,
    /// Whether the viewer is its supplier.
    pub is_owner: bool,
    /// Whether the viewer is a manager.
    pub is_manager: bool,
    /// Whether the viewer may put it in a cart (a buyer, and the service is available and
    /// priced).
    pub can_buy: bool,
    /// Current status code.
    pub status: String,
    /// Form state (CSRF, errors of the suspend form).
    pub form: Form,
    /// A success message.
    pub notice: Option<String>,
}

/// A supplier's public profile.
#[derive(Template, WebTemplate)]
#[template(path = "catalogue/supplier.html")]
pub struct SupplierPage {
    /// The layout.
    pub shell: Shell,
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Identifier, scale and place.
    pub facts: Vec<Fact>,
    /// Suspension reason, if suspended.
    pub suspended: Option<String>,
    /// Live services: (id, name, lot, price).
    pub services: Vec<(String, String, String, String)>,
    /// Whether the viewer is a manager.
    pub is_manager: bool,
    /// Form state.
    pub form: Form,
    /// How many published ratings buyers gave it.
    pub rating_count: usize,
    /// Its average per dimension: (dimension, average out of 5).
    pub ratings: Vec<(String, String)>,
}
