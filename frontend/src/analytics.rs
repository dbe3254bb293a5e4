//! Supplier-performance analytics and red flags: the overview, the list of flags and a
//! supplier's performance, each with its downloads.

use askama::Template;
use askama_web::WebTemplate;

use crate::pages::Shell;

/// How fresh the figures are, in a sentence ("Computed at … from the first … releases").
#[derive(Clone, Debug)]
pub struct Freshness {
    /// The sentence.
    pub text: String,
}

/// One flag's code, name, definition and how often it was raised.
#[derive(Clone, Debug)]
pub struct FlagCount {
    /// The code (R003, M001…).
    pub code: String,
    /// Its name in the reader's language.
    pub name: String,
    /// Its definition in the reader's language.
    pub definition: String,
    /// How many processes or organisations raise it.
    pub count: usize,
}

/// One raised flag.
#[derive(Clone, Debug)]
pub struct FlagRow {
    /// The code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it is raised on, in words (process, buyer, procuring entity, tenderer, buyer and supplier).
    pub group: String,
    /// The process or organisation.
    pub id: String,
    /// A link for it: the OCDS record of a process, the performance page of a supplier.
    pub link: Option<String>,
    /// The indicator's value, formatted.
    pub value: String,
    /// The processes that raise it, with their record links.
    pub ocids: Vec<String>,
}

/// One supplier's figures.
#[derive(Clone, Debug)]
pub struct SupplierRow {
    /// The party id.
    pub id: String,
    /// Active awards.
    pub awards: u64,
    /// Their value by currency, formatted.
    pub value: String,
    /// Win rate, formatted, when it bid.
    pub win_rate: String,
    /// Processes bid in.
    pub processes_bid: u64,
    /// Terminated contracts.
    pub terminations: u64,
    /// Buyers served.
    pub buyers_served: u64,
    /// Size.
    pub scale: String,
}

/// One buyer's figures.
#[derive(Clone, Debug)]
pub struct BuyerRow {
    /// The party id.
    pub id: String,
    /// Processes.
    pub processes: u64,
    /// Awards.
    pub awards: u64,
    /// Their value, formatted.
    pub value: String,
    /// The share of awards to small and medium-sized suppliers, formatted.
    pub sme_share: String,
    /// Average submitted bids per process with bids, formatted.
    pub average_bids: String,
    /// Share of processes with one bid, formatted.
    pub single_bid_share: String,
}

/// `/analytics`.
#[derive(Template, WebTemplate)]
#[template(path = "analytics/overview.html")]
pub struct AnalyticsPage {
    /// The layout.
    pub shell: Shell,
    /// How fresh, when computed.
    pub freshness: Option<Freshness>,
    /// Every flag with its count.
    pub flags: Vec<FlagCount>,
    /// Suppliers, most awards first.
    pub suppliers: Vec<SupplierRow>,
    /// Buyers, most processes first.
    pub buyers: Vec<BuyerRow>,
}

/// `/analytics/red-flags`.
#[derive(Template, WebTemplate)]
#[template(path = "analytics/flags.html")]
pub struct FlagsPage {
    /// The layout.
    pub shell: Shell,
    /// How fresh, when computed.
    pub freshness: Option<Freshness>,
    /// The codes to filter by: (code, label, chosen).
    pub codes: Vec<(String, String, bool)>,
    /// The id filter as typed.
    pub q: String,
    /// The flags shown.
    pub rows: Vec<FlagRow>,
    /// The query string of the current filters, for the downloads.
    pub query: String,
}

/// `/analytics/suppliers/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "analytics/supplier.html")]
pub struct SupplierPerformancePage {
    /// The layout.
    pub shell: Shell,
    /// How fresh, when computed.
    pub freshness: Option<Freshness>,
    /// The supplier's party id.
    pub id: String,
    /// Its name, when Marco knows it.
    pub name: Option<String>,
    /// Its figures.
    pub row: SupplierRow,
    /// Flags on it.
    pub flags: Vec<FlagRow>,
}
