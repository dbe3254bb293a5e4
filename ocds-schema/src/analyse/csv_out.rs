//! The supplier and buyer figures as CSV, written the same way by `ocds analyse --csv` and by
//! Marco's downloads.

use std::io::Write;

use super::{ByCurrency, Report};

fn money(values: &ByCurrency) -> String {
    values
        .iter()
        .map(|(c, v)| format!("{c} {v:.2}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn share(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_default()
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
        ])?;
    }
    w.flush()?;
    Ok(())
}
