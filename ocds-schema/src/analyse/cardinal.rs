//! Cardinal's red flags, per release and then over all releases. The definitions, exclusions
//! and defaults follow Cardinal (`docs/cardinal-indicators.md`), so results can be compared
//! with its `indicators` command.

use std::collections::{HashMap, HashSet};

use super::{IdMap, slot};

use chrono::DateTime;

use super::Settings;
use super::view::{Bid, Compiled};

/// The process-level price ratio of R024 and R058: how far the lowest losing valid bid is above
/// the winning one, as a share of the winning one.
#[derive(Clone, Debug)]
pub struct Ratio {
    /// The process.
    pub ocid: Box<str>,
    /// (second lowest − winning) / winning.
    pub ratio: f64,
    /// The winner's id.
    pub winner: Box<str>,
    /// The lowest losing tenderer's id.
    pub second: Box<str>,
}

/// What the Cardinal indicators gather from a share of the input.
#[derive(Debug, Default)]
pub struct Gathered {
    /// Flags fixed by one release: (ocid, code, value).
    pub ocid_flags: Vec<(Box<str>, &'static str, f64)>,
    /// Tenderers flagged with a fixed flag (R028, R035): (id, code, value).
    pub tenderer_flags: Vec<(Box<str>, &'static str, f64)>,
    /// The first currency examined: (input position, currency).
    pub first_currency: Option<(u64, Box<str>)>,
    /// R024/R058 ratios by currency.
    pub ratios: HashMap<Box<str>, Vec<Ratio>>,
    /// R036 flagged processes by currency.
    pub r036: HashMap<Box<str>, Vec<Box<str>>>,
    /// R038 (disqualified, submitted) by buyer, procuring entity and tenderer.
    pub r038: [IdMap<(u64, u64)>; 3],
    /// R048: categories and processes by supplier.
    pub r048: IdMap<(HashSet<Box<str>>, u64)>,
}

/// Bids at one price: (amount bits, currency) and the distinct sets of tenderer ids.
type PriceGroup<'a> = ((u64, &'a str), Vec<Vec<&'a str>>);

fn is_submitted(bid: &Bid) -> bool {
    bid.status
        .get()
        .is_some_and(|s| s != "invited" && s != "withdrawn")
}

impl Gathered {
    /// Adds one compiled release, at input position `seq`, that passed the global exclusions.
    pub fn add(&mut self, s: &Settings, seq: u64, r: &Compiled, ocid: &str) {
        let tender = r.tender.get();
        let details = tender.and_then(|t| t.procurement_method_details.get());
        let method = tender.and_then(|t| t.procurement_method.get());
        let bids = r.bids.get().map(|b| b.details.items()).unwrap_or_default();
        let bids_array = r.bids.get().is_some_and(|b| b.details.is_array());
        let priced = s.price_compared(details);

        // R003: a short submission period.
        if let Some(t) = tender {
            let methods_ok = s.r003_methods.is_empty()
                || method.is_some_and(|m| s.r003_methods.iter().any(|x| x == m));
            if let (true, Some(p)) = (methods_ok, t.tender_period.get()) {
                let parse = |d: Option<&str>| d.and_then(|d| DateTime::parse_from_rfc3339(d).ok());
                if let (Some(a), Some(b)) = (parse(p.start_date.get()), parse(p.end_date.get())) {
                    let days = (b - a).num_days();
                    let limit = details
                        .and_then(|d| s.r003_by_details.get(d).copied())
                        .unwrap_or(s.r003_days);
                    if days < limit {
                        self.ocid_flags.push((ocid.into(), "R003", 1.0));
                    }
                }
            }
            // R018: a single tenderer in an open or selective procedure.
            if (s.r018_methods.is_empty()
                || method.is_some_and(|m| s.r018_methods.iter().any(|x| x == m)))
                && t.number_of_tenderers.unsigned() == Some(1)
            {
                self.ocid_flags.push((ocid.into(), "R018", 1.0));
            }
        }

        // "All awards final": the active awards, or None when one is neither final nor active.
        let active: Option<Vec<&super::view::Award>> = if r.awards.is_array() && bids_array {
            let mut out = Vec::new();
            let mut ok = true;
            for a in r.awards.items() {
                match a.status.get() {
                    Some("active") => out.push(a),
                    Some("cancelled" | "unsuccessful") | None => {}
                    Some(_) => ok = false,
                }
            }
            ok.then_some(out)
        } else {
            None
        };

        // R024/R058: the ratio of the lowest losing valid bid to the winning one.
        if priced
            && let Some(active) = &active
            && active.len() == 1
            && let [supplier] = active[0].suppliers.items()
            && let Some(winner) = supplier.id.get()
        {
            let valid: Vec<(f64, &str, &str)> = bids
                .iter()
                .filter(|b| b.status.get() == Some("valid"))
                .filter_map(|b| {
                    let (amount, currency) = b.value.get()?.money()?;
                    let [t] = b.tenderers.items() else {
                        return None;
                    };
                    Some((amount, currency, t.id.get()?))
                })
                .collect();
            if let Some((_, first, _)) = valid.first() {
                self.saw_currency(seq, first);
            }
            let mut currencies: Vec<&str> = valid.iter().map(|v| v.1).collect();
            currencies.dedup();
            for currency in currencies {
                if s.currency.as_deref().is_some_and(|c| c != currency) {
                    continue;
                }
                let (mut win, mut lose): (Option<f64>, Option<(f64, &str)>) = (None, None);
                for (amount, _, id) in valid.iter().filter(|v| v.1 == currency) {
                    if *id == winner {
                        win = Some(win.map_or(*amount, |w: f64| w.min(*amount)));
                    } else if lose.is_none_or(|(l, _)| *amount < l) {
                        lose = Some((*amount, id));
                    }
                }
                if let (Some(w), Some((l, second))) = (win, lose)
                    && l >= w
                {
                    self.ratios.entry(currency.into()).or_default().push(Ratio {
                        ocid: ocid.into(),
                        ratio: (l - w) / w,
                        winner: winner.into(),
                        second: second.into(),
                    });
                }
            }
        }

        // R028: identical prices from different tenderers: bids at the same (amount,
        // currency) from at least two different sets of tenderers.
        if priced {
            let mut groups: Vec<PriceGroup> = Vec::new();
            for b in bids
                .iter()
                .filter(|b| is_submitted(b) && b.tenderers.is_array())
            {
                let Some((amount, currency)) = b.value.get().and_then(|v| v.money()) else {
                    continue;
                };
                let mut ids: Vec<&str> = b
                    .tenderers
                    .items()
                    .iter()
                    .filter_map(|t| t.id.get())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                if ids.is_empty() {
                    continue;
                }
                // 100 and 100.0 are one price; -0.0 and 0.0 too.
                let key = ((amount + 0.0).to_bits(), currency);
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, sets)) => {
                        if !sets.contains(&ids) {
                            sets.push(ids);
                        }
                    }
                    None => groups.push((key, vec![ids])),
                }
            }
            let mut ids: Vec<&str> = groups
                .iter()
                .filter(|(_, sets)| sets.len() >= 2)
                .flat_map(|(_, sets)| sets.iter().flatten().copied())
                .collect();
            if !ids.is_empty() {
                self.ocid_flags.push((ocid.into(), "R028", 1.0));
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    self.tenderer_flags.push((id.into(), "R028", 1.0));
                }
            }
        }

        // R035: every other tenderer disqualified.
        if let Some(active) = &active {
            let winners: HashSet<&str> = active
                .iter()
                .flat_map(|a| a.suppliers.items().iter().filter_map(|x| x.id.get()))
                .collect();
            let ids = |status: &str| -> HashSet<&str> {
                bids.iter()
                    .filter(|b| b.status.get() == Some(status))
                    .flat_map(|b| b.tenderers.items().iter().filter_map(|t| t.id.get()))
                    .collect()
            };
            let valid = ids("valid");
            if valid.len() == 1 && valid == winners {
                let k = ids("disqualified").difference(&valid).count();
                if k >= s.r035_threshold.max(1) {
                    self.ocid_flags.push((ocid.into(), "R035", k as f64));
                    for w in &winners {
                        self.tenderer_flags.push(((*w).into(), "R035", 0.0));
                    }
                }
            }
        }

        // R036: the lowest bid disqualified.
        if priced
            && r.awards
                .items()
                .iter()
                .any(|a| a.status.get() == Some("active"))
        {
            let submitted: Vec<(f64, &str, Option<&str>)> = bids
                .iter()
                .filter(|b| is_submitted(b))
                .filter_map(|b| {
                    let (amount, currency) = b.value.get()?.money()?;
                    Some((amount, currency, b.status.get()))
                })
                .collect();
            if let Some((_, first, _)) = submitted.first() {
                self.saw_currency(seq, first);
            }
            let mut currencies: Vec<&str> = submitted.iter().map(|v| v.1).collect();
            currencies.dedup();
            for currency in currencies {
                if s.currency.as_deref().is_some_and(|c| c != currency) {
                    continue;
                }
                let mut lowest: Option<(f64, bool)> = None;
                let mut any_valid = false;
                for (amount, _, status) in submitted.iter().filter(|b| b.1 == currency) {
                    any_valid |= *status == Some("valid");
                    if lowest.is_none_or(|(l, _)| *amount < l) {
                        lowest = Some((*amount, *status == Some("disqualified")));
                    }
                }
                if any_valid && lowest.is_some_and(|(_, d)| d) {
                    self.r036
                        .entry(currency.into())
                        .or_default()
                        .push(ocid.into());
                }
            }
        }

        // R038: disqualified bids over submitted bids, pooled by organisation.
        let submitted: Vec<&Bid> = bids.iter().filter(|b| is_submitted(b)).collect();
        if !submitted.is_empty() {
            let d = submitted
                .iter()
                .filter(|b| b.status.get() == Some("disqualified"))
                .count() as u64;
            let n = submitted.len() as u64;
            let orgs = [
                r.buyer.get().and_then(|b| b.id.get()),
                tender
                    .and_then(|t| t.procuring_entity.get())
                    .and_then(|p| p.id.get()),
            ];
            for (group, id) in orgs.into_iter().enumerate() {
                if let Some(id) = id {
                    let e = slot(&mut self.r038[group], id);
                    e.0 += d;
                    e.1 += n;
                }
            }
            for b in &submitted {
                let dq = u64::from(b.status.get() == Some("disqualified"));
                for t in b.tenderers.items() {
                    if let Some(id) = t.id.get() {
                        let e = slot(&mut self.r038[2], id);
                        e.0 += dq;
                        e.1 += 1;
                    }
                }
            }
        }

        // R048: the categories each supplier wins in.
        let mut counted: HashSet<&str> = HashSet::new();
        for a in r.active_awards() {
            let [supplier] = a.suppliers.items() else {
                continue;
            };
            let Some(id) = supplier.id.get() else {
                continue;
            };
            for item in a.items.items() {
                let Some(code) = item.classification.get().and_then(|c| c.id.get()) else {
                    continue;
                };
                let end = code
                    .char_indices()
                    .nth(s.r048_digits)
                    .map_or(code.len(), |(i, _)| i);
                let entry = slot(&mut self.r048, id);
                if !entry.0.contains(&code[..end]) {
                    entry.0.insert(code[..end].into());
                }
                if counted.insert(id) {
                    entry.1 += 1;
                }
            }
        }
    }

    fn saw_currency(&mut self, seq: u64, currency: &str) {
        if self.first_currency.as_ref().is_none_or(|(at, _)| seq < *at) {
            self.first_currency = Some((seq, currency.into()));
        }
    }

    /// Adds what another share of the input gathered.
    pub fn absorb(&mut self, other: Gathered) {
        self.ocid_flags.extend(other.ocid_flags);
        self.tenderer_flags.extend(other.tenderer_flags);
        if let Some((seq, c)) = other.first_currency {
            self.saw_currency(seq, &c);
        }
        for (c, v) in other.ratios {
            self.ratios.entry(c).or_default().extend(v);
        }
        for (c, v) in other.r036 {
            self.r036.entry(c).or_default().extend(v);
        }
        for (mine, theirs) in self.r038.iter_mut().zip(other.r038) {
            for (id, (d, n)) in theirs {
                let e = mine.entry(id).or_default();
                e.0 += d;
                e.1 += n;
            }
        }
        for (id, (codes, n)) in other.r048 {
            let e = self.r048.entry(id).or_default();
            e.0.extend(codes);
            e.1 += n;
        }
    }
}
