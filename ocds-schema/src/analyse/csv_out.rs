//! The supplier, buyer and market figures as CSV, written the same way by `ocds analyse --csv` and by
//! Marco's downloads.

use std::io::Write;

use std::collections::BTreeMap;

use super::market::Market;
use super::{ByCurrency, DEFINITIONS, Raised, Report};

fn money(values: &ByCurrency) -> String {
    values
        .iter()
        .map(|(c, v)| format!("{c} {v:.2}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn shares(values: &BTreeMap<String, f64>) -> String {
    values
        .iter()
        .map(|(c, v)| format!("{c} {v:.4}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `key: CUR 1.00; key2: …`, an empty key written as `none`.
fn nested(values: &BTreeMap<String, ByCurrency>) -> String {
    values
        .iter()
        .map(|(k, v)| format!("{}: {}", if k.is_empty() { "none" } else { k }, money(v)))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn share(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_default()
}

/// Writes one row per raised flag, with the flag's name.
pub fn flags<'f>(flags: impl IntoIterator<Item = &'f Raised>, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["code", "name", "group", "id", "value", "ocids"])?;
    for f in flags {
        let name = DEFINITIONS
            .iter()
            .find(|d| d.0 == f.code)
            .map_or("", |d| d.1);
        w.write_record([
            f.code,
            name,
            f.group,
            &f.id,
            &f.value.to_string(),
            &f.ocids.join(" "),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes one row per supplier.
pub fn suppliers(report: &Report, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "scale",
        "awards",
        "awardValue",
        "processesBid",
        "processesWonAfterBidding",
        "winRate",
        "terminations",
        "buyersServed",
        "frameworkAdmissions",
        "contracts",
        "contractValue",
        "amendmentValue",
        "amendmentShare",
        "milestonesOnTime",
        "milestonesLate",
        "deliveriesAccepted",
        "deliveriesRejected",
        "ratings",
        "ratingAverage",
        "indicatorsReported",
        "indicatorsMet",
    ])?;
    for (id, s) in &report.marco.suppliers {
        w.write_record([
            id.as_str(),
            s.scale.as_deref().unwrap_or_default(),
            &s.awards.to_string(),
            &money(&s.award_value),
            &s.processes_bid.to_string(),
            &s.processes_won_after_bidding.to_string(),
            &share(s.win_rate),
            &s.terminations.to_string(),
            &s.buyers_served.to_string(),
            &s.framework_admissions.to_string(),
            &s.contracts.to_string(),
            &money(&s.contract_value),
            &money(&s.amendment_value),
            &shares(&s.amendment_share),
            &s.milestones_on_time.to_string(),
            &s.milestones_late.to_string(),
            &s.deliveries_accepted.to_string(),
            &s.deliveries_rejected.to_string(),
            &s.ratings.to_string(),
            &s.rating_average
                .map(|r| format!("{r:.2}"))
                .unwrap_or_default(),
            &s.indicators_reported.to_string(),
            &s.indicators_met.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes one row per buyer.
pub fn buyers(report: &Report, out: impl Write) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "processes",
        "awards",
        "awardValue",
        "smeAwards",
        "smeValue",
        "averageBids",
        "singleBidShare",
        "spendByFramework",
        "spendByRoute",
        "awardsTimed",
        "averageDaysToAward",
        "paymentsOnTime",
        "paymentsLate",
    ])?;
    for (id, b) in &report.marco.buyers {
        w.write_record([
            id.as_str(),
            &b.processes.to_string(),
            &b.awards.to_string(),
            &money(&b.award_value),
            &b.sme_awards.to_string(),
            &money(&b.sme_value),
            &share(b.average_bids),
            &share(b.single_bid_share),
            &nested(&b.spend_by_framework),
            &nested(&b.spend_by_route),
            &b.awards_timed.to_string(),
            &b.average_days_to_award
                .map(|d| format!("{d:.1}"))
                .unwrap_or_default(),
            &b.payments_on_time.to_string(),
            &b.payments_late.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes one row per framework and lot (an empty lot: all the framework's lots).
pub fn markets<'m>(
    markets: impl IntoIterator<Item = &'m Market>,
    out: impl Write,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "framework",
        "lot",
        "awards",
        "value",
        "currency",
        "activeSuppliers",
        "admittedSuppliers",
        "hhi",
        "top5Share",
        "smeValueShare",
        "smeAwardShare",
        "firstTimeWinners",
    ])?;
    for m in markets {
        w.write_record([
            m.framework.as_deref().unwrap_or_default(),
            m.lot.as_deref().unwrap_or_default(),
            &m.awards.to_string(),
            &money(&m.value),
            m.currency.as_deref().unwrap_or_default(),
            &m.active_suppliers.to_string(),
            &m.admitted_suppliers
                .map(|n| n.to_string())
                .unwrap_or_default(),
            &m.hhi.map(|h| format!("{h:.2}")).unwrap_or_default(),
            &share(m.top5_share),
            &share(m.sme_value_share),
            &share(m.sme_award_share),
            &m.first_time_winners
                .iter()
                .map(|(q, n)| format!("{q} {n}"))
                .collect::<Vec<_>>()
                .join("; "),
        ])?;
    }
    w.flush()?;
    Ok(())
}
