//! Supplier-performance analytics and red flags: the overview, the list of flags, a supplier's
//! and a buyer's performance, and market insights per framework and lot, each with its
//! downloads. Charts are SVG drawn here on the server, each with its figures as a table.

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
    /// Period, framework, lot, buyer and supplier.
    pub form: ScopeForm,
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
    /// How it delivered: milestones, deliveries, amendments, ratings, benefits, admissions.
    pub delivery: Vec<Figure>,
    /// Flags on it.
    pub flags: Vec<FlagRow>,
}

/// A labelled figure, for a definition list.
#[derive(Clone, Debug)]
pub struct Figure {
    /// What it is.
    pub label: String,
    /// Its value, formatted.
    pub value: String,
    /// The element id, for tests and links.
    pub id: String,
}

impl Figure {
    /// The figure labelled by the text of `key` in the reader's language.
    pub fn new(tr: &crate::i18n::Tr, id: &str, key: &str, value: String) -> Figure {
        Figure {
            id: id.to_owned(),
            label: tr.t(key),
            value,
        }
    }
}

/// One table cell, with an optional link.
#[derive(Clone, Debug)]
pub struct Cell {
    /// The text.
    pub text: String,
    /// Where it links.
    pub link: Option<String>,
}

impl Cell {
    /// A cell without a link.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            link: None,
        }
    }
    /// A cell that links.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            link: Some(href.into()),
        }
    }
}

/// A data table: a caption, column headers and rows (the first cell heads its row).
#[derive(Clone, Debug)]
pub struct Table {
    /// The element id.
    pub id: String,
    /// The caption.
    pub caption: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// One bar of a chart.
#[derive(Clone, Debug)]
pub struct Bar {
    /// Its label.
    pub label: String,
    /// Its value, for the length.
    pub value: f64,
    /// Its value as written beside the bar and in the table.
    pub text: String,
}

/// A horizontal bar chart drawn as SVG on the server, with the same figures as a table for
/// screen readers and for copying.
#[derive(Clone, Debug)]
pub struct BarChart {
    /// The element id.
    pub id: String,
    /// The title, also the table's caption.
    pub title: String,
    /// The header of the label column.
    pub label_header: String,
    /// The header of the value column.
    pub value_header: String,
    /// The bars.
    pub bars: Vec<Bar>,
}

/// Where one bar is drawn, in the chart's 640-wide view box.
#[derive(Clone, Debug)]
pub struct Drawn {
    /// The top of the bar's row.
    pub y: usize,
    /// The baseline of its texts.
    pub text_y: usize,
    /// The bar's length.
    pub width: f64,
    /// The x of the value written after it.
    pub value_x: f64,
    /// The label, shortened to fit.
    pub label: String,
    /// The value as written.
    pub text: String,
}

impl BarChart {
    /// Row height, the label column's width and the longest bar.
    const ROW: usize = 30;
    const LABELS: f64 = 220.0;
    const LONGEST: f64 = 300.0;

    /// The view box height.
    pub fn height(&self) -> usize {
        self.bars.len().max(1) * Self::ROW + 10
    }

    /// The x where bars start.
    pub fn bars_x(&self) -> f64 {
        Self::LABELS
    }

    /// Each bar's place and length, scaled to the largest value.
    pub fn drawn(&self) -> Vec<Drawn> {
        let max = self.bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
        self.bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let width = if max > 0.0 {
                    (b.value.max(0.0) / max * Self::LONGEST).max(1.0)
                } else {
                    1.0
                };
                let label: String = if b.label.chars().count() > 30 {
                    let cut: String = b.label.chars().take(29).collect();
                    format!("{cut}…")
                } else {
                    b.label.clone()
                };
                Drawn {
                    y: 5 + i * Self::ROW,
                    text_y: 5 + i * Self::ROW + 19,
                    width,
                    value_x: Self::LABELS + width + 8.0,
                    label,
                    text: b.text.clone(),
                }
            })
            .collect()
    }
}

/// A period, framework, lot, buyer and supplier filter as the form shows it.
#[derive(Clone, Debug, Default)]
pub struct ScopeForm {
    /// Where the form is sent.
    pub action: String,
    /// From (YYYY-MM-DD), as typed.
    pub from: String,
    /// To, as typed.
    pub to: String,
    /// Frameworks to choose from: (ocid, name, chosen); empty hides the field.
    pub frameworks: Vec<(String, String, bool)>,
    /// Lots to choose from: (id, name, chosen); empty hides the field.
    pub lots: Vec<(String, String, bool)>,
    /// Buyer id, as typed.
    pub buyer: String,
    /// Supplier id, as typed; `None` hides the field.
    pub supplier: Option<String>,
    /// Errors: (field, message).
    pub errors: Vec<(String, String)>,
    /// Hidden fields kept from other filters: (name, value).
    pub hidden: Vec<(String, String)>,
}

impl ScopeForm {
    /// The error of `field`, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// One market's summary row.
#[derive(Clone, Debug)]
pub struct MarketRow {
    /// The framework's name.
    pub framework: String,
    /// The lot's name, or "All lots".
    pub lot: String,
    /// The market page.
    pub link: String,
    /// Awards.
    pub awards: u64,
    /// Value, formatted.
    pub value: String,
    /// Active of admitted suppliers, formatted.
    pub suppliers: String,
    /// HHI, formatted.
    pub hhi: String,
    /// Top-5 share, formatted.
    pub top5: String,
    /// SME share of value, formatted.
    pub sme: String,
}

/// `/analytics/markets`.
#[derive(Template, WebTemplate)]
#[template(path = "analytics/markets.html")]
pub struct MarketsPage {
    /// The layout.
    pub shell: Shell,
    /// How fresh, when computed.
    pub freshness: Option<Freshness>,
    /// The filters.
    pub form: ScopeForm,
    /// Markets, by framework then lot.
    pub rows: Vec<MarketRow>,
    /// The query string of the filters, for the downloads.
    pub query: String,
}

/// `/analytics/markets/{framework}`: one framework's or lot's market insights.
#[derive(Template, WebTemplate)]
#[template(path = "analytics/market.html")]
pub struct MarketPage {
    /// The layout.
    pub shell: Shell,
    /// How fresh, when computed.
    pub freshness: Option<Freshness>,
    /// The heading: the framework, and the lot when one is chosen.
    pub heading: String,
    /// The filters.
    pub form: ScopeForm,
    /// Key figures.
    pub figures: Vec<Figure>,
    /// Charts, each with its table.
    pub charts: Vec<BarChart>,
    /// The query string of the filters, for the downloads.
    pub query: String,
    /// The framework's page on Marco, when it is Marco's.
    pub framework_page: Option<String>,
}

/// `/analytics/buyers/{id}`.
#[derive(Template, WebTemplate)]
#[template(path = "analytics/buyer.html")]
pub struct BuyerPerformancePage {
    /// The layout.
    pub shell: Shell,
    /// How fresh, when computed.
    pub freshness: Option<Freshness>,
    /// The buyer's party id.
    pub id: String,
    /// Its name, when Marco knows it.
    pub name: Option<String>,
    /// Key figures.
    pub figures: Vec<Figure>,
    /// Charts, each with its table.
    pub charts: Vec<BarChart>,
    /// Further tables.
    pub tables: Vec<Table>,
    /// Flags on it.
    pub flags: Vec<FlagRow>,
}
