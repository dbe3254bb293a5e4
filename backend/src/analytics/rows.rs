//! The report as rows for pages, CSV files and the API: every raised flag with what it is
//! raised on, and the supplier and buyer figures, in the reader's language.

use ocds_schema::analyse::{ByCurrency, DEFINITIONS, Report};
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

/// Every raised flag, processes first, in code order.
pub fn flags(report: &Report) -> Vec<Flag> {
    let mut out = Vec::new();
    for (group, map) in [
        ("ocid", &report.ocid),
        ("buyer", &report.buyer),
        ("procuringEntity", &report.procuring_entity),
        ("tenderer", &report.tenderer),
    ] {
        for (id, codes) in map {
            for (code, value) in codes {
                out.push(Flag {
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
    for f in &report.marco.pair_flags {
        out.push(Flag {
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

/// The codes of every flag, Cardinal's then Marco's.
pub fn codes() -> impl Iterator<Item = &'static str> {
    DEFINITIONS.iter().map(|d| d.0)
}

/// Money by currency as people reading `lang` write it, largest first.
pub fn money(values: &ByCurrency, lang: &str) -> String {
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

/// The CSV of `flags`.
pub fn flags_csv(flags: &[Flag]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
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
    Ok(w.into_inner()?)
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
