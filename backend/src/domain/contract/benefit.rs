//! Benefit reports: for a contract whose purchase had a business case, the buyer reports each
//! indicator every six months from the contract's start until two years after it ends, as
//! Denmark requires of large ICT projects.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// Months between reports.
pub const REPORT_MONTHS: u32 = 6;
/// Years after the contract's end that reports continue.
pub const REPORT_YEARS_AFTER: u32 = 2;

/// One indicator as reported: the business case's indicator and the value reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorResult {
    /// The indicator's id in the business case (`indicator-{n}`).
    pub id: String,
    /// What is measured.
    pub name: String,
    /// Its value when the purchase was planned.
    pub baseline: String,
    /// The value aimed at.
    pub target: String,
    /// The value reached.
    pub value: String,
    /// Whether the target is met, as the buyer judges.
    pub met: bool,
}

/// The due dates of a contract's reports: every six months from `start`, the last on or
/// before two years after `end`. Period `n` (from 1) is due at the `n`th date.
pub fn report_schedule(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let Some(last) = end.checked_add_months(Months::new(12 * REPORT_YEARS_AFTER)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut n = 1u32;
    while let Some(due) = start.checked_add_months(Months::new(REPORT_MONTHS * n)) {
        if due > last || n > 200 {
            break;
        }
        out.push(due);
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn every_six_months_until_two_years_after_the_end() {
        let due = report_schedule(at("2026-01-31T00:00:00Z"), at("2026-12-31T00:00:00Z"));
        assert_eq!(due.first(), Some(&at("2026-07-31T00:00:00Z")));
        assert_eq!(due.last(), Some(&at("2028-07-31T00:00:00Z")));
        assert_eq!(due.len(), 5);
        assert!(report_schedule(at("2026-01-01T00:00:00Z"), at("2020-01-01T00:00:00Z")).is_empty());
    }

    proptest! {
        #[test]
        fn reports_are_six_months_apart_and_end_in_time(start_days in 0i64..3000, length in 0i64..2000) {
            let start = at("2020-01-01T00:00:00Z") + chrono::Duration::days(start_days);
            let end = start + chrono::Duration::days(length);
            let due = report_schedule(start, end);
            let last = end.checked_add_months(Months::new(24)).unwrap();
            prop_assert!(due.iter().all(|d| *d > start && *d <= last));
            for pair in due.windows(2) {
                let gap = (pair[1] - pair[0]).num_days();
                prop_assert!((181..=184).contains(&gap), "gap {}", gap);
            }
            // No six-month date before the last one is skipped.
            let next = start.checked_add_months(Months::new(6 * (due.len() as u32 + 1))).unwrap();
            prop_assert!(next > last);
        }
    }
}
