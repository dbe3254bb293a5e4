//! Marco's supplier and buyer figures and its own red flags (M001–M003), gathered from the
//! same compiled releases as Cardinal's indicators.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::market::{Fact, Markets, SME};
use super::view::Compiled;
use super::{IdMap, Settings, add_to, delivery, slot};

/// Money by currency.
pub type ByCurrency = BTreeMap<String, f64>;

/// What one supplier won and how it bid.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Supplier {
    /// Active awards naming it.
    pub awards: u64,
    /// Their value by currency.
    pub award_value: ByCurrency,
    /// Processes it bid in (submitted bids).
    pub processes_bid: u64,
    /// Of those, processes it won.
    pub processes_won_after_bidding: u64,
    /// Wins over processes bid in, when it bid at all.
    pub win_rate: Option<f64>,
    /// Contracts terminated early.
    pub terminations: u64,
    /// Different buyers it won from.
    pub buyers_served: u64,
    /// Its size, as the last process in the input that gives one says (sme, micro, small,
    /// medium, large).
    pub scale: Option<String>,
    /// Framework agreements it was admitted to (active awards of frameworks' own processes).
    pub framework_admissions: u64,
    /// Contracts from its awards.
    pub contracts: u64,
    /// Their value by currency.
    pub contract_value: ByCurrency,
    /// Of it, the value added by amendments (a contract worth more than its award).
    pub amendment_value: ByCurrency,
    /// The amendments' share of contract value, by currency.
    pub amendment_share: BTreeMap<String, f64>,
    /// Delivery milestones met on or before their due date.
    pub milestones_on_time: u64,
    /// Delivery milestones met late, or unmet past their due date.
    pub milestones_late: u64,
    /// Deliveries the buyers accepted.
    pub deliveries_accepted: u64,
    /// Deliveries the buyers rejected.
    pub deliveries_rejected: u64,
    /// Buyers' ratings of its work.
    pub ratings: u64,
    /// Their average, out of 5.
    pub rating_average: Option<f64>,
    /// Benefit indicators reported on its contracts.
    pub indicators_reported: u64,
    /// Of them, those whose target was met.
    pub indicators_met: u64,
    #[serde(skip)]
    rating_sum: f64,
    #[serde(skip)]
    scale_at: u64,
    #[serde(skip)]
    buyers: rustc_hash::FxHashSet<Box<str>>,
}

/// What one buyer bought and how competitive it was.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    /// Processes.
    pub processes: u64,
    /// Active awards.
    pub awards: u64,
    /// Their value by currency.
    pub award_value: ByCurrency,
    /// Of it, the value won by small and medium-sized suppliers.
    pub sme_value: ByCurrency,
    /// Awards won by small and medium-sized suppliers.
    pub sme_awards: u64,
    /// Processes with submitted bids.
    pub processes_with_bids: u64,
    /// Submitted bids in them.
    pub bids: u64,
    /// Of those processes, those with one submitted bid.
    pub single_bid_processes: u64,
    /// Average submitted bids per process with bids.
    pub average_bids: Option<f64>,
    /// Share of processes with bids that had one.
    pub single_bid_share: Option<f64>,
    /// Award value by framework ocid (empty key: outside any framework).
    pub spend_by_framework: BTreeMap<String, ByCurrency>,
    /// Award value by framework ocid, then lot (empty key: no lot named).
    pub spend_by_lot: BTreeMap<String, BTreeMap<String, ByCurrency>>,
    /// Award value by route: order, award (direct), brief, challenge, or the procurement method.
    pub spend_by_route: BTreeMap<String, ByCurrency>,
    /// Processes whose award date and tender closing are both known.
    pub awards_timed: u64,
    /// Their average days from the tender's closing to the first award.
    pub average_days_to_award: Option<f64>,
    /// Payments made by their due date.
    pub payments_on_time: u64,
    /// Payments made late, or unpaid past their due date.
    pub payments_late: u64,
    #[serde(skip)]
    days_to_award: i64,
    #[serde(skip)]
    awards_by_supplier: IdMap<(u64, Vec<u32>)>,
    #[serde(skip)]
    direct_by_supplier: IdMap<Vec<u32>>,
}

/// Marco's figures gathered from a share of the input.
#[derive(Debug, Default)]
pub struct Gathered {
    /// By supplier id.
    pub suppliers: IdMap<Supplier>,
    /// By buyer id.
    pub buyers: IdMap<Buyer>,
    /// M003 flags: (ocid, rise).
    pub m003: Vec<(Box<str>, f64)>,
    /// Markets by framework and lot.
    pub markets: Markets,
    /// Every process's fact, when the settings keep them.
    pub facts: Vec<Fact>,
    /// The ocids M001 and M002 may name, each stored once and referred to by number.
    ocids: Ocids,
}

/// Ocids stored end to end in one string: a process's ocid costs its bytes and one offset,
/// and each buyer–supplier pair that names it four bytes.
#[derive(Debug, Default)]
struct Ocids {
    text: String,
    ends: Vec<usize>,
}

impl Ocids {
    fn push(&mut self, ocid: &str) -> u32 {
        self.text.push_str(ocid);
        self.ends.push(self.text.len());
        u32::try_from(self.ends.len() - 1).expect("fewer than 4 billion processes per thread")
    }

    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    /// Appends `other`, giving the number its first ocid now has.
    fn append(&mut self, other: Ocids) -> u32 {
        let base = self.ends.len();
        let shift = self.text.len();
        self.text.push_str(&other.text);
        self.ends.extend(other.ends.into_iter().map(|e| e + shift));
        u32::try_from(base).expect("fewer than 4 billion processes")
    }
}

impl Gathered {
    /// Adds one compiled release.
    pub fn add(&mut self, s: &Settings, seq: u64, r: &Compiled, ocid: &str) {
        if r.is_framework() {
            // A framework's own process admits suppliers; it buys nothing itself.
            self.markets.admit(ocid, r);
            for a in r.active_awards() {
                for id in a.suppliers.items().iter().filter_map(|x| x.id.get()) {
                    slot(&mut self.suppliers, id).framework_admissions += 1;
                }
            }
            if s.keep_facts {
                // Kept with no awards, so that its own flags can be found by framework and date.
                let mut fact = Fact::of(ocid, r);
                fact.awards.clear();
                fact.framework = Some(ocid.to_owned());
                fact.route = "framework".to_owned();
                self.facts.push(fact);
            }
            return;
        }
        let buyer_id = r.buyer.get().and_then(|b| b.id.get());
        let fact = Fact::of(ocid, r);
        let me = (buyer_id.is_some() && !fact.awards.is_empty()).then(|| self.ocids.push(ocid));
        self.markets.add(&fact);
        if let Some(b) = buyer_id {
            let buyer = slot(&mut self.buyers, b);
            for a in &fact.awards {
                let (Some(v), Some(c)) = (a.amount, a.currency.as_deref()) else {
                    continue;
                };
                let fw = fact.framework.as_deref().unwrap_or_default();
                add_to(
                    buyer.spend_by_framework.entry(fw.to_owned()).or_default(),
                    c,
                    v,
                );
                let lots = buyer.spend_by_lot.entry(fw.to_owned()).or_default();
                add_to(
                    lots.entry(a.lot.clone().unwrap_or_default()).or_default(),
                    c,
                    v,
                );
                add_to(
                    buyer.spend_by_route.entry(fact.route.clone()).or_default(),
                    c,
                    v,
                );
            }
            let closing = r
                .tender
                .get()
                .and_then(|t| t.tender_period.get())
                .and_then(|p| super::market::day(p.end_date.get()));
            let awarded = fact.awards.iter().filter_map(|a| a.date).min();
            if let (Some(closing), Some(awarded)) = (closing, awarded)
                && awarded >= closing
            {
                buyer.awards_timed += 1;
                buyer.days_to_award += (awarded - closing).num_days();
            }
        }
        let method = r.tender.get().and_then(|t| t.procurement_method.get());
        let direct = method.is_some_and(|m| s.m002_methods.iter().any(|x| x == m));
        let scale = |id: &str| r.scale_of(id);
        let mut winners: HashSet<&str> = HashSet::new();
        for a in r.active_awards() {
            let money = a.value.get().and_then(|v| v.money());
            for sup in a.suppliers.items() {
                let Some(id) = sup.id.get() else { continue };
                winners.insert(id);
                let entry = slot(&mut self.suppliers, id);
                entry.awards += 1;
                if let Some((amount, currency)) = money {
                    add_to(&mut entry.award_value, currency, amount);
                }
                if let Some(sc) = scale(id)
                    && (entry.scale.is_none() || seq >= entry.scale_at)
                {
                    entry.scale = Some(sc.to_owned());
                    entry.scale_at = seq;
                }
                if let Some(b) = buyer_id {
                    if !entry.buyers.contains(b) {
                        entry.buyers.insert(b.into());
                    }
                    let buyer = slot(&mut self.buyers, b);
                    let by = slot(&mut buyer.awards_by_supplier, id);
                    by.0 += 1;
                    by.1.extend(me);
                    if direct {
                        slot(&mut buyer.direct_by_supplier, id).extend(me);
                    }
                    if scale(id).is_some_and(|sc| SME.contains(&sc))
                        && let Some((amount, currency)) = money
                    {
                        add_to(&mut buyer.sme_value, currency, amount);
                    }
                    if scale(id).is_some_and(|sc| SME.contains(&sc)) {
                        buyer.sme_awards += 1;
                    }
                }
            }
            if let (Some(b), Some((amount, currency))) = (buyer_id, money) {
                let buyer = slot(&mut self.buyers, b);
                buyer.awards += 1;
                add_to(&mut buyer.award_value, currency, amount);
            } else if let Some(b) = buyer_id {
                slot(&mut self.buyers, b).awards += 1;
            }
        }
        let submitted: Vec<_> = r
            .bids
            .get()
            .map(|b| b.details.items())
            .unwrap_or_default()
            .iter()
            .filter(|b| {
                b.status
                    .get()
                    .is_some_and(|s| s != "invited" && s != "withdrawn")
            })
            .collect();
        let mut bidders: HashSet<&str> = HashSet::new();
        for b in &submitted {
            bidders.extend(b.tenderers.items().iter().filter_map(|t| t.id.get()));
        }
        for id in &bidders {
            let entry = slot(&mut self.suppliers, id);
            entry.processes_bid += 1;
            if winners.contains(id) {
                entry.processes_won_after_bidding += 1;
            }
        }
        if let Some(b) = buyer_id {
            let buyer = slot(&mut self.buyers, b);
            buyer.processes += 1;
            if !submitted.is_empty() {
                buyer.processes_with_bids += 1;
                buyer.bids += submitted.len() as u64;
                buyer.single_bid_processes += u64::from(submitted.len() == 1);
            }
        }
        for c in r.contracts.items() {
            let award = r
                .awards
                .items()
                .iter()
                .find(|a| a.id.get().is_some() && a.id.get() == c.award_id.get());
            let done = delivery::of(r, c);
            if let Some(b) = buyer_id {
                let buyer = slot(&mut self.buyers, b);
                buyer.payments_on_time += done.paid_on_time;
                buyer.payments_late += done.paid_late;
            }
            let contract_money = c.value.get().and_then(|v| v.money());
            let award_money = award.and_then(|a| a.value.get()).and_then(|v| v.money());
            for sup in award.map(|a| a.suppliers.items()).unwrap_or_default() {
                let Some(id) = sup.id.get() else { continue };
                let e = slot(&mut self.suppliers, id);
                e.contracts += 1;
                e.milestones_on_time += done.on_time;
                e.milestones_late += done.late;
                e.deliveries_accepted += done.accepted;
                e.deliveries_rejected += done.rejected;
                e.ratings += done.ratings;
                e.rating_sum += done.rating_sum;
                e.indicators_reported += done.indicators;
                e.indicators_met += done.indicators_met;
                if let Some((now, currency)) = contract_money {
                    add_to(&mut e.contract_value, currency, now);
                    if let Some((then, c2)) = award_money
                        && c2 == currency
                        && !c.amendments.items().is_empty()
                        && now > then
                    {
                        add_to(&mut e.amendment_value, currency, now - then);
                    }
                }
            }
            if c.status.get() == Some("terminated") {
                for sup in award.map(|a| a.suppliers.items()).unwrap_or_default() {
                    if let Some(id) = sup.id.get() {
                        slot(&mut self.suppliers, id).terminations += 1;
                    }
                }
            }
            let contract = c.value.get().and_then(|v| v.money());
            let awarded = award.and_then(|a| a.value.get()).and_then(|v| v.money());
            if let (Some((now, c1)), Some((then, c2))) = (contract, awarded)
                && c1 == c2
                && then > 0.0
            {
                let rise = (now - then) / then;
                if rise > s.m003_rise {
                    self.m003.push((ocid.into(), rise));
                }
            }
        }
        if s.keep_facts {
            self.facts.push(fact);
        }
    }

    /// Adds what another share of the input gathered.
    pub fn absorb(&mut self, mut other: Gathered) {
        let base = self.ocids.append(std::mem::take(&mut other.ocids));
        for (id, s) in other.suppliers {
            let e = self.suppliers.entry(id).or_default();
            e.awards += s.awards;
            add_money(&mut e.award_value, &s.award_value);
            e.processes_bid += s.processes_bid;
            e.processes_won_after_bidding += s.processes_won_after_bidding;
            e.terminations += s.terminations;
            e.buyers.extend(s.buyers);
            e.framework_admissions += s.framework_admissions;
            e.contracts += s.contracts;
            add_money(&mut e.contract_value, &s.contract_value);
            add_money(&mut e.amendment_value, &s.amendment_value);
            e.milestones_on_time += s.milestones_on_time;
            e.milestones_late += s.milestones_late;
            e.deliveries_accepted += s.deliveries_accepted;
            e.deliveries_rejected += s.deliveries_rejected;
            e.ratings += s.ratings;
            e.rating_sum += s.rating_sum;
            e.indicators_reported += s.indicators_reported;
            e.indicators_met += s.indicators_met;
            if s.scale.is_some() && (e.scale.is_none() || s.scale_at >= e.scale_at) {
                e.scale = s.scale;
                e.scale_at = s.scale_at;
            }
        }
        for (id, b) in other.buyers {
            let e = self.buyers.entry(id).or_default();
            e.processes += b.processes;
            e.awards += b.awards;
            add_money(&mut e.award_value, &b.award_value);
            add_money(&mut e.sme_value, &b.sme_value);
            e.sme_awards += b.sme_awards;
            e.processes_with_bids += b.processes_with_bids;
            e.bids += b.bids;
            e.single_bid_processes += b.single_bid_processes;
            for (k, v) in b.spend_by_framework {
                add_money(e.spend_by_framework.entry(k).or_default(), &v);
            }
            for (k, lots) in b.spend_by_lot {
                let into = e.spend_by_lot.entry(k).or_default();
                for (lot, v) in lots {
                    add_money(into.entry(lot).or_default(), &v);
                }
            }
            for (k, v) in b.spend_by_route {
                add_money(e.spend_by_route.entry(k).or_default(), &v);
            }
            e.awards_timed += b.awards_timed;
            e.days_to_award += b.days_to_award;
            e.payments_on_time += b.payments_on_time;
            e.payments_late += b.payments_late;
            for (s, (n, ocids)) in b.awards_by_supplier {
                let x = e.awards_by_supplier.entry(s).or_default();
                x.0 += n;
                x.1.extend(ocids.into_iter().map(|i| i + base));
            }
            for (s, ocids) in b.direct_by_supplier {
                e.direct_by_supplier
                    .entry(s)
                    .or_default()
                    .extend(ocids.into_iter().map(|i| i + base));
            }
        }
        self.m003.extend(other.m003);
        self.markets.absorb(other.markets);
        self.facts.extend(other.facts);
    }

    /// Finishes the averages and raises M001 and M002: (code, buyer, supplier, value, ocids).
    pub fn finish(
        &mut self,
        s: &Settings,
    ) -> Vec<(&'static str, String, String, f64, Vec<String>)> {
        let mut flags = Vec::new();
        // Sums are rounded to cents, so that the order the threads added them in never shows.
        for sup in self.suppliers.values_mut() {
            cents(&mut sup.award_value);
            sup.buyers_served = sup.buyers.len() as u64;
            sup.win_rate = (sup.processes_bid > 0)
                .then(|| sup.processes_won_after_bidding as f64 / sup.processes_bid as f64);
            cents(&mut sup.contract_value);
            cents(&mut sup.amendment_value);
            sup.amendment_share = sup
                .contract_value
                .iter()
                .filter(|(_, v)| **v > 0.0)
                .map(|(c, v)| {
                    let added = sup.amendment_value.get(c).copied().unwrap_or(0.0);
                    (c.clone(), added / v)
                })
                .collect();
            sup.rating_average = (sup.ratings > 0)
                .then(|| ((sup.rating_sum / sup.ratings as f64) * 100.0).round() / 100.0);
        }
        for (id, b) in &mut self.buyers {
            cents(&mut b.award_value);
            cents(&mut b.sme_value);
            b.spend_by_framework.values_mut().for_each(cents);
            b.spend_by_route.values_mut().for_each(cents);
            b.spend_by_lot
                .values_mut()
                .for_each(|lots| lots.values_mut().for_each(cents));
            b.average_days_to_award =
                (b.awards_timed > 0).then(|| b.days_to_award as f64 / b.awards_timed as f64);
            if b.processes_with_bids > 0 {
                b.average_bids = Some(b.bids as f64 / b.processes_with_bids as f64);
                b.single_bid_share =
                    Some(b.single_bid_processes as f64 / b.processes_with_bids as f64);
            }
            if b.awards >= s.m001_minimum_awards {
                for (sup, (n, ocids)) in &b.awards_by_supplier {
                    let share = *n as f64 / b.awards as f64;
                    if share > s.m001_share {
                        flags.push((
                            "M001",
                            id.to_string(),
                            sup.to_string(),
                            share,
                            sorted(&self.ocids, ocids),
                        ));
                    }
                }
            }
            for (sup, ocids) in &b.direct_by_supplier {
                if ocids.len() as u64 >= s.m002_direct_awards {
                    flags.push((
                        "M002",
                        id.to_string(),
                        sup.to_string(),
                        ocids.len() as f64,
                        sorted(&self.ocids, ocids),
                    ));
                }
            }
        }
        flags.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
        flags
    }
}

fn cents(m: &mut ByCurrency) {
    for v in m.values_mut() {
        *v = (*v * 100.0).round() / 100.0;
    }
}

fn sorted(all: &Ocids, ocids: &[u32]) -> Vec<String> {
    let mut v: Vec<String> = ocids.iter().map(|i| all.get(*i).to_owned()).collect();
    v.sort();
    v.dedup();
    v
}

fn add_money(to: &mut ByCurrency, from: &ByCurrency) {
    for (c, v) in from {
        *to.entry(c.clone()).or_default() += v;
    }
}
