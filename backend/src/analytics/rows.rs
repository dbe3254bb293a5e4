//! The report as rows for pages, CSV files and the API: every raised flag with what it is
//! raised on, and the supplier and buyer figures, in the reader's language.

use ocds_schema::analyse::{ByCurrency, DEFINITIONS, Raised, Report};
use serde::Serialize;

/// One raised flag.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    /// The code: Cardinal's (R003…) or Marco's (M001–M003).
    pub code: &'static str,
    /// What it is raised on: `ocid`, `buyer`, `procuringEntity`, `tenderer` or `buyerSupplier`.
    pub group: &'static str,
    /// The process, organisation, or `buyer → supplier`.
    pub id: String,
    /// The buyer of a `buyerSupplier` flag.
    pub buyer: Option<String>,
    /// The supplier of a `buyerSupplier` flag, or the tenderer.
    pub supplier: Option<String>,
    /// The indicator's value (a ratio, a count, or 1 for yes).
    pub value: f64,
    /// The processes that raise it.
    pub ocids: Vec<String>,
}

/// Every raised flag, in code order (the engine's rows, as the API documents them).
pub fn flags(report: &Report) -> Vec<Flag> {
    report.raised().into_iter().map(Flag::from).collect()
}

impl From<Raised> for Flag {
    fn from(r: Raised) -> Flag {
        Flag {
            code: r.code,
            group: r.group,
            id: r.id,
            buyer: r.buyer,
            supplier: r.supplier,
            value: r.value,
            ocids: r.ocids,
        }
    }
}

impl From<&Flag> for Raised {
    fn from(f: &Flag) -> Raised {
        Raised {
            code: f.code,
            group: f.group,
            id: f.id.clone(),
            buyer: f.buyer.clone(),
            supplier: f.supplier.clone(),
            value: f.value,
            ocids: f.ocids.clone(),
        }
    }
}

/// The codes of every flag, Cardinal's then Marco's.
pub fn codes() -> impl Iterator<Item = &'static str> {
    DEFINITIONS.iter().map(|d| d.0)
}

/// Money by currency as people reading `lang` write it, largest first; a dash for none.
pub fn money(values: &ByCurrency, lang: &str) -> String {
    if values.is_empty() {
        return "—".to_owned();
    }
    let mut list: Vec<(&String, &f64)> = values.iter().collect();
    list.sort_by(|a, b| b.1.total_cmp(a.1));
    list.iter()
        .map(|(c, v)| {
            let amount = rust_decimal::Decimal::from_f64_retain(**v)
                .unwrap_or_default()
                .round_dp(2);
            crate::buying::money_text(amount, c, lang)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A share as a percentage with one decimal.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{:.1} %", s * 100.0))
}

/// The CSV of `flags`, written as `ocds analyse --csv` writes it.
pub fn flags_csv(flags: &[Flag]) -> anyhow::Result<Vec<u8>> {
    let rows: Vec<Raised> = flags.iter().map(Raised::from).collect();
    let mut out = Vec::new();
    ocds_schema::analyse::csv_out::flags(&rows, &mut out)?;
    Ok(out)
}

/// The CSV of the supplier figures.
pub fn suppliers_csv(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    ocds_schema::analyse::csv_out::suppliers(report, &mut out)?;
    Ok(out)
}

/// The CSV of the buyer figures.
pub fn buyers_csv(report: &Report) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    ocds_schema::analyse::csv_out::buyers(report, &mut out)?;
    Ok(out)
}
