//! Market insights per framework agreement and lot: how concentrated the awards are (the
//! Herfindahl-Hirschman index and the top-5 share of value), how much goes to small and
//! medium-sized suppliers, how many suppliers win for the first time in each quarter, and how
//! many of the admitted suppliers win at all.
//!
//! A call-off names its framework in `relatedProcesses` (relationship `framework`) and its lot
//! in `awards.relatedLots`. A framework's own process (`techniques.hasFrameworkAgreement`)
//! names the admitted suppliers in its active awards, with their lots. Processes that call off
//! from no framework make one market of their own, by lot where they name one.
//!
//! The figures are computed from [`Fact`]s, one per process, so that a server can keep the
//! facts and recompute any market for a period, a buyer or a supplier.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use super::view::Compiled;
use super::{ByCurrency, IdMap, add_to, slot};

/// The sizes that count as small and medium-sized.
pub const SME: [&str; 4] = ["sme", "micro", "small", "medium"];

/// The day of an RFC 3339 date-time, in UTC.
pub fn day(date: Option<&str>) -> Option<NaiveDate> {
    date.and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc).date_naive())
}

/// The quarter a day falls in, as `2026-Q3`.
pub fn quarter(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
}

/// How a process bought: for Marco's call-offs the kind in the ocid (`order`, `award`,
/// `brief`, `challenge`), otherwise the tender's `procurementMethod`, or `unknown`.
pub fn route<'a>(ocid: &'a str, r: &'a Compiled) -> &'a str {
    if let Some(at) = ocid.find("-co-") {
        let rest = &ocid[at + 4..];
        if let Some(end) = rest.find('-') {
            let kind = &rest[..end];
            if ["order", "award", "brief", "challenge"].contains(&kind) {
                return kind;
            }
        }
    }
    r.tender
        .get()
        .and_then(|t| t.procurement_method.get())
        .unwrap_or("unknown")
}

/// One active award's share for one supplier and lot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AwardFact {
    /// The supplier's id.
    pub supplier: String,
    /// The lot, when the award names one.
    pub lot: Option<String>,
    /// The value of this share.
    pub amount: Option<f64>,
    /// Its currency.
    pub currency: Option<String>,
    /// Whether the supplier is small or medium-sized.
    pub sme: bool,
    /// The award's date.
    pub date: Option<NaiveDate>,
}

/// One process, as the market figures and the filters read it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fact {
    /// Its ocid.
    pub ocid: String,
    /// The first active award's date, or the tender period's start, or the release's date.
    pub date: Option<NaiveDate>,
    /// The buyer's id.
    pub buyer: Option<String>,
    /// The framework it calls off from.
    pub framework: Option<String>,
    /// How it bought (see [`route`]).
    pub route: String,
    /// Its active awards, one entry per supplier and lot.
    pub awards: Vec<AwardFact>,
}

impl Fact {
    /// The fact of one compiled release that is not a framework's own process.
    pub fn of(ocid: &str, r: &Compiled) -> Fact {
        let scale = |id: &str| r.scale_of(id);
        let mut awards = Vec::new();
        for a in r.active_awards() {
            let money = a.value.get().and_then(|v| v.money());
            let date = day(a.date.get());
            let lots: Vec<&str> = a.related_lots.iter().collect();
            // Each lot's share of the value: its items' prices where they say, else even.
            let shares: Vec<(Option<&str>, f64)> = if lots.len() <= 1 {
                vec![(lots.first().copied(), 1.0)]
            } else {
                let priced = |lot: &str| -> f64 {
                    a.items
                        .items()
                        .iter()
                        .filter(|i| i.related_lot.get() == Some(lot))
                        .filter_map(|i| {
                            let unit = i.unit.get()?.value.get()?.amount.value()?;
                            Some(unit * i.quantity.value().unwrap_or(1.0))
                        })
                        .sum()
                };
                let sums: Vec<f64> = lots.iter().map(|l| priced(l)).collect();
                let total: f64 = sums.iter().sum();
                lots.iter()
                    .zip(&sums)
                    .map(|(l, s)| {
                        let share = if total > 0.0 {
                            s / total
                        } else {
                            1.0 / lots.len() as f64
                        };
                        (Some(*l), share)
                    })
                    .collect()
            };
            let suppliers: Vec<&str> = a
                .suppliers
                .items()
                .iter()
                .filter_map(|s| s.id.get())
                .collect();
            for supplier in &suppliers {
                for (lot, share) in &shares {
                    awards.push(AwardFact {
                        supplier: (*supplier).to_owned(),
                        lot: lot.map(str::to_owned),
                        // Joint suppliers share the value evenly.
                        amount: money.map(|(v, _)| v * share / suppliers.len() as f64),
                        currency: money.map(|(_, c)| c.to_owned()),
                        sme: scale(supplier).is_some_and(|s| SME.contains(&s)),
                        date,
                    });
                }
            }
        }
        let tender_start = r
            .tender
            .get()
            .and_then(|t| t.tender_period.get())
            .and_then(|p| day(p.start_date.get()));
        Fact {
            ocid: ocid.to_owned(),
            date: awards
                .iter()
                .filter_map(|a| a.date)
                .min()
                .or(tender_start)
                .or_else(|| day(r.date.get())),
            buyer: r.buyer.get().and_then(|b| b.id.get()).map(str::to_owned),
            framework: r.framework().map(str::to_owned),
            route: route(ocid, r).to_owned(),
            awards,
        }
    }
}

/// The market a figure belongs to: a framework (or none) and a lot (none: all its lots).
pub type Key = (Option<String>, Option<String>);

#[derive(Debug, Default)]
struct SupplierAcc {
    awards: u64,
    value: ByCurrency,
    sme: bool,
    first: Option<NaiveDate>,
}

#[derive(Debug, Default)]
struct MarketAcc {
    awards: u64,
    value: ByCurrency,
    by_currency: BTreeMap<String, u64>,
    suppliers: IdMap<SupplierAcc>,
}

/// Gathers markets from facts and framework admissions.
#[derive(Debug, Default)]
pub struct Markets {
    markets: BTreeMap<Key, MarketAcc>,
    admitted: BTreeMap<Key, BTreeSet<String>>,
}

impl Markets {
    /// Records the admitted suppliers of a framework's own process (its active awards).
    pub fn admit(&mut self, framework: &str, r: &Compiled) {
        for a in r.active_awards() {
            for sup in a.suppliers.items().iter().filter_map(|s| s.id.get()) {
                self.admitted
                    .entry((Some(framework.to_owned()), None))
                    .or_default()
                    .insert(sup.to_owned());
                for lot in a.related_lots.iter() {
                    self.admitted
                        .entry((Some(framework.to_owned()), Some(lot.to_owned())))
                        .or_default()
                        .insert(sup.to_owned());
                }
            }
        }
    }

    /// The admissions gathered so far, to recompute markets from kept facts.
    pub fn admitted(&self) -> &BTreeMap<Key, BTreeSet<String>> {
        &self.admitted
    }

    /// Markets over `facts`, with these admissions.
    pub fn over<'f>(
        facts: impl IntoIterator<Item = &'f Fact>,
        admitted: &BTreeMap<Key, BTreeSet<String>>,
    ) -> Vec<Market> {
        let mut m = Markets {
            admitted: admitted.clone(),
            ..Markets::default()
        };
        for f in facts {
            m.add(f);
        }
        m.finish()
    }

    /// Adds one process.
    pub fn add(&mut self, f: &Fact) {
        for a in &f.awards {
            let mut keys: Vec<Key> = vec![(f.framework.clone(), None)];
            if a.lot.is_some() {
                keys.push((f.framework.clone(), a.lot.clone()));
            }
            for key in keys {
                let m = self.markets.entry(key).or_default();
                m.awards += 1;
                if let (Some(v), Some(c)) = (a.amount, a.currency.as_deref()) {
                    add_to(&mut m.value, c, v);
                    *m.by_currency.entry(c.to_owned()).or_default() += 1;
                }
                let s = slot(&mut m.suppliers, &a.supplier);
                s.awards += 1;
                s.sme |= a.sme;
                if let (Some(v), Some(c)) = (a.amount, a.currency.as_deref()) {
                    add_to(&mut s.value, c, v);
                }
                if let Some(d) = a.date
                    && s.first.is_none_or(|x| d < x)
                {
                    s.first = Some(d);
                }
            }
        }
    }

    /// Joins another share of the input.
    pub fn absorb(&mut self, other: Markets) {
        for (key, o) in other.markets {
            let m = self.markets.entry(key).or_default();
            m.awards += o.awards;
            for (c, v) in o.value {
                *m.value.entry(c).or_default() += v;
            }
            for (c, n) in o.by_currency {
                *m.by_currency.entry(c).or_default() += n;
            }
            for (id, s) in o.suppliers {
                let e = m.suppliers.entry(id).or_default();
                e.awards += s.awards;
                e.sme |= s.sme;
                for (c, v) in s.value {
                    *e.value.entry(c).or_default() += v;
                }
                e.first = match (e.first, s.first) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
        }
        for (key, set) in other.admitted {
            self.admitted.entry(key).or_default().extend(set);
        }
    }

    /// The markets, with admitted-only ones (no awards yet) included.
    pub fn finish(mut self) -> Vec<Market> {
        for key in self.admitted.keys() {
            self.markets.entry(key.clone()).or_default();
        }
        let admitted = std::mem::take(&mut self.admitted);
        self.markets
            .into_iter()
            .map(|(key, m)| m.finish(key.clone(), admitted.get(&key).map(|s| s.len() as u64)))
            .collect()
    }
}

/// One supplier's part of a market.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Share {
    /// The supplier's id.
    pub supplier: String,
    /// Its awards.
    pub awards: u64,
    /// Its value in the market's currency.
    pub value: f64,
    /// Its share of the market's value in that currency.
    pub share: f64,
    /// Whether it is small or medium-sized.
    pub sme: bool,
}

/// The figures of one framework and lot.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Market {
    /// The framework's ocid (none: processes outside any framework).
    pub framework: Option<String>,
    /// The lot (none: all lots).
    pub lot: Option<String>,
    /// Active award shares (one per supplier and lot).
    pub awards: u64,
    /// Their value by currency.
    pub value: ByCurrency,
    /// The currency the shares are measured in: the one most awards use.
    pub currency: Option<String>,
    /// Suppliers with at least one award.
    pub active_suppliers: u64,
    /// Suppliers admitted to the framework (and lot), when the input holds its process.
    pub admitted_suppliers: Option<u64>,
    /// The Herfindahl-Hirschman index of value shares, from 0 to 10,000.
    pub hhi: Option<f64>,
    /// The five largest suppliers' share of value.
    pub top5_share: Option<f64>,
    /// Small and medium-sized suppliers' share of value.
    pub sme_value_share: Option<f64>,
    /// Their share of awards.
    pub sme_award_share: Option<f64>,
    /// Suppliers winning here for the first time, by quarter of their first award.
    pub first_time_winners: BTreeMap<String, u64>,
    /// The ten largest suppliers by value.
    pub top_suppliers: Vec<Share>,
}

impl MarketAcc {
    fn finish(self, key: Key, admitted: Option<u64>) -> Market {
        let currency = self
            .by_currency
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.clone());
        let total = currency
            .as_deref()
            .and_then(|c| self.value.get(c))
            .map(|v| cents(*v))
            .unwrap_or(0.0);
        let mut shares: Vec<Share> = self
            .suppliers
            .iter()
            .map(|(id, s)| {
                let value = currency
                    .as_deref()
                    .and_then(|c| s.value.get(c))
                    .copied()
                    .unwrap_or(0.0);
                Share {
                    supplier: id.to_string(),
                    awards: s.awards,
                    value: cents(value),
                    share: if total > 0.0 { value / total } else { 0.0 },
                    sme: s.sme,
                }
            })
            .collect();
        shares.sort_by(|a, b| {
            b.value
                .total_cmp(&a.value)
                .then(b.awards.cmp(&a.awards))
                .then(a.supplier.cmp(&b.supplier))
        });
        let priced = total > 0.0;
        let hhi = priced.then(|| shares.iter().map(|s| (s.share * 100.0).powi(2)).sum());
        let top5_share =
            priced.then(|| shares.iter().take(5).map(|s| s.value).sum::<f64>() / total);
        let sme_value_share = priced.then(|| {
            shares
                .iter()
                .filter(|s| s.sme)
                .map(|s| s.value)
                .sum::<f64>()
                / total
        });
        let sme_awards: u64 = shares.iter().filter(|s| s.sme).map(|s| s.awards).sum();
        let mut first_time_winners = BTreeMap::new();
        for s in self.suppliers.values() {
            if let Some(d) = s.first {
                *first_time_winners.entry(quarter(d)).or_default() += 1;
            }
        }
        shares.truncate(10);
        Market {
            framework: key.0,
            lot: key.1,
            awards: self.awards,
            value: self.value.into_iter().map(|(c, v)| (c, cents(v))).collect(),
            currency,
            active_suppliers: self.suppliers.len() as u64,
            admitted_suppliers: admitted,
            hhi: hhi.map(round2),
            top5_share,
            sme_value_share,
            sme_award_share: (self.awards > 0).then(|| sme_awards as f64 / self.awards as f64),
            first_time_winners,
            top_suppliers: shares,
        }
    }
}

fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn compiled(json: &str) -> Compiled<'_> {
        serde_json::from_str(json).unwrap()
    }

    const FRAMEWORK: &str = r#"{"ocid":"fw","tender":{"techniques":{"hasFrameworkAgreement":true}},
        "awards":[
          {"status":"active","suppliers":[{"id":"a"}],"relatedLots":["iaas","saas"]},
          {"status":"active","suppliers":[{"id":"b"}],"relatedLots":["iaas"]},
          {"status":"active","suppliers":[{"id":"c"}],"relatedLots":["iaas"]},
          {"status":"pending","suppliers":[{"id":"d"}],"relatedLots":["iaas"]}]}"#;

    fn order(
        ocid: &str,
        supplier: &str,
        amount: f64,
        date: &str,
        lot: &str,
        scale: &str,
    ) -> String {
        format!(
            r#"{{"ocid":"{ocid}","buyer":{{"id":"buyer"}},
            "relatedProcesses":[{{"relationship":["framework"],"scheme":"ocid","identifier":"fw"}}],
            "parties":[{{"id":"{supplier}","details":{{"scale":"{scale}"}}}}],
            "awards":[{{"status":"active","date":"{date}","relatedLots":["{lot}"],
              "value":{{"amount":{amount},"currency":"CLP"}},"suppliers":[{{"id":"{supplier}"}}]}}]}}"#
        )
    }

    fn markets(orders: &[String]) -> Vec<Market> {
        let mut m = Markets::default();
        let fw = compiled(FRAMEWORK);
        assert!(fw.is_framework());
        m.admit("fw", &fw);
        for o in orders {
            let r = compiled(o);
            assert!(!r.is_framework());
            m.add(&Fact::of(r.ocid.get().unwrap(), &r));
        }
        m.finish()
    }

    #[test]
    fn concentration_sme_share_and_first_winners_of_a_lot() {
        let all = markets(&[
            order("o1", "a", 600.0, "2026-01-10T00:00:00Z", "iaas", "sme"),
            order("o2", "b", 200.0, "2026-04-01T00:00:00Z", "iaas", "large"),
            order("o3", "b", 100.0, "2026-05-01T00:00:00Z", "iaas", "large"),
            order(
                "o4",
                "c",
                100.0,
                "2026-03-31T23:00:00-02:00",
                "iaas",
                "micro",
            ),
        ]);
        let iaas = all
            .iter()
            .find(|m| m.lot.as_deref() == Some("iaas"))
            .unwrap();
        assert_eq!(iaas.framework.as_deref(), Some("fw"));
        assert_eq!(iaas.awards, 4);
        // Shares 60 %, 30 %, 10 %: 3600 + 900 + 100.
        assert_eq!(iaas.hhi, Some(4600.0));
        assert_eq!(iaas.top5_share, Some(1.0));
        // a (sme) and c (micro): 700 of 1000 by value, 2 of 4 awards.
        assert!((iaas.sme_value_share.unwrap() - 0.7).abs() < 1e-12);
        assert_eq!(iaas.sme_award_share, Some(0.5));
        // c's award is on 1 April in UTC, so it is a second-quarter first win.
        let quarters: Vec<(&str, u64)> = iaas
            .first_time_winners
            .iter()
            .map(|(q, n)| (q.as_str(), *n))
            .collect();
        assert_eq!(quarters, [("2026-Q1", 1), ("2026-Q2", 2)]);
        // Three admitted (the pending award is not an admission), three active.
        assert_eq!(
            (iaas.active_suppliers, iaas.admitted_suppliers),
            (3, Some(3))
        );
        assert_eq!(iaas.top_suppliers[0].supplier, "a");
        assert_eq!(iaas.top_suppliers[1].value, 300.0);
        // The saas lot has an admitted supplier and no awards yet.
        let saas = all
            .iter()
            .find(|m| m.lot.as_deref() == Some("saas"))
            .unwrap();
        assert_eq!(
            (saas.awards, saas.admitted_suppliers, saas.hhi),
            (0, Some(1), None)
        );
        // The whole framework.
        let whole = all.iter().find(|m| m.lot.is_none()).unwrap();
        assert_eq!((whole.awards, whole.admitted_suppliers), (4, Some(3)));
    }

    #[test]
    fn one_supplier_is_a_monopoly_and_five_equal_ones_are_2000() {
        let one = markets(&[order("o1", "a", 5.0, "2026-01-10T00:00:00Z", "iaas", "sme")]);
        assert_eq!(one[0].hhi, Some(10_000.0));
        let five: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .enumerate()
            .map(|(i, s)| {
                order(
                    &format!("o{i}"),
                    s,
                    10.0,
                    "2026-01-10T00:00:00Z",
                    "iaas",
                    "large",
                )
            })
            .collect();
        let m = markets(&five);
        let iaas = m.iter().find(|m| m.lot.as_deref() == Some("iaas")).unwrap();
        assert_eq!(iaas.hhi, Some(2000.0));
        assert_eq!(iaas.sme_value_share, Some(0.0));
    }

    #[test]
    fn an_award_over_two_lots_is_split_by_its_items_prices() {
        let r = compiled(
            r#"{"ocid":"ocds-x-co-order-7","buyer":{"id":"b"},
            "awards":[{"status":"active","relatedLots":["iaas","saas"],
              "value":{"amount":100,"currency":"CLP"},"suppliers":[{"id":"a"},{"id":"z"}],
              "items":[{"relatedLot":"iaas","quantity":3,"unit":{"value":{"amount":10,"currency":"CLP"}}},
                       {"relatedLot":"saas","quantity":1,"unit":{"value":{"amount":70,"currency":"CLP"}}}]}]}"#,
        );
        let f = Fact::of("ocds-x-co-order-7", &r);
        assert_eq!(f.route, "order");
        assert_eq!(f.framework, None);
        let got: Vec<(&str, Option<&str>, f64)> = f
            .awards
            .iter()
            .map(|a| (a.supplier.as_str(), a.lot.as_deref(), a.amount.unwrap()))
            .collect();
        // Two joint suppliers share each lot's part evenly.
        assert_eq!(
            got,
            [
                ("a", Some("iaas"), 15.0),
                ("a", Some("saas"), 35.0),
                ("z", Some("iaas"), 15.0),
                ("z", Some("saas"), 35.0)
            ]
        );
    }

    #[test]
    fn the_route_is_the_call_off_kind_or_the_method() {
        let r = compiled(r#"{"tender":{"procurementMethod":"open"}}"#);
        assert_eq!(route("ocds-a-co-brief-3", &r), "brief");
        assert_eq!(route("ocds-a-co-other-3", &r), "open");
        assert_eq!(route("ocds-a-fw-x", &compiled("{}")), "unknown");
    }

    proptest! {
        #[test]
        fn hhi_lies_between_even_shares_and_a_monopoly(values in proptest::collection::vec(1u32..1_000_000, 1..30)) {
            let orders: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| order(&format!("o{i}"), &format!("s{i}"), f64::from(*v), "2026-01-10T00:00:00Z", "iaas", "large"))
                .collect();
            let all = markets(&orders);
            let m = all.iter().find(|m| m.lot.as_deref() == Some("iaas")).unwrap();
            let hhi = m.hhi.unwrap();
            let n = values.len() as f64;
            prop_assert!(hhi >= 10_000.0 / n - 0.01 && hhi <= 10_000.0 + 0.01);
            let top5 = m.top5_share.unwrap();
            prop_assert!(top5 <= 1.0 + 1e-9 && top5 >= (5.0_f64.min(n) / n) - 1e-9 || n <= 5.0);
        }
    }
}
