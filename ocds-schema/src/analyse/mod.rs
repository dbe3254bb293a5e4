//! Supplier-performance analytics and red flags from compiled releases: Cardinal's indicators
//! (R003, R018, R024, R028, R035, R036, R038, R048, R058, defined as Cardinal defines them) and
//! Marco's supplier and buyer figures and flags (M001–M003).
//!
//! Feed compiled releases to an [`Analyser`] (several analysers may each take a share of the
//! input, on their own threads, and be joined with [`Analyser::absorb`]), then
//! [`Analyser::finish`] gives the [`Report`]. Memory grows with the number of flagged or
//! price-compared processes and of organisations, not with the size of the releases.
//!
//! ```
//! use ocds_schema::analyse::{Analyser, Settings};
//! let mut a = Analyser::new(Settings::default());
//! a.add_json(0, br#"{"ocid":"ocds-1","tender":{"procurementMethod":"open","numberOfTenderers":1}}"#)?;
//! let report = a.finish();
//! assert_eq!(report.ocid["ocds-1"]["R018"], 1.0);
//! # Ok::<(), serde_json::Error>(())
//! ```

mod cardinal;
pub mod csv_out;
mod delivery;
pub mod fence;
pub mod lenient;
mod marco;
pub mod market;
mod settings;
pub mod view;

use std::collections::BTreeMap;

use serde::Serialize;

pub use marco::{Buyer, ByCurrency, Supplier};
pub use settings::{Settings, pipe_list};

/// The maps the analyses keep by organisation id.
pub(crate) type IdMap<V> = rustc_hash::FxHashMap<Box<str>, V>;

/// The entry of `key` in `map`, created empty if missing, without allocating the key when it
/// is already there (the common case: ids repeat across processes).
pub(crate) fn slot<'m, V: Default>(map: &'m mut IdMap<V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.into(), V::default());
    }
    map.get_mut(key).expect("just inserted")
}

/// Adds `amount` to `currency` in `money` without allocating when the currency is there.
pub(crate) fn add_to(money: &mut ByCurrency, currency: &str, amount: f64) {
    match money.get_mut(currency) {
        Some(v) => *v += amount,
        None => {
            money.insert(currency.to_owned(), amount);
        }
    }
}

/// Flags by identifier: id → code → value (Cardinal's shape).
pub type Flags = BTreeMap<String, BTreeMap<&'static str, f64>>;

/// Every flag's code, name and definition, in plain language.
pub const DEFINITIONS: &[(&str, &str, &str)] = &[
    (
        "R003",
        "Short submission period",
        "The tender period is shorter than the threshold (15 whole days by default).",
    ),
    (
        "R018",
        "Single bid received",
        "An open or selective procedure received exactly one tenderer.",
    ),
    (
        "R024",
        "Price close to winning bid",
        "The lowest losing valid bid is unusually close to the winning bid (at or below the lower fence of all processes).",
    ),
    (
        "R028",
        "Identical bid prices",
        "Different tenderers submitted bids at exactly the same price.",
    ),
    (
        "R035",
        "All except winning bid disqualified",
        "Only the winner's bid is valid, and other tenderers' bids were disqualified.",
    ),
    (
        "R036",
        "Lowest bid disqualified",
        "The lowest submitted bid was disqualified while a valid bid won.",
    ),
    (
        "R038",
        "Excessive disqualified bids",
        "A buyer, procuring entity or tenderer has an unusually high share of disqualified bids (at or above the upper fence).",
    ),
    (
        "R048",
        "Heterogeneous supplier",
        "A supplier wins in unusually many unrelated item categories (at or above the upper fence).",
    ),
    (
        "R058",
        "Heavily discounted bid",
        "The winning bid is unusually far below the next lowest valid bid (at or above the upper fence).",
    ),
    (
        "M001",
        "Supplier wins most awards from one buyer",
        "One supplier won more than half (by default) of a buyer's awards, for buyers with at least 5 awards.",
    ),
    (
        "M002",
        "Repeated direct awards",
        "One buyer made at least 3 (by default) direct awards to the same supplier.",
    ),
    (
        "M003",
        "Price rise through amendments",
        "A contract is worth more than its award by more than 20 % (by default).",
    ),
];

/// Marco's flags that name a buyer and a supplier.
#[derive(Clone, Debug, Serialize)]
pub struct PairFlag {
    /// M001 or M002.
    pub code: &'static str,
    /// The buyer's id.
    pub buyer: String,
    /// The supplier's id.
    pub supplier: String,
    /// The share (M001) or the count (M002).
    pub value: f64,
    /// The processes that raise it.
    pub ocids: Vec<String>,
}

/// One raised flag as a row: what it is raised on, the value and the processes behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Raised {
    /// The code: Cardinal's (R003…) or Marco's (M001–M003).
    pub code: &'static str,
    /// What it is raised on: `ocid`, `buyer`, `procuringEntity`, `tenderer` or `buyerSupplier`.
    pub group: &'static str,
    /// The process, organisation, or `buyer → supplier`.
    pub id: String,
    /// The buyer of a `buyer` or `buyerSupplier` flag.
    pub buyer: Option<String>,
    /// The supplier of a `buyerSupplier` flag, or the tenderer.
    pub supplier: Option<String>,
    /// The indicator's value (a ratio, a count, or 1 for yes).
    pub value: f64,
    /// The processes that raise it.
    pub ocids: Vec<String>,
}

impl Report {
    /// Every raised flag, in code order then by what it is raised on.
    pub fn raised(&self) -> Vec<Raised> {
        let mut out = Vec::new();
        for (group, map) in [
            ("ocid", &self.ocid),
            ("buyer", &self.buyer),
            ("procuringEntity", &self.procuring_entity),
            ("tenderer", &self.tenderer),
        ] {
            for (id, codes) in map {
                for (code, value) in codes {
                    out.push(Raised {
                        code,
                        group,
                        id: id.clone(),
                        buyer: (group == "buyer").then(|| id.clone()),
                        supplier: (group == "tenderer").then(|| id.clone()),
                        value: *value,
                        ocids: if group == "ocid" {
                            vec![id.clone()]
                        } else {
                            Vec::new()
                        },
                    });
                }
            }
        }
        for f in &self.marco.pair_flags {
            out.push(Raised {
                code: f.code,
                group: "buyerSupplier",
                id: format!("{} → {}", f.buyer, f.supplier),
                buyer: Some(f.buyer.clone()),
                supplier: Some(f.supplier.clone()),
                value: f.value,
                ocids: f.ocids.clone(),
            });
        }
        out.sort_by(|a, b| (a.code, &a.id).cmp(&(b.code, &b.id)));
        out
    }
}

/// Marco's part of the report.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarcoReport {
    /// Compiled releases read.
    pub releases: u64,
    /// Of those, left out by the global exclusions (no string ocid, cancelled, excluded method).
    pub excluded: u64,
    /// The currency amounts were compared in.
    pub main_currency: Option<String>,
    /// Figures by supplier id.
    pub suppliers: BTreeMap<String, Supplier>,
    /// Figures by buyer id.
    pub buyers: BTreeMap<String, Buyer>,
    /// M001 and M002.
    pub pair_flags: Vec<PairFlag>,
    /// Market insights by framework and lot.
    pub markets: Vec<market::Market>,
    /// Every process's fact, when [`Settings::keep_facts`] is on (not written out).
    #[serde(skip)]
    pub facts: Vec<market::Fact>,
    /// The suppliers admitted to each framework and lot (not written out; see `markets`).
    #[serde(skip)]
    pub admitted: BTreeMap<market::Key, std::collections::BTreeSet<String>>,
}

/// The results: Cardinal's groups and `Meta`, and Marco's figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Flags by process.
    #[serde(rename = "OCID", skip_serializing_if = "BTreeMap::is_empty")]
    pub ocid: Flags,
    /// Flags by buyer.
    #[serde(rename = "Buyer", skip_serializing_if = "BTreeMap::is_empty")]
    pub buyer: Flags,
    /// Flags by procuring entity.
    #[serde(rename = "ProcuringEntity", skip_serializing_if = "BTreeMap::is_empty")]
    pub procuring_entity: Flags,
    /// Flags by tenderer or supplier.
    #[serde(rename = "Tenderer", skip_serializing_if = "BTreeMap::is_empty")]
    pub tenderer: Flags,
    /// Quartiles and fences, rounded to 4 decimals.
    #[serde(rename = "Meta")]
    pub meta: BTreeMap<&'static str, BTreeMap<String, Option<f64>>>,
    /// Marco's figures.
    #[serde(rename = "Marco")]
    pub marco: MarcoReport,
}

/// Analyses compiled releases.
#[derive(Debug)]
pub struct Analyser {
    settings: Settings,
    cardinal: cardinal::Gathered,
    marco: marco::Gathered,
    releases: u64,
    excluded: u64,
}

impl Analyser {
    /// An analyser with `settings`.
    pub fn new(settings: Settings) -> Analyser {
        Analyser {
            settings,
            cardinal: cardinal::Gathered::default(),
            marco: marco::Gathered::default(),
            releases: 0,
            excluded: 0,
        }
    }

    /// Parses one compiled release (JSON) found at input position `seq` and adds it.
    pub fn add_json(&mut self, seq: u64, json: &[u8]) -> Result<(), serde_json::Error> {
        let release: view::Compiled = serde_json::from_slice(json)?;
        self.add(seq, &release);
        Ok(())
    }

    /// Adds one compiled release found at input position `seq` (positions order the input, for
    /// the first-currency rule).
    pub fn add(&mut self, seq: u64, r: &view::Compiled) {
        self.releases += 1;
        let tender = r.tender.get();
        let Some(ocid) = r.ocid.get() else {
            self.excluded += 1;
            return;
        };
        if tender.is_some_and(|t| t.status.get() == Some("cancelled"))
            || tender
                .and_then(|t| t.procurement_method_details.get())
                .is_some_and(|d| self.settings.excluded_method_details.iter().any(|x| x == d))
        {
            self.excluded += 1;
            return;
        }
        self.cardinal.add(&self.settings, seq, r, ocid);
        if self.settings.marco {
            self.marco.add(&self.settings, seq, r, ocid);
        }
    }

    /// Joins what another analyser (with the same settings) gathered.
    pub fn absorb(&mut self, other: Analyser) {
        self.cardinal.absorb(other.cardinal);
        self.marco.absorb(other.marco);
        self.releases += other.releases;
        self.excluded += other.excluded;
    }

    /// The report.
    pub fn finish(mut self) -> Report {
        let s = &self.settings;
        let mut report = Report::default();
        let flag = |map: &mut Flags, id: &str, code: &'static str, value: f64| {
            map.entry(id.to_owned()).or_default().insert(code, value);
        };
        for (ocid, code, value) in &self.cardinal.ocid_flags {
            flag(&mut report.ocid, ocid, code, *value);
        }
        for (id, code, value) in &self.cardinal.tenderer_flags {
            flag(&mut report.tenderer, id, code, *value);
        }
        let main = s.currency.clone().or_else(|| {
            self.cardinal
                .first_currency
                .as_ref()
                .map(|(_, c)| c.to_string())
        });
        let ratios = main
            .as_deref()
            .and_then(|c| self.cardinal.ratios.remove(c))
            .unwrap_or_default();
        let mut values: Vec<f64> = ratios.iter().map(|r| r.ratio).collect();
        let (q1, q3) = fence::quartiles(&mut values);
        // R024: at or below the lower fence, when the fence and Q1 are above zero.
        let (r024, r024_ok) = match s.r024_threshold {
            Some(t) => (t, t > 0.0),
            None => {
                let f = fence::lower(q1, q3);
                (f, q1 > 0.0 && f > 0.0)
            }
        };
        let mut meta = BTreeMap::new();
        if s.r024_threshold.is_none() {
            meta.insert("q1".to_owned(), fence::meta(q1));
            meta.insert("q3".to_owned(), fence::meta(q3));
        }
        meta.insert("lower_fence".to_owned(), fence::meta(r024));
        report.meta.insert("R024", meta);
        // R058: at or above the upper fence, when the fence is above zero.
        let r058 = s.r058_threshold.unwrap_or_else(|| fence::upper(q1, q3));
        let mut meta = BTreeMap::new();
        if s.r058_threshold.is_none() {
            meta.insert("q1".to_owned(), fence::meta(q1));
            meta.insert("q3".to_owned(), fence::meta(q3));
        }
        meta.insert("upper_fence".to_owned(), fence::meta(r058));
        report.meta.insert("R058", meta);
        for r in &ratios {
            if r024_ok && r.ratio <= r024 {
                flag(&mut report.ocid, &r.ocid, "R024", r.ratio);
                flag(&mut report.tenderer, &r.winner, "R024", 0.0);
                flag(&mut report.tenderer, &r.second, "R024", 0.0);
            }
            if r058 > 0.0 && r.ratio >= r058 {
                flag(&mut report.ocid, &r.ocid, "R058", r.ratio);
                flag(&mut report.tenderer, &r.winner, "R058", 0.0);
            }
        }
        // R036 in the main currency.
        if let Some(flagged) = main.as_deref().and_then(|c| self.cardinal.r036.remove(c)) {
            for ocid in flagged {
                flag(&mut report.ocid, &ocid, "R036", 1.0);
            }
        }
        // R038: per group, the pooled disqualified share at or above the group's upper fence.
        let mut r038_meta = BTreeMap::new();
        let groups = std::mem::take(&mut self.cardinal.r038);
        for (i, counts) in groups.into_iter().enumerate() {
            let (name, minimum) = match i {
                0 => ("Buyer", s.r038_minimum_processes),
                1 => ("ProcuringEntity", s.r038_minimum_processes),
                _ => ("Tenderer", s.r038_minimum_bids),
            };
            let kept: Vec<(Box<str>, f64)> = counts
                .into_iter()
                .filter(|(_, (_, n))| *n >= minimum)
                .map(|(id, (d, n))| (id, d as f64 / n as f64))
                .collect();
            if kept.is_empty() {
                continue;
            }
            let limit = match s.r038_threshold {
                Some(t) => t,
                None => {
                    let mut v: Vec<f64> = kept.iter().map(|k| k.1).collect();
                    let (q1, q3) = fence::quartiles(&mut v);
                    r038_meta.insert(format!("{name}_q1"), fence::meta(q1));
                    r038_meta.insert(format!("{name}_q3"), fence::meta(q3));
                    fence::upper(q1, q3)
                }
            };
            r038_meta.insert(format!("{name}_upper_fence"), fence::meta(limit));
            let map = match i {
                0 => &mut report.buyer,
                1 => &mut report.procuring_entity,
                _ => &mut report.tenderer,
            };
            if limit > 0.0 {
                for (id, ratio) in kept.iter().filter(|k| k.1 >= limit) {
                    flag(map, id, "R038", *ratio);
                }
            }
        }
        if !r038_meta.is_empty() {
            report.meta.insert("R038", r038_meta);
        }
        // R048: suppliers winning in many categories, among those with enough processes.
        let kept: Vec<(Box<str>, f64)> = std::mem::take(&mut self.cardinal.r048)
            .into_iter()
            .filter(|(_, (_, n))| *n >= s.r048_minimum_processes)
            .map(|(id, (codes, _))| (id, codes.len() as f64))
            .collect();
        let mut meta = BTreeMap::new();
        let limit = match s.r048_threshold {
            Some(t) => t,
            None => {
                let mut v: Vec<f64> = kept.iter().map(|k| k.1).collect();
                let (q1, q3) = fence::quartiles(&mut v);
                meta.insert("q1".to_owned(), fence::meta(q1));
                meta.insert("q3".to_owned(), fence::meta(q3));
                fence::upper(q1, q3)
            }
        };
        meta.insert("upper_fence".to_owned(), fence::meta(limit));
        report.meta.insert("R048", meta);
        for (id, variety) in kept.iter().filter(|k| k.1 >= limit) {
            flag(&mut report.tenderer, id, "R048", *variety);
        }
        // Marco's own.
        for (ocid, rise) in &self.marco.m003 {
            flag(&mut report.ocid, ocid, "M003", *rise);
        }
        let pairs = self.marco.finish(s);
        let markets = std::mem::take(&mut self.marco.markets);
        let admitted = markets.admitted().clone();
        report.marco = MarcoReport {
            markets: markets.finish(),
            facts: std::mem::take(&mut self.marco.facts),
            admitted,
            releases: self.releases,
            excluded: self.excluded,
            main_currency: main,
            suppliers: self
                .marco
                .suppliers
                .drain()
                .map(|(k, v)| (k.into(), v))
                .collect(),
            buyers: self
                .marco
                .buyers
                .drain()
                .map(|(k, v)| (k.into(), v))
                .collect(),
            pair_flags: pairs
                .into_iter()
                .map(|(code, buyer, supplier, value, ocids)| PairFlag {
                    code,
                    buyer,
                    supplier,
                    value,
                    ocids,
                })
                .collect(),
        };
        report
    }
}

#[cfg(test)]
mod tests;
