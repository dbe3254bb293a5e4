//! Which processes a page or download looks at: a period, a framework, a lot, a buyer and a
//! supplier. Market insights are recomputed from the kept facts of the processes in scope; red
//! flags are kept when a process that raises them is in scope.

use chrono::NaiveDate;
use ocds_schema::analyse::market::{Fact, Market, Markets};

use super::Snapshot;
use super::rows::Flag;

/// The filters; `None` is "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// On or after this day.
    pub from: Option<NaiveDate>,
    /// On or before this day.
    pub to: Option<NaiveDate>,
    /// Calling off from this framework (its ocid), or the framework's own process.
    pub framework: Option<String>,
    /// With an award in this lot.
    pub lot: Option<String>,
    /// Bought by this buyer (party id).
    pub buyer: Option<String>,
    /// With an award to this supplier (party id).
    pub supplier: Option<String>,
}

impl Scope {
    /// Whether nothing is filtered.
    pub fn is_all(&self) -> bool {
        *self == Scope::default()
    }

    /// Whether the filters place processes in time or in a framework, which flags raised on an
    /// organisation alone cannot be placed in.
    fn places(&self) -> bool {
        self.from.is_some() || self.to.is_some() || self.framework.is_some() || self.lot.is_some()
    }

    /// Whether process `f` is in scope.
    pub fn holds(&self, f: &Fact) -> bool {
        let dated = match (self.from, self.to) {
            (None, None) => true,
            (from, to) => f
                .date
                .is_some_and(|d| from.is_none_or(|x| d >= x) && to.is_none_or(|x| d <= x)),
        };
        dated
            && self
                .framework
                .as_deref()
                .is_none_or(|fw| f.framework.as_deref() == Some(fw))
            && self
                .lot
                .as_deref()
                .is_none_or(|lot| f.awards.iter().any(|a| a.lot.as_deref() == Some(lot)))
            && self
                .buyer
                .as_deref()
                .is_none_or(|b| f.buyer.as_deref() == Some(b))
            && self
                .supplier
                .as_deref()
                .is_none_or(|s| f.awards.iter().any(|a| a.supplier == s))
    }

    /// Whether `flag` belongs in scope: one of its processes is, or, for a flag on an
    /// organisation alone, that organisation is the buyer or supplier asked for and nothing
    /// places it in time or in a framework.
    pub fn keeps(&self, snapshot: &Snapshot, flag: &Flag) -> bool {
        if self.is_all() {
            return true;
        }
        if !flag.ocids.is_empty() {
            return flag
                .ocids
                .iter()
                .any(|o| snapshot.fact(o).is_some_and(|f| self.holds(f)));
        }
        !self.places()
            && self
                .buyer
                .as_deref()
                .is_none_or(|b| flag.buyer.as_deref() == Some(b))
            && self
                .supplier
                .as_deref()
                .is_none_or(|s| flag.supplier.as_deref() == Some(s))
    }

    /// The markets of the processes in scope (a lot filter keeps whole processes; each market
    /// still counts only its own lot's awards).
    pub fn markets(&self, snapshot: &Snapshot) -> Vec<Market> {
        if self.is_all() {
            return snapshot.report.marco.markets.clone();
        }
        let facts = snapshot.report.marco.facts.iter().filter(|f| self.holds(f));
        let mut markets = Markets::over(facts, &snapshot.report.marco.admitted);
        // A framework filter shows that framework only, admitted-only lots included.
        if let Some(fw) = &self.framework {
            markets.retain(|m| m.framework.as_deref() == Some(fw));
        }
        markets
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocds_schema::analyse::market::AwardFact;

    fn fact(date: &str, lot: &str) -> Fact {
        Fact {
            ocid: "o".into(),
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            buyer: Some("b".into()),
            framework: Some("fw".into()),
            route: "order".into(),
            awards: vec![AwardFact {
                supplier: "s".into(),
                lot: Some(lot.into()),
                amount: Some(1.0),
                currency: Some("CLP".into()),
                sme: true,
                date: None,
            }],
        }
    }

    #[test]
    fn a_period_includes_both_of_its_days() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let scope = Scope {
            from: d("2026-01-01"),
            to: d("2026-03-31"),
            ..Scope::default()
        };
        assert!(scope.holds(&fact("2026-01-01", "iaas")));
        assert!(scope.holds(&fact("2026-03-31", "iaas")));
        assert!(!scope.holds(&fact("2025-12-31", "iaas")));
        assert!(!scope.holds(&fact("2026-04-01", "iaas")));
        let mut undated = fact("2026-01-01", "iaas");
        undated.date = None;
        assert!(!scope.holds(&undated));
        assert!(Scope::default().holds(&undated));
    }

    #[test]
    fn framework_lot_buyer_and_supplier_must_all_match() {
        let f = fact("2026-01-01", "iaas");
        let s = |fw: &str, lot: &str, b: &str, sup: &str| Scope {
            framework: Some(fw.into()),
            lot: Some(lot.into()),
            buyer: Some(b.into()),
            supplier: Some(sup.into()),
            ..Scope::default()
        };
        assert!(s("fw", "iaas", "b", "s").holds(&f));
        assert!(!s("fw2", "iaas", "b", "s").holds(&f));
        assert!(!s("fw", "saas", "b", "s").holds(&f));
        assert!(!s("fw", "iaas", "b2", "s").holds(&f));
        assert!(!s("fw", "iaas", "b", "s2").holds(&f));
    }
}
