//! How contracts were delivered and paid, from `contracts.implementation`: delivery milestones
//! met on time or late, deliveries rejected, value added by amendments, the buyer's ratings and
//! the benefit indicators met (for the supplier); payments made on time or late (for the buyer).
//!
//! A delivery milestone (`type` `delivery` with a `dueDate`) is on time when it was met on or
//! before its due date, and late when it was met after it or is still unmet after it, as of the
//! release's `date`. A payment is a `payment` milestone (due `dueDate`, paid `dateMet`), or a
//! milestone with Marco's `paymentDueDate`, paid by the transaction whose id is `payment-`
//! followed by the milestone's id.

use chrono::{DateTime, FixedOffset};

use super::view::{Compiled, Contract};

fn at(d: Option<&str>) -> Option<DateTime<FixedOffset>> {
    d.and_then(|d| DateTime::parse_from_rfc3339(d).ok())
}

/// What one contract's implementation shows.
#[derive(Debug, Default, PartialEq)]
pub struct Delivery {
    /// Delivery milestones met on or before their due date.
    pub on_time: u64,
    /// Delivery milestones met after it, or unmet past it.
    pub late: u64,
    /// Deliveries the buyer accepted.
    pub accepted: u64,
    /// Deliveries the buyer rejected.
    pub rejected: u64,
    /// Ratings, and the sum of their means (each out of 5).
    pub ratings: u64,
    /// Sum of the ratings' means.
    pub rating_sum: f64,
    /// Benefit indicators reported, and met.
    pub indicators: u64,
    /// Of them, met.
    pub indicators_met: u64,
    /// Payments made by their due date.
    pub paid_on_time: u64,
    /// Payments made after it, or unpaid past it.
    pub paid_late: u64,
}

/// Reads one contract of release `r`.
pub fn of(r: &Compiled, c: &Contract) -> Delivery {
    let mut d = Delivery::default();
    let Some(imp) = c.implementation.get() else {
        return d;
    };
    let now = at(r.date.get());
    // Met by `met`, due by `due`: on time, late, or not yet known.
    let judge = |met: Option<DateTime<FixedOffset>>, due: DateTime<FixedOffset>| match met {
        Some(m) => Some(m <= due),
        None => now.is_some_and(|n| n > due).then_some(false),
    };
    for m in imp.milestones.items() {
        let met = matches!(m.status.get(), Some("met" | "partiallyMet"))
            .then(|| at(m.date_met.get()))
            .flatten();
        if m.kind.get() == Some("delivery")
            && let Some(due) = at(m.due_date.get())
        {
            match judge(met, due) {
                Some(true) => d.on_time += 1,
                Some(false) => d.late += 1,
                None => {}
            }
        }
        if m.kind.get() == Some("payment")
            && let Some(due) = at(m.due_date.get())
        {
            match judge(met, due) {
                Some(true) => d.paid_on_time += 1,
                Some(false) => d.paid_late += 1,
                None => {}
            }
        }
        if let Some(due) = at(m.payment_due_date.get()) {
            let paid = m.id.get().and_then(|id| {
                imp.transactions
                    .items()
                    .iter()
                    .find(|t| {
                        t.id.get()
                            .and_then(|t| t.strip_prefix("payment-"))
                            .is_some_and(|t| t == id)
                    })
                    .and_then(|t| at(t.date.get()))
            });
            match judge(paid, due) {
                Some(true) => d.paid_on_time += 1,
                Some(false) => d.paid_late += 1,
                None => {}
            }
        }
        for delivery in m.deliveries.items() {
            match delivery.status.get() {
                Some("accepted") => d.accepted += 1,
                Some("rejected") => d.rejected += 1,
                _ => {}
            }
        }
    }
    for rating in imp.ratings.items() {
        let marks: Vec<f64> = [rating.quality, rating.timeliness, rating.communication]
            .iter()
            .filter_map(|n| n.value())
            .filter(|v| (0.0..=5.0).contains(v))
            .collect();
        if !marks.is_empty() {
            d.ratings += 1;
            d.rating_sum += marks.iter().sum::<f64>() / marks.len() as f64;
        }
    }
    for report in imp.benefit_reports.items() {
        for i in report.indicators.items() {
            if let Some(met) = i.met.0 {
                d.indicators += 1;
                d.indicators_met += u64::from(met);
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Delivery {
        let r: Compiled = serde_json::from_str(json).unwrap();
        of(&r, &r.contracts.items()[0])
    }

    #[test]
    fn milestones_on_the_day_are_on_time_and_a_second_later_are_late() {
        let d = read(
            r#"{"date":"2026-06-01T00:00:00Z","contracts":[{"implementation":{"milestones":[
            {"type":"delivery","status":"met","dueDate":"2026-03-01T12:00:00Z","dateMet":"2026-03-01T12:00:00Z"},
            {"type":"delivery","status":"met","dueDate":"2026-03-01T12:00:00Z","dateMet":"2026-03-01T12:00:01Z"},
            {"type":"delivery","status":"scheduled","dueDate":"2026-05-31T23:59:59Z"},
            {"type":"delivery","status":"scheduled","dueDate":"2026-06-01T00:00:00Z"},
            {"type":"delivery","status":"met","dateMet":"2026-03-01T12:00:00Z"}
            ]}}]}"#,
        );
        // Met on the due date; met a second late; unmet past due; due now (not yet late);
        // no due date (not judged).
        assert_eq!((d.on_time, d.late), (1, 2));
    }

    #[test]
    fn payments_by_milestone_and_by_transaction() {
        let d = read(
            r#"{"date":"2026-06-01T00:00:00Z","contracts":[{"implementation":{
            "milestones":[
              {"id":"m1","type":"delivery","paymentDueDate":"2026-04-09T12:00:00Z"},
              {"id":"m2","type":"delivery","paymentDueDate":"2026-04-09T12:00:00Z"},
              {"id":"m3","type":"delivery","paymentDueDate":"2026-07-09T12:00:00Z"},
              {"id":"payment","type":"payment","status":"met","dueDate":"2026-04-01T00:00:00Z","dateMet":"2026-03-30T00:00:00Z"},
              {"id":"m5","type":"delivery","paymentDueDate":"2026-05-01T00:00:00Z"}
            ],
            "transactions":[
              {"id":"payment-m1","date":"2026-04-09T12:00:00Z"},
              {"id":"payment-m2","date":"2026-04-20T12:00:00Z"}
            ]}}]}"#,
        );
        // m1 paid on the day, m2 late, m3 not yet due, the payment milestone early, m5
        // unpaid past due.
        assert_eq!((d.paid_on_time, d.paid_late), (2, 2));
    }

    #[test]
    fn ratings_deliveries_and_indicators() {
        let d = read(
            r#"{"contracts":[{"implementation":{
            "milestones":[{"deliveries":[{"status":"rejected"},{"status":"accepted"},{"status":"submitted"}]}],
            "ratings":[{"quality":5,"timeliness":3,"communication":4},{"quality":2},{"quality":"5"}],
            "benefitReports":[{"indicators":[{"met":true},{"met":false},{"met":"yes"}]},{"indicators":[{"met":true}]}]
            }}]}"#,
        );
        assert_eq!((d.accepted, d.rejected), (1, 1));
        // The third rating has no number: it is not counted.
        assert_eq!(d.ratings, 2);
        assert_eq!(d.rating_sum, 4.0 + 2.0);
        assert_eq!((d.indicators, d.indicators_met), (3, 2));
    }
}
