//! Thresholds and filters of the analyses, with Cardinal's defaults for its indicators and
//! Marco's own for the rest. Every one can be changed; `ocds analyse --help` lists them.

use std::collections::BTreeMap;

/// Settings of one analysis run.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Only amounts in this currency are compared; unset, the first currency examined in input
    /// order (Cardinal's rule).
    pub currency: Option<String>,
    /// When not empty, only processes whose `procurementMethodDetails` is listed are price-compared.
    pub price_comparison_methods: Vec<String>,
    /// Processes whose `procurementMethodDetails` is listed are not price-compared.
    pub no_price_comparison_methods: Vec<String>,
    /// Processes whose `procurementMethodDetails` is listed are left out of every indicator.
    pub excluded_method_details: Vec<String>,
    /// R003: a submission period shorter than this many whole days is flagged (15).
    pub r003_days: i64,
    /// R003: only these procurement methods (empty: all).
    pub r003_methods: Vec<String>,
    /// R003: other day limits by `procurementMethodDetails`.
    pub r003_by_details: BTreeMap<String, i64>,
    /// R018: the procurement methods where a single tenderer is a flag (open, selective).
    pub r018_methods: Vec<String>,
    /// R024: a fixed limit of the price difference instead of the lower fence.
    pub r024_threshold: Option<f64>,
    /// R035: how many other tenderers must be disqualified (1).
    pub r035_threshold: usize,
    /// R038: a fixed limit of the disqualified share instead of the upper fence.
    pub r038_threshold: Option<f64>,
    /// R038: the fewest submitted bids a tenderer must be on (2).
    pub r038_minimum_bids: u64,
    /// R038: the fewest submitted bids a buyer or procuring entity must have received (2).
    pub r038_minimum_processes: u64,
    /// R048: how many leading characters of a classification code make a category (2).
    pub r048_digits: usize,
    /// R048: a fixed number of categories instead of the upper fence.
    pub r048_threshold: Option<f64>,
    /// R048: the fewest processes a supplier must have won (20).
    pub r048_minimum_processes: u64,
    /// R058: a fixed limit of the discount instead of the upper fence.
    pub r058_threshold: Option<f64>,
    /// M001: a supplier winning more than this share of one buyer's awards is flagged (0.5).
    pub m001_share: f64,
    /// M001: only buyers with at least this many awards (5).
    pub m001_minimum_awards: u64,
    /// M002: this many direct awards from one buyer to one supplier is a flag (3).
    pub m002_direct_awards: u64,
    /// M002: the procurement methods that count as direct awards (limited, direct).
    pub m002_methods: Vec<String>,
    /// M003: a contract worth more than its award by this share is flagged (0.2).
    pub m003_rise: f64,
    /// Whether to gather Marco's supplier and buyer figures and flags too (true); off, only
    /// Cardinal's indicators run, as `ocdscardinal indicators` would.
    pub marco: bool,
    /// Whether to keep every process's [`super::market::Fact`] in the report, for a server that
    /// recomputes markets for a period, buyer or supplier (false: memory stays bounded).
    pub keep_facts: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            currency: None,
            price_comparison_methods: Vec::new(),
            no_price_comparison_methods: Vec::new(),
            excluded_method_details: Vec::new(),
            r003_days: 15,
            r003_methods: Vec::new(),
            r003_by_details: BTreeMap::new(),
            r018_methods: vec!["open".into(), "selective".into()],
            r024_threshold: None,
            r035_threshold: 1,
            r038_threshold: None,
            r038_minimum_bids: 2,
            r038_minimum_processes: 2,
            r048_digits: 2,
            r048_threshold: None,
            r048_minimum_processes: 20,
            r058_threshold: None,
            m001_share: 0.5,
            m001_minimum_awards: 5,
            m002_direct_awards: 3,
            m002_methods: vec!["limited".into(), "direct".into()],
            m003_rise: 0.2,
            marco: true,
            keep_facts: false,
        }
    }
}

impl Settings {
    /// Whether a process with these method details is price-compared (R024, R028, R036, R058).
    pub fn price_compared(&self, details: Option<&str>) -> bool {
        if !self.price_comparison_methods.is_empty() {
            return details.is_some_and(|d| self.price_comparison_methods.iter().any(|m| m == d));
        }
        !details.is_some_and(|d| self.no_price_comparison_methods.iter().any(|m| m == d))
    }
}

/// A pipe-separated list, as Cardinal reads one: split on `|`, no trimming, no empty items.
pub fn pipe_list(raw: &str) -> Vec<String> {
    raw.split('|')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
