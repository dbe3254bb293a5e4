//! A search request and its answer, shared by both backends.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::SearchError;
use super::document::{PriceBand, is_facet_key};

/// Results per page when the query does not say.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// The most results one page may hold.
pub const MAX_PER_PAGE: u32 = 100;
/// The deepest result a page may reach; deeper pages are refused by Meilisearch too.
pub const MAX_DEPTH: u32 = 10_000;
/// The most values listed for one facet.
pub const MAX_FACET_VALUES: usize = 1000;

/// The order of results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best keyword match first; ties (and queries without keywords) by the id's hash.
    #[default]
    Relevance,
    /// Cheapest first; services without a price last.
    PriceAsc,
    /// Dearest first; services without a price last.
    PriceDesc,
    /// By name, A to Z, ignoring case and accents.
    Name,
}

/// What a buyer asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// Keywords, typos tolerated; `None` or blank lists everything.
    pub text: Option<String>,
    /// Facet filters: any value of one facet (OR), every facet given (AND). The fixed facets
    /// `framework`, `lot`, `supplier`, `supplier_scale`, `pricing_unit` and `price_band` use
    /// the same map.
    pub filters: BTreeMap<String, Vec<String>>,
    /// Lowest price, inclusive; services without a price are left out when set.
    pub price_min: Option<Decimal>,
    /// Highest price, inclusive; services without a price are left out when set.
    pub price_max: Option<Decimal>,
    /// The order.
    pub sort: Sort,
    /// 1-based page number.
    pub page: u32,
    /// Results per page, at most [`MAX_PER_PAGE`].
    pub per_page: u32,
    /// Facets to count. Price bands are always counted.
    pub facets: Vec<String>,
    /// Include services that can no longer be bought.
    pub include_unavailable: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: None,
            filters: BTreeMap::new(),
            price_min: None,
            price_max: None,
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            facets: Vec::new(),
            include_unavailable: false,
        }
    }
}

impl SearchQuery {
    /// The query with its page clamped to what can be served, blank filters dropped, and
    /// facet names checked.
    pub(crate) fn checked(&self) -> Result<SearchQuery, SearchError> {
        let mut query = self.clone();
        query.per_page = query.per_page.clamp(1, MAX_PER_PAGE);
        let max_page = (MAX_DEPTH / query.per_page).max(1);
        query.page = query.page.clamp(1, max_page);
        query.filters.retain(|_, values| {
            values.retain(|v| !v.trim().is_empty());
            !values.is_empty()
        });
        for key in query.filters.keys().chain(&query.facets) {
            if !is_facet_key(key) {
                return Err(SearchError::InvalidQuery(format!(
                    "{key:?} cannot name a facet"
                )));
            }
        }
        query.facets.sort();
        query.facets.dedup();
        query.facets.retain(|f| f != "price_band");
        Ok(query)
    }

    /// How many results come before this page.
    pub(crate) fn offset(&self) -> usize {
        ((self.page - 1) * self.per_page) as usize
    }

    /// Facets to count (price bands included): those without a filter of their own can be
    /// counted with the results; each filtered one needs a count without its own filter.
    pub(crate) fn facets_to_count(&self) -> (Vec<String>, Vec<String>) {
        self.facets
            .iter()
            .map(String::as_str)
            .chain(["price_band"])
            .map(str::to_owned)
            .partition(|f| !self.filters.contains_key(f))
    }

    /// The filters without `key`'s own.
    pub(crate) fn without_filter(&self, key: &str) -> SearchQuery {
        let mut query = self.clone();
        query.filters.remove(key);
        query
    }
}

/// Text as HTML: escaped, with `<mark>` around matched words. Render it unescaped
/// (`|safe`): everything from the document has been escaped already.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MarkedHtml(pub(crate) String);

impl MarkedHtml {
    /// The HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MarkedHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// The service id.
    pub id: String,
    /// Relevance score (backend-specific scale; 0 without keywords).
    pub score: f32,
    /// The service name with the matched words marked.
    pub name_highlighted: MarkedHtml,
    /// A passage of the description around the first match, with the matched words marked.
    pub snippet_highlighted: MarkedHtml,
}

/// One facet value and how many results have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    /// The value, as used in filters.
    pub value: String,
    /// Results with the value, counted under every filter but the facet's own, so the other
    /// values of the facet stay visible when one is chosen.
    pub count: u64,
}

/// A page of results with the counts that describe the whole result set.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Results matching the query across all pages.
    pub total: u64,
    /// The page served (1-based, after clamping).
    pub page: u32,
    /// Results per page (after clamping).
    pub per_page: u32,
    /// This page's results.
    pub hits: Vec<Hit>,
    /// Counts for each facet asked for, most frequent value first, then by value.
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Counts per price band, cheapest band first, empty bands left out.
    pub price_bands: Vec<PriceBand>,
}

impl SearchResults {
    /// How many pages the results fill.
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(u64::from(self.per_page.max(1)))
    }
}

/// Orders facet counts the same way for both backends and turns price-band counts into bands.
pub(crate) fn finish_facets(
    counts: BTreeMap<String, Vec<FacetCount>>,
) -> (BTreeMap<String, Vec<FacetCount>>, Vec<PriceBand>) {
    let mut facets = BTreeMap::new();
    let mut bands = Vec::new();
    for (key, mut values) in counts {
        values.retain(|v| v.count > 0);
        if key == "price_band" {
            bands = values
                .iter()
                .filter_map(|v| PriceBand::from_key(&v.value, v.count))
                .collect();
            bands.sort_by_key(|b| b.min);
            continue;
        }
        values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        values.truncate(MAX_FACET_VALUES);
        facets.insert(key, values);
    }
    (facets, bands)
}

/// Reads a catalogue address's query string (`q`, `sort`, `page`, `price_min`, `price_max` and
/// facet filters) into a search query, with the form values as typed. The flag is set when a
/// price was not an amount (it is then left out).
pub fn from_query_string(raw: &str) -> (SearchQuery, crate::domain::content::FormValues, bool) {
    let values = crate::domain::content::form_values(
        url::form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())),
    );
    let first = |name: &str| -> &str {
        values
            .get(name)
            .and_then(|v| v.first())
            .map(|v| v.trim())
            .unwrap_or_default()
    };
    let mut bad_price = false;
    let mut price = |name: &str| {
        let text = first(name);
        if text.is_empty() {
            return None;
        }
        match crate::domain::money::parse_amount(text) {
            Ok(amount) => Some(amount),
            Err(_) => {
                bad_price = true;
                None
            }
        }
    };
    let price_min = price("price_min");
    let price_max = price("price_max");
    let mut filters = BTreeMap::new();
    for (key, vals) in &values {
        if ["q", "sort", "page", "per_page", "price_min", "price_max"].contains(&key.as_str()) {
            continue;
        }
        let vals: Vec<String> = vals.iter().filter(|v| !v.is_empty()).cloned().collect();
        if !vals.is_empty() && is_facet_key(key) {
            filters.insert(key.clone(), vals);
        }
    }
    let sort = match first("sort") {
        "price_asc" => Sort::PriceAsc,
        "price_desc" => Sort::PriceDesc,
        "name" => Sort::Name,
        _ => Sort::Relevance,
    };
    let page = first("page").parse::<u32>().unwrap_or(1).clamp(1, 10_000);
    let text = first("q");
    let query = SearchQuery {
        text: (!text.is_empty()).then(|| text.chars().take(200).collect()),
        filters,
        price_min,
        price_max,
        sort,
        page,
        per_page: DEFAULT_PER_PAGE,
        facets: Vec::new(),
        include_unavailable: false,
    };
    (query, values, bad_price)
}
